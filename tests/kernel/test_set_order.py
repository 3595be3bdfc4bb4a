"""What a set held reaches a trace in an order that is the same in every Python process: a
set of objects iterates in the order of their addresses, a set of strings in an order that
changes with Python's hash seed (``PYTHONHASHSEED``), so each place that walks one where the
order shows (a restart's kills: tests/nova/test_restart_kill_order.py) walks it sorted."""

from fakecloud import Cloud
from fakecloud.sim.io import MB


def test_a_destroyed_guest_fails_its_copies_in_the_order_they_started():
    """``_destroy``: every transfer of the guest's disk fails (Domain not found); they were
    a set of transfers, failed (and traced) in the order of their addresses."""
    cloud = Cloud(profile="upstream")
    image = cloud.request("image", "GET", "/v2/images").json()["images"][0]["id"]
    server = {"name": "s", "imageRef": image, "flavorRef": "2", "networks": "none"}
    body = cloud.request(
        "compute", "POST", "/v2.1/servers", {"server": server}, microversion="2.37"
    )
    sid = body.json()["server"]["id"]
    cloud.run_until_idle()
    host = cloud.nova.db.instance_row(sid).host
    dom = cloud.nova.hosts[host].driver.domains[sid]
    started = []
    for n in range(40):  # a set of 40 transfers iterates in start order by no chance
        copy = cloud.kernel.io.transfer(100 * MB, [f"disk:{host}"], label=f"copy {n}")
        copy.done.defused = True
        dom.add_transfer(copy)
        started.append(copy.id)
    assert cloud.request("compute", "DELETE", f"/v2.1/servers/{sid}").status == 204
    cloud.run_until_idle()
    failed = [e["subject"] for e in cloud.trace.filter(kind="io.fail")]
    assert failed == started


def test_a_cascade_delete_deletes_snapshots_made_at_one_instant_by_id():
    """Six snapshots made at one instant: ``volume_snapshots`` (oldest first) left their
    order to the set of their ids, so a cascade delete traced them in an order that changed
    with the hash seed; they go by id, as a revert picks the latest of a tie."""
    cloud = Cloud(profile="upstream")
    volume = cloud.request("volume", "POST", "/v3/volumes", {"volume": {"size": 1}}).json()
    vid = volume["volume"]["id"]
    cloud.run_until_idle()
    made = [
        cloud.request("volume", "POST", "/v3/snapshots", {"snapshot": {"volume_id": vid}})
        for _ in range(6)
    ]
    snapshots = {answer.json()["snapshot"]["id"] for answer in made}
    cloud.run_until_idle()
    assert cloud.request("volume", "DELETE", f"/v3/volumes/{vid}?cascade=true").status == 202
    cloud.run_until_idle()
    deleted = [
        e["subject"]
        for e in cloud.trace.filter(kind="state", new="deleted")
        if e["subject"] in snapshots
    ]
    assert deleted == sorted(snapshots)
