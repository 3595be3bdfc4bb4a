"""``GET``/``DELETE /servers/{id}/os-server-password`` (nova 17.0.7-33.0.2
``api/openstack/compute/server_password.py``, ``api/metadata/password.py``,
``policies/server_password.py``)."""

from __future__ import annotations

from fakecloud.nova.metadata_password import post_password
from tests.nova.conftest import NovaEnv

NO_SUCH = "9a2c1e7e-0000-4000-8000-000000000001"


def _call(env, method, sid, user="demo", **kw):
    r = env.request(method, f"/v2.1/servers/{sid}/os-server-password", user=user, **kw)
    return r.status, (r.json() if r.body else None)


def _forbidden(rule):
    return 403, {
        "forbidden": {"code": 403, "message": f"Policy doesn't allow {rule} to be performed."}
    }


def test_the_guest_s_password_is_shown_whole_and_cleared_to_empty_items():
    env = NovaEnv(profile="upstream")
    sid = env.boot()
    assert _call(env, "GET", sid) == (200, {"password": ""})  # none posted yet
    posted = "A" * 255 + "B" * 300  # three of the four 255-character items
    assert post_password(env.nova, sid, posted) == 200
    assert post_password(env.nova, sid, "again") == 409  # the metadata service's conflict
    assert _call(env, "GET", sid) == (200, {"password": posted})
    # clearing needs no unlocked server, and leaves the four items empty
    assert env.request("POST", f"/v2.1/servers/{sid}/action", {"lock": None}, user="admin").status
    assert _call(env, "DELETE", sid) == (204, None)
    row = env.nova.db.instance_row(sid).system_metadata
    assert {k: v for k, v in row.items() if k.startswith("password_")} == {
        f"password_{i}": "" for i in range(4)
    }
    assert _call(env, "GET", sid) == (200, {"password": ""})
    assert post_password(env.nova, sid, "x" * 1021) == 400  # above 4 x 255: too large
    # unknown query parameters are refused from 2.102 only
    assert _call(env, "GET", f"{sid}?x=1", microversion="2.101")[0] == 200
    assert _call(env, "GET", f"{sid}?x=1", microversion="2.102")[0] == 400
    # a project reader sees it, only a member clears it; a deleted server is not found
    assert _call(env, "GET", sid, user="demo-reader") == (200, {"password": ""})
    clear = "os_compute_api:os-server-password:clear"
    assert _call(env, "DELETE", sid, user="demo-reader") == _forbidden(clear)
    gone = (404, {"itemNotFound": {"code": 404, "message": f"Instance {sid} could not be found."}})
    assert env.request("DELETE", f"/v2.1/servers/{sid}", user="admin").status == 204
    env.cloud.run_until_idle()
    assert _call(env, "DELETE", sid) == gone


def test_one_rule_before_the_lookup_until_21_0_0_then_show_and_clear_after_it():
    seed = NovaEnv(
        profile="seed", config={"nova": {"policy": {"os_compute_api:os-server-password": "!"}}}
    )
    for method in ("GET", "DELETE"):
        assert _call(seed, method, NO_SUCH) == _forbidden("os_compute_api:os-server-password")
    rule = "os_compute_api:os-server-password:show"
    env = NovaEnv(profile="nova-21.0.0", config={"nova": {"policy": {rule: "!"}}})
    sid = env.boot()
    assert _call(env, "GET", NO_SUCH)[0] == 404
    assert _call(env, "GET", sid) == _forbidden(rule)
    assert _call(env, "DELETE", sid) == (204, None)  # clear is a rule of its own
