"""``PUT``/``DELETE /os-quota-sets/{project_id}``: Nova's quota update and delete, and every
quota check reading the updated limits (server create, createImage metadata, ``/limits``)."""

from __future__ import annotations

import pytest

from fakecloud.state import dumps, loads
from tests.nova.conftest import NovaEnv


def _project(env: NovaEnv, user: str = "demo") -> str:
    return env.cloud.keystone.token_for(user).context.project_id


def _url(env: NovaEnv) -> str:
    return f"/v2.1/os-quota-sets/{_project(env)}"


def _put(env: NovaEnv, quota_set, user: str = "admin", microversion: str | None = None):
    body = {"quota_set": quota_set}
    return env.request("PUT", _url(env), body, user=user, microversion=microversion)


def _boot_request(env: NovaEnv):
    server = {"name": "y", "imageRef": env.image.id, "flavorRef": "1", "networks": "none"}
    return env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.45")


def test_update_answers_the_limits_without_id_and_show_reflects_them(env: NovaEnv):
    r = _put(env, {"instances": 2, "cores": "4", "force": "false"}, microversion="2.57")
    assert r.status == 200
    quota_set = r.json()["quota_set"]
    assert "id" not in quota_set
    assert (quota_set["instances"], quota_set["cores"], quota_set["ram"]) == (2, 4, 51200)
    assert "floating_ips" not in quota_set and "injected_files" not in quota_set  # 2.57+
    shown = env.request("GET", _url(env)).json()["quota_set"]
    assert shown["id"] == _project(env) and shown["instances"] == 2
    detail = env.request("GET", _url(env) + "/detail").json()["quota_set"]
    assert detail["cores"] == {"in_use": 0, "limit": 4, "reserved": 0}
    defaults = env.request("GET", _url(env) + "/defaults").json()["quota_set"]
    assert defaults["instances"] == 10
    absolute = env.request("GET", "/v2.1/limits").json()["limits"]["absolute"]
    assert (absolute["maxTotalInstances"], absolute["maxTotalCores"]) == (2, 4)
    other = env.request("GET", "/v2.1/limits", user="admin").json()["limits"]["absolute"]
    assert other["maxTotalInstances"] == 10  # another project keeps the defaults


def test_update_and_delete_are_admin_only():
    env = NovaEnv("upstream")
    r = _put(env, {"instances": 2}, user="demo")
    assert r.status == 403
    assert r.json()["forbidden"]["message"] == (
        "Policy doesn't allow os_compute_api:os-quota-sets:update to be performed."
    )
    assert env.request("DELETE", _url(env)).status == 403
    seed = NovaEnv("seed")
    assert _put(seed, {"instances": 2}, user="demo").status == 403
    assert _put(seed, {"instances": 2}).status == 200


def test_a_boot_beyond_the_updated_instance_limit_is_refused(env: NovaEnv):
    assert _put(env, {"instances": 1}).status == 200
    env.boot()
    resp = _boot_request(env)
    assert resp.status == 403
    assert resp.json()["forbidden"]["message"] == (
        "Quota exceeded for instances: Requested 1, but already used 1 of 1 instances"
    )
    assert _put(env, {"instances": -1}).status == 200
    assert _boot_request(env).status == 202


def test_a_limit_below_usage_is_400_unless_forced(env: NovaEnv):
    env.boot()
    env.boot()
    r = _put(env, {"instances": 1, "cores": 10})
    assert r.status == 400
    assert r.json()["badRequest"]["message"] == (
        "Quota limit 1 for instances must be greater than or equal to already used and reserved 2."
    )
    assert env.request("GET", _url(env)).json()["quota_set"]["cores"] == 20  # nothing stored
    r = _put(env, {"instances": 1, "force": True})
    assert r.status == 200 and r.json()["quota_set"]["instances"] == 1
    detail = env.request("GET", _url(env) + "/detail").json()["quota_set"]
    assert detail["instances"] == {"in_use": 2, "limit": 1, "reserved": 0}


def test_delete_puts_the_project_back_at_the_defaults(env: NovaEnv):
    _put(env, {"instances": 1, "metadata_items": 1})
    r = env.request("DELETE", _url(env), user="admin")
    assert (r.status, r.body) == (202, None) or (r.status, r.body) == (202, b"")
    assert env.request("GET", _url(env)).json()["quota_set"]["instances"] == 10
    assert "_quotas" not in vars(env.cloud.nova.db)


def test_the_metadata_items_limit_applies_to_create_image(env: NovaEnv):
    sid = env.boot()
    env.cloud.run_until_idle()
    _put(env, {"metadata_items": 1})
    r = env.create_image(sid, metadata={"a": "1", "b": "2"}, microversion="2.38")
    assert r.status == 403
    assert r.json() == {"forbidden": {"code": 403, "message": "Image metadata limit exceeded"}}
    assert env.create_image(sid, metadata={"a": "1"}, microversion="2.38").status == 202


@pytest.mark.parametrize(
    ("body", "microversion", "message"),
    [
        (
            {"instances": -2},
            None,
            "Invalid input for field/attribute instances. Value: -2. "
            "-2 is less than the minimum of -1",
        ),
        (
            {"instances": "two"},
            None,
            "Invalid input for field/attribute instances. Value: two. "
            "'two' does not match '^-?[0-9]+$'",
        ),
        (
            {"injected_files": 2},
            "2.57",
            "Invalid input for field/attribute quota_set. Value: {'injected_files': 2}. "
            "Additional properties are not allowed ('injected_files' was unexpected)",
        ),
        (
            {"floating_ips": 2},
            "2.36",
            "Invalid input for field/attribute quota_set. Value: {'floating_ips': 2}. "
            "Additional properties are not allowed ('floating_ips' was unexpected)",
        ),
    ],
)
def test_schema_errors_by_microversion(env: NovaEnv, body, microversion, message):
    r = _put(env, body, microversion=microversion)
    assert r.status == 400
    assert r.json()["badRequest"]["message"] == message


def test_older_microversions_take_the_keys_they_show(env: NovaEnv):
    r = _put(env, {"injected_files": 3, "floating_ips": 4}, microversion="2.35")
    assert r.status == 200
    assert (r.json()["quota_set"]["injected_files"], r.json()["quota_set"]["floating_ips"]) == (
        3,
        4,
    )


def test_queens_takes_networks_in_the_schema_then_refuses_it():
    env = NovaEnv("seed")
    r = _put(env, {"networks": 2}, microversion="2.1")
    assert (r.status, r.json()["badRequest"]["message"]) == (400, "The networks quota is disabled")
    assert _put(NovaEnv("upstream"), {"networks": 2}, microversion="2.1").status == 400


def test_a_set_quota_survives_save_and_load_and_an_unset_one_saves_as_before(env: NovaEnv):
    before = dumps(env.cloud)
    _put(env, {"instances": 1})
    env.cloud.run_until_idle()
    saved = dumps(env.cloud)
    assert saved.count('"_quotas"') == before.count('"_quotas"') + 1
    again = loads(saved, cloud_class=type(env.cloud))
    project = _project(env)
    assert again.nova.db.quota_overrides(project) == {"instances": 1}
    env.request("DELETE", _url(env), user="admin")
    env.cloud.run_until_idle()
    assert "_quotas" not in vars(env.cloud.nova.db)
    assert dumps(env.cloud).count('"_quotas"') == before.count('"_quotas"')


def _user(env: NovaEnv, user: str = "demo") -> str:
    return env.cloud.keystone.token_for(user).context.user_id


def _put_user(env: NovaEnv, quota_set, user: str = "demo"):
    url = f"{_url(env)}?user_id={_user(env, user)}"
    return env.request("PUT", url, {"quota_set": quota_set}, user="admin")


def test_a_users_limits_lie_over_the_projects_until_deleted(env: NovaEnv):
    # get_user_quotas: the user's own rows over the project's; floating_ips (PER_PROJECT_QUOTAS)
    # goes to the project's row even with a user named (Quotas._create_limit_in_db)
    r = _put_user(env, {"instances": 1, "floating_ips": 3})
    assert r.status == 200
    assert (r.json()["quota_set"]["instances"], r.json()["quota_set"]["cores"]) == (1, 20)
    user_url = f"{_url(env)}?user_id={_user(env)}"
    detail = env.request("GET", f"{_url(env)}/detail?user_id={_user(env)}").json()["quota_set"]
    assert detail["instances"] == {"in_use": 0, "limit": 1, "reserved": 0}
    project = env.request("GET", _url(env)).json()["quota_set"]
    assert (project["instances"], project["floating_ips"]) == (10, 3)
    assert env.request("DELETE", user_url, user="admin").status == 202
    assert env.request("GET", user_url).json()["quota_set"]["instances"] == 10
    assert "_user_quotas" not in vars(env.cloud.nova.db)


def test_a_users_limit_fits_the_project_and_the_project_fits_its_users(env: NovaEnv):
    # get_settable_quotas: a user's maximum is what the project has not given its other users;
    # a project's minimum is the sum of its users' limits
    assert _put(env, {"instances": 5}).status == 200
    r = _put_user(env, {"instances": 6})
    assert (r.status, r.json()["badRequest"]["message"]) == (
        400,
        "Quota limit 6 for instances must be less than or equal to 5.",
    )
    assert _put_user(env, {"instances": 3}).status == 200
    r = _put(env, {"instances": 2})
    assert (r.status, r.json()["badRequest"]["message"]) == (
        400,
        "Quota limit 2 for instances must be greater than or equal to already used and reserved 3.",
    )
    assert _put(env, {"instances": 2, "force": True}).status == 200


def test_a_users_own_limits_refuse_its_boot_key_pair_and_server_group(env: NovaEnv):
    assert _put_user(env, {"cores": 0, "key_pairs": 0, "server_groups": 0}).status == 200
    resp = _boot_request(env)
    assert (resp.status, resp.json()["forbidden"]["message"]) == (
        403,
        "Quota exceeded for cores: Requested 1, but already used 0 of 0 cores",
    )
    r = env.request("POST", "/v2.1/os-keypairs", {"keypair": {"name": "k", "public_key": "x"}})
    assert (r.status, r.json()["forbidden"]["message"]) == (
        403,
        "Quota exceeded, too many key pairs.",
    )
    group = {"server_group": {"name": "g", "policies": ["affinity"]}}
    r = env.request("POST", "/v2.1/os-server-groups", group)
    assert (r.status, r.json()["forbidden"]["message"]) == (
        403,
        "Quota exceeded, too many server groups.",
    )
    # the user's limit raised again, its boot goes
    assert _put_user(env, {"cores": 20}).status == 200
    assert _boot_request(env).status == 202


@pytest.mark.parametrize(("profile", "status"), [("seed", 202), ("upstream", 403)])
def test_before_22_a_create_meets_the_lower_of_the_two_limits(profile, status):
    # switch boot_quota_user_scoped: Queens' create names no user, so the project's count meets
    # min(project 0, user -1) = -1, unlimited; from 22.0.0 the project's 0 refuses
    env = NovaEnv(profile)
    assert _put(env, {"instances": 0}).status == 200
    assert _put_user(env, {"instances": -1, "force": True}).status == 200
    assert _boot_request(env).status == status


_BOB = {"identity": {"users": {"bob": {"password": "pw", "project": "demo", "roles": ["member"]}}}}


@pytest.mark.parametrize(
    ("profile", "status", "message"),
    [
        ("nova-33.0.2", 500, "<class 'RecursionError'>"),
        ("upstream", 403, "Quota exceeded for ram: Requested 1024, but already used 1024 of 1024"),
    ],
)
def test_a_project_over_its_limit_with_a_user_counted(profile, status, message):
    # switch over_quota_usage_scope (25bdd9c2cf): before 34.0.0 the refusal's usage was demo's
    # own (0), so the retry asked for 2 of 2 again and again
    env = NovaEnv(profile, _BOB)
    assert _put(env, {"ram": 1024}).status == 200
    assert _put_user(env, {"ram": 1024}).status == 200
    server = {"name": "b", "imageRef": env.image.id, "flavorRef": "1", "networks": "none"}
    for _ in range(2):
        r = env.request(
            "POST", "/v2.1/servers", {"server": server}, user="bob", microversion="2.45"
        )
        assert r.status == 202
    server = {**server, "min_count": 1, "max_count": 2}
    r = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.45")
    assert r.status == status
    assert message in str(r.json())
    # real Nova's 500, replayed on purpose: not a crash of fakecloud's
    assert env.cloud.trace.filter(kind="api.error") == []


def test_user_quotas_survive_save_and_load(env: NovaEnv):
    _put_user(env, {"ram": 512})
    again = loads(dumps(env.cloud), cloud_class=type(env.cloud))
    assert again.nova.db.quota_user(_project(env), _user(env)) == {"ram": 512}


@pytest.mark.parametrize(
    ("driver", "profile", "instances"),
    [("NoopQuotaDriver", "upstream", -1), ("UnifiedLimitsDriver", "upstream", 0)],
)
def test_other_drivers_answer_a_user_as_real_nova(driver, profile, instances):
    # NoopQuotaDriver.get_user_quotas: -1 all; UnifiedLimitsDriver: the project's Keystone
    # limit (none registered: 0), nothing stored (the API drops the requested quotas)
    env = NovaEnv(profile, {"nova": {"quota_driver": driver}})
    r = _put_user(env, {"instances": 1})
    assert (r.status, r.json()["quota_set"]["instances"]) == (200, instances)
    url = f"{_url(env)}/detail?user_id={_user(env)}"
    assert env.request("GET", url).json()["quota_set"]["instances"]["limit"] == instances


def test_a_project_keystone_does_not_know_is_a_400_but_for_delete(env: NovaEnv):
    """``identity.verify_project_id`` after the policy in show, detail, defaults and update
    (nova 17.0.13-34.0.0 quota_sets.py; not delete): the admin naming no project gets 400."""
    url = "/v2.1/os-quota-sets/" + "0" * 32
    invalid = {
        "badRequest": {"code": 400, "message": f"Project ID {'0' * 32} is not a valid project."}
    }
    for method, path, body in (
        ("GET", url, None),
        ("GET", url + "/detail", None),
        ("GET", url + "/defaults", None),
        ("PUT", url, {"quota_set": {"instances": 3}}),
    ):
        r = env.request(method, path, body, user="admin")
        assert (r.status, r.json()) == (400, invalid), (method, path)
    assert env.request("DELETE", url, user="admin").status == 202
    assert env.request("GET", url, user="demo").status == 403  # the policy first


@pytest.mark.parametrize("path", ["", "/detail"])
def test_a_read_refuses_an_unknown_query_parameter_from_2_75(env: NovaEnv, path):
    # show_query_v275 / detail_query_v275 (on _show and _detail before 30.0.0); the nova oracle
    # on 34.0.0 (uq-show-unknown-2.75)
    url = f"{_url(env)}{path}?user_id={_user(env)}&foo=1"
    r = env.request("GET", url, user="admin", microversion="2.75")
    assert r.status == 400
    assert (
        r.json()["badRequest"]["message"]
        == "Additional properties are not allowed ('foo' was unexpected)"
    )
    assert env.request("GET", url, user="admin", microversion="2.74").status == 200
