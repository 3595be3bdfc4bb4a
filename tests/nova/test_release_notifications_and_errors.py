"""What a release changes in the messages users read: the 500 body, which notifications are
sent and their payload versions, the snapshot time log and the policy defaults — each checked at
the release before and the release after its change."""

import pytest

from tests.nova.conftest import REPORT_A_BUG, NovaEnv


def _snapshot(profile: str, config: dict | None = None) -> NovaEnv:
    env = NovaEnv(profile, config)
    sid = env.boot()
    assert env.create_image(sid).status == 202
    env.cloud.run_until_idle()
    return env


def _notifications(env: NovaEnv, **match) -> list[dict]:
    return env.cloud.trace.filter(kind="notification", **match)


@pytest.mark.parametrize(
    ("profile", "support"),
    [("nova-33.0.2", REPORT_A_BUG), ("nova-34.0.0", "Please contact the administrator")],
)
def test_the_500_body_asks_for_a_bug_report_until_34_0_0(profile, support):
    env = NovaEnv(profile)
    sid = env.boot()
    env.cloud.faults.add("image_api.create", error=409)
    resp = env.create_image(sid)
    assert resp.status == 500
    assert resp.json()["computeFault"]["message"] == (
        f"Unexpected API Error. {support}\n<class 'glanceclient.exc.HTTPConflict'>"
    )


@pytest.mark.parametrize(
    ("profile", "formats"),
    [("nova-19.3.2", {"unversioned", "versioned"}), ("nova-20.0.0", {"unversioned"})],
)
def test_queens_to_stein_send_both_notification_formats(profile, formats):
    env = _snapshot(profile)
    sent = {e["format"] for e in _notifications(env) if "snapshot" in e["event_type"]}
    assert sent == formats


# The last release before each change is checked at the switch (snapshot_payload_version in
# tests/kernel/test_profiles_releases.py); here, that the payload carries the switch's value.
@pytest.mark.parametrize(
    ("profile", "version"),
    [
        ("nova-17.0.13", "1.6"),
        ("nova-18.0.0", "1.8"),
        ("nova-20.0.0", "1.9"),
        ("nova-31.0.0", "1.10"),
    ],
)
def test_the_snapshot_payload_version_follows_the_release(profile, version):
    env = _snapshot(profile, {"nova": {"notification_format": "versioned"}})
    (start,) = _notifications(env, event_type="instance.snapshot.start")
    (end,) = _notifications(env, event_type="instance.snapshot.end")
    assert start["payload_version"] == end["payload_version"] == version


@pytest.mark.parametrize(
    ("profile", "version", "fault"),
    [("nova-17.0.11", "1.0", "qemu-img: /var/lib/nova/x: error"), ("nova-18.2.2", "1.1", None)],
)
def test_the_exception_payload_gains_the_traceback_in_18_0_0(profile, version, fault):
    """And LP #1837877 (CVE-2019-14433, fixed in 17.0.12, 18.2.2, 19.0.2, 20.0.0): until the
    fix, a non-Nova exception's instance fault shows its text, not only its class name."""
    env = NovaEnv(profile, {"nova": {"notification_format": "versioned"}})
    sid = env.boot()
    message = "qemu-img: /var/lib/nova/x: error"
    env.cloud.faults.add("nova.libvirt.extract", error="LibvirtError", message=message)
    assert env.create_image(sid).status == 202
    env.cloud.run_until_idle()
    (error,) = _notifications(env, event_type="compute.exception")
    assert (error["payload_version"], error["function_name"]) == (version, "snapshot_instance")
    # The libvirt bindings' class is libvirt.libvirtError: that is the name Nova shows.
    assert error["exception"] == "libvirtError"
    assert env.nova.db.fault_latest(sid).message == (fault or "libvirtError")


def test_an_explicit_notification_format_wins_over_the_release_default():
    env = _snapshot("nova-17.0.13", {"nova": {"notification_format": "unversioned"}})
    assert {e["format"] for e in _notifications(env)} == {"unversioned"}


@pytest.mark.parametrize(("profile", "logged"), [("nova-17.0.13", False), ("nova-18.0.0", True)])
def test_the_hypervisor_time_log_came_in_18_0_0(profile, logged):
    env = _snapshot(profile)
    took = [
        e
        for e in env.cloud.trace.filter(kind="log")
        if e["message"].endswith("seconds to snapshot the instance on the hypervisor.")
    ]
    assert len(took) == int(logged)


@pytest.mark.parametrize(("profile", "status"), [("nova-26.3.0", 202), ("nova-27.0.0", 403)])
def test_readers_pass_novas_policy_until_27_0_0_enforces_the_new_defaults(profile, status):
    """21.0.0-26.x register the new personas but keep the deprecated admin_or_owner rule OR-ed in
    ([oslo_policy] enforce_new_defaults defaults to False), and the series' Glance (25.x) does
    not enforce its new defaults either (from 26.0.0, glance/api/policy.py): the reader's
    snapshot is made; 27.0.0 enforces the new defaults and Nova refuses."""
    env = NovaEnv(profile)
    sid = env.boot()
    resp = env.create_image(sid, user="demo-reader")
    assert resp.status == status, resp.json()
    if status == 403:
        assert resp.json()["forbidden"]["message"] == (
            "Policy doesn't allow os_compute_api:servers:create_image to be performed."
        )


def test_a_bad_notification_format_is_a_clear_error():
    from fakecloud.errors import ConfigError

    with pytest.raises(ConfigError, match="notification_format must be one of unversioned"):
        NovaEnv("seed", {"nova": {"notification_format": "json"}})
