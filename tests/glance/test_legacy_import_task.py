"""``POST /v2/tasks``: Glance's legacy ``import`` task, as each release takes it (the checks
when it is created, then the flow: the image from ``image_properties``, the URL's bytes, the
revert) with no network but the simulated web."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakecloud import Cloud
from tests.robustness.fuzz_scale import SCALE

CIRROS = "http://download.cirros-cloud.net/0.6.2/cirros-0.6.2-x86_64-disk.img"
WEB = {"glance": {"web_download_urls": {CIRROS: {"size": 21430272, "disk_format": "qcow2"}}}}
PROPS = {"container_format": "bare", "disk_format": "qcow2", "name": "from-task"}


def task_body(url: str) -> dict:
    """Tempest's ``_prepare_image_tasks_param`` body."""
    return {
        "type": "import",
        "input": {"image_properties": PROPS, "import_from_format": "qcow2", "import_from": url},
    }


def create(cloud: Cloud, body, user: str = "admin"):
    return cloud.request("image", "POST", "/v2/tasks", body=body, user=user)


@pytest.fixture(scope="module")
def newest():
    """Glance 33.0.0, which checks ``import_from`` when the task is created."""
    return Cloud(seed=0, profile="upstream", config=WEB)


@pytest.mark.parametrize(
    "body, message",
    [
        (task_body("http://nowhere.example/x.qcow2"), "URI for legacy import task does not pass "
         "filtering: http://nowhere.example/x.qcow2"),
        (task_body("file:///etc/passwd"), "File based imports are not allowed. Please use a "
         "non-local source of image data."),
        ({"type": "import"}, "Task 'input' is required"),
        ({"type": "import", "input": {}, "x": 1}, "Provided object does not match schema 'task': "
         "Additional properties are not allowed ('x' was unexpected)"),
    ],
)  # fmt: skip
def test_glance_33_refuses_a_bad_task_at_once(newest, body, message):
    r = create(newest, body)
    assert r.status == 400 and r.json()["message"].startswith(message)


def test_the_task_api_is_the_admins(newest):
    r = create(newest, task_body(CIRROS), user="demo")
    assert (r.status, r.json()["message"]) == (
        403,
        "You are not authorized to complete tasks_api_access action.<br /><br />\n\n\n",
    )
    r = newest.request("image", "PUT", "/v2/tasks", user="admin")
    assert (r.status, r.headers["Allow"]) == (405, "GET, POST")  # was a 404


def test_an_unreachable_url_fails_the_task_and_reverts_its_image():
    cloud = Cloud(seed=0, profile="nova-26.0.0")  # Glance 25: the flow finds out
    r = create(cloud, task_body("http://nowhere.example/x.qcow2"))
    assert r.status == 201 and r.headers["Location"].endswith(f"/v2/tasks/{r.json()['id']}")
    assert (r.json()["status"], r.json()["message"], r.json()["result"]) == ("pending", "", None)
    cloud.run_until_idle()
    task = cloud.request("image", "GET", f"/v2/tasks/{r.json()['id']}", user="admin").json()
    assert (task["status"], task["message"]) == ("failure", "Task failed due to Internal Error")
    assert task["expires_at"] == "2026-01-03T00:00:00Z"  # [task] task_time_to_live, 48 h
    moves = [(e["old"], e["new"]) for e in cloud.trace.filter(kind="state")[-2:]]
    assert moves == [(None, "queued"), ("queued", "deleted")]  # _CreateImage's, reverted


def test_a_url_the_web_serves_becomes_an_active_image(newest):
    r = create(newest, task_body(CIRROS))
    newest.run_until_idle()
    task = newest.request("image", "GET", f"/v2/tasks/{r.json()['id']}", user="admin").json()
    assert task["status"] == "success" and "image_id" not in task  # the input names none
    path = f"/v2/images/{task['result']['image_id']}"
    image = newest.request("image", "GET", path, user="admin").json()
    assert (image["name"], image["status"], image["size"]) == ("from-task", "active", 21430272)


def test_before_glance_22_a_null_input_leaves_the_task_processing():
    cloud = Cloud(seed=0, profile="seed")  # Glance 16: unpack_task_input's TypeError escapes
    r = create(cloud, {"type": "import", "input": None})
    assert r.status == 201
    cloud.run_until_idle()
    task = cloud.request("image", "GET", f"/v2/tasks/{r.json()['id']}", user="admin").json()
    assert task["status"] == "processing"
    upstream = Cloud(seed=0, profile="upstream")
    assert create(upstream, {"type": "api_image_import", "input": None}).status == 500


def test_image_properties_that_are_no_object_fail_the_flow_before_any_image(newest):
    """``create_image`` pops the base properties from them (an AttributeError or TypeError the
    executor turns into the failure): 5 crashed the simulation, null made an image."""
    listed = newest.request("image", "GET", "/v2/images", user="admin").json()["images"]
    made = []
    for properties in (5, None):
        body = task_body(CIRROS)
        body["input"]["image_properties"] = properties
        made.append(create(newest, body).json()["id"])
    body["input"] = {**body["input"], "image_properties": {}, "import_from": 5}
    r = create(newest, body)  # validate_location_uri's 5.startswith: the controller's 500
    assert r.status == 500 and not newest.trace.filter(kind="api.error")
    newest.run_until_idle()
    for task_id in made:
        task = newest.request("image", "GET", f"/v2/tasks/{task_id}", user="admin").json()
        assert (task["status"], task["message"]) == ("failure", "Task failed due to Internal Error")
    assert newest.request("image", "GET", "/v2/images", user="admin").json()["images"] == listed


_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
_JSON = st.recursive(
    _SCALARS | st.text(max_size=4),
    lambda kids: (
        st.lists(kids, max_size=2) | st.dictionaries(st.text(max_size=12), kids, max_size=3)
    ),
    max_leaves=5,
)


@settings(max_examples=2 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))
@given(properties=_JSON | st.dictionaries(st.sampled_from(sorted(PROPS) + ["id", "x"]), _JSON))
def test_any_image_properties_end_the_task_and_leave_an_image_only_on_success(newest, properties):
    """Whatever the properties, the task ends (success or Glance's failure), an image is left
    only by a success, and the simulation carries on (``{}``, no formats, crashed it: the
    status setter's ValueError once the data is stored, which fails the flow)."""
    cloud = newest.fork()
    before = len(cloud.request("image", "GET", "/v2/images", user="admin").json()["images"])
    body = task_body(CIRROS)
    body["input"]["image_properties"] = properties
    r = create(cloud, body)
    assert r.status == 201, r.json()
    cloud.run_until_idle()
    task = cloud.request("image", "GET", f"/v2/tasks/{r.json()['id']}", user="admin").json()
    assert task["status"] in ("success", "failure"), task
    after = len(cloud.request("image", "GET", "/v2/images", user="admin").json()["images"])
    assert after == before + (task["status"] == "success")
    assert not cloud.check_invariants()
