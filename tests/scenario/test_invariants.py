"""The invariant library: each invariant catches the bad state it names, and says when it
cannot check."""

import json

import pytest

from fakecloud import Cloud
from fakecloud.invariants import REGISTRY, NotApplicable, check

NAMES = {
    "no_unexpected_500",
    "no_active_snapshot_image_deleted",
    "no_stuck_snapshot_image",
    "no_orphan_volume_snapshot",
    "no_active_image_of_error_snapshot",
    "quota_usage_matches",
    "task_state_cleared",
    "no_frozen_guest",
    "no_long_freeze",
    "no_freeze_across_restart",
    "nova_usage_matches",
    "server_holds_allocation",
    "provider_within_capacity",
    "address_held_by_one_live_server",
    "server_group_policy_holds",
    "server_moves_settled",
    "guest_on_its_host",
    "no_guest_of_deleted_server",
}


def names_of(violations):
    return sorted({v.invariant for v in violations})


def test_every_invariant_is_registered_with_a_meaning():
    assert set(REGISTRY) == NAMES
    assert all(inv.doc and inv.doc.endswith(".") for inv in REGISTRY.values())


def test_a_fresh_cloud_breaks_nothing():
    cloud = Cloud(seed=1)
    assert cloud.check_invariants() == []


def test_unknown_names_are_refused_with_a_suggestion():
    with pytest.raises(KeyError, match="did you mean 'no_frozen_guest'"):
        Cloud().check_invariants(["no_frozen_guests"])


def test_an_invariant_named_explicitly_must_be_checkable():
    cloud = Cloud()
    cloud.io.transfer(10**9, [cloud.io.resource("disk:x", 1)], label="long")
    cloud.kernel.spawn((yield_forever(cloud)), name="busy worker")
    with pytest.raises(NotApplicable, match="task_state_cleared: the cloud is still busy"):
        cloud.check_invariants(["task_state_cleared"])
    everything = cloud.check_invariants()
    assert everything == []
    assert "task_state_cleared" in everything.not_applicable
    assert "not applicable" in repr(everything)


def yield_forever(cloud):
    yield cloud.kernel.env.event()


def test_missing_services_are_not_applicable():
    class Bare:
        kernel = Cloud().kernel
        trace = kernel.trace

    outcomes = {o.name: o for o in check(Bare())}
    assert outcomes["no_unexpected_500"].status == "ok"
    assert outcomes["no_frozen_guest"].status == "not applicable"
    assert outcomes["no_frozen_guest"].not_applicable == "no nova in this cloud"
    assert outcomes["no_orphan_volume_snapshot"].not_applicable == "no cinder, glance in this cloud"


def volume(cloud, size=1):
    r = cloud.request(
        "block-storage", "POST", "/v3/{project_id}/volumes", {"volume": {"size": size}}
    )
    assert r.status == 202, r.body
    cloud.run_until_idle()
    return r.json()["volume"]["id"]


def snapshots(cloud, vol, names):
    """Cinder snapshots of `vol`, one by each of `names`, made and settled: their ids."""
    ids = {}
    for name in names:
        r = cloud.request(
            "block-storage",
            "POST",
            "/v3/{project_id}/snapshots",
            {"snapshot": {"volume_id": vol, "name": name}},
        )
        assert r.status == 202, r.body
        ids[name] = r.json()["snapshot"]["id"]
    cloud.run_until_idle()
    return ids


def test_orphan_volume_snapshots_are_the_ones_nova_named():
    cloud = Cloud()
    snapshots(cloud, volume(cloud), ("snapshot for lost-image", "users own snapshot"))
    found = cloud.check_invariants(["no_orphan_volume_snapshot"])
    assert len(found) == 1
    assert "'snapshot for lost-image'" in found[0].message
    assert "is referenced by no image" in found[0].message


def test_an_active_image_mapping_a_snapshot_in_error_is_caught():
    # The state a volume-backed createImage leaves when its Cinder snapshot fails after Nova
    # made the image active (it does not wait): the image is what the user boots from.
    cloud = Cloud()
    vol = volume(cloud)
    cloud.faults.add("cinder.snapshot.create", error="CinderBackendError", times=1)
    made = snapshots(cloud, vol, ("snapshot for broken", "snapshot for fine"))
    images = {}
    for name in ("broken", "fine"):
        mapping = [{"source_type": "snapshot", "snapshot_id": made[f"snapshot for {name}"]}]
        r = cloud.request(
            "image",
            "POST",
            "/v2/images",
            {
                "name": name,
                "disk_format": "raw",
                "container_format": "bare",
                "block_device_mapping": json.dumps(mapping),
            },
        )
        images[name] = r.json()["id"]
        up = cloud.request(
            "image",
            "PUT",
            f"/v2/images/{images[name]}/file",
            headers={"Content-Type": "application/octet-stream", "x-openstack-image-size": "0"},
        )
        assert up.status == 204, up.body
    cloud.run_until_idle()
    found = cloud.check_invariants(["no_active_image_of_error_snapshot"])
    assert [v.subject for v in found] == [f"image {images['broken']}"]
    assert found[0].message == (
        f"image 'broken' is active and maps volume snapshot {made['snapshot for broken']} "
        f"of volume {vol}, which is in error: every boot from it fails"
    )
    assert cloud.request("image", "DELETE", f"/v2/images/{images['broken']}").status == 204
    assert cloud.check_invariants(["no_active_image_of_error_snapshot"]) == []


def test_quota_usage_drift_is_caught():
    cloud = Cloud()
    volume(cloud, size=2)
    assert cloud.check_invariants(["quota_usage_matches"]) == []
    project = cloud.context("demo").project_id
    cloud.cinder.quotas.usage(project, "snapshots").in_use += 1  # a leaked usage
    found = cloud.check_invariants(["quota_usage_matches"])
    assert [(v.subject, v.message) for v in found] == [
        (f"project {project} snapshots", "in use 1 (reserved 0), but 0 exist")
    ]


def test_quota_usage_held_where_nothing_exists_is_caught():
    # a project with no volume at all, but a reservation never settled (checked, not skipped
    # as a project with nothing to compare)
    cloud = Cloud()
    project = cloud.context("demo").project_id
    cloud.cinder.quotas.usage(project, "volumes").reserved += 1
    found = cloud.check_invariants(["quota_usage_matches"])
    assert [(v.subject, v.message) for v in found] == [
        (f"project {project} volumes", "in use 0 (reserved 1), but 0 exist")
    ]


def test_a_snapshot_image_left_queued_is_stuck():
    cloud = Cloud()
    r = cloud.request(
        "image",
        "POST",
        "/v2/images",
        {
            "name": "snap",
            "image_type": "snapshot",
            "disk_format": "raw",
            "container_format": "bare",
        },
    )
    assert r.status == 201, r.body
    plain = cloud.request("image", "POST", "/v2/images", {"name": "plain"})
    assert plain.status == 201
    found = cloud.check_invariants(["no_stuck_snapshot_image"])
    assert [v.subject for v in found] == [f"image {r.json()['id']}"]
    assert found[0].message == "snapshot image 'snap' is queued with no work in flight"


def test_deleting_an_active_image_is_fine_for_a_user_but_not_for_cleanup():
    cloud = Cloud()
    ids = []
    for name in ("kept-by-user", "lost-to-cleanup"):
        r = cloud.request(
            "image",
            "POST",
            "/v2/images",
            {"name": name, "disk_format": "raw", "container_format": "bare"},
        )
        ids.append(r.json()["id"])
        up = cloud.request(
            "image",
            "PUT",
            f"/v2/images/{ids[-1]}/file",
            headers={"Content-Type": "application/octet-stream", "x-openstack-image-size": "10"},
        )
        assert up.status == 204, up.body
    cloud.run_until_idle()
    assert cloud.request("image", "DELETE", f"/v2/images/{ids[0]}").status == 204
    assert cloud.check_invariants(["no_active_snapshot_image_deleted"]) == []
    # a service deleting it without a user's request, as Nova's cleanup would
    cloud.glance.images.delete(cloud.context("demo"), ids[1])
    found = cloud.check_invariants(["no_active_snapshot_image_deleted"])
    assert [v.subject for v in found] == [f"image {ids[1]}"]


def test_a_task_state_left_set_is_reported():
    cloud = Cloud()
    image = cloud.request(
        "image",
        "POST",
        "/v2/images",
        {"name": "c", "disk_format": "qcow2", "container_format": "bare"},
    ).json()["id"]
    cloud.request(
        "image",
        "PUT",
        f"/v2/images/{image}/file",
        headers={"Content-Type": "application/octet-stream", "x-openstack-image-size": "1000"},
    )
    cloud.run_until_idle()
    server = cloud.request(
        "compute",
        "POST",
        "/v2.1/servers",
        {"server": {"name": "s", "imageRef": image, "flavorRef": "1"}},
    )
    assert server.status == 202, server.body
    cloud.run_until_idle()
    server_id = server.json()["server"]["id"]
    assert cloud.check_invariants(["task_state_cleared"]) == []
    cloud.nova.force_state(server_id, task_state="image_uploading")
    found = cloud.check_invariants(["task_state_cleared"])
    assert [v.subject for v in found] == [f"server {server_id}"]
    assert found[0].message.startswith("task_state is 'image_uploading'")


def test_the_session_15_kinds_break_their_invariants_when_their_state_drifts():
    """Running totals, addresses and group placement, each broken by hand, are caught."""
    cloud = Cloud(seed=3)
    req = cloud.request
    images = req("image", "GET", "/v2/images?name=cirros-0.6.2-x86_64-qga").json()["images"]
    image = images[0]["id"]
    group = {"server_group": {"name": "g", "policies": ["anti-affinity"]}}
    group_id = req("compute", "POST", "/v2.1/os-server-groups", group).json()["server_group"]["id"]
    made = []
    for name in ("a", "b"):
        server = {"name": name, "flavorRef": "1", "imageRef": image, "networks": "auto"}
        body = {"server": server, "os:scheduler_hints": {"group": group_id}}
        resp = req("compute", "POST", "/v2.1/servers", body, microversion="2.37")
        made.append(resp.json()["server"]["id"])
    cloud.run_until_idle()
    names = ["nova_usage_matches", "address_held_by_one_live_server", "server_group_policy_holds"]
    assert cloud.check_invariants(names) == []
    db = cloud.nova.db
    first, second = (db.instances[uuid] for uuid in made)
    second.host = first.host  # both members on one host
    db._networks[second.uuid] = db.network_number(first.uuid)  # one address, two servers
    db._usage[first.project_id][1] += 1  # a core nobody holds
    assert names_of(cloud.check_invariants(names)) == sorted(names)


def test_a_server_moved_and_at_rest_holds_one_host_and_breaks_it_when_its_record_drifts():
    """A resize confirmed and one reverted settle; a server away from where its last move
    left it is caught."""
    cloud = Cloud(seed=3)
    req = cloud.request
    images = req("image", "GET", "/v2/images?name=cirros-0.6.2-x86_64-qga").json()["images"]
    made = []
    for name in ("a", "b"):
        server = {"name": name, "flavorRef": "1", "imageRef": images[0]["id"], "networks": "none"}
        resp = req("compute", "POST", "/v2.1/servers", {"server": server}, microversion="2.37")
        made.append(resp.json()["server"])
    cloud.run_until_idle()
    for server, ending in zip(made, ("confirmResize", "revertResize"), strict=True):
        path = f"/v2.1/servers/{server['id']}/action"
        assert req("compute", "POST", path, {"resize": {"flavorRef": "2"}}).status == 202
        cloud.run_until_idle()
        assert cloud.check_invariants(["server_moves_settled"]) == []  # VERIFY_RESIZE
        assert req("compute", "POST", path, {ending: None}).status in (202, 204)
        cloud.run_until_idle()
    assert cloud.check_invariants() == []
    db = cloud.nova.db
    confirmed, reverted = db.migrations[1], db.migrations[2]
    db.instances[confirmed.instance_uuid].host = confirmed.source_compute
    db.instances[reverted.instance_uuid].host = reverted.dest_compute
    found = cloud.check_invariants(["server_moves_settled"])
    assert sorted(v.subject for v in found) == sorted(
        f"server {m.instance_uuid}" for m in (confirmed, reverted)
    )


def test_a_cast_queued_for_a_stopped_compute_is_work_left_not_a_stuck_snapshot():
    """A createImage cast to a stopped nova-compute waits in its queue (RabbitMQ keeps it): the
    cloud is not idle, its image is pending, and what is checked once idle waits. The compute's
    start runs init_host first, which clears the pending task state (nova 27.5.1 manager.py
    ``_init_instance``); the queued snapshot then meets an unexpected task state and deletes its
    image; everything holds."""
    cloud = Cloud(profile="upstream", config={"nova": {"compute_hosts": 1}})
    image = cloud.request("image", "GET", "/v2/images?name=cirros-0.6.2-x86_64-disk").json()
    body = {"server": {"name": "web", "imageRef": image["images"][0]["id"], "flavorRef": "1"}}
    server = cloud.request("compute", "POST", "/v2.1/servers", body).json()["server"]["id"]
    cloud.run_until_idle()
    cloud.kernel.rpc.set_up("compute.cmp-1", False)
    snap = {"createImage": {"name": "while-down"}}
    r = cloud.request(
        "compute", "POST", f"/v2.1/servers/{server}/action", snap, microversion="2.45"
    )
    assert r.status == 202, r.body
    cloud.run_until_idle()  # no process runs: the cast waits in the queue
    assert cloud.kernel.rpc.waiting() == ["compute.cmp-1"]
    found = cloud.check_invariants()
    assert names_of(found) == []
    assert found.not_applicable["task_state_cleared"] == (
        "work waits in the queue of stopped compute.cmp-1 (checked once idle)"
    )
    cloud.kernel.rpc.set_up("compute.cmp-1", True)
    cloud.run_until_idle()
    shown = cloud.request("image", "GET", f"/v2/images/{r.json()['image_id']}")
    assert shown.status == 404
    after = cloud.request("compute", "GET", f"/v2.1/servers/{server}").json()["server"]
    assert after["OS-EXT-STS:task_state"] is None
    done = cloud.check_invariants()
    assert done == [] and done.not_applicable == {}
