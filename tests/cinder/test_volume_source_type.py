"""A volume made from a snapshot or a volume, asked of another type (``API.create``, 12.0.10 to
29.0.0): refused unless ``_retype_is_possible`` (both types name the same backend)."""

from cinder_support import ADMIN, P3, call, create_snapshot, create_volume, fault

from tests.booted import booted


def _type(cloud, name, **specs):
    body = {"volume_type": {"name": name, "extra_specs": specs}}
    return call(cloud, "POST", f"/v3/{P3}/types", body, ctx=ADMIN).json()["volume_type"]["id"]


def test_another_type_is_refused_unless_both_name_the_same_backend():
    cloud = booted(profile="upstream")
    vid = create_volume(cloud)
    sid = create_snapshot(cloud, vid)
    gold = _type(cloud, "gold")
    resp = call(cloud, "POST", "volumes", {"volume": {"snapshot_id": sid, "volume_type": gold}})
    assert fault(resp) == (
        "badRequest",
        400,
        f"Invalid input received: Invalid volume_type provided: {gold} (requested type is not "
        "compatible; recommend omitting the type argument).",
    )
    resp = call(cloud, "POST", "volumes", {"volume": {"source_volid": vid, "volume_type": gold}})
    assert fault(resp)[2].endswith("(requested type is not compatible; either match source "
                                   "volume, or omit type argument).")  # fmt: skip
    a, b = (
        _type(cloud, "a", volume_backend_name="lvmdriver-1"),
        _type(cloud, "b", volume_backend_name="lvmdriver-1"),
    )
    source = create_volume(cloud, volume_type=a)
    resp = call(cloud, "POST", "volumes", {"volume": {"source_volid": source, "volume_type": b}})
    assert resp.status == 202, resp.json()
