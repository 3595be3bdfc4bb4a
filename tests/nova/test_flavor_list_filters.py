"""``GET /flavors[/detail]`` filters as ``_get_flavors`` reads them (nova 17.0.7 to 34.0.0
``compute/flavors.py``): ``minRam`` and ``minDisk`` as integers (400 "Invalid minRam filter
[x]" otherwise), an admin's ``is_public`` (``none`` for all, else a strict boolean: 400
"Invalid is_public filter [x]"), everyone else's public flavors only. Found by the session 13
fuzzing: fakecloud ignored all three."""

import pytest

from fakecloud import Cloud


@pytest.fixture(scope="module")
def cloud():
    return Cloud(seed=1, profile="upstream")


def listed(cloud, query, user="demo"):
    resp = cloud.request("compute", "GET", f"/v2.1/flavors/detail?{query}", user=user)
    return resp.status, resp.json()


@pytest.mark.parametrize(
    ("query", "message"),
    [("minRam=x", "Invalid minRam filter [x]"), ("minDisk=1.5", "Invalid minDisk filter [1.5]")],
)
def test_size_filters_are_integers(cloud, query, message):
    assert listed(cloud, query) == (400, {"badRequest": {"code": 400, "message": message}})


def test_size_filters_keep_flavors_at_least_that_big(cloud):
    status, body = listed(cloud, "minRam=2048&minDisk=20")
    assert status == 200 and body["flavors"]
    assert all(f["ram"] >= 2048 and f["disk"] >= 20 for f in body["flavors"])
    assert len(listed(cloud, "")[1]["flavors"]) > len(body["flavors"])


def test_is_public_is_an_admins_filter(cloud):
    everything = listed(cloud, "", "admin")[1]["flavors"]
    assert listed(cloud, "is_public=none", "admin")[1]["flavors"] == everything
    assert listed(cloud, "is_public=false", "admin")[1]["flavors"] == []
    assert listed(cloud, "is_public=maybe", "admin") == (
        400,
        {"badRequest": {"code": 400, "message": "Invalid is_public filter [maybe]"}},
    )
    assert listed(cloud, "is_public=maybe")[1]["flavors"] == everything  # ignored for members
