"""createImage policy through oslo.policy: each profile's rule names and defaults, overrides
from config or a policy file, scope, and the order of the check against the server lookup."""

from __future__ import annotations

import dataclasses

import pytest

from fakecloud import Cloud
from fakecloud.api.http import Request
from fakecloud.errors import ConfigError
from tests.logged import logged
from tests.nova.conftest import NovaEnv

RULE = "os_compute_api:servers:create_image"
DENIED = {"forbidden": {"code": 403, "message": f"Policy doesn't allow {RULE} to be performed."}}


@pytest.mark.parametrize(
    ("profile", "user", "status"),
    [
        ("upstream", "demo", 202),
        ("upstream", "demo-reader", 403),
        ("upstream", "admin", 202),
        ("seed", "demo", 202),
        ("seed", "admin", 202),
    ],
)
def test_defaults_per_role_and_profile(profile, user, status):
    env = NovaEnv(profile)
    sid = env.boot()
    resp = env.create_image(sid, user=user)
    assert resp.status == status, resp.json()
    if status == 403:
        assert resp.json() == DENIED


@pytest.mark.parametrize("bfv", [False, True])
def test_seed_lets_a_reader_snapshot(bfv):
    """admin_or_owner passes any role of the project, and so do Queens' Glance (add_image and
    upload_image default to "", the image is the reader's project's: glance 16-25 before
    26.0.0 enforces the secure-RBAC defaults) and Cinder (create_snapshot rule:admin_or_owner
    until cinder 29.0.0 enforces the new defaults): the reader's snapshot is made."""
    env = NovaEnv("seed")
    sid = env.boot(bfv=bfv)
    resp = env.create_image(sid, user="demo-reader")
    assert resp.status == 202, resp.json()
    env.cloud.run_until_idle()
    image = env.glance_image(resp.json()["image_id"])
    assert (image["status"], image["owner"]) == ("active", env.cloud.context("demo").project_id)


@pytest.mark.parametrize("profile", ["nova-18.2.2", "upstream"])
def test_admin_snapshot_of_another_project_is_shared_with_the_owner(profile):
    env = NovaEnv(profile)
    sid = env.boot(user="demo")
    demo = env.cloud.context("demo")
    admin = env.cloud.context("admin")
    resp = env.create_image(sid, user="admin")
    assert resp.status == 202
    image_id = resp.json()["image_id"]
    image = env.glance_image(image_id)
    assert image["visibility"] == "shared"
    assert image["owner"] == admin.project_id
    assert "instance_owner" not in image
    members = env.cloud.request(
        "image", "GET", f"/v2/images/{image_id}/members", user="admin"
    ).json()["members"]
    assert [(m["member_id"], m["status"]) for m in members] == [(demo.project_id, "pending")]


def test_before_18_2_2_an_admin_snapshot_of_another_project_is_the_admins_private_image():
    """LP #1675791 (fixed in 19.0.0, 35cc0f5e94; 18.2.2, 6ca6f6fce6): Queens' compute API and
    libvirt driver send ``is_public: False``, so the image is private to the admin's project
    and the server's project is no member (Glance: only shared images have members)."""
    env = NovaEnv("nova-18.2.1")
    sid = env.boot(user="demo")
    image_id = env.create_image(sid, user="admin").json()["image_id"]
    env.cloud.run_until_idle()
    image = env.glance_image(image_id)
    assert (image["visibility"], image["owner"], image["status"]) == (
        "private",
        env.cloud.context("admin").project_id,
        "active",
    )
    resp = env.cloud.request("image", "GET", f"/v2/images/{image_id}/members", user="admin")
    assert resp.status == 403
    assert "Only shared images have members" in resp.json()["message"]


def test_config_override_denies_and_names_the_rule(any_env: NovaEnv):
    env = NovaEnv(any_env.kernel.switches.profile, {"nova": {"policy": {RULE: "role:nobody"}}})
    sid = env.boot()
    resp = env.create_image(sid)
    assert resp.status == 403
    assert resp.json() == DENIED


@pytest.mark.parametrize("rule", ['"role:admin"', '[["role:admin"], ["role:nobody", "@"]]'])
def test_policy_file_overrides(tmp_path, rule):
    """A check string, or oslo.policy's old list-of-lists syntax (``_parse_list_rule``: the
    outer list or-ed, each inner one and-ed), which every oslo.policy still loads."""
    path = tmp_path / "policy.yaml"
    path.write_text(f'"{RULE}": {rule}\n')
    env = NovaEnv("upstream", {"nova": {"policy_file": str(path)}})
    sid = env.boot()
    assert env.create_image(sid).status == 403
    assert env.create_image(sid, user="admin").status == 202


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, ": cannot read it: Is a directory"),
        (b'"a": [\n', ":2: not valid YAML or JSON: while parsing a flow node"),
        (b"\n\xff: x\n", ":2: not UTF-8 (byte 0xff)"),
        (b"- role:admin\n", ": must map rule names to check strings, got a list"),
        (b"5\n", ": must map rule names to check strings, got a whole number"),
        (
            b"a: [[x], 5]\n",
            ": rule 'a' must be a check string or a list of lists of them, got [['x'], 5]",
        ),
        (b"a: 5\n", ": rule 'a' must be a check string or a list of lists of them, got 5"),
    ],
)
def test_a_policy_file_that_is_no_policy_is_refused_as_the_cloud_is_built(
    tmp_path, content, problem
):
    """A policy file that cannot be read, is not UTF-8 or YAML, or maps rules to no check
    string is a `ConfigError` naming ``nova.policy_file``, the file and its line when the
    cloud is built: each was a bare IsADirectoryError, UnicodeDecodeError or ParserError at
    the first request (a named pipe hung it), and a list rule was taken as its Python text."""
    path = tmp_path / "policy.yaml"
    path.mkdir() if content is None else path.write_bytes(content)
    with pytest.raises(ConfigError) as refused:
        Cloud(profile="upstream", config={"nova": {"policy_file": str(path)}})
    assert str(refused.value).startswith(f"Cloud: config nova.policy_file: {path}{problem}")


def test_seed_checks_policy_before_the_lookup():
    env = NovaEnv("seed", {"nova": {"policy": {RULE: "!"}}})
    resp = env.create_image("7f1f4f0e-0000-4000-8000-000000000000")
    assert resp.status == 403


def test_upstream_looks_the_server_up_before_the_policy():
    env = NovaEnv("upstream", {"nova": {"policy": {RULE: "!"}}})
    resp = env.create_image("7f1f4f0e-0000-4000-8000-000000000000")
    assert resp.status == 404


@pytest.mark.parametrize(("profile", "status"), [("seed", 202), ("upstream", 403)])
def test_owner_only_rule_targets_the_callers_project_in_seed_lp1871665(profile, status):
    """With the caller's own project as target, an owner-only rule never protects anything."""
    env = NovaEnv(profile, {"nova": {"policy": {RULE: "project_id:%(project_id)s"}}})
    sid = env.boot(user="demo")
    resp = env.create_image(sid, user="admin")
    assert resp.status == status


def test_seed_metadata_quota_is_checked_before_the_lookup(seed_env: NovaEnv):
    metadata = {f"k{i}": "v" for i in range(129)}
    resp = seed_env.create_image(
        "7f1f4f0e-0000-4000-8000-000000000000", metadata=metadata, microversion="2.1"
    )
    assert resp.status == 403
    assert resp.json()["forbidden"]["message"] == "Image metadata limit exceeded"


def test_upstream_metadata_quota_is_checked_after_the_lookup(env: NovaEnv):
    metadata = {f"k{i}": "v" for i in range(129)}
    resp = env.create_image(
        "7f1f4f0e-0000-4000-8000-000000000000", metadata=metadata, microversion="2.1"
    )
    assert resp.status == 404


def test_switch_order_can_be_mixed():
    env = NovaEnv("upstream", {"switches": {"metadata_quota_before_lookup": True}})
    metadata = {f"k{i}": "v" for i in range(129)}
    resp = env.create_image(
        "7f1f4f0e-0000-4000-8000-000000000000", metadata=metadata, microversion="2.1"
    )
    assert resp.status == 403


def test_old_defaults_let_a_reader_past_nova_when_new_defaults_are_off():
    env = NovaEnv("upstream", {"nova": {"enforce_new_defaults": False}})
    sid = env.boot()
    resp = env.create_image(sid, user="demo-reader")
    # Nova's policy passed (deprecated is_admin or project_id fallback); Glance refuses.
    assert resp.json()["forbidden"]["message"] == (
        "HTTP 403 Forbidden: You are not authorized to complete add_image action."
    )


@pytest.mark.parametrize("profile", ["nova-24.0.0", "nova-25.0.0"])
def test_new_defaults_refuse_another_projects_admin_before_26_0_0(profile):
    """With enforce_new_defaults on, the snapshot rules' default is 21.0.0-24.x's
    system_admin_or_owner (c3fcc31d5f), 25.x's project_member_api (d9190912b9), then
    project_member_or_admin (909b0b0247): a project admin's snapshot of another project's
    server is refused until 26.0.0 (from 26.0.0 the upstream case of
    `test_defaults_per_role_and_profile`), createBackup's likewise (abd67b9e54, ab084d4d1d)."""
    env = NovaEnv(profile, {"nova": {"enforce_new_defaults": True}})
    sid = env.boot(wait=False)  # the admin may not see it to wait
    env.cloud.run_until_idle()
    resp = env.create_image(sid, user="admin")
    assert (resp.status, resp.json()) == (403, DENIED)
    backup = {"createBackup": {"name": "b", "backup_type": "daily", "rotation": 1}}
    resp = env.action(sid, backup, user="admin")
    rule = "os_compute_api:os-create-backup"
    assert (resp.status, resp.json()["forbidden"]["message"]) == (
        403,
        f"Policy doesn't allow {rule} to be performed.",
    )


def _system_scoped(env: NovaEnv):
    admin = env.cloud.context("admin")
    return dataclasses.replace(admin, project_id=None, system_scope="all", request_id="")


def test_system_scoped_token_is_refused_by_project_scoped_rules(env: NovaEnv):
    sid = env.boot()
    req = Request.build(
        "POST",
        f"/v2.1/servers/{sid}/action",
        body={"createImage": {"name": "x"}},
        context=_system_scoped(env),
    )
    resp = env.nova.api.call(req)
    assert resp.status == 403
    assert resp.json() == DENIED


def test_without_scope_enforcement_a_system_admin_passes():
    # Glance refuses a system-scoped token too unless its own enforce_scope is off
    env = NovaEnv(
        "upstream", {"nova": {"enforce_scope": False}, "glance": {"enforce_scope": False}}
    )
    sid = env.boot()
    req = Request.build(
        "POST",
        f"/v2.1/servers/{sid}/action",
        body={"createImage": {"name": "x"}},
        context=_system_scoped(env),
    )
    assert env.nova.api.call(req).status == 202


def test_policy_denial_leaves_nothing_behind(env: NovaEnv):
    sid = env.boot()
    env.cloud.context("demo-reader")  # its token, issued beforehand
    before = len(env.cloud.trace)
    env.create_image(sid, user="demo-reader")
    # (and nova-api's validation of the reader's new token with Keystone, before the policy)
    kinds = {e["kind"] for e in env.cloud.trace[before:] if e.get("callee") != "keystone"}
    assert kinds <= {"api.request", "api.response"}


def test_seed_uses_queens_rule_names_for_instance_actions(seed_env: NovaEnv):
    sid = seed_env.boot()
    env = NovaEnv("seed", {"nova": {"policy": {"os_compute_api:os-instance-actions": "!"}}})
    sid = env.boot()
    resp = env.request("GET", f"/v2.1/servers/{sid}/os-instance-actions")
    assert resp.status == 403
    assert resp.json()["forbidden"]["message"] == (
        "Policy doesn't allow os_compute_api:os-instance-actions to be performed."
    )


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_the_usual_targets_are_answered_as_any_other_target(profile):
    """A check on a project alone or on the caller's own project and user (most checks,
    remembered by a flat key) answers what the same check answers through the general memo (a
    caller whose roles are a list)."""
    env = NovaEnv(profile)
    policy = env.nova.policy
    demo = env.cloud.context("demo")
    callers = [demo, env.cloud.context("demo-reader"), env.cloud.context("admin")]
    callers.append(_system_scoped(env))
    rules = [RULE, "os_compute_api:servers:show", "os_compute_api:os-extended-server-attributes"]
    answers = set()
    for ctx in callers:
        listed = dataclasses.replace(ctx, roles=list(ctx.roles))
        for rule in rules:
            for owner in (demo.project_id, "another-project", None):
                target = None if owner is None else {"project_id": owner}
                for _ in range(2):  # the first answer made, the second remembered
                    got = policy.authorize(ctx, rule, target, fatal=False)
                    want = policy.authorize(listed, rule, target, fatal=False)
                    assert got is want, (ctx.roles, rule, owner)
                    answers.add(got)
    assert answers == {True, False}


def test_a_rule_oslo_policy_cannot_parse_refuses_everyone_and_says_so_in_one_line():
    """oslo.policy logs "Failed to understand rule bogus" with its ValueError's traceback and
    makes the rule refuse everyone; with no logging configured that traceback reached the
    user's stderr, once per rule. The rule still refuses (the admin too, as in Nova); what
    is logged is one line naming the rule, no traceback."""
    with logged() as records:
        env = NovaEnv("upstream", {"nova": {"policy": {RULE: "bogus"}}})
        assert env.create_image(env.boot(), user="admin").status == 403
    assert [(r.name, r.levelname, r.getMessage(), r.exc_info) for r in records] == [
        (
            "fakecloud.policy",
            "WARNING",
            f"policy rule {RULE!r}: oslo.policy cannot parse 'bogus': the rule refuses every "
            "caller, as in Nova",
            None,
        )
    ]
