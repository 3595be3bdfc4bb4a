"""openstacksdk 4.22.0's calls of the session 22 guest actions, unchanged, in-process:
``change_server_password``, ``get_server_console_output``, ``trigger_server_crash_dump`` and
``add_security_group_to_server``/``remove_security_group_from_server`` (Nova's answers:
`tests/nova/test_guest_actions.py`), and ``get_server_password``/``clear_server_password``
(`tests/nova/test_server_password.py`)."""

from fakecloud import Cloud
from fakecloud.nova.metadata_password import post_password


def test_sdk_guest_actions():
    cloud = Cloud()
    images = cloud.request("image", "GET", "/v2/images?name=cirros-0.6.2-x86_64-qga").json()
    body = {"name": "g1", "flavorRef": "1", "imageRef": images["images"][0]["id"]}
    create = {"server": {**body, "networks": "auto"}}
    r = cloud.request("compute", "POST", "/v2.1/servers", create, microversion="2.37")
    sid = r.json()["server"]["id"]
    cloud.run_until_idle()
    with cloud.intercept():
        compute = cloud.connection().compute
        server = compute.get_server(sid)
        compute.change_server_password(server, "n3w")
        assert compute.get_server_console_output(server, length=1) == {"output": "g1 login: "}
        compute.trigger_server_crash_dump(server)
        compute.remove_security_group_from_server(server, {"name": "default"})
        assert compute.get_server(sid).security_groups is None
        compute.add_security_group_to_server(server, {"name": "default"})
        assert compute.get_server(sid).security_groups == [{"name": "default"}]
        assert post_password(cloud.nova, sid, "c2VjcmV0") == 200  # what the guest posts
        assert compute.get_server_password(server) == "c2VjcmV0"
        compute.clear_server_password(server)
    actions = [a["action"] for a in cloud.trace.filter(kind="nova.action", subject=sid)]
    assert actions == ["create", "changePassword", "trigger_crash_dump"]
