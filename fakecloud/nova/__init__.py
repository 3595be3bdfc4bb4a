"""The fake Nova: servers on compute hosts, their actions, and server snapshots (createImage).

    >>> cloud = Cloud()
    >>> cloud.nova.api.call(Request.build("GET", "/v2.1/servers", context=ctx)).json()
    {'servers': []}

The layers are Nova's: the REST controllers (`fakecloud.nova.api`) call the compute API
(`fakecloud.nova.compute.api`), which claims a server with a task_state compare-and-swap and
casts to the compute manager of its host (`fakecloud.nova.compute.manager`), whose libvirt-like
driver (`fakecloud.nova.virt.driver`) moves the bytes. Nova reaches Cinder and Glance only
through its internal clients (``volume_api``, ``image_api``), as real Nova does.

`Nova` is the facade: it owns the database, the hosts, the policy engine and the REST service
(`api`), and offers the few fakecloud-only handles a test needs (`restart_compute`,
`force_state`).

Fault points: ``nova.libvirt.get_guest``, ``nova.libvirt.direct_snapshot`` and
``nova.libvirt.extract`` (attributes ``host``, ``instance_uuid``; errors by name:
``DomainNotFound``, ``NovaImageUnacceptable``, ``LibvirtError``), the host copies as
``io.transfer`` (labels ``libvirt.blockRebase``, ``qemu-img convert``, ``rbd.flatten``,
``libvirt.managedSave``, ``libvirt.snapshotCreateXML``, a resize's or migration's
``libvirt.copy_image`` (with ``dest``); attributes ``host``, ``instance_uuid``), the guest agent's
commands as ``nova.guest_agent`` (``command`` ``guest-fsfreeze-freeze``, ``guest-fsfreeze-thaw`` or
``guest-set-user-password``, ``host``,
``instance_uuid``), instance snapshots on the host as ``nova.libvirt.instance_snapshot``, RPC
messages as ``rpc.cast``/``rpc.call`` (``target`` ``compute.<host>``, ``method``:
``quiesce_instance`` is a call, ``unquiesce_instance`` a cast), and Nova's clients'
``image_api.<method>`` and ``volume_api.<method>``.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from fakecloud import late
from fakecloud.errors import ConfigError
from fakecloud.nova.config import UNIFIED_LIMITS_DRIVER_SINCE, NovaConfig
from fakecloud.nova.db import NovaDB
from fakecloud.nova.objects import DEFAULT_FLAVORS, Flavor

if TYPE_CHECKING:
    from fakecloud.nova.api.service import ComputeApiService
    from fakecloud.nova.compute.manager import ComputeManager
    from fakecloud.nova.conductor import Conductor
    from fakecloud.nova.instance_snapshots import InstanceSnapshotStore
    from fakecloud.nova.notifications import Notifier
    from fakecloud.nova.policies import PolicyEngine
    from fakecloud.nova.server_groups import InstanceGroup

__all__ = ["Nova", "NovaConfig"]


class Nova:
    """One cloud's Nova, built on the kernel and the Cinder and Glance services."""

    config: NovaConfig
    flavors: dict[str, Flavor]
    scheduler_hints: dict[str, dict[str, list[str]]]
    _notifier: Notifier | None
    _policy: PolicyEngine | None
    _compute_api: Any
    _conductor: Conductor | None
    _api: ComputeApiService | None
    hosts: dict[str, ComputeManager]

    #: Created flavors' row ids and private flavors' access lists (`fakecloud.nova.flavors`):
    #: class defaults until the first write, so clouds that never write one save no entry.
    flavor_ids: dict[str, int] | None = None
    flavor_projects: dict[str, tuple[str, ...]] | None = None
    #: Server groups by uuid (`fakecloud.nova.server_groups`), likewise from the first create.
    server_groups: dict[str, InstanceGroup] | None = None
    #: When oslo.limit's session got its Keystone token (`fakecloud.nova.limit.oslo_limit`
    #: ``authenticate``): None until its first, likewise a class default until then.
    oslo_limit_token_at: float | None = None
    #: The instance-snapshot store (`instance_snapshot_store`), likewise: read as an attribute,
    #: not through ``__dict__`` (reading it makes 3.11 build a real dict of the instance's
    #: attributes for good, and every later attribute read of Nova's is a dict lookup).
    _instance_snapshot_store: InstanceSnapshotStore | None = None

    def __init__(self, kernel: Any, cinder: Any = None, glance: Any = None):
        self.kernel = kernel
        self.config = kernel.config.nova
        _check_quota_driver(self.config, kernel.switches.release)
        if self.config.policy_file:  # refused as the cloud is built, not at a first request
            from fakecloud.nova.policies import load_policy_file

            load_policy_file(self.config.policy_file)
        self.cinder = cinder
        self.glance = glance
        self.db = NovaDB(kernel)
        self.flavors = {f.flavorid: f for f in DEFAULT_FLAVORS}
        #: The scheduler hints each server was booted with (its RequestSpec's, as Nova keeps
        #: them: every value a list of strings), shown from microversion 2.100.
        self.scheduler_hints = {}
        self.volume_api = _volume_api(cinder)
        self.image_api = _image_api(glance)
        self.compute_rpcapi = late.module("fakecloud.nova.compute.rpcapi").ComputeAPI(kernel, self)
        self._notifier = None
        self._policy = None
        self._compute_api = None
        self._conductor = None
        self._api = None
        self.hosts = {}
        # nova.rpc.ALLOWED_EXMODS: Nova's own exceptions come back over RPC as *_Remote.
        kernel.rpc.allow_exception_module("fakecloud.nova.exception", "nova.exception")
        if self.config.notify_on_state_change:
            self.db.notify_update = self._instance_updated
        for index in range(1, self.config.compute_hosts + 1):
            self.add_host(f"cmp-{index}")
        _register_fault_errors(kernel)

    # -- parts, built on first use -----------------------------------------------------------

    @property
    def notifier(self) -> Any:
        """Where Nova's notifications go (the trace)."""
        if self._notifier is None:
            notifications = late.module("fakecloud.nova.notifications")
            switches = self.kernel.switches
            fmt = self.config.notification_format or switches.default_notification_format
            self._notifier = notifications.Notifier(self.kernel, fmt)
        return self._notifier

    def _instance_updated(
        self,
        actor: str,
        instance: Any,
        old_vm_state: str | None,
        old_task_state: str | None,
        old_display_name: str | None,
        service: str = "compute",
    ) -> None:
        """``notifications.send_update`` of a saved server (`NovaDB.notify_update`), from the
        host of the `actor` that saved it (nova 17.0.0-34.0.0 ``notifications/base.py``): a
        change of vm_state (or, with ``vm_and_task_state``, of task_state) is sent as it is;
        any other save as the states the server holds, with the name it had if that changed.
        The ``conductor`` `service` sends its states as given (``send_update_with_states``)."""
        new_vm_state, new_task_state = instance.vm_state, instance.task_state
        renamed = None
        if service == "compute" and not (
            old_vm_state != new_vm_state
            or (
                self.config.notify_on_state_change == "vm_and_task_state"
                and old_task_state != new_task_state
            )
        ):
            old_vm_state = old_task_state = None
            if old_display_name != instance.display_name:
                renamed = old_display_name or None
        # ``_compute_states_payload``: a state not given (None) is the server's own
        if old_vm_state is None:
            old_vm_state = new_vm_state
        if old_task_state is None:
            old_task_state = new_task_state
        conductor_host = late.module("fakecloud.nova.conductor_migrate").CONDUCTOR_HOST
        if ":" in actor:
            host = actor.split(":", 1)[1]
        else:
            host = conductor_host if actor == "nova-conductor" else self.config.api_host
        self.notifier.instance_update(
            service, host, instance, old_vm_state, old_task_state, renamed
        )

    @property
    def policy(self) -> Any:
        """The policy engine of the profile (oslo.policy, built on first check)."""
        if self._policy is None:
            self._policy = self._policy_engine()
        return self._policy

    def _policy_engine(self) -> Any:
        policies = late.module("fakecloud.nova.policies")
        switches = self.kernel.switches
        return policies.PolicyEngine(
            switches.legacy_policy_defaults,
            self.config,
            switches.policy_new_defaults_enforced,
            admin_service_apis=switches.release.major < policies.SERVICE_ROLE_SINCE,
            checks_uncompared=switches.release.major < policies.CHECKS_COMPARED_SINCE,
            real_defaults_major=policies.real_defaults_major(switches.release.major),
        )

    def _rederive_policy(self) -> None:
        """After a load (`fakecloud.state.kinds.REDERIVED`): the saved policy engine takes the
        flags today's code derives from the release and configuration
        (``admin_service_apis``, ``checks_uncompared``, ``real_defaults_major``), so a 21.x-24.x
        world saved before session 35 lets a system reader through as one built today does."""
        saved = self._policy
        if saved is not None:
            config = saved._config  # the loaded one, the very object the file's node names
            held = vars(saved)
            held.clear()
            held.update(vars(self._policy_engine()), _config=config)

    @property
    def compute_api(self) -> Any:
        """The compute API (`fakecloud.nova.compute.api.API`)."""
        if self._compute_api is None:
            self._compute_api = late.module("fakecloud.nova.compute.api").API(self)
        return self._compute_api

    @property
    def conductor(self) -> Any:
        """nova-conductor and the scheduler."""
        if self._conductor is None:
            self._conductor = late.module("fakecloud.nova.conductor").Conductor(self)
        return self._conductor

    @property
    def api(self) -> Any:
        """The compute REST service (`fakecloud.nova.api.service.ComputeApiService`)."""
        if self._api is None:
            self._api = late.module("fakecloud.nova.api.service").ComputeApiService(self)
        return self._api

    @property
    def instance_snapshot_store(self) -> Any:
        """The vendor's per-server instance-snapshot chains
        (`fakecloud.nova.instance_snapshots.InstanceSnapshotStore`), built on first use."""
        store = self._instance_snapshot_store
        if store is None:
            snapshots = late.module("fakecloud.nova.instance_snapshots")
            store = self._instance_snapshot_store = snapshots.InstanceSnapshotStore(self.kernel)
        return store

    def instance_snapshots(self) -> list[Any]:
        """Every instance snapshot not deleted, each with its ``volume_snapshot_ids`` (the
        grouped Cinder snapshots of a volume-backed server; empty for an image-backed one)."""
        store = self._instance_snapshot_store
        return [] if store is None else store.all()

    # -- hosts -------------------------------------------------------------------------------

    def add_host(self, name: str) -> Any:
        """Add a compute host (its manager, driver, disk and link to Glance)."""
        manager = late.module("fakecloud.nova.compute.manager").ComputeManager(self, name)
        self.hosts[name] = manager
        return manager

    def restart_compute(self, host: str, down_s: float | None = None) -> Any:
        """Crash and restart nova-compute on `host` now (fakecloud's handle on what an
        operator's ``systemctl restart nova-compute`` does); returns the restart process."""
        from fakecloud.nova.compute_status import restarting

        work = restarting(self.hosts[host], down_s)
        return self.kernel.spawn(work, name=f"nova-compute:{host} restart")

    def force_state(self, server_id: str, **values: Any) -> None:
        """fakecloud-only: set a server's vm_state/task_state/power_state directly, as a test
        reaches any state at once, without the actions that lead there.
        Each change is traced under ``nova.instance.vm_state(forced)``."""
        from fakecloud.nova.states import TASK_STATE_FORCED, VM_STATE_FORCED

        machines = {"vm_state": VM_STATE_FORCED, "task_state": TASK_STATE_FORCED}
        self.db.instance_force(server_id, "fakecloud", machines, **values)

    # -- helpers the layers share ------------------------------------------------------------

    def glance_url(self) -> str:
        """``glance.generate_glance_url``, the Glance server Nova links to: the first of
        ``[glance] api_servers`` as written, else `image_api.glance_endpoint`:
        ``http://image.fakecloud.test`` until 33.x, ``http://image.fakecloud.test/`` from
        34.0.0 (so the links read ``http://image.fakecloud.test//images/<id>`` there)."""
        servers = [s.strip() for s in self.config.glance_api_servers.split(",") if s.strip()]
        if servers:
            return servers[0]
        return late.module("fakecloud.nova.image_api").glance_endpoint(self.kernel, self.glance)

    def generate_image_url(self, image_id: str) -> str:
        """``glance.API.generate_image_url``: the pre-2.45 ``Location`` of a snapshot."""
        return f"{self.glance_url()}/images/{image_id}"

    def prepare_block_devices(
        self, context: Any, instance: Any, bdms: list[Any]
    ) -> Generator[Any, Any, None]:
        """Create, wait for and attach a booting server's volumes."""
        block_device = late.module("fakecloud.nova.block_device")
        return block_device.prepare_block_devices(self, context, instance, bdms)

    def cleanup_volumes(
        self, context: Any, instance: Any, bdms: list[Any]
    ) -> Generator[Any, Any, None]:
        """Detach a deleted server's volumes, deleting those marked for it."""
        return late.module("fakecloud.nova.block_device").cleanup_volumes(
            self, context, instance, bdms
        )


def _register_fault_errors(kernel: Any) -> None:
    """Errors scenario files can name at Nova's fault points (``nova.libvirt.*``)."""
    exception = late.module("fakecloud.nova.exception")
    oslo_limit = late.module("fakecloud.nova.limit.oslo_limit")
    driver = late.module("fakecloud.nova.virt.driver")
    LibvirtError, VIR_ERR_NO_DOMAIN = driver.LibvirtError, driver.VIR_ERR_NO_DOMAIN
    VIR_ERR_AGENT_UNRESPONSIVE = late.module(
        "fakecloud.nova.virt.guest_agent"
    ).VIR_ERR_AGENT_UNRESPONSIVE
    faults = kernel.faults
    faults.register_error("LibvirtError", lambda msg=None: LibvirtError(msg or "internal error", 1))
    faults.register_error(
        "ComputeResourcesUnavailable",
        lambda msg=None: exception.ComputeResourcesUnavailable(
            reason=msg or "Free memory 0.00 MB < requested 2048 MB"
        ),
    )
    # An agent libvirt has marked errored fails at once (qemu_domain.c qemuDomainAgentAvailable,
    # `priv->agentError`); "Guest agent not available for now" is qemu_agent.c's after the
    # guest-sync wait, the hung agent's (fakecloud.nova.virt.guest_agent). Nova's
    # `_set_quiesced` takes both alike: the code, VIR_ERR_AGENT_UNRESPONSIVE, not the text.
    faults.register_error(
        "GuestAgentUnresponsive",
        lambda msg=None: LibvirtError(
            msg
            or "Guest agent is not responding: QEMU guest agent is not available due to an error",
            VIR_ERR_AGENT_UNRESPONSIVE,
        ),
    )
    faults.register_error(
        "DomainNotFound",
        lambda msg=None: LibvirtError(
            msg or "Domain not found: no domain with matching uuid", VIR_ERR_NO_DOMAIN
        ),
    )
    faults.register_error(
        "InstancePowerOffFailure",
        lambda msg=None: exception.InstancePowerOffFailure(reason=msg or "operation time out"),
    )
    faults.register_error("ConnectFailure", oslo_limit.ConnectFailure)
    faults.register_error("SessionInitError", oslo_limit.SessionInitError)
    faults.register_error(
        "NovaImageUnacceptable",
        lambda msg=None: exception.ImageUnacceptable(image_id="", reason=msg or "refused"),
    )


def _volume_api(cinder: Any) -> Any:
    if cinder is None:
        return None
    return late.module("fakecloud.nova.volume_api").API(cinder)


def _image_api(glance: Any) -> Any:
    if glance is None:
        return None
    try:
        image_api = late.module("fakecloud.nova.image_api")
    except ModuleNotFoundError:
        return None
    return image_api.API(glance)


def _check_quota_driver(config: NovaConfig, release: Any) -> None:
    """Refuse ``UnifiedLimitsDriver`` before Nova 25.0.0: the class is not in ``nova/quota.py``
    there, and nova-api fails to import it (``importutils.import_object``)."""
    if config.quota_driver == "UnifiedLimitsDriver" and release.major < UNIFIED_LIMITS_DRIVER_SINCE:
        raise ConfigError(
            f"config nova.quota_driver: UnifiedLimitsDriver is in Nova from 25.0.0 (Yoga); "
            f"Nova {release.name} has no nova.quota.UnifiedLimitsDriver"
        )
