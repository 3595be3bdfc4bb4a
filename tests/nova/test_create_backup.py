"""``createBackup`` (``nova/api/openstack/compute/create_backup.py``, ``compute/api.py
backup``, ``compute/manager.py backup_instance`` and ``_rotate_backups``)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv


def backup(env, sid, name="b", backup_type="daily", rotation=1, mv="2.45", user="demo", **more):
    entity = {"name": name, "backup_type": backup_type, "rotation": rotation, **more}
    return env.action(sid, {"createBackup": entity}, user=user, microversion=mv)


@pytest.fixture
def env() -> NovaEnv:
    return NovaEnv("upstream", {"nova": {"quota_metadata_items": 2}})


def test_a_backup_is_a_backup_image_of_the_server(env):
    sid = env.boot()
    r = backup(env, sid, "nightly", metadata={"k": "v"})
    assert r.status == 202 and set(r.json()) == {"image_id"}
    assert env.server(sid)["OS-EXT-STS:task_state"] == "image_backup"
    env.cloud.run_until_idle()
    image = env.glance_image(r.json()["image_id"])
    assert (image["name"], image["status"], image["image_type"]) == ("nightly", "active", "backup")
    assert (image["backup_type"], image["k"], image["instance_uuid"]) == ("daily", "v", sid)
    # A backup keeps the server's image formats (only a snapshot's are left to the driver).
    assert (image["disk_format"], image["container_format"]) == ("qcow2", "bare")
    assert env.server(sid)["OS-EXT-STS:task_state"] is None
    (action, *_) = env.request("GET", f"/v2.1/servers/{sid}/os-instance-actions").json()[
        "instanceActions"
    ]
    assert action["action"] == "createBackup"
    shown = env.request(
        "GET", f"/v2.1/servers/{sid}/os-instance-actions/{action['request_id']}", user="admin"
    ).json()["instanceAction"]
    assert [(e["event"], e["result"]) for e in shown["events"]] == [
        ("compute_backup_instance", "Success")
    ]
    # The snapshot ran inline in the RPC worker: the event spans the whole upload.
    upload = env.cloud.trace.filter(kind="io.finish", label="glance.upload")[-1]
    finished = [e for e in env.cloud.trace.filter(kind="nova.event") if e.get("phase") == "finish"][
        -1
    ]
    assert finished["t"] >= upload["t"]


@pytest.mark.parametrize(
    ("mv", "rotation", "location"),
    [("2.1", 1, True), ("2.44", 3, True), ("2.1", 0, False), ("2.44", 0, False)],
)
def test_below_2_45_a_location_to_novas_own_images_url_only_with_rotation(
    env, mv, rotation, location
):
    sid = env.boot()
    r = env.request(
        "POST",
        f"/v2.1/{{project_id}}/servers/{sid}/action",
        {"createBackup": {"name": "b", "backup_type": "daily", "rotation": rotation}},
        microversion=mv,
    )
    assert (r.status, r.body) == (202, b"")
    if location:
        # common.url_join(req.application_url, 'images', id): no project id in it.
        assert r.headers["Location"].startswith("http://compute.fakecloud.test/v2.1/images/")
    else:
        assert "Location" not in r.headers


def test_rotation_keeps_the_newest_of_each_type(env):
    sid = env.boot()
    ids = []
    for n in range(3):
        r = backup(env, sid, f"d{n}", rotation=2)
        ids.append(r.json()["image_id"])
        env.cloud.run_until_idle()
    weekly = backup(env, sid, "w", "weekly", rotation=1).json()["image_id"]
    env.cloud.run_until_idle()
    assert env.glance_image(ids[0]) is None
    assert [env.glance_image(i)["status"] for i in ids[1:]] == ["active", "active"]
    assert env.glance_image(weekly)["status"] == "active"
    rotated = env.cloud.trace.filter(kind="nova.rotate_backups")
    assert [e["subject"] for e in rotated] == [ids[0]]
    assert env.cloud.check_invariants() == []


def test_a_volume_backed_server_is_refused(env):
    sid = env.boot(bfv=True)
    r = backup(env, sid)
    assert r.json() == {
        "badRequest": {
            "code": 400,
            "message": "Backup is not supported for volume-backed instances.",
        }
    }


@pytest.mark.parametrize(
    ("entity", "message"),
    [
        (
            {"name": "b", "backup_type": "daily"},
            "Invalid input for field/attribute createBackup. Value: {'name': 'b', "
            "'backup_type': 'daily'}. 'rotation' is a required property",
        ),
        (
            {"name": "b", "backup_type": "daily", "rotation": -1},
            "Invalid input for field/attribute rotation. Value: -1. -1 is less than the "
            "minimum of 0",
        ),
        (
            {"name": " b", "backup_type": "daily", "rotation": 1},
            "An invalid 'name' value was provided. The name must be: printable characters. "
            "Can not start or end with whitespace.",
        ),
    ],
)
def test_bad_bodies(env, entity, message):
    sid = env.boot(wait=False)
    r = env.action(sid, {"createBackup": entity}, microversion="2.45")
    assert r.json() == {"badRequest": {"code": 400, "message": message}}


def test_the_metadata_quota_applies_below_2_39(env):
    sid = env.boot()
    meta = {"a": "1", "b": "2", "c": "3"}
    r = backup(env, sid, metadata=meta, mv="2.38")
    assert r.json() == {"forbidden": {"code": 403, "message": "Image metadata limit exceeded"}}
    assert r.refusal == "quota"
    assert backup(env, sid, metadata=meta, mv="2.39").status == 202


def test_policy_busy_server_and_missing_server(env):
    sid = env.boot()
    r = backup(env, sid, user="demo-reader")
    assert r.json()["forbidden"]["message"] == (
        "Policy doesn't allow os_compute_api:os-create-backup to be performed."
    )
    assert backup(env, sid).status == 202
    r = backup(env, sid)
    assert r.json()["conflictingRequest"]["message"] == (
        f"Cannot 'createBackup' instance {sid} while it is in task_state image_backup"
    )
    missing = "00000000-0000-0000-0000-000000000000"
    assert backup(env, missing).status == 404


def test_the_seed_checks_the_policy_before_it_loads_the_server():
    env = NovaEnv("seed", {"nova": {"policy": {"os_compute_api:os-create-backup": "!"}}})
    r = backup(env, "00000000-0000-0000-0000-000000000000", mv="2.1")
    assert r.status == 403


@pytest.mark.parametrize(
    ("profile", "layers"),
    [("seed", ["backup_instance"]), ("upstream", ["_snapshot_instance", "backup_instance"])],
)
def test_a_failed_backup_deletes_its_image_through_the_decorators(profile, layers):
    env = NovaEnv(profile)
    env.cloud.faults.add("nova.libvirt.extract", error=RuntimeError("qemu-img: I/O error"))
    sid = env.boot()
    r = backup(env, sid, mv="2.1")
    image_id = r.headers["Location"].rsplit("/", 1)[1]
    env.cloud.run_until_idle()
    assert env.glance_image(image_id) is None
    assert env.server(sid)["OS-EXT-STS:task_state"] is None
    # From 33.0.0 _snapshot_instance has its own wrap_instance_fault and wrap_exception, so
    # the fault and the error notification come once per layer.
    faults = [f for f in env.nova.db.faults.get(sid, [])]
    assert [f.message for f in faults] == ["RuntimeError"] * len(layers)
    # (Queens also sends the versioned compute.exception: notification_format "both".)
    errors = env.cloud.trace.filter(kind="notification", priority="ERROR", format="unversioned")
    assert [e["event_type"] for e in errors] == layers
    assert env.cloud.trace.filter(kind="nova.rotate_backups") == []


@pytest.mark.parametrize(("profile", "pages"), [("nova-25.0.0", 2), ("nova-26.0.0", 1)])
def test_rotation_lists_backups_in_the_pages_of_the_releases_glanceclient(profile, pages):
    # Nova's `detail` leaves page_size to python-glanceclient: 20 a page in Yoga's pin (3.6.0),
    # 200 from Zed's (4.1.0, 219568c2a4): 21 backups are two round trips, then one
    env = NovaEnv(profile)
    sid = env.boot()
    props = {"image_type": "backup", "backup_type": "daily", "instance_uuid": sid}
    for n in range(21):
        body = {"name": f"old{n}", "disk_format": "qcow2", "container_format": "bare", **props}
        assert env.cloud.request("image", "POST", "/v2/images", body=body).status == 201
    assert backup(env, sid, rotation=30).status == 202
    env.cloud.run_until_idle()
    lists = [e for e in env.cloud.trace if e["kind"] == "http.request" and e.get("call") == "list"]
    assert len(lists) == pages
