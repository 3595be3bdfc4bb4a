"""Keystone's unified limits (`fakecloud.identity.limits_api`): a registered limit and a
project's override of it, read back by the project's member, the refusals keystone 30.0.0
gives, and the older policies and body checks (keystone 21.x: ``SYSTEM_ADMIN`` writes and
``lazy_validate``'s words; the oracle's ``rl-*``/``lim-*`` cases, tools/keystone_oracle)."""

import pytest

from fakecloud import Cloud

RL, LM = "/v3/registered_limits", "/v3/limits"


def _system(cloud, method, path, body=None):
    token = cloud.keystone.token_for("admin", scope="system").id
    return cloud.request("identity", method, path, body, user=None, headers={"X-Auth-Token": token})


def _compute(cloud):
    services = cloud.request("identity", "GET", "/v3/services", user="admin").json()["services"]
    return next(s["id"] for s in services if s["type"] == "compute")


def _error(resp):
    return resp.status, resp.json()["error"]["message"]


def test_a_project_limit_overrides_a_registered_limit(booted):
    cloud = booted.fork()
    nova = _compute(cloud)
    reg = {"service_id": nova, "resource_name": "servers", "default_limit": 10}
    made = cloud.request("identity", "POST", RL, {"registered_limits": [reg]}, user="admin")
    assert made.status == 201  # 25.0.0 on: admin_required, any scope
    reg_id = made.json()["registered_limits"][0]["id"]
    again = cloud.request("identity", "POST", RL, {"registered_limits": [reg]}, user="admin")
    assert _error(again) == (
        409,
        "Conflict occurred attempting to store registered_limit - Duplicate entry.",
    )
    demo = cloud.context("demo").project_id
    limit = {"service_id": nova, "resource_name": "servers", "resource_limit": 4}
    lim = cloud.request("identity", "POST", LM, {"limits": [{**limit, "project_id": demo}]},
                        user="admin").json()["limits"][0]  # fmt: skip
    assert (lim["project_id"], lim["domain_id"], lim["resource_limit"]) == (demo, None, 4)
    listed = cloud.request("identity", "GET", LM, user="demo").json()["limits"]
    assert [x["id"] for x in listed] == [lim["id"]]
    # a filter is SQL's `=` on the column (build_driver_hints): no region is NULL, not 'None'
    for path, key in (
        (f"{RL}?region_id=None", "registered_limits"),
        (f"{LM}?region_id=None", "limits"),
    ):
        assert cloud.request("identity", "GET", path, user="admin").json()[key] == []
    orphan = {**limit, "resource_name": "cores", "project_id": demo}
    refused = cloud.request("identity", "POST", LM, {"limits": [orphan]}, user="admin")
    assert _error(refused) == (
        403,
        "Unable to create a limit that has no corresponding registered limit.",
    )
    held = cloud.request("identity", "DELETE", f"{RL}/{reg_id}", user="admin")
    assert _error(held)[0] == 403
    # 16.0.0 on: a resource limit of 0 is not written (update_limit's `if limit.get(...)`)
    zero = cloud.request("identity", "PATCH", f"{LM}/{lim['id']}",
                         {"limit": {"resource_limit": 0}}, user="admin")  # fmt: skip
    assert zero.json()["limit"]["resource_limit"] == 4
    assert cloud.request("identity", "GET", f"{LM}/{lim['id']}", user="demo").status == 200


def test_keystone_21_writes_limits_as_a_system_admin_and_checks_bodies_lazily():
    cloud = Cloud(profile="nova-25.0.0")  # keystone 21: SYSTEM_ADMIN, lazy_validate
    nova = _compute(cloud)
    reg = {"registered_limits": [{"service_id": nova, "resource_name": "r", "default_limit": 1}]}
    denied = cloud.request("identity", "POST", RL, reg, user="admin")
    assert _error(denied) == (
        403,
        "You are not authorized to perform the requested action: "
        "identity:create_registered_limits.",
    )
    assert _system(cloud, "POST", RL, reg).status == 201
    # a limit's member path loads it for the policy's target: a missing one 404s first
    missing = cloud.request("identity", "DELETE", f"{LM}/nothing", user="demo")
    assert _error(missing) == (404, "Could not find limit for nothing.")
    status, message = _error(_system(cloud, "POST", RL, {"registered_limits": []}))
    assert status == 400 and message.startswith("[] is too short\n\nFailed validating 'minItems'")
    assert cloud.request("identity", "GET", "/v3/limits/model", user="demo").json() == {
        "model": {
            "name": "flat",
            "description": "Limit enforcement and validation does not take project hierarchy "
            "into consideration.",
        }
    }


def test_a_service_or_region_a_registered_limit_names_is_not_deleted(booted):
    # registered_limit.service_id and region_id are foreign keys (limit/backends/sql.py): the
    # delete's IntegrityError reaches no handler, Keystone's 500, and nothing goes
    cloud = booted.fork()
    nova = _compute(cloud)
    assert cloud.request("identity", "POST", "/v3/regions", {"region": {"id": "R2"}},
                         user="admin").status == 201  # fmt: skip
    regs = [{"service_id": nova, "resource_name": "servers", "default_limit": 1},
            {"service_id": nova, "region_id": "R2", "resource_name": "servers",
             "default_limit": 2}]  # fmt: skip
    made = cloud.request("identity", "POST", RL, {"registered_limits": regs}, user="admin")
    for path in (f"/v3/services/{nova}", "/v3/regions/R2"):
        assert cloud.request("identity", "DELETE", path, user="admin").status == 500
        assert cloud.request("identity", "GET", path, user="admin").status == 200
    for reg in made.json()["registered_limits"]:
        cloud.request("identity", "DELETE", f"{RL}/{reg['id']}", user="admin")
    assert cloud.request("identity", "DELETE", "/v3/regions/R2", user="admin").status == 204


def test_keystone_14_serves_project_limits_alone():
    # keystone 14.x api/limits.py and limit/schema.py: admin_required writes, project limits
    # only (no domain_id anywhere), a limit anyone reads but another project's token
    cloud = Cloud(profile="nova-18.0.0")  # keystone 14
    nova = _compute(cloud)
    reg = {"service_id": nova, "resource_name": "servers", "default_limit": 10}
    made = cloud.request("identity", "POST", RL, {"registered_limits": [reg]}, user="admin")
    assert made.status == 201  # a project-scoped admin: admin_required
    demo, admin = cloud.context("demo").project_id, cloud.context("admin").project_id
    limit = {"service_id": nova, "resource_name": "servers", "resource_limit": 4}

    def create(*owners):
        body = {"limits": [{**limit, **owner} for owner in owners]}
        return cloud.request("identity", "POST", LM, body, user="admin")

    assert create({"domain_id": "default"}).status == 400  # the schema has no domain_id
    as_domain = create({"project_id": "default"})
    assert _error(as_domain)[1].startswith("Expecting to find project_id in limit.")
    lims = create({"project_id": demo}, {"project_id": admin}).json()["limits"]
    assert "domain_id" not in lims[0] and lims[0]["project_id"] == demo
    assert cloud.request("identity", "GET", f"{LM}/{lims[0]['id']}", user="demo").status == 200
    other = cloud.request("identity", "GET", f"{LM}/{lims[1]['id']}", user="demo")
    assert _error(other) == (403, "You are not authorized to perform the requested action.")
    listed = cloud.request("identity", "GET", LM, user="demo").json()["limits"]
    assert [x["project_id"] for x in listed] == [demo]
    # 14.x's schema bounds no string: MySQL's "Data too long" for a column's size is
    # Keystone's unexpected 500 (resource_name VARCHAR(255), description TEXT), nothing stored
    long = [{**reg, "resource_name": "r" * n} for n in (255, 256)]
    too_long = cloud.request("identity", "POST", RL, {"registered_limits": long}, user="admin")
    assert _error(too_long) == (
        500, "An unexpected error prevented the server from fulfilling your request."
    )  # fmt: skip
    names = [r["resource_name"] for r in cloud.request("identity", "GET", RL).json()[
        "registered_limits"]]  # fmt: skip
    assert names == ["servers"]
    wordy = {"limit": {"description": "d" * 65536}}  # TEXT holds 65,535 bytes
    patched = cloud.request("identity", "PATCH", f"{LM}/{lims[0]['id']}", wordy, user="admin")
    assert patched.status == 500
    # nor a number: MySQL's "Out of range value" for the INT, Keystone's 500 too
    big = {"limit": {"resource_limit": 2**31}}
    path = f"{LM}/{lims[0]['id']}"
    assert cloud.request("identity", "PATCH", path, big, user="admin").status == 500
    kept = cloud.request("identity", "GET", f"{LM}/{lims[0]['id']}", user="admin").json()
    assert (kept["limit"]["description"], kept["limit"]["resource_limit"]) == (None, 4)


def test_keystone_13_serves_its_experimental_api_with_put_batch_updates():
    # keystone 13.0.4 limit/routers.py, controllers.py, core.py, backends/sql.py: no
    # description, a create or an update answers every record, PUT updates a list by id,
    # no PATCH (the legacy router's 404) and no model (get_limit of a limit named 'model')
    cloud = Cloud(profile="seed")
    nova = _compute(cloud)
    regs = [{"service_id": nova, "resource_name": "cores", "default_limit": 10},
            {"service_id": nova, "resource_name": "ram", "default_limit": 2048,
             "region_id": "RegionOne"}]  # fmt: skip
    made = cloud.request("identity", "POST", RL, {"registered_limits": regs}, user="admin")
    assert made.status == 201 and "description" not in made.json()["registered_limits"][0]
    ids = {r["resource_name"]: r["id"] for r in made.json()["registered_limits"]}
    cores, ram = ids["cores"], ids["ram"]
    demo = cloud.context("demo").project_id
    limit = {"service_id": nova, "resource_name": "cores", "resource_limit": 5,
             "project_id": demo}  # fmt: skip
    lims = cloud.request("identity", "POST", LM, {"limits": [limit]}, user="admin").json()
    lim = lims["limits"][0]["id"]
    more = cloud.request("identity", "POST", RL, {"registered_limits": [{**regs[0],
                         "resource_name": "disk"}]}, user="admin")  # fmt: skip
    # every record, in its id's order (13.x's list orders by nothing: InnoDB's primary key)
    listed = more.json()["registered_limits"]
    assert [r["resource_name"] for r in listed] == ["ram", "cores", "disk"]
    assert [r["id"] for r in listed] == sorted(r["id"] for r in listed)

    def put(path, key, records, user="admin"):
        return cloud.request("identity", "PUT", path, {key: records}, user=user)

    referenced = put(RL, "registered_limits", [{"id": cores, "default_limit": 3}])
    assert _error(referenced) == (
        403,
        f"Unable to update or delete registered limit {cores} "
        "because there are project limits associated with it.",
    )
    changed = put(RL, "registered_limits", [{"id": ram, "default_limit": 4096}])
    assert changed.status == 200
    assert [r["default_limit"] for r in changed.json()["registered_limits"]] == [4096, 10, 10]
    assert put(LM, "limits", [{"id": lim, "resource_limit": 7}]).json()["limits"][0][
        "resource_limit"] == 7  # fmt: skip
    # 13.x's schema bounds no number: MySQL's "Out of range value" for the INT, a 500
    assert put(LM, "limits", [{"id": lim, "resource_limit": 2**31}]).status == 500
    shown = cloud.request("identity", "GET", f"{LM}/{lim}", user="admin").json()["limit"]
    assert shown["resource_limit"] == 7
    assert _error(put(LM, "limits", [{"id": "nope", "resource_limit": 1}])) == (
        404, "Could not find limit for nope.")  # fmt: skip
    denied = put(LM, "limits", [{"id": lim, "resource_limit": 1}], user="demo")
    assert _error(denied)[0] == 403
    patched = cloud.request("identity", "PATCH", f"{LM}/{lim}", {"limit": {}}, user="admin")
    assert _error(patched)[1].endswith(f"/v3/limits/{lim}): The resource could not be found.")
    model = cloud.request("identity", "GET", f"{LM}/model", user="admin")
    assert _error(model) == (404, "Could not find limit for model.")


@pytest.mark.parametrize("profile, drops", [("seed", False), ("nova-18.0.0", True)])
def test_a_project_with_limits_is_deleted_from_keystone_14(profile, drops):
    # 14.0.0 on: _post_delete_cleanup_project's delete_limits_for_project, contract 047 drops
    # limit.project_id's foreign key; 13.x (keystone 13.0.4 expand 033) keeps it and deletes no
    # limit: MySQL's 1451, handle_conflicts' UnexpectedError 500, the project, its limit and
    # its grants all kept (one transaction); a domain holding such a project likewise
    cloud = Cloud(profile=profile)
    nova = _compute(cloud)
    reg = {"service_id": nova, "resource_name": "cores", "default_limit": 10}
    cloud.request("identity", "POST", RL, {"registered_limits": [reg]}, user="admin")
    dom = cloud.request("identity", "POST", "/v3/domains", {"domain": {"name": "d"}},
                        user="admin").json()["domain"]["id"]  # fmt: skip
    project = cloud.request("identity", "POST", "/v3/projects",
                            {"project": {"name": "p", "domain_id": dom}},
                            user="admin").json()["project"]["id"]  # fmt: skip
    member = cloud.request("identity", "GET", "/v3/roles?name=member", user="admin").json()
    grant = f"/v3/projects/{project}/users/{cloud.context('demo').user_id}/roles/" + member[
        "roles"][0]["id"]  # fmt: skip
    assert cloud.request("identity", "PUT", grant, user="admin").status == 204
    limit = {"service_id": nova, "resource_name": "cores", "resource_limit": 4,
             "project_id": project}  # fmt: skip
    lim = cloud.request("identity", "POST", LM, {"limits": [limit]}, user="admin").json()
    lim_path = f"{LM}/{lim['limits'][0]['id']}"
    cloud.request("identity", "PATCH", f"/v3/domains/{dom}", {"domain": {"enabled": False}},
                  user="admin")  # fmt: skip
    for path in (f"/v3/projects/{project}", f"/v3/domains/{dom}"):
        deleted = cloud.request("identity", "DELETE", path, user="admin")
        if drops:
            assert deleted.status == 204
            break
        assert _error(deleted) == (
            500, "An unexpected error prevented the server from fulfilling your request."
        )  # fmt: skip
    kept = [cloud.request("identity", method, p, user="admin").status for method, p in
            (("GET", f"/v3/projects/{project}"), ("GET", lim_path), ("HEAD", grant))]  # fmt: skip
    assert kept == ([404, 404, 404] if drops else [200, 200, 204])


def test_keystone_13_deletes_a_domain_until_a_row_its_limits_hold():
    # keystone 13.0.4 resource/core.py delete_domain: each project of _delete_domain_contents'
    # walk (children first) is deleted in its own transaction, so those before a project with
    # limits stay deleted; then DOMAIN_DELETED's callback deletes the users, and the domain's
    # own row, held by a limit of its id, is the 500 last
    cloud = Cloud(profile="seed")
    nova = _compute(cloud)
    reg = {"service_id": nova, "resource_name": "cores", "default_limit": 10}
    cloud.request("identity", "POST", RL, {"registered_limits": [reg]}, user="admin")

    def made(kind, body):
        resp = cloud.request("identity", "POST", f"/v3/{kind}s", {kind: body}, user="admin")
        return resp.json()[kind]["id"]

    def limited(project_id):
        limit = {"service_id": nova, "resource_name": "cores", "resource_limit": 4,
                 "project_id": project_id}  # fmt: skip
        got = cloud.request("identity", "POST", LM, {"limits": [limit]}, user="admin").json()
        return next(x["id"] for x in got["limits"] if x["project_id"] == project_id)

    def status(path):
        return cloud.request("identity", "GET", path, user="admin").status

    dom = made("domain", {"name": "d"})
    parent = made("project", {"name": "p", "domain_id": dom})
    child = made("project", {"name": "c", "domain_id": dom, "parent_id": parent})
    user = made("user", {"name": "u", "domain_id": dom})
    held = limited(parent)
    off = {"domain": {"enabled": False}}
    assert cloud.request("identity", "PATCH", f"/v3/domains/{dom}", off, user="admin").status == 200
    refused = cloud.request("identity", "DELETE", f"/v3/domains/{dom}", user="admin")
    assert refused.status == 500
    paths = (f"/v3/projects/{child}", f"/v3/projects/{parent}", f"/v3/users/{user}",
             f"/v3/domains/{dom}")  # fmt: skip
    assert [status(p) for p in paths] == [404, 200, 200, 200]
    assert cloud.request("identity", "DELETE", f"{LM}/{held}", user="admin").status == 204
    held = limited(dom)  # 13.x takes a domain's id as a project's
    refused = cloud.request("identity", "DELETE", f"/v3/domains/{dom}", user="admin")
    assert refused.status == 500
    assert [status(p) for p in paths] == [404, 404, 404, 200]
    assert cloud.request("identity", "DELETE", f"{LM}/{held}", user="admin").status == 204
    assert cloud.request("identity", "DELETE", f"/v3/domains/{dom}", user="admin").status == 204


@pytest.mark.parametrize("profile", ["nova-18.0.0", "upstream"])
def test_lists_from_keystone_14_hold_the_records_in_creation_order(profile):
    # keystone 14.2.0-30.0.0 limit/backends/sql.py: the queries order by nothing and both
    # tables' primary key is the auto-increment internal_id, InnoDB's scan order
    cloud = Cloud(profile=profile)
    nova = _compute(cloud)
    regs = [{"service_id": nova, "resource_name": name, "default_limit": 1}
            for name in ("r1", "r2", "r3", "r4", "r5")]  # fmt: skip
    made = _system(cloud, "POST", RL, {"registered_limits": regs}).json()["registered_limits"]
    created = [x["id"] for x in made]
    assert created != sorted(created)  # 13.x's uuid order would differ
    listed = _system(cloud, "GET", RL).json()["registered_limits"]
    assert [x["id"] for x in listed] == created
    project = cloud.context("demo").project_id
    lims = [{"service_id": nova, "resource_name": x["resource_name"], "resource_limit": 2,
             "project_id": project} for x in reversed(made)]  # fmt: skip
    made = _system(cloud, "POST", LM, {"limits": lims}).json()["limits"]
    listed = _system(cloud, "GET", f"{LM}?service_id={nova}").json()["limits"]
    assert [x["id"] for x in listed] == [x["id"] for x in made]
