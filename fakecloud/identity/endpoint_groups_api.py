"""Keystone's endpoint filter API (OS-EP-FILTER, ``keystone/api/os_ep_filter.py``, 13.0.0-30.0.0):
endpoint groups (``GET|POST /v3/OS-EP-FILTER/endpoint_groups``, ``GET|HEAD|PATCH|DELETE
.../endpoint_groups/{id}``, ``GET .../endpoint_groups/{id}/endpoints``), their projects
(``PUT|GET|HEAD|DELETE .../endpoint_groups/{id}/projects/{project}``, ``GET
.../endpoint_groups/{id}/projects``, ``GET .../projects/{project}/endpoint_groups``) and the
projects of single endpoints (``PUT|GET|HEAD|DELETE .../projects/{project}/endpoints/{endpoint}``,
``GET .../projects/{project}/endpoints``, ``GET .../endpoints/{endpoint}/projects``).

Policy: an admin writes, an admin or a system reader reads. Refusals are Keystone's: a group
without ``filters`` (400 ``filters field is required and cannot be empty``; from 15.0.0 an
empty ``{}`` too, which 13.x-14.x's legacy controller makes, `EMPTY_FILTERS_REFUSED_SINCE`), a
filter on
anything but ``service_id``, ``region_id`` or ``interface`` (400), a missing group (404
``Could not find Endpoint Group: X.``), project or endpoint (404), an association made twice
(409 ``... store project_endpoint - Duplicate entry.``) or missing (404). What the associations
do to a project's catalog is `fakecloud.identity.endpoint_filter`'s.
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.identity import endpoint_filter as ef
from fakecloud.identity import exception, sql_text
from fakecloud.identity.admin_api import _require_admin
from fakecloud.identity.api import _linked, _links, _mapped
from fakecloud.identity.api import _require_admin as _require_reader
from fakecloud.identity.catalog_api import KeystoneCatalogApi, _body
from fakecloud.profiles.series import KEYSTONE_BODY_SCHEMA_SINCE

#: ``{}`` as ``filters`` refused: Stein's Flask resource (keystone 15.0.0 ``api/os_ep_filter.py``)
#: checks ``not ep_group.get('filters')``; 13.x-14.x's ``_require_attribute`` (``common/wsgi.py``
#: ``_attribute_is_empty``) only ``None`` or ``''``, which their schema refuses first.
EMPTY_FILTERS_REFUSED_SINCE = 15

_GROUP = {
    "description": {"type": ["string", "null"]},
    "filters": {"type": "object"},
    "name": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": r"[\S]+"},
}
GROUP_CREATE = _body("endpoint_group", _GROUP, required=["name", "filters"])
GROUP_UPDATE = _body("endpoint_group", _GROUP, minProperties=1)


def _old(body_schema: dict[str, Any]) -> dict[str, Any]:
    """`body_schema` as 13.x-26.x check it: ``endpoint_group_create`` and ``_update`` have no
    ``additionalProperties`` (``keystone/catalog/schema.py``, printed so by the keystone
    oracle on 25.0.0)."""
    inner = body_schema["properties"]["endpoint_group"]
    kept = {k: v for k, v in inner.items() if k != "additionalProperties"}
    return {**body_schema, "properties": {"endpoint_group": kept}}


_OLD = {id(GROUP_CREATE): _old(GROUP_CREATE), id(GROUP_UPDATE): _old(GROUP_UPDATE)}

_EP = "/v3/OS-EP-FILTER"


class KeystoneEndpointFilterApi(KeystoneCatalogApi):
    """Keystone's v3 API with the endpoint filter's routes."""

    @classmethod
    def declare_routes(cls, router: Any, variant: Any) -> None:
        """The routes before, then OS-EP-FILTER's."""
        super().declare_routes(router, variant)
        group = f"{_EP}/endpoint_groups/{{endpoint_group_id}}"
        group_project = f"{group}/projects/{{project_id}}"
        project_endpoint = f"{_EP}/projects/{{project_id}}/endpoints/{{endpoint_id}}"
        for method, template, handler in (
            ("GET", f"{_EP}/endpoint_groups", cls.list_endpoint_groups),
            ("POST", f"{_EP}/endpoint_groups", cls.create_endpoint_group),
            ("GET", group, cls.get_endpoint_group),
            ("PATCH", group, cls.update_endpoint_group),
            ("DELETE", group, cls.delete_endpoint_group),
            ("GET", f"{group}/endpoints", cls.list_group_endpoints),
            ("GET", f"{group}/projects", cls.list_group_projects),
            ("GET", group_project, cls.get_group_project),
            ("PUT", group_project, cls.add_group_project),
            ("DELETE", group_project, cls.remove_group_project),
            ("GET", f"{_EP}/projects/{{project_id}}/endpoint_groups", cls.list_project_groups),
            ("GET", f"{_EP}/projects/{{project_id}}/endpoints", cls.list_project_endpoints),
            ("GET", project_endpoint, cls.check_project_endpoint),
            ("PUT", project_endpoint, cls.add_project_endpoint),
            ("DELETE", project_endpoint, cls.remove_project_endpoint),
            ("GET", f"{_EP}/endpoints/{{endpoint_id}}/projects", cls.list_endpoint_projects),
        ):
            router.add(method, template, _mapped(handler))

    # -- endpoint groups -----------------------------------------------------------------------

    def _group_view(self, req: Request, record: dict[str, Any]) -> dict[str, Any]:
        link = f"{req.base_url}{_EP}/endpoint_groups/{record['id']}"
        return {**record, "links": {"self": link}}

    def _project_named(self, project_id: str) -> Any:
        """The project `project_id` (404 if none)."""
        project = self.directory.projects.get(project_id)
        if project is None:
            raise exception.ProjectNotFound(project_id=project_id)
        return project

    def _endpoint(self, endpoint_id: str) -> None:
        """404 unless endpoint `endpoint_id` exists."""
        if not any(e["id"] == endpoint_id for e in self.keystone.catalog.endpoint_records()):
            raise exception.EndpointNotFound(endpoint_id=endpoint_id)

    def _schema(self, body_schema: dict[str, Any]) -> dict[str, Any]:
        """`body_schema` from 27.0.0; before, its release's (`_old`)."""
        return body_schema if self._release >= KEYSTONE_BODY_SCHEMA_SINCE else _OLD[id(body_schema)]

    def list_endpoint_groups(self, req: Request) -> Response:
        """``GET .../endpoint_groups`` (filter ``name``)."""
        _require_reader(req, "identity:list_endpoint_groups")
        name = req.query.get("name")
        found = [
            self._group_view(req, g)
            for g in ef.groups(self.keystone.catalog).values()
            if not name or all(g["name"] == n for n in name)
        ]
        return Response(200, {"endpoint_groups": found, "links": _links(req)})

    def create_endpoint_group(self, req: Request) -> Response:
        """``POST .../endpoint_groups``: 201 and the group."""
        ref = self._ref(
            req, "identity:create_endpoint_group", self._schema(GROUP_CREATE), "endpoint_group"
        )
        if not ref.get("filters") and self._release >= EMPTY_FILTERS_REFUSED_SINCE:
            raise exception.ValidationError("filters field is required and cannot be empty")
        ef.check_filters(ref)
        sql_text.check(ref, "name", "description")  # the row's columns (filters are JSON)
        group_id = self.kernel.ids.hex()
        record = ef.put_group(self._writable(), group_id, ref)
        self._traced("endpoint_group_created", str(record["name"]), group_id)
        return Response(201, {"endpoint_group": self._group_view(req, record)})

    def get_endpoint_group(self, req: Request) -> Response:
        """``GET|HEAD .../endpoint_groups/{id}``."""
        _require_reader(req, "identity:get_endpoint_group")
        record = ef.group(self.keystone.catalog, req.params["endpoint_group_id"])
        return Response(200, {"endpoint_group": self._group_view(req, record)})

    def update_endpoint_group(self, req: Request) -> Response:
        """``PATCH .../endpoint_groups/{id}``: the group as changed."""
        ref = self._ref(
            req, "identity:update_endpoint_group", self._schema(GROUP_UPDATE), "endpoint_group"
        )
        group_id = req.params["endpoint_group_id"]
        if "filters" in ref:
            ef.check_filters(ref)
        if ref.get("id") is not None and ref["id"] != group_id:
            raise exception.ValidationError("Cannot change ID")
        ef.group(self.keystone.catalog, group_id)
        sql_text.check(ref, "name", "description")
        record = ef.put_group(self._writable(), group_id, ref)
        return Response(200, {"endpoint_group": self._group_view(req, record)})

    def delete_endpoint_group(self, req: Request) -> Response:
        """``DELETE .../endpoint_groups/{id}``: 204, its project associations gone."""
        _require_admin(req, "identity:delete_endpoint_group")
        group_id = req.params["endpoint_group_id"]
        record = ef.group(self.keystone.catalog, group_id)
        ef.delete_group(self._writable(), group_id)
        self._traced("endpoint_group_deleted", str(record["name"]), group_id)
        return Response(204)

    def list_group_endpoints(self, req: Request) -> Response:
        """``GET .../endpoint_groups/{id}/endpoints``: the endpoints its filters match."""
        _require_reader(req, "identity:list_endpoints_associated_with_endpoint_group")
        found = ef.group_endpoints(self.keystone.catalog, req.params["endpoint_group_id"])
        endpoints = [_linked(req, "endpoints", e) for e in found]
        return Response(200, {"endpoints": endpoints, "links": _links(req)})

    def list_group_projects(self, req: Request) -> Response:
        """``GET .../endpoint_groups/{id}/projects`` (none for a missing group, as Keystone)."""
        _require_reader(req, "identity:list_projects_associated_with_endpoint_group")
        group_id = req.params["endpoint_group_id"]
        pairs = ef.associations(self.keystone.catalog, "group_projects")
        return self._projects(req, [p for g, p in pairs if g == group_id])

    def _projects(self, req: Request, project_ids: list[str]) -> Response:
        d = self.directory
        projects = [self._project(req, d.projects[p]) for p in project_ids]
        return Response(200, {"projects": projects, "links": _links(req)})

    def _group_project(self, req: Request, action: str) -> tuple[str, str]:
        """The (group, project) the path names: the policy, then the project, then the group."""
        (_require_reader if action.startswith("identity:get") else _require_admin)(req, action)
        project_id = req.params["project_id"]
        self._project_named(project_id)
        group_id = req.params["endpoint_group_id"]
        ef.group(self.keystone.catalog, group_id)
        return group_id, project_id

    def get_group_project(self, req: Request) -> Response:
        """``GET|HEAD .../endpoint_groups/{id}/projects/{project}``: the association."""
        pair = self._group_project(req, "identity:get_endpoint_group_in_project")
        self._associated("group_projects", pair)
        group_id, project_id = pair
        # keystone's own link here: the path alone (_add_self_referential_link)
        link = f"/OS-EP-FILTER/endpoint_groups/{group_id}/projects/{project_id}"
        body = {"endpoint_group_id": group_id, "project_id": project_id, "links": {"self": link}}
        return Response(200, {"project_endpoint_group": body})

    def add_group_project(self, req: Request) -> Response:
        """``PUT .../endpoint_groups/{id}/projects/{project}``: 204."""
        pair = self._group_project(req, "identity:add_endpoint_group_to_project")
        ef.associate(self._writable(), "group_projects", pair, "project_endpoint_group")
        return Response(204)

    def remove_group_project(self, req: Request) -> Response:
        """``DELETE .../endpoint_groups/{id}/projects/{project}``: 204."""
        pair = self._group_project(req, "identity:remove_endpoint_group_from_project")
        return self._dissociated("group_projects", pair)

    def list_project_groups(self, req: Request) -> Response:
        """``GET .../projects/{project}/endpoint_groups``."""
        _require_reader(req, "identity:list_endpoint_groups_for_project")
        project_id = req.params["project_id"]
        self._project_named(project_id)
        catalog = self.keystone.catalog
        found = [
            self._group_view(req, ef.group(catalog, g))
            for g, p in ef.associations(catalog, "group_projects")
            if p == project_id
        ]
        return Response(200, {"endpoint_groups": found, "links": _links(req)})

    # -- single endpoints ----------------------------------------------------------------------

    def list_project_endpoints(self, req: Request) -> Response:
        """``GET .../projects/{project}/endpoints``: its endpoints, direct or by group."""
        _require_reader(req, "identity:list_endpoints_for_project")
        project_id = req.params["project_id"]
        self._project_named(project_id)
        found = ef.project_endpoints(self.keystone.catalog, project_id).values()
        endpoints = [_linked(req, "endpoints", e) for e in found]
        return Response(200, {"endpoints": endpoints, "links": _links(req)})

    def _project_endpoint(self, req: Request, action: str) -> tuple[str, str]:
        """The (endpoint, project) the path names: the policy, the endpoint, the project."""
        (_require_reader if action.startswith("identity:check") else _require_admin)(req, action)
        endpoint_id, project_id = req.params["endpoint_id"], req.params["project_id"]
        self._endpoint(endpoint_id)
        self._project_named(project_id)
        return endpoint_id, project_id

    def _associated(self, kind: str, pair: tuple[str, str]) -> None:
        """404 unless association `pair` of `kind` is held, in the SQL driver's words."""
        if pair not in ef.associations(self.keystone.catalog, kind):
            if kind == "group_projects":
                raise exception.NotFound("Endpoint Group Project Association not found")
            raise exception.NotFound(f"Endpoint {pair[0]} not found in project {pair[1]}")

    def _dissociated(self, kind: str, pair: tuple[str, str]) -> Response:
        """Remove association `pair` of `kind` (404 if not held): 204."""
        self._associated(kind, pair)
        ef.dissociate(self._writable(), kind, pair)
        return Response(204)

    def check_project_endpoint(self, req: Request) -> Response:
        """``GET|HEAD .../projects/{project}/endpoints/{endpoint}``: 204 if associated."""
        pair = self._project_endpoint(req, "identity:check_endpoint_in_project")
        self._associated("project_endpoints", pair)
        return Response(204)

    def add_project_endpoint(self, req: Request) -> Response:
        """``PUT .../projects/{project}/endpoints/{endpoint}``: 204."""
        pair = self._project_endpoint(req, "identity:add_endpoint_to_project")
        ef.associate(self._writable(), "project_endpoints", pair, "project_endpoint")
        return Response(204)

    def remove_project_endpoint(self, req: Request) -> Response:
        """``DELETE .../projects/{project}/endpoints/{endpoint}``: 204 (no record looked up
        but the association)."""
        _require_admin(req, "identity:remove_endpoint_from_project")
        pair = (req.params["endpoint_id"], req.params["project_id"])
        return self._dissociated("project_endpoints", pair)

    def list_endpoint_projects(self, req: Request) -> Response:
        """``GET .../endpoints/{endpoint}/projects``: the projects associated with it."""
        _require_reader(req, "identity:list_projects_for_endpoint")
        endpoint_id = req.params["endpoint_id"]
        self._endpoint(endpoint_id)
        pairs = ef.associations(self.keystone.catalog, "project_endpoints")
        return self._projects(req, [p for e, p in pairs if e == endpoint_id])
