"""Nova requests the hostile-input probe found answered 500 or accepted where real Nova
refuses (nova 34.0.0 read for each)."""

import pytest

from fakecloud import Cloud


def boot(cloud, **extra):
    images = cloud.request("image", "GET", "/v2/images?name=cirros-0.6.2-x86_64-qga").json()
    server = {"name": "a", "flavorRef": "1", "imageRef": images["images"][0]["id"]}
    server.update(networks="none", **extra)
    return cloud.request(
        "compute", "POST", "/v2.1/servers", body={"server": server}, microversion="2.60"
    )


@pytest.fixture(scope="module")
def served():
    cloud = Cloud(seed=1, profile="upstream")
    server_id = boot(cloud).json()["server"]["id"]
    cloud.run_until_idle()
    cloud.advance(60)
    cloud.request("compute", "POST", f"/v2.1/servers/{server_id}/action", body={"os-stop": None})
    cloud.run_until_idle()
    return cloud, server_id


def actions(cloud, server_id, query, version="2.66"):
    path = f"/v2.1/servers/{server_id}/os-instance-actions?{query}"
    return cloud.request("compute", "GET", path, microversion=version)


@pytest.mark.parametrize(
    "query, message",
    [
        ("limit=abc", "Invalid input for query parameters limit. Value: abc. 'abc' does not match"),
        ("limit=-1", "Invalid input for query parameters limit. Value: -1."),
        ("limit=1&limit=2", "Invalid input for query parameters limit. Value: ['1', '2']."),
        (
            "changes-since=yesterday",
            "Invalid input for query parameters changes-since. Value: yesterday.",
        ),
        ("changes-before=2026-13-45", "Invalid input for query parameters changes-before."),
        ("sort=x", "Additional properties are not allowed ('sort' was unexpected)"),
        (
            "changes-since=2026-01-02T00:00:00Z&changes-before=2026-01-01T00:00:00Z",
            "The value of changes-since must be less than or equal to changes-before.",
        ),
    ],
)
def test_instance_actions_query_is_validated_as_nova_does(served, query, message):
    cloud, server_id = served
    resp = actions(cloud, server_id, query)
    assert resp.status == 400
    assert resp.json()["badRequest"]["message"].startswith(message)


def test_instance_actions_changes_since_and_before_bound_the_list(served):
    cloud, server_id = served
    everything = actions(cloud, server_id, "").json()["instanceActions"]
    assert [a["action"] for a in everything] == ["stop", "create"]
    later = actions(cloud, server_id, "changes-since=2026-01-01T00:01:00Z").json()
    assert [a["action"] for a in later["instanceActions"]] == ["stop"]
    earlier = actions(cloud, server_id, "changes-before=2026-01-01T00:00:30Z").json()
    assert [a["action"] for a in earlier["instanceActions"]] == ["create"]
    assert actions(cloud, server_id, "limit=0").json() == {"instanceActions": []}
    # changes-before only exists from 2.66; before that the query is closed.
    assert actions(cloud, server_id, "changes-before=2026-01-01T00:00:30Z", "2.58").status == 400
    # Below 2.58 the query is not validated at all.
    assert actions(cloud, server_id, "limit=abc", "2.57").status == 200


@pytest.mark.parametrize("items", [129, 5000])
def test_server_metadata_over_the_metadata_items_quota_is_403(items):
    cloud = Cloud(seed=1, profile="upstream")
    resp = boot(cloud, metadata={f"k{i}": "v" for i in range(items)})
    assert resp.status == 403
    assert resp.json() == {
        "forbidden": {"code": 403, "message": "Maximum number of metadata items exceeds 128"}
    }
    assert cloud.request("compute", "GET", "/v2.1/servers").json() == {"servers": []}
    assert boot(cloud, metadata={f"k{i}": "v" for i in range(128)}).status == 202


def test_a_server_reset_to_error_can_be_stopped():
    cloud = Cloud(seed=1, profile="upstream")
    server_id = boot(cloud).json()["server"]["id"]
    cloud.run_until_idle()
    action = f"/v2.1/servers/{server_id}/action"
    reset = {"os-resetState": {"state": "error"}}
    assert cloud.request("compute", "POST", action, body=reset, user="admin").status == 202
    assert cloud.request("compute", "POST", action, body={"os-stop": None}).status == 202
    cloud.run_until_idle()
    shown = cloud.request("compute", "GET", f"/v2.1/servers/{server_id}").json()["server"]
    assert shown["status"] == "SHUTOFF"
