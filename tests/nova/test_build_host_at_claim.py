"""A build's host is written by its compute's claim, not by the scheduler (nova 17.0.13,
27.5.1 and 34.0.0: ``conductor/manager.py`` ``schedule_and_build_instances`` writes only the
zone; ``compute/resource_tracker.py`` ``instance_claim`` -> ``_set_instance_host_and_node``
writes ``host``, ``node`` and ``launched_on``). Between the two an admin sees a ``scheduling``
server with no host, no hypervisor and an empty ``hostId``, absent from the ``host`` filter; a
delete then is ``compute/api.py`` ``_delete``'s first branch (no host, not ERROR or offloaded:
destroyed by the API, no ``delete`` action); a failed claim writes no host and is rescheduled
(``_build_and_run_instance``'s ``except ComputeResourcesUnavailable``)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

#: ``ComputeResourcesUnavailable``'s text, as the fault plan's error builds it.
CLAIM_FAILED = "Insufficient compute resources: Free memory 0.00 MB < requested 2048 MB."
#: One host whose one build slot the first boot holds: the second waits, scheduled, unclaimed.
ONE_SLOT = {"nova": {"compute_hosts": 1, "max_concurrent_builds": 1, "max_concurrent_snapshots": 1}}


def waiting(profile):
    env = NovaEnv(profile, config=ONE_SLOT)
    first = env.boot("first", wait=False)
    second = env.boot("second", wait=False)
    env.cloud.advance(1.0)  # first spawns (claimed); second waits for the build slot
    return env, first, second


def placement(env, sid):
    shown = env.server(sid)
    return (
        shown["OS-EXT-STS:task_state"],
        shown["OS-EXT-SRV-ATTR:host"],
        shown["OS-EXT-SRV-ATTR:hypervisor_hostname"],
        bool(shown["hostId"]),
        shown["OS-EXT-AZ:availability_zone"],
    )


def on_host(env, host):
    resp = env.request("GET", f"/v2.1/servers?all_tenants=1&host={host}", user="admin")
    return sorted(s["name"] for s in resp.json()["servers"])


@pytest.mark.parametrize("profile", ["nova-17.0.13", "nova-27.5.1", "upstream"])
def test_a_scheduled_build_shows_no_host_until_its_compute_claims_it(profile):
    env, first, second = waiting(profile)
    assert placement(env, first) == ("spawning", "cmp-1", "cmp-1", True, "nova")
    # the conductor wrote the host's zone, not the host
    assert placement(env, second) == ("scheduling", None, None, False, "nova")
    assert on_host(env, "cmp-1") == ["first"]
    env.cloud.run_until_idle()
    assert placement(env, second) == (None, "cmp-1", "cmp-1", True, "nova")
    assert on_host(env, "cmp-1") == ["first", "second"]


def test_a_build_at_its_compute_shows_no_task_until_networking():
    """``_do_build_and_run_instance``'s first save clears ``scheduling`` (nova 17.0.13,
    27.5.1, 34.0.0); ``_build_resources``' ``_allocate_network`` sets ``networking`` only
    after the claim, then ``block_device_mapping`` and ``spawning``."""
    env = NovaEnv("upstream")
    env.cloud.faults.add("nova.compute.instance_claim", action="delay", delay_s=5.0, times=1)
    sid = env.boot("a", wait=False)
    env.cloud.advance(2.0)  # at its compute, the claim slowed
    assert placement(env, sid) == (None, None, None, False, "nova")
    assert env.server(sid)["status"] == "BUILD"
    env.cloud.run_until_idle()
    moves = env.cloud.trace.filter(kind="state", subject=sid, field="task_state")
    assert [e["old"] for e in moves[:1]] + [e["new"] for e in moves] == [
        "scheduling", None, "networking", "block_device_mapping", "spawning", None
    ]  # fmt: skip


@pytest.mark.parametrize("profile", ["nova-17.0.13", "upstream"])
def test_a_build_deleted_before_its_claim_is_destroyed_by_the_api(profile):
    env, _first, second = waiting(profile)
    assert env.request("DELETE", f"/v2.1/servers/{second}").status == 204
    assert env.request("GET", f"/v2.1/servers/{second}").status == 404  # at once
    env.cloud.run_until_idle()
    resp = env.request(
        "GET", f"/v2.1/servers/{second}/os-instance-actions", user="admin", microversion="2.21"
    )
    assert [a["action"] for a in resp.json()["instanceActions"]] == ["create"]  # no delete
    assert env.states(second) == [None]  # scheduling -> none at the destroy: never deleting
    # its compute found it gone ("Instance disappeared before build."): the event succeeds
    (action,) = env.nova.db.actions[second]
    assert [(e.event, e.host, e.result) for e in action.events] == [
        ("compute__do_build_and_run_instance", "cmp-1", "Success")
    ]
    notified = [
        (e["actor"], e["event_type"].removeprefix("compute.instance."))
        for e in env.cloud.trace.filter(kind="notification")
        if e.get("instance_id") == second
    ]
    api = f"compute.{env.nova.config.api_host}"
    assert notified == [(api, "delete.start"), (api, "delete.end")]  # no create.start


def test_a_build_deleted_before_it_is_scheduled_is_notified_by_no_one():
    """Before the conductor schedules it the server is a build request, no instance of any
    cell: nova-api deletes the request and its ``_lookup_instance`` finds no instance to
    destroy or notify, and the conductor, its scheduling done, finds the request gone and
    creates nothing (nova 17.0.0-34.0.0 ``_delete_while_booting``,
    ``schedule_and_build_instances``). fakecloud's nova-api sent the delete's pair."""
    env = NovaEnv("upstream", {"nova": {"notification_format": "both"}})
    sid = env.boot("early", wait=False)
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    assert env.request("GET", f"/v2.1/servers/{sid}").status == 404  # at once
    env.cloud.run_until_idle()
    assert [
        e["event_type"]
        for e in env.cloud.trace.filter(kind="notification")
        if e.get("instance_id") == sid
    ] == []
    assert env.nova.db.allocated_host(sid) is None
    assert sid not in env.nova.db.actions  # the conductor records the create: never here


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_a_build_deleted_before_it_is_scheduled_was_never_a_server(profile):
    """Only a build request existed: nova-api deletes it (``_attempt_delete_of_buildrequest``)
    and the conductor creates no instance in any cell (nova 17.0.13-34.0.0
    ``schedule_and_build_instances``, 8ba92778fe), so an admin's deleted or changes-since
    list has no row of it, it is no marker, and its instance actions are a 404 from 2.21,
    which reads deleted servers. A server deleted after it was built is listed (contrast)."""
    env = NovaEnv(profile)
    built = env.boot("built")
    assert env.request("DELETE", f"/v2.1/servers/{built}").status == 204
    env.cloud.run_until_idle()
    early = env.boot("early", wait=False)
    assert env.request("DELETE", f"/v2.1/servers/{early}").status == 204
    env.cloud.run_until_idle()
    for query in ("deleted=true", "changes-since=2000-01-01T00:00:00Z"):
        listed = env.request("GET", f"/v2.1/servers/detail?all_tenants=1&{query}", user="admin")
        assert [s["name"] for s in listed.json()["servers"]] == ["built"], query
    marker = env.request("GET", f"/v2.1/servers?deleted=true&marker={early}", user="admin")
    assert marker.status == 400
    actions = "/v2.1/servers/{}/os-instance-actions"
    assert (
        env.request("GET", actions.format(built), user="admin", microversion="2.21").status == 200
    )
    gone = env.request("GET", actions.format(early), user="admin", microversion="2.21")
    assert gone.status == 404
    assert gone.json()["itemNotFound"]["message"] == f"Instance {early} could not be found."
    twin = env.cloud.fork()  # a saved world keeps it unbuilt
    listed = twin.request(
        "compute", "GET", "/v2.1/servers?all_tenants=1&deleted=true", user="admin"
    )
    assert [s["name"] for s in listed.json()["servers"]] == ["built"]


@pytest.mark.parametrize(
    ("profile", "status"), [("nova-27.5.1", "reserved"), ("upstream", "available")]
)
def test_a_volume_of_a_build_deleted_before_its_claim(profile, status):
    """34.0.0's ``_delete`` deletes the attachments of a scheduled server's volumes
    (``_local_cleanup_bdm_volumes``: f7dd550a70, LP #2088066); before, the volume stays
    reserved for the deleted server."""
    env = NovaEnv(profile, config=ONE_SLOT)
    volume = data_volume(env)
    env.boot("first", wait=False)
    body = with_data_volume(env, volume)
    resp = env.request("POST", "/v2.1/servers", body, microversion="2.45")
    sid = resp.json()["server"]["id"]
    env.cloud.advance(1.0)
    assert placement(env, sid)[:2] == ("scheduling", None)
    assert volume_status(env, volume) == "reserved"
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    env.cloud.run_until_idle()
    assert volume_status(env, volume) == status


def test_a_volume_of_a_build_deleted_in_its_reschedule():
    """Between a failed claim and the conductor's next placement the server is in its cell
    with no host and no allocation: 34.0.0's ``_delete`` deletes its volumes' attachments
    there too (f7dd550a70: ``_lookup_instance`` finds it; before, the volume stays reserved,
    as `test_a_volume_of_a_build_deleted_before_its_claim` shows)."""
    env = NovaEnv("upstream", config={"nova": {"compute_hosts": 2}, "rpc": {"delay_s": 1.0}})
    volume = data_volume(env)
    env.cloud.faults.add(
        "nova.compute.instance_claim", error="ComputeResourcesUnavailable", times=1
    )
    body = with_data_volume(env, volume)
    sid = env.request("POST", "/v2.1/servers", body, microversion="2.45").json()["server"]["id"]
    failed = "compute.instance.create.error"
    while not env.cloud.trace.filter(kind="notification", event_type=failed):
        env.cloud.advance(0.5)
    assert placement(env, sid)[:2] == ("scheduling", None)
    assert env.nova.db.allocated_host(sid) is None  # the failed host dropped its allocation
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    env.cloud.run_until_idle()
    assert volume_status(env, volume) == "available"


def data_volume(env):
    """A 1 GB volume of the demo project, created and available."""
    volume = env.cloud.request(
        "volume", "POST", "/v3/{project_id}/volumes", body={"volume": {"size": 1}}, user="demo"
    ).json()["volume"]["id"]
    env.cloud.run_until_idle()
    return volume


def with_data_volume(env, volume):
    """A create body: an image-backed server with `volume` attached at boot."""
    bdm = [
        {"boot_index": 0, "uuid": env.image.id, "source_type": "image",
         "destination_type": "local"},
        {"boot_index": 1, "uuid": volume, "source_type": "volume", "destination_type": "volume"},
    ]  # fmt: skip
    server = {"name": "v", "flavorRef": "1", "imageRef": env.image.id, "networks": "none"}
    return {"server": {**server, "block_device_mapping_v2": bdm}}


def volume_status(env, volume):
    path = f"/v3/{{project_id}}/volumes/{volume}"
    return env.cloud.request("volume", "GET", path, user="demo").json()["volume"]["status"]


@pytest.mark.parametrize("profile", ["nova-17.0.13", "upstream"])
def test_a_failed_claim_writes_no_host_and_is_rescheduled(profile):
    env = NovaEnv(profile, config={"nova": {"compute_hosts": 2}})
    env.cloud.faults.add(
        "nova.compute.instance_claim", error="ComputeResourcesUnavailable", times=1
    )
    sid = env.boot("a", wait=False)
    forced = env.request(
        "POST",
        "/v2.1/servers",
        {"server": {"name": "b", "flavorRef": "1", "imageRef": env.image.id,
                    "networks": "none", "availability_zone": "nova:cmp-2"}},
        user="admin",
        microversion="2.45",
    ).json()["server"]["id"]  # fmt: skip
    env.cloud.run_until_idle()
    assert placement(env, sid) == (None, "cmp-2", "cmp-2", True, "nova")
    errors = [
        (e["actor"], e.get("message"))
        for e in env.cloud.trace.filter(kind="notification")
        if e["event_type"] == "compute.instance.create.error"
    ]
    assert errors == [("compute.cmp-1", CLAIM_FAILED)]
    assert env.server(forced)["status"] == "ACTIVE"  # the fault fired once
    env.cloud.faults.add(
        "nova.compute.instance_claim", error="ComputeResourcesUnavailable", times=1
    )
    forced = env.request(
        "POST",
        "/v2.1/servers",
        {"server": {"name": "c", "flavorRef": "1", "imageRef": env.image.id,
                    "networks": "none", "availability_zone": "nova:cmp-2"}},
        user="admin",
        microversion="2.45",
    ).json()["server"]["id"]  # fmt: skip
    env.cloud.run_until_idle()
    shown = env.server(forced)
    # a forced host carries no retry: ERROR, the claim's text as the fault, no host
    assert (shown["status"], shown["OS-EXT-SRV-ATTR:host"], shown["fault"]["message"]) == (
        "ERROR", None, CLAIM_FAILED
    )  # fmt: skip


def test_an_unshelve_shows_no_host_until_its_compute_claims_it():
    """``_unshelve_instance`` (nova 17.0.13-34.0.0): the conductor sets the zone on the object
    it casts, the compute's first save writes it, ``rt.instance_claim`` after
    ``_prep_block_device`` the host; a failed claim
    (``ComputeResourcesUnavailable``) leaves the server offloaded, with no host or allocation."""
    env = NovaEnv("upstream", config={"rpc": {"delay_s": 1.0}})
    sid = env.boot("x", bfv=True)
    assert env.action(sid, {"shelve": None}).status == 202  # offloaded at once
    env.cloud.run_until_idle()
    assert env.action(sid, {"unshelve": None}).status == 202
    seen = []
    while not seen or seen[-1][0] is not None:
        env.cloud.advance(0.5)
        shown = placement(env, sid)
        if not seen or seen[-1] != shown:
            seen.append(shown)
    assert seen == [
        ("unshelving", None, None, False, ""),  # scheduled too, its zone not saved yet
        ("spawning", None, None, False, "nova"),  # the compute's first save writes the zone
        ("spawning", "cmp-1", "cmp-1", True, "nova"),  # claimed
        (None, "cmp-1", "cmp-1", True, "nova"),
    ]
    env.cloud.faults.add(
        "nova.compute.instance_claim", error="ComputeResourcesUnavailable", times=1
    )
    for action in ("shelve", "unshelve"):
        assert env.action(sid, {action: None}).status == 202
        env.cloud.run_until_idle()
    shown = env.server(sid)
    assert (shown["status"], shown["OS-EXT-SRV-ATTR:host"]) == ("SHELVED_OFFLOADED", None)
    # the fault row (shown in ERROR only), no allocation left holding cmp-1
    assert env.nova.db.fault_latest(sid).message == CLAIM_FAILED
    assert env.nova.db.allocated_host(sid) is None
