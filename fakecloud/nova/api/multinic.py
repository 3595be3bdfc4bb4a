"""``addFixedIp`` and ``removeFixedIp`` (``multinic.py``, nova 17.0.13, 21.0.0, 22.0.0,
29.0.0, 30.0.0, 33.0.0 and master): Neutron proxies deprecated from 2.44, served 2.1-2.43 in
every release.

In order: above 2.43 the method's version wrapper is Nova's 404 "The resource could not be
found." (``VersionNotFoundForAPIMethod``) before anything else; the body's schema
(``schemas/multinic.py``: ``networkId`` a string or number of 1-36 characters, ``address`` an
IP address); before 22.0.0 the one rule ``os_compute_api:os-multinic`` (``rule:admin_or_owner``)
on the caller's own project, then the lookup; from 22.0.0 (the policy refresh) the lookup, then
``os_compute_api:os-multinic:add`` (``:remove``) on the server's project, the old rule its
deprecated one. ``compute_api.add_fixed_ip``/``remove_fixed_ip`` check the lock only
(``check_instance_lock``, no state check): a server locked against a non-admin is
`InstanceIsLocked`, which the methods' ``expected_errors((400, 404))`` turn into Nova's 500, as
the cast to a server with no host (``NovaException`` "Unable to find host for Instance X").
Otherwise 202 with no body, before the compute host does anything (`compute.multinic`):
Neutron's refusals (a network the server has no port on, an address its port does not hold)
are the server's fault row and ``compute.exception``, never the API's 400, whatever the
methods' ``except`` clauses (nova-network's ``NoMoreFixedIps``, ``FixedIpNotFoundForInstance``)
say. No instance action is recorded.
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova import exception
from fakecloud.nova.api import schemas
from fakecloud.nova.api.wsgi import unexpected_error
from fakecloud.nova.policies import MULTINIC, MULTINIC_BASE

#: The last microversion serving the actions (``api_version("2.1", "2.43")``).
MAX_VERSION = "2.43"
#: The release whose rules are ``:add``/``:remove``, checked after the lookup.
POLICY_SPLIT_SINCE = 22


class MultinicController:
    """The two actions; `ACTIONS` holds them."""

    def __init__(self, nova: Any, servers: Any):
        self.nova = nova
        self.servers = servers
        self.compute_api = nova.compute_api
        self.policy = nova.policy

    def _act(self, action: str, req: Request, server_id: str, body: Any) -> Response:
        if req.microversion > MAX_VERSION:
            raise HttpError(404, "The resource could not be found.")
        switches = self.nova.kernel.switches
        schemas.validator(action).validate(
            body, req, loose_ipv4=not switches.jsonschema_ipv4_strict
        )
        ctx = req.context
        add = action == "addFixedIp"
        if switches.release.major < POLICY_SPLIT_SINCE:
            self.policy.authorize(ctx, MULTINIC_BASE)
            instance = self.servers.get_server(ctx, server_id)
        else:
            instance = self.servers.get_server(ctx, server_id)
            rule = MULTINIC % ("add" if add else "remove")
            self.policy.authorize(ctx, rule, {"project_id": instance.project_id})
        try:
            if add:
                network_id = body["addFixedIp"]["networkId"]
                self.compute_api.add_fixed_ip(ctx, instance, network_id)
            else:
                address = body["removeFixedIp"]["address"]
                self.compute_api.remove_fixed_ip(ctx, instance, address)
        except exception.NovaException as exc:  # InstanceIsLocked, no host: not expected
            raise unexpected_error(exc, switches.api_support_string) from None
        return Response(202)


def _add(controller: MultinicController, req: Request, server_id: str, body: Any) -> Response:
    return controller._act("addFixedIp", req, server_id, body)


def _remove(controller: MultinicController, req: Request, server_id: str, body: Any) -> Response:
    return controller._act("removeFixedIp", req, server_id, body)


ACTIONS = {"addFixedIp": _add, "removeFixedIp": _remove}
