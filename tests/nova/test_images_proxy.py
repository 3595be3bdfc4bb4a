"""Nova's image proxies: ``GET /images[/detail]`` paged through Glance
(``nova/api/openstack/compute/images.py``, to 2.35) and ``/images/{id}/metadata``
(``image_metadata.py``, to 2.38), in both profiles."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.nova.conftest import NovaEnv


@pytest.fixture(scope="module", params=["seed", "upstream"])
def menv(request) -> NovaEnv:
    env = NovaEnv(request.param, config={"nova": {"quota_metadata_items": 3}})
    body = {"name": "mine", "disk_format": "raw", "container_format": "bare", "k1": "v1"}
    env.mine = env.cloud.request("image", "POST", "/v2/images", body).json()["id"]
    return env


# -- GET /images and /images/detail: limit, marker and the next link ----------------------------


@pytest.mark.parametrize("collection", ["images", "images/detail"])
def test_limit_gives_one_page_and_a_next_link_that_walks_the_rest(menv, collection):
    everything = menv.request("GET", f"/v2.1/{collection}", microversion="2.35").json()
    assert "images_links" not in everything  # not a full page: no next link
    seen, url = [], f"/v2.1/{collection}?limit=1"
    while url:
        page = menv.request("GET", url, microversion="2.1").json()
        assert len(page["images"]) <= 1
        seen += [i["id"] for i in page["images"]]
        links = page.get("images_links")
        if not links:
            break
        (link,) = links
        assert link["rel"] == "next"
        parts = urlsplit(link["href"])
        assert parts.path == f"/v2.1/{collection}"
        query = parse_qs(parts.query)
        assert query == {"limit": ["1"], "marker": [page["images"][-1]["id"]]}
        url = f"{parts.path}?{parts.query}"
    assert seen == [i["id"] for i in everything["images"]]


def test_the_next_link_keeps_the_project_id_and_the_filters(menv):
    r = menv.request("GET", "/v2.1/{project_id}/images?status=ACTIVE&limit=1", microversion="2.1")
    href = r.json()["images_links"][0]["href"]
    project = menv.cloud.context("demo").project_id
    assert urlsplit(href).path == f"/v2.1/{project}/images"
    assert parse_qs(urlsplit(href).query)["status"] == ["ACTIVE"]


def test_bad_paging_parameters_are_400s(menv):
    r = menv.request("GET", "/v2.1/images?limit=0", microversion="2.1")
    if menv.cloud.switches.images_query_schema:  # 30.0.0+; before, limit=0 is no limit
        assert r.json()["badRequest"]["message"] == (
            "Invalid input for query parameters limit. Value: 0. 0 is less than the minimum of 1"
        )
    else:
        assert r.status == 200
    r = menv.request("GET", "/v2.1/images?marker=nope", microversion="2.1")
    assert r.status == 400
    assert "nope" in r.json()["badRequest"]["message"]


# -- /images/{id}/metadata ----------------------------------------------------------------------


def meta(env, method, suffix="", body=None, mv="2.38", user="demo"):
    path = f"/v2.1/images/{env.mine}/metadata{suffix}"
    return env.request(method, path, body, microversion=mv, user=user)


def glance_props(env):
    image = env.cloud.request("image", "GET", f"/v2/images/{env.mine}").json()
    return {k: image[k] for k in ("k1", "a", "b", "only") if k in image}


def test_metadata_round_trip_through_glance(menv):
    assert meta(menv, "GET", mv="2.1").json() == {"metadata": {"k1": "v1"}}
    r = meta(menv, "POST", body={"metadata": {"a": "1"}})
    assert (r.status, r.json()) == (200, {"metadata": {"k1": "v1", "a": "1"}})
    r = meta(menv, "PUT", "/b", {"meta": {"b": "2"}})
    assert (r.status, r.json()) == (200, {"meta": {"b": "2"}})
    assert meta(menv, "GET", "/b").json() == {"meta": {"b": "2"}}
    assert glance_props(menv) == {"k1": "v1", "a": "1", "b": "2"}
    r = meta(menv, "DELETE", "/a")
    assert (r.status, r.body) == (204, None)
    r = meta(menv, "PUT", body={"metadata": {"only": "x"}})
    assert r.json() == {"metadata": {"only": "x"}}
    # purge_props: what the new set does not name is gone from Glance too.
    assert glance_props(menv) == {"only": "x"}


def test_missing_keys_and_images(menv):
    assert meta(menv, "GET", "/nope").json() == {
        "itemNotFound": {"code": 404, "message": "The resource could not be found."}
    }
    assert meta(menv, "DELETE", "/nope").json() == {
        "itemNotFound": {"code": 404, "message": "Invalid metadata key"}
    }
    r = menv.request("GET", "/v2.1/images/00000000-0000-0000-0000-000000000000/metadata")
    assert r.json() == {"itemNotFound": {"code": 404, "message": "Image not found."}}


def test_the_metadata_items_quota_counts_the_result(menv):
    meta(menv, "PUT", body={"metadata": {"k1": "v1"}})
    r = meta(menv, "POST", body={"metadata": {"x": "1", "y": "2", "z": "3"}})
    assert r.json() == {"forbidden": {"code": 403, "message": "Image metadata limit exceeded"}}
    r = meta(menv, "PUT", body={"metadata": {"a": "1", "b": "2", "c": "3", "d": "4"}})
    assert r.status == 403
    assert meta(menv, "GET").json() == {"metadata": {"k1": "v1"}}


def test_bad_bodies_and_other_projects_images(menv):
    r = meta(menv, "PUT", "/b", {"meta": {"c": "3"}})
    assert r.json()["badRequest"]["message"] == "Request body and URI mismatch"
    r = meta(menv, "POST", body={"metadata": {"a": 1}})
    assert r.json()["badRequest"]["message"].startswith("Invalid input for field/attribute a.")
    base = menv.image.id  # a public base image, owned by the admin project
    r = menv.request("POST", f"/v2.1/images/{base}/metadata", {"metadata": {"a": "1"}})
    assert r.json() == {"forbidden": {"code": 403, "message": f"Not authorized for image {base}."}}


def test_gone_from_2_39(menv):
    r = meta(menv, "GET", mv="2.39")
    assert r.json() == {
        "itemNotFound": {"code": 404, "message": "The resource could not be found."}
    }
