"""An operator's rule of a renamed policy's old name (nova 21.0.0-34.0.0 ``nova/policies/*.py``
``DeprecatedRule``): oslo.policy's ``Enforcer._handle_deprecated_rule`` (3.1.2-6.0.1) makes
it the new rule's check when the new name is not overridden itself, replacing the default
whatever ``enforce_new_defaults`` says; before 5.0.0 also when it is the deprecated default's
own check string (its checks have no ``__eq__``: 3.1.2, 3.5.0, 3.7.1, 3.8.3, 3.11.0 and
4.0.0-4.6.0 run on such a file)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

PASSWORD = "os_compute_api:os-server-password"


def _forbidden(rule: str) -> tuple:
    return 403, {
        "forbidden": {"code": 403, "message": f"Policy doesn't allow {rule} to be performed."}
    }


def _answer(resp) -> tuple:
    return resp.status, resp.json() if resp.body else None


@pytest.mark.parametrize("profile", ["nova-21.0.0", "nova-26.0.0", "upstream"])
def test_an_old_name_s_rule_applies_to_the_renamed_rules(profile):
    env = NovaEnv(profile, {"nova": {"policy": {PASSWORD: "!", "os_compute_api:os-rescue": "!"}}})
    sid = env.boot()
    path = f"/v2.1/servers/{sid}/os-server-password"
    assert _answer(env.request("GET", path)) == _forbidden(f"{PASSWORD}:show")
    assert _answer(env.request("DELETE", path)) == _forbidden(f"{PASSWORD}:clear")
    # unrescue's own rule from 21.0.0; os-rescue, its old name, still denies it
    unrescue = env.action(sid, {"unrescue": None})
    assert _answer(unrescue) == _forbidden("os_compute_api:os-unrescue")


def test_the_new_name_s_rule_wins_over_the_old_name_s():
    policy = {
        PASSWORD: "!",
        f"{PASSWORD}:show": "@",
        "os_compute_api:os-security-groups": "!",
        "os_compute_api:os-hypervisors": "!",
        "os_compute_api:os-services": "!",
        "os_compute_api:os-services:list": "rule:context_is_admin",
    }
    env = NovaEnv("upstream", {"nova": {"policy": policy}})
    hypervisors = env.request("GET", "/v2.1/os-hypervisors", user="admin")
    assert _answer(hypervisors) == _forbidden("os_compute_api:os-hypervisors:list")
    assert env.request("GET", "/v2.1/os-services", user="admin").status == 200
    sid = env.boot()
    path = f"/v2.1/servers/{sid}/os-server-password"
    assert _answer(env.request("GET", path)) == (200, {"password": ""})
    assert _answer(env.request("DELETE", path)) == _forbidden(f"{PASSWORD}:clear")
    removed = env.action(sid, {"removeSecurityGroup": {"name": "default"}})
    assert _answer(removed) == _forbidden("os_compute_api:os-security-groups:remove")


@pytest.mark.parametrize(("profile", "status"), [("nova-27.5.1", 204), ("upstream", 403)])
def test_an_old_name_s_rule_equal_to_its_deprecated_default_replaces_before_oslo_policy_5(
    profile, status
):
    # oslo.policy before 5.0.0 (27.5.1 pins 4.1.1) compares the two checks as objects: the
    # copied sample rule replaces the new default, so a reader may clear the password; 5.0.0
    # on sees the deprecated default and keeps the new one (enforced from 27.0.0)
    env = NovaEnv(profile, {"nova": {"policy": {PASSWORD: "rule:admin_or_owner"}}})
    sid = env.boot()
    path = f"/v2.1/servers/{sid}/os-server-password"
    assert env.request("DELETE", path, user="demo-reader").status == status
