"""Formats 3 and 4 (session 46): a configuration default may follow the release (3, Nova's
image list page) or be corrected (4, Nova's rbd pool). A file of an earlier format left a key
at its default out, relying on the default of its day: it loads with that value
(`fakecloud.state.versions.EARLIER_DEFAULTS`), and a save writes it. A format-2 file is a
format-3 one's bytes but for its version and those keys, so one saved today and marked 2 is
what session 45's fakecloud wrote for the same world."""

from __future__ import annotations

import json

import pytest

from fakecloud import Cloud
from fakecloud.errors import StateError
from fakecloud.state import FORMAT_VERSION, dumps, loads

#: Images in Glance besides the three base ones: more than python-glanceclient's 20 a page.
MORE = 18


def _with_images(profile: str, config: dict | None = None) -> Cloud:
    cloud = Cloud(seed=2, profile=profile, config=config)
    for n in range(MORE):
        body = {"name": f"i{n}", "disk_format": "qcow2", "container_format": "bare"}
        assert cloud.request("image", "POST", "/v2/images", body=body).status == 201
    return cloud


def _pages(cloud: Cloud) -> int:
    """How many ``GET /v2/images`` round trips Nova's image list makes (no page_size given:
    python-glanceclient's own)."""
    mark = len(cloud.trace)
    r = cloud.request("compute", "GET", "/v2.1/images")
    assert r.status == 200 and len(r.json()["images"]) == MORE + 3
    return sum(
        1
        for e in cloud.trace[mark:]
        if e["kind"] == "http.request"
        and e.get("callee") == "glance-api"
        and e.get("call") == "list"
    )


def _as_version(text: str, version: int) -> str:
    data = json.loads(text)
    data["version"] = version
    return json.dumps(data)


@pytest.mark.parametrize(("profile", "pages"), [("nova-25.0.0", 2), ("nova-26.0.0", 1)])
def test_a_world_lists_images_in_its_releases_pages_and_a_format_2_file_20_a_page(profile, pages):
    text = dumps(_with_images(profile))
    assert json.loads(text)["version"] == FORMAT_VERSION == 4
    assert "page_size" not in json.loads(text)["cloud"]["config"].get("image_api", {})
    assert _pages(loads(text, cloud_class=Cloud)) == pages
    # saved by session 45's fakecloud, whose default was 20 on every release
    old = loads(_as_version(text, 2), cloud_class=Cloud)
    assert old.kernel.config.image_api.page_size == 20
    assert _pages(old) == 2
    again = json.loads(dumps(old))
    assert again["version"] == 4 and again["cloud"]["config"]["image_api"] == {"page_size": 20}
    assert _pages(loads(json.dumps(again), cloud_class=Cloud)) == 2


def test_a_format_2_file_keeps_the_page_size_it_names():
    text = dumps(_with_images("nova-26.0.0", {"image_api": {"page_size": 5}}))
    old = loads(_as_version(text, 2), cloud_class=Cloud)
    assert old.kernel.config.image_api.page_size == 5
    assert _pages(old) == 5  # 21 images, 5 a page: the last page is the fifth


@pytest.mark.parametrize("version", [FORMAT_VERSION + 1, 10**6])
def test_a_file_of_a_newer_format_is_refused_naming_the_file_and_field(tmp_path, version):
    path = tmp_path / "later.json"
    path.write_text(_as_version(dumps(Cloud(seed=1)), version))
    with pytest.raises(StateError) as info:
        Cloud.load(path)
    said = str(info.value)
    assert said.startswith(f"{path} is fakecloud state format {version} ")
    assert '"version" field' in said and "newer than this fakecloud knows" in said
    assert said.endswith("reads formats 1, 2, 3 and 4")


@pytest.mark.parametrize("version", [0, -2, "3", 2.0, None])
def test_a_version_fakecloud_never_wrote_is_refused_as_edited(version):
    text = _as_version(dumps(Cloud(seed=1)), version)
    with pytest.raises(StateError, match=r'"version" field\), not a version fakecloud ever wrote'):
        loads(text, cloud_class=Cloud, source="w.json")


@pytest.mark.parametrize(("version", "pool"), [(2, "vms"), (3, "vms"), (4, "rbd")])
def test_a_file_before_format_4_reads_the_rbd_pool_of_its_day(version, pool):
    # nova.rbd_pool ([libvirt] images_rbd_pool) is Nova's rbd since format 4, devstack's vms
    # before: a file that does not name it was saved at vms (a format-1 file names every key:
    # test_format_compatibility's, vms)
    data = json.loads(dumps(Cloud(seed=1)))
    assert "nova" not in data["cloud"]["config"]
    data["version"] = version
    loaded = loads(json.dumps(data), cloud_class=Cloud)
    assert loaded.kernel.config.nova.rbd_pool == pool
    written = json.loads(dumps(loaded))["cloud"]["config"]
    assert written.get("nova") == ({"rbd_pool": "vms"} if pool == "vms" else None)
