"""`controllers.create_snapshot_of` (Nova's forced snapshots, handed over as the body's values)
answers as `controllers.create_snapshot` does for the body Nova's Cinder client sends: the same
snapshot or the same error, value by value around a valid request, in a Queens and a current
Cinder."""

import pytest
from cinder_support import MEMBER, MISSING, create_volume

from fakecloud import Cloud
from fakecloud.api.microversion import Version
from fakecloud.cinder import controllers

NAMES = [None, "", "snap", "  padded  ", "x" * 255, "x" * 256, " " + "x" * 255, "bad\x07", "é ✓", 7]
V3_0, V3_66 = Version.parse("3.0"), Version.parse("3.66")


def outcome(create, *args):
    try:
        snap = create(*args)
    except Exception as exc:  # noqa: BLE001 - the error is the answer compared
        return type(exc).__name__, str(exc)
    return "created", snap.display_name, snap.display_description, snap.volume_id, snap.metadata


def body_of(volume_id, force, name, description):
    return {
        "snapshot": {
            "volume_id": volume_id,
            "force": force,
            "name": name,
            "description": description,
            "metadata": {},
        }
    }


def cases(vid):
    base = (vid, True, "snapshot for snap-1", "root disk", V3_0)
    ids = [vid, vid.upper(), "{" + vid + "}", vid.replace("-", ""), "not-a-uuid", MISSING, None, 5]
    yield from ((v, *base[1:]) for v in ids)
    yield from ((vid, True, n, *base[3:]) for n in NAMES)
    yield from ((vid, True, base[2], d, V3_0) for d in NAMES)
    yield from ((vid, f, *base[2:4], v) for f in (True, False) for v in (V3_0, V3_66))


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_values_answer_as_the_body(profile):
    cloud = Cloud(profile=profile, config={"cinder": {"quota_snapshots": -1}})
    vid = create_volume(cloud, size=1)
    cinder = cloud.cinder
    seen = set()
    for volume_id, force, name, description, version in cases(vid):
        direct = outcome(
            controllers.create_snapshot_of,
            *(cinder, MEMBER, volume_id, force, name, description, version),
        )
        body = body_of(volume_id, force, name, description)
        full = outcome(controllers.create_snapshot, cinder, MEMBER, body, version)
        assert direct == full, (volume_id, force, name, description, version)
        seen.add(direct[0])
    assert seen >= {"created", "ValidationError", "VolumeNotFound"}, seen


@pytest.mark.parametrize("no_gb", [False, True])
def test_a_snapshots_quota_deltas_are_the_per_type_copies_in_order(no_gb):
    """`SnapshotAPI.quota_deltas` (the per-type names made once per type) gives what
    `add_volume_type_opts` of the snapshot's own deltas gives, keys in the same order."""
    cloud = Cloud(config={"cinder": {"no_snapshot_gb_quota": no_gb}})
    api, quotas = cloud.cinder.snapshot_api, cloud.cinder.quotas
    for type_name in (None, "", "lvmdriver-1", "gold", "lvmdriver-1"):
        own = {"snapshots": 1} if no_gb else {"snapshots": 1, "gigabytes": 3}
        want = quotas.add_volume_type_opts(own, type_name)
        assert list(api.quota_deltas(3, type_name).items()) == list(want.items())
