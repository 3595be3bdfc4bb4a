"""``/os-aggregates`` as Nova serves it (``nova/api/openstack/compute/aggregates.py`` with
``AggregateAPI`` of ``nova/compute/api.py``, 17.0.13/20.6.0/25.2.1/29.2.0/34.0.0), and the zones
aggregates make: the services' ``zone``, ``/os-availability-zone``, a boot into a zone
(``AvailabilityZoneFilter`` before 24.0.0, placement aggregates from it)."""

from __future__ import annotations

import pytest

from fakecloud import Cloud, state
from tests.nova.conftest import NovaEnv


def _call(env, method, path, body=None, mv="2.41", user="admin"):
    return env.request(method, "/v2.1/os-aggregates" + path, body, user=user, microversion=mv)


def _ok(env, method, path, body=None, mv="2.41"):
    resp = _call(env, method, path, body, mv)
    assert resp.status == 200, resp.json()
    return resp.json()["aggregate"] if resp.body else None


def _fault(resp):
    return resp.status, next(iter(resp.json().values()))["message"]


def _zone(env, name, zone, *hosts):
    """An aggregate `name` in `zone` holding `hosts`; its id."""
    made = _ok(env, "POST", "", {"aggregate": {"name": name, "availability_zone": zone}})
    for host in hosts:
        _ok(env, "POST", f"/{made['id']}/action", {"add_host": {"host": host}})
    return made["id"]


def _boot(env, zone=None, wait=True):
    server = {"name": "vm", "flavorRef": "1", "imageRef": env.image.id, "networks": "none"}
    if zone:
        server["availability_zone"] = zone
    resp = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.45")
    if resp.status != 202:
        return _fault(resp)
    sid = resp.json()["server"]["id"]
    env.cloud.run_until_idle()
    shown = env.server(sid)
    return shown["status"], shown["OS-EXT-SRV-ATTR:host"], shown["OS-EXT-AZ:availability_zone"]


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_crud_views_and_refusals(profile):
    env = NovaEnv(profile)
    denied = _call(env, "GET", "", user="demo")
    assert _fault(denied) == (
        403,
        "Policy doesn't allow os_compute_api:os-aggregates:index to be performed.",
    )
    made = _ok(env, "POST", "", {"aggregate": {"name": "a1", "availability_zone": "z1"}}, "2.1")
    assert made == {
        "id": 1,
        "name": "a1",
        "created_at": "2026-01-01T00:00:00.000000",
        "updated_at": None,
        "deleted_at": None,
        "deleted": False,
        "availability_zone": "z1",
    }
    dup = _call(env, "POST", "", {"aggregate": {"name": "a1"}})
    assert _fault(dup) == (409, "Aggregate a1 already exists.")
    bad = _call(env, "POST", "", {"aggregate": {"name": "a2", "availability_zone": "a:b"}})
    assert _fault(bad) == (  # the oneOf's error, not the az_name format's
        400,
        "Invalid input for field/attribute availability_zone. Value: a:b. 'a:b' is not valid "
        "under any of the given schemas",
    )
    _ok(env, "POST", "/1/action", {"add_host": {"host": "cmp-1"}})
    shown = _ok(env, "GET", "/1")
    assert (shown["hosts"], shown["metadata"], len(shown["uuid"])) == (
        ["cmp-1"],
        {"availability_zone": "z1"},
        36,
    )
    assert "uuid" not in _ok(env, "GET", "/1", mv="2.40")
    again = _call(env, "POST", "/1/action", {"add_host": {"host": "cmp-1"}})
    assert _fault(again) == (409, "Aggregate 1 already has host cmp-1.")
    gone = _call(env, "POST", "/1/action", {"add_host": {"host": "cmp-9"}})
    assert _fault(gone) == (404, "Compute host cmp-9 could not be found.")
    full = _call(env, "DELETE", "/1")
    assert _fault(full) == (
        400,
        "Cannot remove host from aggregate 1. Reason: Host aggregate is not empty.",
    )
    meta = {"set_metadata": {"metadata": {"ssd": "true", "availability_zone": None}}}
    empty = _call(env, "POST", "/1/action", meta)
    assert _fault(empty) == (
        400,
        "Cannot update metadata of aggregate 1. Reason: Aggregate a1 does not support empty "
        "named availability zone.",
    )
    meta["set_metadata"]["metadata"] = {"ssd": "true"}
    assert _ok(env, "POST", "/1/action", meta)["metadata"] == {
        "availability_zone": "z1",
        "ssd": "true",
    }
    meta["set_metadata"]["metadata"] = {"ssd": None}
    assert _ok(env, "POST", "/1/action", meta)["metadata"] == {"availability_zone": "z1"}
    renamed = _ok(env, "PUT", "/1", {"aggregate": {"name": "b1"}})
    assert (renamed["name"], renamed["updated_at"]) == ("b1", "2026-01-01T00:00:00.000000")
    off = _call(env, "POST", "/1/action", {"remove_host": {"host": "cmp-2"}})
    assert _fault(off) == (404, "Cannot remove host cmp-2 in aggregate 1")
    _ok(env, "POST", "/1/action", {"remove_host": {"host": "cmp-1"}})
    assert _ok(env, "DELETE", "/1") is None
    # ids are integers from 20.5.0 (2e70a1717f, 4653245ddc); Queens looks 'x' up and finds none
    expected = (404, "Aggregate x could not be found.")
    if profile == "upstream":
        expected = (400, "Invalid input received: id must be an integer")
    assert _fault(_call(env, "GET", "/x")) == expected
    assert _fault(_call(env, "GET", "/1")) == (404, "Aggregate 1 could not be found.")
    assert _fault(_call(env, "POST", "/2/action", {"nap": None})) == (
        400,
        "There is no such action: nap",
    )
    if profile == "upstream":  # index_query_v2102 / show_query_v2102
        assert _call(env, "GET", "?x=1", mv="2.101").status == 200
        assert _call(env, "GET", "?x=1", mv="2.102").status == 400
    # the autoincrement goes on
    assert _ok(env, "POST", "", {"aggregate": {"name": "a3"}})["id"] == 2


def test_a_host_in_a_zone_is_listed_there_and_boots_asked_into_it_go_there():
    env = NovaEnv("upstream")
    _zone(env, "fast", "z1", "cmp-2")
    services = env.request("GET", "/v2.1/os-services", user="admin").json()["services"]
    assert [(s["host"], s["zone"]) for s in services if s["binary"] == "nova-compute"] == [
        ("cmp-1", "nova"),
        ("cmp-2", "z1"),
    ]
    zones = env.request("GET", "/v2.1/os-availability-zone/detail", user="admin").json()
    assert [(z["zoneName"], sorted(z["hosts"])) for z in zones["availabilityZoneInfo"]] == [
        ("internal", ["nova-api-1"]),
        ("nova", ["cmp-1"]),
        ("z1", ["cmp-2"]),
    ]
    assert [_boot(env, "z1") for _ in range(2)] == [("ACTIVE", "cmp-2", "z1")] * 2
    # a zone without enabled services is not available (compute/api.py API.create)
    assert _boot(env, "z9") == (400, "The requested availability zone is not available")
    # no zone asked: the least-loaded host, and the server takes its zone (conductor)
    assert _boot(env) == ("ACTIVE", "cmp-1", "nova")


@pytest.mark.parametrize(
    ("profile", "placed"),
    [
        # AvailabilityZoneFilter (enabled_filters before 24.0.0): only hosts in no zone
        ("seed", ("ACTIVE", "cmp-2", "nova")),
        # map_az_to_placement_aggregate (24.0.0+): no aggregate is 'nova', so no limit: the
        # least-loaded host, in z1, and the server shows its host's zone
        ("upstream", ("ACTIVE", "cmp-1", "z1")),
    ],
)
def test_a_boot_into_the_default_zone_per_release(profile, placed):
    env = NovaEnv(profile)
    _zone(env, "fast", "z1", "cmp-1")
    assert _boot(env, "nova") == placed


def test_a_boot_into_a_zone_whose_hosts_are_disabled_finds_none():
    env = NovaEnv("seed")
    _zone(env, "fast", "z1", "cmp-1")
    body = {"host": "cmp-1", "binary": "nova-compute"}
    assert env.request("PUT", "/v2.1/os-services/disable", body, user="admin").status == 200
    assert _boot(env, "z1") == (400, "The requested availability zone is not available")
    assert _boot(env, "nova")[:2] == ("ACTIVE", "cmp-2")


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_zone_conflicts_and_hosts_with_servers(profile):
    env = NovaEnv(profile)
    _zone(env, "fast", "z1", "cmp-1")
    other = _zone(env, "slow", "z2")
    clash = _call(env, "POST", f"/{other}/action", {"add_host": {"host": "cmp-1"}})
    assert _fault(clash) == (
        409,
        "Cannot add host to aggregate 2. Reason: One or more hosts already in availability "
        "zone(s) ['z1'].",
    )
    assert _boot(env, "z1")[:2] == ("ACTIVE", "cmp-1")
    rename = _call(env, "PUT", "/1", {"aggregate": {"availability_zone": "z3"}})
    moving = _call(env, "POST", "/1/action", {"remove_host": {"host": "cmp-1"}})
    if profile == "seed":  # 17.0.13: neither check exists yet
        assert rename.status == 200
        assert moving.status == 200
        return
    # 18.2.0+ (8e19ef4173): no rename of a zone whose hosts run servers
    assert _fault(rename) == (
        400,
        "Cannot update aggregate 1. Reason: One or more hosts contain instances in this zone.",
    )
    # 29.0.2+ (3c0eadae0b, 994358d582): no host moves to another zone under its servers
    assert moving.status == 409
    assert _fault(moving)[1].startswith(
        "Cannot remove host from aggregate 1. Reason: The host cannot be removed from the "
        "aggregate as the availability zone of the host would change from 'z1' to 'None' but "
        "the host already has 1 instance(s)."
    )


def test_a_rename_refused_for_its_zone_keeps_the_new_name():
    """nova 17.0.13-34.0.0 compute/api.py ``AggregateAPI.update_aggregate`` saves the name
    before ``is_safe_to_update_az``: the 400 for a null zone leaves the aggregate renamed."""
    env = NovaEnv("upstream")
    _zone(env, "fast", "z1")
    refused = _call(env, "PUT", "/1", {"aggregate": {"name": "quick", "availability_zone": None}})
    assert _fault(refused) == (
        400,
        "Cannot update aggregate 1. Reason: Aggregate quick does not support empty named "
        "availability zone.",
    )
    assert _ok(env, "GET", "/1")["name"] == "quick"


def test_image_cache_requests_from_2_81():
    env = NovaEnv("upstream")
    ident = _zone(env, "fast", "z1", "cmp-1")
    image = {"id": env.image.id}
    path = f"/{ident}/images"
    assert _call(env, "POST", path, {"cache": [image]}, mv="2.80").status == 404
    assert _call(env, "POST", path, {"cache": [image]}, mv="2.81").status == 202
    dup = _call(env, "POST", path, {"cache": [image, image]}, mv="2.81")
    assert _fault(dup) == (400, "Duplicate images in request")
    missing = {"id": "00000000-0000-4000-8000-000000000000"}
    unknown = _call(env, "POST", path, {"cache": [missing]}, mv="2.81")
    assert _fault(unknown) == (400, f"Image {missing['id']} could not be found.")


def test_a_saved_cloud_keeps_its_aggregates():
    env = NovaEnv("upstream")
    _zone(env, "fast", "z1", "cmp-2")
    loaded = state.loads(state.dumps(env.cloud), cloud_class=Cloud)
    resp = loaded.request("compute", "GET", "/v2.1/os-aggregates/1", user="admin")
    assert resp.json()["aggregate"]["hosts"] == ["cmp-2"]


def test_a_server_shows_its_hosts_zone_once_the_host_joins_one():
    """``get_instance_availability_zone``: the view reads the host's zone; 17.0.13 lets a host
    that runs servers join a zone (no check before 29.0.2)."""
    env = NovaEnv("seed")
    sid = env.boot()
    assert env.server(sid)["OS-EXT-AZ:availability_zone"] == "nova"
    host = env.server(sid)["OS-EXT-SRV-ATTR:host"]
    _zone(env, "fast", "z1", host)
    assert env.server(sid)["OS-EXT-AZ:availability_zone"] == "z1"


def _server(env, sid, mv="2.104"):
    return env.request("GET", f"/v2.1/servers/{sid}", user="admin", microversion=mv).json()[
        "server"
    ]


def test_the_zone_asked_for_is_pinned_and_an_unshelve_goes_back_into_it():
    """``RequestSpec.availability_zone``: the 2.96 ``pinned_availability_zone`` (views/servers.py
    ``_get_pinned_az``, 34.0.0), where the conductor schedules an offloaded server's unshelve
    again; 2.104 pins and unpins (servers.py ``update``)."""
    env = NovaEnv("upstream")
    _zone(env, "fast", "z1", "cmp-2")
    assert _boot(env, "z1") == ("ACTIVE", "cmp-2", "z1")
    sid = env.request("GET", "/v2.1/servers").json()["servers"][0]["id"]
    assert _server(env, sid)["pinned_availability_zone"] == "z1"
    env.action(sid, {"shelve": None})
    env.cloud.run_until_idle()
    assert _server(env, sid)["status"] == "SHELVED_OFFLOADED"
    env.action(sid, {"unshelve": None})
    env.cloud.run_until_idle()
    # both hosts are empty: without its zone the unshelve would take cmp-1
    shown = _server(env, sid)
    assert (shown["status"], shown["OS-EXT-SRV-ATTR:host"]) == ("ACTIVE", "cmp-2")

    def pin(zone):
        body = {"server": {"pinned_availability_zone": zone}}
        return env.request("PUT", f"/v2.1/servers/{sid}", body, microversion="2.104")

    assert _fault(pin("nova")) == (
        409,
        "Cannot change pinned availability zone directly. Unpin first by setting "
        "pinned_availability_zone to null.",
    )
    assert pin(None).json()["server"]["pinned_availability_zone"] is None
    assert _fault(pin("nova")) == (
        409,
        "Server can only be pinned to its current availability zone 'z1', but 'nova' was "
        "requested.",
    )
    assert pin("z1").json()["server"]["pinned_availability_zone"] == "z1"
    other = env.boot()
    assert _server(env, other)["pinned_availability_zone"] is None


def test_a_deleted_compute_service_leaves_its_aggregates():
    """``ServiceController.delete`` (17.0.13-34.0.0): ``remove_host_from_aggregate`` for each
    aggregate of the host."""
    env = NovaEnv("seed")
    _zone(env, "fast", "z1", "cmp-2")
    assert env.request("DELETE", "/v2.1/os-services/4", user="admin").status == 204
    assert _ok(env, "GET", "/1")["hosts"] == []
    assert _ok(env, "DELETE", "/1") is None


@pytest.mark.parametrize(
    ("profile", "placed"),
    [
        # AvailabilityZoneFilter: no compute host is in 'internal'
        ("seed", ("ERROR", None, "internal")),
        # no aggregate names 'internal': no limit, and the server takes its host's zone
        ("upstream", ("ACTIVE", "cmp-1", "nova")),
    ],
)
def test_a_boot_into_the_internal_zone_per_release(profile, placed):
    """The API accepts ``internal`` (nova-conductor's zone is available, ``API.create``)."""
    env = NovaEnv(profile)
    assert _boot(env, "internal") == placed
