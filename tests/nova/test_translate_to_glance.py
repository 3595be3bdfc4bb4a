"""Nova's image dict as its Glance client sends it (`_translate_to_glance`, one pass) is what
``_convert_to_string``, ``_remove_read_only`` and ``_convert_to_v2`` make of it in turn
(``nova/image/glance.py``, written out below as they read): the same keys in the same order,
the same values and types, the same error, the caller's dict unchanged."""

import copy
import json
import random

from fakecloud.nova.image_api import _translate_to_glance


def _reference(image_meta):
    meta = dict(image_meta)
    props = meta.get("properties")
    if props:
        props = meta["properties"] = dict(props)
        for attr in ("block_device_mapping", "mappings"):
            if attr in props and not isinstance(props[attr], str):
                props[attr] = json.dumps(props[attr])
    for attr in ("status", "updated_at", "created_at", "deleted_at"):
        meta.pop(attr, None)
    out = {}
    for name, value in meta.items():
        if name == "properties":
            for key, prop in value.items():
                if (
                    key in ("kernel_id", "ramdisk_id")
                    and prop is not None
                    and prop.strip().lower() in ("none", "")
                ):
                    continue
                out[key] = prop if prop is None or isinstance(prop, str) else str(prop)
        elif name in ("min_ram", "min_disk"):
            out[name] = int(value)
        elif name == "is_public":
            out["visibility"] = "public" if value else "private"
        elif name in ("size", "deleted"):
            continue
        else:
            out[name] = value
    return out


class Text(str):
    pass


_TOP = {
    "name": ["snap", None],
    "min_ram": [0, 512, "64"],
    "min_disk": [1, "20"],
    "is_public": [True, False],
    "visibility": ["shared"],
    "size": [0, 10],
    "deleted": [False],
    "status": ["active"],
    "created_at": ["t"],
    "deleted_at": [None],
    "disk_format": ["qcow2"],
    "container_format": ["bare"],
}
_PROPS = {
    "kernel_id": ["None", " none ", "", None, "aki-1", "NONE", Text("none")],
    "ramdisk_id": ["ari-1", None, ""],
    "block_device_mapping": [[{"boot_index": 0, "tag": None}], "[]", []],
    "mappings": [[{"virtual": "root", "device": "vda"}], "[]"],
    "bdm_v2": [True, False],
    "hw_qemu_guest_agent": ["yes", None],
    "n": [3, 1.5, Text("x"), ("a",)],
    "image_type": ["snapshot"],
}


def _outcome(fn, meta):
    try:
        return [(k, type(v), v) for k, v in fn(meta).items()]
    except Exception as exc:  # noqa: BLE001 - compared as they are raised
        return type(exc).__name__


def test_one_pass_gives_what_the_three_steps_give():
    rng = random.Random(7)
    metas = [{}, {"properties": {}}, {"name": "x", "properties": None}]
    for _ in range(300):
        top = rng.sample(list(_TOP), rng.randint(0, len(_TOP)))
        meta = {name: rng.choice(_TOP[name]) for name in top}
        if rng.random() < 0.9:
            names = rng.sample(list(_PROPS), rng.randint(0, len(_PROPS)))
            props = {name: rng.choice(_PROPS[name]) for name in names}
            if rng.random() < 0.1:
                props["kernel_id"] = 5  # not text: the reference's strip() fails
            meta = {**meta, "properties": props}
            keys = list(meta)
            rng.shuffle(keys)
            meta = {k: meta[k] for k in keys}
        metas.append(meta)
    for meta in metas:
        before = copy.deepcopy(meta)
        assert _outcome(_translate_to_glance, meta) == _outcome(_reference, meta), meta
        assert meta == before
