"""What python-novaclient 18.13.1's own functional tests found against ``fakecloud serve``, as
the same commands in-process:

- ``nova agent-list`` (``test_readonly_nova.test_agent_list``) wants the 410 Nova gives for an
  API it removed (``os-agents``, 23.0.0) and got fakecloud's 404 for a route it did not serve;
  on seed (Queens) it wants the working list;
- ``nova --os-compute-api-version 2.33 boot --nic net-id=...,tag=foo``
  (``test_device_tagging.TestDeviceTaggingCLIV233``) was a 400: fakecloud took the networks'
  ``tag`` at 2.32 and from 2.42 only, where Nova's ``create_v233`` keeps it until 2.37.
"""

from client_helpers import nova_cli, novaclient

from fakecloud import Cloud
from fakecloud.nova import network

GONE = "This resource is no longer available. No forwarding address is given."


def test_removed_apis_answer_410_from_their_removal_release():
    upstream = Cloud(profile="upstream")
    with upstream.intercept():
        status, _, err = nova_cli(upstream, "--os-compute-api-version", "2.1", "agent-list",
                                  user="admin")  # fmt: skip
    assert status == 1
    assert f"{GONE} (HTTP 410)" in err
    fault = {"computeFault": {"code": 410, "message": GONE}}
    for method, path in (
        ("GET", "/v2.1/os-fping"),
        ("DELETE", "/v2.1/servers/any/consoles/1"),
        ("PUT", "/v2.1/os-cells/c1"),
    ):
        answer = upstream.request("compute", method, path, user="demo")
        assert (answer.status, answer.json()) == (410, fault)
    assert upstream.request("compute", "GET", "/v2.1/os-agents", user=None).status == 401
    # Queens (17.0.13): certificates and cloudpipe were gone since 16.0.0; os-agents works
    seed = Cloud(profile="seed")
    answer = seed.request("compute", "GET", "/v2.1/os-certificates/root", user="demo")
    assert (answer.status, answer.json()) == (410, fault)
    with seed.intercept():
        status, out, err = nova_cli(seed, "agent-list", user="admin")
    assert status == 0 and "(HTTP" not in err
    assert "Agent_id" in out and "Hypervisor" in out


def test_a_nic_tag_is_taken_from_2_32_to_2_36_and_from_2_42():
    cloud = Cloud(profile="upstream")
    images = cloud.request("image", "GET", "/v2/images?name=cirros-0.6.2-x86_64-disk").json()
    image = images["images"][0]["id"]
    nics = [{"net-id": network.NETWORK_ID, "tag": "foo"}]
    with cloud.intercept():
        server = novaclient(cloud, "2.33").servers.create("tagged", image, "42", nics=nics)
    assert cloud.request("compute", "GET", f"/v2.1/servers/{server.id}").status == 200
    nets = [{"uuid": network.NETWORK_ID, "tag": "foo"}]
    body = {"server": {"name": "t", "flavorRef": "42", "imageRef": image, "networks": nets}}
    for version, expected in (("2.36", 202), ("2.37", 400), ("2.41", 400), ("2.42", 202)):
        answer = cloud.request("compute", "POST", "/v2.1/servers", body, microversion=version)
        assert answer.status == expected, (version, answer.json())
