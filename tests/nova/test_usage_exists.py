"""Usage audit notifications: ``compute_utils.notify_usage_exists(current_period=True)`` as
nova 17.0.13, 22.4.0 and 34.0.0 send it (``compute/utils.py``; callers in
``compute/manager.py``): ``_shelve_instance`` before ``shelve.start``, ``rescue_instance`` once
the rescue guest runs, ``_do_rebuild_instance`` before ``rebuild.start``, ``prep_resize`` (20.0.0
on: ``_send_prep_resize_notifications``) before ``resize.prep.start``, ``revert_resize`` first
thing on the destination. fakecloud sent none."""

from __future__ import annotations

import datetime

import pytest

from tests.nova.conftest import NovaEnv


def _sent(env: NovaEnv) -> list[dict]:
    return [
        e
        for e in env.cloud.trace.filter(kind="notification")
        if e["event_type"].endswith(".exists") or e["event_type"].endswith("shelve.start")
    ]


@pytest.mark.parametrize(
    ("profile", "bandwidth", "version"),
    [
        ("nova-17.0.13", {}, None),  # instance.exists transformed in 18.0.0 (e7bdd19f0e)
        ("nova-24.2.1", {}, "1.2"),  # bandwidth {} and [] (9d1683f70f, 23.0.0: as constants)
        ("upstream", None, "2.1"),  # both bandwidths dropped in 25.0.0 (2b02b66bae)
    ],
)
def test_shelve_sends_usage_exists_before_shelve_start(profile, bandwidth, version):
    env = NovaEnv(profile, {"nova": {"notification_format": "both"}})
    sid = env.boot()
    env.action(sid, {"shelve": None})
    env.cloud.run_until_idle()
    sent = _sent(env)
    names = [e["event_type"] for e in sent]
    assert names == [
        "compute.instance.exists",
        *(["instance.exists"] if version else []),
        "compute.instance.shelve.start",
        "instance.shelve.start",
    ]
    legacy = sent[0]
    assert (legacy["instance_id"], legacy["state"], legacy["state_description"]) == (
        sid,
        "active",
        "shelving",
    )
    # The month so far: from the 1st at 00:00 to the notification's instant (str(datetime)).
    now = str(datetime.datetime(2026, 1, 1) + datetime.timedelta(seconds=legacy["t"]))
    assert legacy["t"] % 1 and "." in now  # str() shows the microseconds then
    assert (legacy["audit_period_beginning"], legacy["audit_period_ending"]) == (
        "2026-01-01 00:00:00",
        now,
    )
    assert legacy.get("bandwidth") == bandwidth
    if version:
        versioned = sent[1]
        assert versioned["payload_version"] == version
        assert versioned["audit_period"] == {
            "audit_period_beginning": "2026-01-01T00:00:00Z",
            "audit_period_ending": now[:19].replace(" ", "T") + "Z",
        }
        assert versioned.get("bandwidth") == ([] if version < "2.0" else None)


def test_rebuild_rescue_resize_and_revert_send_usage_exists():
    env = NovaEnv("upstream")
    sid = env.boot()
    env.action(sid, {"rebuild": {"imageRef": env.image.id}})
    env.cloud.run_until_idle()
    env.action(sid, {"rescue": None})
    env.cloud.run_until_idle()
    env.action(sid, {"unrescue": None})
    env.cloud.run_until_idle()
    env.action(sid, {"resize": {"flavorRef": "2"}})
    env.cloud.run_until_idle()
    env.action(sid, {"revertResize": None})
    env.cloud.run_until_idle()
    usage = [
        (e["event_type"], e["state"], e["state_description"])
        for e in env.cloud.trace.filter(kind="notification")
        if e["event_type"]
        in (
            "compute.instance.exists",
            "compute.instance.rebuild.start",
            "compute.instance.rescue.end",
            "compute.instance.resize.prep.start",
            "compute.instance.resize.revert.start",
        )
    ]
    assert usage == [
        ("compute.instance.exists", "active", "rebuilding"),
        ("compute.instance.rebuild.start", "active", "rebuilding"),
        ("compute.instance.exists", "active", "rescuing"),
        ("compute.instance.rescue.end", "rescued", ""),
        ("compute.instance.exists", "active", "resize_prep"),
        ("compute.instance.resize.prep.start", "active", "resize_prep"),
        ("compute.instance.exists", "resized", "resize_reverting"),
        ("compute.instance.resize.revert.start", "resized", "resize_reverting"),
    ]
