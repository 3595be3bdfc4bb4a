"""Group types and their specs, the API half: ``cinder/volume/group_types.py`` and the
group type functions of ``cinder/db`` (``group_type_create``, ``group_type_get``,
``group_type_get_all``, ``group_type_update``, ``group_type_destroy``,
``group_type_specs_*``), read in cinder 12.0.10, 16.4.2 and 29.0.0 (the same in each).

Only admins manage them (``rule:admin_api``); a member reads the public ones. A type some
group uses cannot be deleted (``GroupTypeInUse``).
"""

from __future__ import annotations

from typing import Any

from fakecloud.cinder import exception, list_query
from fakecloud.cinder.api_part import ApiPart
from fakecloud.cinder.groups_models import DEFAULT_CGSNAPSHOT_TYPE, GroupTables, GroupType
from fakecloud.cinder.paging import sort_rows
from fakecloud.cinder.validation import is_uuid_like

#: The ``group_types`` table's columns (a sort key must be one).
#: The first Cinder whose group type policies are one per verb (``group:group_types:create``,
#: ``group:group_types_specs:get``, ...); before, one rule each for the writes and the specs.
PER_VERB_GROUP_TYPE_POLICIES_SINCE = 19
GROUP_TYPE_COLUMNS = frozenset((*list_query.BASE_COLUMNS, "id", "name", "description", "is_public"))


def group_type_rule(cinder: int, action: str) -> str:
    """A group type's per-verb rule (``group:group_types:create``, ``group:group_types_specs:
    get``, ...) as Cinder major `cinder` names it: before 19.0.0 one rule covers a type's writes
    (``group:group_types_manage``) and one its specs (``group:group_types_specs``), the names a
    refusal says (the cinder oracle, 16.4.2)."""
    if cinder >= PER_VERB_GROUP_TYPE_POLICIES_SINCE:
        return action
    return "group:group_types_specs" if "_specs:" in action else "group:group_types_manage"


class GroupTypeAPI(ApiPart):
    """Group type requests."""

    def _authorize(self, context: Any, action: str, project_id: str | None = None) -> None:
        """The per-verb rule, by its name in the series' Cinder (`group_type_rule`)."""
        series = self.kernel.switches.series.cinder
        super()._authorize(context, group_type_rule(series, action), project_id)

    def tables(self, create: bool = False) -> GroupTables:
        """The cloud's group tables (made and kept when `create`)."""
        return self.store.group_tables(self.kernel.seed, create)

    # -- reads -------------------------------------------------------------------------------

    def get(self, context: Any, type_id: Any) -> GroupType:
        """``group_type_get``: by id; a private type is a non-admin's 404."""
        row = self.tables().types.get(type_id) if isinstance(type_id, str) else None
        if row is None or not (row.is_public or context.is_admin):
            raise exception.GroupTypeNotFound(group_type_id=type_id)
        return row

    def get_by_name(self, context: Any, name: Any) -> GroupType:
        """``group_type_get_by_name``."""
        for row in self.tables().types.values():
            if row.name == name and (row.is_public or context.is_admin):
                return row
        raise exception.GroupTypeNotFoundByName(group_type_name=name)

    def get_by_name_or_id(self, context: Any, wanted: str) -> GroupType:
        """``group/api.py`` create's lookup: a UUID-like text by id, then as a name
        (``GroupTypeNotFound`` either way); another text by name."""
        if not is_uuid_like(wanted):
            return self.get_by_name(context, wanted)
        try:
            return self.get(context, wanted)
        except exception.GroupTypeNotFound:
            try:
                return self.get_by_name(context, wanted)
            except exception.GroupTypeNotFoundByName:
                raise exception.GroupTypeNotFound(group_type_id=wanted) from None

    def default_cgsnapshot_type(self) -> GroupType:
        """``group_types.get_default_cgsnapshot_type`` (every series here has it)."""
        return next(t for t in self.tables().types.values() if t.name == DEFAULT_CGSNAPSHOT_TYPE)

    def is_default_cgsnapshot_type(self, type_id: str | None) -> bool:
        """``group_types.is_default_cgsnapshot_type``."""
        row = self.tables().types.get(type_id) if type_id else None
        return row is not None and row.name == DEFAULT_CGSNAPSHOT_TYPE

    def get_all(
        self, context: Any, is_public: bool | None, sort: tuple[list[str], list[str]]
    ) -> list[GroupType]:
        """``group_type_get_all``: the public ones, the private ones too (`is_public` None) or
        alone (False) for an admin; sorted as asked (newest first by default)."""
        rows = [
            r
            for r in self.tables().types.values()
            if (is_public is None or r.is_public == is_public) and (r.is_public or context.is_admin)
        ]
        sort_rows(rows, list(sort[0]), list(sort[1]), GROUP_TYPE_COLUMNS, self.kernel.clock)
        return rows

    # -- writes ------------------------------------------------------------------------------

    def create(
        self,
        context: Any,
        name: str,
        specs: dict[str, Any] | None,
        is_public: bool,
        description: str | None,
    ) -> GroupType:
        """``group_types.create``: a name taken is ``GroupTypeExists`` (409)."""
        self._authorize(context, "group:group_types:create")
        tables = self.tables(create=True)
        if any(r.name == name for r in tables.types.values()):
            raise exception.GroupTypeExists(id=name)
        row = GroupType(
            id=self.kernel.ids.uuid(),
            name=name,
            description=description,
            is_public=is_public,
            created_at=self.kernel.now,
            group_specs=dict(specs or {}),
        )
        tables.types[row.id] = row
        return row

    def update(
        self,
        context: Any,
        type_id: str,
        name: str | None,
        description: str | None,
        is_public: bool | None,
    ) -> GroupType:
        """``group_type_update``: the fields given; a name another type has is 409."""
        self._authorize(context, "group:group_types:update")
        tables = self.tables(create=True)
        row = tables.types.get(type_id)
        if row is None:
            raise exception.GroupTypeNotFound(group_type_id=type_id)
        if name and any(r.name == name and r is not row for r in tables.types.values()):
            raise exception.GroupTypeExists(id=name)
        if name:
            row.name = name
        if description is not None:
            row.description = description
        if is_public is not None:
            row.is_public = is_public
        return row

    def delete(self, context: Any, type_id: str) -> None:
        """``group_types.destroy``: a type a group uses is ``GroupTypeInUse``."""
        self._authorize(context, "group:group_types:delete")
        tables = self.tables(create=True)
        row = self.get(context, type_id)
        if any(g.group_type_id == row.id for g in tables.groups.values()):
            raise GroupTypeInUse(group_type_id=row.id)
        del tables.types[row.id]

    # -- specs -------------------------------------------------------------------------------

    def specs_update(self, context: Any, type_id: str, specs: dict[str, Any], action: str) -> None:
        """``group_type_specs_update_or_create``."""
        self._authorize(context, f"group:group_types_specs:{action}")
        self.tables(create=True)
        self.get(context, type_id).group_specs.update(specs)

    def specs_delete(self, context: Any, type_id: str, key: str) -> None:
        """``group_type_specs_delete``: a key the type does not have is a 404."""
        self._authorize(context, "group:group_types_specs:delete")
        self.tables(create=True)
        row = self.get(context, type_id)
        if key not in row.group_specs:
            raise exception.GroupTypeSpecsNotFound(group_type_id=type_id, group_specs_key=key)
        del row.group_specs[key]


class GroupTypeInUse(exception.CinderException):
    """``GroupTypeInUse`` (``group_types.destroy`` answers 400 "Target group type is still in
    use. <this message>")."""

    message = (
        "Group Type %(group_type_id)s deletion is not allowed with groups present with the type."
    )
