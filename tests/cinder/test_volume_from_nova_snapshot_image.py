"""A volume made from the image Nova's ``createImage`` leaves of a volume-backed server (size
0, a ``block_device_mapping`` naming the boot volume's Cinder snapshot): from microversion 3.46
(``SUPPORT_NOVA_IMAGE``) Cinder makes it from that snapshot, before it from the image's bytes;
a snapshot the caller cannot see is a 404 at any microversion (``VolumeController.
_get_image_snapshot``, cinder 12.0.0 on). ``openstack --os-volume-api-version 3.46 volume
create --image SNAP`` made a volume of the empty image (session 25)."""

import json

from cinder_support import (
    GLANCE_JSON,
    MEMBER,
    MISSING,
    call,
    create_snapshot,
    create_volume,
    fault,
    glance_image,
)

from fakecloud.api.http import Request
from tests.booted import booted


def _nova_image(cloud, snapshot_id):
    bdm = {"source_type": "snapshot", "destination_type": "volume", "boot_index": 0,
           "snapshot_id": snapshot_id, "volume_size": 1}  # fmt: skip
    return glance_image(cloud, 0, block_device_mapping=json.dumps([bdm]), bdm_v2="True")


def test_a_nova_snapshot_image_makes_the_volume_from_its_snapshot_from_3_46():
    cloud = booted(seed=25)
    snapshot_id = create_snapshot(cloud, create_volume(cloud))
    body = {"volume": {"size": 1, "imageRef": _nova_image(cloud, snapshot_id)}}
    made = {v: call(cloud, "POST", "volumes", body, version=v).json()["volume"] for v in
            ("3.45", "3.46")}  # fmt: skip
    assert (made["3.45"]["snapshot_id"], made["3.46"]["snapshot_id"]) == (None, snapshot_id)
    gone = {"volume": {"size": 1, "imageRef": _nova_image(cloud, MISSING)}}
    assert fault(call(cloud, "POST", "volumes", gone, version="3.0")) == (
        "itemNotFound",
        404,
        f"Nova specific image is found, but boot volume snapshot id:{MISSING} not found.",
    )


def test_below_3_46_the_volume_keeps_the_decoded_mapping_on_which_its_upload_fails():
    """Cinder's image service JSON-decodes ``block_device_mapping`` (``_convert_from_string``)
    and ``volume_glance_metadata_create`` stores ``str()`` of the list: Python's repr, which
    ``_merge_volume_image_meta`` copies into the uploaded image (``_json_dumps`` leaves a
    string). Glance makes that image, but Cinder's reading of Glance's answer fails to decode
    the repr: the action's 400 with the ``ValueError``'s text, the volume ``available`` again,
    the image left ``queued``; a volume of it is refused like a missing image (its show fails
    the same way). 12.0.10 to 29.0.0 alike."""
    cloud = booted(seed=25)
    snapshot_id = create_snapshot(cloud, create_volume(cloud))
    body = {"volume": {"size": 1, "imageRef": _nova_image(cloud, snapshot_id)}}
    vid = call(cloud, "POST", "volumes", body, version="3.45").json()["volume"]["id"]
    cloud.run_until_idle()
    meta = call(cloud, "GET", f"volumes/{vid}").json()["volume"]["volume_image_metadata"]
    mapping = (
        "[{'source_type': 'snapshot', 'destination_type': 'volume', 'boot_index': 0, "
        f"'snapshot_id': '{snapshot_id}', 'volume_size': 1}}]"
    )
    assert (meta["block_device_mapping"], meta["bdm_v2"]) == (mapping, "True")
    upload = {"os-volume_upload_image": {"image_name": "up"}}
    assert fault(call(cloud, "POST", f"volumes/{vid}/action", upload)) == (
        "badRequest",
        400,
        "Expecting property name enclosed in double quotes: line 1 column 3 (char 2)",
    )
    assert call(cloud, "GET", f"volumes/{vid}").json()["volume"]["status"] == "available"
    (image,) = cloud.glance.api.call(
        Request.build(
            "GET", "/v2/images", query={"name": "up"}, context=MEMBER, headers=GLANCE_JSON
        )
    ).json()["images"]
    assert (image["status"], image["block_device_mapping"]) == ("queued", mapping)
    again = {"volume": {"size": 1, "imageRef": image["id"]}}
    assert fault(call(cloud, "POST", "volumes", again)) == (
        "badRequest",
        400,
        "Invalid image identifier or unable to access requested image.",
    )
