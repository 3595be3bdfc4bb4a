"""The QEMU guest agent of a server (qemu-ga), as libvirt's ``fsFreeze``/``fsThaw`` reach it.

A volume-backed snapshot of an ACTIVE server freezes the guest's filesystems through this agent
while Cinder takes the volume snapshots, and thaws them afterwards (spec 4.7)::

    cloud = Cloud(config={"nova": {"guest_agents": {"web": {"state": "hung"}}}})
    agent_of(cloud.nova, server_id).freeze_s = 30.0     # or change one agent at run time

What decides each outcome:

- the image says whether the guest has an agent at all: ``hw_qemu_guest_agent`` (the driver's
  `_can_quiesce` refuses with `QemuGuestAgentNotEnabled`), and ``[libvirt] virt_type`` must be
  kvm or qemu (`InstanceQuiesceNotSupported`);
- the agent's **state**: ``running`` (it answers), ``hung`` (connected but silent: libvirt's
  ``guest-sync`` gives up after ``guest_agent_timeout_s`` with ``VIR_ERR_AGENT_UNRESPONSIVE``)
  or ``stopped`` (not running in the guest: the same error at once, "QEMU guest agent is not
  connected");
- how long ``guest-fsfreeze-freeze`` and ``guest-fsfreeze-thaw`` take (``freeze_s``,
  ``thaw_s``; defaults ``nova.guest_agent_freeze_s`` and ``nova.guest_agent_thaw_s``, per
  server in ``nova.guest_agents`` by server name or id).

A command that takes the agent job while the guest is not running (shut off, paused, saved)
fails there and then, libvirt's "domain is not running" (``VIR_ERR_OPERATION_INVALID``): libvirt
asks the domain after the job and before the agent, so what counts is the guest's state when
the command's turn comes, not when it was sent (a freeze queued behind another command, its
guest paused meanwhile, never reaches the agent). A frozen agent refuses a second freeze, or a
password (qemu-ga disables every command but thaw and status while frozen: libvirt's
``VIR_ERR_INTERNAL_ERROR``); a thaw of a thawed guest does nothing. ``guest-set-user-password``
(changePassword, `set_admin_password`) waits its turn like the others and takes no time of its
own. A freeze or a thaw in flight when the guest's OS goes
down (a reboot, a stop, a crash, a rescue: `guest_restarted`, counted in ``dom.boots``) fails as the
agent's channel closes, "Guest agent disappeared while executing command"
(``VIR_ERR_AGENT_UNRESPONSIVE``), even if the guest is running again by its end: the restarted
guest's qemu-ga starts thawed. A command still queued for the agent job then is not in flight:
it reaches the restarted guest's agent when its turn comes (libvirt sends it once it holds the
job, ``qemuDomainFSFreeze``), so a freeze Nova sent before the restart may freeze the new boot
(``Domain.frozen_restarts`` keeps how many restarts it crossed: ``no_freeze_across_restart``).
Commands run one at a time (libvirt's agent job lock), each in its own simulated process: the
agent lives in the guest, so a nova-compute that dies mid-freeze does not stop the freeze. A
command queued behind another waits at most `AGENT_JOB_WAIT_S` (libvirt's ``QEMU_JOB_WAIT_TIME``,
30 s, in ``qemuDomainObjBeginJobInternal`` from ``qemuDomainObjBeginAgentJob``), then fails
``VIR_ERR_OPERATION_TIMEOUT`` "Timed out during operation: cannot acquire state change lock
(held by agent=remoteDispatchDomainFSFreeze)" (`job_lock_timeout`): a thaw cast behind a freeze
that hangs fails so, and Nova's ``_set_quiesced`` makes it an `InternalError` (17.0.13, 27.5.1,
34.0.0: only ``VIR_ERR_AGENT_UNRESPONSIVE`` is `InstanceQuiesceFailed`, from 27.0.0); the guest,
frozen while that freeze hangs, stays frozen once it ends, and nothing thaws it.

Fault point ``nova.guest_agent`` (attributes ``command`` — `FREEZE`, `THAW` or
`SET_USER_PASSWORD` —, ``host``,
``instance_uuid``) is consulted as each command starts: a delay or a stall holds the agent (and
every command queued behind it; a freeze so held hangs in the guest, which qemu-ga has marked
frozen and started freezing: frozen from then on), an error fails the command as libvirt would
(``error: LibvirtError`` is a ``VIR_ERR_INTERNAL_ERROR``, an `InternalError` at the API).

The guest's freeze state is qemu-ga's ``guest-fsfreeze-status`` (``thawed``/``frozen``), a state
machine on the libvirt `Domain` (``dom.frozen`` is what the ``no_frozen_guest`` invariant
reads). The domain keeps every frozen interval as ``(start, end)`` in virtual seconds (``end``
None while frozen), from the moment the freeze completes (a freeze a fault holds: the moment it
reached the guest) to the moment the thaw completes, and
the trace has ``guest.freeze`` and ``guest.thaw`` events (subject: the server; ``requested_at``
when the command was sent), and ``guest.agent_error`` for a command that failed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator, Mapping
from typing import Any, NamedTuple

from fakecloud.errors import ConfigError
from fakecloud.nova import exception, states
from fakecloud.nova.virt.libvirt import LibvirtError
from fakecloud.sim.states import StateMachine
from fakecloud.sim.trace import Form, Site, form, site

#: qemu-ga's ``guest-fsfreeze-status`` of a guest.
FSFREEZE_STATUS = StateMachine(
    "libvirt.guest.fsfreeze", {"thawed": {"frozen"}, "frozen": {"thawed"}}
)

AGENT_STATES = ("running", "hung", "stopped")
OVERRIDE_KEYS = ("state", "freeze_s", "thaw_s")

VIR_ERR_INTERNAL_ERROR = 1
VIR_ERR_OPERATION_INVALID = 55
VIR_ERR_OPERATION_TIMEOUT = 68
VIR_ERR_AGENT_UNRESPONSIVE = 86

FREEZE = "guest-fsfreeze-freeze"
THAW = "guest-fsfreeze-thaw"
#: ``virDomainSetUserPassword``'s agent command (changePassword); it takes no virtual time.
SET_USER_PASSWORD = "guest-set-user-password"

# The forms of the freeze and thaw events (`Trace.put`).
_FREEZE = form("guest.freeze", "host", "requested_at")
_THAW = form("guest.thaw", "host", "requested_at")
#: (form, host) -> the site of a host's freezes or thaws (`Trace.write_at`).
_SITES: dict[tuple[Form, str], Site] = {}

#: libvirt's ``QEMU_JOB_WAIT_TIME``: how long a command waits for the agent job another holds.
AGENT_JOB_WAIT_S = 30.0
#: The libvirt API (its RPC dispatcher's name, libvirt's ``agentOwnerAPI``) of each command.
_OWNER_API = {
    FREEZE: "remoteDispatchDomainFSFreeze",
    THAW: "remoteDispatchDomainFSThaw",
    SET_USER_PASSWORD: "remoteDispatchDomainSetUserPassword",
}

_TRUE_STRINGS = frozenset({"1", "t", "true", "on", "y", "yes"})


def bool_from_string(value: Any) -> bool:
    """``oslo_utils.strutils.bool_from_string`` (not strict): True for 1/t/true/on/y/yes."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    return str(value).strip().lower() in _TRUE_STRINGS


def check_overrides(overrides: Mapping[str, Any]) -> None:
    """Validate ``nova.guest_agents``; a `ConfigError` names the server key and the field."""
    for key, spec in overrides.items():
        where = f"config nova.guest_agents.{key}"
        if not isinstance(spec, Mapping):
            raise ConfigError(f"{where} must be a mapping of {', '.join(OVERRIDE_KEYS)}")
        for name, value in spec.items():
            if name not in OVERRIDE_KEYS:
                raise ConfigError(f"unknown key {where}.{name}; known: {', '.join(OVERRIDE_KEYS)}")
            if name == "state" and value not in AGENT_STATES:
                raise ConfigError(
                    f"{where}.state must be one of {', '.join(AGENT_STATES)}, got {value!r}"
                )
            if name != "state" and (
                isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0
            ):
                raise ConfigError(f"{where}.{name} must be a number of seconds >= 0, got {value!r}")


def disabled_while_frozen(command: str) -> LibvirtError:
    """libvirt's error for an agent command qemu-ga has disabled while the guest is frozen
    (all but the thaw and a few queries)."""
    return LibvirtError(
        f"internal error: unable to execute QEMU agent command '{command}': "
        f"The command {command} has been disabled for this instance",
        VIR_ERR_INTERNAL_ERROR,
    )


def agent_disappeared() -> LibvirtError:
    """libvirt's error for a command in flight when the guest's agent went away (the guest
    went down or restarted: qemu_agent.c's EOF on its channel)."""
    return LibvirtError(
        "Guest agent is not responding: Guest agent disappeared while executing command",
        VIR_ERR_AGENT_UNRESPONSIVE,
    )


def domain_not_running() -> LibvirtError:
    """libvirt's error for an agent command to a guest that is not running, once the command
    holds the agent job (``qemuDomainFSFreeze``, ``qemuDomainFSThaw``,
    ``qemuDomainSetUserPassword``: ``virDomainObjCheckActive`` for a domain shut off, then
    ``qemuDomainAgentAvailable`` for one paused or saved; VIR_ERR_OPERATION_INVALID both)."""
    return LibvirtError(
        "Requested operation is not valid: domain is not running", VIR_ERR_OPERATION_INVALID
    )


def job_lock_timeout(holder: str) -> LibvirtError:
    """libvirt's error for a command that waited `AGENT_JOB_WAIT_S` for the agent job while
    `holder` (a command) kept it (``qemuDomainObjBeginJobInternal``: VIR_ERR_OPERATION_TIMEOUT;
    its plain form when no holder is known)."""
    api = _OWNER_API.get(holder)
    held = f" (held by agent={api})" if api else ""
    return LibvirtError(
        f"Timed out during operation: cannot acquire state change lock{held}",
        VIR_ERR_OPERATION_TIMEOUT,
    )


class GuestAgent:
    """qemu-ga inside one guest: its state, its command latencies, its one-at-a-time queue."""

    state: str
    freeze_s: float
    thaw_s: float
    timeout_s: float
    _waiting: deque | None

    __slots__ = ("kernel", "domain", "host", "state", "freeze_s", "thaw_s", "timeout_s", "_busy",
                 "_waiting", "_holder")  # fmt: skip

    def __init__(self, kernel: Any, domain: Any, host: str, spec: Mapping[str, Any]):
        cfg = kernel.config.nova
        self.kernel = kernel
        self.domain = domain
        self.host = host
        self.state = spec.get("state", "running")
        """``running``, ``hung`` or ``stopped`` (see the module doc)."""
        self.freeze_s = float(spec.get("freeze_s", cfg.guest_agent_freeze_s))
        self.thaw_s = float(spec.get("thaw_s", cfg.guest_agent_thaw_s))
        self.timeout_s = cfg.guest_agent_timeout_s
        self._busy = False
        self._waiting = None  # made when a second command queues (rare)
        self._holder = ""  # the command holding the agent job (libvirt's agentOwnerAPI)

    def execute(self, command: str) -> Any:
        """Send `command` (`FREEZE`, `THAW` or `SET_USER_PASSWORD`); an event whose value is
        None on success or the `LibvirtError` libvirt would raise."""
        name = f"qemu-ga {self.domain.name} {command}"
        return self.kernel.spawn(self._execute(command), name=name)

    def _execute(self, command: str) -> Generator[Any, Any, Any]:
        """The command's process: its turn at the agent, then the command, in this one frame
        (a command's process runs one generator, not two). Its value is None, or the
        `LibvirtError` the command ended with."""
        env = self.kernel.env
        requested = env._now  # simpy's `now` property, without its call
        sent = self.domain.boots  # the boot Nova's call reached libvirt in
        if self._busy:
            turn = env.event()
            if self._waiting is None:
                self._waiting = deque()
            self._waiting.append(turn)
            deadline = env.timeout(AGENT_JOB_WAIT_S)
            yield env.any_of([turn, deadline])
            if not turn.triggered:
                self._waiting.remove(turn)
                error = job_lock_timeout(self._holder)
                self._report(command, error)
                return error
            self.kernel.cancel(deadline)  # no longer on the clock
        else:
            self._busy = True
        self._holder = command
        try:
            error: LibvirtError | None = None
            faults = self.kernel.faults
            dom = self.domain
            boot = dom.boots  # the guest's boot the command reaches the agent in
            pausing: Any = ()
            if dom.power_state != states.RUNNING:
                # the job taken, libvirt asks the domain before the agent: a guest shut off,
                # paused or managed-saved (now, not when the command was sent) is refused
                error = domain_not_running()
            elif "nova.guest_agent" in faults.hot:  # else consulting it does nothing
                try:
                    pausing = faults.pause(
                        "nova.guest_agent",
                        command=command,
                        host=self.host,
                        instance_uuid=dom.id,
                    )
                except LibvirtError as exc:
                    error = exc
                except Exception as exc:  # noqa: BLE001 - whatever a rule raises, libvirt reports it
                    error = LibvirtError(f"internal error: {exc}", VIR_ERR_INTERNAL_ERROR)
            hung = (  # a delay or a stall fired: this freeze hangs in the guest
                pausing != ()
                and command == FREEZE
                and self.state == "running"
                and dom.fsfreeze_status == "thawed"
            )
            if hung:
                # qemu-ga marks itself frozen, then freezes each filesystem (FIFREEZE, which
                # blocks the guest's writes from its start; qemu qga/commands-posix.c
                # qmp_guest_fsfreeze_freeze_list): the guest is frozen while the freeze hangs
                self._move(dom, "frozen", _FREEZE, requested)
                dom.frozen_restarts = dom.boots - sent
            yield from pausing
            if error is not None:
                pass
            elif hung:
                if self.freeze_s > 0:
                    yield self.kernel.timeout(self.freeze_s)
                if dom.power_state != states.RUNNING or dom.boots != boot:
                    # the guest went down meanwhile, rebooted or not (its OS thawed it:
                    # `guest_restarted`), its agent with it (qemu_agent.c's EOF)
                    error = agent_disappeared()
            elif self.state == "stopped":
                error = LibvirtError(
                    "Guest agent is not responding: QEMU guest agent is not connected",
                    VIR_ERR_AGENT_UNRESPONSIVE,
                )
            elif self.state == "hung":
                yield self.kernel.timeout(self.timeout_s)
                error = LibvirtError(
                    "Guest agent is not responding: Guest agent not available for now",
                    VIR_ERR_AGENT_UNRESPONSIVE,
                )
            elif command != THAW and dom.fsfreeze_status == "frozen":
                error = disabled_while_frozen(command)
            elif command == SET_USER_PASSWORD:
                pass
            elif command == FREEZE:
                if self.freeze_s > 0:
                    yield self.kernel.timeout(self.freeze_s)
                if dom.power_state == states.RUNNING and dom.boots == boot:
                    self._move(dom, "frozen", _FREEZE, requested)
                    dom.frozen_restarts = dom.boots - sent
                else:
                    # the guest went down meanwhile, rebooted or not, its agent with it
                    # (qemu_agent.c's EOF): the restarted guest's qemu-ga starts thawed
                    error = agent_disappeared()
            else:
                if self.thaw_s > 0:
                    yield self.kernel.timeout(self.thaw_s)
                if dom.boots != boot:  # its OS thawed it going down, its agent with it (EOF)
                    error = agent_disappeared()
                elif dom.fsfreeze_status == "frozen":
                    self._move(dom, "thawed", _THAW, requested)
        finally:
            if self._waiting:
                self._waiting.popleft().succeed()
            else:  # released: an idle agent holds no job, as its copies' (`kinds.TRANSIENT`)
                self._busy = False
                self._holder = ""
        if error is not None:
            self._report(command, error)
        return error

    def _report(self, command: str, error: LibvirtError) -> None:
        self.kernel.trace.emit(
            "guest.agent_error",
            f"libvirt:{self.host}",
            self.domain.id,
            command=command,
            code=error.code,
            error=error.message,
        )

    def _move(self, dom: Any, new: str, event: Form, requested: float) -> None:
        k = self.kernel
        actor = f"libvirt:{self.host}"
        FSFREEZE_STATUS.move(k, dom, new, actor=actor, field="fsfreeze_status")
        now = k.env._now
        intervals = dom.frozen_intervals
        if new == "frozen":
            dom.frozen_intervals = (*intervals, (now, None))
        else:
            dom.frozen_intervals = (*intervals[:-1], (intervals[-1][0], now))
            dom.frozen_restarts = 0
        at = _SITES.get((event, self.host))
        if at is None:
            at = _SITES[(event, self.host)] = site(event, host=self.host)
        k.trace.write_at(at, actor, dom.id, (requested,))


def guest_restarted(kernel: Any, dom: Any, host: str) -> None:
    """The guest's OS went down (a reboot, a stop, a crash): its filesystems are frozen no
    more, and the frozen interval ends now (no ``guest.thaw`` event: no agent command thawed
    them); its qemu-ga went down too, so a command in flight fails (``dom.boots`` counts it)."""
    dom.boots += 1
    if dom.fsfreeze_status == "frozen":
        actor = f"libvirt:{host}"
        FSFREEZE_STATUS.move(kernel, dom, "thawed", actor=actor, field="fsfreeze_status")
        intervals = dom.frozen_intervals
        dom.frozen_intervals = (*intervals[:-1], (intervals[-1][0], kernel.env.now))
        dom.frozen_restarts = 0


class Guest(NamedTuple):
    """What quiescing reads of a server (`can_quiesce`, `set_quiesced`, `agent_for`): its uuid
    and its name (an agent's overrides may be keyed by it). A thaw that waits first (the
    compute's ``unquiesce_instance`` polls Cinder's snapshots) passes this to the driver, not
    its whole copy of the server."""

    uuid: str
    display_name: str


def agent_for(driver: Any, dom: Any, instance: Any) -> GuestAgent:
    """The guest agent of `dom` (made on first use from the config and its overrides)."""
    agent = dom.agent
    if agent is None:
        overrides = driver.config.guest_agents
        spec = overrides.get(instance.uuid) or overrides.get(instance.display_name) or {}
        agent = dom.agent = GuestAgent(driver.kernel, dom, driver.host, spec)
    return agent


def agent_of(nova: Any, server_id: str) -> GuestAgent:
    """The guest agent of a running server (fakecloud's handle, to change it at run time)."""
    for manager in nova.hosts.values():
        dom = manager.driver.domains.get(server_id)
        if dom is not None:
            return agent_for(manager.driver, dom, nova.db.instance_row(server_id))
    raise exception.InstanceNotFound(instance_id=server_id)


def can_quiesce(driver: Any, instance: Any, image_props: Mapping[str, Any]) -> None:
    """``LibvirtDriver._can_quiesce``: a QEMU-based hypervisor, and an image with the agent."""
    if driver.config.virt_type not in ("kvm", "qemu"):
        raise exception.InstanceQuiesceNotSupported(instance_id=instance.uuid)
    if not bool_from_string(image_props.get("hw_qemu_guest_agent", False)):
        raise exception.QemuGuestAgentNotEnabled()


def set_quiesced(
    driver: Any, instance: Any, image_props: Mapping[str, Any], quiesced: bool
) -> Generator[Any, Any, None]:
    """``LibvirtDriver._set_quiesced``: fsFreeze or fsThaw through the guest's agent.

    An unresponsive agent is `InstanceQuiesceFailed` (409 at the API when quiesce is
    required), any other libvirt error `InternalError` (500) — and with the bug switch
    ``lp1980720`` on, the unresponsive agent is an `InternalError` too, as before 27.0.0.
    """
    can_quiesce(driver, instance, image_props)
    dom = driver.domains.get(instance.uuid)
    if dom is None:
        raise exception.InstanceNotFound(instance_id=instance.uuid)
    if dom.power_state != states.RUNNING and (dom.agent is None or not dom.agent._busy):
        # the agent job is free, so libvirt asks the domain at once (`GuestAgent._execute`
        # asks it at the turn of a command that has to wait for the job)
        error = domain_not_running()
    else:
        error = yield agent_for(driver, dom, instance).execute(FREEZE if quiesced else THAW)
    if error is None:
        return
    code = error.get_error_code()
    msg = f"Error from libvirt while quiescing {dom.name}: [Error Code {code}] {error}"
    if code == VIR_ERR_AGENT_UNRESPONSIVE and not driver.kernel.switches.lp1980720:
        msg += ", libvirt cannot connect to the qemu-guest-agent inside the instance."
        raise exception.InstanceQuiesceFailed(reason=msg)
    raise exception.InternalError(msg)


def image_props_for_quiesce(system_metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The image properties quiesce reads, from the server's system metadata (what
    ``ImageMeta.from_instance`` would give the driver, narrowed to them)."""
    return {
        "hw_qemu_guest_agent": system_metadata.get("image_hw_qemu_guest_agent", False),
        "os_require_quiesce": system_metadata.get("image_os_require_quiesce", False),
    }


def set_admin_password(driver: Any, instance: Any, new_pass: str) -> Generator[Any, Any, None]:
    """``LibvirtDriver.set_admin_password``: ``_can_set_admin_password`` (kvm or qemu need
    ``hw_qemu_guest_agent``; any other virt type but parallels is refused), then the agent's
    ``guest-set-user-password`` for ``os_admin_user`` (else root, Administrator for
    ``os_type`` windows). An unresponsive agent is `NotImplementedError`, any other libvirt
    error `InternalError` (17.0.13-34.0.0; Queens' libvirt version checks always pass here).
    The encrypted password of a server with an ``ssh-rsa`` key (its system metadata, for the
    metadata service) is not kept."""
    props = instance.system_metadata
    if driver.config.virt_type in ("kvm", "qemu"):
        if not bool_from_string(props.get("image_hw_qemu_guest_agent", False)):
            raise exception.QemuGuestAgentNotEnabled()
    elif driver.config.virt_type != "parallels":
        raise exception.SetAdminPasswdNotSupported()
    dom = driver.domains.get(instance.uuid)
    if dom is None:
        raise exception.InstanceNotFound(instance_id=instance.uuid)
    user = props.get("image_os_admin_user") or (
        "Administrator" if props.get("image_os_type") == "windows" else "root"
    )
    error = yield agent_for(driver, dom, instance).execute(SET_USER_PASSWORD)
    if error is None:
        return
    code = error.get_error_code()
    if code == VIR_ERR_AGENT_UNRESPONSIVE:
        raise NotImplementedError()
    raise exception.InternalError(
        f'Error from libvirt while set password for username "{user}": [Error Code {code}] {error}'
    )
