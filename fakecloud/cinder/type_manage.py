"""Volume type writes, as Cinder's ``volume/volume_types.py`` and its database make them.

A created type joins the configured ones (listed before them, newest first, as Cinder's default
sort; ``kernel.ids`` draws its id), with its quota resources (``volumes_<name>``,
``gigabytes_<name>``, ``snapshots_<name>``). Its ``volume_backend_name`` spec is its
`VolumeType.backend`, which steers the scheduler; without one the scheduler weighs the backends
(`fakecloud.cinder.manager.weigh_backends`). Writing the specs of a configured type makes its
backend an ordinary spec (`VolumeType.specs`).

Read in cinder 12.0.10, 16.4.2, 17.4.0, 20.3.1, 24.0.0 and 29.0.0 (``volume_types.create``,
``update``, ``destroy``, ``add_volume_type_access``; ``db`` ``volume_type_create``,
``_type_update``, ``volume_type_destroy``, ``volume_type_extra_specs_*``,
``volume_type_access_*``).
"""

from __future__ import annotations

from typing import Any

from fakecloud.cinder import exception
from fakecloud.cinder.config import DEFAULT_TYPE_NAME
from fakecloud.cinder.models import VolumeType
from fakecloud.sim.clock import stored_time

#: 15.0.0 made ``__DEFAULT__``; while switch ``cinder_default_type_guard_by_name`` is on
#: (until 17.0.0, 16.2.0 and 15.4.0: e5d842eb1b "Modify default/delete volume type logic")
#: ``destroy`` refuses that name with ``VolumeTypeDefault``, which no controller catches
#: (``FaultWrapper``'s 500); then the configured default type is a 400.
DEFAULT_NAME_GUARD_FROM = 15


def create(cinder: Any, name: str, specs: dict[str, Any], is_public: bool,
           description: str | None) -> VolumeType:  # fmt: skip
    """``db.volume_type_create``: a name in use is ``VolumeTypeExists`` (409)."""
    if name in cinder.volume_types:
        raise exception.VolumeTypeExists(id=name)
    vtype = VolumeType(
        id=cinder.kernel.ids.uuid(),
        name=name,
        backend=specs.get("volume_backend_name"),
        description=description,
        is_public=is_public,
        extra_specs=dict(specs),
    )
    if cinder.type_created is None:
        cinder.type_created = {}
    created = cinder.type_created
    created[vtype.id] = cinder.kernel.now
    types = [*cinder.volume_types.values(), vtype]
    made = [t for t in types if t.id in created]
    # volume_type_get_all's default sort, created_at then id, descending: the types made here
    # are newer than the configured ones (kept in configuration order, after them); created_at
    # as MySQL keeps it, the whole second, so types made within one list by id.
    wall_time = cinder.kernel.clock.wall_time
    made.sort(key=lambda t: (stored_time(wall_time(created[t.id])), t.id), reverse=True)
    cinder.index_types(made + [t for t in types if t.id not in created])
    cinder.quotas.add_type(name)
    return vtype


def update(cinder: Any, vtype: VolumeType, name: str | None, description: str | None,
           is_public: bool | None) -> None:  # fmt: skip
    """``volume_types.update``: None leaves a field as it is; a name another type has is
    ``VolumeTypeExists``; a (non-empty) new name renames the type's quota resources."""
    if name is not None:
        other = cinder.volume_types.get(name)
        if other is not None and other is not vtype:
            raise exception.VolumeTypeExists(id=name)
    if description is not None:
        vtype.description = description
    if is_public is not None:
        vtype.is_public = is_public
    if name is not None:
        old = vtype.name
        vtype.name = name
        cinder.index_types(list(cinder.volume_types.values()))
        if name and old != name:
            cinder.quotas.rename_type(old, name)


def destroy(cinder: Any, vtype: VolumeType, major: int) -> None:
    """``volume_types.destroy``: not a project's default nor the default type (17.0.0, 16.2.0,
    15.4.0 on; 15.x-16.x before: not ``__DEFAULT__``), no volume of the type
    (``VolumeTypeInUse``)."""
    if not cinder.kernel.switches.cinder_default_type_guard_by_name:
        # a project's own default (get_all_projects_with_default_type), then the configured one
        if vtype.id in (cinder.project_default_types or {}).values():
            raise exception.VolumeTypeDefaultDeletionError(volume_type_id=vtype.id)
        if vtype is cinder.default_type:
            raise exception.VolumeTypeDefaultDeletionError(volume_type_id=vtype.id)
    elif major >= DEFAULT_NAME_GUARD_FROM and vtype.name == DEFAULT_TYPE_NAME:
        raise exception.VolumeTypeDefault(volume_type_name=vtype.name)
    if in_use(cinder, vtype):
        raise exception.VolumeTypeInUse(volume_type_id=vtype.id)
    cinder.index_types([t for t in cinder.volume_types.values() if t is not vtype])
    cinder.quotas.remove_type(vtype.name)
    if cinder.type_access is not None:
        cinder.type_access.pop(vtype.id, None)
    if cinder.type_created is not None:
        cinder.type_created.pop(vtype.id, None)
    # volume_type_destroy deletes its encryption row; its QoS association goes with the row
    for table in ("type_encryption", "type_qos"):
        rows = getattr(cinder, table)
        if rows is not None and rows.pop(vtype.id, None) is not None and not rows:
            setattr(cinder, table, None)


def in_use(cinder: Any, vtype: VolumeType) -> bool:
    """Whether a volume row (not deleted) has the type."""
    return any(v.volume_type is vtype for v in cinder.store.volumes.values())


def update_specs(vtype: VolumeType, specs: dict[str, Any]) -> None:
    """``volume_type_extra_specs_update_or_create``."""
    current = vtype.specs()
    current.update(specs)
    _set_specs(vtype, current)


def delete_spec(vtype: VolumeType, key: str) -> None:
    """``volume_type_extra_specs_delete``: a key the type has not is a 404."""
    current = vtype.specs()
    if key not in current:
        raise exception.VolumeTypeExtraSpecsNotFound(volume_type_id=vtype.id, extra_specs_key=key)
    del current[key]
    _set_specs(vtype, current)


def _set_specs(vtype: VolumeType, specs: dict[str, Any]) -> None:
    vtype.extra_specs = specs
    vtype.backend = specs.get("volume_backend_name")


def projects(cinder: Any, vtype: VolumeType) -> list[str]:
    """The projects a type is shared with, in the order they were added."""
    access = cinder.type_access
    return list(access.get(vtype.id, ())) if access is not None else []


def _check_private(vtype: VolumeType) -> None:
    if vtype.is_public:
        raise exception.InvalidVolumeType(
            reason="Type access modification is not applicable to public volume type."
        )


def add_access(cinder: Any, vtype: VolumeType, project_id: str) -> None:
    """``add_volume_type_access``: private types only; twice is ``VolumeTypeAccessExists``."""
    _check_private(vtype)
    if cinder.type_access is None:
        cinder.type_access = {}
    shared = cinder.type_access.setdefault(vtype.id, [])
    if project_id in shared:
        raise exception.VolumeTypeAccessExists(volume_type_id=vtype.id, project_id=project_id)
    shared.append(project_id)


def remove_access(cinder: Any, vtype: VolumeType, project_id: str) -> None:
    """``remove_volume_type_access``: a project the type is not shared with is a 404."""
    _check_private(vtype)
    shared = (cinder.type_access or {}).get(vtype.id)
    if not shared or project_id not in shared:
        raise exception.VolumeTypeAccessNotFound(volume_type_id=vtype.id, project_id=project_id)
    shared.remove(project_id)
