"""changePassword, os-getConsoleOutput, trigger_crash_dump, addSecurityGroup and
removeSecurityGroup (`fakecloud.nova.api.server_guest_actions`,
`fakecloud.nova.api.security_group_actions`, `fakecloud.nova.compute.guest_actions`): one
request and its answer per behaviour, on forks of a booted world per profile."""

from __future__ import annotations

import jsonschema
import pytest

from fakecloud.nova.virt.guest_agent import agent_of
from tests.nova.conftest import NovaEnv, unexpected_500
from tests.schemas.nova_response_schemas import security_groups as sg_schemas


def _booted(profile: str) -> tuple[NovaEnv, str, str]:
    """A server with a guest agent and a network (``agent``), and one from the base image
    without either (``bare``)."""
    env = NovaEnv(profile)
    qga = next(i for i in env.images if i.name == "cirros-0.6.2-x86_64-qga")
    body = {"server": {"name": "agent", "flavorRef": "1", "imageRef": qga.id, "networks": "auto"}}
    r = env.request("POST", "/v2.1/servers", body, microversion="2.45")
    assert r.status == 202, r.json()
    agent = r.json()["server"]["id"]
    bare = env.boot(name="bare", wait=False)
    env.cloud.run_until_idle()
    return env, agent, bare


@pytest.fixture(scope="module")
def worlds() -> dict:
    return {}


def _fork(worlds: dict, profile: str) -> tuple[NovaEnv, str, str]:
    if profile not in worlds:
        worlds[profile] = _booted(profile)
    env, agent, bare = worlds[profile]
    return env.fork(), agent, bare


def _answer(r) -> tuple[int, str | None]:
    if not r.body:
        return r.status, None
    (fault,) = r.json().values()
    return r.status, fault.get("message", fault)


# -- changePassword ---------------------------------------------------------------------------


@pytest.mark.parametrize("profile", ["nova-17.0.13", "upstream"])
def test_change_password_passes_through_updating_password(worlds, profile):
    env, sid, _ = _fork(worlds, profile)
    r = env.action(sid, {"changePassword": {"adminPass": "s3cret"}})
    assert r.status == 202 and not r.body
    assert env.states(sid)[-2:] == ["updating_password", None]
    events = [
        (e["event"], e["phase"], e.get("result"))
        for e in env.cloud.trace.filter(kind="nova.event", subject=sid)
    ][-2:]
    assert events == [
        ("compute_set_admin_password", "start", None),
        ("compute_set_admin_password", "finish", "Success"),
    ]
    actions = env.request("GET", f"/v2.1/servers/{sid}/os-instance-actions").json()
    assert actions["instanceActions"][0]["action"] == "changePassword"


def test_change_password_refusals(worlds):
    env, sid, bare = _fork(worlds, "upstream")
    assert _answer(env.action(bare, {"changePassword": {"adminPass": "x"}})) == (
        409,
        "QEMU guest agent is not enabled",
    )
    assert _answer(env.action(sid, {"changePassword": {}}))[0] == 400
    rule = env.cloud.faults.add(
        "nova.guest_agent", error="LibvirtError", match={"command": "guest-set-user-password"}
    )
    assert _answer(env.action(sid, {"changePassword": {"adminPass": "x"}})) == (
        409,
        f"Failed to set admin password on {sid} because error setting admin password",
    )
    env.cloud.faults.remove(rule)
    agent_of(env.nova, sid).state = "hung"
    t0 = env.kernel.now
    body = {"changePassword": {"adminPass": "x"}}
    box = env.spawn_request(t0, "POST", f"/v2.1/servers/{sid}/action", body)
    env.cloud.advance(1.0)
    assert env.server(sid)["status"] == "PASSWORD"  # task state updating_password
    env.cloud.run_until_idle()
    assert _answer(box["response"]) == (501, "Unable to set password on instance")
    assert box["t"] - t0 == pytest.approx(5.004)  # the agent's timeout, and the RPC
    assert env.server(sid)["status"] == "ACTIVE"
    env.action(sid, {"lock": None}, user="admin")
    assert _answer(env.action(sid, {"changePassword": {"adminPass": "x"}})) == (
        409,
        f"Instance {sid} is in an invalid state for 'changePassword'",
    )


def test_change_password_of_a_stopped_server(worlds):
    env, sid, _ = _fork(worlds, "upstream")
    env.action(sid, {"os-stop": None})
    env.cloud.run_until_idle()
    assert _answer(env.action(sid, {"changePassword": {"adminPass": "x"}})) == (
        409,
        f"Cannot 'changePassword' instance {sid} while it is in vm_state stopped",
    )


@pytest.mark.parametrize("profile", ["nova-17.0.13", "upstream"])
def test_change_password_of_a_guest_paused_outside_nova(worlds, profile):
    """``virsh suspend`` under an ACTIVE server: ``ComputeManager.set_admin_password`` reads
    the guest's power state from the driver first (PAUSED, not RUNNING) and refuses without
    reaching libvirt, "instance X is not running", the same in 17.0.13-34.0.0
    (``compute/manager.py``); the task state goes back, the server stays ACTIVE."""
    env, sid, _ = _fork(worlds, profile)
    dom = env.nova.hosts[env.nova.db.instances[sid].host].driver.domains[sid]
    env.nova.hosts[env.nova.db.instances[sid].host].driver._set_power(dom, 3)  # PAUSED
    assert _answer(env.action(sid, {"changePassword": {"adminPass": "x"}})) == (
        409,
        f"Failed to set admin password on {sid} because instance {sid} is not running",
    )
    assert not env.cloud.trace.filter(kind="guest.agent_error", subject=sid)
    shown = env.server(sid)
    assert (shown["status"], shown["OS-EXT-STS:task_state"]) == ("ACTIVE", None)
    (event,) = [
        e for e in env.cloud.trace.filter(kind="nova.event", subject=sid)
        if e["event"] == "compute_set_admin_password" and e["phase"] == "finish"
    ]  # fmt: skip
    assert event["result"] == "Error"


# -- os-getConsoleOutput ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("length", "lines"), [(None, 4), (1, 1), ("2", 2), (0, 0), (-1, 3)], ids=str
)
def test_console_output_tail(worlds, length, lines):
    env, sid, _ = _fork(worlds, "upstream")
    r = env.action(sid, {"os-getConsoleOutput": {"length": length}})
    assert r.status == 200
    output = r.json()["output"]
    assert len(output.split("\n")) == lines if lines else output == ""
    if lines:
        assert output.endswith("agent login: ")


def test_console_output_bad_length(worlds):
    env, sid, _ = _fork(worlds, "upstream")
    r = env.action(sid, {"os-getConsoleOutput": {"length": "x"}})
    assert _answer(r) == (
        400,
        "Invalid input for field/attribute length. Value: x. 'x' does not match '^-?[0-9]+$'",
    )


# -- trigger_crash_dump -----------------------------------------------------------------------


def test_trigger_crash_dump(worlds):
    env, sid, _ = _fork(worlds, "upstream")
    body = {"trigger_crash_dump": None}
    assert _answer(env.action(sid, body, microversion="2.16")) == (
        404,
        "The resource could not be found.",
    )
    seen = len(env.cloud.trace)
    assert env.action(sid, body, microversion="2.17").status == 202
    env.cloud.run_until_idle()
    assert [
        e.get("event_type", e["kind"])
        for e in list(env.cloud.trace)[seen:]
        if e["kind"] in ("notification", "guest.nmi")
    ] == [
        "compute.instance.trigger_crash_dump.start",
        "guest.nmi",
        "compute.instance.trigger_crash_dump.end",
    ]
    assert env.server(sid)["status"] == "ACTIVE"
    env.action(sid, {"os-stop": None})
    env.cloud.run_until_idle()
    assert _answer(env.action(sid, body, microversion="2.17")) == (
        409,
        f"Cannot 'trigger_crash_dump' instance {sid} while it is in vm_state stopped",
    )


# -- addSecurityGroup / removeSecurityGroup ---------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        ("nova-17.0.13", "Security group not specified"),  # no schema before 31.0.0
        (
            "upstream",
            "Invalid input for field/attribute addSecurityGroup. Value: {}. 'name' is a "
            "required property",
        ),
    ],
)
def test_add_security_group_without_a_name(worlds, profile, message):
    env, sid, _ = _fork(worlds, profile)
    assert _answer(env.action(sid, {"addSecurityGroup": {}})) == (400, message)


def test_a_name_that_is_no_string_is_novas_own_500_before_31(worlds):
    """``_parse``'s ``group_name.strip()`` of a number: an AttributeError Nova does not catch
    (17.0.13-30.x; 55f5b175ba's schema, 31.0.0, refuses it first), not a crash of
    fakecloud's (no ``api.error`` in the trace)."""
    env, sid, _ = _fork(worlds, "nova-17.0.13")
    assert _answer(env.action(sid, {"removeSecurityGroup": {"name": 5}})) == (
        500,
        unexpected_500("nova-17.0.13", "AttributeError"),
    )
    assert not env.cloud.trace.filter(kind="api.error")


def test_security_groups_of_the_port(worlds):
    env, sid, bare = _fork(worlds, "upstream")
    project = env.cloud.context("demo").project_id
    assert _answer(env.action(sid, {"addSecurityGroup": {"name": "web"}})) == (
        404,
        f"Security group web is not found for project {project}",
    )
    assert _answer(env.action(bare, {"addSecurityGroup": {"name": "default"}})) == (
        404,
        f"instance_id {bare} could not be found as device id on any ports",
    )
    assert "security_groups" not in env.server(bare)  # no port, no groups
    assert env.server(sid)["security_groups"] == [{"name": "default"}]
    assert env.action(sid, {"removeSecurityGroup": {"name": "default"}}).status == 202
    assert "security_groups" not in env.server(sid)
    assert _answer(env.action(sid, {"removeSecurityGroup": {"name": "default"}})) == (
        404,
        f"Security group default not associated with the instance {sid}",
    )
    assert env.action(sid, {"addSecurityGroup": {"name": "default"}}).status == 202
    assert env.server(sid)["security_groups"] == [{"name": "default"}]


def test_a_deleted_servers_port_groups_go_with_it(worlds):
    env, sid, _ = _fork(worlds, "upstream")
    assert env.action(sid, {"removeSecurityGroup": {"name": "default"}}).status == 202
    assert env.request("DELETE", f"/v2.1/servers/{sid}", user="demo").status == 204
    env.cloud.run_until_idle()
    # its port is gone: nothing of it is left to save (the field, as before any change)
    assert env.nova.db.port_security_groups is None


def test_a_servers_security_groups_list_its_ports(worlds):
    """``GET /servers/{id}/os-security-groups`` (openstacksdk's
    ``list_server_security_groups``, ``nova list-secgroup``): the port's ``default`` group as
    Nova formats Neutron's, none for a server without a port; from 2.102 no query."""
    env, sid, bare = _fork(worlds, "upstream")
    project = env.cloud.context("demo").project_id
    body = env.request("GET", f"/v2.1/servers/{sid}/os-security-groups").json()
    jsonschema.validate(
        body, sg_schemas.index_server_response, format_checker=jsonschema.FormatChecker()
    )
    (group,) = body["security_groups"]
    assert (group["name"], group["tenant_id"], group["description"]) == (
        "default",
        project,
        "Default security group",
    )
    assert [(r["group"], r["ip_range"], r["parent_group_id"]) for r in group["rules"]] == [
        ({"name": "default", "tenant_id": project}, {}, group["id"])
    ] * 2
    assert env.request("GET", f"/v2.1/servers/{bare}/os-security-groups").json() == {
        "security_groups": []
    }
    remove = {"removeSecurityGroup": {"name": group["id"]}}  # Neutron finds it by id too
    assert env.action(sid, remove).status == 202
    assert env.request("GET", f"/v2.1/servers/{sid}/os-security-groups").json() == {
        "security_groups": []
    }
    r = env.request("GET", f"/v2.1/servers/{sid}/os-security-groups?all=1", microversion="2.102")
    assert _answer(r) == (400, "Additional properties are not allowed ('all' was unexpected)")
