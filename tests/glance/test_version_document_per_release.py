"""The version document each Glance lists, with and without an image cache: read from each
release's ``glance/api/versions.py`` ``Controller.index`` (16.0.1-32.0.0 from the
openstack/glance tags, 18.0.0-33.0.0 from the PyPI wheels), written out here by hand rather
than from fakecloud's table. Without ``enabled_backends`` (fakecloud has one store), so never
2.8 or 2.10-2.13; v1 never (devstack queens-eol sets ``enable_v1_api`` off)."""

import pytest

from fakecloud import Cloud

OLD = ["2.7", "2.6", "2.5", "2.4", "2.3", "2.2", "2.1", "2.0"]

# (profile, its Glance, without a cache, with one): "*" is CURRENT, the rest SUPPORTED
CASES = [
    ("seed", "16.x", ["2.6*", *OLD[2:]], None),
    ("nova-18.3.0", "17.x", ["2.7*", *OLD[1:]], None),
    # 2.8 is enabled_backends' alone; 2.9 CURRENT from 19.0.0 (515412b59)
    ("nova-20.6.1", "19.x", ["2.9*", *OLD], ["2.9*", *OLD]),
    ("nova-24.2.1", "23.x", ["2.9*", *OLD], ["2.9*", *OLD]),
    # 24.0.0: the cache API, 2.14 and 2.15, listed by image_cache_dir; 2.9 SUPPORTED
    ("nova-25.0.0", "24.0.0", ["2.15*", "2.9", *OLD], ["2.15*", "2.14", "2.9", *OLD]),
    # 24.1.0 (55c000ee1d): 2.16 with the cache
    ("nova-25.0.1", "24.1.0", ["2.15*", "2.9", *OLD], ["2.16*", "2.15", "2.14", "2.9", *OLD]),
    ("nova-29.0.0", "28.x", ["2.15*", "2.9", *OLD], ["2.16*", "2.15", "2.14", "2.9", *OLD]),
    # 29.0.0 (6f4d9c434): 2.17, the location API, CURRENT after 2.9, whatever the cache
    (
        "nova-30.0.0",
        "29.x",
        ["2.15", "2.9", "2.17*", *OLD],
        ["2.16", "2.15", "2.14", "2.9", "2.17*", *OLD],
    ),
    (
        "nova-33.0.0",
        "32.x",
        ["2.15", "2.9", "2.17*", *OLD],
        ["2.16", "2.15", "2.14", "2.9", "2.17*", *OLD],
    ),
    # 33.0.0 (ec65276a6, cache clean and prune): with the cache 2.18 CURRENT first, then
    # 2.17 to 2.14; without, as 29.0.0
    (
        "upstream",
        "33.0.0",
        ["2.15", "2.9", "2.17*", *OLD],
        ["2.18*", "2.17", "2.16", "2.15", "2.14", "2.9", *OLD],
    ),
]


def _listed(cloud, path):
    resp = cloud.request("image", "GET", path, user=None)
    return resp.status, [
        v["id"][1:] + ("*" if v["status"] == "CURRENT" else "") for v in resp.json()["versions"]
    ]


@pytest.mark.parametrize(("profile", "glance", "plain", "cached"), CASES)
def test_each_glance_lists_its_versions(profile, glance, plain, cached):
    for cache, expected in ((False, plain), (True, cached)):
        if expected is None:  # image_cache_dir before Glance 18: not modelled
            continue
        cloud = Cloud(seed=0, profile=profile, config={"glance": {"image_cache": cache}})
        assert _listed(cloud, "/versions") == (200, expected), (glance, cache)
        assert _listed(cloud, "/") == (300, expected), (glance, cache)
        # every listed version reaches the v2 API; one past the newest is negotiated away
        newest = max(expected, key=lambda v: int(v.rstrip("*").split(".")[1]))
        minor = int(newest.rstrip("*").split(".")[1])
        ok = cloud.request("image", "GET", f"/v2.{minor}/images", user="demo")
        assert ok.status == 200
        past = cloud.request("image", "GET", f"/v2.{minor + 1}/images", user="demo")
        assert past.status == 300
