"""Nova's ``context.is_admin`` is the ``context_is_admin`` rule, asked when the request context
is made (nova 17.0.13 and 34.0.0 ``context.py`` ``RequestContext.__init__`` ->
``policy.check_is_admin``), not the admin role: an operator's override of that rule changes who
sees a 500 fault's ``details`` (``views/servers.py`` ``_get_fault``), who passes the
``is_admin:True`` checks (17.0.13's ``admin_api``) and whose servers the database scopes to
their project (``is_user_context``)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

MEMBERS_ADMIN = {"nova": {"policy": {"context_is_admin": "role:admin or role:member"}}}


def failed_server(profile, config=None):
    """A server in ERROR whose fault is a 500 (``MaxRetriesExceeded``: spawns failing on
    every host), which stores a traceback as its details."""
    env = NovaEnv(profile, config=config)
    env.cloud.faults.add("nova.libvirt.spawn", error="LibvirtError", times=5)
    sid = env.boot("x", wait=False)
    env.cloud.run_until_idle()
    return env, sid


def fault_keys(env, sid, user):
    fault = env.server(sid, user=user)["fault"]
    assert fault["code"] == 500
    return sorted(fault)


@pytest.mark.parametrize("profile", ["nova-17.0.13", "upstream"])
def test_an_overridden_context_is_admin_shows_a_fault_details_to_whom_it_names(profile):
    env, sid = failed_server(profile, MEMBERS_ADMIN)
    shown = ["code", "created", "details", "message"]
    assert fault_keys(env, sid, "demo") == shown  # a member: is_admin by the operator's rule
    assert fault_keys(env, sid, "demo-reader") == ["code", "created", "message"]
    assert fault_keys(env, sid, "admin") == shown


def test_by_default_only_the_admin_role_is_admin():
    env, sid = failed_server("upstream")
    assert fault_keys(env, sid, "demo") == ["code", "created", "message"]
    assert fault_keys(env, sid, "admin") == ["code", "created", "details", "message"]


@pytest.mark.parametrize(("config", "status"), [(None, 403), (MEMBERS_ADMIN, 200)])
def test_is_admin_true_checks_read_the_rule(config, status):
    """17.0.13's ``admin_api`` is ``is_admin:True``: the context's flag, not a role."""
    env = NovaEnv("nova-17.0.13", config=config)
    assert env.request("GET", "/v2.1/os-hypervisors", user="demo").status == status


def test_an_admin_by_the_rule_reads_another_project_s_server():
    """``is_user_context`` is false for an admin context: no project scope on the lookup."""
    env = NovaEnv("nova-17.0.13", config=MEMBERS_ADMIN)
    sid = env.boot("theirs", user="admin")  # in the admin project
    assert env.request("GET", f"/v2.1/servers/{sid}", user="demo").status == 200
    assert env.request("GET", f"/v2.1/servers/{sid}", user="demo-reader").status == 404
