"""Glance's location API (``POST``/``GET /v2/images/{id}/locations``, Image API 2.17): routed
from glance 29.0.0 (``router.py``; ``ImagesController.add_location``/``get_locations``,
``RequestDeserializer.add_location``, the ``add_image_location``/``fetch_image_location``
rules of ``glance/policies/image.py``), as 29.0.0 and 33.0.0 have it."""

import pytest
from glance_support import NOVA_P1, P1, World, ctx, detail

SERVICE = ctx("p1", "nova", "service")
URL = "rbd://fsid/images/img/snap"


def _locations(w, image_id, context, body=None):
    path = f"/v2/images/{image_id}/locations"
    if body is None:
        return w.call("GET", path, context)
    return w.call("POST", path, context, body=body)


@pytest.mark.parametrize("profile", ["seed", "nova-29.4.0"])  # Glance 16.x, 28.x
def test_before_glance_29_the_path_is_unknown(profile):
    w = World(profile=profile)
    image = w.create()
    for resp in (_locations(w, image["id"], SERVICE, {"url": URL}), _locations(w, image["id"], P1)):
        assert resp.status == 404
        assert detail(resp) == "The resource could not be found."
    put = w.call("PUT", f"/v2/images/{image['id']}/locations", SERVICE)
    assert put.status == 404 and "Allow" not in put.headers


def test_the_service_role_adds_a_location_to_a_queued_image_and_reads_it_back():
    """The location task checks the URL as a PATCH'd location (``_UpdateLocationTask``,
    ``_check_location_uri``): where the store finds nothing the task fails after the 202 and
    the image stays queued without it; where it finds data the image goes active."""
    w = World(profile="nova-30.0.0")  # Glance 29.x
    image = w.create(disk_format="raw")
    assert _locations(w, image["id"], SERVICE).json() == []
    for url in (URL, "file:///var/lib/glance/images/x", "swift+config://r/c/o", "nope"):
        resp = _locations(w, image["id"], SERVICE, {"url": url})
        assert resp.status == 202 and resp.body in (b"", None)
        assert w.status(image["id"]) == "queued"
    assert _locations(w, image["id"], SERVICE).json() == []
    w.ceph_clone(URL)
    resp = _locations(w, image["id"], SERVICE, {"url": URL})
    assert resp.status == 202 and w.status(image["id"]) == "active"
    # each request left its ``location_import`` task (the oracle's location-task-tasks)
    tasks = w.call("GET", f"/v2/images/{image['id']}/tasks").json()["tasks"]
    assert [(t["type"], t["status"], t["input"]["loc_url"]) for t in tasks][-2:] == [
        ("location_import", "failure", "nope"),
        ("location_import", "success", URL),
    ]
    assert tasks[0]["message"] == "Task failed due to Internal Error"
    assert tasks[-1]["result"] == {"image_id": image["id"]} and tasks[-1]["user_id"] == "nova"
    assert _locations(w, image["id"], SERVICE).json() == [{"url": URL, "metadata": {}}]
    again = _locations(w, image["id"], SERVICE, {"url": URL})
    assert again.status == 409
    assert detail(again) == "It's not allowed to add locations if image status is active."
    put = w.call("PUT", f"/v2/images/{image['id']}/locations", SERVICE)
    assert put.status == 405 and put.headers["Allow"] == "POST"


def test_a_project_member_is_refused_without_an_http_store_and_may_not_list():
    w = World(profile="upstream")
    image = w.create()
    resp = _locations(w, image["id"], P1, {"url": URL})
    assert resp.status == 403
    assert detail(resp) == "http store must be enabled to use location API by normal user."
    resp = _locations(w, image["id"], P1)
    assert resp.status == 403
    assert detail(resp) == "You are not authorized to complete fetch_image_location action."
    other = _locations(w, image["id"], ctx("p9", "a", "admin"), {"url": URL})
    assert other.status == 403  # Glance 32.0.0 on: an admin passes the rule, not the store's
    assert detail(other) == "http store must be enabled to use location API by normal user."
    assert w.status(image["id"]) == "queued"


def test_a_service_token_with_the_service_role_lets_a_member_add_a_location():
    """``add_location`` asks for ``service`` in ``req.context.roles + req.context.service_roles``
    (29.0.0-33.0.0): P1's own token is refused (above), with Nova's service token beside it
    the location is taken (Glance 29.x, whose ``rule:service_api`` reads no service token)."""
    w = World(profile="nova-30.0.0")
    image = w.create()
    assert _locations(w, image["id"], NOVA_P1, {"url": URL}).status == 202


@pytest.mark.parametrize(
    "profile, service, admin",
    [("nova-31.1.0", 200, 403), ("nova-31.2.0", 403, 403), ("nova-33.0.0", 200, 200)],
)
def test_the_service_rule_follows_the_point_release(profile, service, admin):
    """``rule:service_api``: ``role:service`` (29.0.0, 30.0.0), the service token's roles
    (e40759c15, 31.0.0; its backport in 30.1.0, Nova 31.2.0 on), ``role:service or role:admin``
    (301d8f580, 32.0.0). A REST request to fakecloud carries no service token."""
    w = World(profile=profile)
    image = w.create()
    assert _locations(w, image["id"], ctx("p1", "nova", "member", "service")).status == service
    resp = _locations(w, image["id"], ctx("p9", "a", "admin"))
    assert resp.status == admin
    if admin == 403:
        assert detail(resp) == "You are not authorized to complete fetch_image_location action."


@pytest.mark.parametrize(
    "body, text",
    [
        ({"metadata": {}}, "Provided object does not match schema 'location': 'url' is a req"),
        (
            {"url": URL, "validation_data": {"os_hash_algo": "sha512", "os_hash_value": "zz"}},
            "os_hash_value (zz) is not a valid hexadecimal value",
        ),
        (
            {"url": URL, "validation_data": {"os_hash_algo": "sha256", "os_hash_value": "ab"}},
            "os_hash_value: (ab) is not the correct size for (sha256) (should be (32) bytes)",
        ),
    ],
)
def test_bad_bodies_are_400(body, text):
    w = World(profile="upstream")
    image = w.create()
    resp = _locations(w, image["id"], SERVICE, body)
    assert resp.status == 400 and detail(resp).startswith(text)
    assert w.status(image["id"]) == "queued"


@pytest.mark.parametrize("profile", ["nova-33.0.0", "upstream"])  # Glance 32.0.0, 33.0.0
def test_an_http_location_goes_through_the_import_filter_from_glance_33(profile):
    """33.0.0 (LP #2161330) checks an HTTP(S) URL with web-download's filter after the caller
    and the hash, before the lock: a loopback address (or a port not allowed, or a name that
    does not resolve) is a 400, the image stays queued; a name the web serves passes. Before,
    the task takes it and fails (no http store reads it): the image stays queued too."""
    config = {"glance": {"web_download_urls": {"http://images.example.com/a.img": 1024}}}
    w = World(config=config, profile=profile)
    bad, good = w.create()["id"], w.create()["id"]
    url = "http://127.0.0.1/a.img"
    refused = {"url": url, "validation_data": {"os_hash_algo": "sha256", "os_hash_value": "ab"}}
    assert detail(_locations(w, bad, P1, refused)).startswith("http store must be enabled")
    assert detail(_locations(w, bad, SERVICE, refused)).startswith("os_hash_value: (ab) is not")
    resp = _locations(w, bad, SERVICE, {"url": url})
    if profile == "upstream":
        assert resp.status == 400
        assert detail(resp) == f"URI for add location does not pass filtering: {url}"
        assert w.status(bad) == "queued"
    else:
        assert resp.status == 202 and w.status(bad) == "queued"
    assert _locations(w, good, SERVICE, {"url": "http://images.example.com/a.img"}).status == 202
    assert w.status(good) == "queued"
