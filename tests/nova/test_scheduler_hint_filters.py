"""The ``same_host`` and ``different_host`` scheduler hints (`fakecloud.nova.affinity_filter`:
nova 17.0.13 and 34.0.0 ``SameHostFilter`` and ``DifferentHostFilter``), honoured where
``[filter_scheduler] enabled_filters`` names the filter and ignored under Nova's default list;
their schema (``_hints``) in every release. Found by Tempest's ``ServersOnMultiNodesTest``,
which skipped them before fakecloud served the filters."""

from __future__ import annotations

import pytest

from fakecloud import Cloud
from fakecloud.errors import ConfigError
from tests.booted import booted

BOTH = {"nova": {"enabled_filters": ["SameHostFilter", "DifferentHostFilter"]}}
NO_HOST = "No valid host was found. There are not enough hosts available."


def boot(cloud, hints=None):
    """Boot a server with `hints` and run the cloud: its status, host and fault as an admin
    sees them."""
    image = next(iter(cloud.glance.db.images))
    body = {"server": {"name": "vm", "flavorRef": "1", "imageRef": image, "networks": "none"}}
    if hints is not None:
        body["os:scheduler_hints"] = hints
    created = cloud.request("compute", "POST", "/v2.1/servers", body=body, microversion="2.37")
    assert created.status == 202, created.json()
    sid = created.json()["server"]["id"]
    cloud.run_until_idle()
    server = cloud.request("compute", "GET", f"/v2.1/servers/{sid}", user="admin").json()["server"]
    return sid, server["status"], server["OS-EXT-SRV-ATTR:host"], server.get("fault")


def test_enabled_filters_place_by_the_hints_at_boot_and_on_a_move():
    cloud = Cloud(seed=3, profile="upstream", config=BOTH)
    first, _, host, _ = boot(cloud)
    assert boot(cloud, {"same_host": first})[1:3] == ("ACTIVE", host)
    apart, status, other, _ = boot(cloud, {"different_host": [first]})
    assert status == "ACTIVE" and other not in (host, None)
    # both at once: no host holds the server and does not hold it
    _, status, none, fault = boot(cloud, {"same_host": first, "different_host": first})
    assert (status, none, fault["message"]) == ("ERROR", None, NO_HOST)
    # a move schedules with the server's hints: its own host left out, the other refused
    url = f"/v2.1/servers/{apart}"
    migrated = cloud.request("compute", "POST", f"{url}/action", {"migrate": None}, user="admin")
    assert migrated.status == 202
    cloud.run_until_idle()
    server = cloud.request("compute", "GET", url, user="admin").json()["server"]
    assert (server["status"], server["OS-EXT-SRV-ATTR:host"]) == ("ACTIVE", other)
    actions = cloud.request("compute", "GET", f"{url}/os-instance-actions", user="admin").json()
    assert [(a["action"], a["message"]) for a in actions["instanceActions"]][0] == (
        "migrate",
        "Error",
    )


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_nova_default_filters_ignore_the_hints(profile):
    """Neither filter is in the default ``enabled_filters``: the least loaded host wins."""
    cloud = booted(seed=3, profile=profile)
    first, _, host, _ = boot(cloud)
    _, status, other, _ = boot(cloud, {"same_host": first})
    assert status == "ACTIVE" and other not in (host, None)


@pytest.mark.parametrize(
    ("hints", "status", "message"),
    [
        ({"same_host": "not-a-uuid"}, 202, None),  # a string: only a list's items are uuids
        ({"same_host": 5}, 400, "Value: 5. 5 is not of type 'string', 'array'"),
        ({"different_host": "x"}, 400, "Value: x. 'x' is not valid under any of the given"),
        ({"different_host": ["x"]}, 400, "Value: ['x']. ['x'] is not valid under any of"),
    ],
)
def test_the_hosts_hints_schema(hints, status, message):
    cloud = booted(profile="seed")
    image = next(iter(cloud.glance.db.images))
    server = {"name": "vm", "flavorRef": "1", "imageRef": image}
    body = {"server": server, "os:scheduler_hints": hints}
    r = cloud.request("compute", "POST", "/v2.1/servers", body=body)
    assert r.status == status
    if message:
        name = next(iter(hints))
        assert r.json()["badRequest"]["message"].startswith(
            f"Invalid input for field/attribute {name}. {message}"
        )


#: The rest of ``_hints`` (checked, read by no filter of fakecloud's): (hints, the message's
#: end or None for a 202), the same in 17.0.13 and 34.0.0 but for ``cidr``'s quoted pattern.
REST_OF_HINTS = [
    ({"query": 5}, "query. Value: 5. 5 is not of type 'string', 'object'"),
    ({"query": '["=", "$free_ram_mb", 1024]', "anything": [1]}, None),
    ({"target_cell": 5}, "target_cell. Value: 5. 5 is not of type 'string'"),
    ({"different_cell": ["a", 1]}, "1. Value: 1. 1 is not of type 'string'"),
    ({"different_cell": "c", "build_near_host_ip": "::1"}, None),
    (
        {"build_near_host_ip": "x"},
        "build_near_host_ip. Value: x. 'x' is not valid under any of the given schemas",
    ),
    ({"cidr": 24}, "cidr. Value: 24. 24 is not of type 'string'"),
    ({"cidr": "/24"}, None),
]


@pytest.mark.parametrize(
    ("profile", "cidr_pattern"),
    [("seed", "'^\\\\/[0-9a-f.:]+$'"), ("nova-20.0.0", "'^/[0-9a-f.:]+$'")],
)
def test_the_rest_of_the_hints_schema(profile, cidr_pattern):
    """``query``, ``target_cell``, ``different_cell``, ``build_near_host_ip`` and ``cidr``
    (17.0.13 ``schemas/scheduler_hints.py``, 34.0.0 ``schemas/servers.py`` ``_hints``); the
    ``cidr`` pattern lost its escaped slash in 20.0.0 (dc6fc82c14), which a refusal quotes."""
    cloud = booted(profile=profile)
    image = next(iter(cloud.glance.db.images))
    server = {"name": "vm", "flavorRef": "1", "imageRef": image, "networks": "none"}
    cases = [
        *REST_OF_HINTS,
        ({"cidr": "24"}, f"cidr. Value: 24. '24' does not match {cidr_pattern}"),
    ]
    cases.append(({"target_cell": " x"}, "An invalid 'name' value was provided."))
    for hints, message in cases:
        body = {"server": server, "OS-SCH-HNT:scheduler_hints": hints}
        r = cloud.request("compute", "POST", "/v2.1/servers", body=body, microversion="2.37")
        if message is None:
            assert r.status == 202, (hints, r.json())
            continue
        assert r.status == 400, hints
        got = r.json()["badRequest"]["message"]
        assert got.startswith(message) or got == f"Invalid input for field/attribute {message}"


def test_enabled_filters_must_be_a_list_of_names():
    with pytest.raises(ConfigError, match="nova.enabled_filters: a list of filter class names"):
        Cloud(config={"nova": {"enabled_filters": ["SameHostFilter", 1]}})
