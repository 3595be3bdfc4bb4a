"""The image schema's quick check never accepts what jsonschema refuses.

`ImageSchema.validate` (image create, PATCH values, tags) first runs a per-property check that
costs microseconds and calls jsonschema only when that check is unsure, so that a 400 carries
jsonschema's words. The quick check must say "fine" only for bodies the full JSON Schema
validation accepts: every property of the schema, and an extra one, meets the values at each
edge the check decides on, and each body it accepts is validated by jsonschema as well.
"""

import jsonschema

from fakecloud.glance.schema import ImageSchema

UUID = "12345678-1234-5678-1234-567812345678"
VALUES = [
    None,
    True,
    False,
    0,
    -1,
    7,
    2.0,
    2.5,
    "",
    "x",
    "x" * 32,
    "x" * 33,
    "x" * 255,
    "x" * 256,
    UUID,
    UUID.upper(),
    UUID[:-1],
    "qcow2",
    "bare",
    "public",
    "shared",
    "queued",
    "on_image_deletion",
    [],
    ["a", "b"],
    ["x" * 256],
    [1],
    {},
    {"url": "file:///x", "metadata": {}},
    [{"url": "file:///x", "metadata": {}}],
]


def test_the_quick_check_accepts_only_what_jsonschema_accepts():
    schema = ImageSchema(["raw", "qcow2"], ["bare", "ovf"])
    raw = schema.raw()
    full = jsonschema.validators.validator_for(raw)(raw)
    wrong, accepted = [], 0
    for key in [*schema.properties, "some_custom_key"]:
        for value in VALUES:
            body = {key: value}
            if schema._fits_all(body):
                accepted += 1
                if not full.is_valid(body):
                    wrong.append(body)
    assert not wrong, f"the quick check accepts what jsonschema refuses: {wrong}"
    assert accepted > 100  # the quick path is taken, not only the slow one
    # What Nova sends for a snapshot takes the quick path.
    body = {
        "name": "snap",
        "container_format": "bare",
        "disk_format": "qcow2",
        "min_ram": 0,
        "min_disk": 1,
        "visibility": "private",
        "instance_uuid": UUID,
        "tags": [],
        "kernel_id": None,
    }
    assert schema._fits_all(body)
    schema.validate(body)


class _Text(str):
    """A str subclass: jsonschema takes it as a string, the quick check leaves it to jsonschema."""


def test_the_quick_check_on_whole_bodies_accepts_only_what_jsonschema_accepts():
    # Nova's snapshot body with each key's value (and one custom key's) bent in turn: a body
    # is judged as a whole, its checked keys one by one and the others' values counted.
    schema = ImageSchema(["raw", "qcow2"], ["bare", "ovf"])
    raw = schema.raw()
    full = jsonschema.validators.validator_for(raw)(raw)
    base = {
        "min_ram": 0,
        "min_disk": 20,
        "hw_qemu_guest_agent": "yes",
        "instance_uuid": UUID,
        "image_type": "snapshot",
        "name": "x",
        "visibility": "private",
        "disk_format": "qcow2",
    }
    wrong, accepted, refused = [], 0, 0
    for key in [*base, "os_distro", "kernel_id", "some_custom_key"]:
        for value in [*VALUES, _Text("x")]:
            body = {**base, key: value}
            if schema._fits_all(body):
                accepted += 1
                if not full.is_valid(body):
                    wrong.append(body)
            else:
                refused += 1
    assert not wrong, f"the quick check accepts what jsonschema refuses: {wrong}"
    assert accepted > 30 and refused > 30
    assert schema._fits_all(base)


def test_a_create_body_is_checked_and_split_in_one_pass_as_in_two():
    """`ImageSchema.split` (the quick check and the create's split in one pass) takes the
    quick path exactly where `_fits_all` does, and splits as the create's own loop does (the
    custom properties in the body's order), for Nova's snapshot body with each value bent."""
    from fakecloud.glance.images import _NOT_EXTRA, _QUEENS_NOT_EXTRA, _split

    schema = ImageSchema(["raw", "qcow2"], ["bare", "ovf"])
    base = {"min_ram": 0, "hw_qemu_guest_agent": "yes", "name": "x", "tags": [], "bdm_v2": "True"}
    for not_extra in (_NOT_EXTRA, _QUEENS_NOT_EXTRA):
        taken = 0
        for key in [*base, "os_hidden", "kernel_id", "owner", "id"]:
            for value in [*VALUES, _Text("x")]:
                body = {**base, key: value}
                split = schema.split(body, not_extra)
                assert (split is not None) is schema._fits_all(body), body
                if split is not None:
                    taken += 1
                    attrs, extras = split
                    want_attrs, want_extras = _split(body, not_extra)
                    assert attrs == want_attrs
                    assert list(extras.items()) == list(want_extras.items())
        assert taken > 30
