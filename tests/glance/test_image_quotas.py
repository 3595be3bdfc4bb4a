"""Glance quotas: the legacy storage quota, unified limits (413 with oslo.limit's words), per
project values, and the static member limit."""

import pytest
from glance_support import ADMIN, GB, OCTET, P1, P2, World, detail

MIB = 1024 * 1024
LIMIT_PREFIX = (
    "The request returned a 413 Request Entity Too Large. This generally means that rate "
    "limiting or a quota threshold was breached.\n\nThe response body:\n"
)


#: Unified limits exist from Glance 23.0.0 (the Nova 24 series): these tests run upstream.
UPSTREAM = "upstream"


def _unified(**limits):
    return {"glance": {"use_keystone_limits": True, "registered_limits": limits}}


UNLIMITED = {
    "image_size_total": -1,
    "image_stage_total": -1,
    "image_count_total": -1,
    "image_count_uploading": -1,
}


# -- legacy user_storage_quota --------------------------------------------------------------


def test_legacy_storage_quota_refuses_an_upload_that_does_not_fit():
    w = World(config={"glance": {"user_storage_quota": "1GB"}})
    a, b = w.create(), w.create()
    assert w.upload(a["id"], 600 * MIB).status == 204
    resp = w.upload(b["id"], 600 * MIB)
    assert resp.status == 413
    assert detail(resp) == (
        f"Image exceeds the storage quota: The size of the data {600 * MIB} will exceed the "
        f"limit. {1024 * MIB - 600 * MIB} bytes remaining."
    )
    assert w.status(b["id"]) == "queued"
    assert w.cloud.now == pytest.approx(600 * MIB / 125e6)  # refused before any byte moved


def test_deleted_images_free_their_storage_quota():
    w = World(config={"glance": {"user_storage_quota": "1GB"}})
    a, b = w.create(), w.create()
    w.upload(a["id"], 600 * MIB)
    w.call("DELETE", f"/v2/images/{a['id']}")
    assert w.upload(b["id"], 600 * MIB).status == 204


def test_the_quota_is_per_project_and_can_be_set_per_project():
    w = World(config={"glance": {"project_storage_quota": {"p1": "100MB"}}})
    mine, theirs = w.create(P1), w.create(P2)
    assert w.upload(mine["id"], 200 * MIB, P1).status == 413
    assert w.upload(theirs["id"], 200 * MIB, P2).status == 204  # "0": unlimited
    w.glance.quotas.set_storage_quota("p1", "1GB")
    assert w.upload(mine["id"], 200 * MIB, P1).status == 204


def test_legacy_quota_values_accept_glances_units():
    from fakecloud.glance.quotas import parse_storage_quota

    assert parse_storage_quota("0") == 0
    assert parse_storage_quota("512") == 512
    assert parse_storage_quota("5KB") == 5 * 1024
    assert parse_storage_quota("2TB") == 2 * 1024**4
    with pytest.raises(ValueError):
        parse_storage_quota("5 GB")


# -- unified limits -------------------------------------------------------------------------


def test_image_count_total_is_checked_on_create_and_counts_queued_images():
    w = World(profile=UPSTREAM, config=_unified(**{**UNLIMITED, "image_count_total": 2}))
    w.create()
    w.create()
    resp = w.call("POST", "/v2/images", body={"name": "third"})
    assert (resp.status, resp.refusal) == (413, "quota")
    assert detail(resp) == LIMIT_PREFIX + (
        "Project p1 is over a limit for [Resource image_count_total is over limit of 2 due "
        "to current usage 2 and delta 1]"
    )


def test_a_missing_limit_counts_as_zero():
    w = World(profile=UPSTREAM, config=_unified())
    resp = w.call("POST", "/v2/images", body={})
    assert resp.status == 413
    assert "over limit of 0 due to current usage 0 and delta 1" in detail(resp)


def test_project_limits_override_registered_ones_and_can_change_at_runtime():
    w = World(
        profile=UPSTREAM,
        config={
            "glance": {
                "use_keystone_limits": True,
                "registered_limits": {**UNLIMITED, "image_count_total": 0},
                "project_limits": {"p1": {"image_count_total": 5}},
            }
        },
    )
    assert w.call("POST", "/v2/images", P1, body={}).status == 201
    assert w.call("POST", "/v2/images", P2, body={}).status == 413
    w.glance.quotas.set_project_limit("p2", "image_count_total", -1)
    assert w.call("POST", "/v2/images", P2, body={}).status == 201
    with pytest.raises(ValueError, match="unknown Glance limit"):
        w.glance.quotas.set_project_limit("p2", "images", 1)


def test_image_size_total_is_checked_before_the_upload_and_changes_nothing():
    w = World(profile=UPSTREAM, config=_unified(**{**UNLIMITED, "image_size_total": 1000}))
    a, b = w.create(), w.create()
    assert w.upload(a["id"], 600 * MIB).status == 204
    resp = w.upload(b["id"], 600 * MIB)
    assert resp.status == 413
    assert (
        "Resource image_size_total is over limit of 1000 due to current usage 600 and "
        "delta 600" in detail(resp)
    )
    assert w.status(b["id"]) == "queued"
    assert [e["new"] for e in w.cloud.trace.filter(kind="state", subject=b["id"])] == ["queued"]


def test_image_count_uploading_puts_the_image_back_to_queued():
    w = World(profile=UPSTREAM, config=_unified(**{**UNLIMITED, "image_count_uploading": 1}))
    a, b = w.create(), w.create()
    first = w.start_upload(a["id"], GB)
    w.cloud.advance(1)
    resp = w.upload(b["id"], GB)
    assert resp.status == 413
    assert (
        "Resource image_count_uploading is over limit of 1 due to current usage 2 and "
        "delta 0" in detail(resp)
    )
    assert w.status(b["id"]) == "queued"
    w.cloud.run_until_idle()
    assert first["response"].status == 204
    assert w.upload(b["id"], GB).status == 204


def test_image_stage_total_is_checked_on_stage():
    w = World(profile=UPSTREAM, config=_unified(**{**UNLIMITED, "image_stage_total": 100}))
    image = w.create()
    h = {**OCTET, "x-openstack-image-size": str(200 * MIB)}
    resp = w.call("PUT", f"/v2/images/{image['id']}/stage", headers=h)
    assert resp.status == 413
    assert "Resource image_stage_total is over limit of 100" in detail(resp)
    assert w.status(image["id"]) == "queued"


def test_usage_document():
    w = World(
        profile=UPSTREAM,
        config=_unified(**{**UNLIMITED, "image_count_total": 10, "image_size_total": 50}),
    )
    image = w.create()
    w.upload(image["id"], 20 * MIB)
    w.create()
    usage = w.call("GET", "/v2/info/usage").json()["usage"]
    assert usage["image_count_total"] == {"limit": 10, "usage": 2}
    assert usage["image_size_total"] == {"limit": 50, "usage": 20}
    assert usage["image_count_uploading"] == {"limit": -1, "usage": 0}


def test_usage_is_empty_without_unified_limits():
    assert World(profile=UPSTREAM).call("GET", "/v2/info/usage").json() == {"usage": {}}


def test_unified_limits_replace_the_legacy_quota():
    w = World(
        profile=UPSTREAM,
        config={
            "glance": {
                "user_storage_quota": "1MB",
                "use_keystone_limits": True,
                "registered_limits": UNLIMITED,
            }
        },
    )
    image = w.create()
    assert w.upload(image["id"], 10 * MIB).status == 204


# -- members --------------------------------------------------------------------------------


def test_the_member_quota_is_413():
    w = World(config={"glance": {"image_member_quota": 1}})
    image = w.create()
    path = f"/v2/images/{image['id']}/members"
    assert w.call("POST", path, body={"member": "p2"}).status == 200
    resp = w.call("POST", path, body={"member": "p3"})
    assert resp.status == 413
    assert detail(resp) == (
        f"Image member limit exceeded for image {image['id']}: The limit has been exceeded on "
        "the number of allowed image members for this image. Attempted: 2, Maximum: 1:"
    )


def test_admin_counts_against_its_own_project():
    w = World(profile=UPSTREAM, config=_unified(**{**UNLIMITED, "image_count_total": 1}))
    w.create(ADMIN)
    assert w.call("POST", "/v2/images", ADMIN, body={}).status == 413
    assert w.call("POST", "/v2/images", P1, body={}).status == 201


# -- per series ------------------------------------------------------------------------------


def _series_world(profile: str) -> World:
    """Unified limits on (no image allowed) over a 1 MiB legacy storage quota."""
    config = _unified(**{**UNLIMITED, "image_count_total": 0})
    config["glance"]["user_storage_quota"] = "1MB"
    return World(profile=profile, config=config)


@pytest.mark.parametrize("profile", ["seed", "nova-23.2.2"])
def test_before_glance_23_use_keystone_limits_is_ignored_and_the_legacy_quota_holds(profile):
    # glance 22.1.0 (Wallaby, the Nova 23 series) has no ``use_keystone_limits`` option nor
    # ``glance/quota/keystone.py``; oslo.config ignores an unknown option, so ``check_quota``
    # (``glance/api/common.py``) keeps the legacy ``user_storage_quota`` in force.
    w = _series_world(profile)
    image = w.create()
    resp = w.upload(image["id"], 10 * MIB)
    assert resp.status == 413
    assert detail(resp).startswith("Image exceeds the storage quota: The size of the data")
    assert w.call("GET", "/v2/info/usage").status == 404


def test_glance_23_enforces_unified_limits_but_has_no_usage_route():
    # glance 23.0.0 (Xena, Nova 24): ``api/v2/images.py`` ``create`` calls
    # ``ks_quota.enforce_image_count_total``; ``router.py`` gains ``/info/usage`` in 24.0.0.
    w = _series_world("nova-24.0.0")
    resp = w.call("POST", "/v2/images", body={"name": "x"})
    assert resp.status == 413
    assert "Resource image_count_total is over limit of 0" in detail(resp)
    assert w.call("GET", "/v2/info/usage").status == 404


def test_glance_24_serves_the_usage_of_unified_limits():
    # glance 24.0.0 (Yoga, Nova 25): ``discovery.py`` ``InfoController.get_usage``.
    usage = _series_world("nova-25.0.0").call("GET", "/v2/info/usage").json()["usage"]
    assert usage["image_count_total"] == {"limit": 0, "usage": 0}


@pytest.mark.parametrize("profile", ["seed", "nova-22.0.0"])
def test_before_glance_22_os_glance_properties_count_against_the_property_quota(profile):
    # glance 17.0.1 quota/__init__.py _enforce_image_property_quota(len(extra_properties));
    # 314e93abe (22.0.0) leaves the os_glance namespace out, when Glance reserves it whole.
    w = World(profile=profile, config={"glance": {"image_property_quota": 2}})
    body = {"name": "x", "os_glance_note": "1", "a": "1", "b": "1"}
    resp = w.call("POST", "/v2/images", body=body)
    assert resp.status == 413
    assert "Attempted: 3, Maximum: 2" in detail(resp)


def test_before_glance_33_upfront_size_checks_count_only_what_is_held():
    # glance 32 image_data.py upload/stage call enforce_image_size_total and
    # enforce_image_staging_total without a delta; 368204bae (33.0.0) adds the declared size.
    w = World(
        profile="nova-33.0.0",
        config=_unified(**{**UNLIMITED, "image_size_total": 1000, "image_stage_total": 100}),
    )
    a, b, c, staged = w.create(), w.create(), w.create(), w.create()
    assert w.upload(a["id"], 600 * MIB).status == 204
    assert w.upload(b["id"], 600 * MIB).status == 204  # 600 held <= 1000: past the limit
    resp = w.upload(c["id"], 1 * MIB)
    assert resp.status == 413
    assert (
        "Resource image_size_total is over limit of 1000 due to current usage 1200 and "
        "delta 0" in detail(resp)
    )
    h = {**OCTET, "x-openstack-image-size": str(200 * MIB)}
    assert w.call("PUT", f"/v2/images/{staged['id']}/stage", headers=h).status == 204


@pytest.mark.parametrize(
    ("profile", "status"),
    [("seed", 413), ("nova-31.1.0", 413), ("nova-31.2.0", 204), ("nova-32.0.0", 204)],
)
def test_pending_delete_images_count_in_the_usage_before_glance_31(profile, status):
    # glance 17.0.1-29.1.x, 30.0.0 db/sqlalchemy/api.py _image_get_disk_usage_by_owner leaves
    # out only killed and deleted images; 13b3c7283 (31.0.0, LP #2118756) adds pending_delete,
    # backported to Glance 30.1.0 (Nova 31.2.0 on) and 29.2.0 (Nova 30.3.0 on): switch
    # glance_pending_delete_counted.
    config = {"glance": {"delayed_delete": True, "scrub_time_s": 60.0, "user_storage_quota": "1MB"}}
    w = World(profile=profile, config=config)
    a, b = w.create(), w.create()
    assert w.upload(a["id"], 600 * 1024).status == 204
    assert w.call("DELETE", f"/v2/images/{a['id']}").status == 204
    assert w.status(a["id"]) == "pending_delete"
    assert w.upload(b["id"], 600 * 1024).status == status


def test_a_patch_is_held_to_the_property_quota_only_when_it_adds_a_property():
    # glance 17.0.1-33.0.0 quota/__init__.py ImageRepoProxy.save: the quota is enforced only
    # when the image ``added_new_properties()`` (its keys beyond those it was read with).
    w = World(config={"glance": {"image_property_quota": 2}})
    image = w.create(a="1")
    ok = w.patch(image["id"], [{"op": "add", "path": "/b", "value": "2"}])
    assert ok.status == 200 and (ok.json()["a"], ok.json()["b"]) == ("1", "2")
    over = [
        {"op": "replace", "path": "/a", "value": "x"},
        {"op": "add", "path": "/c", "value": "3"},
    ]
    resp = w.patch(image["id"], over)
    assert resp.status == 413 and "Attempted: 3, Maximum: 2" in detail(resp)
    shown = w.show(image["id"])
    assert (shown["a"], shown["b"], "c" in shown) == ("1", "2", False)  # nothing applied
    # an image already past the quota (lowered since it was written): a replace adds nothing
    w.glance.db.images[image["id"]].extra_properties["d"] = "4"
    resp = w.patch(image["id"], [{"op": "replace", "path": "/a", "value": "y"}])
    assert resp.status == 200 and resp.json()["a"] == "y"
