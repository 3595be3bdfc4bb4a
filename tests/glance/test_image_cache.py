"""Glance's image cache, served (``glance.image_cache: true``; glance 24.0.0-33
``api/v2/cached_images.py``, ``api/middleware/cache.py``, ``image_cache/``): downloads fill it
and are served from it, the queue is fetched by the 24.x prefetcher every 300 s or at once
from 25.0.0, and the answers switch from 200 to 202/204 at 25.0.0 and the 24.1.0 and 24.2.0
backports (the cachemanage routes stay 200)."""

from __future__ import annotations

import json
from hashlib import md5

import pytest

from fakecloud import Cloud

JSON = {"Accept": "application/json"}
OCTET = {"Content-Type": "application/octet-stream"}
ON = {"glance": {"image_cache": True}}


def _ask(cloud, method, path, body=None, user="admin", **headers):
    r = cloud.request("image", method, path, body, user=user, headers={**JSON, **headers})
    return r.status, r.body


def _image(cloud, data=b"cached bytes"):
    body = {"name": "c", "disk_format": "raw", "container_format": "bare", "visibility": "public"}
    image = cloud.request("image", "POST", "/v2/images", body, user="admin").json()["id"]
    assert _ask(cloud, "PUT", f"/v2/images/{image}/file", data, **OCTET)[0] == 204
    return image


def _state(cloud, prefix="/v2"):
    status, body = _ask(cloud, "GET", f"{prefix}/cache")
    assert status == 200
    return {c["image_id"]: c for c in body["cached_images"]}, body["queued_images"]


@pytest.fixture(scope="module")
def yoga():
    return Cloud(seed=0, profile="nova-25.0.0", config=ON)  # Glance 24


@pytest.fixture(scope="module")
def zed():
    return Cloud(seed=0, profile="nova-26.0.0", config=ON)  # Glance 25


def test_a_download_fills_the_cache_and_a_later_one_is_a_hit(yoga):
    image = _image(yoga)
    assert image not in _state(yoga)[0]
    assert _ask(yoga, "GET", f"/v2/images/{image}/file")[0] == 200
    row = _state(yoga)[0][image]
    assert (row["hits"], row["size"], row["last_accessed"]) == (0, 12, row["last_modified"])
    yoga.run(until=yoga.kernel.now + 10)
    # a Range request is neither served from the cache nor counted
    assert _ask(yoga, "GET", f"/v2/images/{image}/file", Range="bytes=0-3") == (206, b"cach")
    assert _ask(yoga, "GET", f"/v2/images/{image}/file") == (200, b"cached bytes")
    row = _state(yoga)[0][image]
    assert row["hits"] == 1
    assert row["last_accessed"] - row["last_modified"] == pytest.approx(10, abs=1e-3)
    # a member's hit passes download_image as the API's download would; deleted: dropped
    assert _ask(yoga, "GET", f"/v2/images/{image}/file", user="demo")[0] == 200
    assert _ask(yoga, "DELETE", f"/v2/images/{image}")[0] == 204
    assert image not in _state(yoga)[0]


@pytest.mark.parametrize(
    ("profile", "queued", "deleted", "current"),
    [
        ("nova-25.0.0", (200, b"null"), (200, b"null"), "v2.15"),
        ("nova-25.0.1", (202, None), (200, b"null"), "v2.16"),
        ("nova-25.1.1", (202, None), (204, None), "v2.16"),
    ],
)
def test_glance_24s_backports_answer_202_then_204(profile, queued, deleted, current):
    """ecb040c177's PUT 202 came to Glance 24.1.0 (9043efc5ff, beside Nova 25.0.1) with Image
    API 2.16 (55c000ee1d), a71f7ba44e's DELETE 204 to 24.2.0 (ea4ed6dfec, beside Nova 25.1.1):
    switches glance_cache_queue_200, glance_image_api_2_16 and glance_cache_delete_200."""
    cloud = Cloud(seed=0, profile=profile, config=ON)
    image = _image(cloud)
    assert _ask(cloud, "PUT", f"/v2/cache/{image}") == queued
    assert _ask(cloud, "DELETE", f"/v2/cache/{image}") == deleted
    versions = _ask(cloud, "GET", "/versions")[1]["versions"]
    assert next(v["id"] for v in versions if v["status"] == "CURRENT") == current


def test_glance_24_queues_for_the_prefetcher_every_300_s_and_answers_200(yoga):
    image = _image(yoga)
    yoga.run(until=301)
    assert _ask(yoga, "PUT", f"/v2/cache/{image}") == (200, b"null")
    assert (image in _state(yoga)[0], _state(yoga)[1]) == (False, [image])
    yoga.run(until=599)
    assert _state(yoga)[1] == [image]  # the next run is at 600 s
    yoga.run()
    cached, queued = _state(yoga)
    assert (image in cached, queued, yoga.kernel.now >= 600) == (True, [], True)
    assert _ask(yoga, "DELETE", f"/v2/cache/{image}") == (200, b"null")
    assert _ask(yoga, "DELETE", "/v2/cache", **{"x-image-cache-clear-target": "queue"}) == (
        200,
        b'{"queue_deleted": 0}',
    )


def test_a_queue_waiting_for_the_24_prefetcher_leaves_the_cloud_idle(yoga):
    """The prefetcher's run is a tick on the clock, as Nova's periodic tasks are:
    ``run_until_idle`` returns at once (no 300 s jump), the cloud can be saved, and the queue
    is fetched when the clock passes the mark; an emptied queue leaves no run on the clock."""
    image = _image(yoga)
    start = yoga.kernel.now
    assert _ask(yoga, "PUT", f"/v2/cache/{image}")[0] == 200
    yoga.run_until_idle()
    assert (yoga.kernel.now - start < 1, _state(yoga)[1]) == (True, [image])
    mark = (start // 300 + 1) * 300
    twin = yoga.fork()  # idle: a fork (a save) keeps the waiting run
    for cloud in (twin, yoga):
        cloud.advance(mark - cloud.kernel.now + 1)
        assert (image in _state(cloud)[0], _state(cloud)[1]) == (True, [])
    other = _image(yoga)
    assert _ask(yoga, "PUT", f"/v2/cache/{other}")[0] == 200
    assert _ask(yoga, "DELETE", f"/v2/cache/{other}")[0] == 200  # out of the queue
    emptied = yoga.kernel.now
    yoga.run()  # until nothing is scheduled: no run left at the next mark
    assert yoga.kernel.now == emptied


def test_glance_25_caches_a_queued_image_at_once_and_answers_202_and_204(zed):
    image = _image(zed)
    assert _ask(zed, "PUT", f"/v2/cache/{image}") == (202, None)
    zed.run()
    assert (list(_state(zed)[0]), zed.kernel.now < 60) == ([image], True)
    # a deactivated image is not served from the cache: the API's own refusal of a member
    assert _ask(zed, "POST", f"/v2/images/{image}/actions/deactivate")[0] == 204
    assert _ask(zed, "GET", f"/v2/images/{image}/file", user="demo")[0] == 403
    assert _ask(zed, "PUT", f"/v2/cache/{image}")[0] == 400  # only active images are queued
    assert _ask(zed, "GET", "/v2/cache", user="demo")[0] == 403
    assert _ask(zed, "DELETE", "/v2/cache/nope")[0] == 404  # neither an image nor cached
    assert _ask(zed, "DELETE", "/v2/cache", **{"x-image-cache-clear-target": "x"})[0] == 400
    assert _ask(zed, "DELETE", "/v2/cache") == (204, None)
    assert _state(zed) == ({}, [])


def test_glance_24_serves_the_cachemanage_routes_beside_the_cache_api(yoga):
    """devstack's flavor keeps the ``cachemanage`` filter (glance 24.0.0-33
    ``etc/glance-api-paste.ini``): the same records as ``/v2/cache``, 200 with JSON; the
    prefetcher fetches what ``PUT /v2/queued_images`` queued at its next 300 s mark."""
    image = _image(yoga)
    assert _ask(yoga, "PUT", f"/v2/queued_images/{image}") == (200, b"null")
    queued = json.loads(_ask(yoga, "GET", "/v2/queued_images")[1])["queued_images"]
    assert queued == _state(yoga)[1]
    yoga.run()
    cached = json.loads(_ask(yoga, "GET", "/v2/cached_images")[1])["cached_images"]
    assert {c["image_id"]: c for c in cached} == _state(yoga)[0]
    assert (image in _state(yoga)[0], yoga.kernel.now % 300 < 1) == (True, True)  # at a mark


def test_glance_25_cachemanage_routes_stay_200_and_queue_for_no_worker(zed):
    """25.0.0's ``CachedImageSerializer`` sets 202/204 for the ``/v2/cache`` actions only;
    ``queue_image`` submits nothing to the cache worker (c1a2b9e22) and the API has no
    prefetcher, so the image waits in the queue until ``PUT /v2/cache`` submits it."""
    image = _image(zed)
    assert _ask(zed, "PUT", f"/v2/queued_images/{image}") == (200, b"null")
    zed.run()
    assert (image in _state(zed)[0], image in _state(zed)[1]) == (False, True)
    assert _ask(zed, "GET", "/v2/queued_images", user="demo")[0] == 403
    assert _ask(zed, "PUT", f"/v2/cache/{image}") == (202, None)
    zed.run()
    assert (image in _state(zed)[0], image in _state(zed)[1]) == (True, False)
    assert _ask(zed, "DELETE", f"/v2/cached_images/{image}") == (200, b"null")
    assert _ask(zed, "DELETE", "/v2/queued_images") == (200, b'{"num_deleted": 0}')


def test_glance_33_lists_the_database_rows_its_nodes_and_prunes():
    """``centralized_db`` (28.0.0 on): each row's ``id`` and ``checksum``; 2.18's nodes,
    clean and prune, served under every version the document lists."""
    cloud = Cloud(seed=0, profile="upstream", config=ON)
    image = _image(cloud)
    assert _ask(cloud, "GET", f"/v2/images/{image}/file")[0] == 200
    row = _state(cloud, "/v2.18")[0][image]
    assert (row["id"], row["checksum"], row["hits"]) == (1, md5(b"cached bytes").hexdigest(), 0)
    status, nodes = _ask(cloud, "GET", f"/v2/cache/nodes/{image}")
    assert (status, len(nodes)) == (200, 1)
    assert _ask(cloud, "POST", "/v2/cache/clean")[0] == 200
    assert _ask(cloud, "POST", "/v2/cache/prune") == (
        200,
        {"total_files_pruned": 0, "total_bytes_pruned": 0},
    )
    assert _ask(cloud, "GET", "/v2/cache/nodes/nope")[0] == 404
    # the cachemanage filter is still in devstack's pipeline: the same database rows
    listed = json.loads(_ask(cloud, "GET", "/v2/cached_images")[1])["cached_images"]
    assert listed == list(_state(cloud)[0].values())


def test_glance_21_manages_its_cache_through_the_cachemanage_middleware():
    """devstack's ``keystone+cachemanagement`` flavor (glance 18.0.0-23.0.0
    ``api/middleware/cache_manage.py``, ``api/v2/cached_images.py``): the admin's
    ``/v2/cached_images`` and ``/v2/queued_images``, 200 and JSON; a queued id is not looked
    up; the prefetcher's 300 s timer (19.0.0 on) fetches what it can, the rest stays queued."""
    cloud = Cloud(seed=0, profile="nova-22.0.0", config=ON)  # Glance 21
    image = _image(cloud)
    assert _ask(cloud, "GET", "/v2/cache")[0] == 404  # the /v2/cache API is 24.0.0's
    assert _ask(cloud, "PUT", f"/v2/queued_images/{image}") == (200, b"null")
    assert _ask(cloud, "PUT", "/v2/queued_images/nope") == (200, b"null")
    assert _ask(cloud, "GET", "/v2/queued_images") == (200, b'{"queued_images": ["%s", "nope"]}'
                                                            % image.encode())  # fmt: skip
    assert _ask(cloud, "GET", "/v2/queued_images", user="demo")[0] == 403
    assert _ask(cloud, "POST", "/v2/queued_images")[0] == 404  # not the filter's: the API's
    cloud.advance(300)
    status, body = _ask(cloud, "GET", "/v2/cached_images")
    (row,) = json.loads(body)["cached_images"]
    assert (status, row["image_id"], row["hits"]) == (200, image, 0)
    assert json.loads(_ask(cloud, "GET", "/v2/queued_images")[1]) == {"queued_images": ["nope"]}
    assert _ask(cloud, "DELETE", "/v2/queued_images") == (200, b'{"num_deleted": 1}')
    assert _ask(cloud, "DELETE", f"/v2/cached_images/{image}") == (200, b"null")
    assert _ask(cloud, "DELETE", "/v2/cached_images") == (200, b'{"num_deleted": 0}')


def test_glance_18_has_no_prefetcher_in_its_api():
    """Before 19.0.0 the queue is the ``glance-cache-prefetcher`` command's (cron): it waits."""
    cloud = Cloud(seed=0, profile="nova-19.0.0", config=ON)  # Glance 18
    image = _image(cloud)
    assert _ask(cloud, "PUT", f"/v2/queued_images/{image}") == (200, b"null")
    cloud.advance(600)
    assert json.loads(_ask(cloud, "GET", "/v2/queued_images")[1]) == {"queued_images": [image]}
    assert _ask(cloud, "GET", "/v2/cached_images") == (200, b'{"cached_images": []}')


OWN = {"cache_list": "@", "cache_image": "project_id:%(project_id)s"}


@pytest.mark.parametrize(
    ("profile", "rules", "path"),
    [
        ("nova-22.0.0", {"manage_image_cache": "@"}, "/v2/queued_images"),  # Glance 21
        ("nova-26.0.0", OWN, "/v2/cache"),  # Glance 25
    ],
)
def test_the_cache_apis_ask_the_operators_rules(profile, rules, path):
    """An operator's ``manage_image_cache`` (the cachemanage filter, on ``{}``) and the
    ``/v2/cache`` actions' own rules (24.0.0 on; ``cache_image`` on the image's target) decide
    who manages the cache, not the admin role: a member lists it, queues its project's image,
    and the admin may not queue another's."""
    cloud = Cloud(
        seed=0, profile=profile, config={"glance": {"image_cache": True, "policy": rules}}
    )
    assert _ask(cloud, "GET", path, user="demo")[0] == 200
    if "cache_image" in rules:
        body = {"name": "d", "disk_format": "raw", "container_format": "bare"}
        image = cloud.request("image", "POST", "/v2/images", body, user="demo").json()["id"]
        assert _ask(cloud, "PUT", f"/v2/images/{image}/file", b"x", user="demo", **OCTET)[0] == 204
        assert _ask(cloud, "PUT", f"/v2/cache/{image}")[0] == 403
        assert _ask(cloud, "PUT", f"/v2/cache/{image}", user="demo")[0] == 202
