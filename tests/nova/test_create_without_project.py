"""A caller with no project (the admin's system-scoped token, let through where scope is not
enforced: 17.0.0-26.x). Its server create is Nova's 500 ``<class 'ValueError'>``, nothing
stored: ``objects.BuildRequest``'s ``project_id`` is not nullable (nova 17.0.0 and 26.0.0
objects/build_request.py, compute/api.py ``_provision_instances``). Its action on a server is
recorded with no project, as ``instance_actions.project_id`` is nullable
(objects/instance_action.py). Found by the robustness fuzzing: fakecloud made a server of no
project, and kept such an action, and neither save could load."""

from __future__ import annotations

from fakecloud import Cloud, state
from tests.nova.conftest import NovaEnv

#: The admin's password auth scoped to the system (the bootstrap admin holds its admin role).
SYSTEM_AUTH = {
    "auth": {
        "identity": {
            "methods": ["password"],
            "password": {
                "user": {"name": "admin", "password": "admin-secret", "domain": {"id": "default"}}
            },
        },
        "scope": {"system": {"all": True}},
    }
}


def test_a_create_with_no_project_is_novas_value_error_and_stores_nothing():
    env = NovaEnv("seed")
    made = env.cloud.request("identity", "POST", "/v3/auth/tokens", SYSTEM_AUTH, user=None)
    token = made.headers["X-Subject-Token"]
    server = {"name": "s", "flavorRef": "1", "imageRef": env.image.id, "networks": "none"}
    resp = env.cloud.request(
        "compute", "POST", "/v2.1/servers", body={"server": server}, user=None,
        headers={"X-Auth-Token": token}, microversion="2.37",
    )  # fmt: skip
    assert resp.status == 500
    assert resp.json()["computeFault"]["message"].endswith("<class 'ValueError'>")
    listed = env.request("GET", "/v2.1/servers?all_tenants=1", user="admin").json()
    assert listed["servers"] == []
    assert not env.cloud.trace.filter(kind="api.error")
    assert env.nova.db.project_usage(None) == (0, 0, 0)


def test_an_action_by_a_caller_with_no_project_is_recorded_and_saved():
    env = NovaEnv("seed")
    sid = env.boot()
    made = env.cloud.request("identity", "POST", "/v3/auth/tokens", SYSTEM_AUTH, user=None)
    headers = {"X-Auth-Token": made.headers["X-Subject-Token"]}
    path = f"/v2.1/servers/{sid}/action"
    resp = env.cloud.request("compute", "POST", path, {"os-stop": None}, None, headers=headers)
    assert resp.status == 202
    actions = env.request("GET", f"/v2.1/servers/{sid}/os-instance-actions").json()
    assert [a["project_id"] for a in actions["instanceActions"]][0] is None  # the stop's
    env.cloud.run_until_idle()
    saved = state.dumps(env.cloud)
    assert state.dumps(state.loads(saved, cloud_class=Cloud)) == saved
