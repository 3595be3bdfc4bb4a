"""A volume-backed snapshot's image mapping of a volume, made in one step
(`snapshot_image_mapping`), is the dict of ``snapshot_from_bdm`` then ``get_image_mapping``
(``nova/block_device.py``): the same keys in the same order, the same values and types."""

from hypothesis import given, settings
from hypothesis import strategies as st

from fakecloud.nova.objects import (
    BDM_FIELDS,
    BlockDeviceMapping,
    snapshot_from_bdm,
    snapshot_image_mapping,
)

_TEXT = st.none() | st.sampled_from(["", "vda", "/dev/vdb", "sdc", "virtio", "disk", "x"])
_COUNTS = st.sampled_from([14, 15, 19, len(BDM_FIELDS)])


def _typed(mapping):
    return [(key, type(value), value) for key, value in mapping.items()]


@settings(max_examples=150, deadline=None)
@given(
    bdm=st.builds(
        BlockDeviceMapping,
        instance_uuid=st.just("i-1"),
        source_type=st.sampled_from(["volume", "image", "blank", "snapshot"]),
        destination_type=st.sampled_from(["volume", "local", None]),
        boot_index=st.none() | st.integers(-1, 3),
        device_name=_TEXT,
        delete_on_termination=st.booleans() | st.none() | st.integers(0, 2),
        snapshot_id=_TEXT,
        volume_id=_TEXT,
        volume_size=st.none() | st.integers(0, 40),
        image_id=_TEXT,
        no_device=st.none() | st.booleans(),
        disk_bus=_TEXT,
        device_type=_TEXT,
        guest_format=_TEXT,
        tag=_TEXT,
        volume_type=_TEXT,
        encrypted=st.none() | st.booleans(),
    ),
    snapshot_id=st.uuids().map(str),
    count=_COUNTS,
)
def test_one_step_mapping_is_snapshot_from_bdm_then_its_image_mapping(bdm, snapshot_id, count):
    expected = snapshot_from_bdm(snapshot_id, bdm).get_image_mapping(count)
    assert _typed(snapshot_image_mapping(snapshot_id, bdm, count)) == _typed(expected)
