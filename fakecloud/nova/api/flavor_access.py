"""``GET /flavors/{id}/os-flavor-access`` and the ``addTenantAccess`` /
``removeTenantAccess`` actions (``nova/api/openstack/compute/flavor_access.py``
17.0.13-34.0.0): which projects may see and boot a private flavor — ``openstack flavor set
--project``, ``flavor unset --project``, novaclient's ``flavor_access.*``, openstacksdk's
``flavor_add_tenant_access``.

The list: ``os_compute_api:os-flavor-access`` (the caller's own project as target: every
member until 21.0.0, and 21.0.0-26.x while the deprecated ``admin_or_owner`` is OR-ed in;
the admin's once new defaults are enforced, 27.0.0), then the flavor as the caller sees it
(404), then 404 ``Access list not available for public flavors.``; from 2.102 unknown query
parameters are a 400. The actions (admin): the schema, the policy, the flavor, from 2.7 a
409 for a public flavor, then 409 for a project that has access already / 404 for one that
has none. Each answers the flavor's access list: ``{"flavor_access": [{"flavor_id",
"tenant_id"}]}``. Between the policy and the flavor Nova asks Keystone whether the project
exists (`fakecloud.nova.identity.verify_project_id`: 400 ``Project ID X is not a valid
project.``); from 27.0.0 (8c6daaacbe, backported to 25.2.0 and 26.2.0) a removal goes on for
a project Keystone does not know (a deleted project's access can be removed).
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova import exception, flavors, identity
from fakecloud.nova.api import schemas
from fakecloud.nova.policies import FLAVOR_ACCESS, FLAVOR_ACCESS_ACTION

#: From 2.7 access to a public flavor is a 409 (``is_public`` checked before the write).
PUBLIC_CONFLICT_VERSION = "2.7"


def _action_schema(action: str) -> schemas.SchemaValidator:
    """``add_tenant_access`` / ``remove_tenant_access``: ``{action: {"tenant": ...}}``."""
    tenant = {"type": "string", "minLength": 1, "maxLength": 255}
    inner = {
        "type": "object",
        "properties": {"tenant": tenant},
        "required": ["tenant"],
        "additionalProperties": False,
    }
    return schemas.SchemaValidator(
        {
            "type": "object",
            "properties": {action: inner},
            "required": [action],
            "additionalProperties": False,
        }
    )


_ADD = _action_schema("addTenantAccess")
_REMOVE = _action_schema("removeTenantAccess")


def _removes_unknown_projects(version: tuple[int, int, int]) -> bool:
    """Whether a project Keystone does not know may lose its access (a deleted project's):
    8c6daaacbe (27.0.0, LP #1980845), backported to 25.2.0 and 26.2.0."""
    return version >= (26, 2, 0) or (25, 2, 0) <= version < (26, 0, 0)


def _marshall(flavorid: str, projects: tuple[str, ...]) -> dict[str, Any]:
    """``_marshall_flavor_access``."""
    return {"flavor_access": [{"flavor_id": flavorid, "tenant_id": p} for p in projects]}


class FlavorAccessController:
    """A private flavor's access list, and the admin's actions on it."""

    def __init__(self, nova: Any, service: Any):
        self.nova = nova
        self.service = service

    def _flavor(self, req: Request, flavorid: str) -> Any:
        """``common.get_flavor``: the flavor as the caller sees it, else 404."""
        try:
            return flavors.get_by_flavor_id(self.nova, req.context, flavorid)
        except exception.FlavorNotFound as exc:
            raise HttpError(404, exc.format_message()) from None

    def index(self, req: Request) -> Response:
        """``GET /flavors/{flavor_id}/os-flavor-access``."""
        schemas.query_validator(req.microversion < "2.102").validate(req.query)
        self.nova.policy.authorize(req.context, FLAVOR_ACCESS)
        flavor = self._flavor(req, req.params["flavor_id"])
        if flavor.is_public:
            raise HttpError(404, "Access list not available for public flavors.")
        found = flavors.projects(self.nova, flavor.flavorid)
        return Response(200, _marshall(flavor.flavorid, found))

    def action(self, req: Request) -> Response:
        """``POST /flavors/{flavor_id}/action``: dispatch on the body's one key."""
        name, body = self.service.action_peek(req)
        if name == "addTenantAccess":
            return self._add(req, body)
        if name == "removeTenantAccess":
            return self._remove(req, body)
        raise HttpError(400, f"There is no such action: {name}")

    def _add(self, req: Request, body: Any) -> Response:
        _ADD.validate(body, req)
        self.nova.policy.authorize(req.context, FLAVOR_ACCESS_ACTION % "add_tenant_access", {})
        tenant = body["addTenantAccess"]["tenant"]
        identity.verify_project_id(self.nova.kernel, req.context, tenant)
        flavor = self._flavor(req, req.params["flavor_id"])
        if req.microversion >= PUBLIC_CONFLICT_VERSION and flavor.is_public:
            raise HttpError(409, "Can not add access to a public flavor.")
        try:
            found = flavors.add_access(self.nova, flavor.flavorid, tenant)
        except flavors.FlavorAccessExists as exc:
            raise HttpError(409, exc.format_message()) from None
        self.nova.kernel.trace.emit("nova.flavor", "nova-api", flavor.flavorid, action="access.add")
        flavors.notify(self.nova, "update", flavor)
        return Response(200, _marshall(flavor.flavorid, found))

    def _remove(self, req: Request, body: Any) -> Response:
        _REMOVE.validate(body, req)
        self.nova.policy.authorize(req.context, FLAVOR_ACCESS_ACTION % "remove_tenant_access", {})
        tenant = body["removeTenantAccess"]["tenant"]
        try:
            identity.verify_project_id(self.nova.kernel, req.context, tenant)
        except HttpError:
            if not _removes_unknown_projects(self.nova.kernel.switches.release.version):
                raise
        flavor = self._flavor(req, req.params["flavor_id"])
        try:
            found = flavors.remove_access(self.nova, flavor.flavorid, tenant)
        except flavors.FlavorAccessNotFound as exc:
            raise HttpError(404, exc.format_message()) from None
        self.nova.kernel.trace.emit(
            "nova.flavor", "nova-api", flavor.flavorid, action="access.remove"
        )
        flavors.notify(self.nova, "update", flavor)
        return Response(200, _marshall(flavor.flavorid, found))
