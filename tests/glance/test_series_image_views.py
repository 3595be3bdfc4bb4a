"""What an image looks like per Glance series: Queens' Glance 16 (the seed's) has no
``os_hidden`` nor multihash, Rocky's Glance 17.0.0 added them (``glance/api/v2/images.py``:
``_format_image``'s attribute list, ``get_base_properties``, ``RequestDeserializer``'s
``_base_properties``/``_readonly_properties``, ``index``'s ``os_hidden`` filter)."""

import pytest
from glance_support import OCTET, World, detail

from fakecloud.glance.content import ImageData
from fakecloud.glance.views import _BASE_ATTRIBUTES, _QUEENS_ATTRIBUTES

QUEENS, ROCKY = "seed", "nova-18.3.0"
MULTIHASH = {"os_hidden", "os_hash_algo", "os_hash_value"}


def _post(w, body):
    return w.call("POST", "/v2/images", body=body)


@pytest.mark.parametrize("profile, shown", [(QUEENS, False), (ROCKY, True), ("upstream", True)])
def test_the_image_view_has_os_hidden_and_the_multihash_from_rocky(profile, shown):
    w = World(profile=profile, config={"glance": {"base_images": []}})
    image = w.create(disk_format="raw")
    assert w.call("PUT", f"/v2/images/{image['id']}/file", body=b"hello", headers=OCTET).status
    view = w.show(image["id"])
    assert (view.keys() >= MULTIHASH) is shown and (MULTIHASH & view.keys() == set()) is not shown
    listed = w.call("GET", "/v2/images").json()["images"]
    assert (listed[0].keys() >= MULTIHASH) is shown
    if shown:
        assert view["os_hash_algo"] == "sha512" and view["os_hidden"] is False


def test_in_queens_os_hidden_is_a_custom_property_a_string():
    w = World(profile=QUEENS, config={"glance": {"base_images": []}})
    resp = _post(w, {"name": "h", "os_hidden": True})
    assert resp.status == 400
    assert "True is not of type 'string'" in detail(resp)
    made = _post(w, {"name": "h", "os_hidden": "true"}).json()
    assert made["os_hidden"] == "true"
    # not a filter of its own: a property filter, and hidden images do not exist
    names = [i["name"] for i in w.call("GET", "/v2/images").json()["images"]]
    assert names == ["h"]
    resp = w.call("GET", "/v2/images", query="os_hidden=maybe")
    assert resp.status == 200 and resp.json()["images"] == []


def test_from_rocky_os_hidden_hides_and_is_a_checked_filter():
    w = World(profile=ROCKY, config={"glance": {"base_images": []}})
    assert _post(w, {"name": "h", "os_hidden": True}).json()["os_hidden"] is True
    assert w.call("GET", "/v2/images").json()["images"] == []
    resp = w.call("GET", "/v2/images", query="os_hidden=maybe")
    assert resp.status == 400
    assert "Invalid value 'maybe' for 'os_hidden' filter." in detail(resp)


@pytest.mark.parametrize("profile, status", [(QUEENS, 200), (ROCKY, 403)])
def test_os_hash_algo_is_read_only_from_rocky(profile, status):
    w = World(profile=profile, config={"glance": {"base_images": []}})
    image = w.create()
    patch = [{"op": "add", "path": "/os_hash_algo", "value": "md5"}]
    resp = w.call(
        "PATCH",
        f"/v2/images/{image['id']}",
        body=patch,
        headers={"Content-Type": "application/openstack-images-v2.1-json-patch"},
    )
    assert resp.status == status, resp.json()
    if status == 200:
        assert resp.json()["os_hash_algo"] == "md5"  # a custom property
    else:
        assert detail(resp) == "Attribute 'os_hash_algo' is read-only."


@pytest.mark.parametrize("profile, status", [("nova-21.2.4", 201), ("nova-22.0.0", 403)])
def test_stores_is_refused_on_create_from_glance_21(profile, status):
    w = World(profile=profile, config={"glance": {"base_images": []}})
    resp = _post(w, {"name": "s", "stores": "x"})
    assert resp.status == status
    if status == 201:
        assert resp.json()["stores"] == "x"  # a custom property before Glance 21.0.0


@pytest.mark.parametrize("profile, status", [(ROCKY, 201), ("nova-20.0.0", 400)])
def test_the_cinder_encryption_policy_is_in_the_schema_from_glance_19(profile, status):
    w = World(profile=profile, config={"glance": {"base_images": []}})
    resp = _post(w, {"cinder_encryption_key_deletion_policy": "never"})
    assert resp.status == status
    if status == 400:
        assert "'never' is not one of" in detail(resp)


@pytest.mark.parametrize("profile, shown", [("nova-22.4.0", True), ("nova-23.0.0", False)])
def test_the_staging_host_is_hidden_from_glance_22(profile, shown):
    """Glance 21 shows a user's ``os_glance_stage_host``; 22.0.0 hides it (and reserves the
    ``os_glance`` namespace, so a user can no longer set it)."""
    w = World(profile=profile, config={"glance": {"base_images": []}})
    image = w.cloud.glance.images.add("0" * 8 + "-0000-0000-0000-" + "0" * 12, "p1", {})
    image.extra_properties["os_glance_stage_host"] = "http://h"
    assert ("os_glance_stage_host" in w.cloud.glance.view(image)) is shown


@pytest.mark.parametrize("profile, status", [("nova-22.4.0", 404), ("nova-23.0.0", 200)])
def test_an_images_tasks_are_served_from_glance_22(profile, status):
    w = World(profile=profile)
    image_id = w.base_images[0].id
    resp = w.call("GET", f"/v2/images/{image_id}/tasks")
    assert resp.status == status
    unknown = w.call("GET", f"/v2/images/{image_id}/nothing")
    if status == 404:  # the same answer as any path Glance does not route
        assert resp.body == unknown.body
        assert resp.headers.keys() == unknown.headers.keys()


@pytest.mark.parametrize("profile, virtual", [("nova-21.2.4", None), ("nova-22.0.0", 5)])
def test_an_upload_sets_the_virtual_size_from_glance_21(profile, virtual):
    """b01976566 (Glance 21.0.0) inspects the uploaded stream; before, ``set_data`` leaves
    ``virtual_size`` null (``glance/location.py`` ``ImageProxy.set_data``)."""
    w = World(profile=profile, config={"glance": {"base_images": []}})
    image = w.create(disk_format="raw")
    assert w.call("PUT", f"/v2/images/{image['id']}/file", body=b"hello", headers=OCTET).status
    shown = w.show(image["id"])
    assert (shown["size"], shown["virtual_size"]) == (5, virtual)


def test_a_location_gives_the_size_but_never_the_virtual_size():
    """``_set_image_size`` (a PATCH'd location) and the location task (Glance 2.17) read the
    size from the store; nothing computes the virtual size (``glance/location.py``, every
    series: 16.0.1 to 32.0.0)."""
    w = World(profile="upstream", config={"glance": {"show_multiple_locations": True}})
    data = ImageData(1000, content_id="rbd-disk", disk_format="raw", virtual_size=4096)
    w.ceph_clone("rbd://f/a", data)
    patched, added = w.create(disk_format="raw")["id"], w.create(disk_format="raw")["id"]
    change = {"op": "add", "path": "/locations/-", "value": {"url": "rbd://f/a", "metadata": {}}}
    assert w.patch(patched, [change]).status == 200
    w.glance.images.add_location(None, added, "rbd://f/b", data)
    for image_id in (patched, added):
        shown = w.show(image_id)
        assert (shown["status"], shown["virtual_size"]) == ("active", None)
    assert w.show(added)["size"] == w.show(patched)["size"] == 1000


@pytest.mark.parametrize("profile", [QUEENS, ROCKY])
def test_the_view_is_the_custom_properties_then_the_base_fields_in_glances_order(profile):
    """``_format_image``'s order (the answer's bytes): the custom properties, then the base
    attributes as Glance lists them (Queens' first twelve), then the id, times and links;
    each base field the image's own value."""
    w = World(profile=profile, config={"glance": {"base_images": []}})
    made = w.create(disk_format="raw", zeta="z", alpha="a")
    image = w.cloud.glance.images.add("1" * 8 + "-0000-0000-0000-" + "0" * 12, "p1", {})
    view = w.cloud.glance.view(w.cloud.glance.db.images[made["id"]])
    base = _BASE_ATTRIBUTES if profile == ROCKY else _QUEENS_ATTRIBUTES
    tail = ["id", "created_at", "updated_at", "tags", "self", "file", "schema"]
    assert list(view) == ["zeta", "alpha", *base, *tail]
    stored = w.cloud.glance.db.images[made["id"]]
    assert [view[k] for k in base] == [getattr(stored, k) for k in base]
    assert list(w.cloud.glance.view(image))[: len(base)] == list(base)
