"""``/default-types`` (3.62, Cinder 17.0.0 on): a project's own default volume type, as
api/v3/default_types.py, api_utils.validate_project_and_authorize, policies/default_types.py
and volume_types.get_default_volume_type answer it (17.4.0, 20.3.2, 24.0.0, 29.0.0). It was a
404."""

import pytest
from cinder_support import call, fault

from fakecloud import Cloud
from fakecloud.identity.context import RequestContext

CONFIG = {
    "cinder": {
        "backends": {"thin": {"kind": "lvm-thin"}, "thick": {"kind": "lvm-thick"}},
        "volume_types": {"__DEFAULT__": {"backend": "thin"}, "fat": {"backend": "thick"}},
    }
}
V = "3.62"


def _projects(cloud):
    return {p.name: pid for pid, p in cloud.keystone.directory.projects.items()}


def _callers(cloud):
    ids = _projects(cloud)
    demo = RequestContext(user_id="u-demo", project_id=ids["demo"], roles=("member", "reader"))
    admin = RequestContext(user_id="u-adm", project_id=ids["admin"], roles=("admin", "member"))
    return ids, demo, admin


def test_a_projects_default_type_is_used_by_create_and_types_default():
    cloud = Cloud(profile="upstream", config=CONFIG)
    ids, demo, admin = _callers(cloud)
    fat = cloud.cinder.volume_types["fat"].id
    path = f"default-types/{ids['demo']}"
    resp = call(cloud, "PUT", path, {"default_type": {"volume_type": "fat"}}, ctx=admin, version=V)
    assert resp.status == 200
    assert resp.json() == {"default_type": {"project_id": ids["demo"], "volume_type_id": fat}}
    assert call(cloud, "GET", path, ctx=admin, version=V).json() == resp.json()
    listed = call(cloud, "GET", "default-types", ctx=admin, version=V).json()
    assert listed == {"default_types": [resp.json()["default_type"]]}
    # the demo project's volumes without a type now get it, and /types/default says so
    resp = call(cloud, "POST", "volumes", {"volume": {"size": 1}}, ctx=demo)
    assert resp.json()["volume"]["volume_type"] == "fat"
    cloud.run_until_idle()
    assert cloud.cinder.volume(resp.json()["volume"]["id"]).backend == "thick"
    shown = call(cloud, "GET", "types/default", ctx=demo).json()["volume_type"]
    assert shown["name"] == "fat"
    assert call(cloud, "GET", "types/default", ctx=admin).json()["volume_type"]["name"] == (
        "__DEFAULT__"
    )
    # a type that is a project's default cannot be deleted
    resp = call(cloud, "DELETE", f"types/{fat}", ctx=admin)
    assert fault(resp)[1] == 400
    assert call(cloud, "DELETE", path, ctx=admin, version=V).status == 204
    assert cloud.cinder.project_default_types is None  # nothing left to save
    assert fault(call(cloud, "GET", path, ctx=admin, version=V)) == (
        "itemNotFound", 404, f"Default type for project {ids['demo']} not found.",
    )  # fmt: skip


def test_refusals():
    cloud = Cloud(profile="upstream", config=CONFIG)
    ids, demo, admin = _callers(cloud)
    path = f"default-types/{ids['demo']}"
    body = {"default_type": {"volume_type": "fat"}}
    assert call(cloud, "PUT", path, body, ctx=admin, version="3.61").status == 404
    assert fault(call(cloud, "PUT", path, body, ctx=demo, version=V)) == (
        "forbidden", 403, "You are not authorized to perform this operation.",
    )  # fmt: skip
    missing = "f" * 32
    resp = call(cloud, "PUT", f"default-types/{missing}", body, ctx=admin, version=V)
    assert fault(resp)[1:] == (404, f"Project with id {missing} not found.")
    # 29.0.0 unsets a missing project's default anyway
    assert call(cloud, "DELETE", f"default-types/{missing}", ctx=admin, version=V).status == 204
    resp = call(cloud, "PUT", path, {"default_type": {"volume_type": "nope"}}, ctx=admin, version=V)
    assert fault(resp)[1:] == (400, "Volume type with name nope could not be found.")
    resp = call(cloud, "PUT", path, {"default_type": {}}, ctx=admin, version=V)
    assert fault(resp)[1] == 400
    resp = call(cloud, "PUT", path, {}, ctx=admin, version=V, allow_500=True)
    assert resp.status == 500  # the controller's body['default_type'] (no schema requires it)
    assert cloud.cinder.project_default_types is None  # nothing left to save


@pytest.mark.parametrize(
    ("profile", "with_project"),
    [("nova-28.3.0", False), ("nova-28.3.1", True), ("nova-29.2.0", False), ("nova-29.2.1", True)],
)
def test_the_paths_with_a_project_id_follow_the_backports(profile, with_project):
    """9afa19e9c (25.0.0; backports 23.3.0, 24.2.0, beside Nova 28.3.1 and 29.2.1) maps the
    paths under ``/v3/{project_id}/`` too (``api/v3/router.py`` of 23.2.0 and 23.3.0)."""
    cloud = Cloud(profile=profile, config=CONFIG)
    ids, _demo, admin = _callers(cloud)
    bare = call(cloud, "GET", f"/v3/default-types/{ids['admin']}", ctx=admin, version=V)
    assert fault(bare) == (
        "itemNotFound",
        404,
        f"Default type for project {ids['admin']} not found.",
    )
    resp = call(cloud, "GET", f"default-types/{ids['admin']}", ctx=admin, version=V)
    if with_project:
        assert (resp.status, resp.body) == (bare.status, bare.body)
    else:
        assert resp.status == 404 and b"itemNotFound" not in resp.body  # the router's


@pytest.mark.parametrize("profile", ["nova-24.0.0", "nova-21.2.4"])
def test_older_series(profile):
    """17.x-19.x (Cinder 19 here): the system admin, or an admin of the target project only;
    16.x: no such route. Before 25.0.0 (9afa19e9c) the paths have no project id."""
    cloud = Cloud(profile=profile, config=CONFIG)
    ids, demo, admin = _callers(cloud)
    body = {"default_type": {"volume_type": "fat"}}
    version = "3.60" if profile == "nova-21.2.4" else "3.62"
    resp = call(cloud, "PUT", f"/v3/default-types/{ids['demo']}", body, ctx=admin, version=version)
    if profile == "nova-21.2.4":
        assert resp.status == 404 and b"itemNotFound" not in resp.body
        return
    assert fault(resp)[1] == 403  # an admin of another project
    resp = call(cloud, "PUT", f"/v3/default-types/{ids['admin']}", body, ctx=admin, version=V)
    assert resp.status == 200
    resp = call(cloud, "GET", f"default-types/{ids['admin']}", ctx=admin, version=V)
    assert resp.status == 404 and b"itemNotFound" not in resp.body  # the router's
    assert call(cloud, "GET", "/v3/default-types", ctx=admin, version=V).status == 403  # system
    assert (
        call(cloud, "POST", "volumes", {"volume": {"size": 1}}, ctx=admin).json()["volume"][
            "volume_type"
        ]
        == "fat"
    )


def test_an_operators_policy_file_decides_the_default_type_rules():
    """With ``cinder.policy``, oslo.policy decides ``volume_extension:default_*`` on the target
    project (the list on the caller's own), answered in validate_project_and_authorize's words:
    a member let set their own project's default, the admin refused the list."""
    rules = {
        "volume_extension:default_set_or_update": "project_id:%(project_id)s",
        "volume_extension:default_get_all": "!",
    }
    config = {"cinder": {**CONFIG["cinder"], "policy": rules}}
    cloud = Cloud(profile="upstream", config=config)
    ids, demo, admin = _callers(cloud)
    body = {"default_type": {"volume_type": "fat"}}
    own = call(cloud, "PUT", f"default-types/{ids['demo']}", body, ctx=demo, version=V)
    assert own.status == 200
    refused = ("forbidden", 403, "You are not authorized to perform this operation.")
    assert fault(
        call(cloud, "PUT", f"default-types/{ids['admin']}", body, ctx=demo, version=V)
    ) == (refused)
    assert fault(call(cloud, "GET", "default-types", ctx=admin, version=V)) == refused
    # a rule the file leaves alone keeps the release's default: the member may not read it
    assert fault(call(cloud, "GET", f"default-types/{ids['demo']}", ctx=demo, version=V)) == (
        refused
    )
    assert call(cloud, "GET", f"default-types/{ids['demo']}", ctx=admin, version=V).status == 200
