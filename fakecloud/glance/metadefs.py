"""Glance's metadata definitions as read through ``/v2/metadefs/...``: the namespaces, their
resource type associations, properties, objects and tags that ``glance-manage
db_load_metadefs`` loads from the release's own ``etc/metadefs/*.json`` (devstack runs it).

The files of every Glance 16.0.0-33.0.0 are in ``data/metadefs_16-33.json`` (written by
``tools/glance_metadefs.py``; 20.0.0's ``compute-vmware.json`` is no JSON and the loader skips
it). A cloud reads its release's on the first metadefs request, never when it is built, and
loads them as ``_populate_metadata`` (``glance/db/sqlalchemy/metadata.py``) does: in file-name
order, each row's ``created_at`` the cloud's start and no ``updated_at`` (the loader inserts
into the reflected tables, without the models' defaults), ``owner`` ``admin`` unless the file
names one, an object's ``properties`` as its JSON schema (its ``required`` is not loaded). The
writes are `fakecloud.glance.metadef_writes`'; the first copies these rows into the cloud's
own `MetadefRows`.

Visibility is the DB API's (``metadef_api/namespace.py``): an admin sees every namespace, anyone
else the public ones and their project's; a hidden one is Glance 16-22's 403 "Forbidding
request, ... is not visible." and from 23.0.0 (``MetadefAPIPolicy``) a 404. From 26.0.0 the
read rules are the new defaults (``ADMIN_OR_PROJECT_READER``: a role is needed, ``reader`` or
above; a caller without it is answered a bare 404: `refusal`); before,
``rule:metadef_default`` (``""``) lets anyone read.

Every metadef rule is ``scope_types=['project']`` from 25.0.0 (``['system', 'project']`` in
22.0.0-24.x, none before): where scope is enforced (``Glance.scope_enforced``) a system- or
domain-scoped token fails each rule, and ``MetadefAPIPolicy._enforce`` turns that into a bare
404 (its ``check('get_metadef_namespace')`` fails as well). The database still shows such an
admin every namespace (``context_is_admin`` has no scope), so what comes before the rule (an
absent namespace, a bad body) answers as for any admin.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fakecloud.glance.errors import (
    HTTPBadRequest,
    HTTPForbidden,
    HTTPInternalServerError,
    HTTPNotFound,
    policy_forbidden,
)
from fakecloud.glance.listing import pop_first, validated_limit
from fakecloud.glance.policy import (
    API_POLICY_SINCE,
    NEW_DEFAULTS_SINCE,
    is_admin,
    out_of_scope,
    roles_of,
)
from fakecloud.glance.stored_documents import stored_documents
from fakecloud.glance.views import isotime, stored_isotime

#: ``PropertyType``'s attributes (``glance/api/v2/model/metadef_property_type.py``) in their
#: declaration order, the order WSME writes them; any other key of a file is dropped.
PROPERTY_FIELDS = (
    "name",
    "type",
    "title",
    "description",
    "operators",
    "default",
    "readonly",
    "minimum",
    "maximum",
    "enum",
    "pattern",
    "minLength",
    "maxLength",
    "confidential",
    "items",
    "uniqueItems",
    "minItems",
    "maxItems",
    "additionalItems",
)
#: ``ItemType``'s attributes.
_ITEM_FIELDS = ("type", "enum")
#: The namespace columns ``paginate_query`` can sort by (others are oslo.db's
#: ``InvalidSortKey``, which the namespace list does not catch: a 500).
_SORT_KEYS = frozenset(
    ("id", "namespace", "display_name", "description", "visibility", "protected", "owner")
) | {"created_at", "updated_at"}

#: ``metadef_tags``' columns (a tag list's sort keys).
_TAG_SORT_KEYS = frozenset(("id", "namespace_id", "name", "created_at", "updated_at"))


@dataclass
class Namespace:
    """One ``metadef_namespaces`` row with what hangs off it: associations, objects and tags
    are dicts with their ``created_at`` and ``updated_at`` (virtual seconds, None: NULL)."""

    id: int
    namespace: str
    display_name: str | None
    description: str | None
    visibility: str | None
    protected: bool | None
    owner: str | None
    created_at: float = 0.0
    updated_at: float | None = None
    associations: list[dict[str, Any]] = field(default_factory=list)
    properties: dict[str, dict[str, Any]] = field(default_factory=dict)
    objects: list[dict[str, Any]] = field(default_factory=list)
    tags: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class MetadefRows:
    """The metadefs tables of one Glance once something wrote to them (before, the loaded
    definitions are read where they are shared): namespaces in id order, resource types."""

    namespaces: list[Namespace]
    resource_types: list[dict[str, Any]]
    next_id: int


@functools.cache
def _loaded(glance_major: int) -> MetadefRows:
    """The rows ``db_load_metadefs`` puts in the database of Glance `glance_major` (resource
    types in first-seen order; shared: read, never change)."""
    document = stored_documents("metadefs_16-33.json")
    namespaces: list[Namespace] = []
    resource_types: dict[str, None] = {}
    for number, blob in enumerate(document["releases"][str(glance_major)], start=1):
        data = document["files"][blob]
        ns = Namespace(
            id=number,
            namespace=data["namespace"],
            display_name=data.get("display_name"),
            description=data.get("description"),
            visibility=data.get("visibility"),
            protected=data.get("protected"),
            owner=data.get("owner", "admin"),
        )
        for assoc in data.get("resource_type_associations", []):
            resource_types.setdefault(assoc["name"])
            row = {k: assoc.get(k) for k in ("name", "prefix", "properties_target")}
            ns.associations.append({**row, "created_at": 0.0, "updated_at": None})
        ns.properties = {name: property_type(s) for name, s in data.get("properties", {}).items()}
        for obj in data.get("objects", []):
            properties = obj.get("properties") or {}
            ns.objects.append(
                {
                    "name": obj["name"],
                    "required": None,
                    "description": obj.get("description"),
                    "properties": {n: property_type(s) for n, s in properties.items()},
                    "created_at": 0.0,
                    "updated_at": None,
                }
            )
        tags = data.get("tags", [])
        ns.tags = [{"name": t["name"], "created_at": 0.0, "updated_at": None} for t in tags]
        namespaces.append(ns)
    types = [{"name": n, "created_at": 0.0, "updated_at": None} for n in resource_types]
    return MetadefRows(namespaces, types, len(namespaces) + 1)


def property_type(schema: dict[str, Any]) -> dict[str, Any]:
    """``json.fromjson(PropertyType, schema)`` then ``tojson``: known attributes, in order.
    ``default`` is a ``types.bytes`` attribute: WSME's ``str_fromjson`` makes a number, a
    boolean or a string its ``str()`` and anything else ``None``, written as ``null``. A key
    given as ``null`` stays ``null`` (``tojson`` writes every attribute set, ``None`` too);
    the schema lets only ``default`` be one."""
    out = {k: schema[k] for k in PROPERTY_FIELDS if k in schema}
    if "default" in schema:
        value = schema["default"]
        out["default"] = str(value) if isinstance(value, (str, int, float)) else None
    if isinstance(out.get("items"), dict):
        out["items"] = {k: out["items"][k] for k in _ITEM_FIELDS if k in out["items"]}
    return out


class Metadefs:
    """The metadefs API of one Glance (`glance`: the service, for its clock and series)."""

    _times: dict[float, str]

    def __init__(self, glance: Any) -> None:
        self.glance = glance
        self._times = {}

    @property
    def _major(self) -> int:
        return self.glance.kernel.switches.series.glance

    def rows(self) -> MetadefRows:
        """The tables as they are (the loaded ones, shared, until something writes)."""
        return self.glance.metadef_rows or _loaded(self._major)

    def writable(self) -> MetadefRows:
        """The cloud's own tables, copied from the loaded ones on the first write."""
        rows = self.glance.metadef_rows
        if rows is None:
            rows = copy.deepcopy(_loaded(self._major))
            self.glance.metadef_rows = rows
        return rows

    def isotime(self, t: float) -> str:
        """``timeutils.isotime`` of virtual time `t` as read back from the database: MySQL's
        whole second (`stored_isotime`; memoized: most rows share theirs)."""
        text = self._times.get(t)
        if text is None:
            text = self._times[t] = stored_isotime(self.glance.kernel.clock, t)
        return text

    def _stamps(self, row: Any, written: bool = False) -> dict[str, str]:
        """``created_at`` and, when set, ``updated_at`` of a row (a dict or a `Namespace`);
        `written`: of the domain object a create just made (its factory's ``utcnow()``, the
        fraction cut), not read back."""
        get = row.get if isinstance(row, dict) else lambda k: getattr(row, k)
        if written:
            clock = self.glance.kernel.clock
            out = {"created_at": isotime(clock, get("created_at"))}
            if get("updated_at") is not None:
                out["updated_at"] = isotime(clock, get("updated_at"))
            return out
        out = {"created_at": self.isotime(get("created_at"))}
        if get("updated_at") is not None:
            out["updated_at"] = self.isotime(get("updated_at"))
        return out

    # -- access --------------------------------------------------------------------------------

    def refuse_out_of_scope(self, ctx: Any) -> None:
        """A system- or domain-scoped token's bare 404 at a rule, where scope is enforced on the
        project-scoped rules (see the module's docstring)."""
        if out_of_scope(ctx, self.glance.scope_enforced):
            raise HTTPNotFound()

    def _require(self, ctx: Any, rule: str, ns: Namespace | None = None) -> None:
        """A read rule: ``""`` before 26.0.0, then ``ADMIN_OR_PROJECT_READER``; the
        operator's rules where given (`_ask`, which check the token's scope themselves)."""
        if self.glance.policy_rules is not None and ctx is not None:
            self._ask(ctx, rule, ns)
            return
        self.refuse_out_of_scope(ctx)
        if self._major < NEW_DEFAULTS_SINCE or "reader" in roles_of(ctx):
            return
        raise refusal(ctx, rule)

    def _ask(self, ctx: Any, rule: str, ns: Namespace | None) -> None:
        """`rule` by the operator's rules (`fakecloud.glance.policy_file`): Glance 16-22's
        policy proxies on ``{}`` (before the namespace is read: `_first`), a 403 naming it;
        from 23.0.0 ``MetadefAPIPolicy`` on ``{project_id, visibility}`` of the namespace (the
        caller's project without one), a 404 where ``get_metadef_namespace`` fails too."""
        rules = self.glance.policy_rules
        if self._major < API_POLICY_SINCE:
            target: dict[str, Any] = {}
        elif ns is None:
            target = {"project_id": ctx.project_id}
        else:
            target = {"project_id": ns.owner, "visibility": ns.visibility}
        if rules.allows(ctx, rule, target) is not False:  # passed, or no such rule (None)
            return
        if self._major < API_POLICY_SINCE:
            raise policy_forbidden(rule)
        if rule == "get_metadef_namespace" or not rules.allows(
            ctx, "get_metadef_namespace", target
        ):
            raise HTTPNotFound()
        raise policy_forbidden(rule)

    def _first(self, ctx: Any, rule: str) -> None:
        """Glance 16-22 with the operator's rules: the repository proxy's `rule` before the
        namespace is read (glance 16.0.1-22.1.1 api/policy.py ``MetadefNamespaceRepoProxy``
        and its siblings; an absent namespace is that 403 too)."""
        if self.glance.policy_rules is not None and self._major < API_POLICY_SINCE:
            self._require(ctx, rule)

    def _visible(self, ctx: Any, ns: Namespace) -> bool:
        """``_is_namespace_visible`` (``context.is_admin``: the operator's
        ``context_is_admin`` where given)."""
        return (
            is_admin(ctx, self.glance.policy_rules)
            or ns.visibility == "public"
            or ns.owner == ctx.project_id
        )

    def _namespace(self, ctx: Any, name: str, under: str = "") -> Namespace:
        """``ns_repo.get(name)`` as each controller catches it: absent is "Metadata definition
        namespace=X was not found."; hidden is 16-22's 403, then a 404, bare for the namespace
        itself. From 23.0.0 a controller of what hangs off it (`under`: ``"objects"`` or
        ``"others"``) says "Namespace X not found" for a hidden one, and all but the object
        controller for an absent one too."""
        found = next((ns for ns in self.rows().namespaces if ns.namespace == name), None)
        newer = self._major >= API_POLICY_SINCE
        if found is None:
            if newer and under == "others":
                raise HTTPNotFound(explanation=f"Namespace {name} not found")
            raise HTTPNotFound(explanation=f"Metadata definition namespace={name} was not found.")
        if not self._visible(ctx, found):
            if not newer:
                raise HTTPForbidden(
                    explanation=f"Forbidding request, metadata definition namespace={name} "
                    "is not visible."
                )
            if under:
                raise HTTPNotFound(explanation=f"Namespace {name} not found")
            raise HTTPNotFound()
        return found

    # -- views ---------------------------------------------------------------------------------

    def namespace_view(self, ns: Namespace, written: bool = False) -> dict[str, Any]:
        """``Namespace.to_wsme_model``'s own fields (no self, schema or contents) of the domain
        ``MetadefNamespace``, which reads a NULL visibility as ``private`` and a NULL protected
        as false (16.0.0-33.0.0; who may see the row is the DB API's, on the NULL)."""
        view: dict[str, Any] = {"namespace": ns.namespace}
        for key in ("display_name", "description", "visibility", "protected", "owner"):
            value = getattr(ns, key)
            if key == "visibility":
                value = value or "private"
            elif key == "protected":
                value = value or False
            if value is not None:
                view[key] = value
        view.update(self._stamps(ns, written))
        return view

    def association_view(self, assoc: dict[str, Any], written: bool = False) -> dict[str, Any]:
        """``ResourceTypeAssociation``."""
        view = {k: assoc[k] for k in ("name", "prefix", "properties_target") if assoc[k]}
        view.update(self._stamps(assoc, written))
        return view

    def object_view(
        self,
        ns: str,
        obj: dict[str, Any],
        prefix: str = "",
        echo: Any = None,
        written: bool = False,
    ) -> dict[str, Any]:
        """``MetadefObject`` with its links (`prefix` before property and required names). Read
        back from the database (``_format_metadef_object_from_db``) it has ``required`` (``[]``
        for NULL) and ``properties``; a create's or update's answer (`echo`: the request's
        object) is the domain object made from the request, with only the ones it gave."""
        view: dict[str, Any] = {"name": obj["name"]}
        if echo is None or "required" in echo:
            view["required"] = [prefix + n for n in obj["required"] or []]
        if obj["description"] is not None:
            view["description"] = obj["description"]
        if echo is None or "properties" in echo:
            properties = obj["properties"] or {}
            view["properties"] = {prefix + k: dict(v) for k, v in properties.items()}
        view.update(self._stamps(obj, written))
        view["self"] = f"/v2/metadefs/namespaces/{ns}/objects/{obj['name']}"
        view["schema"] = "/v2/schemas/metadefs/object"
        return view

    def tag_view(self, tag: dict[str, Any], written: bool = False) -> dict[str, Any]:
        """``MetadefTag``."""
        return {"name": tag["name"], **self._stamps(tag, written)}

    # -- namespaces ----------------------------------------------------------------------------

    def index(self, ctx: Any, query: dict[str, list[str]]) -> dict[str, Any]:
        """``GET /v2/metadefs/namespaces``: ``NamespaceController.index`` and its
        deserializer and serializer."""
        params = {k: list(v) for k, v in query.items()}
        limit_text = pop_first(params, "limit")
        marker = pop_first(params, "marker")
        sort_dir = pop_first(params, "sort_dir")
        sort_dir = "desc" if sort_dir is None else sort_dir
        sort_key = pop_first(params, "sort_key")
        sort_key = "created_at" if sort_key is None else sort_key
        config = self.glance.config
        try:  # int(limit) before its validation: a word is a ValueError, Glance's 500
            limit = min(config.api_limit_max, int(limit_text or config.limit_param_default))
        except ValueError:
            raise HTTPInternalServerError() from None
        if sort_dir not in ("asc", "desc"):
            raise HTTPBadRequest(explanation=f"Invalid sort direction: {sort_dir}")
        filters = {k: v[-1] for k, v in params.items() if v}
        visibility = filters.get("visibility")
        if visibility and visibility not in ("public", "private"):
            raise HTTPBadRequest(explanation=f"Invalid visibility value: {visibility}")
        if limit < 0:
            raise HTTPBadRequest(explanation="limit param must be positive")
        self._require(ctx, "get_metadef_namespaces")
        self._require(ctx, "list_metadef_resource_types")
        rows = self._listed(ctx, filters, marker, sort_key, sort_dir, limit)
        shown = {k: v[-1] for k, v in query.items()}
        shown.pop("marker", None)
        body: dict[str, Any] = {"namespaces": []}
        for ns in rows:
            view = self.namespace_view(ns)
            if ns.associations:
                view["resource_type_associations"] = [
                    self.association_view(a) for a in ns.associations
                ]
            view["self"] = f"/v2/metadefs/namespaces/{ns.namespace}"
            view["schema"] = "/v2/schemas/metadefs/namespace"
            body["namespaces"].append(view)
        if rows and len(rows) == limit:
            body["next"] = "/v2/metadefs/namespaces?" + urlencode(
                {**shown, "marker": rows[-1].namespace}
            )
        body["schema"] = "/v2/schemas/metadefs/namespaces"
        body["first"] = "/v2/metadefs/namespaces" + (f"?{urlencode(shown)}" if shown else "")
        return body

    def _listed(
        self,
        ctx: Any,
        filters: dict[str, str],
        marker: str | None,
        sort_key: str,
        sort_dir: str,
        limit: int,
    ) -> list[Namespace]:
        """``namespace._get_all`` (and ``_get_all_by_resource_types``)."""
        start = None
        if marker:
            start = self._order(self._namespace(ctx, marker), sort_key)
        if sort_key not in _SORT_KEYS:
            raise HTTPInternalServerError()
        rows = [ns for ns in self.rows().namespaces if self._visible(ctx, ns)]
        if "resource_types" in filters:
            wanted = set(filters["resource_types"].split(","))
            rows = [ns for ns in rows if any(a["name"] in wanted for a in ns.associations)]
        if filters.get("visibility") is not None:
            rows = [ns for ns in rows if ns.visibility == filters["visibility"]]
        rows.sort(key=lambda ns: self._order(ns, sort_key), reverse=sort_dir == "desc")
        if start is not None:
            after = (lambda o: o < start) if sort_dir == "desc" else (lambda o: o > start)
            rows = [ns for ns in rows if after(self._order(ns, sort_key))]
        return rows[:limit]

    def _order(self, ns: Namespace, sort_key: str) -> tuple[Any, ...]:
        # (sort_key, created_at, id); times to the second (MySQL DATETIME), NULL first.
        out: list[Any] = []
        for key in (sort_key, "created_at", "id"):
            value = getattr(ns, key, None)
            if key in ("created_at", "updated_at") and value is not None:
                value = self.isotime(value)
            out += [value is not None, value if value is not None else 0]
        return tuple(out)

    def show(self, ctx: Any, name: str, query: dict[str, list[str]]) -> dict[str, Any]:
        """``GET /v2/metadefs/namespaces/{namespace}``: the namespace with its resource type
        associations, properties, objects and tags; ``?resource_type=`` prefixes property
        names with that association's prefix."""
        self._first(ctx, "get_metadef_namespace")
        ns = self._namespace(ctx, name)
        for rule in ("get_metadef_namespace", "list_metadef_resource_types"):
            self._require(ctx, rule, ns)
        for rule in ("get_metadef_objects", "get_metadef_properties", "get_metadef_tags"):
            self._require(ctx, rule, ns)
        wanted = (query.get("resource_type") or [None])[-1]
        prefix = next(
            (a["prefix"] or "" for a in ns.associations if wanted and a["name"] == wanted), ""
        )
        view = self.namespace_view(ns)
        if ns.associations:
            view["resource_type_associations"] = [self.association_view(a) for a in ns.associations]
        if ns.properties:
            view["properties"] = {prefix + k: dict(v) for k, v in ns.properties.items()}
        if ns.objects:
            view["objects"] = [self.object_view(name, o, prefix) for o in ns.objects]
        if ns.tags:
            view["tags"] = [{"name": t["name"]} for t in ns.tags]
        view["self"] = f"/v2/metadefs/namespaces/{ns.namespace}"
        view["schema"] = "/v2/schemas/metadefs/namespace"
        return view

    # -- what hangs off a namespace ------------------------------------------------------------

    def _parent(self, ctx: Any, name: str, rule: str, under: str = "others") -> Namespace:
        self._first(ctx, rule)
        ns = self._namespace(ctx, name, under)
        self._require(ctx, rule, ns)
        return ns

    def resource_types(self, ctx: Any) -> dict[str, Any]:
        """``GET /v2/metadefs/resource_types``: every resource type the load created."""
        self._require(ctx, "list_metadef_resource_types")
        return {"resource_types": [self.tag_view(t) for t in self.rows().resource_types]}

    def associations(self, ctx: Any, name: str) -> dict[str, Any]:
        """``GET /v2/metadefs/namespaces/{namespace}/resource_types``."""
        ns = self._parent(ctx, name, "list_metadef_resource_types")
        views = [self.association_view(a) for a in ns.associations]
        return {"resource_type_associations": views}

    def properties(self, ctx: Any, name: str) -> dict[str, Any]:
        """``GET /v2/metadefs/namespaces/{namespace}/properties``."""
        ns = self._parent(ctx, name, "get_metadef_properties")
        return {"properties": {k: dict(v) for k, v in ns.properties.items()}}

    def property(self, ctx: Any, name: str, prop: str, query: dict[str, list[str]]) -> dict:
        """``GET /v2/metadefs/namespaces/{namespace}/properties/{property_name}`` (with
        ``?resource_type=``, the name given carries that association's prefix)."""
        ns = self._parent(ctx, name, "get_metadef_property")
        wanted = (query.get("resource_type") or [""])[-1]
        if wanted:
            self._require(ctx, "get_metadef_resource_type")
            assoc = next((a for a in ns.associations if a["name"] == wanted), None)
            if assoc is None:
                raise HTTPNotFound(
                    explanation="The metadata definition resource-type association of "
                    f"resource-type={wanted} to namespace={name}, was not found."
                )
            prefix = assoc["prefix"]
            if not (prefix and prop.startswith(prefix)):
                raise HTTPNotFound(
                    explanation=f"Property {prop} does not start with the expected resource "
                    f"type association prefix of '{prefix}'."
                )
            prop = prop[len(prefix) :]
        return {"name": prop, **find_property(ns, prop)}

    def objects(self, ctx: Any, name: str, query: dict[str, list[str]]) -> dict[str, Any]:
        """``GET /v2/metadefs/namespaces/{namespace}/objects``: the deserializer checks the
        query (its ``limit`` at least 1), then ``object.get_all`` reads every object of the
        namespace in the table's order, paging and sorting ignored."""
        limit_text = _list_params(query)[0]
        if limit_text is not None and validated_limit(limit_text) == 0:
            raise HTTPBadRequest(explanation="limit param must be positive")
        ns = self._parent(ctx, name, "get_metadef_objects", "objects")
        views = [self.object_view(name, o) for o in ns.objects]
        return {"objects": views, "schema": "v2/schemas/metadefs/objects"}

    def object(self, ctx: Any, name: str, object_name: str) -> dict[str, Any]:
        """``GET /v2/metadefs/namespaces/{namespace}/objects/{object_name}``."""
        ns = self._parent(ctx, name, "get_metadef_object", "objects")
        return self.object_view(name, find_object(ns, object_name))

    def tags(self, ctx: Any, name: str, query: dict[str, list[str]]) -> dict[str, Any]:
        """``GET /v2/metadefs/namespaces/{namespace}/tags``: the deserializer's checks, then
        ``tag.get_all``: sorted by ``sort_key`` (default ``created_at``), ``created_at`` and
        ``id`` in ``sort_dir`` (default ``desc``), after the ``marker`` tag (its name), at most
        ``limit`` (none by default: every tag)."""
        limit_text, marker, sort_key, sort_dir = _list_params(query)
        limit = validated_limit(limit_text) if limit_text else None
        ns = self._parent(ctx, name, "get_metadef_tags")
        start = self._tag_order(ns, find_tag(ns, marker), sort_key) if marker else None
        if sort_key not in _TAG_SORT_KEYS:
            raise HTTPInternalServerError()  # oslo.db's InvalidSortKey, uncaught
        rows = sorted(ns.tags, key=lambda t: self._tag_order(ns, t, sort_key))
        if sort_dir == "desc":
            rows.reverse()
        if start is not None:
            after = (lambda o: o < start) if sort_dir == "desc" else (lambda o: o > start)
            rows = [t for t in rows if after(self._tag_order(ns, t, sort_key))]
        # (``TagsController.index`` builds each ``MetadefTag`` from the row's name alone)
        return {"tags": [{"name": t["name"]} for t in rows[:limit]]}

    def _tag_order(self, ns: Namespace, tag: dict[str, Any], sort_key: str) -> tuple[Any, ...]:
        # (sort_key, created_at, id); the id is the tag's place in its namespace (rows are
        # appended in id order), times to the second, NULL first.
        out: list[Any] = []
        for key in (sort_key, "created_at", "id"):
            if key == "id":
                value = ns.tags.index(tag)
            elif key == "namespace_id":
                value = ns.namespace
            else:
                value = tag.get(key)
                if key in ("created_at", "updated_at") and value is not None:
                    value = self.isotime(value)
            out += [value is not None, value if value is not None else 0]
        return tuple(out)

    def tag(self, ctx: Any, name: str, tag: str) -> dict[str, Any]:
        """``GET /v2/metadefs/namespaces/{namespace}/tags/{tag_name}``."""
        ns = self._parent(ctx, name, "get_metadef_tag")
        return self.tag_view(find_tag(ns, tag))


def refusal(ctx: Any, rule: str, major: int = NEW_DEFAULTS_SINCE) -> Exception:
    """How ``MetadefAPIPolicy._enforce`` (23.0.0 on) refuses `rule` in Glance `major`: its 403
    where the caller passes ``get_metadef_namespace`` (an admin, a reader under the new
    defaults, 26.0.0 on: the database shows a non-admin only the namespaces that rule lets a
    reader see; anyone under the legacy ``rule:metadef_default``), else a bare 404."""
    if major < NEW_DEFAULTS_SINCE or is_admin(ctx) or "reader" in roles_of(ctx):
        return policy_forbidden(rule)
    return HTTPNotFound()


def _list_params(query: dict[str, list[str]]) -> tuple[str | None, str | None, str, str]:
    """The tag and object lists' deserializer ``index``: ``limit`` and ``marker`` (as
    given), ``sort_key`` and ``sort_dir`` (``pop(k, default)``: an empty one is kept), the
    direction and ``visibility`` checked."""
    params = {k: list(v) for k, v in query.items()}
    limit_text, marker = pop_first(params, "limit"), pop_first(params, "marker")
    sort_dir = pop_first(params, "sort_dir")
    sort_dir = "desc" if sort_dir is None else sort_dir
    if sort_dir not in ("asc", "desc"):
        raise HTTPBadRequest(explanation=f"Invalid sort direction: {sort_dir}")
    sort_key = pop_first(params, "sort_key")
    visibility = params["visibility"][-1] if params.get("visibility") else None
    if visibility and visibility not in ("public", "private", "shared"):
        raise HTTPBadRequest(explanation=f"Invalid visibility value: {visibility}")
    return limit_text, marker, "created_at" if sort_key is None else sort_key, sort_dir


def find_object(ns: Namespace, name: str) -> dict[str, Any]:
    """The object `name` of `ns`, or the repository's 404 (`_not_found`)."""
    found = next((o for o in ns.objects if o["name"] == name), None)
    return found if found is not None else _not_found("metadata object", name)


def find_property(ns: Namespace, name: str) -> dict[str, Any]:
    """The property `name` of `ns`, or the repository's 404 (`_not_found`)."""
    found = ns.properties.get(name)
    return found if found is not None else _not_found("property", name)


def find_tag(ns: Namespace, name: str) -> dict[str, Any]:
    """The tag `name` of `ns`, or the repository's 404 (`_not_found`)."""
    found = next((t for t in ns.tags if t["name"] == name), None)
    return found if found is not None else _not_found("metadata tag", name)


def _not_found(kind: str, name: str) -> Any:
    # Every controller reaches a row through its repository's get (glance/db/__init__.py
    # MetadefObjectRepo, MetadefPropertyRepo, MetadefTagRepo; 16.0.0-33.0.0), which rewords
    # the DB API's "The metadata definition object with name=X was not found in namespace=N."
    raise HTTPNotFound(explanation=f"Could not find {kind} {name}")
