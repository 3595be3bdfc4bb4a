"""What a volume attach and detach notify on the host (nova 17.0.0-34.0.0 compute/manager.py
``_attach_volume``, ``_detach_volume``): versioned ``instance.volume_attach.start``, the legacy
``compute.instance.volume.attach`` once attached, then ``instance.volume_attach.end`` (or
``instance.volume_attach.error`` with the fault); the detach likewise, with no error one.
``InstanceActionVolumePayload``: 1.3, 1.5 (18.0.0), 1.6 (20.0.0), 1.7 (31.0.0)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv
from tests.nova.test_volume_attach_detach import _attach, _cinder, _detach, _volume


def _sent(env: NovaEnv, mark: int) -> list[tuple[str, str | None, str | None]]:
    """(event type, payload version, volume id) of each notification from `mark`."""
    return [
        (e["event_type"], e.get("payload_version"), e.get("volume_id"))
        for e in env.cloud.trace[mark:]
        if e["kind"] == "notification" and e["event_type"] != "instance.update"
    ]


@pytest.mark.parametrize(
    ("profile", "version"),
    [
        ("nova-17.0.13", "1.3"),
        ("nova-18.0.0", "1.5"),
        ("nova-20.0.0", "1.6"),
        ("nova-31.0.0", "1.7"),
    ],
)
def test_an_attach_and_a_detach_notify_around_the_legacy_ones(profile, version):
    env = NovaEnv(profile, {"nova": {"notification_format": "both"}})
    sid = env.boot()
    vid = _volume(env)
    mark = len(env.cloud.trace)
    assert _attach(env, sid, {"volumeId": vid}).status == 200
    env.cloud.run_until_idle()
    assert _detach(env, sid, vid).status == 202
    env.cloud.run_until_idle()
    assert _sent(env, mark) == [
        ("instance.volume_attach.start", version, vid),
        ("compute.instance.volume.attach", None, vid),
        ("instance.volume_attach.end", version, vid),
        ("instance.volume_detach.start", version, vid),
        ("compute.instance.volume.detach", None, vid),
        ("instance.volume_detach.end", version, vid),
    ]
    for sent in env.cloud.trace.filter(kind="notification", format="versioned"):
        assert (sent["actor"], sent["instance_id"], sent["fault"]) == (
            "nova-compute:cmp-1",
            sid,
            None,
        )


def test_a_failed_attach_sends_the_error_with_its_fault_and_no_legacy_one():
    # no legacy volume.attach; attach_volume's wrap_exception, outside its fault and event,
    # sends the legacy attach_volume error (its args: the instance; the mapping an object) and
    # compute.exception
    env = NovaEnv("nova-17.0.13")
    sid = env.boot()
    vid = _volume(env)
    env.cloud.faults.add("volume_api.attachment_complete", error=500, times=1)
    mark = len(env.cloud.trace)
    assert _attach(env, sid, {"volumeId": vid}).status == 200
    env.cloud.run_until_idle()
    assert [t for t, _, _ in _sent(env, mark)] == [
        "instance.volume_attach.start",
        "instance.volume_attach.error",
        "attach_volume",
        "compute.exception",
    ]
    (legacy,) = env.cloud.trace.filter(event_type="attach_volume")
    assert (legacy["actor"], legacy["priority"], legacy["args"]) == (
        "compute.cmp-1",
        "ERROR",
        {"instance": sid},
    )
    # its payload: the exception, serialized as its repr (cinderclient's holds no args), and
    # the args, nothing else (_emit_legacy_exception_notification)
    assert (legacy["exception"], "message" in legacy) == ("ClientException()", False)
    (versioned,) = env.cloud.trace.filter(event_type="compute.exception")
    assert (versioned["function_name"], versioned["exception"]) == (
        "attach_volume",
        "ClientException",
    )
    (error,) = env.cloud.trace.filter(event_type="instance.volume_attach.error")
    assert (error["priority"], error["payload_version"]) == ("ERROR", "1.3")
    # ExceptionPayload.from_exception: the class name and str(), whatever the instance fault
    # keeps of a foreign exception (its class name from LP #1837877's fix)
    assert error["fault"] == {
        "exception": "ClientException",
        "exception_message": "Internal Server Error (HTTP 500)",
    }
    assert env.nova.db.fault_latest(sid).message == "ClientException"


def test_a_failed_detach_sends_wrap_exception_s_pair():
    # detach_volume: volume_detach.start, no error one of its own; its fault, then
    # wrap_exception's legacy detach_volume (args in the cast's order) and compute.exception
    env = NovaEnv("nova-33.0.0", {"nova": {"notification_format": "both"}})
    sid = env.boot()
    vid = _volume(env)
    assert _attach(env, sid, {"volumeId": vid}).status == 200
    env.cloud.run_until_idle()
    env.cloud.faults.add("volume_api.attachment_delete", error=400, times=1)
    mark = len(env.cloud.trace)
    assert _detach(env, sid, vid).status == 202
    env.cloud.run_until_idle()
    assert [t for t, _, _ in _sent(env, mark)] == [
        "instance.volume_detach.start",
        "detach_volume",
        "compute.exception",
    ]
    (legacy,) = env.cloud.trace.filter(event_type="detach_volume")
    assert list(legacy["args"]) == ["instance", "volume_id", "attachment_id"]
    assert (legacy["args"]["instance"], legacy["args"]["volume_id"]) == (sid, vid)
    assert env.nova.db.fault_latest(sid).message == "Invalid input received: Bad Request (HTTP 400)"


def test_a_rebuild_notifies_each_attached_volume_s_detach():
    # rebuild_instance's detach_block_devices: a new attachment first, then _detach_volume
    # (destroy_bdm=False) with its versioned start, the old attachment's delete, the legacy
    # volume.detach and the versioned end; attached again with no attach notification
    env = NovaEnv("nova-17.0.13")
    sid = env.boot()
    vid = _volume(env)
    assert _attach(env, sid, {"volumeId": vid}).status == 200
    env.cloud.run_until_idle()
    mark = len(env.cloud.trace)
    assert env.action(sid, {"rebuild": {"imageRef": env.image.id}}).status == 202
    env.cloud.run_until_idle()
    sent = [
        e.get("event_type") or e["call"]
        for e in env.cloud.trace[mark:]
        if (e["kind"] == "notification" and "volume" in e["event_type"])
        or (e["kind"] == "http.request" and e.get("call", "").startswith("attachment_"))
    ]
    assert sent == [
        "attachment_create",
        "instance.volume_detach.start",
        "attachment_delete",
        "compute.instance.volume.detach",
        "instance.volume_detach.end",
        "attachment_update",
        "attachment_complete",
    ]
    assert env.server(sid)["status"] == "ACTIVE"


def test_an_aborted_build_notifies_each_volume_it_detaches():
    # _do_build_and_run_instance's _cleanup_volumes(detach=True): each volume's _detach_volume,
    # after the build's create.error; the volume available again
    env = NovaEnv("nova-17.0.13")
    vid = _volume(env)
    env.cloud.faults.add("volume_api.attachment_complete", error=500, times=1)
    bdm = {"uuid": vid, "source_type": "volume", "destination_type": "volume", "boot_index": -1}
    image = {"uuid": env.image.id, "source_type": "image", "destination_type": "local"}
    server = {"name": "b", "flavorRef": "1", "imageRef": env.image.id, "networks": "none"}
    body = {"server": {**server, "block_device_mapping_v2": [{**image, "boot_index": 0}, bdm]}}
    made = env.request("POST", "/v2.1/servers", body, microversion="2.45")
    mark = len(env.cloud.trace)
    env.cloud.run_until_idle()
    assert env.server(made.json()["server"]["id"])["status"] == "ERROR"
    assert _sent(env, mark) == [
        ("compute.instance.create.start", None, None),
        ("instance.create.start", "1.7", None),
        ("compute.instance.create.error", None, None),
        ("instance.create.error", "1.7", None),
        ("instance.volume_detach.start", "1.3", vid),
        ("compute.instance.volume.detach", None, vid),
        ("instance.volume_detach.end", "1.3", vid),
    ]
    assert _cinder(env, vid)["status"] == "available"
