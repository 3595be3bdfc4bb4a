"""A volume's entry in a volume-backed snapshot's ``block_device_mapping`` property is written
as text from its template (`snapshot_mapping_text`): the very text ``json.dumps`` gives for the
entry (`snapshot_image_mapping`), which is what Nova's Glance client sends
(``_convert_to_string`` of ``nova/image/glance.py``), whatever the template's values."""

import enum
import json
import random

import pytest

from fakecloud.nova.json_props import item_text, list_text
from fakecloud.nova.objects import (
    BDM_FIELDS,
    BlockDeviceMapping,
    snapshot_image_mapping,
    snapshot_mapping_text,
)


class _Text(str):
    pass


class _Number(enum.IntEnum):
    TWO = 2


_ODD = [
    None,
    "",
    "vda",
    "/dev/vdb",
    "d\u00e9j\u00e0",
    'q"uote',
    "back\\slash",
    "new\nline",
    "\u2028",
    "%s",
    "100%",
    "\U0001f600",
    _Text("sdx"),
    _Text(""),
    0,
    -1,
    7,
    2**70,
    True,
    False,
    1.5,
    float("nan"),
    float("inf"),
    -float("inf"),
    _Number.TWO,
    [1, "a"],
    {"k": None},
]
#: The fields the text takes from the template, and the snapshot id.
_COPIED = ("disk_bus", "device_type", "boot_index", "delete_on_termination", "volume_size")


def _templates():
    base = {"instance_uuid": "i-1", "source_type": "volume", "destination_type": "volume"}
    yield BlockDeviceMapping(**base)
    for name in (*_COPIED, "device_name"):  # each field alone at each value
        for value in _ODD:
            yield BlockDeviceMapping(**{**base, name: value})
    rng = random.Random(18)
    for _ in range(40):  # and all at once, the other fields too
        values = {name: rng.choice(_ODD) for name in BDM_FIELDS}
        yield BlockDeviceMapping(instance_uuid="i-1", **values)


@pytest.mark.parametrize("count", [14, 15, 19])
def test_text_is_the_entrys_json(count):
    for template in _templates():
        for snapshot_id in ("5f1c4a2e-0c1b-4c2a-9d1e-2b3c4d5e6f70", "", _Text("s"), None):
            try:
                name_ok = True
                expected = json.dumps(snapshot_image_mapping(snapshot_id, template, count))
            except AttributeError:  # a device name with no startswith: both fail alike
                name_ok = False
            if name_ok:
                assert snapshot_mapping_text(snapshot_id, template, count) == expected
            else:
                with pytest.raises(AttributeError):
                    snapshot_mapping_text(snapshot_id, template, count)


def test_the_list_of_entries_is_the_lists_json():
    entries = [{"a": 1, "b": [None, "x"]}, {}, {"c": "\u00e9"}, [], "s", None, 3, 2.5]
    assert list_text([item_text(e) for e in entries]) == json.dumps(entries)
    assert list_text([]) == json.dumps([])


def test_an_unserialisable_value_fails_as_json_dumps_does():
    template = BlockDeviceMapping(
        instance_uuid="i-1", source_type="volume", destination_type="volume", disk_bus=object()
    )
    with pytest.raises(TypeError, match="is not JSON serializable"):
        snapshot_mapping_text("s", template, 19)
