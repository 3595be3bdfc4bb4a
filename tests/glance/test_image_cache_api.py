"""Glance's image cache API (``/v2/cache``) as a Glance without an image cache answers it
(glance 24.0.0-33 ``api/v2/router.py``, ``api/v2/cached_images.py`` ``CacheController``,
``policies/cache.py``): the admin's policy first, then "Caching via API is not supported at
this site."; before 24.0.0 no such path."""

from __future__ import annotations

import pytest

from fakecloud import Cloud
from fakecloud.errors import ConfigError

JSON = {"Accept": "application/json"}
NO_CACHE = (404, "Caching via API is not supported at this site.")
DENIED = (403, "Access was denied to this resource.")
UNREACHABLE = (500, "The server has either erred or is incapable of performing the requested")


@pytest.fixture(scope="module")
def cloud():
    return Cloud(seed=0, profile="upstream")  # Glance 33


def _ask(cloud, method, path, user="admin", body=None):
    r = cloud.request("image", method, path, body, user=user, headers=JSON)
    said = r.json()["message"].split("<br />")[0] if r.body else ""
    return r.status, said, r.headers.get("Allow")


def test_an_admin_learns_the_site_has_no_cache_a_member_is_refused_first(cloud):
    image = cloud.request("image", "GET", "/v2/images").json()["images"][0]["id"]
    for method, path in (
        ("GET", "/v2/cache"),
        ("DELETE", "/v2/cache"),
        ("PUT", f"/v2/cache/{image}"),
        ("DELETE", f"/v2/cache/{image}"),
        ("GET", "/v2/cache/nodes/x"),  # Glance 33: the policy before the image
        ("POST", "/v2/cache/clean"),
        ("POST", "/v2/cache/prune"),
    ):
        assert _ask(cloud, method, path)[:2] == NO_CACHE, path
        assert _ask(cloud, method, path, user="demo")[:2] == DENIED, path
    # the image is looked up before the policy: PUT's 404; DELETE asks the cache it has not
    assert _ask(cloud, "PUT", "/v2/cache/nope", user="demo")[:2] == (404, "Image nope not found.")
    status, said, _ = _ask(cloud, "DELETE", "/v2/cache/nope")
    assert (status, said.startswith(UNREACHABLE[1])) == (500, True)
    # body_reject on GET; DELETE reads a body as JSON, which the action does not take
    assert _ask(cloud, "GET", "/v2/cache", body={"a": 1})[:2] == (
        400,
        "A body is not expected with this request.",
    )
    assert _ask(cloud, "DELETE", "/v2/cache", body={"a": 1})[0] == 500
    # the reject routes; /cache/clean and /cache/prune are static paths routes matches first
    for method, path, allow in (
        ("POST", "/v2/cache", "GET, DELETE"),
        ("GET", f"/v2/cache/{image}", "DELETE, PUT"),
        ("POST", f"/v2/cache/{image}", "DELETE, PUT"),
        ("PUT", "/v2/cache/clean", "POST"),
        ("DELETE", "/v2/cache/nodes/x", "GET"),
    ):
        assert (_ask(cloud, method, path)[0], _ask(cloud, method, path)[2]) == (405, allow)


def test_the_cache_routes_exist_from_glance_24():
    """Glance 23.0.0 has no ``/v2/cache`` (a plain 404); 24.0.0 to 32 no nodes, clean or
    prune routes: ``/cache/clean`` is an image id there."""
    older = Cloud(seed=0, profile="nova-24.0.0")  # Glance 23
    assert _ask(older, "GET", "/v2/cache")[:2] == (404, "The resource could not be found.")
    assert _ask(older, "POST", "/v2/cache")[2] is None
    yoga = Cloud(seed=0, profile="nova-25.0.0")  # Glance 24
    assert _ask(yoga, "GET", "/v2/cache")[:2] == NO_CACHE
    assert _ask(yoga, "PUT", "/v2/cache/clean")[:2] == (404, "Image clean not found.")
    assert _ask(yoga, "POST", "/v2/cache/clean")[::2] == (405, "DELETE, PUT")
    assert _ask(yoga, "GET", "/v2/cache/nodes/x")[:2] == (404, "The resource could not be found.")


def test_a_member_cannot_learn_of_an_image_it_cannot_see(cloud):
    """``image_repo.get``: the database's visibility rule (another project's private image
    is "not found" to PUT, before the policy)."""
    body = {"name": "private", "visibility": "private"}
    hidden = cloud.request("image", "POST", "/v2/images", body, user="admin").json()["id"]
    assert _ask(cloud, "PUT", f"/v2/cache/{hidden}", user="demo")[:2] == (
        404,
        f"Image {hidden} not found.",
    )
    assert _ask(cloud, "PUT", f"/v2/cache/{hidden}")[:2] == NO_CACHE


def test_before_glance_18_a_cache_enabled_glance_is_refused():
    """Glance 17 maps its cachemanage routes under /v1/ (not served): a configuration error
    there; Glance 18-23 serve /v2/cached_images (`test_image_cache.py`)."""
    with pytest.raises(ConfigError, match="modelled from Glance 18.0.0"):
        Cloud(profile="nova-18.3.0", config={"glance": {"image_cache": True}})
