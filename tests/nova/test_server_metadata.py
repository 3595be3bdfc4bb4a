"""``/servers/{id}/metadata[/{key}]`` as Nova serves it (``server_metadata.py`` and the compute
API's ``update_instance_metadata``/``delete_instance_metadata``, nova 17.0.13 and 29.2.0; policies
``os_compute_api:server-metadata:*``). Found by driving the real clients (session 14): the
routes were not served, so ``openstack server set/unset --property`` was a 404."""

import pytest

from fakecloud import Cloud


@pytest.fixture(scope="module", params=["seed", "upstream"])
def env(request):
    cloud = Cloud(seed=11, profile=request.param)
    image = cloud.request("image", "GET", "/v2/images?name=cirros-0.6.2-x86_64-disk").json()
    body = {
        "server": {
            "name": "m",
            "flavorRef": "1",
            "imageRef": image["images"][0]["id"],
            "networks": "none",
            "metadata": {"a": "1"},
        }
    }
    resp = cloud.request("compute", "POST", "/v2.1/servers", body=body, microversion="2.37")
    cloud.run_until_idle()
    return cloud, f"/v2.1/servers/{resp.json()['server']['id']}/metadata"


def call(cloud, method, path, body=None, user="demo"):
    resp = cloud.request("compute", method, path, body=body, user=user)
    return resp.status, resp.json()


def test_merge_replace_one_key_and_delete(env):
    cloud, meta = env
    assert call(cloud, "GET", meta) == (200, {"metadata": {"a": "1"}})
    assert call(cloud, "POST", meta, {"metadata": {"b": "2"}}) == (
        200,
        {"metadata": {"a": "1", "b": "2"}},
    )
    assert call(cloud, "PUT", f"{meta}/c", {"meta": {"c": "3"}}) == (200, {"meta": {"c": "3"}})
    assert call(cloud, "GET", f"{meta}/c") == (200, {"meta": {"c": "3"}})
    assert cloud.request("compute", "DELETE", f"{meta}/a").status == 204
    assert call(cloud, "GET", meta) == (200, {"metadata": {"b": "2", "c": "3"}})
    assert call(cloud, "PUT", meta, {"metadata": {"z": "9"}}) == (200, {"metadata": {"z": "9"}})
    server = cloud.request("compute", "GET", meta.rsplit("/", 1)[0]).json()["server"]
    assert server["metadata"] == {"z": "9"}


def test_nova_s_refusals(env):
    cloud, meta = env
    missing = (404, {"itemNotFound": {"code": 404, "message": "Metadata item was not found"}})
    assert call(cloud, "GET", f"{meta}/nope") == missing
    assert call(cloud, "DELETE", f"{meta}/nope") == missing
    status, body = call(cloud, "PUT", f"{meta}/k", {"meta": {"other": "v"}})
    assert (status, body["badRequest"]["message"]) == (400, "Request body and URI mismatch")
    status, body = call(cloud, "PUT", f"{meta}/k", {"meta": {"k": "v", "l": "w"}})
    assert status == 400  # the schema: exactly one key
    many = {"metadata": {f"k{i}": "v" for i in range(129)}}
    status, body = call(cloud, "POST", meta, many)
    assert (status, body["forbidden"]["message"]) == (
        403,
        "Maximum number of metadata items exceeds 128",
    )
    status, body = call(cloud, "GET", "/v2.1/servers/00000000-0000-0000-0000-000000000000/metadata")
    assert status == 404


def test_locked_and_shelved_servers_and_the_reader(env):
    cloud, meta = env
    server = meta.rsplit("/", 1)[0]
    cloud.request("compute", "POST", f"{server}/action", {"lock": None})
    status, body = call(cloud, "POST", meta, {"metadata": {"x": "y"}})
    assert status == 409 and "is locked" in body["conflictingRequest"]["message"]
    assert call(cloud, "POST", meta, {"metadata": {"x": "y"}}, user="admin")[0] == 200
    cloud.request("compute", "POST", f"{server}/action", {"unlock": None})
    # Queens: rule:admin_or_owner, so the project's reader writes too; from 21.0.0 a member
    reader = call(cloud, "POST", meta, {"metadata": {"r": "1"}}, user="demo-reader")[0]
    assert reader == (200 if cloud.profile == "seed" else 403)
    assert call(cloud, "GET", meta, user="demo-reader")[0] == 200
    cloud.request("compute", "POST", f"{server}/action", {"shelve": None})
    cloud.run_until_idle()
    status, body = call(cloud, "DELETE", f"{meta}/x")
    sid = server.rsplit("/", 1)[1]
    assert (status, body["conflictingRequest"]["message"]) == (
        409,
        f"Cannot 'delete metadata' instance {sid} while it is in vm_state shelved_offloaded",
    )
