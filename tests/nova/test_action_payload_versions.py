"""The payload version of each versioned action notification (``payload_version``): a plain
``InstanceActionPayload``'s the release's (switch ``action_payload_version``), the rebuild's
``InstanceActionRebuildPayload`` (from 18.0.0; 17.x sends a plain one), the rescue's
``InstanceActionRescuePayload`` and prep_resize's ``InstanceActionResizePrepPayload`` their own,
each bumped with ``InstancePayload`` in 18.0.0, 20.0.0 and 31.0.0
(nova/notifications/objects/instance.py at 17.0.0-33.0.0)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

VERSIONED = {"nova": {"notification_format": "versioned"}}


@pytest.mark.parametrize(
    ("profile", "plain", "rebuild", "own"),
    [
        ("nova-17.0.13", "1.5", "1.5", "1.0"),
        ("nova-18.0.0", "1.7", "1.8", "1.2"),
        ("nova-20.0.0", "1.8", "1.9", "1.3"),
        ("upstream", "1.9", "1.10", "1.4"),
    ],
)
def test_each_action_payload_has_its_class_s_version(profile, plain, rebuild, own):
    env = NovaEnv(profile, VERSIONED)
    sid = env.boot()
    mark = len(env.cloud.trace)
    for body in (
        {"rebuild": {"imageRef": env.image.id}},
        {"rescue": None},
        {"unrescue": None},
        {"resize": {"flavorRef": "2"}},
        {"confirmResize": None},
        {"shelve": None},
    ):
        assert env.action(sid, body).status in (200, 202, 204), body
        env.cloud.run_until_idle()
    sent = {
        e["event_type"]: e["payload_version"]
        for e in env.cloud.trace[mark:]
        if e["kind"] == "notification" and e["event_type"].startswith("instance.")
        and e["event_type"] not in ("instance.update", "instance.exists")
    }  # fmt: skip
    assert sent == {
        "instance.rebuild.start": rebuild,
        "instance.rebuild.end": rebuild,
        "instance.rescue.start": own,
        "instance.rescue.end": own,
        "instance.unrescue.start": plain,
        "instance.unrescue.end": plain,
        "instance.resize_prep.start": own,
        "instance.resize_prep.end": own,
        "instance.resize.start": plain,
        "instance.resize.end": plain,
        "instance.resize_finish.start": plain,
        "instance.resize_finish.end": plain,
        "instance.resize_confirm.start": plain,
        "instance.resize_confirm.end": plain,
        "instance.shelve.start": plain,
        "instance.shelve.end": plain,
        "instance.shelve_offload.start": plain,
        "instance.shelve_offload.end": plain,
    }


@pytest.mark.parametrize(("profile", "sent"), [("nova-17.0.13", []), ("nova-18.0.0", ["1.7"] * 2)])
def test_a_lock_is_notified_from_rocky(profile, sent):
    # instance.lock and instance.unlock came with 18.0.0 (102cdb9315, 0b9b37fe9a)
    env = NovaEnv(profile, VERSIONED)
    sid = env.boot()
    mark = len(env.cloud.trace)
    for action in ("lock", "unlock"):
        assert env.action(sid, {action: None}).status == 202
    locks = [
        e["payload_version"]
        for e in env.cloud.trace[mark:]
        if e["kind"] == "notification" and e["event_type"] in ("instance.lock", "instance.unlock")
    ]
    assert locks == sent


def test_rebuild_scheduled_is_published_by_the_destination_s_host():
    # notify_about_instance_rebuild(context, instance, host, ...): the conductor names the
    # host it casts the rebuild to (18.0.0-34.0.0), with the rebuild's payload
    from tests.nova.test_evacuate import down, evacuate

    env = NovaEnv("nova-18.0.0", VERSIONED)
    sid = env.boot()
    assert env.nova.db.instances[sid].host == "cmp-1"
    down(env)
    assert evacuate(env, sid, {"host": "cmp-2"}, mv="2.14").status == 200
    env.cloud.run_until_idle()
    (scheduled,) = env.cloud.trace.filter(event_type="instance.rebuild_scheduled")
    assert (scheduled["actor"], scheduled["payload_version"]) == ("nova-conductor:cmp-2", "1.8")


def test_a_failed_rebuild_s_error_notifications_carry_the_exception():
    # _notify_instance_rebuild_error: legacy rebuild.error with fault=error (exception_to_dict's
    # exception, message, code: the exception its repr, Python 2's before 21.0.0) and versioned
    # instance.rebuild.error with exception=error
    from tests.nova.test_rebuild_allocation import _fail_a_rebuild

    env = NovaEnv("nova-17.0.13")
    sid = env.boot()
    _fail_a_rebuild(env, sid)
    message = "The current driver does not support preserving ephemeral partitions."
    (legacy,) = env.cloud.trace.filter(event_type="compute.instance.rebuild.error")
    assert (legacy["priority"], legacy["exception"], legacy["message"], legacy["code"]) == (
        "ERROR",
        f"PreserveEphemeralNotSupported(u'{message}',)",
        message,
        400,
    )
    (versioned,) = env.cloud.trace.filter(event_type="instance.rebuild.error")
    assert (versioned["payload_version"], versioned["fault"]) == (
        "1.5",
        {"exception": "PreserveEphemeralNotSupported", "exception_message": message},
    )
