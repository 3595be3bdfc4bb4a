"""Glance 16-22's policy proxies under an operator's rules, where they ask: the image
repository's save asks ``modify_image`` on the image as the caller changed it (its lazy
``ImageTarget``: the upload's ``saving``, the stage's ``uploading``, the import flow's
``importing``), and the import's task repository asks ``add_task`` at the request, then
``get_task`` and ``modify_task`` as the executor begins (16.0.1-22.1.1 api/policy.py,
async_/flows/api_image_import.py ``get_flow``). 23.0.0 reads those repositories without the
proxies (``authorization_layer=False``): its checks are ``ImageAPIPolicy``'s at the request."""

from __future__ import annotations

import pytest
from glance_support import OCTET, P1, World, detail

QUEENS = "seed"  # Glance 16
PROXIED = [QUEENS, "nova-21.0.0", "nova-23.2.2"]  # Glance 16, 20.0.0, 22
API_POLICY = "nova-24.0.0"  # Glance 23
GLANCE_DIRECT = {"method": {"name": "glance-direct"}}


def _world(profile: str, **rules: str) -> World:
    return World(profile=profile, config={"glance": {"policy": rules}})


def _staged(w: World) -> str:
    image_id = w.create(P1)["id"]
    assert w.call("PUT", f"/v2/images/{image_id}/stage", P1, headers=OCTET).status == 204
    return image_id


def _tasks(w: World) -> list[str]:
    return [e["status"] for e in w.cloud.trace.filter(kind="glance.task")]


@pytest.mark.parametrize("profile", PROXIED)
def test_the_upload_and_the_stage_save_the_image_as_they_changed_it(profile):
    """A rule on the target's status: the upload's save reads ``saving`` (and its last save
    ``active``), the stage's ``uploading``, not the ``queued`` the image had."""
    w = _world(profile, modify_image="'saving':%(status)s or 'active':%(status)s")
    image_id = w.create(P1)["id"]
    assert w.upload(image_id, 10, P1).status == 204
    assert w.status(image_id) == "active"
    w = _world(profile, modify_image="'uploading':%(status)s")
    assert w.status(_staged(w)) == "uploading"


@pytest.mark.parametrize("profile", PROXIED)
def test_the_uploads_last_save_asks_modify_image_of_the_image_made_active(profile):
    """The upload's second save, after the store's ``set_data`` made the image ``active`` in
    memory: refused, the upload's 403 in its words, and the row stays ``saving`` (the
    ``Forbidden`` clause restores nothing)."""
    w = _world(profile, modify_image="'saving':%(status)s")
    image_id = w.create(P1)["id"]
    resp = w.upload(image_id, 10, P1)
    words = f"Not allowed to upload image data for image {image_id}"
    assert (resp.status, detail(resp), w.status(image_id)) == (403, words, "saving")


@pytest.mark.parametrize("profile", [*PROXIED, API_POLICY])
def test_an_owners_import_asks_modify_image_at_the_flows_save(profile):
    """``get_flow`` saves the image ``importing`` through the policy proxy: a rule refusing
    that status stops the flow outside the executor's try (202 all the same; the task stays
    ``processing``, the image ``uploading``). Glance 23 asks ``modify_image`` at the request,
    of the image as stored, and its flow saves without the proxy."""
    w = _world(profile, modify_image="'queued':%(status)s or 'uploading':%(status)s")
    image_id = _staged(w)
    resp = w.call("POST", f"/v2/images/{image_id}/import", P1, body=GLANCE_DIRECT)
    assert resp.status == 202
    w.cloud.run_until_idle()
    if profile == API_POLICY:
        assert (w.status(image_id), _tasks(w)) == ("active", ["pending", "processing", "success"])
    else:
        assert (w.status(image_id), _tasks(w)) == ("uploading", ["pending", "processing"])


@pytest.mark.parametrize("profile", [*PROXIED, API_POLICY])
def test_the_import_tasks_save_asks_modify_task(profile):
    """The executor's ``begin_processing`` saves the task through the task repository proxy:
    ``modify_task`` refused, the task stays ``pending`` and the image ``uploading``."""
    w = _world(profile, modify_task="!")
    image_id = _staged(w)
    resp = w.call("POST", f"/v2/images/{image_id}/import", P1, body=GLANCE_DIRECT)
    assert resp.status == 202
    w.cloud.run_until_idle()
    if profile == API_POLICY:
        assert w.status(image_id) == "active"
    else:
        assert (w.status(image_id), _tasks(w)) == ("uploading", ["pending"])


@pytest.mark.parametrize("profile", [*PROXIED, API_POLICY])
def test_the_import_asks_add_task_at_the_request(profile):
    """``task_repo.add`` asks ``add_task``: refused, the import's 403 naming it and no task."""
    w = _world(profile, add_task="!")
    image_id = _staged(w)
    resp = w.call("POST", f"/v2/images/{image_id}/import", P1, body=GLANCE_DIRECT)
    if profile == API_POLICY:
        assert resp.status == 202
        return
    assert (resp.status, detail(resp)) == (
        403,
        "You are not authorized to complete add_task action.",
    )
    w.cloud.run_until_idle()
    assert (w.status(image_id), _tasks(w)) == ("uploading", [])


@pytest.mark.parametrize("profile", [QUEENS, "nova-23.2.2", API_POLICY])
def test_a_legacy_import_tasks_save_asks_modify_task(profile):
    """``POST /v2/tasks``'s task runs through the same executor: ``modify_task`` refused at
    its ``begin_processing``, the task stays ``pending`` and makes no image."""
    url = "http://download.cirros-cloud.net/0.6.2/cirros-0.6.2-x86_64-disk.img"
    config = {"web_download_urls": {url: 1000}, "policy": {"modify_task": "!"}}
    w = World(profile=profile, config={"glance": config})
    images = len(w.glance.db.images)
    body = {"image_properties": {"container_format": "bare", "disk_format": "raw"}}
    body = {"type": "import", "input": {**body, "import_from_format": "raw", "import_from": url}}
    assert w.cloud.request("image", "POST", "/v2/tasks", body=body, user="admin").status == 201
    w.cloud.run_until_idle()
    proxied = profile != API_POLICY
    assert _tasks(w) == (["pending"] if proxied else ["pending", "processing", "success"])
    assert len(w.glance.db.images) == images + (0 if proxied else 1)


@pytest.mark.parametrize(
    ("profile", "status"),
    [
        (QUEENS, "importing"),
        ("nova-21.0.0", "importing"),
        ("nova-23.2.2", "importing"),
        (API_POLICY, "active"),
    ],
)
def test_the_import_flows_store_save_asks_modify_image_of_the_image_made_active(profile, status):
    """``_ImportToStore`` saves the image the store's ``set_data`` made ``active`` through the
    policy proxy (glance 16.0.1-22.x): a rule refusing that status, which let the stage's
    ``uploading`` and the flow's ``importing`` through, fails the task in the executor's
    generic words; the image is not made active and stays ``importing`` (no revert of a
    glance-direct import's puts it back). Glance 23's flow saves without the proxy: the import
    goes through."""
    w = _world(profile, modify_image="not 'active':%(status)s")
    image_id = _staged(w)
    resp = w.call("POST", f"/v2/images/{image_id}/import", P1, body=GLANCE_DIRECT)
    assert resp.status == 202
    w.cloud.run_until_idle()
    assert w.status(image_id) == status
    if profile == API_POLICY:
        assert _tasks(w) == ["pending", "processing", "success"]
        return
    assert _tasks(w) == ["pending", "processing", "failure"]
    task_id = w.cloud.trace.first(kind="glance.task")["subject"]
    task = w.glance.tasks.find(image_id, task_id)
    assert task.message == "Task failed due to Internal Error"
    image = w.call("GET", f"/v2/images/{image_id}", P1).json()
    assert image["size"] is None and image["checksum"] is None
