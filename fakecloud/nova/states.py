"""A server's three state fields as Nova names them, and their legal transitions as data.

``vm_state`` is what the server is (``nova/compute/vm_states.py``), ``task_state`` what is being
done to it (``nova/compute/task_states.py``), ``power_state`` what the hypervisor reports
(``nova/compute/power_state.py``). Every change goes through one of the three `StateMachine`s
below, from `fakecloud.nova.db.NovaDB.instance_save`, so an illegal change fails loudly.

    >>> TASK_STATE.legal(IMAGE_SNAPSHOT_PENDING, IMAGE_SNAPSHOT)
    True
"""

from __future__ import annotations

from typing import Literal

from fakecloud.sim.states import StateMachine

# -- vm_state ---------------------------------------------------------------------------------
ACTIVE = "active"
BUILDING = "building"
PAUSED = "paused"
SUSPENDED = "suspended"
STOPPED = "stopped"
RESCUED = "rescued"
RESIZED = "resized"
SOFT_DELETED = "soft-delete"
DELETED = "deleted"
ERROR = "error"
SHELVED = "shelved"
SHELVED_OFFLOADED = "shelved_offloaded"

VM_STATES = (
    ACTIVE,
    BUILDING,
    PAUSED,
    SUSPENDED,
    STOPPED,
    RESCUED,
    RESIZED,
    SOFT_DELETED,
    DELETED,
    ERROR,
    SHELVED,
    SHELVED_OFFLOADED,
)

# -- task_state -------------------------------------------------------------------------------
SCHEDULING = "scheduling"
BLOCK_DEVICE_MAPPING = "block_device_mapping"
NETWORKING = "networking"
SPAWNING = "spawning"
IMAGE_SNAPSHOT = "image_snapshot"
IMAGE_SNAPSHOT_PENDING = "image_snapshot_pending"
IMAGE_PENDING_UPLOAD = "image_pending_upload"
IMAGE_UPLOADING = "image_uploading"
IMAGE_BACKUP = "image_backup"
POWERING_OFF = "powering-off"
POWERING_ON = "powering-on"
PAUSING = "pausing"
UNPAUSING = "unpausing"
SUSPENDING = "suspending"
RESUMING = "resuming"
REBOOTING = "rebooting"
REBOOT_PENDING = "reboot_pending"
REBOOT_STARTED = "reboot_started"
REBOOTING_HARD = "rebooting_hard"
REBOOT_PENDING_HARD = "reboot_pending_hard"
REBOOT_STARTED_HARD = "reboot_started_hard"
REBUILDING = "rebuilding"
REBUILD_BLOCK_DEVICE_MAPPING = "rebuild_block_device_mapping"
REBUILD_SPAWNING = "rebuild_spawning"
SHELVING = "shelving"
SHELVING_IMAGE_PENDING_UPLOAD = "shelving_image_pending_upload"
SHELVING_IMAGE_UPLOADING = "shelving_image_uploading"
SHELVING_OFFLOADING = "shelving_offloading"
UNSHELVING = "unshelving"
DELETING = "deleting"
SOFT_DELETING = "soft-deleting"
RESTORING = "restoring"
RESIZE_PREP = "resize_prep"
RESIZE_MIGRATING = "resize_migrating"
RESIZE_MIGRATED = "resize_migrated"
RESIZE_FINISH = "resize_finish"
RESIZE_REVERTING = "resize_reverting"
MIGRATING = "migrating"
RESCUING = "rescuing"
UNRESCUING = "unrescuing"
UPDATING_PASSWORD = "updating_password"

#: A resize's or cold migration's task states until the server is ``resized``.
RESIZE_TASK_STATES = (RESIZE_PREP, RESIZE_MIGRATING, RESIZE_MIGRATED, RESIZE_FINISH)

#: Snapshot task states a restarting nova-compute clears (``_init_instance``).
SNAPSHOT_TASK_STATES = (
    IMAGE_SNAPSHOT_PENDING,
    IMAGE_SNAPSHOT,
    IMAGE_PENDING_UPLOAD,
    IMAGE_UPLOADING,
)

#: A soft reboot's task states, and a hard one's (``task_states.soft_reboot_states``...).
SOFT_REBOOT_STATES = (REBOOTING, REBOOT_PENDING, REBOOT_STARTED)
HARD_REBOOT_STATES = (REBOOTING_HARD, REBOOT_PENDING_HARD, REBOOT_STARTED_HARD)
#: The task states a hard reboot may overtake (``task_states.ALLOW_REBOOT``, 17.0.0-34.0.0).
ALLOW_REBOOT = (
    None,
    REBOOTING,
    REBOOT_PENDING,
    REBOOT_STARTED,
    RESUMING,
    REBOOTING_HARD,
    UNPAUSING,
    PAUSING,
    SUSPENDING,
)
#: vm_states a soft reboot accepts, and a hard one (``vm_states.ALLOW_SOFT_REBOOT``...).
ALLOW_SOFT_REBOOT = (ACTIVE,)
ALLOW_HARD_REBOOT = (ACTIVE, STOPPED, PAUSED, SUSPENDED, ERROR)

# -- power_state (integers, as Nova stores and shows them) -------------------------------------
NOSTATE = 0
RUNNING = 1
POWER_PAUSED = 3
SHUTDOWN = 4
CRASHED = 6
POWER_SUSPENDED = 7
#: A power state (what a loaded file's guests are checked against: `fakecloud.state.shapes`).
PowerState = Literal[0, 1, 3, 4, 6, 7]


def _with_exits(table: dict) -> dict:
    """Every task may end (None) or be overtaken by a delete or soft delete, as Nova's
    ``delete``, ``soft_delete`` and ``force_delete`` ignore tasks, or by an evacuation
    (``rebuilding``), which from db919aa15f (26.0.0; 23.2.2, 24.2.0, 25.1.0) ignores them too:
    their compute is down."""
    out = {}
    for src, dsts in table.items():
        out[src] = set(dsts) | {None, DELETING, SOFT_DELETING, REBUILDING}
    return out


VM_STATE = StateMachine(
    "nova.instance.vm_state",
    {
        # A launched server in any state may be soft-deleted (``soft_delete`` checks no
        # vm_state); an offloaded one passes through it on its way to deleted (a local delete).
        BUILDING: {ACTIVE, ERROR, SOFT_DELETED, DELETED},
        ACTIVE: {
            STOPPED,
            PAUSED,
            SUSPENDED,
            SHELVED,
            SHELVED_OFFLOADED,
            RESIZED,
            RESCUED,
            ERROR,
            SOFT_DELETED,
            DELETED,
        },
        STOPPED: {
            ACTIVE,
            SHELVED,
            SHELVED_OFFLOADED,
            RESIZED,
            RESCUED,
            ERROR,
            SOFT_DELETED,
            DELETED,
        },
        PAUSED: {ACTIVE, STOPPED, SHELVED, SHELVED_OFFLOADED, ERROR, SOFT_DELETED, DELETED},
        SUSPENDED: {ACTIVE, SHELVED, SHELVED_OFFLOADED, ERROR, SOFT_DELETED, DELETED},
        SHELVED: {SHELVED_OFFLOADED, ACTIVE, ERROR, SOFT_DELETED, DELETED},
        SHELVED_OFFLOADED: {ACTIVE, ERROR, SOFT_DELETED, DELETED},
        # os-stop and rescue take ERROR (their check_instance_state); a build queued for a
        # compute whose init_host errored it out (interrupted before its claim) runs all the
        # same: its first save expects scheduling or none (``_do_build_and_run_instance``).
        ERROR: {ACTIVE, STOPPED, RESCUED, BUILDING, SOFT_DELETED, DELETED},
        RESCUED: {ACTIVE, ERROR, SOFT_DELETED, DELETED},
        # A confirm or revert ends stopped when the guest is off (``old_vm_state``).
        RESIZED: {ACTIVE, STOPPED, ERROR, SOFT_DELETED, DELETED},
        # A stop of a guest already off accepts no task state (``do_stop_instance``'s
        # expected_task_state gets None), and ``soft_delete_instance`` takes no lock: a soft
        # delete that ends while that stop powers the guest off is overwritten, stopped.
        SOFT_DELETED: {ACTIVE, STOPPED, ERROR, DELETED},
        DELETED: set(),
    },
)
"""Legal vm_state changes (``os-resetState`` adds active/error from anywhere via RESET; rescue
takes active, stopped or error to rescued, unrescue rescued to active)."""

VM_STATE_RESET = StateMachine(
    "nova.instance.vm_state(reset)",
    {s: {ACTIVE, ERROR} for s in VM_STATES if s != DELETED},
)
"""What the admin ``os-resetState`` action may do: any live state to active or error."""

VM_STATE_FORCED = StateMachine(
    "nova.instance.vm_state(forced)",
    {s: set(VM_STATES) - {DELETED} for s in VM_STATES if s != DELETED},
)
"""fakecloud-only: `Nova.force_state`, the direct database edit a test uses to reach any
state at once, without the actions that lead there."""

TASK_STATE = StateMachine(
    "nova.instance.task_state",
    _with_exits(
        {
            None: {
                SCHEDULING,
                IMAGE_SNAPSHOT_PENDING,
                IMAGE_BACKUP,
                # The vendor instance-snapshot branch: an image from a snapshot already taken.
                IMAGE_PENDING_UPLOAD,
                POWERING_OFF,
                POWERING_ON,
                PAUSING,
                UNPAUSING,
                SUSPENDING,
                RESUMING,
                REBOOTING,
                REBOOTING_HARD,
                REBUILDING,
                SHELVING,
                SHELVING_OFFLOADING,
                UNSHELVING,
                SOFT_DELETING,
                RESTORING,
                RESIZE_PREP,
                RESIZE_REVERTING,
                MIGRATING,
                RESCUING,
                UNRESCUING,
                UPDATING_PASSWORD,
                # That queued build, after init_host's error-out cleared its task.
                BLOCK_DEVICE_MAPPING,
                # A build after its claim (``_allocate_network``).
                NETWORKING,
            },
            SCHEDULING: {BLOCK_DEVICE_MAPPING, NETWORKING, SPAWNING},
            NETWORKING: {BLOCK_DEVICE_MAPPING, SPAWNING},
            BLOCK_DEVICE_MAPPING: {NETWORKING, SPAWNING},
            # A failed spawn's reschedule (``_do_build_and_run_instance``).
            SPAWNING: {SCHEDULING},
            IMAGE_SNAPSHOT_PENDING: {IMAGE_SNAPSHOT},
            IMAGE_SNAPSHOT: {IMAGE_PENDING_UPLOAD, IMAGE_UPLOADING},
            IMAGE_PENDING_UPLOAD: {IMAGE_UPLOADING},
            IMAGE_UPLOADING: {IMAGE_PENDING_UPLOAD},
            IMAGE_BACKUP: {IMAGE_PENDING_UPLOAD, IMAGE_UPLOADING},
            POWERING_OFF: set(),
            POWERING_ON: set(),
            # A hard reboot may overtake these (ALLOW_REBOOT); a task ends with None.
            PAUSING: {REBOOTING_HARD},
            UNPAUSING: {REBOOTING_HARD},
            SUSPENDING: {REBOOTING_HARD},
            RESUMING: {REBOOTING_HARD},
            # A soft reboot whose guest is down at a compute restart turns hard
            # (_init_instance: reboot_pending_hard).
            REBOOTING: {REBOOT_PENDING, REBOOTING_HARD, REBOOT_PENDING_HARD},
            REBOOT_PENDING: {REBOOT_STARTED, REBOOTING_HARD, REBOOT_PENDING_HARD},
            REBOOT_STARTED: {REBOOT_PENDING, REBOOTING_HARD, REBOOT_PENDING_HARD},
            REBOOTING_HARD: {REBOOT_PENDING_HARD},
            REBOOT_PENDING_HARD: {REBOOT_STARTED_HARD},
            REBOOT_STARTED_HARD: {REBOOT_PENDING_HARD},
            # A rebuild of a stopped server ends powering off again (``orig_vm_state``).
            REBUILDING: {REBUILD_BLOCK_DEVICE_MAPPING},
            REBUILD_BLOCK_DEVICE_MAPPING: {REBUILD_SPAWNING},
            REBUILD_SPAWNING: {POWERING_OFF},
            SHELVING: {SHELVING_IMAGE_PENDING_UPLOAD, SHELVING_OFFLOADING},
            SHELVING_IMAGE_PENDING_UPLOAD: {SHELVING_IMAGE_UPLOADING},
            SHELVING_IMAGE_UPLOADING: {SHELVING_IMAGE_PENDING_UPLOAD, SHELVING_OFFLOADING},
            SHELVING_OFFLOADING: set(),
            UNSHELVING: {SPAWNING, POWERING_ON},
            SOFT_DELETING: set(),
            RESTORING: set(),
            RESIZE_PREP: {RESIZE_MIGRATING},
            RESIZE_MIGRATING: {RESIZE_MIGRATED},
            RESIZE_MIGRATED: {RESIZE_FINISH},
            RESIZE_FINISH: set(),
            # A stopped server's revert ends powering off (``finish_revert_resize``).
            RESIZE_REVERTING: {POWERING_OFF},
            MIGRATING: set(),
            RESCUING: set(),
            UNRESCUING: set(),
            UPDATING_PASSWORD: set(),
            DELETING: set(),
        }
    ),
)
"""Legal task_state changes; the compare-and-swap in `instance_save` guards who may make them."""

POWER_STATE = StateMachine(
    "nova.instance.power_state",
    {
        NOSTATE: {RUNNING, SHUTDOWN, POWER_PAUSED, CRASHED},
        RUNNING: {POWER_PAUSED, SHUTDOWN, POWER_SUSPENDED, NOSTATE, CRASHED},
        POWER_PAUSED: {RUNNING, SHUTDOWN, NOSTATE, CRASHED},
        SHUTDOWN: {RUNNING, POWER_PAUSED, NOSTATE, CRASHED},
        POWER_SUSPENDED: {RUNNING, SHUTDOWN, NOSTATE},
        CRASHED: {RUNNING, SHUTDOWN, NOSTATE},
    },
)
"""What the hypervisor may report next (libvirt shows a managed-saved guest as SHUTDOWN)."""

_RESIZE_STATUS = {task: "RESIZE" for task in RESIZE_TASK_STATES}
_REBUILD_STATUS = {
    REBUILDING: "REBUILD",
    REBUILD_BLOCK_DEVICE_MAPPING: "REBUILD",
    REBUILD_SPAWNING: "REBUILD",
}
#: API status from (vm_state, task_state): ``nova/api/openstack/common.py::_STATE_MAP``.
_STATUS = {
    ACTIVE: {
        "default": "ACTIVE",
        REBOOTING: "REBOOT",
        REBOOT_PENDING: "REBOOT",
        REBOOT_STARTED: "REBOOT",
        REBOOTING_HARD: "HARD_REBOOT",
        REBOOT_PENDING_HARD: "HARD_REBOOT",
        REBOOT_STARTED_HARD: "HARD_REBOOT",
        **_REBUILD_STATUS,
        **_RESIZE_STATUS,
        MIGRATING: "MIGRATING",
        UPDATING_PASSWORD: "PASSWORD",
    },
    BUILDING: {"default": "BUILD"},
    STOPPED: {"default": "SHUTOFF", **_REBUILD_STATUS, **_RESIZE_STATUS},
    RESIZED: {"default": "VERIFY_RESIZE", RESIZE_REVERTING: "REVERT_RESIZE"},
    PAUSED: {"default": "PAUSED", MIGRATING: "MIGRATING"},
    SUSPENDED: {"default": "SUSPENDED"},
    RESCUED: {"default": "RESCUE"},
    ERROR: {"default": "ERROR", **_REBUILD_STATUS},
    DELETED: {"default": "DELETED"},
    SOFT_DELETED: {"default": "SOFT_DELETED"},
    SHELVED: {"default": "SHELVED"},
    SHELVED_OFFLOADED: {"default": "SHELVED_OFFLOADED"},
}


def status_from_state(vm_state: str | None, task_state: str | None = None) -> str:
    """The server ``status`` the API shows (snapshot task states do not change it)."""
    task_map = _STATUS.get(vm_state, {"default": "UNKNOWN"})
    return task_map.get(task_state, task_map["default"])


def task_and_vm_state_from_status(statuses: list[str]) -> tuple[set, set]:
    """The vm_states and task_states a ``status=`` filter of the server list stands for."""
    wanted = {s.strip().lower() for s in statuses}
    vms, tasks = set(), set()
    for vm, task_map in _STATUS.items():
        for task, status in task_map.items():
            if status.lower() in wanted:
                vms.add(vm)
                tasks.add(task)
    return vms, tasks


TASK_STATE_FORCED = StateMachine(
    "nova.instance.task_state(forced)",
    {s: TASK_STATE.states for s in TASK_STATE.states},
)
"""fakecloud-only: any task_state to any other, for `Nova.force_state`."""
