"""Nova's configuration: the ``nova`` section, Nova's own option names where one exists.

Durations, throughputs and limits of the fake Nova live here, each with its unit in its name.
Options that exist in real Nova keep their name and default (``max_concurrent_snapshots``,
``non_inheritable_image_properties``, ``[quota] metadata_items`` as ``quota_metadata_items``);
the timing knobs are fakecloud's, with defaults that make a run look like a small real cloud.

    >>> Cloud(config={"nova": {"max_concurrent_snapshots": 2, "images_type": "rbd"}})
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fakecloud.bounds import MAX_SECONDS, Bounds
from fakecloud.config import bounded, config_section
from fakecloud.errors import ConfigError
from fakecloud.suggest import did_you_mean

#: ``[notifications] notification_format`` choices ("": the release's default).
NOTIFICATION_FORMATS = ("", "unversioned", "versioned", "both", "none")

#: ``[notifications] notify_on_state_change`` choices ("": None, no ``instance.update``).
NOTIFY_ON_STATE_CHANGE = ("", "vm_state", "vm_and_task_state")

#: ``[DEFAULT] non_inheritable_image_properties``' default text (21.0.0's default list).
DEFAULT_NON_INHERITABLE_TEXT = "cache_in_nova,bittorrent"

#: ``[quota] driver`` choices, by their class names in ``nova/quota.py``.
QUOTA_DRIVERS = ("DbQuotaDriver", "NoopQuotaDriver", "UnifiedLimitsDriver")
#: The first Nova with ``UnifiedLimitsDriver`` (25.0.0, Yoga: ``nova/quota.py``, ``nova/limit``).
UNIFIED_LIMITS_DRIVER_SINCE = 25

#: ``UnifiedLimitsResource``'s names besides the resource classes (``class:VCPU``...).
UNIFIED_LIMITS_RESOURCES = frozenset(
    (
        "servers",
        "server_metadata_items",
        "server_injected_files",
        "server_injected_file_content_bytes",
        "server_injected_file_path_bytes",
        "server_key_pairs",
        "server_groups",
        "server_group_members",
    )
)
_RC = re.compile(r"class:[A-Z][A-Z0-9_]*")

#: A cloud of more hosts than this is a typo, and would take long to build.
MAX_COMPUTE_HOSTS = 1000


@functools.lru_cache(maxsize=64)
def _names(text: str) -> frozenset[str]:
    """The names of a comma-separated list (a config value read on every snapshot)."""
    return frozenset(p.strip() for p in text.split(",") if p)


@config_section("nova")
@dataclass(frozen=True)
class NovaConfig:
    """Every tunable of the fake Nova (API, compute hosts, libvirt driver, policy)."""

    # -- hosts -------------------------------------------------------------------------------
    compute_hosts: int = bounded(2, Bounds(0, MAX_COMPUTE_HOSTS, unit="a count", integer=True))
    """How many compute hosts the cloud has (named ``cmp-1`` ... ``cmp-N``)."""
    api_host: str = "nova-api-1"
    """``CONF.host`` of the API node: the host of ``api_*`` instance-action events."""
    availability_zone: str = "nova"
    """``[DEFAULT] default_availability_zone``: "Default availability zone for compute
    services", the zone of a host in no aggregate with one."""

    # -- API ---------------------------------------------------------------------------------
    allow_instance_snapshots: bool = True
    """``[api] allow_instance_snapshots`` (seed profile only; removed in 18.0.0)."""
    quota_metadata_items: int = 128
    """``[quota] metadata_items``: -1 is unlimited."""
    quota_driver: str = "DbQuotaDriver"
    """``[quota] driver``: DbQuotaDriver, NoopQuotaDriver or (from 25.0.0) UnifiedLimitsDriver,
    whose quotas are the limits Keystone holds for Nova's endpoint (`fakecloud.nova.limit`)."""
    quota_instances: int = 10
    """``[quota] instances``: "The number of instances allowed per project" (-1: no limit)."""
    quota_cores: int = 20
    """``[quota] cores``: "The number of instance cores or vCPUs allowed per project"."""
    quota_ram: int = 51200
    """``[quota] ram``: "The number of megabytes of instance RAM allowed per project"."""
    oslo_limit_endpoint_id: str = ""
    """``[oslo_limit] endpoint_id``: the Keystone endpoint whose service and region the unified
    limits are read for; empty: the catalog's public compute endpoint (what a deployment
    names there), unless `oslo_limit_endpoint_service_type` or `_name` is set."""
    oslo_limit_endpoint_service_type: str = ""
    """``[oslo_limit] endpoint_service_type`` (oslo.limit 2.6.0 on, Nova 31.0.0's series; an
    option no earlier release reads): with no endpoint id, the endpoint is looked up by its
    service's type and name, `oslo_limit_endpoint_region_name` and
    `oslo_limit_endpoint_interface` (`fakecloud.nova.limit.oslo_limit.endpoint`)."""
    oslo_limit_endpoint_service_name: str = ""
    """``[oslo_limit] endpoint_service_name`` (31.0.0 on): the looked-up service's name."""
    oslo_limit_endpoint_region_name: str = ""
    """``[oslo_limit] endpoint_region_name`` (31.0.0 on): the looked-up endpoint's region (its
    id, as ``get_region`` reads it); empty: any region."""
    oslo_limit_endpoint_interface: str = "public"
    """``[oslo_limit] endpoint_interface`` (31.0.0 on): the looked-up endpoint's interface
    (``publicURL`` and the like read without ``URL``)."""
    unified_limits_resource_strategy: str = "require"
    """``[quota] unified_limits_resource_strategy`` (Nova 31.0.0 on): ``require`` (a resource
    of `unified_limits_resource_list` without a registered limit is limited to 0) or
    ``ignore`` (a resource *not* in it without one is limited to 0, those in it unlimited)."""
    unified_limits_resource_list: str = "servers"
    """``[quota] unified_limits_resource_list`` (Nova 31.0.0 on), comma-separated: ``servers``
    and ``class:<resource class>`` names."""
    glance_api_servers: str = ""
    """``[glance] api_servers`` (first one used); empty: the image endpoint of the catalog."""
    glance_verify_glance_signatures: bool = False
    """``[glance] verify_glance_signatures``: the host verifies every image it downloads
    against its ``img_signature*`` properties (`fakecloud.nova.trusted_certs`)."""
    glance_enable_certificate_validation: bool = False
    """``[glance] enable_certificate_validation``: with
    `glance_default_trusted_certificate_ids`, the certificates an image's signing
    certificate is validated against when the server names none."""
    glance_default_trusted_certificate_ids: str = ""
    """``[glance] default_trusted_certificate_ids``, comma-separated (Nova's list option)."""
    compute_link_prefix: str = ""
    """``[api] compute_link_prefix``: base of the links in responses (empty: the request's)."""
    max_limit: int = 1000
    """``[api] max_limit``: the most items one page of a list answer holds."""
    non_inheritable_image_properties: str = DEFAULT_NON_INHERITABLE_TEXT
    """``[DEFAULT] non_inheritable_image_properties``, comma-separated as the real list option.
    Left at this text it is the release's default: 21.0.0's, and before 21.0.0 (bc29084012,
    switch ``lp1852106``) the four ``img_signature*`` properties too (to drop just these two
    there, write them otherwise: ``bittorrent,cache_in_nova``)."""
    enable_instance_password: bool = True
    """``[api] enable_instance_password``: a rebuild's answer holds the ``adminPass``."""

    # -- policy ------------------------------------------------------------------------------
    policy_file: str = ""
    """A YAML or JSON policy file whose rules override the profile's defaults."""
    policy: Any = None
    """Rule overrides as a mapping ``{rule name: check string}`` (applied after the file)."""
    enforce_new_defaults: bool | None = None
    """``[oslo_policy] enforce_new_defaults``; unset: the release's default (True from 27.0.0,
    switch ``policy_new_defaults_enforced``). Meaningless before 21.0.0's new defaults."""
    enforce_scope: bool | None = None
    """``[oslo_policy] enforce_scope``; unset: the release's default (as above)."""
    send_service_user_token: bool | None = None
    """``[service_user] send_service_user_token``: Nova's calls to Cinder carry a token of its
    own service user beside the user's (`fakecloud.nova.service_auth`); Cinder's check of
    deletes (bug #2004555) lets only such a call delete an attachment Nova uses. Unset: what
    devstack configures, on from the Wallaby series (Nova 23.0.0); Nova's own default is off."""

    # -- timing of server life cycle (virtual seconds) ---------------------------------------
    build_delay_s: float = 4.0
    """Scheduling, networking and spawning a server, once its volumes are ready."""
    volume_wait_interval_s: float = 3.0
    """``block_device_allocate_retries_interval``: poll of a volume being created at boot."""
    volume_wait_retries: int = 60
    """``block_device_allocate_retries``."""
    delete_delay_s: float = 2.0
    """Destroying the guest and cleaning up its resources on the host."""
    power_action_delay_s: float = 1.0
    """Stop, start, pause, unpause, resume: the hypervisor call."""
    shelve_offload_delay_s: float = 2.0
    """Offloading a shelved server: the wait before its guest is destroyed on the host."""
    unshelve_delay_s: float = 4.0
    """Unshelving on the new host, in all: the wait before the driver's spawn, then the spawn
    itself (``build_delay_s``)."""
    shelved_offload_time_s: int = bounded(
        0, Bounds(-1, MAX_SECONDS, unit="a number of seconds (-1: never)", integer=True)
    )
    """``shelved_offload_time``: 0 offloads at once, -1 never."""
    service_down_time_s: int = bounded(
        60, Bounds(0, MAX_SECONDS, unit="a number of seconds", integer=True)
    )
    """``[DEFAULT] service_down_time``: a nova-compute stays up (``os-services``,
    ``os-hypervisors``, the scheduler's ``ComputeFilter``, evacuate's ``ComputeServiceInUse``)
    until its last heartbeat (every 10 s) is more than this old, unless forced down
    (servicegroup/drivers/db.py ``is_up``, nova 17.0.13-34.0.0)."""
    compute_restart_s: float = 10.0
    """How long a restarted nova-compute is down before ``init_host`` runs."""
    allow_resize_to_same_host: bool = False
    """``[DEFAULT] allow_resize_to_same_host``: a resize (not a cold migration: libvirt has no
    ``COMPUTE_SAME_HOST_COLD_MIGRATE``) may land on the server's own host."""
    resize_confirm_window_s: int = bounded(
        0, Bounds(0, MAX_SECONDS, unit="a number of seconds (0: off)", integer=True)
    )
    """``[DEFAULT] resize_confirm_window``: a resize left ``resized`` this long is confirmed by
    the destination's ``_poll_unconfirmed_resizes`` (a periodic task, every 60 s); 0: never."""
    reclaim_instance_interval_s: int = bounded(
        0,
        Bounds(
            -MAX_SECONDS,
            MAX_SECONDS,
            unit="a number of seconds (0: deferred delete off)",
            integer=True,
        ),
    )
    """``[DEFAULT] reclaim_instance_interval``: not 0, a server's ``DELETE`` soft-deletes it
    (``SOFT_DELETED``, ``restore`` brings it back) and, when above 0, the host's
    ``_reclaim_queued_deletes`` (a periodic task, every 60 s) deletes it once it has been
    soft-deleted longer than this; below 0 (Nova's ``if CONF.reclaim_instance_interval``) a
    ``DELETE`` still soft-deletes but nothing ever reclaims. 0 (Nova's default): deletes at once."""
    sync_power_state_interval_s: int = bounded(
        600,
        Bounds(
            -MAX_SECONDS,
            MAX_SECONDS,
            unit="a number of seconds (0: every 60 s, below 0: off)",
            integer=True,
        ),
    )
    """``[DEFAULT] sync_power_state_interval``: how often each host's ``_sync_power_states``
    aligns its servers with what the hypervisor reports (a guest that shut itself down is
    stopped through the API); 0 runs it at oslo.service's default 60 s, below 0 never
    (`fakecloud.nova.compute.power_sync`)."""
    handle_virt_lifecycle_events: bool = True
    """``[workarounds] handle_virt_lifecycle_events``: libvirt's lifecycle events (a guest
    stopped on its own: STOPPED, 15 s later) sync the server at once; off, only the periodic
    ``_sync_power_states`` does."""
    live_migration_memory_passes: float = bounded(
        1.0, Bounds(1.0, 100.0, unit="a number of passes")
    )
    """How many times a live migration sends the guest's memory between the hosts (over a link
    of ``glance_link_gbit_per_s``) before it switches over: 1 for an idle or paused guest, more
    for one that dirties pages while they are copied (libvirt's pre-copy sends them again). A
    ``force_complete`` pauses the guest: what is left of the pass under way is the rest. A guest
    with a dirty rate (``guest_dirty_mb_per_s``, ``guest_workloads``) ignores it."""
    guest_dirty_mb_per_s: float = bounded(0.0, Bounds(0.0, 1_000_000.0, unit="MB/s"))
    """How fast a running guest dirties its memory (MB/s), for every server not named in
    ``guest_workloads``. 0 (the default): the guest's memory crosses the link
    ``live_migration_memory_passes`` times. Above 0, a live migration copies it as QEMU's
    pre-copy does: each pass sends what the guest dirtied during the last one, until what is
    left fits in the monitor's allowed downtime; a guest dirtying at least as fast as the link
    sends never gets there (see ``virt/live_migration``)."""
    guest_workloads: dict = field(default_factory=dict)
    """Per-server guest workloads, by server name or id: ``{"db": {"dirty_mb_per_s": 400}}``."""
    reimage_timeout_per_gb: int = bounded(
        20, Bounds(1, MAX_SECONDS, unit="a number of seconds per GiB", integer=True)
    )
    """``[DEFAULT] reimage_timeout_per_gb`` (26.0.0+): how long a rebuild of a volume-backed
    server (2.93) waits for Cinder's ``volume-reimaged`` event, per GiB of the image (its size
    rounded up: 0 for an image with no data, such as a volume-backed server's snapshot)."""
    live_migration_completion_timeout: int = bounded(
        800, Bounds(0, MAX_SECONDS, unit="a number of seconds per GiB (0: off)", integer=True)
    )
    """``[libvirt] live_migration_completion_timeout``: seconds per GiB of the data to move
    (the guest's RAM and, for a block migration, its local disk, each at least 2 GiB) before
    the monitor gives up on a live migration: ``live_migration_timeout_action``."""
    live_migration_timeout_action: str = "abort"
    """``[libvirt] live_migration_timeout_action`` (19.0.0+): ``abort`` or ``force_complete``
    (post-copy when permitted, else the guest paused). Before 19.0.0 the job is aborted."""
    live_migration_progress_timeout: int = bounded(
        0, Bounds(0, MAX_SECONDS, unit="a number of seconds (0: off)", integer=True)
    )
    """``[libvirt] live_migration_progress_timeout`` (17.x/18.x only: deprecated, removed in
    19.0.0 by 4c3698c0b6): the monitor aborts a job whose data remaining has not reached a new
    low for this long (its 0.5 s polls; the pre-copy passes' remaining rises at each pass's end,
    so it fires on a job still moving: the "false timeouts" it was deprecated for)."""
    live_migration_permit_post_copy: bool = False
    """``[libvirt] live_migration_permit_post_copy``: a force-complete (the API's or the timeout
    action's) switches the job to post-copy (migration ``running (post-copy)``, the guest runs on
    the destination, the rest of its memory is sent once) instead of pausing the guest. Before
    19.0.0 the monitor also switches by itself once a pass after the first makes no progress."""
    live_migration_permit_auto_converge: bool = False
    """``[libvirt] live_migration_permit_auto_converge``: QEMU throttles a guest that keeps
    dirtying more than half of what a pass sends (20 %, then 10 % more each pass, at most 99 %);
    unused when post-copy is permitted."""

    # -- remote consoles (`fakecloud.nova.compute.consoles`) ----------------------------------
    vnc_enabled: bool = True
    """``[vnc] enabled``: servers have a noVNC console."""
    novncproxy_base_url: str = "http://127.0.0.1:6080/vnc_auto.html"
    """``[vnc] novncproxy_base_url``: the noVNC console URL's base (before its token)."""
    xvpvncproxy_base_url: str = "http://127.0.0.1:6081/console"
    """``[vnc] xvpvncproxy_base_url``: the ``xvpvnc`` console's base (before 21.0.0)."""
    spice_enabled: bool = False
    """``[spice] enabled``."""
    spice_html5proxy_base_url: str = "http://127.0.0.1:6082/spice_auto.html"
    """``[spice] html5proxy_base_url``."""
    serial_console_enabled: bool = False
    """``[serial_console] enabled``."""
    serial_console_base_url: str = "ws://127.0.0.1:6083/"
    """``[serial_console] base_url``."""
    rdp_enabled: bool = False
    """``[rdp] enabled`` (Hyper-V's alone; the option went with it in 29.0.0)."""
    mks_enabled: bool = False
    """``[mks] enabled`` (VMware's alone)."""

    # -- libvirt driver and host I/O ---------------------------------------------------------
    disk_throughput_mb_per_s: float = 200.0
    """Local disk of each compute host (extracts, qemu-img convert, managed save)."""
    glance_link_gbit_per_s: float = 1.0
    """Link from each compute host to the Glance store."""
    images_type: str = "default"
    """``[libvirt] images_type``: default (qcow2), qcow2, raw, flat, lvm, rbd, ploop."""
    snapshot_image_format: str = ""
    """``[libvirt] snapshot_image_format``: raw, qcow2, vmdk, vdi; empty = the source format."""
    snapshot_compression: bool = False
    """``[libvirt] snapshot_compression`` (17.0.0-34.0.0): ``qemu-img convert -c`` when a
    standard snapshot's file is qcow2 (``extract_snapshot``): a smaller image, the same
    ``disk_format``."""
    snapshot_compression_ratio: float = 0.5
    """With ``snapshot_compression``: the compressed file's bytes per byte of the guest's disk
    (the guest's data decides it in a real cloud; fakecloud has none). 0 < ratio <= 1."""
    virt_type: str = "kvm"
    """``[libvirt] virt_type``: kvm, qemu (QEMU-based, live snapshots) or lxc, parallels."""
    disable_libvirt_livesnapshot: bool = False
    """``[workarounds] disable_libvirt_livesnapshot``."""
    ephemeral_storage_encryption: bool = False
    """``[ephemeral_storage_encryption] enabled``: forces cold snapshots."""
    live_snapshot_poll_s: float = 0.5
    """Interval at which the live snapshot's block job is polled."""
    volume_connect_s: float = bounded(0.5, Bounds(0.0, MAX_SECONDS, unit="a number of seconds"))
    """os-brick's ``connect_volume`` of one volume on a host (libvirt ``_connect_volume``: an
    iSCSI login and device scan, a mount), one value for every protocol; timed wherever the
    driver connects a volume: an attach (``attach_volume``, the volume ``attaching``), a spawn
    (each volume of the guest), a hard reboot or start (``_hard_reboot``: each again), a swap
    (the new volume) and a live migration's destination (``pre_live_migration``, each
    ``attaching``)."""
    rbd_throughput_mb_per_s: float = 400.0
    """Ceph's internal copy rate (the flatten of a direct RBD snapshot)."""
    rbd_glance_store: bool = True
    """Glance stores images in the same Ceph cluster, so an RBD direct snapshot can work."""
    rbd_pool: str = "rbd"
    """``[libvirt] images_rbd_pool``: "The RADOS pool in which rbd volumes are stored" (Nova's
    default ``rbd`` in every release, 17.0.0-34.0.0; devstack sets ``vms``). With
    ``images_type`` rbd, an empty pool fails each compute's ``get_available_resource`` (the
    pool's stats), so no compute node is ever made and every build is NoValidHost
    (`fakecloud.nova.compute_nodes.registered`); ``imagebackend.Rbd.__init__``'s RuntimeError
    at a spawn ("You should specify images_rbd_pool flag to use rbd images.") is never
    reached. A file saved before format 4
    reads ``vms``, the default then (`fakecloud.state.versions.EARLIER_DEFAULTS`)."""
    rbd_fsid: str = "b2f6a6b1-1c43-4c7e-9a4e-5d1a2e8b7c10"
    """The Ceph cluster's fsid: the ``rbd://FSID/images/ID/snap`` location of a direct RBD
    snapshot, which Glance takes as its own cluster's."""
    max_concurrent_snapshots: int = 5
    """Per host (22.0.0+); 0 (deprecated) means 1000 with eventlet, 5 with threading."""
    max_concurrent_builds: int = 10
    """Per host: builds at once with eventlet (0: unlimited); with threading it sizes the
    long-task executor with max_concurrent_snapshots (0: 10)."""
    scheduler_max_attempts: int = 3
    """``[scheduler] max_attempts``: a build is tried on its host and at most this many minus
    one alternates; 1 turns reschedules off (a build failing on its host ends in ERROR)."""
    enabled_filters: list | None = None
    """``[filter_scheduler] enabled_filters``; unset, Nova's default list. fakecloud reads from
    it whether ``SameHostFilter`` and ``DifferentHostFilter`` are on (neither is by default:
    the ``same_host`` and ``different_host`` hints are then ignored, `fakecloud.nova.
    affinity_filter`); the filters it models of the default list apply whatever it says."""
    consecutive_build_service_disable_threshold: int = bounded(
        10, Bounds(0, 1_000_000, unit="a number of builds (0: off)", integer=True)
    )
    """``[compute] consecutive_build_service_disable_threshold``: while not 0, each failed or
    rescheduled build on a host counts against it for the scheduler's ``BuildFailureWeigher``
    (17.0.6+: the compute no longer disables itself); a successful build resets the count."""
    concurrency_backend: str = ""
    """nova-compute's concurrency: ``eventlet`` or ``threading`` (33.0.0+); unset, the release's
    default (threading from 34.0.0, switch ``default_concurrency_backend``)."""
    max_concurrent_disk_ops: int = 0
    """Semaphore around the snapshot upload; 0 is unlimited."""
    busy_image_filesystem: bool = False
    """The compute hosts' instance file system is busy, so each blocking read of a snapshot
    file stalls its thread. Before 22.0.0 (switch ``lp1874032``) the upload read the file on
    nova-compute's eventlet hub, which then stalled for the whole upload; from 22.0.0, or with
    an idle file system (the default), the upload leaves the hub alone."""
    guest_written_fraction: float = 0.1
    """Share of the flavor's root disk the guest has written on top of its image."""

    # -- notifications -----------------------------------------------------------------------
    notification_format: str = ""
    """``[notifications] notification_format``: unversioned, versioned, both or none; empty:
    the release's default (``both`` until 20.0.0, switch ``default_notification_format``)."""
    notify_on_state_change: str = ""
    """``[notifications] notify_on_state_change``: ``vm_state`` or ``vm_and_task_state`` sends
    ``instance.update`` at every save of a server (the state change in it: the vm_state's, and
    with ``vm_and_task_state`` the task_state's too); empty (Nova's None, its default): none."""

    # -- instance snapshots (the seed's vendor branch) ---------------------------------------
    instance_snapshot_poll_s: float = 0.5
    """Poll of a volume-backed instance snapshot's Cinder snapshots until they are available."""
    instance_snapshot_wait_s: float = 600.0
    """How long those Cinder snapshots may stay ``creating`` before the snapshot is ``error``."""
    instance_snapshot_revert_s: float = 0.5
    """The hypervisor's revert of a stopped guest's disk to one of its snapshots."""
    instance_snapshot_delete_s: float = 0.5
    """Removing a disk snapshot from the host (the snapshot tree is merged, not copied)."""

    # -- quiesce: the guest agent and the volume-backed snapshot's thaw ----------------------
    guest_agent_freeze_s: float = 0.1
    """How long the guest agent's ``guest-fsfreeze-freeze`` takes (flush, then freeze)."""
    guest_agent_thaw_s: float = 0.05
    """How long ``guest-fsfreeze-thaw`` takes."""
    guest_agent_timeout_s: float = 5.0
    """libvirt's wait for a connected but silent guest agent before VIR_ERR_AGENT_UNRESPONSIVE."""
    guest_agents: dict = field(default_factory=dict)
    """Per-server guest agents, by server name or id: ``{"web": {"state": "hung"}}``; keys
    ``state`` (running, hung, stopped), ``freeze_s``, ``thaw_s`` (see ``virt/guest_agent``)."""
    snapshot_completion_poll_s: float = 0.5
    """``_wait_for_snapshots_completion``'s poll before the thaw (hard-coded 0.5 s in Nova)."""

    def __post_init__(self) -> None:
        if self.quota_driver not in QUOTA_DRIVERS:
            raise ConfigError(
                f"config nova.quota_driver must be one of {', '.join(QUOTA_DRIVERS)}, got "
                f"{self.quota_driver!r}{did_you_mean(str(self.quota_driver), QUOTA_DRIVERS)}"
            )
        if self.unified_limits_resource_strategy not in ("require", "ignore"):
            raise ConfigError(
                "config nova.unified_limits_resource_strategy must be require or ignore, got "
                f"{self.unified_limits_resource_strategy!r}"
            )
        for name in str(self.unified_limits_resource_list).split(","):
            name = name.strip()
            if name and name not in UNIFIED_LIMITS_RESOURCES and not _RC.fullmatch(name):
                # ``UnifiedLimitsResource``: nova's limit names or a "class:" resource class
                raise ConfigError(
                    "config nova.unified_limits_resource_list: each name is one of "
                    f"{', '.join(sorted(UNIFIED_LIMITS_RESOURCES))} or class:<resource class>, "
                    f"got {name!r}"
                )
        if self.notification_format not in NOTIFICATION_FORMATS:
            raise ConfigError(
                f"config nova.notification_format must be one of "
                f"{', '.join(NOTIFICATION_FORMATS[1:])}, got {self.notification_format!r}"
            )
        if self.notify_on_state_change not in NOTIFY_ON_STATE_CHANGE:
            raise ConfigError(
                "config nova.notify_on_state_change must be one of "
                f"{', '.join(NOTIFY_ON_STATE_CHANGE[1:])} (or empty), got "
                f"{self.notify_on_state_change!r}"
            )
        if not isinstance(self.scheduler_max_attempts, int) or self.scheduler_max_attempts < 1:
            raise ConfigError(
                "config nova.scheduler_max_attempts must be an integer of at least 1, got "
                f"{self.scheduler_max_attempts!r}"
            )
        if self.enabled_filters is not None and not all(
            isinstance(name, str) for name in self.enabled_filters
        ):
            raise ConfigError(
                "config nova.enabled_filters: a list of filter class names, got "
                f"{self.enabled_filters!r}"
            )
        if self.concurrency_backend not in ("", "eventlet", "threading"):
            raise ConfigError(
                "config nova.concurrency_backend must be eventlet or threading, got "
                f"{self.concurrency_backend!r}"
            )
        if self.policy is not None and not isinstance(self.policy, Mapping):
            raise ConfigError(
                f"config nova.policy: a mapping of rule names to check strings, got {self.policy!r}"
            )
        for name in ("enforce_new_defaults", "enforce_scope", "send_service_user_token"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, bool):
                raise ConfigError(f"config nova.{name}: expected true or false, got {value!r}")
        if self.live_migration_timeout_action not in ("abort", "force_complete"):
            raise ConfigError(
                "config nova.live_migration_timeout_action must be abort or force_complete, got "
                f"{self.live_migration_timeout_action!r}"
            )
        ratio = self.snapshot_compression_ratio
        if isinstance(ratio, bool) or not isinstance(ratio, (int, float)) or not 0 < ratio <= 1:
            raise ConfigError(
                f"config nova.snapshot_compression_ratio must be a number in (0, 1], got {ratio!r}"
            )
        if self.guest_workloads:
            from fakecloud.nova.virt.live_migration import check_workloads

            check_workloads(self.guest_workloads)
        if self.guest_agents:
            from fakecloud.nova.virt.guest_agent import check_overrides

            check_overrides(self.guest_agents)

    def non_inheritable(self) -> frozenset[str] | None:
        """The configured non-inheritable image properties as a set (None: left at the
        default text, the release's default)."""
        names = self.non_inheritable_image_properties
        return None if names == DEFAULT_NON_INHERITABLE_TEXT else _names(names)
