"""The compute manager as a service: restarts mid-snapshot, ``init_host``, lost casts, hosts,
and the scheduler's placement."""

from __future__ import annotations

from fakecloud.nova import states
from tests.nova.conftest import NovaEnv
from tests.nova.test_create_image_image_backed import snapshot, timed_env


def test_restart_mid_snapshot_kills_the_task_and_clears_task_state():
    env = timed_env()
    sid = env.boot(flavor="2")
    image_id = snapshot(env, sid)
    env.cloud.advance(5.0)  # mid mirror copy
    env.nova.restart_compute("cmp-1", down_s=10.0)
    env.cloud.advance(1.0)
    assert env.server(sid)["OS-EXT-STS:task_state"] == states.IMAGE_PENDING_UPLOAD
    failed = env.cloud.trace.filter(kind="io.fail", label="libvirt.blockRebase")
    assert len(failed) == 1
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert server["OS-EXT-STS:task_state"] is None
    assert server["status"] == "ACTIVE"
    assert env.nova.db.faults.get(sid) is None  # nobody handled an error: the process died
    assert env.glance_image(image_id)["status"] == "queued"  # left as it was (L6)
    assert env.cloud.trace.filter(kind="nova.compute", phase="task killed")
    clear = [e for e in env.cloud.trace.filter(kind="state", subject=sid) if e["t"] >= 16.0]
    assert clear[-1]["actor"] == "nova-compute:cmp-1" and clear[-1]["new"] is None


def test_a_stop_kills_the_task_at_once_and_it_stays_dead_while_down():
    """A stopped nova-compute (the bus's stop, a scenario's ``rpc`` step) is a process that
    is gone: its snapshot task dies at the stop, not at a later restart."""
    env = timed_env()
    sid = env.boot(flavor="2")
    snapshot(env, sid)
    env.cloud.advance(5.0)  # mid mirror copy
    env.kernel.rpc.set_up("compute.cmp-1", False)
    stop = env.cloud.now
    phases = env.cloud.trace.filter(kind="nova.compute", subject="cmp-1")
    assert [(e["phase"], e["t"]) for e in phases[-2:]] == [("stopped", stop), ("task killed", stop)]
    (failed,) = env.cloud.trace.filter(kind="io.fail", label="libvirt.blockRebase")
    assert failed["t"] == stop
    env.cloud.advance(600.0)
    assert env.server(sid)["OS-EXT-STS:task_state"] == states.IMAGE_PENDING_UPLOAD


def test_restart_mid_upload_leaves_the_image_queued_as_glance_restores_it():
    """The dying nova-compute drops its upload connection: Glance's read of the body fails and
    upload()'s catch-all ``_restore``s the image to queued at that instant. Nova never deletes
    it (L6): a leftover queued image."""
    env = timed_env()
    sid = env.boot(flavor="2")
    image_id = snapshot(env, sid)
    env.cloud.advance(24.0)
    assert env.glance_image(image_id)["status"] == "saving"
    env.nova.restart_compute("cmp-1", down_s=5.0)
    env.cloud.run_until_idle()
    stopped = env.cloud.trace.first(kind="nova.compute", phase="stopped")
    restored = env.cloud.trace.filter(kind="state", subject=image_id)[-1]
    assert (restored["old"], restored["new"]) == ("saving", "queued")
    assert restored["t"] == stopped["t"]
    assert env.server(sid)["OS-EXT-STS:task_state"] is None
    assert env.glance_image(image_id)["status"] == "queued"
    assert env.cloud.trace.filter(kind="io.fail", label="glance.upload")


def test_a_cast_to_a_down_compute_waits_and_fails_its_compare_and_swap_after_init_host(
    env: NovaEnv,
):
    sid = env.boot()
    env.nova.restart_compute("cmp-1", down_s=30.0)
    env.cloud.advance(1.0)
    image_id = snapshot(env, sid)
    env.cloud.advance(1.0)
    assert env.server(sid)["OS-EXT-STS:task_state"] == states.IMAGE_SNAPSHOT_PENDING
    # The compute.cmp-1 queue outlives its consumer: the cast waits there.
    assert env.cloud.trace.filter(kind="rpc.queued", method="snapshot_instance")
    assert env.kernel.rpc.queued("compute.cmp-1") == ["snapshot_instance"]
    env.cloud.run_until_idle()
    # init_host cleared image_snapshot_pending first; the queued snapshot_instance then lost
    # its compare-and-swap: UnexpectedTaskStateError, the image deleted, a fault recorded.
    init = env.cloud.trace.first(kind="nova.compute", phase="init_host")
    delivered = env.cloud.trace.first(kind="rpc.deliver", method="snapshot_instance")
    assert init["t"] <= delivered["t"]
    assert env.server(sid)["OS-EXT-STS:task_state"] is None
    assert env.glance_image(image_id) is None
    fault = env.nova.db.fault_latest(sid)
    assert fault.message == (
        f"Conflict updating instance {sid}. Expected: "
        "{'task_state': ['image_snapshot_pending']}. Actual: {'task_state': None}"
    )


def test_init_host_leaves_error_servers_alone(env: NovaEnv):
    sid = env.boot()
    env.nova.force_state(sid, vm_state=states.ERROR, task_state=states.IMAGE_UPLOADING)
    env.nova.restart_compute("cmp-1", down_s=1.0)
    env.cloud.run_until_idle()
    assert env.server(sid)["OS-EXT-STS:task_state"] == states.IMAGE_UPLOADING


def test_init_host_leaves_other_task_states_alone(env: NovaEnv):
    sid = env.boot()
    # _init_instance has no branch for soft-deleting (powering-off is retried:
    # tests/nova/test_init_host_power.py)
    env.nova.force_state(sid, task_state=states.SOFT_DELETING)
    env.nova.restart_compute("cmp-1", down_s=1.0)
    env.cloud.run_until_idle()
    assert env.server(sid)["OS-EXT-STS:task_state"] == states.SOFT_DELETING


def test_servers_spread_over_hosts_deterministically(env: NovaEnv):
    hosts = [env.server(env.boot(f"vm{i}"))["OS-EXT-SRV-ATTR:host"] for i in range(4)]
    assert hosts == ["cmp-1", "cmp-2", "cmp-1", "cmp-2"]


def test_no_host_up_is_no_valid_host(env: NovaEnv):
    """Placement still offers a host that is down; ``ComputeFilter`` drops it, so the reason
    is ``_ensure_sufficient_hosts``' (17.0.13 filter_scheduler.py, 34.0.0 scheduler/manager.py)."""
    for host in env.nova.hosts:
        env.kernel.rpc.set_up(f"compute.{host}", False)
    env.cloud.advance(61.0)  # past service_down_time: down to the servicegroup
    sid = env.boot(wait=False)
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert server["status"] == "ERROR"
    assert server["fault"]["message"] == (
        "No valid host was found. There are not enough hosts available."
    )


def test_each_host_has_its_disk_and_link_resources():
    env = NovaEnv("upstream", {"nova": {"compute_hosts": 3, "disk_throughput_mb_per_s": 50.0}})
    io = env.cloud.io
    assert sorted(env.nova.hosts) == ["cmp-1", "cmp-2", "cmp-3"]
    assert io.resources["disk:cmp-3"].capacity == 50e6
    assert io.resources["link:cmp-3->glance"].capacity == 125e6
    assert env.kernel.rpc.is_up("compute.cmp-3")


def test_zero_max_concurrent_snapshots_means_no_practical_limit():
    # With eventlet 0 means 1000 (with threading, 5: the executor then has 10 workers).
    env = timed_env(max_concurrent_snapshots=0, compute_hosts=1, concurrency_backend="eventlet")
    sids = [env.boot(f"vm{i}", flavor="2") for i in range(7)]
    for sid in sids:
        snapshot(env, sid)
    env.cloud.advance(1.0)
    assert {env.server(s)["OS-EXT-STS:task_state"] for s in sids} == {states.IMAGE_PENDING_UPLOAD}
