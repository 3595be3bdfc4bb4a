"""``/os-agents`` before 23.0.0: the XenAPI guest agent builds, an admin API over the
``agent_builds`` table (nova 17.0.13 and 22.0.0 ``api/openstack/compute/agents.py``,
``schemas/agents.py``, ``policies/agents.py``; ``db/sqlalchemy/api.py`` ``agent_build_*``), and
the 410 of 23.0.0 on."""

import pytest

from fakecloud import Cloud

GONE = "This resource is no longer available. No forwarding address is given."
AGENT = {"hypervisor": "xen", "os": "linux", "architecture": "x86", "version": "7.0",
         "url": "http://example.com/xen/agent.tgz", "md5hash": "add6bb58e139be10"}  # fmt: skip


@pytest.fixture(scope="module")
def seed():
    return Cloud(profile="seed")


def _call(cloud, method, path, body=None, user="admin", microversion=None):
    r = cloud.request("compute", method, "/v2.1" + path, body, user=user, microversion=microversion)
    return r.status, (r.json() if r.content() else None)


def test_queens_agent_builds_are_listed_created_updated_and_soft_deleted(seed):
    cloud = seed.fork()
    assert _call(cloud, "GET", "/os-agents") == (200, {"agents": []})
    status, body = _call(cloud, "POST", "/os-agents", {"agent": AGENT})
    assert (status, body) == (200, {"agent": {**AGENT, "agent_id": 1}})
    kvm = {**AGENT, "hypervisor": "kvm"}
    assert _call(cloud, "POST", "/os-agents", {"agent": kvm})[1]["agent"]["agent_id"] == 2
    # the live row's (hypervisor, os, architecture) is unique: AgentBuildExists, 409
    conflict = "Agent-build with hypervisor xen os linux architecture x86 exists."
    assert _call(cloud, "POST", "/os-agents", {"agent": AGENT}) == (
        409, {"conflictingRequest": {"code": 409, "message": conflict}})  # fmt: skip
    # the filter; an empty one is none, a repeated one its last value (webob's MultiDict)
    listed = [a["agent_id"] for a in _call(cloud, "GET", "/os-agents?hypervisor=kvm")[1]["agents"]]
    assert listed == [2]
    assert len(_call(cloud, "GET", "/os-agents?hypervisor=")[1]["agents"]) == 2
    both = _call(cloud, "GET", "/os-agents?hypervisor=kvm&hypervisor=xen")[1]["agents"]
    assert [a["agent_id"] for a in both] == [1]
    # update: agent_id is the URL's string (lp bug #1333494)
    para = {"version": "8.0", "url": "xxx://example.com/b", "md5hash": "ABCDEF"}
    assert _call(cloud, "PUT", "/os-agents/01", {"para": para}) == (
        200, {"agent": {"agent_id": "01", **para}})  # fmt: skip
    assert _call(cloud, "GET", "/os-agents?hypervisor=xen")[1]["agents"][0]["version"] == "8.0"
    assert _call(cloud, "DELETE", "/os-agents/1") == (200, None)
    gone = {"itemNotFound": {"code": 404, "message": "No agent-build associated with id 1."}}
    assert _call(cloud, "DELETE", "/os-agents/1") == (404, gone)
    assert _call(cloud, "PUT", "/os-agents/1", {"para": para}) == (404, gone)
    # soft-deleted: the same triple again is a new row
    assert _call(cloud, "POST", "/os-agents", {"agent": AGENT})[1]["agent"]["agent_id"] == 3
    bad_id = {
        "badRequest": {"code": 400, "message": "Invalid input received: id must be an integer"}
    }
    assert _call(cloud, "DELETE", "/os-agents/x") == (400, bad_id)
    assert _call(cloud, "PUT", "/os-agents/x", {"para": para}) == (400, bad_id)


def test_queens_agent_bodies_are_checked_before_its_admin_rule(seed):
    cloud = seed.fork()
    denied = "Policy doesn't allow os_compute_api:os-agents to be performed."
    forbidden = (403, {"forbidden": {"code": 403, "message": denied}})
    assert _call(cloud, "GET", "/os-agents", user="demo") == forbidden
    assert _call(cloud, "POST", "/os-agents", {"agent": AGENT}, user="demo") == forbidden
    assert _call(cloud, "DELETE", "/os-agents/x", user="demo") == forbidden
    for field, value in (("url", "example.com/a"), ("md5hash", "xyz"), ("os", "lin/ux")):
        status, body = _call(cloud, "POST", "/os-agents", {"agent": {**AGENT, field: value}},
                             user="demo")  # fmt: skip
        assert status == 400, (field, body)
        assert body["badRequest"]["message"].startswith(
            f"Invalid input for field/attribute {field}"
        )
    status, body = _call(cloud, "PUT", "/os-agents/1", {"para": {"version": "1"}}, user="demo")
    missing = (
        "Invalid input for field/attribute para. Value: {'version': '1'}. "
        "'url' is a required property"
    )
    assert (status, body["badRequest"]["message"]) == (400, missing)
    # Queens' list query keeps unknown parameters
    assert _call(cloud, "GET", "/os-agents?foo=1")[0] == 200


@pytest.mark.parametrize(
    ("profile", "rule"),
    [("nova-20.6.1", "os_compute_api:os-agents"), ("nova-22.4.0", "os_compute_api:os-agents:list")],
)
def test_train_to_victoria_split_the_rule_in_21_and_the_query_is_strict_from_2_75(profile, rule):
    cloud = Cloud(profile=profile)
    denied = f"Policy doesn't allow {rule} to be performed."
    assert _call(cloud, "GET", "/os-agents", user="demo") == (
        403, {"forbidden": {"code": 403, "message": denied}})  # fmt: skip
    assert _call(cloud, "GET", "/os-agents?foo=1", microversion="2.74")[0] == 200
    status, body = _call(cloud, "GET", "/os-agents?foo=1", microversion="2.75")
    assert (status, body["badRequest"]["message"]) == (
        400, "Additional properties are not allowed ('foo' was unexpected)")  # fmt: skip


def test_wallaby_on_every_agents_route_is_410():
    cloud = Cloud(profile="nova-23.0.0")
    fault = (410, {"computeFault": {"code": 410, "message": GONE}})
    assert _call(cloud, "GET", "/os-agents") == fault
    assert _call(cloud, "POST", "/os-agents", {"agent": AGENT}, user="demo") == fault
    assert _call(cloud, "PUT", "/os-agents/x", {}) == fault
    assert _call(cloud, "DELETE", "/os-agents/1") == fault
