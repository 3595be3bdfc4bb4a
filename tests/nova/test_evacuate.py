"""The admin's ``evacuate``, as nova 17.0.13, 20.6.0, 23.2.2, 25.2.1, 28.0.0, 29.2.0 and
34.0.0 serve it (``api/openstack/compute/evacuate.py``, ``compute/api.py`` ``evacuate``,
``conductor/manager.py`` ``rebuild_instance``, ``compute/manager.py`` ``rebuild_instance``
with ``recreate``, ``_destroy_evacuated_instances``): the server of a dead compute rebuilt on
another, the migration ``accepted`` → ``pre-migrating`` → ``done`` (``completed`` once the dead
host's nova-compute is back and has destroyed its old guest)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv
from tests.nova.test_volume_encryption_reads import READ, _encrypted_type, _volume


def down(env, host="cmp-1", forced=True):
    body = {"host": host, "binary": "nova-compute", "forced_down": forced}
    resp = env.request(
        "PUT", "/v2.1/os-services/force-down", body, user="admin", microversion="2.11"
    )
    assert resp.status == 200, resp.json()


def evacuate(env, sid, body=None, mv="2.94", user="admin"):
    return env.action(sid, {"evacuate": body or {}}, user=user, microversion=mv)


def shown(env, sid):
    server = env.server(sid)
    return (
        server["status"],
        server["OS-EXT-SRV-ATTR:host"],
        (server.get("fault") or {}).get("message"),
    )


def migrations(env):
    resp = env.request("GET", "/v2.1/os-migrations", user="admin", microversion="2.23")
    return [
        (m["migration_type"], m["status"], m["source_compute"], m["dest_compute"])
        for m in resp.json()["migrations"]
    ]


def events(env, sid):
    action = env.nova.db.actions[sid][-1]
    return action.action, [(e.event, e.host, e.result) for e in action.events]


def test_evacuate_rebuilds_on_another_host_and_the_dead_host_lets_go_at_its_restart():
    env = NovaEnv("upstream")
    sid = env.boot("a")
    assert shown(env, sid)[1] == "cmp-1"
    plain = _volume(env, volume_type=_encrypted_type(env, "plain"))
    body = {"volumeAttachment": {"volumeId": plain}}
    assert env.request("POST", f"/v2.1/servers/{sid}/os-volume_attachments", body).status == 200
    env.cloud.run_until_idle()
    down(env)
    reads = len(env.cloud.trace.filter(kind="http.request", call=READ))
    resp = evacuate(env, sid)
    assert (resp.status, resp.content()) == (200, b"")
    assert (shown(env, sid), migrations(env)) == (
        ("REBUILD", "cmp-1", None),
        [("evacuation", "accepted", "cmp-1", None)],
    )
    env.cloud.run_until_idle()
    assert shown(env, sid) == ("ACTIVE", "cmp-2", None)
    # cmp-2's spawn connected the encrypted volume (_connect_volume, then its encryptor)
    assert len(env.cloud.trace.filter(kind="http.request", call=READ)) == reads + 1
    assert migrations(env) == [("evacuation", "done", "cmp-1", "cmp-2")]
    assert events(env, sid) == (
        "evacuate",
        [
            ("conductor_rebuild_server", "nova-conductor-1", "Success"),
            ("compute_rebuild_instance", "cmp-2", "Success"),
        ],
    )
    notes = [e["event_type"] for e in env.cloud.trace.filter(kind="notification")]
    assert notes[-6:] == [
        "compute.instance.evacuate",
        "compute.instance.rebuild.scheduled",
        "compute.instance.exists",  # _do_rebuild_instance's notify_usage_exists
        "compute.instance.rebuild.start",
        "compute.instance.volume.detach",  # detach_block_devices' _detach_volume
        "compute.instance.rebuild.end",
    ]
    # the dead host still has its guest; back up, it destroys it before anything else
    assert sid in env.nova.hosts["cmp-1"].driver.domains
    reads = len(env.cloud.trace.filter(kind="http.request", call=READ))
    env.nova.restart_compute("cmp-1", down_s=1.0)
    env.cloud.run_until_idle()
    assert sid not in env.nova.hosts["cmp-1"].driver.domains
    # its destroy disconnected the encrypted volume: the metadata read once more
    assert len(env.cloud.trace.filter(kind="http.request", call=READ)) == reads + 1
    assert migrations(env) == [("evacuation", "completed", "cmp-1", "cmp-2")]
    assert shown(env, sid) == ("ACTIVE", "cmp-2", None)
    assert env.cloud.check_invariants() == []


@pytest.mark.parametrize(
    "before, mv, status",
    [
        ("stopped", "2.94", "SHUTOFF"),
        ("active", "2.95", "SHUTOFF"),
        ("active", "2.94", "ACTIVE"),
        ("error", "2.95", "ACTIVE"),  # 2.95 leaves an ERROR server's rebuild active
    ],
)
def test_a_stopped_server_stays_stopped_and_2_95_stops_every_one(before, mv, status):
    env = NovaEnv("upstream")
    sid = env.boot("a")
    if before == "stopped":
        assert env.action(sid, {"os-stop": None}).status == 202
        env.cloud.run_until_idle()
    elif before == "error":
        assert env.action(sid, {"os-resetState": {"state": "error"}}, user="admin").status == 202
    down(env)
    assert evacuate(env, sid, mv=mv).status == 200
    env.cloud.run_until_idle()
    assert shown(env, sid) == (status, "cmp-2", None)


def test_the_refusals():
    env = NovaEnv("upstream")
    sid = env.boot("a")
    paused = env.boot("p")
    assert env.action(paused, {"pause": None}).status == 202
    env.cloud.run_until_idle()
    cases = [
        ({}, "2.94", "admin", 400, "Compute service of cmp-1 is still in use."),
    ]
    resp = evacuate(env, sid)
    assert (resp.status, resp.json()["badRequest"]["message"]) == cases[0][3:]
    down(env)
    down(env, "cmp-2")  # both down: every refusal below comes first
    for body, mv, user, status, message in [
        (
            {},
            "2.94",
            "demo",
            403,
            "Policy doesn't allow os_compute_api:os-evacuate to be performed.",
        ),
        ({"host": "cmp-1"}, "2.94", "admin", 400, "The target host can't be the same one."),
        ({"host": "cmp-9"}, "2.94", "admin", 404, "Compute host cmp-9 not found."),
        ({"force": True}, "2.29", "admin", 400, "Can't force to a non-provided destination"),
        (
            {"force": True},
            "2.68",
            "admin",
            400,
            "Invalid input for field/attribute evacuate. Value: {'force': True}. Additional "
            "properties are not allowed ('force' was unexpected)",
        ),
        (
            {"onSharedStorage": False},
            "2.14",
            "admin",
            400,
            "Invalid input for field/attribute evacuate. Value: {'onSharedStorage': False}. "
            "Additional properties are not allowed ('onSharedStorage' was unexpected)",
        ),
        (
            {},
            "2.13",
            "admin",
            400,
            "Invalid input for field/attribute evacuate. Value: {}. 'onSharedStorage' is a "
            "required property",
        ),
        (
            {"onSharedStorage": True, "adminPass": "x"},
            "2.13",
            "admin",
            400,
            "admin password can't be changed on existing disk",
        ),
    ]:
        resp = evacuate(env, sid, body, mv=mv, user=user)
        assert (resp.status, next(iter(resp.json().values()))["message"]) == (status, message), body
    resp = evacuate(env, paused)
    assert (resp.status, resp.json()["conflictingRequest"]["message"]) == (
        409,
        f"Cannot 'evacuate' instance {paused} while it is in vm_state paused",
    )


def test_before_2_14_the_password_is_answered_and_shared_storage_refused_on_the_host():
    env = NovaEnv("upstream")
    sid = env.boot("a")
    down(env)
    resp = evacuate(env, sid, {"onSharedStorage": "yes"}, mv="2.13")
    # no disk is shared here: the destination refuses it ("Invalid state of instance files")
    assert (resp.status, resp.json()) == (200, {"adminPass": None})
    env.cloud.run_until_idle()
    assert shown(env, sid) == (
        "ERROR",
        "cmp-1",
        "Invalid state of instance files on shared storage",
    )
    assert migrations(env) == [("evacuation", "failed", "cmp-1", "cmp-2")]
    other = env.boot("b")  # on cmp-2, which is up
    assert shown(env, other)[1] == "cmp-2"
    down(env, "cmp-1", forced=False)
    down(env, "cmp-2")
    resp = evacuate(env, other, {"onSharedStorage": False, "adminPass": "s3cret"}, mv="2.13")
    assert (resp.status, resp.json()) == (200, {"adminPass": "s3cret"})
    env.cloud.run_until_idle()
    assert shown(env, other) == ("ACTIVE", "cmp-1", None)


@pytest.mark.parametrize(
    "profile, taken",
    [("seed", False), ("nova-23.2.1", False), ("nova-23.2.2", True), ("upstream", True)],
)
def test_a_server_with_a_task_state_from_db919aa15f(profile, taken):
    env = NovaEnv(profile)
    sid = env.boot("a")
    down(env)
    env.nova.force_state(sid, task_state="image_uploading")
    resp = evacuate(env, sid, mv="2.29")
    if not taken:
        assert (resp.status, resp.json()["conflictingRequest"]["message"]) == (
            409,
            f"Cannot 'evacuate' instance {sid} while it is in task_state image_uploading",
        )
        return
    assert resp.status == 200
    env.cloud.run_until_idle()
    assert shown(env, sid) == ("ACTIVE", "cmp-2", None)


def test_a_volume_backed_servers_attachment_moves_with_it():
    env = NovaEnv("upstream")
    sid = env.boot(bfv=True)
    (bdm,) = env.nova.db.bdms_by_instance(sid)
    first = bdm.attachment_id

    def attachment():
        volume = env.cloud.request(
            "volumev3", "GET", f"/v3/{{project_id}}/volumes/{bdm.volume_id}", user="admin"
        ).json()["volume"]
        (only,) = volume["attachments"]
        return volume["status"], only["attachment_id"] != first, only["host_name"]

    down(env)
    assert evacuate(env, sid).status == 200
    env.cloud.run_until_idle()
    assert shown(env, sid) == ("ACTIVE", "cmp-2", None)
    assert attachment() == ("in-use", True, "cmp-2")
    assert env.cloud.check_invariants() == []


def test_no_other_host_puts_the_server_in_error():
    env = NovaEnv("upstream", {"nova": {"notification_format": "both"}})
    sid = env.boot("a")
    body = {"host": "cmp-2", "binary": "nova-compute"}
    assert (
        env.request(
            "PUT", "/v2.1/os-services/disable", body, user="admin", microversion="2.11"
        ).status
        == 200
    )
    down(env)
    assert evacuate(env, sid).status == 200
    env.cloud.run_until_idle()
    assert shown(env, sid) == (
        "ERROR",
        "cmp-1",
        "No valid host was found. There are not enough hosts available.",
    )
    assert migrations(env) == [("evacuation", "error", "cmp-1", None)]
    assert events(env, sid)[1] == [("conductor_rebuild_server", "nova-conductor-1", "Error")]
    # ``set_vm_state_and_notify``: legacy compute_task.rebuild_server, versioned from 19.0.0
    sent = [
        (e["event_type"], e["format"], e["state"])
        for e in env.cloud.trace.filter(kind="notification")
        if e["event_type"].startswith("compute_task.")
    ]
    assert sent == [
        ("compute_task.rebuild_server", "unversioned", "error"),
        ("compute_task.rebuild_server.error", "versioned", "error"),
    ]


@pytest.mark.parametrize(
    "profile, status, fault",
    [
        (
            "seed",
            "ERROR",
            "Build of instance {0} aborted: Build of instance {0} was re-scheduled: "
            "Anti-affinity instance group policy was violated.",
        ),
        ("nova-23.2.2", "ACTIVE", None),  # rolled back (26e1d9c723): no fault shown
        ("upstream", "ERROR", "Anti-affinity instance group policy was violated"),
    ],
)
def test_the_destinations_late_group_check(profile, status, fault):
    env = NovaEnv(profile)
    resp = env.request(
        "POST",
        "/v2.1/os-server-groups",
        {"server_group": {"name": "g", "policies": ["anti-affinity"]}},
    )
    group = resp.json()["server_group"]["id"]
    ids = []
    for name in ("a", "b"):
        body = {
            "server": {
                "name": name,
                "flavorRef": "1",
                "imageRef": env.image.id,
                "networks": "none",
            },
            "os:scheduler_hints": {"group": group},
        }
        ids.append(
            env.request("POST", "/v2.1/servers", body, microversion="2.37").json()["server"]["id"]
        )
    env.cloud.run_until_idle()
    first = next(s for s in ids if shown(env, s)[1] == "cmp-1")
    down(env)
    # forced (2.29): no scheduler, so only the destination's own check sees the other member
    assert evacuate(env, first, {"host": "cmp-2", "force": True}, mv="2.29").status == 200
    env.cloud.run_until_idle()
    assert shown(env, first) == (status, "cmp-1", fault and fault.format(first))
    assert events(env, first)[1][-1] == ("compute_rebuild_instance", "cmp-2", "Error")
    assert migrations(env)[0][:2] == ("evacuation", "failed")


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_a_snapshot_under_way_on_a_host_forced_down(profile):
    """Its nova-compute still runs: from db919aa15f the evacuation takes the server over, and
    the snapshot's next save meets ``rebuilding`` (its image deleted); before, 409."""
    env = NovaEnv(profile)
    sid = env.boot("a")
    assert env.action(sid, {"createImage": {"name": "snap"}}, microversion="2.45").status == 202
    env.cloud.advance(1.0)
    down(env)
    resp = evacuate(env, sid, mv="2.29")
    env.cloud.run_until_idle()
    images = env.cloud.request("image", "GET", "/v2/images?name=snap").json()["images"]
    if profile == "seed":
        assert resp.status == 409
        assert (shown(env, sid), [i["status"] for i in images]) == (
            ("ACTIVE", "cmp-1", None),
            ["active"],
        )
    else:
        assert resp.status == 200
        assert (shown(env, sid), images) == (("ACTIVE", "cmp-2", None), [])


def test_the_restarted_host_destroys_its_evacuated_guests_newest_first():
    """``_destroy_evacuated_instances`` walks ``_get_instances_on_driver``, whose
    ``InstanceList.get_by_filters`` lists created_at descending (17.0.13-34.0.0): the second
    server's guest goes first, though its evacuation came second."""
    env = NovaEnv("upstream")
    sids = []
    for name in ("old", "new"):
        server = {"name": name, "flavorRef": "1", "imageRef": env.image.id, "networks": "none"}
        server["availability_zone"] = "nova:cmp-1"
        body = {"server": server}
        resp = env.request("POST", "/v2.1/servers", body, user="admin", microversion="2.45")
        sids.append(resp.json()["server"]["id"])
    env.cloud.run_until_idle()
    down(env)
    for sid in sids:
        assert evacuate(env, sid).status == 200
    env.cloud.run_until_idle()
    env.nova.restart_compute("cmp-1", down_s=1.0)
    env.cloud.run_until_idle()
    destroyed = [
        e["subject"] for e in env.cloud.trace.filter(kind="log") if "evacuated" in e["message"]
    ]
    assert destroyed == sids[::-1]


@pytest.mark.parametrize(
    "profile, started, completed",
    [("nova-17.0.9", False, False), ("nova-17.0.10", True, True), ("upstream", True, True)],
)
def test_a_server_deleted_after_its_evacuation(profile, started, completed):
    """``_destroy_evacuated_instances`` lists the restarted host's guests with
    ``InstanceList.get_by_filters``, which reads deleted rows too (nova 17.0.13-34.0.0
    ``db/sqlalchemy/api.py`` ``instance_get_all_by_filters_sort``): the deleted server's guest is
    destroyed and its evacuation ``completed`` (``not instance.deleted`` only skips its
    allocations). Before 05cd8d1282 (19.0.0; 18.1.0, 17.0.10) the allocations' lazy-load of
    the deleted server's flavor raised ``InstanceNotFound`` out of ``init_host``: nova-compute
    exits (lp1794996); the next restart finds no such guest and comes up."""
    env = NovaEnv(profile)
    sid = env.boot("a")
    down(env)
    assert evacuate(env, sid, mv="2.14").status == 200
    env.cloud.run_until_idle()
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    env.cloud.run_until_idle()
    down(env, forced=False)
    env.nova.restart_compute("cmp-1", down_s=1.0)
    env.cloud.run_until_idle()
    env.cloud.advance(70.0)  # a nova-compute that exited is down past service_down_time
    assert sid not in env.nova.hosts["cmp-1"].driver.domains
    saved = [e["status"] for e in env.cloud.trace.filter(kind="nova.migration", subject=sid)]
    assert saved[-1] == ("completed" if completed else "done")
    services = env.request("GET", "/v2.1/os-services?binary=nova-compute", user="admin").json()
    state = {s["host"]: s["state"] for s in services["services"]}["cmp-1"]
    assert state == ("up" if started else "down")
    errors = [e["message"] for e in env.cloud.trace.filter(kind="log", level="error")]
    assert errors == ([] if started else [f"Instance {sid} could not be found."])
    if not started:
        env.nova.restart_compute("cmp-1", down_s=1.0)
        env.cloud.run_until_idle()
        env.cloud.advance(5.0)  # up from its first report, 5 s after this start
        services = env.request("GET", "/v2.1/os-services?binary=nova-compute", user="admin")
        assert {s["host"]: s["state"] for s in services.json()["services"]}["cmp-1"] == "up"
