"""The server actions of their own controllers in Nova: ``pause``/``unpause``
(``pause_server.py``), ``suspend``/``resume`` (``suspend_server.py``), ``lock``/``unlock``
(``lock_server.py``), ``shelve``/``shelveOffload``/``unshelve`` (``shelve.py``),
``restore``/``forceDelete`` (``deferred_delete.py``) and the admin ``os-resetState``,
``resetNetwork`` and ``injectNetworkInfo`` (``admin_actions.py``).

Each one: look the server up (404), check its policy (403), call the compute API, and map
``InstanceIsLocked`` and ``InstanceInvalidState`` to 409 with Nova's messages. All answer 202
with no body. The policy's target is the server's user and project for pause, suspend and shelve
(every release) and shelveOffload (from 25.0.0, 20a07ee9a6; before, its policy comes first,
with the caller's own target), the server's project alone for unpause, resume and unshelve
(from 21.0.0: cd0b96176a, 11dc801494, e4e97e23c1; before, their policy comes first, with the
caller's own target): a rule of the operator's on ``user_id`` decides by it (nova 17.0.13-34.0.0
``pause_server.py``, ``suspend_server.py``, ``shelve.py``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Generator
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova import exception
from fakecloud.nova.api import removed, schemas
from fakecloud.nova.api.wsgi import raise_http_conflict_for_instance_invalid_state, unexpected_error
from fakecloud.nova.compute import utils as compute_utils
from fakecloud.nova.policies import (
    ADMIN_ACTIONS,
    DEFERRED_DELETE,
    LOCK,
    PAUSE,
    SHELVE,
    SUSPEND,
)

#: ``resetNetwork`` answers 410 from 23.0.0 (the XenAPI-only action removed with the agents).
RESET_NETWORK_GONE_SINCE = 23

#: The actions with one shape (`ServerActionsController._simple`): action -> (policy rule,
#: compute API method, whether the policy target names the server's user, the switch under
#: which the policy is checked before the lookup with the caller's own target, or None).
_SIMPLE: dict[str, tuple[str, str, bool, str | None]] = {
    "pause": (PAUSE % "pause", "pause", True, None),
    "unpause": (PAUSE % "unpause", "unpause", False, "policy_before_lookup"),
    "suspend": (SUSPEND % "suspend", "suspend", True, None),
    "resume": (SUSPEND % "resume", "resume", False, "policy_before_lookup"),
    "shelve": (SHELVE % "shelve", "shelve", True, None),
    "shelveOffload": (
        SHELVE % "shelve_offload",
        "shelve_offload",
        True,
        "shelve_offload_policy_before_lookup",
    ),
}


class ServerActionsController:
    """The actions above; `ACTIONS` holds their handlers, which the compute service's action
    table (`fakecloud.nova.api.service.ACTIONS`) dispatches to."""

    def __init__(self, nova: Any, servers: Any):
        self.nova = nova
        self.servers = servers
        self.compute_api = nova.compute_api
        self.policy = nova.policy

    def _target(self, instance: Any, with_user: bool = True) -> dict[str, Any]:
        if with_user:
            return {"user_id": instance.user_id, "project_id": instance.project_id}
        return {"project_id": instance.project_id}

    def _simple(
        self,
        action: str,
        rule: str,
        method: str,
        target_user: bool,
        first_switch: str | None,
        req: Request,
        server_id: str,
        body: Any,
    ) -> Any:
        """An action of `_SIMPLE`: ``compute_api.<method>`` under policy `rule`."""
        schemas.validator(action).validate(body, req)
        ctx = req.context
        before = first_switch is not None and getattr(self.nova.kernel.switches, first_switch)
        if before:
            self.policy.authorize(ctx, rule)
        instance = self.servers.get_server(ctx, server_id)
        if not before:
            self.policy.authorize(ctx, rule, self._target(instance, target_user))
        try:
            result = getattr(self.compute_api, method)(ctx, instance)
        except (exception.SEVOperationConflict, exception.InstanceIsLocked) as exc:
            # only suspend's method can raise the first (20.0.0-23.x, 84db8b3f3d)
            raise HttpError(409, exc.format_message()) from None
        except exception.InstanceInvalidState as exc:
            raise_http_conflict_for_instance_invalid_state(exc, action, server_id)
        if inspect.isgenerator(result):
            return self._finish_generator(result, action, server_id)
        return Response(202)

    @staticmethod
    def _finish_generator(work: Generator, action: str, server_id: str) -> Generator:
        try:
            yield from work
        except exception.InstanceIsLocked as exc:
            raise HttpError(409, exc.format_message()) from None
        except exception.InstanceInvalidState as exc:
            raise_http_conflict_for_instance_invalid_state(exc, action, server_id)
        return Response(202)

    def _unshelve(self, req: Request, server_id: str, body: Any) -> Response:
        """``unshelve`` (``shelve.py``): from 2.77 ``{"unshelve": {"availability_zone": Z}}``
        (20.0.0), from 2.91 also ``host`` and a null zone (26.0.0); the zone and host checks are
        `destination.unshelve_destination`'s (409 for a server not offloaded, 400 for an
        unknown zone or host, 409 for a host outside the zone)."""
        mv = req.microversion
        key = "unshelve_v291" if mv >= "2.91" else "unshelve_v277" if mv >= "2.77" else "unshelve"
        if (
            key == "unshelve_v291"
            and self.nova.kernel.switches.release.major < schemas.FORMAT_TYPES_SINCE
        ):
            key = "unshelve_v291_one_of"
        schemas.validator(key).validate(body, req)
        ctx = req.context
        rule = SHELVE % "unshelve"
        # Before 21.0.0 (e4e97e23c1) the policy is checked before the lookup, with the caller's
        # own project as target; from it, the server's project alone (no user_id).
        instance = self.servers.get_authorized_server(ctx, server_id, rule)
        args: dict[str, Any] = {}
        wanted = body["unshelve"] if mv >= "2.77" else None
        if wanted:
            if "availability_zone" in wanted:
                args["new_az"] = wanted["availability_zone"]
            if mv >= "2.91":
                args["host"] = wanted.get("host")
        try:
            self.compute_api.unshelve(ctx, instance, **args)
        except (
            exception.InstanceIsLocked,
            exception.UnshelveInstanceInvalidState,
            exception.UnshelveHostNotInAZ,
        ) as exc:
            raise HttpError(409, exc.format_message()) from None
        except exception.InstanceInvalidState as exc:
            raise_http_conflict_for_instance_invalid_state(exc, "unshelve", server_id)
        except (exception.InvalidRequest, exception.ComputeHostNotFound) as exc:
            raise HttpError(400, exc.format_message()) from None
        except exception.OverQuota as exc:  # unified limits, 28.0.0 on
            raise HttpError(403, exc.format_message()) from None
        return Response(202)

    def _lock(self, req: Request, server_id: str, body: Any) -> Response:
        key = "lock_v273" if req.microversion >= "2.73" else "lock"
        schemas.validator(key).validate(body, req)
        ctx = req.context
        instance = self.servers.get_server(ctx, server_id)
        self.policy.authorize(ctx, LOCK % "lock", self._target(instance))
        reason = None
        if req.microversion >= "2.73" and isinstance(body["lock"], dict):
            reason = body["lock"].get("locked_reason")
        self.compute_api.lock(ctx, instance, reason=reason)
        return Response(202)

    def _unlock(self, req: Request, server_id: str, body: Any) -> Response:
        schemas.validator("unlock").validate(body, req)
        ctx = req.context
        # Before 21.0.0 (472a9d4503) the unlock policy is checked before the lookup, with the
        # caller's own project as target, and the override's target is the server (its user
        # and project); from it, both name the server's project alone.
        before = self.nova.kernel.switches.policy_before_lookup
        if before:
            self.policy.authorize(ctx, LOCK % "unlock")
        instance = self.servers.get_server(ctx, server_id)
        target = self._target(instance, with_user=before)
        if not before:
            self.policy.authorize(ctx, LOCK % "unlock", target)
        if not self.compute_api.is_expected_locked_by(ctx, instance):
            self.policy.authorize(ctx, LOCK % "unlock:unlock_override", target)
        self.compute_api.unlock(ctx, instance)
        return Response(202)

    def _restore(self, req: Request, server_id: str, body: Any) -> Response:
        """``restore`` (``deferred_delete.py``): 202; 409 unless soft-deleted, 403 over quota.
        Before 21.0.0 (f83c591e30, LP #1863009) the policy is checked before the lookup, with
        the caller's own project as target. A locked server (non-admin) is a 409 'Instance X
        is in an invalid state for 'restore'': `InstanceIsLocked` is an `InstanceInvalidState`
        without its state (17.0.13-34.0.0)."""
        schemas.validator("restore").validate(body, req)
        ctx = req.context
        instance = self.servers.get_authorized_server(ctx, server_id, DEFERRED_DELETE % "restore")
        try:
            self.compute_api.restore(ctx, instance)
        except exception.OverQuota as exc:
            raise HttpError(403, exc.format_message()) from None
        except compute_utils.QuotaRetryRecursion as exc:
            # Real Nova's 500 on purpose, not a crash of fakecloud's (no ``api.error``).
            raise unexpected_error(exc, self.nova.kernel.switches.api_support_string) from None
        except exception.InstanceInvalidState as exc:
            raise_http_conflict_for_instance_invalid_state(exc, "restore", server_id)
        return Response(202)

    def _force_delete(self, req: Request, server_id: str, body: Any) -> Generator:
        """``forceDelete`` (``deferred_delete.py``): 202; the server deleted whatever its
        states (`API.force_delete`); 409 when locked. The policy names the server's user and
        project, after the lookup, in every release."""
        schemas.validator("forceDelete").validate(body, req)
        ctx = req.context
        instance = self.servers.get_server(ctx, server_id)
        self.policy.authorize(ctx, DEFERRED_DELETE % "force", self._target(instance))
        try:
            yield from self.compute_api.force_delete(ctx, instance)
        except exception.InstanceNotFound as exc:
            raise HttpError(404, exc.format_message()) from None
        except exception.InstanceIsLocked as exc:
            raise HttpError(409, exc.format_message()) from None
        return Response(202)

    def _reset_state(self, req: Request, server_id: str, body: Any) -> Response:
        """``os-resetState``. Before 21.0.0 (``policy_before_lookup``; nova b6a310000e "Ensure
        we pass a target in admin actions") the admin-only policy is checked before the server
        is loaded: a non-admin of another project gets the 403, not the 404."""
        schemas.validator("reset_state").validate(body, req)
        ctx = req.context
        rule = ADMIN_ACTIONS % "reset_state"
        instance = self.servers.get_authorized_server(ctx, server_id, rule)
        self.compute_api.reset_state(ctx, instance, body["os-resetState"]["state"])
        return Response(202)

    def _reset_network(self, req: Request, server_id: str, body: Any) -> Response:
        """``resetNetwork`` (``admin_actions.py``): from 23.0.0 (Wallaby) 410 before any lookup
        (``HTTPGone``, nova 23.0.0-33.0.0); before, the admin's policy
        ``os_compute_api:os-admin-actions:reset_network`` (before the lookup until 21.0.0),
        409 for a server locked against a non-admin (``check_instance_lock``), then 202: the
        cast's ``driver.reset_network`` is the base driver's no-op on libvirt."""
        if self.nova.kernel.switches.release.major >= RESET_NETWORK_GONE_SINCE:
            raise HttpError(410, removed.GONE)
        ctx = req.context
        rule = ADMIN_ACTIONS % "reset_network"
        instance = self.servers.get_authorized_server(ctx, server_id, rule)
        if instance.locked and not ctx.is_admin:
            raise HttpError(
                409, exception.InstanceIsLocked(instance_uuid=instance.uuid).format_message()
            )
        return Response(202)

    def _inject_network_info(self, req: Request, server_id: str, body: Any) -> Response:
        """``injectNetworkInfo`` (``admin_actions.py``, every release): the admin's policy
        ``os_compute_api:os-admin-actions:inject_network_info`` (before the lookup until
        21.0.0), 409 for a server locked against a non-admin, then 202 and the cast, whose
        ``driver.inject_network_info`` is libvirt's no-op. No state check, no instance action;
        a server with no host is Nova's 500 (``NovaException``, not an expected error). Its
        30.0.0 schema (f86cd38dfe) takes any value and no other key, as ``action_peek``."""
        schemas.validator("injectNetworkInfo").validate(body, req)
        ctx = req.context
        rule = ADMIN_ACTIONS % "inject_network_info"
        instance = self.servers.get_authorized_server(ctx, server_id, rule)
        try:
            self.compute_api.inject_network_info(ctx, instance)
        except exception.InstanceIsLocked as exc:
            raise HttpError(409, exc.format_message()) from None
        except exception.NovaException as exc:
            raise unexpected_error(exc, self.nova.kernel.switches.api_support_string) from None
        return Response(202)


def _simple_handler(
    action: str, rule: str, method: str, target_user: bool, first_switch: str | None
) -> Callable:
    def handle(controller: ServerActionsController, req: Request, server_id: str, body: Any):
        return controller._simple(
            action, rule, method, target_user, first_switch, req, server_id, body
        )

    handle.__qualname__ = f"ServerActionsController.{action}"
    return handle


#: Action name -> handler(controller, req, server_id, body): made once for every cloud and fork
#: (a controller holds no bound handlers or partials of its own).
ACTIONS: dict[str, Callable] = {
    **{action: _simple_handler(action, *spec) for action, spec in _SIMPLE.items()},
    "lock": ServerActionsController._lock,
    "unlock": ServerActionsController._unlock,
    "os-resetState": ServerActionsController._reset_state,
    "resetNetwork": ServerActionsController._reset_network,
    "injectNetworkInfo": ServerActionsController._inject_network_info,
    "restore": ServerActionsController._restore,
    "forceDelete": ServerActionsController._force_delete,
    "unshelve": ServerActionsController._unshelve,
}
