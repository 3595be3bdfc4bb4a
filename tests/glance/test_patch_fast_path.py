"""The PATCH reader's short path gives exactly the full reading's answers.

`parse_patch` reads an ``add``/``replace`` of one writable property whose value the schema's
quick check accepts (every operation Nova's snapshot upload sends) without decoding the
pointer, building the change in steps and validating a one-key document; every other
operation goes through the full reading. Held here to `parse_patch_in_full` on drawn patch
documents, valid and invalid, in both dialects, for schemas of several Glance series and
reserved namespaces: the same change list, or the same error (class, status, explanation).
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakecloud.glance.errors import GlanceHttpError
from fakecloud.glance.patch import (
    IMPORT_LOCK,
    LATEST_RESERVED,
    RESERVED,
    RESERVED_NAMESPACE,
    Reserved,
    _writable,
    parse_patch,
    parse_patch_in_full,
)
from fakecloud.glance.schema import ImageSchema
from tests.robustness.fuzz_scale import SCALE

SETTINGS = settings(max_examples=10 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))

SCHEMAS = [
    ImageSchema.for_formats(["raw", "qcow2"], ["bare", "ovf"], glance)
    for glance in (16, 17, 20, 21, 33)
]
NAMESPACES = st.sampled_from(
    [
        LATEST_RESERVED,
        Reserved(namespaces=()),
        Reserved(RESERVED - {IMPORT_LOCK}, ()),
        Reserved(namespaces=(RESERVED_NAMESPACE, "x_")),
    ]
)

WRITABLE = ["name", "min_ram", "min_disk", "disk_format", "container_format", "visibility",
            "protected", "os_hidden", "tags", "instance_uuid", "kernel_id", "image_type", "owner",
            "block_device_mapping", "x_custom"]  # fmt: skip
READ_ONLY = ["id", "status", "checksum", "size", "os_hash_algo", "os_hash_value", "self"]
RESERVED_KEYS = ["locations", "location", "deleted", "os_glance_import_task", "os_glance_x"]
PROPERTY_POINTERS = st.one_of(
    st.sampled_from(WRITABLE), st.sampled_from(READ_ONLY), st.sampled_from(RESERVED_KEYS)
).map(lambda p: f"/{p}")
POINTERS = st.one_of(
    PROPERTY_POINTERS,
    PROPERTY_POINTERS,
    PROPERTY_POINTERS,
    st.sampled_from(
        [
            "/locations/-",
            "/locations/0",
            "/name ",
            "/ name",
            "/a~1b",
            "/a~0b",
            "/a~2b",
            "/a~",
            "//name",
            "/name/",
            "name",
            "/",
            "",
            "/tags/-",
            "/name/x",
        ]
    ),
    st.text(max_size=6).map(lambda t: "/" + t),
    st.none(),
    st.integers(),
    st.lists(st.text(max_size=2), max_size=1),
)
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-2, max_value=2**40),
    st.floats(allow_nan=False),
    st.sampled_from(
        [
            "",
            "snap",
            "x" * 255,
            "x" * 256,
            "qcow2",
            "bare",
            "private",
            "public",
            "12345678-1234-5678-1234-567812345678",
            "not-a-uuid",
        ]
    ),
    st.text(max_size=4),
    st.lists(st.one_of(st.text(max_size=3), st.integers(), st.just("y" * 256)), max_size=3),
    st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
)
OPS = st.one_of(
    st.sampled_from(["add", "replace"]),
    st.sampled_from(["add", "replace", "remove", "move", "test", None, 1]),
)


def _draft10():
    """Operations as Nova sends them (one property, add or replace), and any other shape."""
    nova_like = st.fixed_dictionaries(
        {
            "op": st.sampled_from(["add", "replace"]),
            "path": st.one_of(PROPERTY_POINTERS, st.sampled_from(["/name/x", "/tags/-", "/x/"])),
            "value": st.one_of(st.none(), st.text(max_size=4), VALUES),
        }
    )
    whole = st.fixed_dictionaries({"op": OPS, "path": POINTERS, "value": VALUES})
    bent = st.fixed_dictionaries(
        {}, optional={"op": OPS, "path": POINTERS, "value": VALUES, "from": POINTERS}
    )
    return st.one_of(nova_like, nova_like, whole, bent)


def _draft4():
    return st.fixed_dictionaries(
        {}, optional={"add": POINTERS, "replace": POINTERS, "remove": POINTERS, "value": VALUES}
    )


def _body(operation):
    return st.one_of(
        operation.map(lambda one: [one]),
        operation.map(lambda one: [one]),
        st.lists(st.one_of(operation, st.none(), st.text(max_size=2)), max_size=4),
        st.lists(operation, min_size=1, max_size=8),
        st.lists(operation, min_size=1, max_size=8),
        st.none(),
        st.dictionaries(st.text(max_size=2), st.text(max_size=2), max_size=1),
    )


def _answer(read, body, draft, schema, namespaces):
    try:
        return "ok", read(body, draft, schema, namespaces)
    except GlanceHttpError as exc:
        return type(exc).__name__, exc.code, exc.explanation


def _same_answers(body, draft, schema, namespaces):
    fast = _answer(parse_patch, body, draft, schema, namespaces)
    assert fast == _answer(parse_patch_in_full, body, draft, schema, namespaces)


@settings(SETTINGS, max_examples=20 * SCALE)
@given(data=st.data(), schema=st.sampled_from(SCHEMAS), namespaces=NAMESPACES)
def test_the_short_path_answers_as_the_full_reading(data, schema, namespaces):
    _same_answers(data.draw(_body(_draft10())), 10, schema, namespaces)


@SETTINGS
@given(data=st.data(), schema=st.sampled_from(SCHEMAS), namespaces=NAMESPACES)
def test_the_older_dialect_is_read_in_full_as_before(data, schema, namespaces):
    _same_answers(data.draw(_body(_draft4())), 4, schema, namespaces)


def test_every_single_operation_on_a_grid_answers_as_the_full_reading():
    # Deterministic: each operation alone (nothing before it to fail first), every op name,
    # a pointer of each kind and values at the quick check's edges, three series, two
    # reserved namespace settings.
    pointers = [f"/{p}" for p in WRITABLE + READ_ONLY + RESERVED_KEYS]
    pointers += ["/locations/-", "/name/x", "/name ", "/a~1b", "/a~2b", "//x", "/x/", "x"]
    values = [None, True, 0, "", "qcow2", "x" * 256, ["a"]]
    ops = ["add", "replace", "remove", "move", None]
    differ = []
    for schema in (SCHEMAS[0], SCHEMAS[2], SCHEMAS[-1]):
        for namespaces in (LATEST_RESERVED, Reserved(RESERVED - {IMPORT_LOCK}, ())):
            for op in ops:
                for pointer in pointers:
                    for value in values:
                        body = [{"op": op, "path": pointer, "value": value}]
                        fast = _answer(parse_patch, body, 10, schema, namespaces)
                        if fast != _answer(parse_patch_in_full, body, 10, schema, namespaces):
                            differ.append((schema.glance, namespaces, body))
    assert not differ


def test_novas_snapshot_patch_takes_the_short_path_and_reads_as_in_full():
    schema = SCHEMAS[-1]
    body = [
        {"op": "replace", "path": "/name", "value": "snap"},
        {"op": "add", "path": "/image_type", "value": "snapshot"},
        {"op": "add", "path": "/instance_uuid", "value": "12345678-1234-5678-1234-567812345678"},
        {"op": "replace", "path": "/disk_format", "value": "qcow2"},
        {"op": "replace", "path": "/container_format", "value": "bare"},
        {"op": "add", "path": "/min_disk", "value": 1},
        {"op": "remove", "path": "/kernel_id"},
    ]
    changes = parse_patch(body, 10, schema)
    assert changes == parse_patch_in_full(body, 10, schema)
    assert [c["path"] for c in changes] == [[op["path"][1:]] for op in body]
    writable = _writable(schema, LATEST_RESERVED)
    assert all(writable[op["path"]] for op in body if op["op"] != "remove")
    # a refused operation after accepted ones is still the one refused
    bad = [*body, {"op": "replace", "path": "/status", "value": "active"}]
    assert _answer(parse_patch, bad, 10, schema, LATEST_RESERVED) == (
        "HTTPForbidden",
        403,
        "Attribute 'status' is read-only.",
    )
