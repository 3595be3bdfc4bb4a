"""``addSecurityGroup`` and ``removeSecurityGroup`` (``security_groups.py``'s
``SecurityGroupActionController`` and ``network/security_group_api.py``'s
``add_to_instance``/``remove_from_instance``; nova 17.0.13, 20.6.1, 21.2.4, 30.3.0, 31.0.0,
34.0.0), against the one network fakecloud models (`fakecloud.nova.network`).

The order of the checks is the release's:

* from 31.0.0 (55f5b175ba) the schema: a non-empty string ``name`` (30.x's schema looked for a
  top-level ``name`` no body has: no check);
* before 21.0.0 (``policy_before_lookup``) the one rule ``os_compute_api:os-security-groups``
  with the caller's own project, the body's parse, then the lookup; from 21.0.0 the lookup,
  then ``os_compute_api:os-security-groups:add`` (``:remove``) on the server's project, then
  the parse: "Missing parameter dict" (not an object), "Security group not specified" (no
  ``name``), "Security group name cannot be empty" (empty or blank), all 400;
* Neutron: the group, by name or id in the caller's project — the only one there is its
  ``default`` group, whose id ``GET /servers/{id}/os-security-groups`` shows (404 "Security
  group X is not found for project P"); the server's ports (404 "instance_id X could not be
  found as device id on any ports" for a server booted without a network); then the port's
  groups: adding one it has changes nothing, removing one it has not is 404 "Security group X
  not associated with the instance I".

The answer is 202 with no body; the server's ``security_groups`` show the port's groups (none
left: no ``security_groups`` key, as Nova's ``_add_security_grps`` leaves it).
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova import exception
from fakecloud.nova.api import schemas
from fakecloud.nova.api.wsgi import unexpected_error
from fakecloud.nova.network import is_default_group
from fakecloud.nova.policies import SECURITY_GROUPS

#: The group Neutron makes in every project, and the only one fakecloud has.
DEFAULT = "default"
#: The release whose schema checks the action's body (55f5b175ba).
SCHEMA_SINCE = 31


class SecurityGroupActionController:
    """The two actions; `ACTIONS` holds them."""

    def __init__(self, nova: Any, servers: Any):
        self.nova = nova
        self.servers = servers
        self.db = nova.db
        self.policy = nova.policy

    def _act(self, action: str, req: Request, server_id: str, body: Any) -> Response:
        switches = self.nova.kernel.switches
        if switches.release.major >= SCHEMA_SINCE:
            schemas.validator(action).validate(body, req)
        ctx = req.context
        rule = SECURITY_GROUPS % ("add" if action == "addSecurityGroup" else "remove")
        if switches.policy_before_lookup:
            self.policy.authorize(ctx, rule)
            name = _parse(body, action, switches.api_support_string)
            instance = self.servers.get_server(ctx, server_id)
        else:
            instance = self.servers.get_server(ctx, server_id)
            self.policy.authorize(ctx, rule, {"project_id": instance.project_id})
            name = _parse(body, action, switches.api_support_string)
        try:
            if action == "addSecurityGroup":
                self._add(ctx, instance.uuid, name)
            else:
                self._remove(ctx, instance.uuid, name)
        except exception.SecurityGroupNotFound as exc:
            raise HttpError(404, exc.format_message()) from None
        return Response(202)

    def _groups(self, ctx: Any, uuid: str, name: str) -> list[str]:
        """The port's groups, once the group and the port are found (a copy)."""
        if not is_default_group(ctx.project_id, name):
            raise exception.SecurityGroupNotFound(
                f"Security group {name} is not found for project {ctx.project_id}"
            )
        if not self.db.network_number(uuid):
            raise exception.SecurityGroupNotFound(
                f"instance_id {uuid} could not be found as device id on any ports"
            )
        return list(self.db.security_groups_of(uuid))

    def _add(self, ctx: Any, uuid: str, name: str) -> None:
        groups = self._groups(ctx, uuid, name)
        name = DEFAULT  # found by name or id: the port holds the group
        if name not in groups:  # Neutron keeps a port's groups as a set
            self.db.set_security_groups(uuid, [*groups, name])

    def _remove(self, ctx: Any, uuid: str, name: str) -> None:
        groups = self._groups(ctx, uuid, name)
        if DEFAULT not in groups:
            raise exception.SecurityGroupNotFound(
                f"Security group {name} not associated with the instance {uuid}"
            )
        self.db.set_security_groups(uuid, [g for g in groups if g != DEFAULT])


def _parse(body: Any, action: str, support: str) -> Any:
    """``SecurityGroupActionController._parse``: the group's name, or a 400. A true name that
    is not a string (5, a list) fails its ``strip``: Nova's 500 before 31.0.0 (`support`: the
    release's support string), where no schema checked the body first."""
    try:
        name = body[action]["name"]
    except TypeError:
        raise HttpError(400, "Missing parameter dict") from None
    except KeyError:
        raise HttpError(400, "Security group not specified") from None
    if name and not isinstance(name, str):
        raise unexpected_error(AttributeError(), support)
    if not name or name.strip() == "":
        raise HttpError(400, "Security group name cannot be empty")
    return name


def _add(controller: SecurityGroupActionController, req: Request, server_id: str, body: Any):
    return controller._act("addSecurityGroup", req, server_id, body)


def _remove(controller: SecurityGroupActionController, req: Request, server_id: str, body: Any):
    return controller._act("removeSecurityGroup", req, server_id, body)


#: Action name -> handler(controller, req, server_id, body).
ACTIONS = {"addSecurityGroup": _add, "removeSecurityGroup": _remove}
