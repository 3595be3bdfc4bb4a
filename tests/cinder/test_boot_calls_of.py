"""The Cinder calls of Nova's every boot handed over as the body's values
(`controllers.create_volume_of`, `create_attachment_of`, `update_attachment_of`,
`complete_attachment`) answer as the body's controllers do for the body Nova's Cinder client
sends: the same record or the same error, value by value around a valid request, in a Queens
and a current Cinder."""

import pytest
from cinder_support import MEMBER, MISSING, SERVER, create_snapshot, create_volume, glance_image

from fakecloud import Cloud
from fakecloud.api.microversion import Version
from fakecloud.cinder import controllers

NAMES = [None, "", "vol", "  padded  ", "x" * 255, "x" * 256, " " + "x" * 255, "bad\x07", "é", 7]
V3_0, V3_44, V3_60 = Version.parse("3.0"), Version.parse("3.44"), Version.parse("3.60")
CONNECTOR = {"host": "cmp-1", "initiator": "iqn.1993-08.org.debian:01:cmp-1"}


def outcome(call, *args):
    try:
        made = call(*args)
    except Exception as exc:  # noqa: BLE001 - the error is the answer compared
        return type(exc).__name__, str(exc)
    if made is None or type(made) is int:  # complete_attachment's None, attachment_action's 204
        return ("done",)
    fields = ("size", "display_name", "display_description", "availability_zone", "multiattach")
    fields += ("snapshot_id", "image_id", "metadata", "attach_status", "instance_uuid", "status")
    kept = tuple(getattr(made, f, "-") for f in fields)
    return "made", getattr(getattr(made, "volume_type", None), "name", "-"), kept


def volume_body(size, snapshot_id, name, description, volume_type, zone, image_ref):
    return {
        "volume": {
            "size": size,
            "consistencygroup_id": None,
            "snapshot_id": snapshot_id,
            "name": name,
            "description": description,
            "volume_type": volume_type,
            "availability_zone": zone,
            "metadata": {},
            "imageRef": image_ref,
            "source_volid": None,
        }
    }


def volume_cases(snap, image):
    base = (1, None, "", "", None, None, None)
    around = {
        0: [1, None, 0, -1, 2**31 - 1, 2**31, True, "1", 1.5],
        1: [snap, snap.upper(), "{" + snap + "}", snap.replace("-", ""), MISSING, "no", 5],
        2: NAMES,
        3: NAMES,
        4: [None, "", "lvmdriver-1", "nope", "x" * 256, 7],
        5: [None, "nova", "", "x" * 256, "elsewhere", 3],
        6: [None, image, f"http://glance/v2/images/{image}", "", "x" * 256, 5],
    }
    for i, values in around.items():
        for value in values:
            yield (*base[:i], value, *base[i + 1 :])


@pytest.mark.parametrize(("profile", "versions"), [("seed", (V3_0,)), ("upstream", (V3_0, V3_60))])
def test_volume_create_values_answer_as_the_body(profile, versions):
    cloud = Cloud(profile=profile, config={"cinder": {"quota_volumes": -1, "quota_snapshots": -1}})
    cinder = cloud.cinder
    snap = create_snapshot(cloud, create_volume(cloud, size=1))
    image = glance_image(cloud, size=1024)
    seen = set()
    for case in volume_cases(snap, image):
        for version in versions:
            direct = outcome(controllers.create_volume_of, cinder, MEMBER, *case, version)
            body = volume_body(*case)
            full = outcome(controllers.create_volume, cinder, MEMBER, body, version)
            assert direct == full, (case, version)
            seen.add(direct[0])
    assert {"made", "Invalid", "VolumeTypeNotFoundByName"} <= seen, seen


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_attachment_calls_values_answer_as_the_body(profile):
    cloud = Cloud(profile=profile, config={"cinder": {"quota_volumes": -1}})
    cinder = cloud.cinder
    ids = [
        lambda v: v,
        str.upper,
        lambda v: v.replace("-", ""),
        lambda v: MISSING,
        lambda v: "no",
        lambda v: None,
        lambda v: 5,
    ]
    base = (ids[0], SERVER, CONNECTOR, V3_44)
    around = {
        0: ids,
        1: [SERVER.upper(), "no", None],
        2: [None, {}, "x"],
        3: [Version.parse("3.0"), Version.parse("3.54")],
    }
    cases = [(*base[:i], v, *base[i + 1 :]) for i, values in around.items() for v in values]
    vids = [create_volume(cloud, size=1, settle=False) for _ in range(2 * len(cases) + 2)]
    cloud.run_until_idle()
    seen = set()
    for n, (id_of, server, connector, version) in enumerate(cases):
        own, twin = id_of(vids[2 * n]), id_of(vids[2 * n + 1])
        args = (server, connector, version)
        direct = outcome(controllers.create_attachment_of, cinder, MEMBER, own, *args)
        body = {
            "attachment": {"instance_uuid": server, "connector": connector, "volume_uuid": twin}
        }
        full = outcome(controllers.create_attachment, cinder, MEMBER, body, version)
        if type(twin) is str:  # an error names the volume it was given
            full = tuple(x.replace(twin, own) if type(x) is str else x for x in full)
        assert direct == full, (own, *args)
        seen.add(direct[0])
    assert {"made", "ValidationError", "VolumeNotFound"} <= seen, seen
    vids = vids[-2:]
    # Update, then complete, each way on a pair of twin attachments; and errors.
    pairs = []
    for vid in vids:
        made = controllers.create_attachment_of(cinder, MEMBER, vid, SERVER, None, V3_44)
        pairs.append(made.id)
    for connector in ({}, "x", None, CONNECTOR):
        for version in (Version.parse("3.0"), V3_44):
            direct = outcome(
                controllers.update_attachment_of, cinder, MEMBER, pairs[0], connector, version
            )
            body = {"attachment": {"connector": connector}}
            full = outcome(controllers.update_attachment, cinder, MEMBER, pairs[1], body, version)
            assert direct == full, (connector, version)
    missing = outcome(controllers.update_attachment_of, cinder, MEMBER, MISSING, CONNECTOR, V3_44)
    body = {"attachment": {"connector": CONNECTOR}}
    assert missing == outcome(controllers.update_attachment, cinder, MEMBER, MISSING, body, V3_44)
    for version in (Version.parse("3.0"), Version.parse("3.30"), V3_44):
        for own, twin in ((pairs[0], pairs[1]), (MISSING, MISSING)):
            direct = outcome(controllers.complete_attachment, cinder, MEMBER, own, version)
            body = {"os-complete": None}
            full = outcome(controllers.attachment_action, cinder, MEMBER, twin, body, version)
            assert direct == full, (own, version)
    assert cinder.attachment_api.get(MEMBER, pairs[0]).attach_status == "attached"
    assert cinder.attachment_api.get(MEMBER, pairs[1]).attach_status == "attached"
