"""``GET /v2/images/{id}/tasks`` (``images.py get_task_info``, Image API 2.12): the import
tasks an image has, ``[]`` when none ran, a bare 404 for an image the caller may not see."""

import functools
import math
from urllib.parse import urlencode

from glance_support import ADMIN, GB, OCTET, P1, P2, World
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakecloud.glance.errors import StoreTimeout
from fakecloud.sim.clock import stored_time
from tests.robustness.fuzz_scale import SCALE

IMPORT = {"method": {"name": "glance-direct"}}


def stage_and_import(w, image_id):
    h = {**OCTET, "x-openstack-image-size": str(GB // 10)}
    assert w.call("PUT", f"/v2/images/{image_id}/stage", headers=h).status == 204
    assert w.call("POST", f"/v2/images/{image_id}/import", body=IMPORT).status == 202


def tasks(w, image_id, context=P1):
    r = w.call("GET", f"/v2/images/{image_id}/tasks", context)
    assert r.status == 200, r.json()
    return r.json()["tasks"]


def test_an_image_no_import_ran_for_has_no_tasks():
    w = World(profile="upstream")  # the route: Glance 22.0.0 on
    assert tasks(w, w.create()["id"]) == []
    assert tasks(w, w.base_images[0].id) == []  # public: everyone may look


def test_an_import_leaves_a_task_that_follows_it():
    w = World(profile="upstream")  # the route: Glance 22.0.0 on
    image = w.create()["id"]
    stage_and_import(w, image)
    (task,) = tasks(w, image)
    assert task["status"] == "pending" and task["type"] == "api_image_import"
    assert task["input"] == {"image_id": image, "import_req": IMPORT, "backend": [None]}
    assert (task["owner"], task["user_id"], task["image_id"]) == ("p1", "u1", image)
    assert task["expires_at"] is None and task["deleted"] is False
    w.cloud.advance(0)
    assert tasks(w, image)[0]["status"] == "processing"
    w.cloud.run_until_idle()
    (done,) = tasks(w, image)
    assert (done["status"], done["result"], done["message"]) == (
        "success",
        {"image_id": image},
        "",
    )
    # Times as oslo's to_primitive shows them, as MySQL stored them: the staging took 0.8
    # virtual seconds, the whole second rounded up.
    assert done["created_at"] == "2026-01-01T00:00:01.000000"
    (ended,) = [
        e["t"] for e in w.cloud.trace.filter(kind="glance.task") if e["status"] == "success"
    ]
    # [task] task_time_to_live: 48 hours after it ended, the task is gone.
    expires = w.cloud.kernel.clock.wall_time(ended + 48 * 3600)
    assert done["expires_at"] == stored_time(expires).strftime("%Y-%m-%dT%H:%M:%S.%f")
    w.cloud.advance(48 * 3600 + 1)
    assert tasks(w, image) == []


def test_a_failed_import_task_says_why():
    w = World(profile="upstream")  # the route: Glance 22.0.0 on
    image = w.create()["id"]
    w.cloud.faults.add(
        "io.transfer", error=StoreTimeout("store down"), match={"label": "glance.import"}
    )
    stage_and_import(w, image)
    w.cloud.run_until_idle()
    (task,) = tasks(w, image)
    assert (task["status"], task["message"], task["result"]) == ("failure", "store down", None)


def test_other_projects_and_admins():
    w = World(profile="upstream")  # the route: Glance 22.0.0 on
    image = w.create()["id"]
    stage_and_import(w, image)
    r = w.call("GET", f"/v2/images/{image}/tasks", P2)
    assert r.status == 404
    assert r.json()["message"] == "The resource could not be found.<br /><br />\n\n\n"
    assert len(tasks(w, image, ADMIN)) == 1


def test_the_tasks_api_shows_admins_every_task():
    """``GET /v2/tasks`` (the stub view, filters checked) and ``/v2/tasks/{id}`` (the full
    view) for ``tasks_api_access`` (role:admin); ``DELETE`` is always 405."""
    w = World(profile="upstream")
    image = w.create()["id"]
    stage_and_import(w, image)
    w.cloud.run_until_idle()
    refused = w.call("GET", "/v2/tasks", P1)
    assert refused.status == 403
    assert refused.json()["message"].startswith(
        "You are not authorized to complete tasks_api_access action."
    )
    # before 23.0.0: a bare webob 403
    refused = World(profile="nova-23.2.2").call("GET", "/v2/tasks", P1)
    assert refused.status == 403
    assert refused.json()["message"].startswith("Access was denied to this resource.")
    listed = w.call("GET", "/v2/tasks", ADMIN, query={"limit": "1"}).json()
    (stub,) = listed["tasks"]
    assert set(stub) == {"id", "type", "status", "owner", "created_at", "updated_at", "self"} | {
        "schema",
        "expires_at",
    }
    assert (listed["first"], listed["next"]) == (
        "/v2/tasks?limit=1",
        f"/v2/tasks?limit=1&marker={stub['id']}",
    )
    full = w.call("GET", f"/v2/tasks/{stub['id']}", ADMIN).json()
    assert (full["status"], full["result"], full["image_id"]) == (
        "success",
        {"image_id": image},
        image,
    )
    assert full["created_at"] == "2026-01-01T00:00:01Z"  # isotime of MySQL's 00:00:00.8
    bad = w.call("GET", "/v2/tasks", ADMIN, query={"type": "api_image_import"})
    assert bad.status == 400
    assert bad.json()["message"].startswith("Invalid type value: api_image_import")
    assert w.call("DELETE", f"/v2/tasks/{stub['id']}", ADMIN).status == 405
    # TaskRepo.get rewords the database's TaskNotFound (the glance oracle, session 27)
    missing = w.call("GET", f"/v2/tasks/{image}", ADMIN)
    assert missing.status == 404
    assert missing.json()["message"].startswith(f"Could not find task {image}<br />")


def test_the_tasks_list_reads_its_query_as_glances_multidict():
    """Session 27: every value of a repeated filter is a filter (the database's
    ``filters.items()``; the check reads the last), ``deleted`` is the controller's own, a
    marker in braces is UUID-like."""
    w = World(profile="upstream")
    stage_and_import(w, w.create()["id"])
    w.cloud.run_until_idle()

    def listed(query):
        r = w.call("GET", "/v2/tasks", ADMIN, query=query)
        return r.status, r.json().get("tasks", r.json().get("message"))

    (task,) = listed({})[1]
    assert listed({"deleted": "1"}) == (200, [task])  # was []
    assert listed(f"status=bogus&status={task['status']}") == (200, [])  # was [task]
    braces = "{" + task["id"] + "}"  # was "Invalid marker format"
    assert listed({"marker": braces})[1].startswith(f"Task with the given id {braces} was not")


#: Names Glance's tasks list reads (and some it ignores), and values of each kind.
_NAMES = ("status", "type", "owner", "id", "deleted", "limit", "marker", "sort_key", "sort_dir")
_NAMES += ("input", "image_id", "nosuch")
_VALUES = ("", "success", "pending", "import", "api_image_import", "1", "0", "x", "-1")
_VALUES += ("created_at", "status", "asc", "desc")


@functools.cache
def _a_task():
    w = World(profile="upstream")
    stage_and_import(w, w.create()["id"])
    w.cloud.run_until_idle()
    return w


@settings(max_examples=3 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    pairs=st.lists(
        st.tuples(st.sampled_from(_NAMES), st.sampled_from(_VALUES) | st.text(max_size=3)),
        max_size=4,
    )
)
def test_any_tasks_query_is_a_400_or_tasks_that_match_it(pairs):
    """Every query is Glance's 400 or a page of tasks each of which has every value of every
    column filter it names (the database's filters.items())."""
    w = _a_task()
    r = w.call("GET", "/v2/tasks", ADMIN, query=urlencode(pairs))
    assert r.status in (200, 400), r.json()
    if r.status == 400:
        return
    listed = r.json()["tasks"]
    for name, value in pairs:
        if name in ("status", "type", "owner", "id"):
            assert all(task[name] == value for task in listed), (name, value)


def test_tasks_made_within_one_stored_second_list_by_id():
    """``_task_get_all`` sorts by (the key asked,) ``created_at`` and ``id`` (glance 33.0.0
    db/sqlalchemy/api.py), and MySQL keeps the whole second: imports 0.1 s apart within one
    second list their tasks by id, both ways and past a marker."""
    w = World(profile="upstream")
    images = [w.create()["id"] for _ in range(3)]
    h = {**OCTET, "x-openstack-image-size": str(GB // 10)}
    for image in images:
        assert w.call("PUT", f"/v2/images/{image}/stage", headers=h).status == 204
    w.cloud.advance(math.ceil(w.cloud.now) - w.cloud.now + 0.05)  # early in a second
    for image in images:
        assert w.call("POST", f"/v2/images/{image}/import", body=IMPORT).status == 202
        w.cloud.advance(0.1)
    w.cloud.run_until_idle()
    made = [tasks(w, image)[0]["id"] for image in images]
    assert made != sorted(made)  # the premise: creation order is not the ids' order
    listed = w.call("GET", "/v2/tasks", ADMIN).json()["tasks"]
    assert len({t["created_at"] for t in listed}) == 1  # one stored second
    assert [t["id"] for t in listed] == sorted(made, reverse=True)
    query = {"sort_dir": "asc", "marker": min(made)}
    after = w.call("GET", "/v2/tasks", ADMIN, query=query).json()["tasks"]
    assert [t["id"] for t in after] == sorted(made)[1:]


def test_glance_22_0_lists_no_task_in_progress():
    """``tasks_get_by_image`` compared ``expires_at >= now`` alone in Glance 22.0.0 (Nova
    23.0.0-23.0.2: switch ``lp1922928``), so a pending or processing task (no ``expires_at``)
    was left out until 78e8b7506a (22.1.0, beside Nova 23.1.0); the ended task is listed."""
    for profile, in_progress in (("nova-23.0.2", 0), ("nova-23.1.0", 1)):
        w = World(profile=profile)
        image = w.create()["id"]
        stage_and_import(w, image)
        w.cloud.advance(0)
        assert len(tasks(w, image)) == in_progress
        w.cloud.run_until_idle()
        assert [t["status"] for t in tasks(w, image)] == ["success"]
