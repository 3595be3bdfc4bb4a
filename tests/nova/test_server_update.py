"""``PUT /servers/{id}`` as Nova serves it (``ServersController.update``, nova 17.0.13, 29.2.0
and 34.0.0). Found by driving the real clients (session 14): not served, so ``openstack server
set --name/--description`` and novaclient's ``servers.update`` were 404s."""

import pytest

from fakecloud import Cloud
from tests.nova.conftest import unexpected_500


@pytest.fixture(scope="module", params=["seed", "upstream"])
def env(request):
    cloud = Cloud(seed=17, profile=request.param)
    image = cloud.request("image", "GET", "/v2/images?name=cirros-0.6.2-x86_64-disk").json()
    body = {"server": {"name": "u", "flavorRef": "1", "imageRef": image["images"][0]["id"]}}
    body["server"]["networks"] = "none"
    resp = cloud.request("compute", "POST", "/v2.1/servers", body=body, microversion="2.37")
    cloud.run_until_idle()
    return cloud, f"/v2.1/servers/{resp.json()['server']['id']}"


def put(cloud, path, entity, mv="2.1", user="demo"):
    resp = cloud.request(
        "compute", "PUT", path, body={"server": entity}, microversion=mv, user=user
    )
    return resp.status, resp.json()


def test_rename_and_the_base_view_before_2_75(env):
    cloud, path = env
    long_v6 = "0000:0000:0000:0000:0000:babe:220.12.22.2"  # tempest's, as Nova shows it:
    status, body = put(
        cloud, path, {"name": "renamed", "accessIPv4": "192.0.2.1", "accessIPv6": long_v6}
    )
    server = body["server"]
    assert (status, server["name"], server["accessIPv4"]) == (200, "renamed", "192.0.2.1")
    assert server["accessIPv6"] == "::babe:dc0c:1602"  # str(netaddr.IPAddress(...))
    # show(extend_address=False, show_AZ=False, ... show_keypair=False): the base view only
    for hidden in ("OS-EXT-AZ:availability_zone", "config_drive", "key_name", "security_groups"):
        assert hidden not in server
    assert not [k for k in server if k.startswith(("OS-EXT-STS:", "OS-SRV-USG:"))]
    shown = cloud.request("compute", "GET", path).json()["server"]
    assert (shown["name"], shown["accessIPv4"]) == ("renamed", "192.0.2.1")


def test_description_and_the_whole_view_from_2_75(env):
    cloud, path = env
    status, body = put(cloud, path, {"description": "d"}, mv="2.19")
    assert (status, body["server"]["description"]) == (200, "d")
    status, body = put(cloud, path, {"description": "d"}, mv="2.18")
    assert status == 400  # not in the 2.1 schema
    if cloud.profile == "seed":
        return  # Queens serves 2.60
    status, body = put(cloud, path, {"description": None}, mv="2.75")
    assert status == 200 and body["server"]["description"] is None
    assert "OS-EXT-AZ:availability_zone" in body["server"] and "key_name" in body["server"]
    status, body = put(cloud, path, {"pinned_availability_zone": "elsewhere"}, mv="2.104")
    assert (status, body["conflictingRequest"]["message"]) == (
        409,
        "Server can only be pinned to its current availability zone 'nova', but 'elsewhere' "
        "was requested.",
    )


def test_policy_and_refusals(env):
    cloud, path = env
    assert put(cloud, path, {"name": " padded "})[0] == 400  # the name format
    assert put(cloud, path, {"flavorRef": "2"})[0] == 400  # additionalProperties
    missing = put(cloud, "/v2.1/servers/00000000-0000-0000-0000-000000000000", {"name": "x"})
    assert missing[0] == 404
    # Queens: rule:admin_or_owner (the reader passes); from 21.0.0 a project member
    reader = put(cloud, path, {"name": "by-reader"}, user="demo-reader")[0]
    assert reader == (200 if cloud.profile == "seed" else 403)


def test_an_access_ipv4_with_leading_zeros_follows_the_releases_jsonschema(env):
    """Queens to Yoga pin jsonschema 2.6.0-3.2.0, whose ipv4 takes leading zeros, and netaddr
    0.x keeps them as ``inet_aton`` does (octal: ``010`` is 8; ``08`` its ValueError, Nova's
    500); from Zed, jsonschema 4's ``ipaddress`` refuses them (Train's oracle: 10.0.0.01 shown
    10.0.0.1)."""
    cloud, path = env
    status, body = put(cloud, path, {"accessIPv4": "10.0.0.010"})
    if cloud.profile == "seed":
        assert (status, body["server"]["accessIPv4"]) == (200, "10.0.0.8")
        status, body = put(cloud, path, {"accessIPv4": "10.0.0.08"})
        assert (status, body["computeFault"]["message"]) == (
            500,
            unexpected_500("seed", "ValueError"),
        )
        assert put(cloud, path, {"accessIPv4": "10.0.0.256"})[0] == 400
    else:
        assert (status, body["badRequest"]["message"]) == (
            400,
            "Invalid input for field/attribute accessIPv4. Value: 10.0.0.010. "
            "'10.0.0.010' is not a 'ipv4'",
        )


def test_the_answer_shows_the_updated_time_before_the_save_and_any_field_moves_it():
    """``Instance.save`` sends every field the update set (the same value too) and refreshes
    the object from the row as its transaction read it before the UPDATE (oslo.db
    ``update_on_match`` merges only the values sent): the answer's ``updated`` is the one
    before, as MySQL stored it; a GET, and ``changes-since``, see the update's own second.
    No field, no UPDATE (nova 17.0.13-34.0.0 objects/instance.py ``save``)."""
    cloud = Cloud(seed=17, profile="upstream")
    cloud.run(0.6)
    image = cloud.request("image", "GET", "/v2/images?name=cirros-0.6.2-x86_64-disk").json()
    body = {"server": {"name": "u", "flavorRef": "1", "imageRef": image["images"][0]["id"]}}
    body["server"]["networks"] = "none"
    resp = cloud.request("compute", "POST", "/v2.1/servers", body=body, microversion="2.37")
    cloud.run_until_idle()  # built at 00:00:04.609: stored 00:00:05
    path = f"/v2.1/servers/{resp.json()['server']['id']}"

    def updated():
        return cloud.request("compute", "GET", path).json()["server"]["updated"]

    def listed(since):
        query = f"/v2.1/servers?changes-since=2026-01-01T00:00:{since}Z"
        return len(cloud.request("compute", "GET", query).json()["servers"])

    cloud.run(10.3)
    status, answer = put(cloud, path, {"name": "v"})
    assert (status, answer["server"]["updated"]) == (200, "2026-01-01T00:00:05Z")
    assert (updated(), listed("09.9"), listed("10.1")) == ("2026-01-01T00:00:10Z", 1, 0)
    cloud.run(20.7)
    assert put(cloud, path, {})[1]["server"]["updated"] == "2026-01-01T00:00:10Z"
    assert updated() == "2026-01-01T00:00:10Z"
    assert put(cloud, path, {"name": "v"})[1]["server"]["updated"] == "2026-01-01T00:00:10Z"
    assert updated() == "2026-01-01T00:00:21Z"  # its own name again: written all the same
    cloud.run(30.2)
    put(cloud, path, {"accessIPv4": "192.0.2.9"})
    assert updated() == "2026-01-01T00:00:30Z"
