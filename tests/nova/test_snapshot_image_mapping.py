"""A volume-backed snapshot's image mapping of a volume, made in one step
(`snapshot_image_mapping`), is the dict of ``snapshot_from_bdm`` then ``get_image_mapping``
(``nova/block_device.py``): the same keys in the same order, the same values and types."""

import random

import pytest

from fakecloud.nova.objects import (
    BDM_FIELDS,
    BlockDeviceMapping,
    snapshot_from_bdm,
    snapshot_image_mapping,
)

_TEXT = [None, "", "vda", "/dev/vdb", "sdc", "virtio", "x"]
#: Each field the mapping could read, and values to try for it.
_VALUES = {
    "source_type": ["volume", "image", "blank", "snapshot"],
    "destination_type": ["volume", "local", None],
    "boot_index": [None, -1, 0, 2],
    "device_name": _TEXT,
    "delete_on_termination": [True, False, None, 0, 1, 2],
    "snapshot_id": _TEXT,
    "volume_id": _TEXT,
    "volume_size": [None, 0, 1, 40],
    "image_id": _TEXT,
    "no_device": [None, True, False],
    "disk_bus": _TEXT,
    "device_type": _TEXT,
    "guest_format": _TEXT,
    "tag": _TEXT,
    "volume_type": _TEXT,
    "encrypted": [None, True, False],
    "encryption_secret_uuid": _TEXT,
    "encryption_format": _TEXT,
    "encryption_options": _TEXT,
}


def _bdms():
    base = {"instance_uuid": "i-1", "source_type": "volume", "destination_type": "volume"}
    yield BlockDeviceMapping(**base)
    for name, values in _VALUES.items():  # each field alone at each of its values
        for value in values:
            yield BlockDeviceMapping(**{**base, name: value})
    rng = random.Random(5)
    for _ in range(60):  # and all of them at once
        yield BlockDeviceMapping(
            instance_uuid="i-1", **{name: rng.choice(v) for name, v in _VALUES.items()}
        )


def _typed(mapping):
    return [(key, type(value), value) for key, value in mapping.items()]


@pytest.mark.parametrize("count", [14, 15, 19, len(BDM_FIELDS)])
def test_one_step_mapping_is_snapshot_from_bdm_then_its_image_mapping(count):
    for bdm in _bdms():
        expected = snapshot_from_bdm("snap-1", bdm).get_image_mapping(count)
        assert _typed(snapshot_image_mapping("snap-1", bdm, count)) == _typed(expected)
