"""The move actions of a server: ``resize``, ``confirmResize`` and ``revertResize``
(``ServersController`` in ``servers.py``) and the admin's ``migrate`` (``migrate_server.py``),
as 17.0.13, 20.6.0, 21.2.4, 23.2.2, 29.2.0 and 34.0.0 answer them.

``resize`` 202 (``flavorRef``; policy ``os_compute_api:servers:resize`` with the server's user
and project), ``confirmResize`` 204, ``revertResize`` 202 (their policies with the server's
project), ``migrate`` 202 (``os_compute_api:os-migrate-server:migrate``, the admin's; from
2.56 a ``host``, from 28.0.0 (2d320f9b00) under ``...:migrate:host``). Before 21.0.0
(``policy_before_lookup``) confirm, revert and migrate ask their policy before the server is
loaded, with the caller's own project as target.

Errors: 403 over the cores or ram quota; 409 locked, in a state the action does not take
(Nova's 'Cannot 'resize' instance ... while it is in vm_state ...'), or (confirm, 21.1.1+) the
source compute down; 400 for an unknown or disabled flavor, the same flavor, a resize of an
image-backed server to no disk, a migrate to its own or an unknown host, a confirm or revert
of a server with no finished migration ('Instance has not been resized.'), and before 21.0.0
no valid host (the API waits for the conductor). A new flavor too small for the server's image
(19.0.0+) is 400 from 22.0.0 (efdcaf00e0, LP #1867077), a 500 before; one whose CPU policies
the server's image contradicts, or its release does not know, 400 (19.0.0+, `cpu_policy`); a
CPU list or mask ``parse_cpu_spec`` refuses 400 "Invalid instance image." (Nova's ``except
exception.Invalid``, where create and rebuild have none: their 500).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova import exception, mem_encryption, numa_constraints
from fakecloud.nova.api import schemas
from fakecloud.nova.api.wsgi import raise_http_conflict_for_instance_invalid_state, unexpected_error
from fakecloud.nova.compute import resize_api
from fakecloud.nova.policies import MIGRATE_SERVER, SERVERS

#: ``FlavorDiskTooSmall``/``FlavorMemoryTooSmall`` are 400 from a resize (efdcaf00e0).
FLAVOR_IMAGE_400_SINCE = (22, 0, 0)
#: ``os_compute_api:os-migrate-server:migrate:host`` (2d320f9b00).
MIGRATE_HOST_POLICY_SINCE = (28, 0, 0)

_BAD_REQUEST = (
    exception.AutoDiskConfigDisabledByImage,
    exception.CannotResizeDisk,
    exception.CannotResizeToSameFlavor,
    exception.FlavorNotFound,
    exception.NoValidHost,
    exception.ComputeHostNotFound,
    exception.CannotMigrateToSameHost,
    # ``INVALID_FLAVOR_IMAGE_EXCEPTIONS``: the new flavor's CPU policies with the server's
    # image (`fakecloud.nova.cpu_policy`, 19.0.0 on)
    exception.CPUThreadPolicyConfigurationInvalid,
    exception.ImageCPUPinningForbidden,
    exception.ImageCPUThreadPolicyForbidden,
    exception.InvalidCPUAllocationPolicy,
    exception.InvalidCPUThreadAllocationPolicy,
    exception.InvalidMixedInstanceDedicatedMask,
    exception.InvalidRequest,
    exception.RequiredMixedInstancePolicy,
    exception.RequiredMixedOrRealtimeCPUMask,
    # and the NUMA topology's and emulator threads' (`fakecloud.nova.numa_constraints`)
    exception.BadRequirementEmulatorThreadsPolicy,
    exception.ImageNUMATopologyAsymmetric,
    exception.ImageNUMATopologyForbidden,
    exception.ImageNUMATopologyIncomplete,
    exception.InvalidEmulatorThreadsPolicy,
    exception.InvalidNUMANodesNumber,
    exception.MemoryPageSizeForbidden,
    exception.MemoryPageSizeInvalid,
    exception.LockMemoryForbidden,
    exception.FlavorImageLockedMemoryConflict,
    # and memory encryption's (`fakecloud.nova.mem_encryption`)
    exception.FlavorImageConflict,
    exception.InvalidMachineType,
    exception.StatelessFirmwareRequired,
)
_CONFLICT = (exception.InstanceIsLocked, exception.InstanceNotReady, exception.ServiceUnavailable)


class ServerResizeController:
    """The four actions; `ACTIONS` holds their handlers."""

    def __init__(self, nova: Any, servers: Any):
        self.nova = nova
        self.servers = servers
        self.compute_api = nova.compute_api
        self.policy = nova.policy
        self.switches = nova.kernel.switches

    def _resize(self, req: Request, server_id: str, body: Any) -> Any:
        schemas.validator("resize").validate(body, req)
        ctx = req.context
        instance = self.servers.get_server(ctx, server_id)
        target = {"user_id": instance.user_id, "project_id": instance.project_id}
        self.policy.authorize(ctx, SERVERS % "resize", target)
        flavor_id = str(body["resize"]["flavorRef"])
        disk_config = body["resize"].get("OS-DCF:diskConfig")  # ``disk_config_from_api``
        auto = None if disk_config is None else disk_config == "AUTO"
        return self._move("resize", server_id, ctx, instance, flavor_id, None, auto)

    def _migrate(self, req: Request, server_id: str, body: Any) -> Any:
        mv = req.microversion
        if mv >= "2.56":
            schemas.validator("migrate_v256").validate(body, req)
        else:
            schemas.validator("migrate").validate(body, req)
        ctx = req.context
        host = None
        if mv >= "2.56" and body["migrate"] is not None:
            host = body["migrate"].get("host")
        rule = MIGRATE_SERVER % "migrate"
        if host and self.switches.release.version >= MIGRATE_HOST_POLICY_SINCE:
            rule = MIGRATE_SERVER % "migrate:host"
        instance = self.servers.get_authorized_server(ctx, server_id, rule)
        return self._move("migrate", server_id, ctx, instance, None, host)

    def _move(
        self,
        action: str,
        server_id: str,
        ctx: Any,
        instance: Any,
        flavor_id: str | None,
        host: str | None,
        auto_disk_config: bool | None = None,
    ) -> Any:
        try:
            work = self.compute_api.resize(ctx, instance, flavor_id, host, auto_disk_config)
        except Exception as exc:  # noqa: BLE001 - mapped, or raised again
            self._raise_http(exc, action, server_id)
        if work is None:
            return Response(202)
        return self._wait(work, action, server_id)

    def _wait(self, work: Generator, action: str, server_id: str) -> Generator:
        """Before 21.0.0 the API waits for the conductor's scheduling (an RPC call)."""
        try:
            yield from work
        except Exception as exc:  # noqa: BLE001 - mapped, or raised again
            self._raise_http(exc, action, server_id)
        return Response(202)

    def _raise_http(self, exc: Exception, action: str, server_id: str) -> None:
        if isinstance(exc, resize_api.OverQuotaDetailKeyError):
            # Real Nova's 500 on purpose, not a crash of fakecloud's (no ``api.error``).
            raise unexpected_error(exc, self.switches.api_support_string) from None
        if isinstance(exc, exception.OverQuota):
            raise HttpError(403, exc.format_message()) from None
        if isinstance(exc, _CONFLICT):
            raise HttpError(409, exc.format_message()) from None
        if isinstance(exc, exception.InstanceInvalidState):
            raise_http_conflict_for_instance_invalid_state(exc, action, server_id)
        if isinstance(exc, _BAD_REQUEST):
            raise HttpError(400, exc.format_message()) from None
        if isinstance(exc, (numa_constraints.CpuSpecInvalid, mem_encryption.ModelInvalid)):
            # ``except exception.Invalid``
            raise HttpError(400, "Invalid instance image.") from None
        too_small = isinstance(exc, (exception.FlavorDiskTooSmall, exception.FlavorMemoryTooSmall))
        if too_small and self.switches.release.version >= FLAVOR_IMAGE_400_SINCE:
            raise HttpError(400, exc.format_message()) from None
        raise exc

    def _confirm_or_revert(self, req: Request, server_id: str, body: Any, name: str) -> Any:
        schemas.validator(name).validate(body, req)
        ctx = req.context
        rule = SERVERS % ("confirm_resize" if name == "confirmResize" else "revert_resize")
        instance = self.servers.get_authorized_server(ctx, server_id, rule)
        call = (
            self.compute_api.confirm_resize
            if name == "confirmResize"
            else self.compute_api.revert_resize
        )
        try:
            call(ctx, instance)
        except exception.MigrationNotFound:
            raise HttpError(400, "Instance has not been resized.") from None
        except (exception.InstanceIsLocked, exception.ServiceUnavailable) as exc:
            raise HttpError(409, exc.format_message()) from None
        except exception.InstanceInvalidState as exc:
            raise_http_conflict_for_instance_invalid_state(exc, name, server_id)
        except resize_api.OverQuotaDetailKeyError as exc:  # a revert's, Nova's 500 on purpose
            raise unexpected_error(exc, self.switches.api_support_string) from None
        return Response(204 if name == "confirmResize" else 202)

    def _confirm_resize(self, req: Request, server_id: str, body: Any) -> Any:
        return self._confirm_or_revert(req, server_id, body, "confirmResize")

    def _revert_resize(self, req: Request, server_id: str, body: Any) -> Any:
        return self._confirm_or_revert(req, server_id, body, "revertResize")


#: Action name -> handler(controller, req, server_id, body).
ACTIONS = {
    "resize": ServerResizeController._resize,
    "confirmResize": ServerResizeController._confirm_resize,
    "revertResize": ServerResizeController._revert_resize,
    "migrate": ServerResizeController._migrate,
}
