"""The libvirt driver's live migration (``nova/virt/libvirt/driver.py``
``check_can_live_migrate_destination``/``_source``, ``live_migration``,
``_live_migration_monitor``, ``live_migration_abort``, ``live_migration_force_complete``;
``migration.py`` ``run_tasks``, ``save_stats``; 17.0.13-34.0.0), as far as its timing and
states go.

fakecloud's hosts keep their instances on local disks (no shared instance path, no shared
block storage backend), so only a volume-backed server with no local disk (no ephemeral, no
swap) is on "shared block storage". The checks: a block migration of such a server is
`InvalidLocalStorage` ('Block migration can not be used with shared storage.'), a live
migration without block migration of any other is `InvalidSharedStorage` ('Shared storage
live-migration requires either shared storage or boot-from-volume with no local disks.'); 2.25's
``auto`` (None) picks block migration exactly when the storage is not shared.

The job, on the source: a block migration first copies the guest's root disk (this disk, the
link between the hosts at ``glance_link_gbit_per_s``, the destination's disk: an ``io.transfer``
labelled ``libvirt.live_migration.disk``), then the guest's memory crosses the link
``live_migration_memory_passes`` times (once for a paused guest; label
``libvirt.live_migration.memory``). At its end the guest runs on the destination (the same
domain: its filesystems stay frozen or thawed as they were). Every
``live_migration_monitor_interval`` (5 s) from the start the monitor saves the progress on the
migration (``memory_*``/``disk_*`` bytes, `save_stats`). An abort cancels the copy under way
(``abortJob``: the monitor then sees a ``failed`` job, below); a force-complete pauses the guest
(no post-copy: ``live_migration_permit_post_copy`` is off by default), so what is left of the
memory pass under way (at most the guest's memory) is the rest, and the guest runs again on the
destination (or, if the job ends otherwise, on the source: ``run_recover_tasks``' unpause). A
failed copy (an ``io.transfer`` fault rule on those labels, or fault point
``nova.libvirt.live_migration`` (host, instance_uuid, dest) as the job starts) is a ``failed``
job, which the manager rolls back. So is an aborted job: the monitor polls ``jobStats()`` without
``VIR_DOMAIN_JOB_STATS_COMPLETED``, which reports ``VIR_DOMAIN_JOB_NONE`` once libvirt's job has
ended, and ``find_job_type`` finds the guest still running here: ``VIR_DOMAIN_JOB_FAILED``, not
``CANCELLED`` (17.0.13-34.0.0 ``guest.py`` ``get_job_info``, ``migration.py`` ``find_job_type``;
the monitor's ``CANCELLED`` branch needs a poll in the instant libvirt's job still reports the
cancel). A guest destroyed under the job (the server deleted) is a job the monitor takes for
``completed`` (the domain gone or shut off), so the manager goes on as after a switch-over
that never happened.

A guest that dirties its memory (``nova.guest_dirty_mb_per_s``, per server in
``nova.guest_workloads``; 0 by default: the passes above) is copied as QEMU's pre-copy does:
pass 1 sends all of it, each next pass what the guest dirtied during the last one (at most all
of it), until what is left fits in the allowed downtime at the link's rate — Nova's downtime
steps (`downtime_ms`: 50 ms, rising to ``live_migration_downtime`` 500 ms in 10 steps of
``live_migration_downtime_delay`` 75 s per GiB of data) — and a last pass sends it. A guest that
dirties at least as fast as the link sends never gets there. The monitor's completion timeout
(``live_migration_completion_timeout`` s per GiB of `data_gb`, checked at its 0.5 s polls; 0:
none) then aborts the job (a ``failed`` job, as above; the only action before 19.0.0) or, with
``live_migration_timeout_action`` ``force_complete`` (19.0.0+, 99a075cc94), force-completes it.
A force-complete switches to post-copy when ``live_migration_permit_post_copy`` is on (the
migration ``running (post-copy)``: the guest runs on the destination, what is left of its memory
crosses once, no timeout any more), else pauses the guest. Before 19.0.0 the monitor also
switched to post-copy by itself at its first poll after a pass where the memory left had not
dropped by 10 % (17.0.13/18.3.0 ``should_switch_to_postcopy``; modelled at the pass's end).
``live_migration_permit_auto_converge`` (without post-copy) throttles the guest as QEMU does:
after two passes that dirtied more than half of what they sent, 20 % of its dirty rate, 10 %
more each such pass, at most 99 %.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from typing import Any

from fakecloud.bounds import Bounds
from fakecloud.errors import ConfigError
from fakecloud.nova import exception, states
from fakecloud.sim.io import MB, gbit_per_s

#: ``[libvirt] live_migration_monitor_interval`` (5 s; 17.x saves every 10th 0.5 s poll).
MONITOR_INTERVAL_S = 5.0
#: The monitor's poll (``time.sleep(0.5)``), where the completion timeout is checked.
POLL_S = 0.5
#: ``[libvirt] live_migration_downtime`` (ms), ``_downtime_steps``, ``_downtime_delay`` (s per
#: GiB): their defaults, as ``migration.downtime_steps`` spreads them.
DOWNTIME_MS, DOWNTIME_STEPS, DOWNTIME_DELAY_S = 500, 10, 75
#: QEMU's ``max-downtime`` before the monitor's first step (300 ms).
QEMU_DOWNTIME_MS = 300
#: ``live_migration_timeout_action`` and no progress-based post-copy switch (99a075cc94 and
#: 4c3698c0b6, 19.0.0: ``live_migration_progress_timeout`` went with it).
TIMEOUT_ACTION_SINCE = (19, 0, 0)
POSTCOPY = "running (post-copy)"
_GIB = 1024**3
WORKLOAD_KEYS = ("dirty_mb_per_s",)
_DISK = "libvirt.live_migration.disk"
_MEMORY = "libvirt.live_migration.memory"
_SHARED_REASON = (
    "Shared storage live-migration requires either shared storage or boot-from-volume with "
    "no local disks."
)


class _Cancelled(Exception):
    """The job was aborted (``abortJob``): a failed job as the monitor sees it (module doc)."""


class _Forced(Exception):
    """The guest was paused by a force-complete: the pass under way is cut short."""


@dataclass(eq=False)
class LiveJob:
    """A live migration job of one guest, as the source's libvirt runs it."""

    dom: Any
    dest: Any
    memory_total: int
    disk_total: int = 0
    disk_sent: float = 0.0
    memory_sent: float = 0.0
    memory_left: float = 0.0
    transfer: Any = None
    forced: bool = False
    paused_by_force: bool = False
    aborted: bool = False
    finished: Any = None
    tasks: list = field(default_factory=list)
    rate: float = 0.0
    """The guest's dirty rate (bytes/s); 0: ``live_migration_memory_passes``."""
    data_gb: float = 2.0
    started: float = 0.0
    postcopy: bool = False
    on_postcopy: Any = None
    throttle: float = 0.0

    def progress(self, now: float) -> tuple[int, int, int, int, int, int]:
        """(memory total, processed, remaining, disk total, processed, remaining) in bytes."""
        t = self.transfer
        moving = (t.size - t.remaining(now)) if t is not None and t.state == "running" else 0.0
        label = t.label if t is not None else None
        disk_sent = self.disk_sent + (moving if label == _DISK else 0.0)
        memory_sent = self.memory_sent + (moving if label == _MEMORY else 0.0)
        memory_left = self.memory_left - (moving if label == _MEMORY else 0.0)
        if label == _DISK or (t is None and not memory_sent):
            memory_left = self.memory_total
        memory_left = max(0.0, min(float(self.memory_total), memory_left))
        return (
            self.memory_total,
            int(memory_sent),
            int(memory_left),
            self.disk_total,
            int(disk_sent),
            int(max(0.0, self.disk_total - disk_sent)),
        )


#: A guest's dirty rate, as ``nova.guest_dirty_mb_per_s`` takes it (finite, 0 to 1e6 MB/s).
DIRTY_RATE = Bounds(0.0, 1_000_000.0, unit="MB/s")


def check_workloads(overrides: Mapping[str, Any]) -> None:
    """Validate ``nova.guest_workloads``; a `ConfigError` names the server key and the field."""
    if not isinstance(overrides, Mapping):
        raise ConfigError(
            "config nova.guest_workloads must be a mapping of server names or ids to "
            f"{{{', '.join(WORKLOAD_KEYS)}}}, got {type(overrides).__name__} {overrides!r}"
        )
    for key, spec in overrides.items():
        where = f"config nova.guest_workloads.{key}"
        if not isinstance(spec, Mapping):
            raise ConfigError(f"{where} must be a mapping of {', '.join(WORKLOAD_KEYS)}")
        for name, value in spec.items():
            if name not in WORKLOAD_KEYS:
                raise ConfigError(f"unknown key {where}.{name}; known: {', '.join(WORKLOAD_KEYS)}")
            DIRTY_RATE.check(value, f"{where}.{name}")


def dirty_rate(config: Any, instance: Any) -> float:
    """The guest's dirty rate in bytes/s: its ``guest_workloads`` entry, else the default."""
    overrides = config.guest_workloads
    spec = (overrides.get(instance.uuid) or overrides.get(instance.display_name) or {}) if (
        overrides
    ) else {}  # fmt: skip
    return float(spec.get("dirty_mb_per_s", config.guest_dirty_mb_per_s)) * MB


def data_gb(dom: Any, disk_bytes: int) -> float:
    """``_live_migration_data_gb``: the guest's RAM in GiB and each copied disk's, each at
    least 2."""
    ram = max(2.0, dom.memory_bytes / _GIB)
    return ram + (max(2.0, disk_bytes / _GIB) if disk_bytes else 0.0)


def downtime_ms(elapsed: float, gb: float) -> int:
    """The max downtime the monitor has set `elapsed` s into the job (``downtime_steps`` and
    ``update_downtime``: the last step whose time is passed; QEMU's own before the first)."""
    delay = int(DOWNTIME_DELAY_S * gb)
    base = DOWNTIME_MS / DOWNTIME_STEPS
    offset = (DOWNTIME_MS - base) / DOWNTIME_STEPS
    current = QEMU_DOWNTIME_MS
    for i in range(DOWNTIME_STEPS + 1):
        if elapsed > int(delay * i):
            current = int(base + offset * i)
    return current


def shared_block_storage(instance: Any, volume_backed: bool) -> bool:
    """``_is_shared_block_storage``: volume-backed with no local disk."""
    flavor = instance.flavor
    return volume_backed and not flavor.ephemeral_gb and not flavor.swap


def check_destination(block_migration: bool | None, disk_over_commit: bool | None) -> dict:
    """``check_can_live_migrate_destination``: the dest check data (``LibvirtLiveMigrateData``
    with ``block_migration``/``disk_over_commit`` only when given)."""
    data: dict[str, Any] = {}
    if block_migration is not None:
        data["block_migration"] = block_migration
    if disk_over_commit is not None:
        data["disk_over_commit"] = disk_over_commit
    return data


def check_source(host: str, instance: Any, data: dict, volume_backed: bool) -> dict:
    """``check_can_live_migrate_source``: decide or check ``block_migration``."""
    shared = shared_block_storage(instance, volume_backed)
    data = dict(data, is_volume_backed=volume_backed, is_shared_block_storage=shared)
    if "block_migration" not in data:
        data["block_migration"] = not shared
    if data["block_migration"]:
        if shared:
            raise exception.InvalidLocalStorage(
                reason="Block migration can not be used with shared storage.", path=host
            )
    elif not shared:
        raise exception.InvalidSharedStorage(reason=_SHARED_REASON, path=host)
    return data


def live_migration(
    driver: Any, instance: Any, dest: Any, block_migration: bool, migration: Any
) -> Generator[Any, Any, str]:
    """Run the job to its end: ``completed`` (the guest now on `dest`) or ``failed`` (an
    aborted job too: the guest still here, running again if a force-complete paused it)."""
    kernel = driver.kernel
    dom = driver._domain(instance)
    job = LiveJob(dom=dom, dest=dest, memory_total=dom.memory_bytes)
    job.finished = kernel.env.event()
    job.started = kernel.now
    job.rate = dirty_rate(driver.config, instance)
    copied = dom.disk_bytes if block_migration and dom.source_type != "volume" else 0
    job.data_gb = data_gb(dom, copied)
    manager = driver.manager
    job.on_postcopy = lambda: manager.db.migration_save(migration, POSTCOPY, manager.actor)
    if driver.live_jobs is None:
        driver.live_jobs = {}
    driver.live_jobs[instance.uuid] = job
    kernel.spawn(
        _monitor(driver, job, migration, instance), name=f"libvirt:{driver.host} monitor {dom.id}"
    )
    stuck_s = driver.config.live_migration_progress_timeout
    if stuck_s and driver.manager.switches.release.version < TIMEOUT_ACTION_SINCE:
        kernel.spawn(
            _progress_watch(driver, job, instance, stuck_s),
            name=f"libvirt:{driver.host} progress {dom.id}",
        )
    link = kernel.io.resource(
        f"link:{driver.host}->{dest.host}", gbit_per_s(driver.config.glance_link_gbit_per_s)
    )
    result = "completed"
    try:
        faults = kernel.faults
        if "nova.libvirt.live_migration" in faults.hot:  # else consulting it does nothing
            yield from faults.pause(
                "nova.libvirt.live_migration", host=driver.host, instance_uuid=dom.id,
                dest=dest.host,
            )  # fmt: skip
        if block_migration and dom.source_type != "volume" and dom.disk_bytes:
            job.disk_total = dom.disk_bytes
            yield from _send(driver, job, dom.disk_bytes, (driver.disk, link, dest.disk), _DISK)
            job.disk_sent = job.disk_total
        passes = 1.0 if dom.power_state == states.POWER_PAUSED or job.postcopy else None
        if job.rate and passes is None:
            yield from _precopy(driver, job, link)
        else:
            job.memory_left = dom.memory_bytes * (
                passes or driver.config.live_migration_memory_passes
            )
            while job.memory_left > 0:
                try:
                    yield from _send(driver, job, job.memory_left, (link,), _MEMORY)
                except _Forced:
                    continue
                job.memory_sent += job.memory_left
                job.memory_left = 0.0
    except _Cancelled:
        result = "failed"  # the guest still ran here when the abort ended it (module doc)
    except Exception:  # noqa: BLE001 - VIR_DOMAIN_JOB_FAILED: the manager rolls back
        # A guest destroyed under the job (a delete) is a job the monitor sees COMPLETED:
        # jobStats' VIR_ERR_NO_DOMAIN/OPERATION_INVALID and find_job_type's "VM is
        # shutoff/missing, migration finished" (17.0.13-34.0.0 guest.py, migration.py).
        result = "gone" if instance.uuid not in driver.domains else "failed"
    finally:
        job.transfer = None
        driver.live_jobs.pop(instance.uuid, None)
        job.finished.succeed()
    if result == "gone":
        return "completed"  # post_method runs, though no guest reached `dest`
    if result != "completed":
        if job.paused_by_force and instance.uuid in driver.domains:
            driver._set_power(dom, states.RUNNING)  # run_recover_tasks: "unpause"
        return result
    # The switch-over: the domain is the destination's now (libvirt resumes it there).
    driver.domains.pop(instance.uuid, None)
    dest.domains[instance.uuid] = dom
    if job.paused_by_force:
        dest._set_power(dom, states.RUNNING)
    return result


def _precopy(driver: Any, job: LiveJob, link: Any) -> Generator:
    """The memory of a guest dirtying `job.rate` bytes/s, pass after pass (see the module
    doc) until a pass's dirt fits in the downtime, a force-complete, or the job's end."""
    kernel = driver.kernel
    total = float(job.memory_total)
    bandwidth = link.capacity
    auto_converge = (
        driver.config.live_migration_permit_auto_converge
        and not driver.config.live_migration_permit_post_copy
    )
    auto_postcopy = (
        driver.config.live_migration_permit_post_copy
        and driver.manager.switches.release.version < TIMEOUT_ACTION_SINCE
    )
    job.memory_left = total
    last = False
    busy_passes = 0
    while job.memory_left > 0:
        size = job.memory_left
        began = kernel.now
        try:
            yield from _send(driver, job, size, (link,), _MEMORY)
        except _Forced:
            last = True  # the rest once: the guest paused, or running on the destination
            continue
        job.memory_sent += size
        now = kernel.now
        if last or job.forced or job.postcopy:
            break
        took = now - began
        dirtied = min(total, job.rate * (1.0 - job.throttle) * took)
        if auto_converge and dirtied > size / 2:
            busy_passes += 1
            if busy_passes >= 2:
                job.throttle = min(0.99, job.throttle + 0.1) if job.throttle else 0.2
        job.memory_left = dirtied
        if dirtied <= bandwidth * downtime_ms(now - job.started, job.data_gb) / 1000:
            last = True  # QEMU stops the guest and sends the rest
        elif auto_postcopy and _no_progress(job, size, began, now, dirtied):
            _switch_to_postcopy(job)
            last = True
    job.memory_left = 0.0


def _no_progress(job: LiveJob, size: float, began: float, now: float, left: float) -> bool:
    """17.x/18.x ``should_switch_to_postcopy`` at the first poll of the next pass: the memory
    left now against the last poll's (within the pass just ended, at its even rate), less than
    10 % lower."""
    polled = job.started + math.floor((now - job.started) / POLL_S) * POLL_S
    if polled < began or now <= began:
        return False
    before = size * (now - polled) / (now - began)
    return not before or round((before - left) * 100 / before) < 10


def _switch_to_postcopy(job: LiveJob) -> None:
    """``trigger_postcopy_switch``: the migration ``running (post-copy)``."""
    job.postcopy = True
    job.on_postcopy()


def _send(driver: Any, job: LiveJob, size: float, path: tuple, label: str) -> Generator:
    """One copy of the job, failed by a destroyed guest, an abort or a force-complete."""
    if job.aborted:
        raise _Cancelled()
    t = driver.kernel.io.transfer(
        int(size), path, label=label, host=driver.host, instance_uuid=job.dom.id,
        dest=job.dest.host,
    )  # fmt: skip
    job.transfer = t
    job.dom.add_transfer(t)
    try:
        yield t.done
    finally:
        job.dom.drop_transfer(t)
        job.transfer = None


def _monitor(driver: Any, job: LiveJob, migration: Any, instance: Any) -> Generator:
    """``_live_migration_monitor``'s ``save_stats``, at once and every interval until the job
    ends: the migration's bytes, and the server's ``progress`` (100 less the memory remaining,
    in percent); and its completion timeout, at the first 0.5 s poll past it."""
    kernel = driver.kernel
    env = kernel.env
    deadline = None
    per_gib = driver.config.live_migration_completion_timeout
    if per_gib:
        limit = int(per_gib * job.data_gb)
        deadline = job.started + (math.floor(limit / POLL_S) + 1) * POLL_S
    while not job.finished.triggered:
        (
            migration.memory_total,
            migration.memory_processed,
            migration.memory_remaining,
            migration.disk_total,
            migration.disk_processed,
            migration.disk_remaining,
        ) = job.progress(kernel.now)
        migration.updated_at = kernel.now
        total = migration.memory_total
        remaining = round(migration.memory_remaining * 100 / total) if total else 100
        if instance.progress != 100 - remaining:
            instance.progress = 100 - remaining
            try:
                instance.save()
            except exception.InstanceNotFound:
                pass
        if deadline is not None and deadline - kernel.now < MONITOR_INTERVAL_S:
            due = kernel.now + MONITOR_INTERVAL_S
            yield env.any_of([env.timeout(deadline - kernel.now), job.finished])
            if job.finished.triggered:
                return
            _timed_out(driver, job, instance, limit)
            deadline = None
            yield env.any_of([env.timeout(due - kernel.now), job.finished])
            continue
        yield env.any_of([env.timeout(MONITOR_INTERVAL_S), job.finished])


def _progress_watch(driver: Any, job: LiveJob, instance: Any, stuck_s: int) -> Generator:
    """17.x/18.x ``should_abort``'s progress timeout, at the monitor's 0.5 s polls: the data
    remaining (memory and disk) against its lowest so far; no new low for `stuck_s` seconds
    aborts the job ("Live migration stuck for N sec"); never in post-copy."""
    kernel = driver.kernel
    env = kernel.env
    watermark = None
    since = kernel.now
    while not job.finished.triggered:
        yield env.any_of([env.timeout(POLL_S), job.finished])
        if job.finished.triggered or job.aborted:
            return
        now = kernel.now
        info = job.progress(now)
        remaining = info[2] + info[5]
        if not watermark or watermark > remaining:
            watermark, since = remaining, now
        if not job.postcopy and now - since > stuck_s:
            driver.manager._log(
                instance.uuid, "warning", f"Live migration stuck for {int(now - since)} sec"
            )
            abort(driver, instance)
            return


def _timed_out(driver: Any, job: LiveJob, instance: Any, limit: int) -> None:
    """``should_trigger_timeout_action`` (never in post-copy) and its action: the job aborted,
    or from 19.0.0 with ``force_complete`` the driver's own force-complete."""
    if job.postcopy or job.aborted:
        return
    manager = driver.manager
    manager._log(instance.uuid, "warning", f"Live migration not completed after {limit} sec")
    if (
        manager.switches.release.version >= TIMEOUT_ACTION_SINCE
        and driver.config.live_migration_timeout_action == "force_complete"
    ):
        force_complete(driver, instance)
    else:
        abort(driver, instance)


def abort(driver: Any, instance: Any) -> None:
    """``live_migration_abort``: ``abortJob`` (`NoActiveMigrationForInstance` without one)."""
    job = (driver.live_jobs or {}).get(instance.uuid)
    if job is None:
        raise exception.NoActiveMigrationForInstance(instance_id=instance.uuid)
    job.aborted = True
    if job.transfer is not None:
        driver.kernel.io.fail(job.transfer, _Cancelled())


def force_complete(driver: Any, instance: Any) -> None:
    """``live_migration_force_complete`` and the monitor's ``run_tasks``: post-copy when
    permitted, else the guest paused; the memory pass under way ends with what it has left
    (at most the guest's memory), sent once."""
    job = (driver.live_jobs or {}).get(instance.uuid)
    if job is None:
        raise exception.NoActiveMigrationForInstance(instance_id=instance.uuid)
    if job.postcopy:
        return  # "Live-migration %s already switched to post-copy mode."
    dom = job.dom
    if driver.config.live_migration_permit_post_copy:
        _switch_to_postcopy(job)
    else:
        job.forced = True
        if dom.power_state == states.RUNNING:
            driver._set_power(dom, states.POWER_PAUSED)
            job.paused_by_force = True
    t = job.transfer
    if t is not None and t.label == _MEMORY and t.state == "running":
        now = driver.kernel.now
        left = t.remaining(now)
        job.memory_sent += t.size - left
        job.memory_left = min(left, float(job.memory_total))
        driver.kernel.io.fail(t, _Forced())
