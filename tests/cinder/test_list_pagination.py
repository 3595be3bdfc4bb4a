"""How Cinder's volume and snapshot lists read ``limit``, ``marker`` and ``offset``
(``common.get_pagination_params``, the same from 12.0.10 to 29.0.0), first thing in the list:
``params.pop`` takes a parameter's first value; ``limit`` is refused in webob's plain words
(``HTTPBadRequest(explanation=...)``, no "Invalid input received: "), ``offset`` through
``validate_integer`` and then skipped over, and a marker is fetched by the database's paginate
query (``_generate_paginate_query``: ``get(context, marker)``), so one that does not exist is
that resource's 404. Found by the session 13 fuzzing: fakecloud ignored ``offset``, answered an
unknown marker 400 "marker [x] not found" (Nova's words), and ``limit=1&limit=x`` was a 500."""

import pytest

from fakecloud import Cloud


@pytest.fixture(scope="module", params=["seed", "upstream"])
def cloud(request):
    cloud = Cloud(seed=1, profile=request.param)
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
