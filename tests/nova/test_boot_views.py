"""What a boot reads of Nova's dicts of a root snapshot and volume (`volume_api`'s
``for_boot`` views) is what Nova's full views hold under those keys: a volume made from an
image (with image metadata) and one without, a snapshot of each."""

from __future__ import annotations

from fakecloud import Cloud
from fakecloud.nova import volume_api
from fakecloud.nova.compute.api import _bootable_volume_meta


def _request(cloud: Cloud, path: str, body: dict) -> str:
    r = cloud.request("volumev3", "POST", "/v3/{project_id}/" + path, body=body)
    assert r.status == 202, r.json()
    cloud.run_until_idle()
    return r.json()[path[:-1]]["id"]


def _meta(volume: dict) -> object:
    try:
        return _bootable_volume_meta(volume)
    except Exception as exc:  # noqa: BLE001 - the error is the answer compared
        return type(exc).__name__, str(exc)


def test_the_boot_views_hold_what_the_full_views_hold():
    cloud = Cloud()
    images = cloud.request("image", "GET", "/v2/images?name=cirros-0.6.2-x86_64-qga").json()
    image = images["images"][0]["id"]
    cinder = cloud.cinder
    context = cloud.context()
    seen = set()
    for extra in ({"imageRef": image}, {}):
        vid = _request(cloud, "volumes", {"volume": {"size": 1, **extra}})
        sid = _request(cloud, "snapshots", {"snapshot": {"volume_id": vid}})
        vol = cinder.volume_api.get(context, vid)
        snap = cinder.snapshot_api.get(context, sid)
        full = volume_api._untranslate_volume_summary_view(cinder, context, vol)
        narrow = volume_api._volume_for_boot(cinder, context, vol)
        assert narrow == {k: full[k] for k in ("id", "size", "bootable", "volume_image_metadata")
                          if k in full}  # fmt: skip
        assert _meta(narrow) == _meta(full)
        full = volume_api._untranslate_snapshot_summary_view(cinder, context, snap)
        narrow = volume_api._snapshot_for_boot(cinder, context, snap)
        assert narrow == {k: full[k] for k in ("id", "volume_id", "size", "volume_size")}
        seen.add("volume_image_metadata" in volume_api._volume_for_boot(cinder, context, vol))
    assert seen == {True, False}
