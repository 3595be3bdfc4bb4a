"""``addFixedIp``/``removeFixedIp`` (nova 17.0.13-33.0.0 ``multinic.py``, ``compute/api.py``
``add_fixed_ip``/``remove_fixed_ip``, ``ComputeManager.add_fixed_ip_to_instance``/
``remove_fixed_ip_from_instance``, Neutron's ``add_fixed_ip_to_instance``/
``remove_fixed_ip_from_instance``) and ``injectNetworkInfo`` (``admin_actions.py``
``_inject_network_info``)."""

from __future__ import annotations

from fakecloud.nova.network import NETWORK_ID
from tests.nova.conftest import NovaEnv, unexpected_500

NO_SUCH = "9a2c1e7e-0000-4000-8000-000000000001"


def _call(env, sid, body, user="demo", mv="2.1"):
    r = env.request("POST", f"/v2.1/servers/{sid}/action", body, user=user, microversion=mv)
    return r.status, (r.json() if r.body else None)


def _networked(env) -> str:
    server = {"name": "mn", "flavorRef": "1", "imageRef": env.image.id, "networks": "auto"}
    r = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.37")
    env.cloud.run_until_idle()
    return r.json()["server"]["id"]


def _forbidden(rule):
    return 403, {
        "forbidden": {"code": 403, "message": f"Policy doesn't allow {rule} to be performed."}
    }


def test_a_fixed_ip_added_and_removed_is_the_port_s_and_neutron_s_refusals_are_faults_only():
    env = NovaEnv(profile="nova-33.0.0")
    sid = _networked(env)
    add = {"addFixedIp": {"networkId": NETWORK_ID}}
    assert _call(env, sid, add) == (202, None)
    env.cloud.run_until_idle()
    mac = "fa:16:3e:00:00:01"
    both = [
        {"version": 4, "addr": a, "OS-EXT-IPS:type": "fixed", "OS-EXT-IPS-MAC:mac_addr": mac}
        for a in ("172.24.0.2", "172.27.255.254")
    ]
    assert env.server(sid)["addresses"] == {"public": both}
    found = env.request("GET", "/v2.1/servers?ip=172.27.255").json()["servers"]
    assert [s["id"] for s in found] == [sid]
    # the server's first address off its port; then one it does not hold, a network it has
    # no port on: 202 each, Neutron's refusal the compute's fault row and error notifications
    assert _call(env, sid, {"removeFixedIp": {"address": "172.24.0.2"}}) == (202, None)
    assert _call(env, sid, {"removeFixedIp": {"address": "172.24.0.2"}}) == (202, None)
    assert _call(env, sid, {"addFixedIp": {"networkId": 7}}) == (202, None)
    env.cloud.run_until_idle()
    ips = env.request("GET", f"/v2.1/servers/{sid}/ips").json()
    assert ips == {"addresses": {"public": [{"version": 4, "addr": "172.27.255.254"}]}}
    twin = env.cloud.fork()  # the port's addresses are state
    assert twin.request("compute", "GET", f"/v2.1/servers/{sid}/ips", user="demo").json() == ips
    notes = [
        (e["event_type"], e.get("exception", "").partition("(")[0] or None)
        for e in env.cloud.trace.filter(kind="notification", format="unversioned")
        if e["event_type"].endswith(("_ip.start", "_ip.end", "_instance"))
    ]
    assert notes == [
        ("compute.instance.create_ip.start", None),
        ("compute.instance.create_ip.end", None),
        ("compute.instance.delete_ip.start", None),
        ("compute.instance.delete_ip.end", None),
        ("compute.instance.delete_ip.start", None),
        ("remove_fixed_ip_from_instance", "FixedIpNotFoundForInstance"),
        ("compute.instance.create_ip.start", None),
        ("add_fixed_ip_to_instance", "NetworkNotFoundForInstance"),
    ]
    faults = [(f.code, f.message) for f in env.nova.db.faults[sid]]
    assert faults == [
        (404, f"Instance {sid} does not have fixed IP '172.24.0.2'."),
        (404, f"Network could not be found for instance {sid}."),
    ]
    assert env.server(sid)["status"] == "ACTIVE" and "fault" not in env.server(sid)
    # no instance action; from 2.44 the method is not there (404 before the body is read)
    actions = env.request("GET", f"/v2.1/servers/{sid}/os-instance-actions").json()
    assert [a["action"] for a in actions["instanceActions"]] == ["create"]
    not_found = {"itemNotFound": {"code": 404, "message": "The resource could not be found."}}
    assert _call(env, sid, {"addFixedIp": None}, mv="2.44") == (404, not_found)
    # the lock is the compute API's InstanceIsLocked, which multinic.py does not expect: 500
    assert _call(env, sid, {"lock": None}, user="admin") == (202, None)
    locked = unexpected_500("nova-33.0.0", "nova.exception.InstanceIsLocked")
    assert _call(env, sid, add) == (500, {"computeFault": {"code": 500, "message": locked}})
    # the schema comes before the lookup: an address that is not one is 400 for any server
    assert _call(env, NO_SUCH, {"removeFixedIp": {"address": "nope"}})[0] == 400


def test_the_multinic_rule_is_one_and_first_until_22_0_0_then_add_and_remove_after_the_lookup():
    for profile, rule, first in (
        ("seed", "os_compute_api:os-multinic", True),
        ("nova-21.0.0", "os_compute_api:os-multinic", True),
        ("nova-22.0.0", "os_compute_api:os-multinic:add", False),
    ):
        env = NovaEnv(profile=profile, config={"nova": {"policy": {rule: "!"}}})
        body = {"addFixedIp": {"networkId": NETWORK_ID}}
        gone = (
            404,
            {"itemNotFound": {"code": 404, "message": f"Instance {NO_SUCH} could not be found."}},
        )
        assert _call(env, NO_SUCH, body) == (_forbidden(rule) if first else gone)
        sid = env.boot()
        assert _call(env, sid, body) == _forbidden(rule)
        if not first:  # the remove rule is its own
            assert _call(env, sid, {"removeFixedIp": {"address": "10.0.0.1"}}) == (202, None)


def test_a_removed_address_a_port_does_not_hold_was_another_exception_before_21_0_0():
    env = NovaEnv(profile="seed")
    sid = env.boot()  # no network: no port
    assert _call(env, sid, {"removeFixedIp": {"address": "10.0.0.1"}}) == (202, None)
    env.cloud.run_until_idle()
    (fault,) = env.nova.db.faults[sid]
    assert fault.message == f"Instance {sid} doesn't have fixed IP '10.0.0.1'."


def test_inject_network_info_is_the_admin_s_202_and_409_when_locked_in_every_release():
    for profile, first in (("seed", True), ("nova-33.0.0", False)):
        rule = "os_compute_api:os-admin-actions:inject_network_info"
        env = NovaEnv(profile=profile)
        sid = env.boot()
        assert _call(env, sid, {"injectNetworkInfo": None}, user="admin") == (202, None)
        assert _call(env, sid, {"injectNetworkInfo": None}) == _forbidden(rule)
        status, _ = _call(env, NO_SUCH, {"injectNetworkInfo": None})
        assert status == (403 if first else 404)  # b6a310000e (21.0.0): the lookup first
        opened = NovaEnv(profile=profile, config={"nova": {"policy": {rule: "@"}}})
        sid = opened.boot()
        assert _call(opened, sid, {"lock": None}, user="admin") == (202, None)
        locked = {"conflictingRequest": {"code": 409, "message": f"Instance {sid} is locked"}}
        assert _call(opened, sid, {"injectNetworkInfo": {}}) == (409, locked)
        actions = opened.request("GET", f"/v2.1/servers/{sid}/os-instance-actions").json()
        assert [a["action"] for a in actions["instanceActions"]] == ["lock", "create"]
