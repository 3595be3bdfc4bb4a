"""``/os-quota-class-sets/{id}`` (nova 17.0.13-34.0.0 ``quota_classes.py``). Found by Tempest's
``QuotaClassesAdminTest*`` (session 27): not served, every call a 404. The ``default`` class
is the defaults of every project without a limit of its own, so a write to it reaches the
quota checks."""

from __future__ import annotations

from fakecloud.state import dumps, loads
from tests.nova.conftest import NovaEnv

_URL = "/v2.1/os-quota-class-sets/"


def _message(resp, status: int) -> str:
    assert resp.status == status, resp.json()
    return next(iter(resp.json().values()))["message"]


def test_default_class_update_is_every_projects_default(env: NovaEnv):
    shown = env.request("GET", _URL + "default", user="admin").json()["quota_class_set"]
    assert shown["id"] == "default" and shown["instances"] == 10
    assert "server_groups" not in shown and shown["security_groups"] == -1  # 2.1-2.49
    put = {"quota_class_set": {"instances": "0", "server_groups": 3}}
    r = env.request("PUT", _URL + "default", put, user="admin", microversion="2.57")
    assert r.status == 200, r.json()
    answer = r.json()["quota_class_set"]
    assert "id" not in answer and "injected_files" not in answer and "security_groups" not in answer
    assert (answer["instances"], answer["server_groups"], answer["cores"]) == (0, 3, 20)
    project = env.cloud.keystone.token_for("demo").context.project_id
    defaults = env.request("GET", f"/v2.1/os-quota-sets/{project}/defaults").json()
    assert defaults["quota_set"]["instances"] == 0
    server = {"name": "y", "imageRef": env.image.id, "flavorRef": "1", "networks": "none"}
    boot = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.45")
    assert _message(boot, 403).startswith("Quota exceeded for instances")
    # A project's own limit still wins over the class.
    own = {"quota_set": {"instances": 1}}
    assert env.request("PUT", f"/v2.1/os-quota-sets/{project}", own, user="admin").status == 200
    absolute = env.request("GET", "/v2.1/limits").json()["limits"]["absolute"]
    assert (absolute["maxTotalInstances"], absolute["maxServerGroups"]) == (1, 3)
    again = loads(dumps(env.cloud), cloud_class=type(env.cloud))  # the class is saved
    shown = again.request("compute", "GET", _URL + "default", user="admin").json()
    assert shown["quota_class_set"]["instances"] == 0


def test_errors_as_nova_answers_them(env: NovaEnv):
    assert _message(env.request("GET", _URL + "default"), 403) == (
        "Policy doesn't allow os_compute_api:os-quota-class-sets:show to be performed."
    )
    put = {"quota_class_set": {"instances": 1}}
    long = env.request("PUT", _URL + "x" * 256, put, user="admin")
    assert _message(long, 400) == "quota_class_name has more than 255 characters."
    # 2.50 drops the nova-network keys; 33.0.0 took ``networks`` out of the 2.1 schema.
    hidden = {"quota_class_set": {"floating_ips": 1}}
    r = env.request("PUT", _URL + "default", hidden, user="admin", microversion="2.50")
    assert "('floating_ips' was unexpected)" in _message(r, 400)
    networks = {"quota_class_set": {"networks": 1}}
    assert env.request("PUT", _URL + "default", networks, user="admin").status == 400
