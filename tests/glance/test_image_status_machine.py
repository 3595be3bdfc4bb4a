"""Image statuses: every legal transition of Glance's table reached by a real operation, and the
illegal ones answered as Glance answers them."""

import pytest
from glance_support import ADMIN, GB, NOVA_P1, OCTET, World, detail

from fakecloud.errors import ConfigError
from fakecloud.glance.content import ImageData
from fakecloud.glance.errors import HTTPInternalServerError, HTTPNotFound, StoreTimeout
from fakecloud.glance.states import IMAGE_STATUS, InvalidImageStatusTransition

SPEC_TABLE = {
    "queued": {"saving", "uploading", "importing", "active", "deleted"},
    "saving": {"active", "killed", "deleted", "queued"},
    "uploading": {"importing", "queued", "deleted"},
    "importing": {"active", "deleted", "queued"},
    "active": {"pending_delete", "deleted", "deactivated"},
    "killed": {"deleted"},
    "pending_delete": {"deleted", "active"},
    "deleted": set(),
    "deactivated": {"active", "deleted"},
}


def _moves(world, image_id):
    """The (old, new) status moves the trace recorded for one image."""
    return [
        (e["old"], e["new"])
        for e in world.cloud.trace.filter(kind="state", subject=image_id)
        if e["machine"] == "glance.image.status"
    ]


def test_the_table_is_the_spec_table():
    table = {k: set(v) for k, v in IMAGE_STATUS.transitions.items() if k is not None}
    assert table == SPEC_TABLE


def test_create_is_queued_and_upload_goes_saving_then_active():
    w = World()
    image = w.create(name="img")
    assert image["status"] == "queued" and image["size"] is None
    w.start_upload(image["id"], GB)
    w.cloud.advance(4)
    assert w.status(image["id"]) == "saving"
    w.cloud.run_until_idle()
    assert w.status(image["id"]) == "active"
    assert _moves(w, image["id"]) == [(None, "queued"), ("queued", "saving"), ("saving", "active")]


def test_failed_upload_goes_back_to_queued_and_can_be_retried():
    w = World()
    image = w.create()
    w.cloud.faults.add("glance.store.write", error=StoreTimeout, times=1)
    assert w.upload(image["id"], 1000).status == 500  # 503 from glance 33.0.0
    assert w.status(image["id"]) == "queued"
    assert w.upload(image["id"], 1000).status == 204
    assert _moves(w, image["id"])[1:] == [
        ("queued", "saving"),
        ("saving", "queued"),
        ("queued", "saving"),
        ("saving", "active"),
    ]


def test_older_glance_kills_the_image_on_a_failed_upload_and_only_delete_follows():
    w = World(config={"glance": {"kill_on_upload_failure": True}})
    image = w.create()
    w.cloud.faults.add("glance.store.write", error=StoreTimeout)
    assert w.upload(image["id"], 1000).status == 500  # 503 from glance 33.0.0
    assert w.status(image["id"]) == "killed"
    assert w.call("GET", f"/v2/images/{image['id']}").json()["status"] == "killed"
    resp = w.upload(image["id"], 1000)
    assert resp.status == 409
    assert detail(resp) == "Image status transition from killed to saving is not allowed"
    assert w.call("DELETE", f"/v2/images/{image['id']}").status == 204
    assert ("killed", "deleted") in _moves(w, image["id"])


def test_delete_during_upload_goes_saving_to_deleted():
    w = World()
    image = w.create()
    up = w.start_upload(image["id"], GB)
    w.cloud.advance(2)
    assert w.call("DELETE", f"/v2/images/{image['id']}").status == 204
    w.cloud.run_until_idle()
    assert up["response"].status == 410
    assert ("saving", "deleted") in _moves(w, image["id"])
    assert w.status(image["id"]) == "deleted"


def test_queued_image_can_be_deleted():
    w = World()
    image = w.create()
    assert w.call("DELETE", f"/v2/images/{image['id']}").status == 204
    assert _moves(w, image["id"]) == [(None, "queued"), ("queued", "deleted")]
    assert w.call("GET", f"/v2/images/{image['id']}").status == 404


def test_stage_and_import_go_uploading_importing_active():
    w = World()
    image = w.create()
    h = {**OCTET, "x-openstack-image-size": str(GB // 10)}
    assert w.call("PUT", f"/v2/images/{image['id']}/stage", headers=h).status == 204
    assert w.status(image["id"]) == "uploading"
    body = {"method": {"name": "glance-direct"}}
    assert w.call("POST", f"/v2/images/{image['id']}/import", body=body).status == 202
    w.cloud.advance(0)  # the import task starts in the background
    assert w.status(image["id"]) == "importing"
    w.cloud.run_until_idle()
    assert w.show(image["id"])["size"] == GB // 10
    assert _moves(w, image["id"])[1:] == [
        ("queued", "uploading"),
        ("uploading", "importing"),
        ("importing", "active"),
    ]


@pytest.mark.parametrize("profile", ["seed", "nova-21.2.4", "nova-22.0.0", "upstream"])
def test_a_failed_glance_direct_import_stays_importing_with_its_staged_data(profile):
    """No revert of the api_image_import flow puts a glance-direct image back, in any release:
    ``_VerifyImageState``'s (e8b13ce1b, 20.0.1/21.0.0) runs only if it ran, after the store,
    and taskflow reverts no task still pending; ``_ImportToStore``'s touches locations and
    the store lists alone (glance 33.0.0 functional test_parallel_store_import: "revert does
    not reset status to queued"). ``_DeleteFromFS`` never ran: the staged data stays. The
    user sees the image ``importing``, the task failed, the lock gone; a second import is a
    409 (17.0.0 on), and a delete clears it."""
    w = World(profile=profile)
    image = w.create()
    h = {**OCTET, "x-openstack-image-size": "1000"}
    w.call("PUT", f"/v2/images/{image['id']}/stage", headers=h)
    w.cloud.faults.add("glance.import", error=RuntimeError("staging lost"))
    body = {"method": {"name": "glance-direct"}}
    assert w.call("POST", f"/v2/images/{image['id']}/import", body=body).status == 202
    w.cloud.run_until_idle()
    shown = w.show(image["id"])
    assert shown["status"] == "importing"
    assert "os_glance_import_task" not in shown
    assert _moves(w, image["id"])[-1] == ("uploading", "importing")
    if profile != "seed":  # 16.x's import reads no image: the 202, its flow left as it is
        again = w.call("POST", f"/v2/images/{image['id']}/import", body=body)
        assert again.status == 409
        assert detail(again) == "Image needs to be staged before 'glance-direct' method can be used"
    assert w.call("PUT", f"/v2/images/{image['id']}/stage", headers=h).status == 409
    assert w.call("DELETE", f"/v2/images/{image['id']}").status == 204


def test_queens_takes_any_import_and_its_flow_fails_later():
    """glance 16.0.1 ``ImagesController.import_image`` reads no image (the 409s and 404 came
    with 0376185fb, 17.0.0): 202, then ``get_flow`` moves a queued image to ``importing`` and
    the flow fails on the missing staged data, leaving it there; an active image or one that
    does not exist is left as it was (``get_flow`` raises before the flow runs)."""
    w = World()
    never_staged, active = w.create(), w.create()
    w.upload(active["id"], 10)
    body = {"method": {"name": "glance-direct"}}
    for image_id in (never_staged["id"], active["id"], "00000000-0000-0000-0000-000000000000"):
        assert w.call("POST", f"/v2/images/{image_id}/import", body=body).status == 202
    w.cloud.run_until_idle()
    assert w.status(never_staged["id"]) == "importing"
    assert w.status(active["id"]) == "active"
    assert w.call("DELETE", f"/v2/images/{never_staged['id']}").status == 204


@pytest.mark.parametrize("profile, status", [("seed", 500), ("upstream", 503)])
def test_failed_stage_returns_uploading_to_queued(profile, status):
    """A store timeout while staging: 503 from glance 33.0.0 (``ImageDataController.stage``'s
    ``TimeoutError`` clause); before, the catch-all restores the image and re-raises, a 500."""
    w = World(profile=profile)
    image = w.create()
    w.cloud.faults.add("io.transfer", error=StoreTimeout, match={"label": "glance.stage"})
    h = {**OCTET, "x-openstack-image-size": "1000"}
    assert w.call("PUT", f"/v2/images/{image['id']}/stage", headers=h).status == status
    assert ("uploading", "queued") in _moves(w, image["id"])


def test_staged_and_importing_images_can_be_deleted():
    w = World()
    staged, importing = w.create(), w.create()
    h = {**OCTET, "x-openstack-image-size": str(GB)}
    for image in (staged, importing):
        w.call("PUT", f"/v2/images/{image['id']}/stage", headers=h)
    w.call(
        "POST", f"/v2/images/{importing['id']}/import", body={"method": {"name": "glance-direct"}}
    )
    assert w.call("DELETE", f"/v2/images/{staged['id']}").status == 204
    w.cloud.advance(0.5)
    assert w.status(importing["id"]) == "importing"
    assert w.call("DELETE", f"/v2/images/{importing['id']}").status == 204
    w.cloud.run_until_idle()
    assert ("uploading", "deleted") in _moves(w, staged["id"])
    assert ("importing", "deleted") in _moves(w, importing["id"])
    assert w.status(importing["id"]) == "deleted"


def test_location_api_makes_a_queued_image_active_at_once():
    w = World(profile="upstream")  # the location API is glance 29.0.0's
    image = w.create()
    data = ImageData(10, "clone")  # what Nova's RBD clone holds
    w.glance.images.add_location(NOVA_P1, image["id"], "rbd://fsid/images/x/snap", data)
    assert _moves(w, image["id"])[-1] == ("queued", "active")


def test_location_api_before_glance_29_is_the_routers_404():
    w = World()  # seed: glance 16, no /v2/images/{id}/locations (router.py, 29.0.0)
    image = w.create()
    with pytest.raises(HTTPNotFound):
        w.glance.images.add_location(NOVA_P1, image["id"], "rbd://f/i/x/s", None)
    assert w.status(image["id"]) == "queued"


def test_deactivate_and_reactivate():
    w = World()
    image = w.create()
    w.upload(image["id"], 10)
    path = f"/v2/images/{image['id']}/actions"
    assert w.call("POST", f"{path}/deactivate").status == 204
    assert w.status(image["id"]) == "deactivated"
    assert w.call("POST", f"{path}/deactivate").status == 204  # no-op
    assert w.call("POST", f"{path}/reactivate").status == 204
    assert w.call("POST", f"{path}/reactivate").status == 204  # no-op
    assert w.call("POST", f"{path}/deactivate").status == 204
    assert w.call("DELETE", f"/v2/images/{image['id']}").status == 204
    assert _moves(w, image["id"])[3:] == [
        ("active", "deactivated"),
        ("deactivated", "active"),
        ("active", "deactivated"),
        ("deactivated", "deleted"),
    ]


@pytest.mark.parametrize("action", ["deactivate", "reactivate"])
def test_de_and_reactivating_a_queued_image_is_403(action):
    w = World()
    image = w.create()
    resp = w.call("POST", f"/v2/images/{image['id']}/actions/{action}")
    assert resp.status == 403
    assert detail(resp) == f"Not allowed to {action} image in status 'queued'"


def test_delayed_delete_goes_pending_delete_then_the_scrubber_deletes():
    w = World(config={"glance": {"delayed_delete": True, "scrub_time_s": 60.0}})
    image = w.create()
    w.upload(image["id"], 100)
    deleted_at = w.cloud.now
    assert w.call("DELETE", f"/v2/images/{image['id']}").status == 204
    assert w.status(image["id"]) == "pending_delete"
    assert w.call("GET", f"/v2/images/{image['id']}").status == 404
    assert image["id"] in w.glance.store.objects
    w.cloud.run_until_idle()
    assert w.status(image["id"]) == "deleted" and w.cloud.now == deleted_at + 60.0
    assert image["id"] not in w.glance.store.objects


def test_a_pending_delete_image_can_be_restored_to_active_from_glance_17():
    """glance-scrubber --restore and the pending_delete -> active move: 17.0.0 (71a36c98e,
    ``Image.valid_state_targets``); 16.0.1 has neither."""
    config = {"glance": {"delayed_delete": True, "scrub_time_s": 60.0}}
    w = World(config=config, profile="nova-18.0.0")
    image = w.create()
    w.upload(image["id"], 100)
    w.call("DELETE", f"/v2/images/{image['id']}")
    w.glance.restore(image["id"])
    w.cloud.run_until_idle()
    assert w.show(image["id"])["status"] == "active"
    assert ("pending_delete", "active") in _moves(w, image["id"])
    queens = World(config=config)
    image = queens.create()
    queens.upload(image["id"], 100)
    queens.call("DELETE", f"/v2/images/{image['id']}")
    with pytest.raises(ConfigError, match="glance-scrubber --restore is Glance 17.0.0 on"):
        queens.glance.restore(image["id"])
    assert queens.status(image["id"]) == "pending_delete"


@pytest.mark.parametrize("status", ["active", "deactivated"])
def test_uploading_again_to_an_image_with_data_is_409(status):
    w = World()
    image = w.create()
    w.upload(image["id"], 10)
    if status == "deactivated":
        w.call("POST", f"/v2/images/{image['id']}/actions/deactivate")
    resp = w.upload(image["id"], 10)
    assert resp.status == 409
    assert detail(resp) == f"Image status transition from {status} to saving is not allowed"


@pytest.mark.parametrize(
    "formats, text",
    [
        ({"disk_format": None}, "Property disk_format must be set prior to saving data."),
        (
            {"disk_format": None, "container_format": None},
            "Properties disk_format, container_format must be set prior to saving data.",
        ),
    ],
)
def test_upload_without_formats_is_400_and_the_image_stays_queued(formats, text):
    w = World()
    image = w.create(**formats)
    resp = w.upload(image["id"], 10)
    assert resp.status == 400 and detail(resp) == text
    assert w.status(image["id"]) == "queued"


def test_glance_refuses_an_illegal_move_and_fakecloud_never_makes_one():
    w = World()
    image = w.create()
    with pytest.raises(InvalidImageStatusTransition, match="from queued to deactivated"):
        w.glance.set_status(image["id"], "deactivated")
    assert w.status(image["id"]) == "queued"


def test_deleted_is_final_for_everyone():
    w = World()
    image = w.create()
    w.call("DELETE", f"/v2/images/{image['id']}")
    for method, path in [
        ("GET", ""),
        ("DELETE", ""),
        ("POST", "/actions/reactivate"),
    ]:
        assert w.call(method, f"/v2/images/{image['id']}{path}", ADMIN).status == 404


@pytest.mark.parametrize(
    "body, status, text",
    [
        ({}, 400, "Import request requires a 'method' field."),
        ({"method": {}}, 400, "Import request requires a 'name' field."),
        # body['method']['name'] of no mapping: a TypeError, wsgi.Resource's 500 (the oracle)
        ({"method": "glance-direct"}, 500, HTTPInternalServerError.explanation),
        ({"method": {"name": "copy-image"}}, 400, "Unknown import method name 'copy-image'."),
        (
            {"method": {"name": "glance-direct"}},
            409,
            "Image needs to be staged before 'glance-direct' method can be used",
        ),
    ],
)
def test_import_request_errors(body, status, text):
    w = World(profile="nova-18.0.0")  # the 409: glance 17.0.0 on (0376185fb)
    image = w.create()
    resp = w.call("POST", f"/v2/images/{image['id']}/import", body=body)
    assert resp.status == status and detail(resp) == text
    assert w.status(image["id"]) == "queued"


@pytest.mark.parametrize(
    "extra, text",
    [
        ({"all_stores": "yes"}, "'all_stores' must be boolean value only"),
        ({"all_stores_must_succeed": 1}, "'all_stores_must_succeed' must be boolean value only"),
        (
            {"all_stores_must_succeed": False},
            "All_stores_must_succeed can only be set with enabled_backends None",
        ),
    ],
)
def test_all_stores_keys_of_an_import_are_read_from_glance_20(extra, text):
    """glance 20.0.0 (92492cf50, 55b7c86ec: ``_validate_import_body``, ``import_image``)
    checks them (400s on a single-store Glance); 19.0.4 and older ignore them: the import runs."""
    body = {"method": {"name": "glance-direct"}, **extra}
    h = {**OCTET, "x-openstack-image-size": "1000"}
    for profile, status in (("nova-20.6.1", 202), ("nova-21.0.0", 400)):
        w = World(profile=profile)
        image = w.create()
        assert w.call("PUT", f"/v2/images/{image['id']}/stage", headers=h).status == 204
        resp = w.call("POST", f"/v2/images/{image['id']}/import", body=body)
        assert resp.status == status, profile
        w.cloud.run_until_idle()
        if status == 400:
            assert detail(resp) == text
            assert w.status(image["id"]) == "uploading"
        else:
            assert w.status(image["id"]) == "active"


def test_import_of_an_active_image_is_409():
    w = World(profile="nova-18.0.0")  # glance 17.0.0 on (0376185fb)
    image = w.create()
    w.upload(image["id"], 10)
    resp = w.call(
        "POST", f"/v2/images/{image['id']}/import", body={"method": {"name": "glance-direct"}}
    )
    assert resp.status == 409
    assert detail(resp) == "Image with status active cannot be target for import"


def test_stage_is_404_where_glance_direct_is_disabled():
    """``RequestDeserializer.stage`` checks ``glance-direct`` from glance 17.0.0 (95327964e);
    16.0.1 only the ``enable_image_import`` option (True by default): it stages."""
    config = {"glance": {"enabled_import_methods": []}}
    w = World(config=config, profile="nova-18.0.0")
    image = w.create()
    resp = w.call("PUT", f"/v2/images/{image['id']}/stage", headers=OCTET)
    assert resp.status == 404
    assert detail(resp) == "'glance-direct' method is not available at this site."
    assert "OpenStack-image-import-methods" not in w.call("POST", "/v2/images", body={}).headers
    queens = World(config=config)
    image = queens.create()
    h = {**OCTET, "x-openstack-image-size": "1000"}
    assert queens.call("PUT", f"/v2/images/{image['id']}/stage", headers=h).status == 204
    assert queens.status(image["id"]) == "uploading"


def test_an_http_error_raised_during_upload_is_answered_as_raised_and_the_image_restored():
    from fakecloud.glance.errors import HTTPServiceUnavailable

    w = World()
    image = w.create()
    w.cloud.faults.add("glance.upload", error=HTTPServiceUnavailable(explanation="busy"))
    resp = w.upload(image["id"], 10)
    assert resp.status == 503 and detail(resp) == "busy"
    assert w.status(image["id"]) == "queued"


@pytest.mark.parametrize(
    "profile, stores, lock",
    [("seed", False, False), ("nova-21.2.2", True, False), ("upstream", True, True)],
)
def test_an_import_leaves_its_store_properties_and_holds_its_lock_meanwhile(profile, stores, lock):
    """get_flow sets ``os_glance_importing_to_stores`` and ``os_glance_failed_import`` (both
    empty with one store) from glance 20.0.0 (92492cf50), and they stay; from 21.0.0
    (3f6e349d0; in 20.1.0 too, Nova 21.2.3 on) ``import_image`` puts the task's id in
    ``os_glance_import_task`` until the task ends. Glance 16-19 set neither."""
    w = World(profile=profile)
    image = w.create()
    h = {**OCTET, "x-openstack-image-size": "1000"}
    w.call("PUT", f"/v2/images/{image['id']}/stage", headers=h)
    body = {"method": {"name": "glance-direct"}}
    assert w.call("POST", f"/v2/images/{image['id']}/import", body=body).status == 202
    during = w.show(image["id"])
    w.cloud.run_until_idle()
    after = w.show(image["id"])
    assert after["status"] == "active"
    assert ("os_glance_import_task" in during) is lock and "os_glance_import_task" not in after
    if lock:
        assert during["os_glance_import_task"] == w.glance.tasks._by_image[image["id"]][0].id
    for key in ("os_glance_importing_to_stores", "os_glance_failed_import"):
        assert after.get(key) == ("" if stores else None), key
