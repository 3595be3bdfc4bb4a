"""``PATCH /v2/images/{id}``: Glance's JSON-patch dialects, what may change when, and its errors."""

import pytest
from glance_support import ADMIN, P1, P2, PATCH, World, detail


@pytest.fixture
def w():
    return World()


@pytest.fixture
def image(w):
    return w.create(name="before", instance_uuid="vm-1")


def test_add_replace_remove(w, image):
    resp = w.patch(
        image["id"],
        [
            {"op": "replace", "path": "/name", "value": "after"},
            {"op": "add", "path": "/image_type", "value": "snapshot"},
            {"op": "replace", "path": "/instance_uuid", "value": "vm-2"},
            {"op": "add", "path": "/min_ram", "value": 512},
            {"op": "remove", "path": "/image_type"},
            {"op": "add", "path": "/tags", "value": ["x"]},
        ],
    )
    assert resp.status == 200
    body = resp.json()
    assert (body["name"], body["instance_uuid"], body["min_ram"]) == ("after", "vm-2", 512)
    assert "image_type" not in body and body["tags"] == ["x"]


def test_add_of_an_existing_property_replaces_it_in_the_v21_dialect(w, image):
    resp = w.patch(image["id"], [{"op": "add", "path": "/instance_uuid", "value": "vm-9"}])
    assert resp.json()["instance_uuid"] == "vm-9"


def test_the_v20_dialect_and_its_already_present_conflict(w, image):
    v20 = {"Content-Type": "application/openstack-images-v2.0-json-patch"}
    resp = w.patch(image["id"], [{"add": "/image_type", "value": "snapshot"}], **v20)
    assert resp.status == 200 and resp.json()["image_type"] == "snapshot"
    resp = w.patch(image["id"], [{"add": "/image_type", "value": "x"}], **v20)
    assert resp.status == 409
    assert detail(resp) == "Property image_type already present."


def test_a_failed_patch_changes_nothing(w, image):
    resp = w.patch(
        image["id"],
        [
            {"op": "replace", "path": "/name", "value": "after"},
            {"op": "replace", "path": "/nope", "value": "x"},
        ],
    )
    assert resp.status == 409
    assert detail(resp) == "Property nope does not exist."
    assert w.show(image["id"])["name"] == "before"


def test_remove_of_a_missing_property_is_409_and_of_a_base_attribute_403(w, image):
    resp = w.patch(image["id"], [{"op": "remove", "path": "/nope"}])
    assert resp.status == 409 and detail(resp) == "Property nope does not exist."
    resp = w.patch(image["id"], [{"op": "remove", "path": "/min_disk"}])
    assert resp.status == 403 and detail(resp) == "Property min_disk may not be removed."


def test_formats_change_only_while_queued(w, image):
    ok = w.patch(image["id"], [{"op": "replace", "path": "/disk_format", "value": "raw"}])
    assert ok.status == 200
    w.upload(image["id"], 10)
    resp = w.patch(image["id"], [{"op": "replace", "path": "/disk_format", "value": "qcow2"}])
    assert resp.status == 403
    assert detail(resp) == "Attribute disk_format can be only replaced for a queued image."
    resp = w.patch(image["id"], [{"op": "replace", "path": "/container_format", "value": "ovf"}])
    assert detail(resp) == "Attribute container_format can be only replaced for a queued image."
    # other attributes and properties stay changeable on an active image
    assert w.patch(image["id"], [{"op": "replace", "path": "/name", "value": "n"}]).status == 200


def test_owner_changes_need_admin(w, image):
    resp = w.patch(image["id"], [{"op": "replace", "path": "/owner", "value": "p2"}])
    assert resp.status == 403 and detail(resp) == "Owner can't be updated by non admin."
    resp = w.patch(image["id"], [{"op": "replace", "path": "/owner", "value": "p2"}], ADMIN)
    assert resp.status == 200 and resp.json()["owner"] == "p2"
    assert w.call("GET", f"/v2/images/{image['id']}", P2).status == 200


def test_making_an_image_public_needs_admin(w, image):
    resp = w.patch(image["id"], [{"op": "replace", "path": "/visibility", "value": "public"}])
    assert resp.status == 403
    assert detail(resp) == "You are not authorized to complete publicize_image action."


def test_protected_can_be_switched_by_the_owner(w, image):
    resp = w.patch(image["id"], [{"op": "replace", "path": "/protected", "value": True}])
    assert resp.json()["protected"] is True


@pytest.mark.parametrize("profile", ["seed", "nova-33.0.2", "upstream"])
def test_wrong_media_type_is_415_with_accept_patch(profile):
    """The allowed types are in the body from glance 33.0.0 only (fb6ffd01d,
    ``RequestDeserializer.update``); before, only in ``Accept-Patch``."""
    w = World(profile=profile)
    image = w.create()
    resp = w.patch(image["id"], [], **{"Content-Type": "application/json"})
    assert resp.status == 415
    allowed = (
        "application/openstack-images-v2.0-json-patch, application/openstack-images-v2.1-json-patch"
    )
    assert resp.headers["Accept-Patch"] == allowed
    reason = f"Image PATCH expects Content-Type one of: {allowed}" if profile == "upstream" else ""
    assert resp.json()["message"] == (
        "The request media type application/json is not supported by this server.\n"
        f"<br /><br />\n{reason}"
    )


@pytest.mark.parametrize(
    "body, text",
    [
        ({"op": "add"}, "Request body must be a JSON array of operation objects."),
        (["add"], "Operations must be JSON objects."),
        ([{"path": "/name"}], "Unable to find `op` in JSON Schema change. It must be one of"),
        ([{"op": "move", "path": "/a"}], "Invalid operation: `move`. It must be one of"),
        ([{"op": "add", "value": 1}], "Unable to find 'path' in JSON Schema change"),
        ([{"op": "add", "path": "name", "value": "x"}], 'Pointer `name` does not start with "/".'),
        ([{"op": "add", "path": "/a//b", "value": "x"}], 'Pointer `/a//b` contains adjacent "/".'),
        ([{"op": "add", "path": "/a/", "value": "x"}], 'Pointer `/a/` end with "/".'),
        ([{"op": "add", "path": "/a~2", "value": "x"}], 'contains "~" not part of a recognized'),
        ([{"op": "add", "path": "/a/b", "value": "x"}], "Invalid JSON pointer for this resource"),
        ([{"op": "add", "path": "/name"}], 'Operation "add" requires a member named "value".'),
        ([{"op": "add", "path": "/prop", "value": 1}], "1 is not of type 'string'"),
        ([{"op": "replace", "path": "/min_ram", "value": -5}], "Cannot be a negative value"),
    ],
)
def test_malformed_patches_are_400(w, image, body, text):
    resp = w.patch(image["id"], body)
    assert resp.status == 400
    assert text in detail(resp)


@pytest.mark.parametrize(
    "path, text",
    [
        ("/status", "Attribute 'status' is read-only."),
        ("/checksum", "Attribute 'checksum' is read-only."),
        ("/id", "Attribute 'id' is read-only."),
        ("/deleted", "Attribute 'deleted' is reserved."),
    ],
)
def test_read_only_and_reserved_paths_are_403(w, image, path, text):
    resp = w.patch(image["id"], [{"op": "replace", "path": path, "value": "x"}])
    assert resp.status == 403 and detail(resp) == text


def test_os_glance_import_task_is_reserved_from_glance_20_1():
    """glance 21.0.0 (3f6e349d0) reserves ``os_glance_import_task``, and 20.1.0 (the backport
    055e5e790: Nova 21.2.3 on); 16.0.1 and 20.0.0 let a PATCH set it like any custom property."""
    op = [{"op": "add", "path": "/os_glance_import_task", "value": "x"}]
    for profile, status in (("seed", 200), ("nova-21.2.2", 200), ("nova-21.2.3", 403)):
        w = World(profile=profile)
        resp = w.patch(w.create()["id"], op)
        assert resp.status == status, profile
        if status == 403:
            assert detail(resp) == "Attribute 'os_glance_import_task' is reserved."


def test_the_os_glance_namespace_is_reserved_from_glance_22():
    upstream = World(profile="upstream")
    image = upstream.create()
    op = [{"op": "add", "path": "/os_glance_importing_to_stores", "value": "x"}]
    resp = upstream.patch(image["id"], op)
    assert resp.status == 403
    assert detail(resp) == "Attribute 'os_glance_importing_to_stores' is reserved."


def test_locations_are_checked_then_invisible_by_default(w, image):
    resp = w.patch(image["id"], [{"op": "add", "path": "/locations/-", "value": {}}])
    assert resp.status == 400 and "'url' is a required property" in detail(resp)
    location = {"url": "file:///x", "metadata": {}}
    resp = w.patch(image["id"], [{"op": "add", "path": "/locations/-", "value": location}])
    assert resp.status == 403 and "locations" not in w.show(image["id"])
    assert detail(resp) == "It's not allowed to add locations if locations are invisible."


def test_with_show_multiple_locations_a_location_activates_and_is_checked():
    w = World(config={"glance": {"show_multiple_locations": True, "base_images": []}})
    w.ceph_clone("rbd://f/images/a/snap", 4096)
    w.ceph_clone("rbd://b")
    image_id = w.create()["id"]

    def loc(url: str) -> dict:
        return {"url": url, "metadata": {}}

    def patch(op: str, path: str, value=None):
        change = {"op": op, "path": path} | ({} if value is None else {"value": value})
        return w.patch(image_id, [change], ADMIN if op == "remove" else P1)

    resp = patch("remove", "/locations/0")
    assert resp.status == 409
    assert detail(resp) == "It's not allowed to remove locations if image status is queued."
    assert w.show(image_id)["locations"] == []
    body = patch("add", "/locations/-", loc("rbd://f/images/a/snap")).json()
    assert (body["status"], body["locations"]) == ("active", [loc("rbd://f/images/a/snap")])
    assert body["size"] == 4096  # ``_set_image_size``: what the store finds there
    resp = patch("add", "/locations/0", loc("rbd://f/images/a/snap"))
    assert resp.status == 400
    assert detail(resp) == "The location rbd://f/images/a/snap already exists"
    assert detail(patch("add", "/locations/x", loc("rbd://b"))) == (
        "Invalid position for adding a location."
    )
    assert patch("add", "/locations/0", loc("rbd://b")).status == 200
    assert [x["url"] for x in w.glance.db.images[image_id].locations] == [
        "rbd://b",
        "rbd://f/images/a/snap",
    ]
    assert patch("remove", "/locations/1").status == 200
    resp = patch("remove", "/locations/0")
    assert resp.status == 403 and detail(resp) == "Cannot remove last location in the image."


@pytest.mark.parametrize("profile, status", [("seed", "queued"), ("nova-19.0.0", "active")])
def test_replacing_the_locations_of_a_queued_image_activates_it_from_glance_18(profile, status):
    """``_do_replace_locations``: glance 18.0.0 (e2c54d58b) moves a queued image to active;
    16.0.1 and 17.0.1 set the locations and the size (``_set_image_size``) only. An ``add``
    activates it in every series."""
    config = {"glance": {"show_multiple_locations": True, "base_images": []}}
    w = World(config=config, profile=profile)
    w.ceph_clone("rbd://f/images/a/snap", 4096)
    image_id = w.create()["id"]
    value = [{"url": "rbd://f/images/a/snap", "metadata": {}}]
    body = w.patch(image_id, [{"op": "replace", "path": "/locations", "value": value}]).json()
    assert (body["status"], body["locations"], body["size"]) == (status, value, 4096)
    other = w.create()["id"]
    op = {"op": "add", "path": "/locations/-", "value": value[0]}
    assert w.patch(other, [op]).json()["status"] == "active"


def test_adding_properties_past_the_quota_is_413(w, image):
    ops = [{"op": "add", "path": f"/p{i}", "value": "v"} for i in range(128)]
    resp = w.patch(image["id"], ops)
    assert resp.status == 413
    assert detail(resp).endswith("Attempted: 129, Maximum: 128")


def test_others_may_not_patch():
    w = World(profile="upstream")  # Glance 26.0.0+: the secure-RBAC defaults enforced
    image = w.create(name="before", instance_uuid="vm-1")
    assert w.patch(image["id"], [], P2).status == 404  # shared, not a member: invisible
    public = w.create(ADMIN, visibility="public")
    resp = w.patch(public["id"], [{"op": "replace", "path": "/name", "value": "x"}])
    assert resp.status == 403
    assert detail(resp) == "You are not authorized to complete modify_image action."


def test_an_empty_patch_is_200_and_changes_nothing(w, image):
    w.cloud.advance(5)
    resp = w.patch(image["id"], [])
    assert resp.status == 200 and resp.json()["updated_at"] == image["updated_at"]


def test_a_patch_moves_updated_at_and_is_traced(w, image):
    w.cloud.advance(5)
    resp = w.patch(image["id"], [{"op": "replace", "path": "/name", "value": "x"}])
    assert resp.json()["updated_at"] == "2026-01-01T00:00:05Z"
    event = w.cloud.trace.first(kind="glance.image.update", subject=image["id"])
    assert event["changes"] == [("replace", "/name")]


def test_tags_subresource(w, image):
    assert w.call("PUT", f"/v2/images/{image['id']}/tags/blue").status == 204
    assert w.show(image["id"])["tags"] == ["blue"]
    assert w.call("DELETE", f"/v2/images/{image['id']}/tags/blue").status == 204
    assert w.call("DELETE", f"/v2/images/{image['id']}/tags/blue").status == 404
    assert w.show(image["id"])["tags"] == []


def test_patch_content_type_constant_is_glances():
    assert PATCH == "application/openstack-images-v2.1-json-patch"


def test_a_patched_locations_validation_data_from_glance_18():
    """``_validate_validation_data`` (b25a80fcd, 18.0.0; 18.0.1 = 33.0.0): a queued image takes
    the checksum and hash; values that differ from the image's or come too late are 409s.
    16.x ignores the key."""
    config = {"glance": {"show_multiple_locations": True, "base_images": []}}
    hashed = {"checksum": "ab" * 16, "os_hash_algo": "sha512", "os_hash_value": "cd" * 64}

    def add(w, image_id, url, data):
        value = {"url": url, "metadata": {}, "validation_data": data}
        return w.patch(image_id, [{"op": "add", "path": "/locations/-", "value": value}])

    w = World(config=config, profile="upstream")
    for name in "abc":
        w.ceph_clone(f"rbd://f/i/{name}/snap")
    image_id = w.create()["id"]
    body = add(w, image_id, "rbd://f/i/a/snap", hashed).json()
    assert body["status"] == "active"
    assert (body["checksum"], body["os_hash_algo"], body["os_hash_value"]) == (
        "ab" * 16,
        "sha512",
        "cd" * 64,
    )
    assert body["locations"] == [{"url": "rbd://f/i/a/snap", "metadata": {}}]
    resp = add(w, image_id, "rbd://f/i/b/snap", {**hashed, "os_hash_value": "ef" * 64})
    assert resp.status == 409
    assert detail(resp) == "os_hash_value is already set with a different value"
    other = w.create()["id"]
    resp = add(w, other, "rbd://f/i/c/snap", {**hashed, "os_hash_algo": "sha256"})
    assert resp.status == 409 and detail(resp) == "os_hash_algo must be sha512, not sha256"
    assert w.status(other) == "queued"
    queens = World(config=config)
    queens.ceph_clone("rbd://f/i/a/snap")
    image_id = queens.create()["id"]
    body = add(queens, image_id, "rbd://f/i/a/snap", hashed).json()
    assert (body["status"], body["checksum"]) == ("active", None)


@pytest.mark.parametrize("profile", ["nova-17.0.13", "nova-33.0.0", "upstream"])
def test_a_patched_location_the_store_cannot_read_is_invalid_in_every_series(profile):
    """``_check_location_uri`` (16.0.1-33.0.0): a scheme ``validate_external_location``
    refuses (``file``, ``filesystem``, ``swift+config``), one no store knows
    (``UnknownScheme``; HTTP(S): no http store), or no data there (``NotFound``) is
    BadStoreUri, "Invalid location" (400), location by location before the duplicate check;
    the image stays queued. An RBD location with data (Nova's clone) activates it."""
    config = {"glance": {"show_multiple_locations": True, "base_images": []}}
    w = World(config=config, profile=profile)
    w.ceph_clone("rbd://f/images/a/snap")
    image_id = w.create()["id"]
    bad = {"url": "http://169.254.169.254/latest", "metadata": {}}
    replace = w.patch(image_id, [{"op": "replace", "path": "/locations", "value": [bad, bad]}])
    assert (replace.status, detail(replace)) == (400, "Invalid location")
    for url in (
        "file:///x",
        "swift+config://r/c/o",
        "rbd://f/images/none/snap",
        "nope",
        bad["url"],
    ):
        value = {"url": url, "metadata": {}}
        add = w.patch(image_id, [{"op": "add", "path": "/locations/-", "value": value}])
        assert (add.status, detail(add)) == (400, "Invalid location"), url
    assert w.status(image_id) == "queued"
    rbd = {"url": "rbd://f/images/a/snap", "metadata": {}}
    ok = w.patch(image_id, [{"op": "add", "path": "/locations/-", "value": rbd}])
    assert ok.json()["status"] == "active"


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_a_replace_may_change_the_metadata_of_locations_not_their_urls(profile):
    """``_locations_proxy.set_attr`` (16.0.1-33.0.0): once an image has locations, a ``replace``
    with other URLs is exception.Invalid, the update's 400; the same URLs with new metadata
    pass (not checked again)."""
    config = {"glance": {"show_multiple_locations": True, "base_images": []}}
    w = World(config=config, profile=profile)
    w.ceph_clone("rbd://f/images/a/snap")
    image_id = w.create()["id"]
    a = {"url": "rbd://f/images/a/snap", "metadata": {}}
    assert w.patch(image_id, [{"op": "add", "path": "/locations/-", "value": a}]).status == 200
    other = [{"url": "rbd://f/images/b/snap", "metadata": {}}]
    resp = w.patch(image_id, [{"op": "replace", "path": "/locations", "value": other}])
    assert (resp.status, detail(resp)) == (
        400,
        "Original locations is not empty: "
        "[{'url': 'rbd://f/images/a/snap', 'metadata': {}, 'status': 'active'}]",
    )
    tagged = [{"url": a["url"], "metadata": {"k": "v"}}]
    body = w.patch(image_id, [{"op": "replace", "path": "/locations", "value": tagged}]).json()
    assert body["locations"] == tagged
