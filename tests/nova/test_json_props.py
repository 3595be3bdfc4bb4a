"""Nova's JSON image properties read back as `json.loads` reads them: the same values and
types, a fresh copy each time, whether or not `json_props.dumps` remembered the value."""

import enum
import json

import pytest

from fakecloud.nova import json_props


class Bus(enum.IntEnum):
    VIRTIO = 1


MAPPING = [
    {"boot_index": 0, "source_type": "snapshot", "snapshot_id": "s1", "tag": None},
    {"boot_index": -1, "delete_on_termination": True, "device_name": "/dev/vdb", "size": 2},
]
#: Values a JSON round trip changes (so `dumps` must not remember them) or that it keeps.
VALUES = [
    MAPPING,
    [],
    [{"n": Bus.VIRTIO}],
    [{"f": 1.5, "nested": {"a": [1, (2, 3)]}}],
    [{1: "int key"}],
    [("a", "tuple")],
    {"not": "a list"},
    [{"s": "\u00e9\ud800"}],
    "a string",
    [{"f": float("nan"), "g": float("inf"), "h": -float("inf"), "i": 10**30, "j": False}],
    [{"k": None, "l": [{"m": ['\n"\\']}]}],
]


def typed(value):
    """`value` with every type spelled out (``True`` and ``1`` compare equal)."""
    if isinstance(value, dict):
        return ("dict", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [typed(v) for v in value])
    return (type(value).__name__, value)


def test_a_round_trip_gives_what_json_gives():
    for value in VALUES:
        text = json_props.dumps(value)
        assert text == json.dumps(value)
        assert typed(json_props.loads(text)) == typed(json.loads(text))


def test_what_json_refuses_is_refused_alike():
    circular: list = []
    circular.append(circular)
    for value in (circular, [{"x": object()}], [{(1, 2): "tuple key"}]):
        with pytest.raises((ValueError, TypeError)) as expected:
            json.dumps(value)
        with pytest.raises(type(expected.value)) as got:
            json_props.dumps(value)
        assert str(got.value) == str(expected.value)


def test_each_read_is_a_fresh_copy():
    text = json_props.dumps(MAPPING)
    first = json_props.loads(text)
    first[0]["boot_index"] = 7
    first.append({})
    assert json_props.loads(text) == MAPPING


def test_texts_it_never_wrote_and_many_values_in_flight():
    texts = [json_props.dumps([{"i": i}]) for i in range(3 * json_props.REMEMBERED_VALUES)]
    assert [json_props.loads(t) for t in texts] == [[{"i": i}] for i in range(len(texts))]
    assert json_props.loads('[{"x": 1.0}]') == [{"x": 1.0}]
