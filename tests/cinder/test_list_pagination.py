"""How Cinder's volume and snapshot lists read ``limit``, ``marker`` and ``offset``
(``common.get_pagination_params``, the same from 12.0.10 to 29.0.0), first thing in the list:
``params.pop`` takes a parameter's first value; ``limit`` is refused in webob's plain words
(``HTTPBadRequest(explanation=...)``, no "Invalid input received: "), ``offset`` through
``validate_integer`` and then skipped over, and a marker is fetched by the database's paginate
query (``_generate_paginate_query``: ``get(context, marker)``), so one that does not exist is
that resource's 404. Found by the session 13 fuzzing: fakecloud ignored ``offset``, answered an
unknown marker 400 "marker [x] not found" (Nova's words), and ``limit=1&limit=x`` was a 500."""

import math

import pytest

from tests.booted import booted


@pytest.fixture(scope="module", params=["seed", "upstream"])
def cloud(request):
    cloud = booted(seed=1, profile=request.param)
    for i in range(3):
        body = {"volume": {"size": 1, "name": f"v{i}"}}
        assert (
            cloud.request("block-storage", "POST", "/v3/{project_id}/volumes", body=body).status
            == 202
        )
    cloud.run_until_idle()
    return cloud


def get(cloud, query, collection="volumes"):
    return cloud.request("block-storage", "GET", f"/v3/{{project_id}}/{collection}?{query}")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("limit=abc", "limit param must be an integer"),
        ("limit=-1", "limit param must be positive"),
        ("offset=x", "offset must be an integer"),
        ("offset=-1", "offset must be >= 0"),
        ("offset=2147483648", "offset must be <= 2147483647"),
        ("sort=name:sideways&limit=x", "limit param must be an integer"),  # read first
    ],
)
def test_bad_paging_parameters_are_400_in_cinders_words(cloud, query, message):
    resp = get(cloud, query)
    assert resp.json() == {"badRequest": {"code": 400, "message": message}}


@pytest.mark.parametrize("collection, kind", [("volumes", "Volume"), ("snapshots", "Snapshot")])
def test_an_unknown_marker_is_the_resources_404(cloud, collection, kind):
    resp = get(cloud, "marker=nope", collection)
    assert resp.json() == {
        "itemNotFound": {"code": 404, "message": f"{kind} nope could not be found."}
    }


def test_offset_skips_and_the_first_limit_counts(cloud):
    every = [v["name"] for v in get(cloud, "").json()["volumes"]]
    assert len(every) == 3
    assert [v["name"] for v in get(cloud, "offset=1").json()["volumes"]] == every[1:]
    page = get(cloud, "limit=1&limit=x&offset=1")
    assert page.status == 200
    assert [v["name"] for v in page.json()["volumes"]] == every[1:2]


# -- a repeated parameter (session 13, q1) --------------------------------------------------
# cinder 12.0.10 and 29.0.0 alike: ``_get_volumes`` / snapshots' ``_items`` take
# ``req.params.copy()`` (a webob MultiDict), ``get_pagination_params`` and ``get_sort_params``
# ``pop`` the first value of each, and the rest of the query is the filters.


@pytest.mark.parametrize("collection", ["volumes", "snapshots"])
@pytest.mark.parametrize(
    ("query", "left"),
    [("limit=1&limit=2", "limit"), ("marker=a&marker=b", "marker"), ("sort=id&sort=x", "sort")],
)
def test_a_repeated_paging_parameter_left_as_a_filter(cloud, collection, query, left):
    """A non-admin's left-behind value: from 3.31 ``reject_invalid_filters`` refuses it,
    before that ``remove_invalid_filter_options`` drops it (the first value pages)."""
    resp = cloud.request(
        "block-storage",
        "GET",
        f"/v3/{{project_id}}/{collection}?{query}",
        headers={"OpenStack-API-Version": "volume 3.31"},
    )
    assert resp.json() == {
        "badRequest": {
            "code": 400,
            "message": f"Invalid filters {left} are found in query options.",
        }
    }


def test_before_3_31_the_left_behind_limit_is_dropped_and_the_first_pages(cloud):
    every = [v["name"] for v in get(cloud, "").json()["volumes"]]
    assert [v["name"] for v in get(cloud, "limit=1&limit=2").json()["volumes"]] == every[:1]
    assert [v["name"] for v in get(cloud, "limit=2&limit=1").json()["volumes"]] == every[:2]


def test_an_admins_left_behind_limit_matches_nothing():
    """An admin's filters are not checked; ``_process_volume_filters`` / ``_process_snaps_filters``
    find no ``limit`` column and return no query: ``[]`` (and no marker looked up). A repeated
    ``name`` is ``[]`` for snapshots too."""
    from tests.cinder.cinder_support import ADMIN, call, create_snapshot, create_volume

    cloud = booted(seed=1, profile="upstream")
    create_snapshot(cloud, create_volume(cloud, ctx=ADMIN, name="v"), ctx=ADMIN, name="s")
    for collection in ("volumes", "snapshots"):
        assert len(call(cloud, "GET", collection, ctx=ADMIN).json()[collection]) == 1
        for version in ("3.0", "3.31"):
            for query in ("limit=1&limit=2", "offset=0&offset=0&marker=nope", "name=s&name=v"):
                resp = call(cloud, "GET", collection, ctx=ADMIN, version=version, query=query)
                assert (resp.status, resp.json()) == (200, {collection: []})


@pytest.mark.parametrize("version", ["3.0", "3.31"])
def test_a_repeated_name_matches_nothing_a_repeated_status_is_its_last(cloud, version):
    """``name`` is popped once into ``display_name``; the ``name`` left behind is the model's
    Python property, no column (``[]``); a repeated ``status`` reaches ``filter_by`` as its
    last value."""
    headers = {"OpenStack-API-Version": f"volume {version}"}

    def names(query, collection="volumes"):
        path = f"/v3/{{project_id}}/{collection}?{query}"
        resp = cloud.request("block-storage", "GET", path, headers=headers)
        return [v["name"] for v in resp.json()[collection]]

    assert names("name=v0") == ["v0"]
    assert names("name=v0&name=v0") == []
    assert names("status=error&status=available") == names("")
    assert names("status=available&status=error") == []


def test_a_repeated_sort_sorts_by_its_first(cloud):
    def ids(query):
        return [v["id"] for v in get(cloud, query).json()["volumes"]]

    assert ids("sort=id:asc&sort=id:desc") == sorted(ids(""))
    assert ids("sort_key=id&sort_key=name&sort_dir=desc&sort_dir=asc")[0] == max(ids(""))


def test_snapshots_read_sorting_before_paging_volumes_after(cloud):
    """cinder 12.0.10/29.0.0: snapshots' ``_items`` calls ``get_sort_params`` before
    ``get_pagination_params``, ``_get_volumes`` after."""
    query = "sort=name&sort_key=id&limit=x"
    assert get(cloud, query).json()["badRequest"]["message"] == "limit param must be an integer"
    assert get(cloud, query, "snapshots").json()["badRequest"]["message"] == (
        "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with "
        "the 'sort' parameter."
    )


def test_rows_made_within_one_second_are_ordered_by_id():
    """``paginate_query`` sorts by ``created_at`` then ``id`` (``process_sort_params`` adds
    both, in the first direction), and MySQL keeps ``created_at`` to the whole second: three
    volumes made 0.1 s apart within one list by id, not by the fraction fakecloud's clock
    gave each (session 36's known difference)."""
    cloud = booted(seed=1, profile="upstream")
    cloud.advance(math.ceil(cloud.now) - cloud.now + 0.05)  # early in a second
    made = []
    for _ in range(3):
        body = {"volume": {"size": 1}}
        r = cloud.request("block-storage", "POST", "/v3/{project_id}/volumes", body=body)
        made.append(r.json()["volume"]["id"])
        cloud.advance(0.1)
    cloud.run_until_idle()
    assert made != sorted(made)  # the premise: creation order is not the ids' order
    shown = get(cloud, "", "volumes/detail").json()["volumes"]
    assert len({v["created_at"] for v in shown}) == 1  # one stored second
    assert [v["id"] for v in shown] == sorted(made, reverse=True)
    oldest_first = [v["id"] for v in get(cloud, "sort=created_at:asc").json()["volumes"]]
    assert oldest_first == sorted(made)
