"""What a delete notifies, and where: nova-compute's ``_delete_instance`` (legacy and versioned
``delete.*``, with ``_shutdown_instance``'s ``shutdown.*`` inside, nova 17.0.0-34.0.0
compute/manager.py) and nova-api's own delete of a server with no host or a down compute
(``notify_about_instance_delete``: versioned too from 19.0.0, d3097e52b3)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv
from tests.nova.test_evacuate import down

VERSIONED = {"nova": {"notification_format": "versioned"}}


def _sent(env: NovaEnv, mark: int) -> list[tuple[str, str, str | None, str | None]]:
    """(publisher, event type, payload version, vm_state) of each notification from `mark`."""
    return [
        (e["actor"], e["event_type"], e.get("payload_version"), e["state"])
        for e in env.cloud.trace[mark:]
        if e["kind"] == "notification" and e["event_type"] != "instance.update"
    ]


def _delete(env: NovaEnv, sid: str, action: str | None = None) -> int:
    mark = len(env.cloud.trace)
    if action is None:
        assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    else:
        assert env.action(sid, {action: None}, user="admin").status == 202
    env.cloud.run_until_idle()
    return mark


def test_a_queens_terminate_notifies_delete_around_shutdown_in_both_formats():
    env = NovaEnv("nova-17.0.13")
    sid = env.boot()
    mark = _delete(env, sid)
    legacy, versioned = "compute.cmp-1", "nova-compute:cmp-1"
    assert _sent(env, mark) == [
        (legacy, "compute.instance.delete.start", None, "active"),
        (versioned, "instance.delete.start", "1.5", "active"),
        (legacy, "compute.instance.shutdown.start", None, "active"),
        (versioned, "instance.shutdown.start", "1.5", "active"),
        (legacy, "compute.instance.shutdown.end", None, "active"),
        (versioned, "instance.shutdown.end", "1.5", "active"),
        # _delete_instance saved vm_state deleted, no task, before the row's destroy
        (legacy, "compute.instance.delete.end", None, "deleted"),
        (versioned, "instance.delete.end", "1.5", "deleted"),
    ]
    shutdown, *_, end = [
        e
        for e in env.cloud.trace[mark:]
        if e["kind"] == "notification" and e["format"] == "versioned"
    ]
    assert (shutdown["task_state"], shutdown["fault"]) == ("deleting", None)
    assert (end["task_state"], end["fault"]) == (None, None)
    (legacy_end,) = env.cloud.trace.filter(event_type="compute.instance.delete.end")
    assert legacy_end["state_description"] == ""


@pytest.mark.parametrize(
    ("profile", "version"), [("nova-18.0.0", "1.7"), ("nova-20.0.0", "1.8"), ("upstream", "1.9")]
)
def test_the_delete_payload_version_follows_the_release(profile, version):
    env = NovaEnv(profile, VERSIONED)
    sid = env.boot()
    mark = _delete(env, sid)
    assert [(t, v) for _, t, v, _ in _sent(env, mark)] == [
        ("instance.delete.start", version),
        ("instance.shutdown.start", version),
        ("instance.shutdown.end", version),
        ("instance.delete.end", version),
    ]


@pytest.mark.parametrize(("profile", "versioned"), [("nova-18.0.0", False), ("nova-19.0.0", True)])
def test_the_api_s_own_delete_is_versioned_from_stein(profile, versioned):
    # compute down: _local_delete within notify_about_instance_delete, from nova-api; the
    # versioned pair from 19.0.0 (d3097e52b3), each after its legacy twin
    env = NovaEnv(profile, {"nova": {"notification_format": "both"}})
    sid = env.boot()
    down(env)
    mark = _delete(env, sid)
    api = env.kernel.config.nova.api_host
    start = [(f"nova-api:{api}", "instance.delete.start", "1.7", "active")] if versioned else []
    end = [(f"nova-api:{api}", "instance.delete.end", "1.7", "deleted")] if versioned else []
    assert _sent(env, mark) == [
        (f"compute.{api}", "compute.instance.delete.start", None, "active"),
        *start,
        (f"compute.{api}", "compute.instance.delete.end", None, "deleted"),
        *end,
    ]


def test_a_local_force_delete_stays_legacy():
    # notify_about_instance_delete sends a versioned one for 'delete' and 'soft_delete' only
    env = NovaEnv("nova-33.0.0", {"nova": {"notification_format": "both"}})
    sid = env.boot()
    down(env)
    mark = _delete(env, sid, "forceDelete")
    assert [t for _, t, _, _ in _sent(env, mark)] == [
        "compute.instance.force_delete.start",
        "compute.instance.force_delete.end",
    ]


@pytest.mark.parametrize(
    ("error", "addressed"), [("LibvirtError", False), ("InstancePowerOffFailure", True)]
)
def test_a_failed_shutdown_sends_no_end_and_errs_the_server(error, addressed):
    # _shutdown_instance: driver.destroy raises after shutdown.start; the network is
    # deallocated unless the guest could not be powered off; do_terminate_instance puts the
    # server in ERROR and terminate_instance's decorators send the error's notifications
    from tests.nova.test_action_failure_order import _steps

    env = NovaEnv("nova-17.0.13")
    server = {"name": "vm", "flavorRef": "1", "imageRef": env.image.id, "networks": "auto"}
    made = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.37")
    sid = made.json()["server"]["id"]
    env.cloud.run_until_idle()
    assert env.server(sid)["addresses"]
    env.cloud.faults.add("nova.libvirt.destroy", error=error, times=1)
    mark = _delete(env, sid)
    assert _steps(env, sid, mark) == [
        "compute.instance.delete.start",
        "instance.delete.start",
        "compute.instance.shutdown.start",
        "instance.shutdown.start",
        "vm_state error",
        "fault",
        "event Error",
        "task_state None",
        "terminate_instance",
        "compute.exception",
    ]
    assert env.server(sid)["status"] == "ERROR"
    assert bool(env.server(sid)["addresses"]) is addressed
    # the guest still runs; a second delete destroys it and ends as any other
    mark = _delete(env, sid)
    assert [t for _, t, _, _ in _sent(env, mark)][-2:] == [
        "compute.instance.delete.end",
        "instance.delete.end",
    ]


def _deleted_at(env: NovaEnv, sid: str, task_state: str) -> int:
    """Advance the cloud until the build of `sid` reaches `task_state`, delete it there; the
    trace's length at the delete."""
    while env.nova.db.instances[sid].task_state != task_state:
        env.cloud.advance(0.05)
    mark = len(env.cloud.trace)
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    env.cloud.run_until_idle()
    return mark


def test_a_build_deleted_in_its_mappings_shuts_down_then_sends_create_error():
    # the spawning save inside _build_resources' yield finds the delete: its except runs
    # _shutdown_instance (the volume's attachment deleted), then _build_and_run_instance sends
    # create.error with the error; the terminate that waited for the lock deletes it as ever,
    # its own attachment delete a 404 Nova ignores
    env = NovaEnv("nova-17.0.13")
    sid = env.boot(bfv=True, wait=False)
    mark = _deleted_at(env, sid, "block_device_mapping")
    steps = [
        e.get("event_type") or f"{e['call']} {e['status']}"
        for e in env.cloud.trace[mark:]
        if e["kind"] == "notification"
        or (e["kind"] == "http.response" and e["call"] == "attachment_delete")
    ]
    assert steps == [
        "compute.instance.shutdown.start",
        "instance.shutdown.start",
        "attachment_delete 200",
        "compute.instance.shutdown.end",
        "instance.shutdown.end",
        "compute.instance.create.error",
        "instance.create.error",
        "compute.instance.delete.start",
        "instance.delete.start",
        "compute.instance.shutdown.start",
        "instance.shutdown.start",
        "attachment_delete 404",
        "compute.instance.shutdown.end",
        "instance.shutdown.end",
        "compute.instance.delete.end",
        "instance.delete.end",
    ]
    (error,) = env.cloud.trace.filter(event_type="compute.instance.create.error")
    assert error["priority"] == "ERROR"
    assert error["exception"].startswith('UnexpectedDeletingTaskStateError(u"Conflict updating')
    assert error["message"].startswith(f"Conflict updating instance {sid}.")


def test_a_build_deleted_while_spawning_sends_create_error_alone():
    # the last save, after _build_resources: create.error, no _shutdown_instance
    env = NovaEnv("nova-17.0.13")
    env.cloud.faults.add("nova.libvirt.spawn", action="delay", delay_s=5.0, times=1)
    sid = env.boot(wait=False)
    mark = _deleted_at(env, sid, "spawning")
    sent = [t for _, t, _, _ in _sent(env, mark)]
    assert sent[: sent.index("compute.instance.delete.start") + 1] == [
        "compute.instance.create.error",
        "instance.create.error",
        "compute.instance.delete.start",
    ]


@pytest.mark.parametrize(("profile", "message"), [("nova-17.0.11", "boom"), ("nova-17.0.13", None)])
def test_a_failed_spawn_s_create_error_carries_the_error(profile, message):
    # _build_and_run_instance's catch-all: create.error with fault=e (exception_to_dict: the
    # exception (its repr, Python 2's), a foreign exception's text before LP #1837877's fix
    # (17.0.12) and its class name after, code 500), before the reschedule
    env = NovaEnv(profile, {"nova": {"compute_hosts": 2}})
    env.cloud.faults.add("nova.libvirt.spawn", error="LibvirtError", message="boom", times=1)
    env.boot()
    (error,) = env.cloud.trace.filter(event_type="compute.instance.create.error")
    assert (error["exception"], error["message"], error["code"]) == (
        "libvirtError('boom',)",
        message or "libvirtError",
        500,
    )


def test_the_save_before_the_destroy_is_notified_on_state_change():
    # _delete_instance saves vm_state deleted, no task, before instance.destroy(): with
    # notify_on_state_change that save's instance.update comes before delete.end
    env = NovaEnv("nova-17.0.13", {"nova": {"notify_on_state_change": "vm_state"}})
    sid = env.boot()
    mark = _delete(env, sid)
    updates = [
        (e["actor"], e["old_state"], e["state"])
        for e in env.cloud.trace[mark:]
        if e["kind"] == "notification" and e["event_type"] == "compute.instance.update"
    ]
    assert updates[-1] == ("compute.cmp-1", "active", "deleted")
    sent = [e["event_type"] for e in env.cloud.trace[mark:] if e["kind"] == "notification"]
    assert sent[-4:] == [
        "compute.instance.update",
        "instance.update",
        "compute.instance.delete.end",
        "instance.delete.end",
    ]
