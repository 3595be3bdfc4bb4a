"""``GET /v2/schemas/task`` and ``/v2/schemas/tasks``: the ``minimal()`` task schemas of each
Glance (``glance/api/v2/tasks.py`` ``_TASK_SCHEMA``, served by ``schemas.py``), and what their
routes, which have no ``body_reject``, do with a body.
"""

from __future__ import annotations

import pytest

from fakecloud import Cloud

WEBOB_JSON = {"Accept": "application/json"}

_FIRST = ["id", "type", "status", "input", "result", "owner", "message"]
_BY_22 = ["image_id", "request_id", "user_id"]  # d54449af4, Glance 22.0.0
_LAST = ["expires_at", "created_at", "updated_at", "self", "schema"]
_TYPES = ["import", "api_image_import"]

#: profile → (its Glance, the task schema's properties in Glance's order, the ``type`` enum).
FAMILIES = {
    "nova-22.0.0": (21, _FIRST + _LAST, _TYPES),
    "nova-23.0.0": (22, _FIRST + _BY_22 + _LAST, _TYPES),
    "nova-29.0.0": (28, _FIRST + _BY_22 + _LAST, _TYPES),
    "upstream": (33, _FIRST + _BY_22 + _LAST, [*_TYPES, "location_import"]),  # a0b7650c4, 29
}


@pytest.mark.parametrize("profile", sorted(FAMILIES))
def test_each_glance_serves_its_task_schemas(profile):
    cloud = Cloud(seed=0, profile=profile, config={"glance": {"base_images": []}})
    glance, properties, types = FAMILIES[profile]
    assert cloud.glance.kernel.switches.series.glance == glance
    task = cloud.request("image", "GET", "/v2/schemas/task")
    assert task.status == 200 and task.headers["Content-Type"] == "application/json"
    body = task.json()
    assert list(body) == ["name", "properties"]  # minimal(): no additionalProperties, no links
    assert body["name"] == "task" and list(body["properties"]) == properties
    assert body["properties"]["type"]["enum"] == types
    tasks = cloud.request("image", "GET", "/v2/schemas/tasks").json()
    assert tasks["name"] == "tasks" and tasks["links"] == [
        {"rel": "describedby", "href": "{schema}"}
    ]
    items = tasks["properties"]["tasks"]["items"]
    hidden = {"input", "result", "message"}  # _get_partial_task_schema
    assert list(items["properties"]) == [p for p in properties if p not in hidden]
    assert items["properties"]["type"]["enum"] == types


@pytest.fixture(scope="module")
def cloud():
    """One cloud for the read-only requests below."""
    return Cloud(seed=0, profile="upstream", config={"glance": {"base_images": []}})


def test_another_method_is_405(cloud):
    r = cloud.request("image", "PUT", "/v2/schemas/tasks", headers=WEBOB_JSON)
    assert r.status == 405 and r.headers["Allow"] == "GET"


@pytest.mark.parametrize(
    "body, status, message",
    [
        (b"{", 400, "Malformed JSON in request body."),
        (b"1", 400, "Unexpected body type. Expected list/dict."),
        (b"{}", 500, "The server has either erred or is incapable of performing"),
    ],
)
def test_a_body_is_read_as_json_and_one_that_parses_is_glances_500(cloud, body, status, message):
    # no body_reject on these routes: the body reaches Controller.task(req, body=...), a TypeError
    r = cloud.request("image", "GET", "/v2/schemas/task", body=body, headers=WEBOB_JSON)
    assert r.status == status and r.json()["message"].startswith(message)
