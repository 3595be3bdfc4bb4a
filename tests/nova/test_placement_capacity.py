"""Placement's inventory of each compute host (`fakecloud.nova.inventories`): a scheduling
request with no room left on any host is no allocation candidate, a boot's bare "No valid host
was found. ", and ``provider_within_capacity`` holds unless placement's books lost a server.

Every host here: 32 vCPUs (x16), 131072 MB less 512 reserved (x1.5), 900 GB (x1.0). Flavor 5
(m1.xlarge: 8 vCPUs, 16384 MB, 160 GB root) fits five times on a host's disk, not six."""

from __future__ import annotations

from unittest.mock import ANY

import pytest

from tests.nova.conftest import NovaEnv
from tests.nova.test_rebuild_allocation import _fail_a_rebuild

ONE_HOST = {"nova": {"compute_hosts": 1, "quota_instances": -1, "quota_cores": -1, "quota_ram": -1}}


def _boot(env: NovaEnv, name: str, user: str = "demo", **kw) -> dict:
    resp = env.request(
        "POST",
        "/v2.1/servers",
        {"server": {"name": name, "flavorRef": "5", "imageRef": env.image.id, **kw}},
        user=user,
        microversion="2.1",
    )
    assert resp.status == 202, resp.json()
    env.cloud.run_until_idle()
    return env.server(resp.json()["server"]["id"])


def _full(profile: str) -> NovaEnv:
    env = NovaEnv(profile, ONE_HOST)
    for i in range(5):
        assert _boot(env, f"x{i}")["status"] == "ACTIVE"
    return env


@pytest.mark.parametrize("profile", ["nova-17.0.13", "upstream"])
def test_a_host_whose_disk_is_allocated_takes_no_more(profile):
    env = _full(profile)
    refused = _boot(env, "x5")
    assert (refused["status"], refused["fault"]["message"]) == (
        "ERROR",
        "No valid host was found. ",
    )
    # a smaller flavor still fits
    assert env.server(env.boot(name="tiny"))["status"] == "ACTIVE"
    assert env.cloud.check_invariants(["provider_within_capacity"]) == []


def test_a_flavor_above_a_host_s_total_is_no_candidate_anywhere():
    env = NovaEnv("upstream")
    body = {"flavor": {"name": "huge", "ram": 512, "vcpus": 33, "disk": 1, "id": "huge"}}
    assert env.request("POST", "/v2.1/flavors", body, user="admin").status == 200
    env.request("PUT", f"/v2.1/os-quota-sets/{env.cloud.context('demo').project_id}",
                {"quota_set": {"cores": -1}}, user="admin")  # fmt: skip
    sid = env.request(
        "POST",
        "/v2.1/servers",
        {"server": {"name": "h", "flavorRef": "huge", "imageRef": env.image.id}},
    ).json()["server"]["id"]
    env.cloud.run_until_idle()
    shown = env.server(sid)
    # VCPU's max_unit is the host's 32, whatever the allocation ratio
    assert (shown["status"], shown["fault"]["message"]) == ("ERROR", "No valid host was found. ")


def test_a_dropped_allocation_lets_the_host_be_overcommitted():
    # from 19.0.0 a rebuild failing on its host drops the server's allocation
    # (server_holds_allocation): placement then lets a sixth in, beyond the host's disk
    env = _full("nova-19.0.0")
    sid = next(iter(env.nova.db.instances))
    _fail_a_rebuild(env, sid)
    assert _boot(env, "x5")["status"] == "ACTIVE"
    host = next(iter(env.nova.hosts))
    broken = env.cloud.check_invariants(["provider_within_capacity"])
    assert [str(v) for v in broken] == [
        f"provider_within_capacity: host {host}: uses DISK_GB 960/900"
    ]


def test_a_host_without_room_is_no_alternate_for_a_rescheduled_build():
    # the alternates are placement's candidates too: the build failing on cmp-1 has no host
    # left to retry on while cmp-2's disk is allocated
    env = NovaEnv("upstream", {"nova": {**ONE_HOST["nova"], "compute_hosts": 2}})
    for i in range(5):
        forced = _boot(env, f"x{i}", user="admin", availability_zone="nova:cmp-2")
        assert forced["status"] == "ACTIVE"
    env.cloud.faults.add("nova.libvirt.spawn", error="LibvirtError", times=1)
    shown = _boot(env, "x5")
    assert (shown["status"], shown["fault"]["message"]) == (
        "ERROR",
        "Exceeded maximum number of retries. Exhausted all hosts available for retrying "
        f"build failures for instance {shown['id']}.",
    )
    assert env.cloud.check_invariants(["provider_within_capacity"]) == []


def _cmp_2_full(env: NovaEnv) -> None:
    for i in range(5):
        forced = _boot(env, f"x{i}", user="admin", availability_zone="nova:cmp-2")
        assert forced["status"] == "ACTIVE"


TWO_HOSTS = {"nova": {**ONE_HOST["nova"], "compute_hosts": 2}}


def test_a_live_migration_finds_no_host_with_room():
    env = NovaEnv("upstream", TWO_HOSTS)
    _cmp_2_full(env)
    sid = _boot(env, "x5", user="admin", availability_zone="nova:cmp-1")["id"]
    body = {"os-migrateLive": {"host": None, "block_migration": "auto"}}
    # before 2.34 the API waits for the conductor's scheduling; placement's one candidate is
    # the source, which the request spec's ignore_hosts filters out
    resp = env.action(sid, body, user="admin", microversion="2.30")
    assert (resp.status, resp.json()["badRequest"]["message"]) == (
        400,
        "No valid host was found. There are not enough hosts available.",
    )
    assert env.server(sid)["OS-EXT-SRV-ATTR:host"] == "cmp-1"


def test_an_unshelve_finds_no_host_with_room():
    env = NovaEnv("upstream", {"nova": {**ONE_HOST["nova"], "shelved_offload_time_s": 0}})
    sid = [_boot(env, f"x{i}")["id"] for i in range(5)][0]
    assert env.action(sid, {"shelve": None}).status == 202
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "SHELVED_OFFLOADED"
    assert _boot(env, "x5")["status"] == "ACTIVE"  # its room taken meanwhile
    assert env.action(sid, {"unshelve": None}).status == 202
    env.cloud.run_until_idle()
    shown = env.server(sid)
    assert (shown["status"], shown["OS-EXT-SRV-ATTR:host"]) == ("SHELVED_OFFLOADED", None)
    assert env.cloud.check_invariants(["provider_within_capacity"]) == []


@pytest.mark.parametrize(
    ("profile", "sixth"), [("nova-17.0.13", "ERROR"), ("nova-18.0.0", "ACTIVE")]
)
def test_a_volume_backed_root_is_asked_of_disk_gb_until_rocky(profile, sixth):
    # resources_from_request_spec leaves a volume-backed server's root out of DISK_GB from
    # 18.0.0 (03c596a9f4, LP #1469179): 17.x asks it, so a sixth 160 GB root finds no room
    config = {**ONE_HOST, "cinder": {"quota_gigabytes": -1, "quota_volumes": -1}}
    env = NovaEnv(profile, config)
    for i in range(5):
        env.boot(name=f"b{i}", flavor="5", bfv=True)
    shown = env.server(env.boot(name="b5", flavor="5", bfv=True, wait=False))
    env.cloud.run_until_idle()
    assert env.server(shown["id"])["status"] == sixth


def _live_forced(env: NovaEnv, sid: str, microversion: str = "2.30"):
    body = {"os-migrateLive": {"host": "cmp-2", "block_migration": "auto", "force": True}}
    return env.action(sid, body, user="admin", microversion=microversion)


@pytest.mark.parametrize("profile", ["nova-20.0.0", "upstream"])
def test_a_forced_live_migration_is_still_claimed_in_placement(profile):
    # a forced host skips the scheduler, not placement (claim_resources_on_destination): the
    # memory check passes (5 x 16384 MB of 196096) but cmp-2's disk holds no sixth 160 GB
    env = NovaEnv(profile, TWO_HOSTS)
    _cmp_2_full(env)
    sid = _boot(env, "x5", user="admin", availability_zone="nova:cmp-1")["id"]
    before = len(
        env.cloud.trace.filter(kind="rpc.call", method="check_can_live_migrate_destination")
    )
    resp = _live_forced(env, sid)
    assert (resp.status, resp.json()["badRequest"]["message"]) == (
        400,
        f"No valid host was found. Unable to move instance {sid} to host cmp-2. There is not "
        "enough capacity on the host for the instance.",
    )
    shown = env.server(sid)
    assert (shown["status"], shown["OS-EXT-SRV-ATTR:host"]) == ("ACTIVE", "cmp-1")
    # from 21.0.0 (990a26ef1f) the claim comes before cmp-2 is asked, before it after
    asked = len(
        env.cloud.trace.filter(kind="rpc.call", method="check_can_live_migrate_destination")
    )
    assert asked - before == (1 if profile == "nova-20.0.0" else 0)
    assert env.cloud.check_invariants(["provider_within_capacity"]) == []


@pytest.mark.parametrize(
    ("profile", "status"), [("nova-18.0.0", "accepted"), ("upstream", "error")]
)
def test_a_forced_evacuation_is_still_claimed_in_placement(profile, status):
    from tests.nova.test_evacuate import down, evacuate, events

    env = NovaEnv(profile, TWO_HOSTS)
    _cmp_2_full(env)
    sid = _boot(env, "x5", user="admin", availability_zone="nova:cmp-1")["id"]
    down(env)
    assert evacuate(env, sid, {"host": "cmp-2", "force": True}, mv="2.29").status == 200
    env.cloud.run_until_idle()
    shown = env.server(sid)
    # the vm_state kept (no fault shown but in ERROR), the task cleared, the event's Error
    assert (shown["status"], shown["OS-EXT-SRV-ATTR:host"], shown["OS-EXT-STS:task_state"]) == (
        "ACTIVE",
        "cmp-1",
        None,
    )
    assert env.nova.db.fault_latest(sid).message == (
        f"No valid host was found. Unable to move instance {sid} to host cmp-2. There is not "
        "enough capacity on the host for the instance."
    )
    assert events(env, sid) == ("evacuate", [("conductor_rebuild_server", ANY, "Error")])
    # fd351903a1 (19.0.0) sets the migration 'error'; Rocky left it 'accepted'
    migration = next(m for m in env.nova.db.migrations.values() if m.instance_uuid == sid)
    assert migration.status == status
    assert env.cloud.check_invariants(["provider_within_capacity"]) == []


def test_a_forced_live_migration_s_memory_check_reads_the_ram_allocation_ratio(monkeypatch):
    # the RAMFilter's sum with the configured ratio: at 1.0 an empty cmp-2 has 131072 - 512
    from fakecloud.nova import inventories

    env = NovaEnv("upstream", TWO_HOSTS)
    body = {"flavor": {"name": "big", "ram": 131000, "vcpus": 1, "disk": 1, "id": "big"}}
    assert env.request("POST", "/v2.1/flavors", body, user="admin").status == 200
    sid = _boot(env, "big", user="admin", availability_zone="nova:cmp-1", flavorRef="big")["id"]
    monkeypatch.setattr(inventories, "RAM_ALLOCATION_RATIO", 1.0)
    resp = _live_forced(env, sid)
    assert (resp.status, resp.json()["badRequest"]["message"]) == (
        400,
        f"Migration pre-check error: Unable to migrate {sid} to cmp-2: Lack of memory(host:"
        "130560.0 <= instance:131000)",
    )


@pytest.mark.parametrize("profile", ["nova-17.0.13", "upstream"])
def test_placement_s_books_kept_as_rows_move_are_those_derived_afresh(profile):
    # `NovaDB.placement_use` is kept up as rows are scheduled, claimed, resized, dropped and
    # deleted (not derived again each time): what it holds then is what the rows give
    env = NovaEnv(profile, {"nova": {**ONE_HOST["nova"], "compute_hosts": 2}})
    db = env.nova.db
    kept_ids = [env.boot(f"i{i}", flavor="2") for i in range(3)]
    kept_ids += [env.boot(f"v{i}", flavor="3", bfv=True) for i in range(2)]
    gone = env.boot("gone", flavor="4")
    resized = kept_ids[0]
    assert env.action(resized, {"resize": {"flavorRef": "3"}}).status == 202
    env.cloud.run_until_idle()
    assert env.action(resized, {"confirmResize": None}).status == 204
    assert env.request("DELETE", f"/v2.1/servers/{gone}").status == 204
    if profile == "upstream":  # from 19.0.0 a failed rebuild drops the server's allocation
        _fail_a_rebuild(env, kept_ids[1])
    env.cloud.run_until_idle()
    kept = {host: db.placement_use(host) for host in env.nova.hosts}
    assert sum(use[0] for use in kept.values()) == 2 + 2 + 2 * 2 - (profile == "upstream")
    db._placement = None  # as after a fork or a load: derived from the rows
    assert {host: db.placement_use(host) for host in env.nova.hosts} == kept
