"""What a release changes on the image-backed snapshot path: how a PAUSED guest is copied, how a
guest that vanishes is reported, and what the snapshot image inherits — each checked at the
release before and the release after its change (commits in `fakecloud.profiles`)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

#: A base image whose properties the later releases refuse to pass on to snapshots.
SIGNED = {
    "name": "signed",
    "content_id": "signed-image",
    "size": 10_000_000,
    "virtual_size": 100_000_000,
    "disk_format": "qcow2",
    "container_format": "bare",
    "min_disk": 0,
    "min_ram": 0,
    "properties": {
        "img_signature": "c2lnbmF0dXJl",
        "img_signature_hash_method": "SHA-256",
        "cinder_encryption_key_id": "k-1",
        "os_glance_importer_note": "from import",
        "hw_qemu_guest_agent": "no",
    },
}


def _snap(env: NovaEnv, sid: str) -> tuple[str, dict]:
    resp = env.create_image(sid)
    assert resp.status == 202, resp.json()
    image_id = resp.json()["image_id"]
    env.cloud.run_until_idle()
    return image_id, env.glance_image(image_id)


def _copies(env: NovaEnv) -> list[str]:
    return [e["label"] for e in env.cloud.trace.filter(kind="io.start") if "label" in e]


@pytest.mark.parametrize(("profile", "live"), [("nova-21.2.4", False), ("nova-22.0.0", True)])
def test_a_paused_guest_is_snapshotted_cold_before_22_0_0(profile, live):
    env = NovaEnv(profile)
    sid = env.boot()
    assert env.action(sid, {"pause": None}).status == 202
    env.cloud.run_until_idle()
    image_id, image = _snap(env, sid)
    assert image["status"] == "active"
    copies = _copies(env)
    assert ("libvirt.blockRebase" in copies) is live
    assert ("libvirt.managedSave" in copies) is not live  # then restored, paused again
    (start,) = env.cloud.trace.filter(kind="nova.snapshot", subject=sid, phase="begin")
    assert start["live"] is live
    assert env.server(sid)["status"] == "PAUSED"


@pytest.mark.parametrize(("profile", "bug"), [("nova-20.6.1", True), ("nova-21.0.0", False)])
def test_a_guest_gone_before_the_driver_snapshot_fails_loudly_before_21_0_0(profile, bug):
    """LP #1759473: the driver's InstanceNotRunning reached the failure decorators."""
    env = NovaEnv(profile)
    sid = env.boot()
    env.cloud.faults.add("nova.libvirt.get_guest", error="DomainNotFound", times=1)
    image_id, image = _snap(env, sid)
    assert image is None  # deleted either way (never active)
    # The decorators revert task_state; the quiet path (21.0.0) leaves it as it was.
    assert env.server(sid)["OS-EXT-STS:task_state"] == (None if bug else "image_snapshot")
    _assert_failed_loudly(env, sid, bug)


def _assert_failed_loudly(env: NovaEnv, sid: str, loud: bool) -> None:
    """The failure decorators ran (event Error, error notifications) or did not (Success)."""
    events = env.cloud.trace.filter(kind="nova.event", subject=sid, phase="finish")
    snapshot_event = [e for e in events if e["event"] == "compute_snapshot_instance"]
    assert [e["result"] for e in snapshot_event] == (["Error"] if loud else ["Success"])
    errors = [e for e in env.cloud.trace.filter(kind="notification") if e["priority"] == "ERROR"]
    assert bool(errors) is loud


@pytest.mark.parametrize(("profile", "bug"), [("nova-17.0.1", True), ("nova-17.0.2", False)])
def test_a_guest_destroyed_during_the_live_copy_is_a_raw_libvirt_error_until_17_0_2(profile, bug):
    """LP #1722571: 17.0.2 (71375a941d) turns VIR_ERR_NO_DOMAIN into InstanceNotFound, which
    the manager handles quietly; 17.0.1 lets the libvirtError reach the failure decorators."""
    env = NovaEnv(profile)
    sid = env.boot()
    env.cloud.faults.add(
        "io.transfer", error="DomainNotFound", match={"label": "libvirt.blockRebase"}, times=1
    )
    image_id, image = _snap(env, sid)
    assert image is None
    _assert_failed_loudly(env, sid, bug)


SIGNATURE_KEYS = {"img_signature", "img_signature_hash_method"}
SIGNATURE_AND_KEY = SIGNATURE_KEYS | {"cinder_encryption_key_id"}


@pytest.mark.parametrize(
    ("profile", "config", "dropped"),
    [
        ("nova-20.6.1", {}, SIGNATURE_KEYS),
        ("nova-20.6.1", {"non_inheritable_image_properties": "cache_in_nova"}, set()),
        ("nova-21.0.0", {}, SIGNATURE_AND_KEY),
        ("nova-21.0.0", {"non_inheritable_image_properties": "cache_in_nova"}, SIGNATURE_AND_KEY),
        ("nova-22.4.0", {}, SIGNATURE_AND_KEY),
        ("nova-23.0.0", {}, SIGNATURE_AND_KEY | {"os_glance_importer_note"}),
    ],
)
def test_what_a_snapshot_inherits_follows_the_release(profile, config, dropped):
    """Signature and encryption-key properties are dropped whatever the configuration from
    21.0.0 (bc29084012, LP #1852106), os_glance* from 23.0.0 (dda179d3f9, when Glance 22
    reserved the namespace). Queens to Train drop only [DEFAULT] non_inheritable_image_properties,
    whose default there (nova 17.0.13/20.6.1 nova/conf/compute.py) lists the four img_signature*
    besides cache_in_nova and bittorrent: by default only cinder_encryption_key_* pass on."""
    # From 21.0.0 Nova refuses to boot an image with cinder_encryption_key_id (LP #1863611):
    # its check off, the snapshot shows what is inherited
    switches = {"lp1863611": True}
    env = NovaEnv(
        profile, {"glance": {"base_images": [SIGNED]}, "nova": config, "switches": switches}
    )
    _image_id, image = _snap(env, env.boot())
    assert image["status"] == "active"
    inherited = {k for k in SIGNED["properties"] if k in image}
    assert inherited == set(SIGNED["properties"]) - dropped


@pytest.mark.parametrize(("profile", "status"), [("nova-22.4.0", 201), ("nova-23.0.0", 403)])
def test_glance_reserves_the_os_glance_namespace_from_the_wallaby_series(profile, status):
    env = NovaEnv(profile)
    resp = env.cloud.request(
        "image", "POST", "/v2/images", body={"name": "x", "os_glance_note": "n"}, user="demo"
    )
    assert resp.status == status
    if status == 403:
        assert "Attribute 'os_glance_note' is reserved." in resp.json()["message"]


@pytest.mark.parametrize(("profile", "fmt"), [("nova-27.4.0", "ami"), ("nova-27.5.0", "qcow2")])
def test_a_snapshot_of_an_ami_guest_keeps_ami_until_the_format_safety_fixes(profile, fmt):
    """'glance forces ami disk format to be ami' — removed in 30.0.0 (d5a631ba77) and its
    backports 27.5.0, 28.3.0, 29.2.0."""
    ami = dict(
        SIGNED, name="ami", content_id="ami-image", disk_format="ami", container_format="ami"
    )
    ami["properties"] = {}
    env = NovaEnv(profile, {"glance": {"base_images": [ami]}})
    _image_id, image = _snap(env, env.boot())
    assert (image["status"], image["disk_format"]) == ("active", fmt)


def _image_deleted_mid_snapshot(profile: str, delete_server: bool) -> tuple:
    """A snapshot whose image the user deletes during the copy (and then, optionally, the
    server): the server, the image id and the (level, message) of every log about the server."""
    env = NovaEnv(profile, {"nova": {"disk_throughput_mb_per_s": 10.0}})
    sid = env.boot()
    t = env.cloud.now + 1.0
    body = {"createImage": {"name": "s"}}
    mv = {"OpenStack-API-Version": "compute 2.45"}
    snap = env.spawn_request(t, "POST", f"/v2.1/servers/{sid}/action", body, headers=mv)
    if delete_server:
        env.spawn_request(t + 3.0, "DELETE", f"/v2.1/servers/{sid}")
    env.cloud.advance(2.0)
    image_id = snap["response"].json()["image_id"]
    gone = env.cloud.request("image", "DELETE", f"/v2/images/{image_id}", user="demo")
    assert gone.status == 204
    env.cloud.run_until_idle()
    logs = [(e["level"], e["message"]) for e in env.cloud.trace.filter(kind="log", subject=sid)]
    return env, sid, image_id, logs


@pytest.mark.parametrize(("profile", "bug"), [("nova-17.0.13", True), ("nova-18.0.0", False)])
def test_an_image_gone_before_the_clean_up_is_a_warning_until_18_0_0(profile, bug):
    """LP #1754071 (1c56ef6b5d): the server is deleted mid-snapshot after its image was; the
    quiet clean-up's ImageNotFound was logged as a failed clean-up before 18.0.0."""
    env, sid, image_id, logs = _image_deleted_mid_snapshot(profile, delete_server=True)
    warned = ("warning", f"Error while trying to clean up image {image_id}") in logs
    assert warned is bug
    assert (("debug", f"Image not found during clean up {image_id}") in logs) is not bug
    _assert_failed_loudly(env, sid, False)


@pytest.mark.parametrize(("profile", "warning"), [("nova-28.3.1", False), ("nova-29.0.0", True)])
def test_an_image_deleted_mid_snapshot_is_a_warning_from_29_0_0(profile, warning):
    """40a56ce05b: the driver's ImageNotFound was LOG.exception 'Failed to snapshot image'."""
    _env, _sid, _image_id, logs = _image_deleted_mid_snapshot(profile, delete_server=False)
    expected = (
        ("warning", "Failed to snapshot image because it was deleted")
        if warning
        else ("error", "Failed to snapshot image")
    )
    assert expected in logs
    assert ("warning", "Image not found during snapshot") in logs  # the manager: task_state None


def _quiesce_logs(profile: str, properties: dict) -> tuple[NovaEnv, list[tuple[str, str]]]:
    image = dict(SIGNED, name="q", content_id="q-image", properties=properties)
    env = NovaEnv(profile, {"glance": {"base_images": [image]}})
    sid = env.boot()
    _snap(env, sid)
    logs = [(e["level"], e["message"]) for e in env.cloud.trace.filter(kind="log", subject=sid)]
    return env, [line for line in logs if "uiesc" in line[1]]


NO_AGENT = "QEMU guest agent is not enabled"


@pytest.mark.parametrize(
    ("profile", "lines"),
    [
        ("nova-24.2.1", [("info", f"Skipping quiescing instance: {NO_AGENT}.")]),
        (
            "nova-25.0.0",
            [
                ("info", f"Quiescing instance not available: {NO_AGENT}."),
                ("info", f"Skipping quiescing instance: {NO_AGENT}."),
            ],
        ),
    ],
)
def test_a_live_snapshot_without_agent_logs_the_releases_quiesce_lines(profile, lines):
    """nova 24.0.0 ``_live_snapshot`` tries the freeze before the copy and logs 'Skipping
    quiescing instance'; from 25.0.0 (caf5faf556) ``_can_quiesce`` before the copy logs
    'Quiescing instance not available: %(reason)s.', the freeze after it 'Skipping ...'."""
    _env, logs = _quiesce_logs(profile, {})
    assert logs == lines


@pytest.mark.parametrize(("profile", "logged"), [("nova-24.2.1", False), ("nova-25.0.0", True)])
def test_a_required_quiesce_without_agent_is_logged_as_an_error_from_25_0_0(profile, logged):
    """With ``os_require_quiesce`` the missing agent fails the snapshot in every release; nova
    24.0.0 re-raises it with no line of its own, 25.0.0 logs 'Quiescing instance failed but
    image property "os_require_quiesce" is set: %(reason)s.' first."""
    env, logs = _quiesce_logs(profile, {"os_require_quiesce": "yes"})
    error = 'Quiescing instance failed but image property "os_require_quiesce" is set: '
    assert logs == ([("error", f"{error}{NO_AGENT}.")] if logged else [])
    assert env.cloud.trace.filter(kind="nova.fault")
