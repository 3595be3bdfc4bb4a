"""Nova's policy checks release by release (session 12 audit): where each route asks its rule
relative to the server lookup, with which target, and the rules' defaults, as each release's
source does (nova/api/openstack/compute/*.py, nova/policies/*.py of nova 17.0.7, 20.6.0,
21.2.4, 25.0.0, 27.0.0 and 34.0.0)."""

from __future__ import annotations

import dataclasses

import pytest

from fakecloud.api.http import Request
from tests.nova.conftest import NovaEnv

MISSING = "7f1f4f0e-0000-4000-8000-000000000000"
#: A member of another project.
OTHER = {
    "projects": {"other": {}},
    "users": {"other": {"password": "other-secret", "project": "other", "roles": ["member"]}},
}


def denied(rule: str) -> dict:
    """Nova's PolicyNotAuthorized body (nova/exception.py, the same in every release)."""
    return {"forbidden": {"code": 403, "message": f"Policy doesn't allow {rule} to be performed."}}


def _deny(profile: str, rule: str) -> NovaEnv:
    return NovaEnv(profile, {"nova": {"policy": {rule: "!"}}})


# Each: a request on a server that does not exist, the rule it asks. Before 21.0.0 the rule
# comes first (caller's own project as target): 403 naming the rule; from 21.0.0 the server is
# looked up first: 404. Nova 2a4a716209 (servers show, LP #1871665), 472a9d4503 (unlock),
# e4e97e23c1 (unshelve), 763d220504 (os-volume_attachments), all 21.0.0.
BEFORE_LOOKUP_UNTIL_21 = [
    ("GET", f"/v2.1/servers/{MISSING}", None, "os_compute_api:servers:show"),
    (
        "POST",
        f"/v2.1/servers/{MISSING}/action",
        {"unlock": None},
        "os_compute_api:os-lock-server:unlock",
    ),
    (
        "POST",
        f"/v2.1/servers/{MISSING}/action",
        {"unshelve": None},
        "os_compute_api:os-shelve:unshelve",
    ),
    (
        "GET",
        f"/v2.1/servers/{MISSING}/os-volume_attachments",
        None,
        "os_compute_api:os-volumes-attachments:index",
    ),
    (
        "DELETE",
        f"/v2.1/servers/{MISSING}/os-volume_attachments/{MISSING}",
        None,
        "os_compute_api:os-volumes-attachments:delete",
    ),
    (
        "POST",
        f"/v2.1/servers/{MISSING}/action",
        {"os-getConsoleOutput": {}},
        "os_compute_api:os-console-output",
    ),
    # (one rule for both security group actions before 21.0.0, its deprecated name after)
    (
        "POST",
        f"/v2.1/servers/{MISSING}/action",
        {"addSecurityGroup": {"name": "default"}},
        "os_compute_api:os-security-groups",
    ),
]


@pytest.mark.parametrize(("method", "path", "body", "rule"), BEFORE_LOOKUP_UNTIL_21)
@pytest.mark.parametrize(("profile", "status"), [("nova-20.6.0", 403), ("nova-21.0.0", 404)])
def test_policy_before_the_lookup_until_21(profile, status, method, path, body, rule):
    env = _deny(profile, rule)
    resp = env.request(method, path, body)
    assert resp.status == status, resp.json()
    if status == 403:
        assert resp.json() == denied(rule)


@pytest.mark.parametrize(("profile", "status"), [("seed", 200), ("nova-21.0.0", 403)])
def test_owner_only_show_rule_targets_the_callers_project_before_21(profile, status):
    """LP #1871665 on server show: with the caller's own project as target (Queens-Train), an
    owner-only rule lets an admin of another project read the server; 21.0.0 targets the
    server's project."""
    env = NovaEnv(
        profile, {"nova": {"policy": {"os_compute_api:servers:show": "project_id:%(project_id)s"}}}
    )
    sid = env.boot(wait=False)
    env.cloud.run_until_idle()
    assert env.request("GET", f"/v2.1/servers/{sid}").status == 200
    resp = env.request("GET", f"/v2.1/servers/{sid}", user="admin")
    assert resp.status == status


@pytest.mark.parametrize("profile", ["nova-20.6.0", "nova-21.0.0", "nova-34.0.0"])
def test_another_projects_member_gets_404_not_403(profile):
    """The lookup is scoped to the caller's project: another project's member never learns the
    server exists, whatever the order of policy and lookup."""
    env = NovaEnv(profile, {"identity": OTHER})
    sid = env.boot()
    for method, path, body in [
        ("GET", f"/v2.1/servers/{sid}", None),
        ("POST", f"/v2.1/servers/{sid}/action", {"lock": None}),
        ("POST", f"/v2.1/servers/{sid}/action", {"unlock": None}),
        ("GET", f"/v2.1/servers/{sid}/os-instance-actions", None),
        ("GET", f"/v2.1/servers/{sid}/os-volume_attachments", None),
    ]:
        resp = env.request(method, path, body, user="other")
        assert resp.status == 404, (method, path, resp.json())
        assert resp.json()["itemNotFound"]["message"] == f"Instance {sid} could not be found."


@pytest.mark.parametrize(
    ("profile", "status"), [("nova-20.6.0", 202), ("nova-26.0.0", 202), ("nova-27.0.0", 403)]
)
def test_reader_lock_until_new_defaults_are_enforced(profile, status):
    """Before 27.0.0 the deprecated rule:admin_or_owner is OR-ed in (enforce_new_defaults off:
    nova/policy.py sets it True from 27.0.0), so a project reader may lock."""
    env = NovaEnv(profile)
    sid = env.boot()
    resp = env.action(sid, {"lock": None}, user="demo-reader")
    assert resp.status == status
    if status == 403:
        assert resp.json() == denied("os_compute_api:os-lock-server:lock")


@pytest.mark.parametrize("profile", ["seed", "nova-21.0.0", "nova-34.0.0"])
def test_unlocking_an_admins_lock_needs_the_override_rule(profile):
    env = NovaEnv(profile)
    sid = env.boot()
    assert env.action(sid, {"lock": None}, user="admin").status == 202
    resp = env.action(sid, {"unlock": None}, user="demo")
    assert resp.status == 403
    assert resp.json() == denied("os_compute_api:os-lock-server:unlock:unlock_override")


@pytest.mark.parametrize(("profile", "status"), [("seed", 200), ("nova-21.0.0", 403)])
def test_limits_rule_target_per_release(profile, status):
    """Queens-Train check ``os_compute_api:limits`` (rule:admin_or_owner) against the caller's
    own project; 21.0.0 (d1084c5f86) passes an empty target, so an owner-only override denies."""
    env = NovaEnv(
        profile, {"nova": {"policy": {"os_compute_api:limits": "project_id:%(project_id)s"}}}
    )
    assert env.request("GET", "/v2.1/limits").status == status


def test_queens_used_limits_targets_the_project_asked_for():
    """Queens' os-used-limits extension checks its rule against ``tenant_id``'s project."""
    env = NovaEnv(
        "seed", {"nova": {"policy": {"os_compute_api:os-used-limits": "project_id:%(project_id)s"}}}
    )
    own = env.cloud.context("demo").project_id
    assert env.request("GET", f"/v2.1/limits?tenant_id={own}").status == 200
    resp = env.request("GET", "/v2.1/limits?tenant_id=elsewhere")
    assert resp.json() == denied("os_compute_api:os-used-limits")


def _system_admin(env: NovaEnv):
    admin = env.cloud.context("admin")
    return dataclasses.replace(admin, project_id=None, system_scope="all", request_id="")


@pytest.mark.parametrize(("profile", "status"), [("nova-26.0.0", 200), ("nova-27.0.0", 403)])
def test_limits_are_project_scoped_once_scope_is_enforced(profile, status):
    """``os_compute_api:limits`` has scope_types ['project'] from 25.0.0 (ab084d4d1d) and
    enforce_scope is on from 27.0.0: a system-scoped token is refused."""
    env = NovaEnv(profile)
    resp = env.nova.api.call(Request.build("GET", "/v2.1/limits", context=_system_admin(env)))
    assert resp.status == status
    if status == 403:
        assert resp.json() == denied("os_compute_api:limits")


#: A project manager of the demo project (Keystone 24.0.0's bootstrap makes the role).
_BOSS = {"password": "boss-secret", "project": "demo", "roles": ["manager"]}
MANAGER = {"identity": {"users": {"boss": _BOSS}}}


@pytest.mark.parametrize(
    ("profile", "status", "migrations_rule"),
    [("nova-31.1.0", 403, "index"), ("nova-32.0.0", 207, "index:all_projects")],
)
def test_the_service_and_manager_roles_pass_their_apis_from_32(profile, status, migrations_rule):
    """``os-server-external-events:create`` is the admin's (SYSTEM_ADMIN, then ADMIN) from
    21.0.0 to 31.x; 32.0.0 (f914cb185c) lets the ``service`` role through. A project manager's
    ``/os-migrations`` is refused ``index`` before 32.0.0; from 32.0.0 (06699f26a5) it passes
    ``index`` and, asking no ``project_id``, is refused ``index:all_projects``."""
    service = {"password": "svc-secret", "project": "demo", "roles": ["service"]}
    env = NovaEnv(profile, {"identity": {"users": {"svc": service, "boss": _BOSS}}})
    event = {"name": "network-changed", "server_uuid": MISSING}
    resp = env.request("POST", "/v2.1/os-server-external-events", {"events": [event]}, user="svc")
    assert resp.status == status, resp.json()
    if status == 403:
        assert resp.json() == denied("os_compute_api:os-server-external-events:create")
    resp = env.request("GET", "/v2.1/os-migrations", user="boss")
    assert resp.json() == denied(f"os_compute_api:os-migrations:{migrations_rule}")


def test_a_project_manager_migrates_and_lists_its_projects_migrations_without_hosts_from_32():
    """32.0.0 (06699f26a5, policies/migrate_server.py, migrations.py, servers_migrations.py):
    ``migrate``, ``migrate_live``, ``os-migrations:index`` and the server's migrations' index,
    force_complete and delete are PROJECT_MANAGER_OR_ADMIN; a target host, every project's
    migrations (no ``project_id`` asked, or another's) and the hosts are the admin's, the hosts
    shown as null (``index:host`` checked with ``fatal=False``)."""
    env = NovaEnv("nova-32.0.0", MANAGER)
    sid = env.boot()
    project = env.server(sid)["tenant_id"]
    mv = {"microversion": "2.80"}
    resp = env.request("GET", "/v2.1/os-migrations", user="boss", **mv)
    assert resp.json() == denied("os_compute_api:os-migrations:index:all_projects")
    resp = env.action(sid, {"migrate": {"host": "cmp-2"}}, user="boss", microversion="2.56")
    assert resp.json() == denied("os_compute_api:os-migrate-server:migrate:host")
    live = {"os-migrateLive": {"host": "cmp-2", "block_migration": "auto"}}
    resp = env.action(sid, live, user="boss", microversion="2.25")
    assert resp.json() == denied("os_compute_api:os-migrate-server:migrate_live:host")
    assert env.action(sid, {"migrate": None}, user="boss").status == 202
    env.cloud.run_until_idle()
    mine = f"/v2.1/os-migrations?project_id={project}"
    (seen,) = env.request("GET", mine, user="boss", **mv).json()["migrations"]
    assert (seen["status"], seen["source_compute"], seen["dest_host"]) == ("finished", None, None)
    (full,) = env.request("GET", mine, user="admin", **mv).json()["migrations"]
    assert full["dest_compute"] == env.server(sid)["OS-EXT-SRV-ATTR:host"] != full["source_compute"]


def _system_reader(env: NovaEnv):
    reader = env.cloud.context("demo-reader")
    return dataclasses.replace(reader, project_id=None, system_scope="all", request_id="")


@pytest.mark.parametrize(("profile", "status"), [("nova-24.0.0", 200), ("nova-25.0.0", 403)])
def test_a_system_reader_lists_services_until_25_with_the_new_defaults_off(profile, status):
    """21.0.0-24.x's admin read APIs default to ``system_reader_api`` (``role:reader and
    system_scope:all``; 21.0.0-24.0.0 nova/policies/services.py), OR-ed with the deprecated
    ``rule:admin_api`` while ``enforce_new_defaults`` is off: a system-scoped reader without
    admin passes. 25.0.0 (project-scoped defaults: ``role:admin``) refuses it."""
    env = NovaEnv(profile)
    req = Request.build("GET", "/v2.1/os-services", context=_system_reader(env))
    resp = env.nova.api.call(req)
    assert resp.status == status
    if status == 403:
        assert resp.json() == denied("os_compute_api:os-services:list")


@pytest.mark.parametrize("config", [{}, {"nova": {"enforce_new_defaults": True}}])
def test_a_member_lists_extensions_on_21(config):
    """21.0.0's ``os_compute_api:extensions`` is ``admin_or_owner`` (nova/policies/
    extensions.py) asked on the caller's own project (``context.can`` without a target,
    extension_info.py): any project's member passes, with the new defaults enforced too."""
    env = NovaEnv("nova-21.0.0", config)
    assert env.request("GET", "/v2.1/extensions").status == 200
