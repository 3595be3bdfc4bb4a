"""The vendor's instance snapshots over REST (``/v2.1/servers/{id}/snapshots``): create, list,
show, delete and revert; the chain and its current pointer; the host's disk copy timed by the
disk; the grouped Cinder snapshots of a volume-backed server; the 400/403/404/409 answers; and
the upstream profile, where none of it exists."""

from __future__ import annotations

from typing import Any

import pytest

from tests.nova.conftest import GB, TIMED, NovaEnv

ALT_PROJECT = {
    "identity": {
        "projects": {"alt": {"description": "another project"}},
        "users": {"alt": {"password": "alt-secret", "project": "alt", "roles": ["member"]}},
    }
}
RPC_DELAY = 0.002
MISSING = "6b1a8e1e-3e1b-4c2a-9b7d-2a1f0c9e8d7f"


def timed_env(profile: str = "seed", **extra: Any) -> NovaEnv:
    """A cloud whose disk and link throughputs make the arithmetic of the docstring."""
    config: dict[str, Any] = {k: dict(v) for k, v in TIMED.items()}
    for section, values in extra.items():
        config.setdefault(section, {}).update(values)
    return NovaEnv(profile, config)


def snapshots_path(sid: str, snap: str | None = None) -> str:
    return f"/v2.1/servers/{sid}/snapshots" + (f"/{snap}" if snap else "")


def create_snapshot(env: NovaEnv, sid: str, name: str = "s", **kw: Any) -> dict:
    """POST a snapshot (202 asserted); its view."""
    resp = env.request("POST", snapshots_path(sid), {"snapshot": {"name": name}}, **kw)
    assert resp.status == 202, resp.json()
    return resp.json()["snapshot"]


def show(env: NovaEnv, sid: str, snap: str, user: str = "demo") -> dict:
    resp = env.request("GET", snapshots_path(sid, snap), user=user)
    assert resp.status == 200, resp.json()
    return resp.json()["snapshot"]


def listing(env: NovaEnv, sid: str) -> list[dict]:
    resp = env.request("GET", snapshots_path(sid))
    assert resp.status == 200, resp.json()
    return resp.json()["snapshots"]


def status_times(env: NovaEnv, snap_id: str) -> dict[str, float]:
    """Virtual time at which the snapshot entered each status."""
    return {
        e["new"]: e["t"]
        for e in env.cloud.trace.filter(kind="state", subject=snap_id)
        if e.get("machine") == "nova.instance_snapshot.status"
    }


def io_durations(env: NovaEnv, label: str) -> list[float]:
    return [e["duration_s"] for e in env.cloud.trace.filter(kind="io.finish", label=label)]


def stop(env: NovaEnv, sid: str) -> None:
    assert env.action(sid, {"os-stop": None}).status == 202
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "SHUTOFF"


def cinder_snapshots(env: NovaEnv) -> list[dict]:
    resp = env.cloud.request("volumev3", "GET", "/v3/{project_id}/snapshots/detail")
    assert resp.status == 200, resp.json()
    return resp.json()["snapshots"]


# -- create, show, list: image-backed -----------------------------------------------------------


def test_create_is_202_creating_and_current_at_once(seed_env: NovaEnv):
    sid = seed_env.boot()
    view = create_snapshot(seed_env, sid, "before-upgrade")
    assert view["status"] == "creating"
    assert view["is_current"] is True
    assert view["parent_id"] is None
    assert view["server_id"] == sid
    assert view["name"] == "before-upgrade"
    assert view["description"] is None
    assert view["volume_backed"] is False
    assert view["links"][0]["href"].endswith(f"/v2.1/servers/{sid}/snapshots/{view['id']}")
    seed_env.cloud.run_until_idle()
    done = show(seed_env, sid, view["id"])
    assert done["status"] == "available"
    assert done["size"] > 0


def test_image_backed_snapshot_is_a_copy_timed_by_the_host_disk():
    env = timed_env()
    sid = env.boot()
    t0 = env.cloud.now
    view = create_snapshot(env, sid)
    env.cloud.run_until_idle()
    # 1 GB at 100 MB/s, after the cast reached the host.
    assert io_durations(env, "libvirt.snapshotCreateXML") == [10.0]
    times = status_times(env, view["id"])
    assert times["creating"] == t0
    assert times["available"] == pytest.approx(t0 + RPC_DELAY + 10.0)
    assert show(env, sid, view["id"])["size"] == GB
    copies = env.cloud.trace.filter(kind="io.start", label="libvirt.snapshotCreateXML")
    host = env.nova.db.instance_row(sid).host
    assert [(e["host"], e["instance_uuid"]) for e in copies] == [(host, sid)]


def test_two_snapshots_at_once_share_the_disk():
    env = timed_env()
    sid = env.boot()
    t0 = env.cloud.now
    first = create_snapshot(env, sid, "one")
    second = create_snapshot(env, sid, "two")
    env.cloud.run_until_idle()
    # Two 1 GB copies on one 100 MB/s disk: 50 MB/s each, both done after 20 s.
    assert io_durations(env, "libvirt.snapshotCreateXML") == [20.0, 20.0]
    for snap in (first, second):
        assert status_times(env, snap["id"])["available"] == pytest.approx(t0 + RPC_DELAY + 20.0)
    assert second["parent_id"] == first["id"]
    assert [(s["name"], s["is_current"]) for s in listing(env, sid)] == [
        ("one", False),
        ("two", True),
    ]


def test_list_is_the_servers_chain_oldest_first(seed_env: NovaEnv):
    sid = seed_env.boot()
    other = seed_env.boot(name="other")
    a = create_snapshot(seed_env, sid, "a")
    seed_env.cloud.run_until_idle()
    b = create_snapshot(seed_env, sid, "b")
    create_snapshot(seed_env, other, "elsewhere")
    seed_env.cloud.run_until_idle()
    chain = listing(seed_env, sid)
    assert [(s["id"], s["parent_id"], s["is_current"]) for s in chain] == [
        (a["id"], None, False),
        (b["id"], a["id"], True),
    ]
    assert [s["name"] for s in listing(seed_env, other)] == ["elsewhere"]


def test_description_is_kept(seed_env: NovaEnv):
    sid = seed_env.boot()
    body = {"snapshot": {"name": "s", "description": "known good"}}
    resp = seed_env.request("POST", snapshots_path(sid), body)
    assert resp.status == 202
    assert show(seed_env, sid, resp.json()["snapshot"]["id"])["description"] == "known good"


def test_a_failed_copy_is_error_and_hands_current_back_to_the_parent(seed_env: NovaEnv):
    sid = seed_env.boot()
    good = create_snapshot(seed_env, sid, "good")
    seed_env.cloud.run_until_idle()
    seed_env.cloud.faults.add("nova.libvirt.instance_snapshot", error="LibvirtError", times=1)
    bad = create_snapshot(seed_env, sid, "bad")
    assert bad["is_current"] is True
    seed_env.cloud.run_until_idle()
    assert show(seed_env, sid, bad["id"])["status"] == "error"
    assert show(seed_env, sid, good["id"])["is_current"] is True
    assert seed_env.cloud.check_invariants() == []


def test_server_deleted_during_the_copy_leaves_an_error_snapshot():
    env = timed_env()
    sid = env.boot()
    view = create_snapshot(env, sid)
    env.cloud.advance(3.0)
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    env.cloud.run_until_idle()
    [snap] = [s for s in env.nova.instance_snapshots() if s.id == view["id"]]
    assert snap.status == "error"
    assert io_durations(env, "libvirt.snapshotCreateXML") == []  # the copy never finished


# -- volume-backed: one Cinder snapshot per volume, grouped -------------------------------------


def test_volume_backed_snapshot_is_one_forced_cinder_snapshot_per_volume(seed_env: NovaEnv):
    sid = seed_env.boot(bfv=True)
    view = create_snapshot(seed_env, sid, "vb")
    assert view["volume_backed"] is True
    seed_env.cloud.run_until_idle()
    done = show(seed_env, sid, view["id"])
    assert done["status"] == "available"
    [cinder] = cinder_snapshots(seed_env)
    assert done["volume_snapshot_ids"] == [cinder["id"]]
    assert cinder["name"] == "snapshot for vb"
    assert cinder["status"] == "available"
    root_volume = seed_env.nova.db.bdms_by_instance(sid)[0].volume_id
    assert cinder["volume_id"] == root_volume
    # The in-use root volume needs force=True.
    volume = seed_env.cloud.request("volumev3", "GET", f"/v3/{{project_id}}/volumes/{root_volume}")
    assert volume.json()["volume"]["status"] == "in-use"
    [snap] = seed_env.nova.instance_snapshots()
    assert snap.volume_snapshot_ids == [cinder["id"]]


def test_volume_backed_snapshot_is_available_at_the_first_poll_after_cinder():
    env = NovaEnv("seed", {"nova": {"instance_snapshot_poll_s": 2.0}})
    sid = env.boot(bfv=True)
    view = create_snapshot(env, sid)
    env.cloud.run_until_idle()
    cinder_id = show(env, sid, view["id"])["volume_snapshot_ids"][0]
    cinder_ready = [
        e["t"]
        for e in env.cloud.trace.filter(kind="state", subject=cinder_id)
        if e.get("new") == "available"
    ][0]
    available = status_times(env, view["id"])["available"]
    # Seen at the poll after Cinder's 0.5 s snapshot: within one poll (plus one round trip).
    assert cinder_ready < available <= cinder_ready + 2.0 + 0.02
    assert available - status_times(env, view["id"])["creating"] >= 2.0


def test_cinder_unreachable_makes_a_volume_backed_snapshot_error(seed_env: NovaEnv):
    sid = seed_env.boot(bfv=True)
    seed_env.cloud.faults.add("volume_api.create_snapshot_force", error="CinderConnectionFailed")
    view = create_snapshot(seed_env, sid)
    seed_env.cloud.run_until_idle()
    failed = show(seed_env, sid, view["id"])
    assert failed["status"] == "error"
    assert failed["is_current"] is False
    assert cinder_snapshots(seed_env) == []


def test_instance_snapshots_reference_their_cinder_snapshots_for_the_invariants(
    seed_env: NovaEnv,
):
    sid = seed_env.boot(bfv=True)
    create_snapshot(seed_env, sid)
    seed_env.cloud.run_until_idle()
    assert [c["name"] for c in cinder_snapshots(seed_env)] == ["snapshot for s"]
    assert seed_env.cloud.check_invariants(["no_orphan_volume_snapshot"]) == []


# -- delete -------------------------------------------------------------------------------------


def test_delete_image_backed_moves_current_to_the_parent(seed_env: NovaEnv):
    sid = seed_env.boot()
    a = create_snapshot(seed_env, sid, "a")
    seed_env.cloud.run_until_idle()
    b = create_snapshot(seed_env, sid, "b")
    seed_env.cloud.run_until_idle()
    resp = seed_env.request("DELETE", snapshots_path(sid, b["id"]))
    assert resp.status == 202
    assert show(seed_env, sid, b["id"])["status"] == "deleting"
    t0 = seed_env.cloud.now
    seed_env.cloud.run_until_idle()
    assert status_times(seed_env, b["id"])["deleted"] == pytest.approx(t0 + RPC_DELAY + 0.5)
    assert seed_env.request("GET", snapshots_path(sid, b["id"])).status == 404
    assert [(s["id"], s["is_current"]) for s in listing(seed_env, sid)] == [(a["id"], True)]


def test_deleting_a_middle_snapshot_reparents_its_child(seed_env: NovaEnv):
    sid = seed_env.boot()
    a = create_snapshot(seed_env, sid, "a")
    b = create_snapshot(seed_env, sid, "b")
    c = create_snapshot(seed_env, sid, "c")
    seed_env.cloud.run_until_idle()
    assert seed_env.request("DELETE", snapshots_path(sid, b["id"])).status == 202
    seed_env.cloud.run_until_idle()
    assert [(s["name"], s["parent_id"]) for s in listing(seed_env, sid)] == [
        ("a", None),
        ("c", a["id"]),
    ]
    assert show(seed_env, sid, c["id"])["is_current"] is True


def test_a_creating_snapshot_cannot_be_deleted(seed_env: NovaEnv):
    sid = seed_env.boot()
    view = create_snapshot(seed_env, sid)
    resp = seed_env.request("DELETE", snapshots_path(sid, view["id"]))
    assert resp.status == 409
    assert resp.json() == {
        "conflictingRequest": {
            "code": 409,
            "message": f"Cannot 'deleteSnapshot' snapshot {view['id']} while it is in "
            "status creating",
        }
    }


def test_an_error_snapshot_can_be_deleted(seed_env: NovaEnv):
    sid = seed_env.boot()
    seed_env.cloud.faults.add("nova.libvirt.instance_snapshot", error="LibvirtError")
    view = create_snapshot(seed_env, sid)
    seed_env.cloud.run_until_idle()
    assert seed_env.request("DELETE", snapshots_path(sid, view["id"])).status == 202
    seed_env.cloud.run_until_idle()
    assert listing(seed_env, sid) == []


def test_delete_volume_backed_deletes_its_cinder_snapshots(seed_env: NovaEnv):
    sid = seed_env.boot(bfv=True)
    view = create_snapshot(seed_env, sid)
    seed_env.cloud.run_until_idle()
    assert seed_env.request("DELETE", snapshots_path(sid, view["id"])).status == 202
    seed_env.cloud.run_until_idle()
    assert listing(seed_env, sid) == []
    assert cinder_snapshots(seed_env) == []
    assert seed_env.nova.instance_snapshots() == []
    assert seed_env.cloud.check_invariants() == []


# -- revert -------------------------------------------------------------------------------------


def test_revert_needs_a_stopped_server(seed_env: NovaEnv):
    sid = seed_env.boot()
    view = create_snapshot(seed_env, sid)
    seed_env.cloud.run_until_idle()
    resp = seed_env.request("POST", snapshots_path(sid, view["id"]) + "/revert")
    assert resp.status == 409
    assert resp.json() == {
        "conflictingRequest": {
            "code": 409,
            "message": f"Cannot 'revertSnapshot' instance {sid} while it is in vm_state active",
        }
    }


def test_revert_makes_the_snapshot_current_and_the_next_one_its_child(seed_env: NovaEnv):
    sid = seed_env.boot()
    a = create_snapshot(seed_env, sid, "a")
    seed_env.cloud.run_until_idle()
    create_snapshot(seed_env, sid, "b")
    seed_env.cloud.run_until_idle()
    stop(seed_env, sid)
    t0 = seed_env.cloud.now
    resp = seed_env.request("POST", snapshots_path(sid, a["id"]) + "/revert")
    assert resp.status == 202
    assert resp.body is None
    # An RPC call to the host, which reverts the disk in instance_snapshot_revert_s.
    assert seed_env.cloud.now == pytest.approx(t0 + 2 * RPC_DELAY + 0.5)
    assert [(s["name"], s["is_current"]) for s in listing(seed_env, sid)] == [
        ("a", True),
        ("b", False),
    ]
    c = create_snapshot(seed_env, sid, "c")
    assert c["parent_id"] == a["id"]


def test_revert_accepts_an_empty_object_and_refuses_other_bodies(seed_env: NovaEnv):
    sid = seed_env.boot()
    view = create_snapshot(seed_env, sid)
    seed_env.cloud.run_until_idle()
    stop(seed_env, sid)
    path = snapshots_path(sid, view["id"]) + "/revert"
    bad = seed_env.request("POST", path, {"revert": True})
    assert bad.status == 400
    assert bad.json()["badRequest"]["message"] == (
        "Additional properties are not allowed ('revert' was unexpected)"
    )
    assert seed_env.request("POST", path, {}).status == 202


def test_revert_to_a_snapshot_that_is_not_available_is_409(seed_env: NovaEnv):
    sid = seed_env.boot()
    stop(seed_env, sid)
    view = create_snapshot(seed_env, sid)
    resp = seed_env.request("POST", snapshots_path(sid, view["id"]) + "/revert")
    assert resp.status == 409
    assert resp.json()["conflictingRequest"]["message"] == (
        f"Cannot 'revertSnapshot' snapshot {view['id']} while it is in status creating"
    )


def test_revert_of_a_volume_backed_server_moves_the_pointer(seed_env: NovaEnv):
    sid = seed_env.boot(bfv=True)
    a = create_snapshot(seed_env, sid, "a")
    seed_env.cloud.run_until_idle()
    create_snapshot(seed_env, sid, "b")
    seed_env.cloud.run_until_idle()
    stop(seed_env, sid)
    assert seed_env.request("POST", snapshots_path(sid, a["id"]) + "/revert").status == 202
    assert show(seed_env, sid, a["id"])["is_current"] is True


# -- server state gates -------------------------------------------------------------------------


def test_a_locked_server_refuses_a_snapshot(seed_env: NovaEnv):
    sid = seed_env.boot()
    assert seed_env.action(sid, {"lock": None}, user="admin").status == 202
    resp = seed_env.request("POST", snapshots_path(sid), {"snapshot": {"name": "s"}})
    assert resp.status == 409
    assert resp.json()["conflictingRequest"]["message"] == f"Instance {sid} is locked"


def test_a_server_busy_with_a_task_refuses_a_snapshot():
    env = timed_env()
    sid = env.boot()
    create_snapshot(env, sid)
    env.cloud.run_until_idle()
    assert env.create_image(sid).status == 202  # uploads from the current snapshot
    env.cloud.advance(1.0)
    resp = env.request("POST", snapshots_path(sid), {"snapshot": {"name": "again"}})
    assert resp.status == 409
    assert resp.json()["conflictingRequest"]["message"] == (
        f"Cannot 'createSnapshot' instance {sid} while it is in task_state image_uploading"
    )


def test_a_shelved_server_refuses_a_snapshot(seed_env: NovaEnv):
    sid = seed_env.boot()
    assert seed_env.action(sid, {"shelve": None}).status == 202
    seed_env.cloud.run_until_idle()
    resp = seed_env.request("POST", snapshots_path(sid), {"snapshot": {"name": "s"}})
    assert resp.status == 409
    assert resp.json()["conflictingRequest"]["message"] == (
        f"Cannot 'createSnapshot' instance {sid} while it is in vm_state shelved_offloaded"
    )


# -- bodies, lookups, policy --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (None, "None is not of type 'object'"),
        ({}, "'snapshot' is a required property"),
        (
            {"snapshot": {}},
            "Invalid input for field/attribute snapshot. Value: {}. 'name' is a required property",
        ),
        (
            {"snapshot": {"name": "a", "x": 1}},
            "Invalid input for field/attribute snapshot. Value: {'name': 'a', 'x': 1}. "
            "Additional properties are not allowed ('x' was unexpected)",
        ),
        (
            {"snapshot": {"name": " a"}},
            "An invalid 'name' value was provided. The name must be: printable characters. "
            "Can not start or end with whitespace.",
        ),
        (
            {"snapshot": {"name": "a", "description": 5}},
            "Invalid input for field/attribute description. Value: 5. "
            "5 is not of type 'string', 'null'",
        ),
    ],
)
def test_bad_create_bodies_are_novas_400(seed_env: NovaEnv, body, message):
    sid = seed_env.boot(wait=False)
    resp = seed_env.request("POST", snapshots_path(sid), body)
    assert resp.status == 400
    assert resp.json() == {"badRequest": {"code": 400, "message": message}}


def test_a_name_over_255_characters_is_400(seed_env: NovaEnv):
    sid = seed_env.boot(wait=False)
    resp = seed_env.request("POST", snapshots_path(sid), {"snapshot": {"name": "x" * 256}})
    assert resp.status == 400
    assert resp.json()["badRequest"]["message"].endswith("is too long")


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("GET", ""), ("POST", ""), ("GET", "/S"), ("DELETE", "/S"), ("POST", "/S/revert")],
)
def test_another_projects_server_is_404(method, suffix):
    env = NovaEnv("seed", ALT_PROJECT)
    sid = env.boot()
    snap = create_snapshot(env, sid)
    env.cloud.run_until_idle()
    body = {"snapshot": {"name": "x"}} if (method, suffix) == ("POST", "") else None
    path = snapshots_path(sid) + suffix.replace("S", snap["id"])
    resp = env.request(method, path, body, user="alt")
    assert resp.status == 404
    assert resp.json() == {
        "itemNotFound": {"code": 404, "message": f"Instance {sid} could not be found."}
    }


def test_the_owner_and_the_admin_see_the_snapshots(seed_env: NovaEnv):
    sid = seed_env.boot()
    view = create_snapshot(seed_env, sid)
    assert show(seed_env, sid, view["id"], user="admin")["id"] == view["id"]
    assert show(seed_env, sid, view["id"], user="demo-reader")["id"] == view["id"]


def test_a_snapshot_of_another_server_is_404(seed_env: NovaEnv):
    sid = seed_env.boot()
    other = seed_env.boot(name="other")
    theirs = create_snapshot(seed_env, other)
    for method, suffix in (("GET", ""), ("DELETE", ""), ("POST", "/revert")):
        resp = seed_env.request(method, snapshots_path(sid, theirs["id"]) + suffix)
        assert resp.status == 404
        assert resp.json() == {
            "itemNotFound": {
                "code": 404,
                "message": f"Snapshot {theirs['id']} could not be found.",
            }
        }


@pytest.mark.parametrize(
    ("rule", "method", "suffix"),
    [
        ("index", "GET", ""),
        ("show", "GET", "/S"),
        ("create", "POST", ""),
        ("delete", "DELETE", "/S"),
        ("revert", "POST", "/S/revert"),
    ],
)
def test_each_route_has_its_policy_rule(rule, method, suffix):
    name = f"os_compute_api:servers:snapshots:{rule}"
    env = NovaEnv("seed", {"nova": {"policy": {name: "!"}}})
    sid = env.boot()
    snap_id = MISSING if rule == "create" else create_snapshot(env, sid)["id"]
    body = {"snapshot": {"name": "x"}} if (method, suffix) == ("POST", "") else None
    resp = env.request(method, snapshots_path(sid) + suffix.replace("S", snap_id), body)
    assert resp.status == 403
    assert resp.json() == {
        "forbidden": {"code": 403, "message": f"Policy doesn't allow {name} to be performed."}
    }


def test_seed_defaults_are_admin_or_owner(seed_env: NovaEnv):
    """Legacy ``rule:admin_or_owner`` asks only "same project?": a reader may snapshot."""
    sid = seed_env.boot()
    view = create_snapshot(seed_env, sid, user="demo-reader")
    assert (
        seed_env.request("DELETE", snapshots_path(sid, view["id"]), user="demo-reader").status
        == 409
    )


# -- the upstream profile has none of it --------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("GET", ""), ("POST", ""), ("GET", "/S"), ("DELETE", "/S"), ("POST", "/S/revert")],
)
def test_upstream_has_no_snapshot_routes(env: NovaEnv, method, suffix):
    sid = env.boot()
    body = {"snapshot": {"name": "x"}} if method == "POST" else None
    resp = env.request(method, snapshots_path(sid) + suffix.replace("S", MISSING), body)
    assert resp.status == 404
    # Nova's router answers a bare webob 404 for a path it does not route (no Nova fault).
    assert resp.json()["code"] == "404 Not Found"
    assert resp.json()["message"].startswith("The resource could not be found.")
    assert env.nova.instance_snapshots() == []


def test_deleting_a_volume_backed_server_deletes_its_instance_snapshots_and_volume(
    seed_env: NovaEnv,
):
    sid = seed_env.boot(bfv=True)
    create_snapshot(seed_env, sid, "s1")
    seed_env.cloud.run_until_idle()
    assert [c["status"] for c in cinder_snapshots(seed_env)] == ["available"]
    assert seed_env.cloud.request("compute", "DELETE", f"/v2.1/servers/{sid}").status == 204
    seed_env.cloud.run_until_idle()
    assert seed_env.cloud.request("compute", "GET", f"/v2.1/servers/{sid}").status == 404
    assert cinder_snapshots(seed_env) == []
    volumes = seed_env.cloud.request("volumev3", "GET", "/v3/{project_id}/volumes").json()
    assert volumes["volumes"] == []
    assert seed_env.nova.instance_snapshots() == []
    assert seed_env.cloud.check_invariants() == []
