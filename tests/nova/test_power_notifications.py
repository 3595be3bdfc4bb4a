"""The versioned notifications of a reboot, a stop and a start: ``instance.reboot.*``,
``instance.power_off.*`` and ``instance.power_on.*`` (``notify_about_instance_action``, an
``InstanceActionPayload`` from ``nova-compute``, each after its legacy twin; nova 17.0.0-34.0.0
compute/manager.py ``_reboot_instance``, ``stop_instance``, ``start_instance``), the payload's
version the release's (switch ``action_payload_version``)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

VERSIONED = {"nova": {"notification_format": "versioned"}}


def _sent(env: NovaEnv, mark: int) -> list[tuple[str, str, str | None, str | None]]:
    """(event type, format, payload version, task state) of each notification from `mark`."""
    return [
        (e["event_type"], e["format"], e.get("payload_version"), e.get("task_state"))
        for e in env.cloud.trace[mark:]
        if e["kind"] == "notification" and e["event_type"] != "instance.update"
    ]


def test_queens_sends_both_formats_around_a_stop_a_start_and_a_reboot():
    env = NovaEnv("nova-17.0.13")
    sid = env.boot()
    host = env.nova.db.instances[sid].host
    mark = len(env.cloud.trace)
    for body in ({"os-stop": None}, {"os-start": None}, {"reboot": {"type": "HARD"}}):
        assert env.action(sid, body).status == 202
        env.cloud.run_until_idle()
    assert _sent(env, mark) == [
        ("compute.instance.power_off.start", "unversioned", None, None),
        ("instance.power_off.start", "versioned", "1.5", "powering-off"),
        ("compute.instance.power_off.end", "unversioned", None, None),
        ("instance.power_off.end", "versioned", "1.5", None),
        ("compute.instance.power_on.start", "unversioned", None, None),
        ("instance.power_on.start", "versioned", "1.5", "powering-on"),
        ("compute.instance.power_on.end", "unversioned", None, None),
        ("instance.power_on.end", "versioned", "1.5", None),
        ("compute.instance.reboot.start", "unversioned", None, None),
        ("instance.reboot.start", "versioned", "1.5", "reboot_pending_hard"),
        ("compute.instance.reboot.end", "unversioned", None, None),
        ("instance.reboot.end", "versioned", "1.5", None),
    ]
    (end,) = env.cloud.trace.filter(kind="notification", event_type="instance.reboot.end")
    assert (end["actor"], end["priority"], end["instance_id"], end["state"], end["fault"]) == (
        f"nova-compute:{host}",
        "INFO",
        sid,
        "active",
        None,
    )


# The last release before each change is checked at the switch (action_payload_version in
# tests/kernel/test_profiles_releases.py); here, that the payload carries the switch's value.
@pytest.mark.parametrize(
    ("profile", "version"),
    [("nova-18.0.0", "1.7"), ("nova-20.0.0", "1.8"), ("nova-31.0.0", "1.9"), ("upstream", "1.9")],
)
def test_the_reboot_payload_version_follows_the_release(profile, version):
    env = NovaEnv(profile, VERSIONED)
    sid = env.boot()
    mark = len(env.cloud.trace)
    assert env.action(sid, {"reboot": {"type": "SOFT"}}).status == 202
    env.cloud.run_until_idle()
    assert _sent(env, mark) == [
        ("instance.reboot.start", "versioned", version, "reboot_pending"),
        ("instance.reboot.end", "versioned", version, None),
    ]


def test_none_are_versioned_by_default_from_train():
    env = NovaEnv("nova-20.0.0")
    sid = env.boot()
    mark = len(env.cloud.trace)
    assert env.action(sid, {"os-stop": None}).status == 202
    env.cloud.run_until_idle()
    assert [s[:2] for s in _sent(env, mark)] == [
        ("compute.instance.power_off.start", "unversioned"),
        ("compute.instance.power_off.end", "unversioned"),
    ]


def test_a_pause_and_a_suspend_send_theirs_too():
    # pause_instance, unpause_instance, suspend_instance, resume_instance: the same
    # notify_about_instance_action after each legacy notification (17.0.0-34.0.0)
    env = NovaEnv("nova-31.0.0", VERSIONED)
    sid = env.boot()
    mark = len(env.cloud.trace)
    for action in ("pause", "unpause", "suspend", "resume"):
        assert env.action(sid, {action: None}).status == 202
        env.cloud.run_until_idle()
    assert [(s[0], s[2]) for s in _sent(env, mark)] == [
        (f"instance.{action}.{phase}", "1.9")
        for action in ("pause", "unpause", "suspend", "resume")
        for phase in ("start", "end")
    ]


@pytest.mark.parametrize("profile", ["nova-17.0.13", "nova-20.0.0"])
def test_a_hard_reboot_whose_guest_libvirt_cannot_kill_is_only_an_error_notification(profile):
    # _hard_reboot's destroy fails and the guest runs on ('Reboot failed but instance is
    # running', 17.0.0-34.0.0): a fault, legacy reboot.error with exception_to_dict's keys
    # (fault=error), versioned instance.reboot.error with the exception, then reboot.end;
    # the server ACTIVE, the action's event a success
    env = NovaEnv(profile, {"nova": {"notification_format": "both"}})
    sid = env.boot()
    env.cloud.faults.add(
        "nova.libvirt.hard_reboot",
        error="LibvirtError",
        message="Failed to terminate process 4242 with SIGKILL: Device or resource busy",
        match={"step": "destroy"},
    )
    mark = len(env.cloud.trace)
    assert env.action(sid, {"reboot": {"type": "HARD"}}).status == 202
    env.cloud.run_until_idle()
    version = "1.5" if profile == "nova-17.0.13" else "1.8"
    assert _sent(env, mark) == [
        ("compute.instance.reboot.start", "unversioned", None, None),
        ("instance.reboot.start", "versioned", version, "reboot_pending_hard"),
        ("compute.instance.reboot.error", "unversioned", None, None),
        ("instance.reboot.error", "versioned", version, "reboot_started_hard"),
        ("compute.instance.reboot.end", "unversioned", None, None),
        ("instance.reboot.end", "versioned", version, None),
    ]
    (legacy,) = env.cloud.trace.filter(event_type="compute.instance.reboot.error")
    # a foreign exception's message is its class name since LP #1837877's fix (17.0.11); the
    # exception its repr on Python 2 (libvirt's message a str)
    assert (legacy["priority"], legacy["exception"], legacy["message"], legacy["code"]) == (
        "ERROR",
        "libvirtError('Failed to terminate process 4242 with SIGKILL: Device or resource busy',)",
        "libvirtError",
        500,
    )
    assert (legacy["state"], legacy["state_description"]) == ("active", "reboot_started_hard")
    (versioned,) = env.cloud.trace.filter(event_type="instance.reboot.error")
    assert (versioned["priority"], versioned["fault"]) == (
        "ERROR",
        {
            "exception": "libvirtError",
            "exception_message": "Failed to terminate process 4242 with SIGKILL: Device or "
            "resource busy",
        },
    )
    shown = env.server(sid)
    assert (shown["status"], shown["OS-EXT-STS:power_state"], "fault" in shown) == (
        "ACTIVE",
        1,
        False,
    )
    assert env.nova.db.fault_latest(sid).message == "libvirtError"
    (event,) = env.nova.db.actions[sid][-1].events
    assert (event.event, event.result) == ("compute_reboot_instance", "Success")


def test_a_hard_reboot_whose_guest_does_not_start_again_is_an_error():
    # _create_guest_with_network fails after the destroy: the guest is off, so 'Cannot reboot
    # instance', ERROR, and the decorators' fault and notifications; no reboot.error
    env = NovaEnv("nova-20.0.0", VERSIONED)
    sid = env.boot()
    env.cloud.faults.add("nova.libvirt.hard_reboot", error="LibvirtError", match={"step": "create"})
    mark = len(env.cloud.trace)
    assert env.action(sid, {"reboot": {"type": "HARD"}}).status == 202
    env.cloud.run_until_idle()
    assert [s[0] for s in _sent(env, mark)] == ["instance.reboot.start", "compute.exception"]
    shown = env.server(sid)
    # _set_instance_obj_error_state saves no power state: the one read as the reboot began
    # (RUNNING) stays until the power-state sync, though the driver has the guest shut down
    assert (shown["status"], shown["OS-EXT-STS:power_state"], shown["fault"]["message"]) == (
        "ERROR",
        1,
        "libvirtError",
    )
    row = env.nova.db.instances[sid]
    assert env.nova.hosts[row.host].driver.get_info(row) == 4
