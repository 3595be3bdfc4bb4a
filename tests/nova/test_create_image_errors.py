"""Every error row of the spec's table (1.7) that the image-backed path and the API layer can
give: status, fault key and message, and what was (not) left behind."""

from __future__ import annotations

import pytest

from fakecloud.nova import states
from fakecloud.nova.image_api import HTTPBadRequest, HTTPConflict, HTTPForbidden, HTTPNotFound
from tests.nova.conftest import NovaEnv

UNEXPECTED = "Unexpected API Error. Please contact the administrator\n<class '{}'>"


def _images(env: NovaEnv) -> list[dict]:
    resp = env.cloud.request("image", "GET", "/v2/images?name=snap", user="admin")
    return resp.json()["images"]


@pytest.mark.parametrize("server_id", ["not-a-uuid", "7f1f4f0e-0000-4000-8000-000000000000"])
def test_unknown_server_is_404(env: NovaEnv, server_id):
    resp = env.create_image(server_id)
    assert resp.status == 404
    assert resp.json() == {
        "itemNotFound": {"code": 404, "message": f"Instance {server_id} could not be found."}
    }


def test_deleted_server_is_404(env: NovaEnv):
    sid = env.boot()
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    env.cloud.run_until_idle()
    assert env.create_image(sid).status == 404


def test_another_projects_server_is_404_for_non_admins(any_env: NovaEnv):
    sid = any_env.boot(user="admin")
    resp = any_env.create_image(sid, user="demo")
    assert resp.status == 404
    assert resp.json()["itemNotFound"]["message"] == f"Instance {sid} could not be found."
    assert _images(any_env) == []


def test_reader_is_refused_by_policy_upstream(env: NovaEnv):
    sid = env.boot()
    resp = env.create_image(sid, user="demo-reader")
    assert resp.status == 403
    assert resp.json() == {
        "forbidden": {
            "code": 403,
            "message": "Policy doesn't allow os_compute_api:servers:create_image to be performed.",
        }
    }
    assert _images(env) == []


@pytest.mark.parametrize(
    "vm_state",
    [
        states.BUILDING,
        states.ERROR,
        states.RESCUED,
        states.RESIZED,
        states.SHELVED,
        states.SHELVED_OFFLOADED,
        states.SOFT_DELETED,
    ],
)
def test_vm_states_that_refuse_a_snapshot(any_env: NovaEnv, vm_state):
    sid = any_env.boot()
    any_env.nova.force_state(sid, vm_state=vm_state)
    resp = any_env.create_image(sid)
    assert resp.status == 409
    assert resp.json() == {
        "conflictingRequest": {
            "code": 409,
            "message": f"Cannot 'createImage' instance {sid} while it is in vm_state {vm_state}",
        }
    }
    assert _images(any_env) == []


@pytest.mark.parametrize(
    "task_state",
    [
        states.IMAGE_SNAPSHOT_PENDING,
        states.IMAGE_SNAPSHOT,
        states.IMAGE_PENDING_UPLOAD,
        states.IMAGE_UPLOADING,
        states.IMAGE_BACKUP,
        states.DELETING,
        states.REBOOTING,
        states.POWERING_OFF,
    ],
)
def test_any_task_state_refuses_a_snapshot(any_env: NovaEnv, task_state):
    sid = any_env.boot()
    any_env.nova.force_state(sid, task_state=task_state)
    resp = any_env.create_image(sid)
    assert resp.status == 409
    assert resp.json()["conflictingRequest"]["message"] == (
        f"Cannot 'createImage' instance {sid} while it is in task_state {task_state}"
    )


def test_a_server_that_never_launched_is_in_an_invalid_state(env: NovaEnv):
    sid = env.boot()
    env.nova.db.instances[sid].launched_at = None
    resp = env.create_image(sid)
    assert resp.status == 409
    assert resp.json()["conflictingRequest"]["message"] == (
        f"Instance {sid} is in an invalid state for 'createImage'"
    )


def test_second_request_while_the_first_is_pending_is_409(env: NovaEnv):
    sid = env.boot()
    assert env.create_image(sid).status == 202
    resp = env.create_image(sid)
    assert resp.status == 409
    assert (
        "while it is in task_state image_snapshot_pending"
        in (resp.json()["conflictingRequest"]["message"])
    )


def test_glance_400_on_create_is_400_with_glances_message(env: NovaEnv):
    sid = env.boot()
    env.cloud.faults.add("image_api.create", error=HTTPBadRequest("Bad image name"), times=1)
    resp = env.create_image(sid)
    assert resp.status == 400
    # glanceclient's text of the error (2.16.0 on, Nova 19.0.0 on): ``HTTP <details>``.
    assert resp.json()["badRequest"]["message"] == "HTTP Bad image name"
    assert env.server(sid)["OS-EXT-STS:task_state"] is None


def test_glance_403_on_create_is_403(env: NovaEnv):
    sid = env.boot()
    env.cloud.faults.add("image_api.create", error=HTTPForbidden("Not yours"), times=1)
    resp = env.create_image(sid)
    assert resp.status == 403
    assert resp.json()["forbidden"]["message"] == "HTTP Not yours"


@pytest.mark.parametrize(
    ("error", "path"),
    [
        (HTTPNotFound("gone"), "nova.exception.NotFound"),
        (HTTPConflict("duplicate"), "glanceclient.exc.HTTPConflict"),
    ],
)
def test_glance_404_and_409_on_create_are_500(env: NovaEnv, error, path):
    sid = env.boot()
    env.cloud.faults.add("image_api.create", error=error, times=1)
    resp = env.create_image(sid)
    assert resp.status == 500
    assert resp.json() == {"computeFault": {"code": 500, "message": UNEXPECTED.format(path)}}
    assert env.server(sid)["OS-EXT-STS:task_state"] is None


def test_glance_property_quota_on_create_is_500():
    env = NovaEnv("upstream", {"glance": {"image_property_quota": 3}})
    sid = env.boot()
    resp = env.create_image(sid, metadata={"a": "1"})
    assert resp.status == 500
    assert resp.json()["computeFault"]["message"] == UNEXPECTED.format(
        "glanceclient.exc.HTTPOverLimit"
    )


def test_glance_unreachable_is_500_after_nova_retries(env: NovaEnv):
    sid = env.boot()
    env.cloud.faults.add("image_api.create", error="GlanceUnreachable")
    t0 = env.cloud.now
    resp = env.create_image(sid)
    assert resp.status == 500
    assert resp.json()["computeFault"]["message"] == UNEXPECTED.format(
        "nova.exception.GlanceConnectionFailed"
    )
    # 4 attempts, 1 s apart.
    assert env.cloud.now - t0 >= 3.0


def test_policy_denial_of_allow_volume_backed_creates_nothing():
    rule = "os_compute_api:servers:create_image:allow_volume_backed"
    env = NovaEnv("upstream", {"nova": {"policy": {rule: "!"}}})
    sid = env.boot(bfv=True)
    resp = env.create_image(sid)
    assert resp.status == 403
    assert resp.json()["forbidden"]["message"] == f"Policy doesn't allow {rule} to be performed."
    assert _images(env) == []
    assert env.cloud.trace.filter(kind="rpc.cast", method="snapshot_instance") == []


def test_image_backed_policy_is_not_the_volume_backed_one():
    rule = "os_compute_api:servers:create_image:allow_volume_backed"
    env = NovaEnv("upstream", {"nova": {"policy": {rule: "!"}}})
    sid = env.boot()
    assert env.create_image(sid).status == 202


def test_no_snapshot_when_the_request_fails_before_the_save(env: NovaEnv):
    """Every refusal above leaves task_state alone and records no createImage action."""
    sid = env.boot()
    env.nova.force_state(sid, vm_state=states.RESCUED)
    env.create_image(sid)
    actions = env.request("GET", f"/v2.1/servers/{sid}/os-instance-actions").json()
    assert [a["action"] for a in actions["instanceActions"]] == ["create"]


#: Glance's refusals of the snapshot image as Nova words them: glanceclient sends no Accept of
#: its own, so Glance's webob error is its HTML page, and ``glanceclient.exc.from_response``
#: (python-glanceclient 2.10.1 and 4.7.0 alike) joins the page's text lines with ': '
#: (entities left as they are); Nova passes ``str(exc)`` on (``_translate_plain_exception``
#: of nova/image/glance.py, 17.0.7 to 34.0.0), which is ``<details> (HTTP <code>)`` with the
#: glanceclient of Queens and Rocky, ``HTTP <details>`` from 2.16.0 (ae4355b; Stein, 19.0.0 on).
GLANCE_REFUSALS = [
    # (profile, metadata, status, message)
    (
        "nova-17.0.7",
        {"status": "active"},
        403,
        "403 Forbidden: Attribute &#x27;status&#x27; is read-only. (HTTP 403)",
    ),
    (
        "upstream",
        {"owner": "p2"},
        403,
        "HTTP 403 Forbidden: Access was denied to this resource.: You are not permitted to create "
        "images owned by &#x27;p2&#x27;",
    ),
    (  # Glance 28 (2024.1) pins jsonschema 4.19.2: the schema printed with its keys sorted
        "nova-29.2.0",
        {"min_ram": "5"},
        400,
        "HTTP 400 Bad Request: Provided object does not match schema &#x27;image&#x27;: "
        "&#x27;5&#x27; is not of type &#x27;integer&#x27;: Failed validating &#x27;type&#x27; "
        "in schema"
        "[&#x27;properties&#x27;][&#x27;min_ram&#x27;]:: {&#x27;description&#x27;: "
        "&#x27;Amount of ram (in MB) required to boot image.&#x27;,: &#x27;type&#x27;: "
        "&#x27;integer&#x27;}: On instance[&#x27;min_ram&#x27;]:: &#x27;5&#x27;",
    ),
]


@pytest.mark.parametrize(("profile", "metadata", "status", "message"), GLANCE_REFUSALS)
def test_glance_refusing_the_image_is_worded_as_glanceclient_reads_the_html_page(
    profile, metadata, status, message
):
    env = NovaEnv(profile)
    sid = env.boot()
    resp = env.create_image(sid, metadata=metadata)
    assert resp.status == status
    key = "badRequest" if status == 400 else "forbidden"
    assert resp.json() == {key: {"code": status, "message": message}}
    assert env.server(sid)["OS-EXT-STS:task_state"] is None


@pytest.mark.parametrize("profile", ["nova-17.0.7", "nova-23.2.2", "upstream"])
@pytest.mark.parametrize("bfv", [False, True])
def test_a_locked_server_can_still_be_snapshotted_by_its_owner(profile, bfv):
    """compute/api.py snapshot and snapshot_volume_backed have no check_instance_lock ("lock is
    intended to prevent accidental change/delete of instances"), 17.0.7 to 34.0.0."""
    env = NovaEnv(profile)
    sid = env.boot(bfv=bfv)
    assert env.action(sid, {"lock": None}, user="admin").status == 202
    assert env.server(sid, microversion="2.9")["locked"] is True
    resp = env.create_image(sid, microversion="2.1")
    assert resp.status == 202
    env.cloud.run_until_idle()
    image_id = resp.headers["Location"].rsplit("/", 1)[1]
    assert env.glance_image(image_id)["status"] == "active"
