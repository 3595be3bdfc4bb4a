"""Glance's metadata-definition writes (glance/api/v2/metadef_namespaces.py, metadef_objects.py,
metadef_properties.py, metadef_tags.py, metadef_resource_types.py; the domain's ``delete``
checks and the DB API's duplicates): namespaces created, changed and deleted, and their
objects, properties, tags and resource type associations.

Each request is read as the deserializer reads it: a body ("Body expected in request."), no
read-only key (403 "Attribute 'self' is read-only."), the schema Glance serves for it (400
"Provided object does not match schema 'namespace': ..."); then the rule: from Glance 22.0.0
``metadef_admin`` (``role:admin``, f8551de8c "Make some metadef operations admin-only", no
deprecated rule; glance 22.1.0, 25.1.0 and 26.1.0 glance/policies/metadef.py): 403 "You are not
authorized to complete add_metadef_namespace action.", from 26.0.0 a bare 404 to a caller
without ``reader`` (`refusal`). Before 22.0.0 ``rule:metadef_default`` (``""``) lets anyone
write. Through 22.x the authorization layer (glance/api/authorization.py) keeps a non-admin to
their project's namespaces (23.0.0's controllers read every metadef repository with
``authorization_layer=False``): "You are not permitted to create namespace owned by 'X'", "You are
not permitted to modify 'namespace' on this namespace.", "You are not permitted to delete this
object." and the like (adding objects, properties and tags to another's public namespace
passes: the factories check an owner the API never gives); in 22.x its proxies wrap the policy
proxies, so its words come before the rule's, and from 23.0.0 the controllers ask
``MetadefAPIPolicy`` first, so a non-admin meets the rule alone. A name taken is the DB API's
409;
a protected namespace refuses to be deleted and to lose what hangs off it (403 "Metadata
definition namespace X is protected and cannot be deleted."). The first write copies the
loaded definitions into the cloud's own tables (`fakecloud.glance.metadefs.MetadefRows`),
which a saved cloud keeps. With the operator's rules (``glance.policy_file``,
``glance.policy``) each write's rule is theirs, as the reads' (`Metadefs._ask`), and 16-22's
repository proxies ask the get of what a change reads first (`_target`'s `first`). 16-22's
update or delete of an object, property, tag or association reads that row before the
authorization layer and the rule (an absent one is a 404 there, the rule's refusal from
23.0.0: `_part`), and 16-19 ask no delete rule (`METADEF_DELETE_RULES_SINCE`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fakecloud.glance.errors import (
    HTTPBadRequest,
    HTTPConflict,
    HTTPForbidden,
    HTTPInternalServerError,
    HTTPNotFound,
    policy_forbidden,
)
from fakecloud.glance.metadef_schemas import metadef_schema
from fakecloud.glance.metadefs import (
    Metadefs,
    Namespace,
    find_object,
    find_property,
    find_tag,
    property_type,
    refusal,
)
from fakecloud.glance.policy import API_POLICY_SINCE, is_admin
from fakecloud.glance.schema import schema_text

#: Each deserializer's ``_disallowed_properties``: the namespaces' and objects' also name
#: ``self`` and ``schema`` (glance 16.0.0-HEAD ``metadef_*.py``).
_READ_ONLY = ("self", "schema", "created_at", "updated_at")
_READ_ONLY_OF = {"namespace": _READ_ONLY, "object": _READ_ONLY}
#: The attributes of the WSME type a body becomes, where its schema lets other keys through:
#: ``MetadefTags`` has ``tags`` alone (the collection schema also lists first, next, schema).
_WSME_KEYS = {"tags": frozenset({"tags"})}
#: The first Glance whose ``create_tags`` reads ``X-Openstack-Append`` (24.0.0).
APPEND_HEADER_SINCE = 24
#: The first Glance whose metadef writes are ``metadef_admin``'s (22.0.0, f8551de8c).
METADEF_ADMIN_SINCE = 22
#: The first Glance whose policy proxies ask the metadef delete rules (d2cc0dc56 "Add Policy
#: enforcement for several Metadata Definition delete APIs", LP #1782840, 20.0.0): 16.0.1-19.x
#: api/policy.py has no ``delete``/``remove``/``remove_tags`` on the metadef proxies, so a
#: delete asks the get of what it reads alone, whatever an operator's file says of these.
METADEF_DELETE_RULES_SINCE = 20
#: The rules `METADEF_DELETE_RULES_SINCE` brought.
_DELETE_RULES = frozenset(
    {
        "delete_metadef_namespace",
        "delete_metadef_object",
        "delete_metadef_tag",
        "delete_metadef_tags",
        "remove_metadef_property",
        "remove_metadef_resource_type_association",
    }
)
#: The namespace's get rule (16-22's proxies ask it before a write reads the namespace).
_GET_NS = "get_metadef_namespace"
#: The resource names of those proxies, for their words.
_AUTHZ_NAMES = {"property": "namespace_property", "resource_type": "meta_resource_type"}
#: The schema each kind of body is checked against (the name its 400 gives).
_SCHEMAS = {
    "namespace": "namespace",
    "object": "object",
    "property": "property",
    "tag": "tag",
    "tags": "tags",
    "resource_type": "resource_type_association",
}


class MetadefWrites(Metadefs):
    """The writes of one Glance's metadefs API (`Metadefs` reads)."""

    # -- the request ---------------------------------------------------------------------------

    def _checked(self, body: Any, kind: str) -> dict[str, Any]:
        """``_check_allowed``, ``schema.validate`` and ``json.fromjson``. The schemas have no
        ``type``, so a list passes them to WSME's ``fromjson``, which reads it as a mapping
        (``value.keys()``), and a key the WSME type lacks is its ``UnknownAttribute``: both
        glance.common.wsgi.Resource's bare 500 (WSME 0.9.2-0.12.1, glance 16.0.0-HEAD). A
        list naming a read-only attribute is the 403 first (``key in body``). A number, a
        string or null never gets here (the JSON deserializer's 400)."""
        import jsonschema

        for key in _READ_ONLY_OF.get(kind, _READ_ONLY[2:]):
            if key in body:
                raise HTTPForbidden(explanation=f"Attribute '{key}' is read-only.")
        schema = metadef_schema(kind)
        cls = jsonschema.validators.validator_for(schema)
        error = jsonschema.exceptions.best_match(cls(schema).iter_errors(body))
        if error is not None:
            raise HTTPBadRequest(
                explanation=f"Provided object does not match schema '{_SCHEMAS[kind]}': "
                f"{schema_text(error, self._major)}"
            )
        if not isinstance(body, dict) or not _WSME_KEYS.get(kind, body.keys()) >= body.keys():
            raise HTTPInternalServerError()
        if kind == "tags" and any(
            t is not None and not isinstance(t, dict) for t in body.get("tags") or []
        ):
            # the tag schema has no type either: fromjson reads a tag that is no mapping with
            # ``value.keys()`` (AttributeError, the same bare 500)
            raise HTTPInternalServerError()
        return body

    def _may(self, ctx: Any, rule: str, ns: Namespace | None = None, words: str = "") -> None:
        """``metadef_admin`` from 22.0.0 (`METADEF_ADMIN_SINCE`); before, anyone; through
        22.x the authorization layer's `words` first for a change to a namespace of another
        project (a system- or domain-scoped token: `refuse_out_of_scope`); the operator's
        rules where given (`_ask_write`, which check the token's scope themselves)."""
        if self.glance.policy_rules is not None and ctx is not None:
            self._ask_write(ctx, rule, ns, words)
            return
        self.refuse_out_of_scope(ctx)
        if is_admin(ctx):
            return
        if self._major >= API_POLICY_SINCE:
            raise refusal(ctx, rule, self._major)
        if words and ns is not None and ns.owner != ctx.project_id:
            raise HTTPForbidden(explanation=words)
        if self._major >= METADEF_ADMIN_SINCE:
            raise policy_forbidden(rule)

    def _ask_write(self, ctx: Any, rule: str, ns: Namespace | None, words: str) -> None:
        """A write's `rule` by the operator's rules (`_ask`: 16-22 the policy proxies' on
        ``{}``, 23.0.0 on ``MetadefAPIPolicy``'s target), after, in 16-22, the authorization
        layer's `words` for another project's namespace unless Glance's ``context.is_admin``
        (the operator's ``context_is_admin``) holds (its immutable proxies refuse the change
        the policy proxy's save or delete would ask); 23.0.0's controllers read every metadef
        repository with ``authorization_layer=False``. 16-19 ask no delete rule
        (`METADEF_DELETE_RULES_SINCE`)."""
        if (
            words
            and ns is not None
            and self._major < API_POLICY_SINCE
            and ns.owner != ctx.project_id
            and not is_admin(ctx, self.glance.policy_rules)
        ):
            raise HTTPForbidden(explanation=words)
        if rule in _DELETE_RULES and self._major < METADEF_DELETE_RULES_SINCE:
            return
        self._ask(ctx, rule, ns)

    def _target(
        self,
        ctx: Any,
        name: str,
        rule: str,
        words: str = "",
        first: tuple[str, ...] = (),
        under: str = "others",
        create: bool = False,
    ) -> Namespace:
        """The namespace a write names, in the writable tables, the rule checked; `first`:
        the rules Glance 16-22's repository proxies ask on ``{}`` before it is read, with the
        operator's rules (the get of what is changed: `_first`); `under`: as `_namespace`'s
        (the object controller's own words for an absent namespace, 23.0.0 on). A `create`
        of an object, property, tag, tags or association asks its rule before the namespace
        is read in 16-22: the factory makes the row without reading it, and the policy
        proxy's ``add`` asks the rule before the database's create reads the namespace
        (glance 16.0.1-22.1.1 metadef_objects.py, metadef_properties.py, metadef_tags.py,
        metadef_resource_types.py ``create``; db/__init__.py ``add``)."""
        self.writable()
        if create and self._major < API_POLICY_SINCE:
            self._may(ctx, rule)
            return self._namespace(ctx, name, under)
        for read in first:
            self._first(ctx, read)
        ns = self._namespace(ctx, name, under)
        self._may(ctx, rule, ns, words)
        return ns

    def _part(
        self,
        ctx: Any,
        name: str,
        rule: str,
        words: str,
        read: str,
        find: Callable[[Namespace], Any],
        under: str = "others",
    ) -> tuple[Namespace, Any]:
        """The namespace and the row of it (`find`, its 404) that an update or a delete
        names, in the release's order. Glance 16-22's controllers begin with the repository's
        get of the row (glance 16.0.1-22.1.1 metadef_objects.py, metadef_properties.py,
        metadef_tags.py ``update``/``delete``): the policy proxy's `read` rule on ``{}`` (with
        the operator's rules), the namespace, then the row, an absent one the database's
        404, before the authorization layer's `words` (the immutable proxy's setter or
        ``delete()``) and `rule` (the policy proxy's ``save``, or from 20.0.0 the row
        proxy's ``delete()``). From 23.0.0 the controller asks ``MetadefAPIPolicy``'s `rule`
        on the namespace it read, and reads the row after (23.0.0-33.0.0)."""
        if self._major >= API_POLICY_SINCE:
            ns = self._target(ctx, name, rule, under=under)
            return ns, find(ns)
        self.writable()
        self._first(ctx, read)
        ns = self._namespace(ctx, name, under)
        row = find(ns)
        self._may(ctx, rule, ns, words)
        return ns, row

    def _now(self) -> float:
        return float(self.glance.kernel.now)

    def _links(self, ns: Namespace) -> dict[str, str]:
        return {"self": f"/v2/metadefs/namespaces/{ns.namespace}"} | {
            "schema": "/v2/schemas/metadefs/namespace"
        }

    # -- namespaces ----------------------------------------------------------------------------

    def create_namespace(self, ctx: Any, body: Any) -> dict[str, Any]:
        """``POST /v2/metadefs/namespaces``: 201 with the namespace as asked (contents
        included) and its ``created_at`` = ``updated_at``."""
        body = self._checked(body, "namespace")
        if self._major >= API_POLICY_SINCE:  # the controller's MetadefAPIPolicy first
            self._may(ctx, "add_metadef_namespace")
        owner = body.get("owner") or ctx.project_id
        admin = is_admin(ctx, self.glance.policy_rules)
        if self._major < API_POLICY_SINCE and not admin and owner != ctx.project_id:
            raise HTTPForbidden(
                explanation=f"You are not permitted to create namespace owned by '{owner}'"
            )
        if self._major < API_POLICY_SINCE:  # the policy proxy's ``add``, after the factory
            self._may(ctx, "add_metadef_namespace")
        for key, rule in (
            ("resource_type_associations", "add_metadef_resource_type_association"),
            ("objects", "add_metadef_object"),
            ("properties", "add_metadef_property"),
            ("tags", "add_metadef_tag"),
        ):
            if body.get(key):
                self._may(ctx, rule)
        rows, now, name = self.writable(), self._now(), body["namespace"]
        if any(ns.namespace == name for ns in rows.namespaces):
            raise HTTPConflict(
                explanation=f"The metadata definition namespace={name} already exists."
            )
        ns = Namespace(
            id=rows.next_id,
            namespace=name,
            display_name=body.get("display_name"),
            description=body.get("description"),
            visibility=body.get("visibility") or "private",
            protected=body.get("protected") or False,
            owner=owner,
            created_at=now,
            updated_at=now,
        )
        rows.next_id += 1
        for assoc in body.get("resource_type_associations") or []:
            self._associate(rows, ns, assoc, now)
        ns.properties = {k: property_type(v) for k, v in (body.get("properties") or {}).items()}
        for obj in body.get("objects") or []:
            ns.objects.append(self._object_row(obj, now))
        ns.tags = [
            {"name": t["name"], "created_at": now, "updated_at": now}
            for t in body.get("tags") or []
        ]
        rows.namespaces.append(ns)
        view = self.namespace_view(ns, written=True)  # the factory's object, not read back
        if body.get("resource_type_associations"):
            view["resource_type_associations"] = [
                {k: a[k] for k in ("name", "prefix", "properties_target") if k in a}
                for a in body["resource_type_associations"]
            ]
        if body.get("properties"):
            view["properties"] = dict(ns.properties)
        if body.get("objects"):
            keys = ("name", "required", "description", "properties")
            view["objects"] = [{k: o[k] for k in keys if k in o} for o in body["objects"]]
        if body.get("tags"):
            view["tags"] = [{"name": t["name"]} for t in body["tags"]]
        return view | self._links(ns)

    def update_namespace(self, ctx: Any, name: str, body: Any) -> dict[str, Any]:
        """``PUT /v2/metadefs/namespaces/{namespace}``: every field replaced (visibility
        ``private``, protected False and the caller's project when not given)."""
        body = self._checked(body, "namespace")
        words = "You are not permitted to modify 'namespace' on this namespace."
        ns = self._target(ctx, name, "modify_metadef_namespace", words, (_GET_NS,))
        new = body["namespace"]
        if new != name and any(n.namespace == new for n in self.rows().namespaces):
            raise HTTPConflict(
                explanation=f"The metadata definition namespace={new} already exists."
            )
        ns.namespace = new
        ns.display_name = body.get("display_name")
        ns.description = body.get("description")
        ns.visibility = body.get("visibility") or "private"
        ns.protected = body.get("protected") or False
        ns.owner = body.get("owner") or ctx.project_id
        ns.updated_at = self._now()
        return self.namespace_view(ns) | self._links(ns)

    def delete_namespace(self, ctx: Any, name: str, part: str = "") -> None:
        """``DELETE /v2/metadefs/namespaces/{namespace}[/objects|/properties|/tags]``: the
        namespace, or all of one part of it; a protected one refuses."""
        words = "You are not permitted to delete this namespace."
        # every part asks delete_metadef_namespace: 16-22 its proxy's delete() (from 20.0.0)
        # on the namespace read, 23.0.0 on MetadefAPIPolicy's; the tags' delete_metadef_tags
        # after it, 16-22 at the repository's remove_tags, after the domain's delete() (the
        # protected check: glance 21.0.0 and 23.0.0 metadef_namespaces.py delete_tags)
        ns = self._target(ctx, name, "delete_metadef_namespace", words, (_GET_NS,))
        newer = self._major >= API_POLICY_SINCE
        if part == "tags" and newer:
            self._may(ctx, "delete_metadef_tags", ns)
        _unprotected(ns, "namespace", ns.namespace)
        if part == "tags" and not newer:
            self._may(ctx, "delete_metadef_tags", ns)
        if part == "objects":
            ns.objects = []
        elif part == "properties":
            ns.properties = {}
        elif part == "tags":
            ns.tags = []
        else:
            self.rows().namespaces.remove(ns)

    # -- resource type associations ------------------------------------------------------------

    def _associate(self, rows: Any, ns: Namespace, body: dict[str, Any], now: float) -> dict:
        """``resource_type_association.create``: the resource type is made when new."""
        rt = body["name"]
        if any(a["name"] == rt for a in ns.associations):
            raise HTTPConflict(
                explanation=f"The metadata definition resource-type association of "
                f"resource-type={rt} to namespace={ns.namespace} already exists."
            )
        if not any(t["name"] == rt for t in rows.resource_types):
            rows.resource_types.append({"name": rt, "created_at": now, "updated_at": now})
        row = {k: body.get(k) for k in ("name", "prefix", "properties_target")}
        row |= {"created_at": now, "updated_at": now}
        ns.associations.append(row)
        return row

    def associate(self, ctx: Any, name: str, body: Any) -> dict[str, Any]:
        """``POST /v2/metadefs/namespaces/{namespace}/resource_types``: 201."""
        body = self._checked(body, "resource_type")
        ns = self._target(ctx, name, "add_metadef_resource_type_association", create=True)
        row = self._associate(self.rows(), ns, body, self._now())
        return self.association_view(row, written=True)

    def dissociate(self, ctx: Any, name: str, rt: str) -> None:
        """``DELETE /v2/metadefs/namespaces/{namespace}/resource_types/{name}``: 204. The
        controller finds the association in the repository's list (16-22 its
        ``list_metadef_resource_types``, which reads the namespace) and answers whatever is
        not found, a missing association and 16-22's absent namespace, "Failed to find
        resource type X to delete" (glance 16.0.1-33.0.0 metadef_resource_types.py
        ``delete``)."""
        missing = f"Failed to find resource type {rt} to delete"

        def find(ns: Namespace) -> dict[str, Any]:
            row = next((a for a in ns.associations if a["name"] == rt), None)
            if row is None:
                raise HTTPNotFound(explanation=missing)
            return row

        try:
            ns, row = self._part(
                ctx,
                name,
                "remove_metadef_resource_type_association",
                _deny("delete", "resource_type"),
                "list_metadef_resource_types",
                find,
            )
        except HTTPNotFound as e:
            if e.explanation != f"Metadata definition namespace={name} was not found.":
                raise
            raise HTTPNotFound(explanation=missing) from None
        _unprotected(ns, "resource-type-association", rt)
        ns.associations.remove(row)

    # -- objects -------------------------------------------------------------------------------

    @staticmethod
    def _object_row(body: dict[str, Any], now: float) -> dict[str, Any]:
        properties = body.get("properties")
        return {
            "name": body["name"],
            "required": body.get("required"),
            "description": body.get("description"),
            "properties": {k: property_type(v) for k, v in (properties or {}).items()},
            "created_at": now,
            "updated_at": now,
        }

    def create_object(self, ctx: Any, name: str, body: Any) -> dict[str, Any]:
        """``POST /v2/metadefs/namespaces/{namespace}/objects``: 201."""
        body = self._checked(body, "object")
        ns = self._target(ctx, name, "add_metadef_object", under="objects", create=True)
        _unique("object", ns, body["name"], [o["name"] for o in ns.objects])
        row = self._object_row(body, self._now())
        ns.objects.append(row)
        return self.object_view(ns.namespace, row, echo=body, written=True)

    def update_object(self, ctx: Any, name: str, object_name: str, body: Any) -> dict[str, Any]:
        """``PUT .../objects/{object_name}``: the object replaced (renamed if asked)."""
        body = self._checked(body, "object")
        ns, row = self._part(
            ctx,
            name,
            "modify_metadef_object",
            _deny("modify", "object"),
            "get_metadef_object",
            lambda ns: find_object(ns, object_name),
            "objects",
        )
        if body["name"] != object_name:
            _unique("object", ns, body["name"], [o["name"] for o in ns.objects])
        new = self._object_row(body, row["created_at"])
        new["updated_at"] = self._now()
        row.update(new)
        return self.object_view(ns.namespace, row, echo=body)

    def delete_object(self, ctx: Any, name: str, object_name: str) -> None:
        """``DELETE .../objects/{object_name}``: 204."""
        ns, row = self._part(
            ctx,
            name,
            "delete_metadef_object",
            _deny("delete", "object"),
            "get_metadef_object",
            lambda ns: find_object(ns, object_name),
            "objects",
        )
        _unprotected(ns, "object", object_name)
        ns.objects.remove(row)

    # -- properties ----------------------------------------------------------------------------

    def create_property(self, ctx: Any, name: str, body: Any) -> dict[str, Any]:
        """``POST /v2/metadefs/namespaces/{namespace}/properties``: 201 with its name."""
        body = self._checked(body, "property")
        ns = self._target(ctx, name, "add_metadef_property", create=True)
        _unique("property", ns, body["name"], ns.properties)
        ns.properties[body["name"]] = property_type(body)
        return {"name": body["name"], **ns.properties[body["name"]]}

    def update_property(self, ctx: Any, name: str, prop: str, body: Any) -> dict[str, Any]:
        """``PUT .../properties/{property_name}``: replaced (renamed if asked)."""
        body = self._checked(body, "property")
        ns, _ = self._part(
            ctx,
            name,
            "modify_metadef_property",
            _deny("modify", "property"),
            "get_metadef_property",
            lambda ns: find_property(ns, prop),
        )
        if body["name"] != prop:
            _unique("property", ns, body["name"], ns.properties)
        del ns.properties[prop]
        ns.properties[body["name"]] = property_type(body)
        return {"name": body["name"], **ns.properties[body["name"]]}

    def delete_property(self, ctx: Any, name: str, prop: str) -> None:
        """``DELETE .../properties/{property_name}``: 204."""
        ns, _ = self._part(
            ctx,
            name,
            "remove_metadef_property",
            _deny("delete", "property"),
            "get_metadef_property",
            lambda ns: find_property(ns, prop),
        )
        _unprotected(ns, "property", prop)
        del ns.properties[prop]

    # -- tags ----------------------------------------------------------------------------------

    def _unique_tag(self, ns: Namespace, name: str, others: list[dict[str, Any]]) -> None:
        if any(t["name"].lower() == name.lower() for t in others):
            raise HTTPConflict(
                explanation=f"A metadata tag with name={name} already exists in "
                f"namespace={ns.namespace}. (Please note that metadata tag names are case "
                "insensitive)."
            )

    def create_tag(self, ctx: Any, name: str, tag: str) -> dict[str, Any]:
        """``POST .../tags/{tag_name}``: 201. The name from the path is checked against the tag
        schema (at most 80 characters): before the namespace is looked up through 22.x, between
        the look-up and the rule from 23.0.0."""
        named = {"name": tag}
        if self._major < API_POLICY_SINCE:
            self._checked(named, "tag")
            ns = self._target(ctx, name, "add_metadef_tag", create=True)
        else:
            self.writable()
            ns = self._namespace(ctx, name, "others")
            self._checked(named, "tag")
            self._may(ctx, "add_metadef_tag", ns)
        self._unique_tag(ns, tag, ns.tags)
        now = self._now()
        row = {"name": tag, "created_at": now, "updated_at": now}
        ns.tags.append(row)
        return self.tag_view(row, written=True)

    def create_tags(self, ctx: Any, name: str, body: Any, append: bool) -> dict[str, Any]:
        """``POST .../tags``: 201; the namespace's tags replaced unless ``X-Openstack-Append``
        is true (read from Glance 24.0.0)."""
        body = self._checked(body, "tags")
        null = None in (body.get("tags") or [])
        if null and self._major < API_POLICY_SINCE:
            # fromjson lets a null tag through as None, whose ``to_dict()`` the controller calls
            # building the tags, before the rule and the namespace through 22.x (glance
            # 16.0.1-22.1.1 create_tags), after them from 23.0.0: the bare 500
            raise HTTPInternalServerError()
        ns = self._target(ctx, name, "add_metadef_tags", create=True)
        if null:
            raise HTTPInternalServerError()
        append = append and self._major >= APPEND_HEADER_SINCE
        now, kept = self._now(), list(ns.tags) if append else []
        for item in body.get("tags") or []:
            self._unique_tag(ns, item["name"], kept)
            kept.append({"name": item["name"], "created_at": now, "updated_at": now})
        ns.tags = kept
        return {"tags": [{"name": t["name"]} for t in body.get("tags") or []]}

    def update_tag(self, ctx: Any, name: str, tag: str, body: Any) -> dict[str, Any]:
        """``PUT .../tags/{tag_name}``: renamed."""
        body = self._checked(body, "tag")
        ns, row = self._part(
            ctx,
            name,
            "modify_metadef_tag",
            _deny("modify", "tag"),
            "get_metadef_tag",
            lambda ns: find_tag(ns, tag),
        )
        self._unique_tag(ns, body["name"], [t for t in ns.tags if t is not row])
        row["name"], row["updated_at"] = body["name"], self._now()
        return self.tag_view(row)

    def delete_tag(self, ctx: Any, name: str, tag: str) -> None:
        """``DELETE .../tags/{tag_name}``: 204."""
        ns, row = self._part(
            ctx,
            name,
            "delete_metadef_tag",
            _deny("delete", "tag"),
            "get_metadef_tag",
            lambda ns: find_tag(ns, tag),
        )
        _unprotected(ns, "tag", tag)
        ns.tags.remove(row)


def _unique(kind: str, ns: Namespace, name: str, taken: Any) -> None:
    """The DB API's ``MetadefDuplicateObject`` / ``MetadefDuplicateProperty`` (409)."""
    if name in taken:
        raise HTTPConflict(
            explanation=f"A metadata definition {kind} with name={name} already exists in "
            f"namespace={ns.namespace}."
        )


def _unprotected(ns: Namespace, kind: str, name: str) -> None:
    """The domain's ``delete``: nothing of a protected namespace goes (403)."""
    if ns.protected:
        raise HTTPForbidden(
            explanation=f"Metadata definition {kind} {name} is protected and cannot be deleted."
        )


def _deny(action: str, kind: str) -> str:
    """The authorization layer's words (16-24) for a change to another project's `kind`: its
    immutable proxy's setter (``name`` is the attribute each update sets first) or delete."""
    name = _AUTHZ_NAMES.get(kind, kind)
    if action == "modify":
        return f"You are not permitted to modify 'name' on this {name}."
    return f"You are not permitted to delete this {name}."
