"""The fast paths for hot request bodies give exactly jsonschema's answers.

createImage (Nova) and snapshot create (Cinder) are checked on every snapshot, so each has a
quick check that accepts only bodies its schema accepts and leaves every other body to the
full JSON Schema validation. These properties hold the quick checks to that: for bodies drawn
from the schema itself and for near misses, validating with the fast path answers exactly as
validating without it (accepted, or the same error).
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakecloud.cinder import exception as cinder_exception
from fakecloud.cinder import validation as cinder_validation
from fakecloud.nova import exception
from fakecloud.nova.api import schemas
from tests.robustness.fuzz_scale import SCALE

SETTINGS = settings(max_examples=6 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))

NAMES = st.one_of(
    st.text(min_size=0, max_size=8),
    st.sampled_from(["snap", " lead", "trail ", "a\n", "x" * 255, "x" * 256, "\u00e9t\u00e9"]),
)
UUIDS = st.one_of(
    st.uuids().map(str),
    st.uuids().map(lambda u: str(u).upper()),
    st.uuids().map(lambda u: u.hex),
    st.sampled_from(["not-a-uuid", "", "{12345678-1234-5678-1234-567812345678}"]),
)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False))
META_KEYS = st.one_of(
    st.from_regex(r"[a-zA-Z0-9-_:. ]{1,12}", fullmatch=True),
    st.sampled_from(["", "k\n", "bad/key", "x" * 256]),
)
META = st.dictionaries(META_KEYS, st.one_of(st.text(max_size=5), st.just("v" * 256), SCALARS))


def near_misses():
    """createImage-like bodies: right shape or one step off it."""
    entity = st.fixed_dictionaries(
        {},
        optional={
            "name": st.one_of(NAMES, SCALARS),
            "metadata": st.one_of(META, SCALARS, st.lists(st.text(max_size=2), max_size=2)),
            "snapshot_id": st.one_of(UUIDS, SCALARS),
            "extra": SCALARS,
        },
    )
    body = st.fixed_dictionaries(
        {"createImage": st.one_of(entity, SCALARS)}, optional={"x": SCALARS}
    )
    return st.one_of(body, SCALARS, st.lists(SCALARS, max_size=2))


def outcome(validator, body):
    try:
        validator.validate(body)
    except (exception.ValidationError, cinder_exception.CinderException) as exc:
        return type(exc).__name__, str(exc)
    return "accepted"


GOOD_META = st.dictionaries(
    st.from_regex(r"[a-zA-Z0-9-_:. ]{1,12}", fullmatch=True), st.text(max_size=8), max_size=3
)
VALID_CREATE_IMAGE = st.fixed_dictionaries(
    {
        "createImage": st.fixed_dictionaries(
            {"name": st.text(min_size=1, max_size=12)},
            optional={"metadata": GOOD_META, "snapshot_id": st.uuids().map(str)},
        )
    }
)


#: Bodies at every edge the quick check decides on, tried before the drawn ones.
EDGES = [
    {"createImage": {"name": "x" * 255}},
    {"createImage": {"name": "x" * 256}},
    {"createImage": {"name": "x", "metadata": {"k" * 255: "v" * 255}}},
    {"createImage": {"name": "x", "metadata": {"k" * 256: "v"}}},
    {"createImage": {"name": "x", "metadata": {"k": "v" * 256}}},
    {"createImage": {"name": "x", "metadata": {"k\n": "v"}}},
    {"createImage": {"name": "x", "metadata": {"k": 1}}},
    {"createImage": {"name": "x\n"}},
    {"createImage": {"name": " x"}},
    {"createImage": {"name": "x", "snapshot_id": "12345678-1234-5678-1234-567812345678"}},
    {"createImage": {"name": "x", "snapshot_id": "12345678123456781234567812345678"}},
    {"createImage": {"name": "x", "snapshot_id": "not-a-uuid"}},
    {"createImage": {"name": "x", "extra": 1}},
    {"createImage": {"metadata": {}}},
    {"createImage": {"name": "x"}, "other": 1},
]


@pytest.mark.parametrize("key", ["create_image", "create_image_vendor"])
def test_create_image_fast_path_answers_as_jsonschema_at_the_edges(key):
    fast = schemas.validator(key)
    full = schemas.SchemaValidator(fast.schema)
    assert fast.quick is not None and full.quick is None
    for body in EDGES:
        assert outcome(fast, body) == outcome(full, body), body


@pytest.mark.parametrize("key", ["create_image", "create_image_vendor"])
@SETTINGS
@given(body=st.one_of(VALID_CREATE_IMAGE, near_misses()))
def test_create_image_fast_path_answers_as_jsonschema(key, body):
    fast = schemas.validator(key)
    assert outcome(fast, body) == outcome(schemas.SchemaValidator(fast.schema), body)


def test_the_createimage_fast_path_takes_the_bodies_clients_send():
    quick = schemas.validator("create_image").quick
    assert quick({"createImage": {"name": "snap"}})
    assert quick({"createImage": {"name": "snap", "metadata": {"purpose": "backup"}}})
    assert not quick({"createImage": {"name": ""}})  # jsonschema words this error
    with pytest.raises(exception.ValidationError, match="should be non-empty"):
        schemas.validator("create_image").validate({"createImage": {"name": ""}})


#: The same schema under another identity: Cinder's fast path is keyed to the original.
FULL_SNAPSHOT_CREATE = dict(cinder_validation.SNAPSHOT_CREATE)


class _CinderSnapshotCreate:
    """Cinder's validation of SNAPSHOT_CREATE, with or without its fast path."""

    def __init__(self, fast):
        self.fast = fast

    def validate(self, body):
        if self.fast:
            cinder_validation.validate(cinder_validation.SNAPSHOT_CREATE, body)
        else:
            cinder_validation.validate(FULL_SNAPSHOT_CREATE, body)


@SETTINGS
@given(data=st.data())
def test_cinder_snapshot_create_fast_path_answers_as_jsonschema(data):
    snapshot = st.fixed_dictionaries(
        {},
        optional={
            "volume_id": st.one_of(UUIDS, SCALARS),
            "name": st.one_of(NAMES, SCALARS),
            "display_name": st.one_of(NAMES, SCALARS),
            "description": st.one_of(NAMES, SCALARS),
            "force": st.one_of(st.sampled_from(["true", "False", "yes", "maybe", 1]), SCALARS),
            "metadata": st.one_of(META, SCALARS),
        },
    )
    bodies = st.one_of(
        st.fixed_dictionaries(
            {
                "snapshot": st.fixed_dictionaries(
                    {"volume_id": st.uuids().map(str)},
                    optional={"name": NAMES, "force": st.booleans(), "metadata": GOOD_META},
                )
            }
        ),
        st.fixed_dictionaries({"snapshot": st.one_of(snapshot, SCALARS)}, optional={"x": SCALARS}),
    )
    body = data.draw(bodies)
    fast, full = _CinderSnapshotCreate(True), _CinderSnapshotCreate(False)
    assert outcome(fast, body) == outcome(full, body)


_SNAPSHOT_EDGES = {
    "volume_id": [None, "12345678-1234-4678-9234-567812345678", "x", "", 1, "A" * 36],
    "name": [None, "", "x" * 255, "x" * 256, "a\n", "\u00e9", 1, True, []],
    "display_name": [None, "x" * 255, "x" * 256, "\t", 2.0],
    "description": [None, "x" * 255, "x" * 256, "\x00", {}],
    "force": [True, False, None, "yes", "maybe", "TRUE", 1, 0],
    "metadata": [None, {}, {"k": "v"}, {"a/b": "v"}, {"k": "v" * 256}, {"": "v"}, [], "x"],
}


#: Queens' and 13.0.0's (their keys without '/': switch lp1798798), and equal schemas by other
#: identities (kept alive: validators are cached by identity).
_SNAPSHOT_CREATE_V12 = cinder_validation.keys_without_slash(cinder_validation.SNAPSHOT_CREATE_V12)
_SNAPSHOT_CREATE_13_0_0 = cinder_validation.keys_without_slash(cinder_validation.SNAPSHOT_CREATE)
_FULL_SNAPSHOT_CREATE_V12 = dict(_SNAPSHOT_CREATE_V12)
_FULL_SNAPSHOT_CREATE_13_0_0 = dict(_SNAPSHOT_CREATE_13_0_0)


@pytest.mark.parametrize(
    "quick, full",
    [
        (cinder_validation.SNAPSHOT_CREATE, FULL_SNAPSHOT_CREATE),
        (_SNAPSHOT_CREATE_V12, _FULL_SNAPSHOT_CREATE_V12),
        (_SNAPSHOT_CREATE_13_0_0, _FULL_SNAPSHOT_CREATE_13_0_0),
    ],
    ids=["current", "queens", "13.0.0"],
)
def test_cinder_snapshot_create_fast_path_at_each_fields_edges(quick, full):
    """Each field alone at its edge values (lengths 255 and 256, unprintable text, wrong
    types), and the volume id missing: the quick check answers as jsonschema."""
    base = {"volume_id": "12345678-1234-4678-9234-567812345678", "name": "snap"}
    bodies = [{"snapshot": {"name": "snap"}}, {"snapshot": base, "x": 1}]
    for field, values in _SNAPSHOT_EDGES.items():
        bodies += [{"snapshot": {**base, field: value}} for value in values]
    for body in bodies:

        def answer(which, body=body):
            try:
                cinder_validation.validate(which, body)
            except cinder_exception.CinderException as exc:
                return type(exc).__name__, str(exc)
            return "accepted"

        assert answer(quick) == answer(full), body


# -- server create (Nova) and Cinder's volume and attachment bodies -----------------------------
#
# Each body is a valid one with at most one field set to a value from that field's pool (valid
# values, edge values and wrong types), so each example sits where a quick check decides.

SERVER_BUCKETS = ["2.1", "2.19", "2.32", "2.37", "2.42", "2.57", "2.90"]
ID = "12345678-1234-4678-9234-567812345678"
EDGE_UUIDS = [ID, ID.upper(), ID.replace("-", ""), ID + "\n", "{" + ID + "}", "", "x"]
WRONG = [None, True, 0, 1, 1.0, -1, [], {}]
BDM = {
    "boot_index": 0,
    "uuid": ID,
    "source_type": "image",
    "destination_type": "volume",
    "volume_size": 1,
    "delete_on_termination": True,
}
BDM_POOLS = {
    "boot_index": [0, -1, None, "0", "-1", "1\n", "x", 1.0, True],
    "uuid": [ID, "a.b_c-d", "a/b", "", "x" * 255, "x" * 256, "x\n"],
    "source_type": ["image", "volume", "snapshot", "blank", "bogus"],
    "destination_type": ["volume", "local", "x"],
    "volume_size": [1, 0, "1", "0", 2**31 - 1, 2**31, 1.0, True],
    "delete_on_termination": [True, False, "true", "maybe", 1],
    "volume_id": EDGE_UUIDS,
    "device_name": ["/dev/vda", "vd a", "", "x" * 256],
    "disk_bus": ["virtio", "x" * 256],
    "tag": ["t", "a,b"],
    "no_device": [True],
}
SERVER_POOLS = {
    "name": ["s", "", " s", "s ", "s\n", "x" * 255, "x" * 256, "\u00e9t\u00e9"],
    "flavorRef": ["1", "", 1, 0, True, 1.0],
    "imageRef": ["", None, "x", *EDGE_UUIDS],
    "networks": ["none", "auto", "bogus", [], [{"uuid": ID}], [{"uuid": "x"}],
                 [{"uuid": ID, "fixed_ip": "10.0.0.1"}], [{"uuid": ID, "tag": "t"}],
                 [{"port": ID}], [{"uuid": ID, "fixed_ip": 1}], ["x"],
                 [{"uuid": ID, "fixed_ip": "x"}], [{"uuid": ID, "fixed_ip": "::1"}],
                 [{"uuid": ID, "port": None}], [{"uuid": ID, "port": ID}],
                 [{"uuid": ID, "port": "x"}]],
    "block_device_mapping_v2": [[], [BDM], [BDM, {**BDM, "boot_index": -1}], [1], "x"],
    "metadata": [{}, {"k": "v"}, {"k" * 255: "v" * 255}, {"k" * 256: "v"}, {"k": "v" * 256},
                 {"k\n": "v"}, {"k/": "v"}, {"k": 1}, []],
    "description": [None, "", "d", "x" * 255, "x" * 256],
    "min_count": [1],
    "personality": [[]],
}  # fmt: skip
SERVER = {"name": "s", "flavorRef": "1", "networks": "none", "imageRef": ""}


def _one_step(base, pools):
    """`base`, or `base` with one key (from `pools`) set to a value from its pool or a wrong
    type, or removed."""
    keys = sorted(pools)
    return st.one_of(
        st.just(base),
        st.sampled_from(keys).flatmap(
            lambda k: st.sampled_from(pools[k] + WRONG).map(lambda v, k=k: {**base, k: v})
        ),
        st.sampled_from(sorted(base)).map(lambda k: {x: v for x, v in base.items() if x != k}),
    )


def _server_bodies():
    bdm = _one_step(BDM, BDM_POOLS).map(lambda b: {**SERVER, "block_device_mapping_v2": [b]})
    server = st.one_of(_one_step(SERVER, SERVER_POOLS), bdm)
    return st.one_of(
        server.map(lambda s: {"server": s}),
        server.map(lambda s: {"server": s, "os:scheduler_hints": {}}),
        st.sampled_from(WRONG),
    )


def _server_validators(version):
    from fakecloud.api.microversion import Version

    fast = schemas.server_create_validator(Version.parse(version))
    return fast, schemas.SchemaValidator(fast.schema)


def test_server_create_fast_path_answers_as_jsonschema_at_each_edge():
    for version in ("2.19", "2.90"):  # before and after networks "none"/"auto"
        fast, full = _server_validators(version)
        for key, pool in SERVER_POOLS.items():
            for value in pool:
                body = {"server": {**SERVER, key: value}}
                assert outcome(fast, body) == outcome(full, body), (version, body)
        for key, pool in BDM_POOLS.items():
            for value in pool:
                body = {"server": {**SERVER, "block_device_mapping_v2": [{**BDM, key: value}]}}
                assert outcome(fast, body) == outcome(full, body), (version, body)


@SETTINGS
@given(version=st.sampled_from(SERVER_BUCKETS), body=_server_bodies())
def test_server_create_fast_path_answers_as_jsonschema(version, body):
    fast, full = _server_validators(version)
    assert fast.quick is not None and full.quick is None
    assert outcome(fast, body) == outcome(full, body)


def test_the_server_create_fast_path_takes_the_bodies_clients_send():
    from fakecloud.api.microversion import Version

    bfv = {**SERVER, "block_device_mapping_v2": [BDM]}
    quick = schemas.server_create_validator(Version.parse("2.37")).quick
    assert quick({"server": bfv})
    assert quick({"server": {**bfv, "imageRef": ID, "networks": [{"uuid": ID}]}})
    assert not quick({"server": {**bfv, "networks": "bogus"}})  # jsonschema words this error
    old = schemas.server_create_validator(Version.parse("2.1")).quick
    assert not old({"server": bfv})  # "none" is 2.37+
    assert not old({"server": {**bfv, "networks": [], "description": "d"}})  # 2.19+


VOLUME = {
    "size": 1,
    "consistencygroup_id": None,
    "snapshot_id": None,
    "name": "",
    "description": "",
    "volume_type": None,
    "availability_zone": "nova",
    "metadata": {},
    "imageRef": ID,
    "source_volid": None,
}
VOLUME_POOLS = {
    "size": [1, 0, "1", 2**31 - 1, 2**31, 1.0, True],
    "name": ["", "n", " " * 300, "n" * 255, "n" * 256, " " + "n" * 255],
    "description": ["", "x" * 256, " " * 300],
    "display_name": ["n", "n" * 256],
    "imageRef": [ID, "", "x" * 255, "x" * 256],
    "image_id": [ID, "x" * 256],
    "snapshot_id": EDGE_UUIDS,
    "source_volid": EDGE_UUIDS,
    "consistencygroup_id": EDGE_UUIDS,
    "backup_id": [ID],
    "group_id": ["g"],
    "volume_type": ["lvm", "", "x" * 256],
    "availability_zone": ["nova", "", "x" * 256],
    "metadata": [{}, {"k/": "v"}, {"k" * 256: "v"}, {"k": "v" * 256}, {"k\n": "v"}, {"k": 1}],
    "multiattach": [True, False, "yes", "bogus"],
    "other": ["x"],
}
ATTACHMENT = {"instance_uuid": ID, "connector": None, "volume_uuid": ID}
ATTACHMENT_POOLS = {
    "instance_uuid": EDGE_UUIDS,
    "volume_uuid": EDGE_UUIDS,
    "connector": [None, {}, {"host": "h"}],
    "mode": ["rw", "ro", "x"],
}
CINDER_BODIES = {
    "VOLUME_CREATE": ("volume", VOLUME, VOLUME_POOLS),
    "VOLUME_CREATE_V313": ("volume", VOLUME, VOLUME_POOLS),
    "VOLUME_CREATE_V347": ("volume", VOLUME, VOLUME_POOLS),
    "VOLUME_CREATE_V353": ("volume", VOLUME, VOLUME_POOLS),
    # Cinder 12.x and 13.0.0's keys (switch lp1798798: `keys_without_slash`)
    "VOLUME_CREATE@13.0.0": ("volume", VOLUME, VOLUME_POOLS),
    "VOLUME_CREATE_V353@13.0.0": ("volume", VOLUME, VOLUME_POOLS),
    "ATTACHMENT_CREATE": ("attachment", ATTACHMENT, ATTACHMENT_POOLS),
    "ATTACHMENT_CREATE_V354": ("attachment", ATTACHMENT, ATTACHMENT_POOLS),
    "ATTACHMENT_UPDATE": ("attachment", {"connector": {"host": "h"}}, ATTACHMENT_POOLS),
    "ATTACHMENT_COMPLETE": ("os-complete", None, {}),
}


#: The copies `_Cinder` validates without a fast path, kept alive (validators are cached by
#: identity: a dead copy's id may come back as another schema's).
_FULL_CINDER: dict[str, dict] = {}


class _Cinder:
    """Cinder's validation of one named schema (``NAME@13.0.0``: its keys without '/'), with its
    fast path or (a copy) without."""

    def __init__(self, name, fast):
        base, _, variant = name.partition("@")
        schema = getattr(cinder_validation, base)
        if variant:
            schema = cinder_validation.keys_without_slash(schema)
        self.schema = schema if fast else _FULL_CINDER.setdefault(name, dict(schema))

    def validate(self, body):
        cinder_validation.validate(self.schema, body)


def _cinder_bodies(key, base, pools):
    inner = _one_step(base, pools) if isinstance(base, dict) else st.sampled_from(WRONG)
    return st.one_of(
        inner.map(lambda v: {key: v}),
        inner.map(lambda v: {key: v, "x": 1}),
        st.sampled_from(WRONG),
    )


def test_cinder_fast_paths_answer_as_jsonschema_at_each_edge():
    for name, (key, base, pools) in CINDER_BODIES.items():
        if name in ("VOLUME_CREATE_V313", "VOLUME_CREATE_V347"):
            continue  # the same keys as VOLUME_CREATE (open); V353 is the closed one
        fast, full = _Cinder(name, True), _Cinder(name, False)
        bodies = [{key: base}, {key: base, "x": 1}] + [
            {key: {**base, k: v}} for k, pool in pools.items() for v in pool + WRONG[:3]
        ] * isinstance(base, dict)
        for body in bodies:
            assert outcome(fast, body) == outcome(full, body), (name, body)


@SETTINGS
@given(name=st.sampled_from(sorted(CINDER_BODIES)), data=st.data())
def test_cinder_volume_and_attachment_fast_paths_answer_as_jsonschema(name, data):
    body = data.draw(_cinder_bodies(*CINDER_BODIES[name]))
    assert outcome(_Cinder(name, True), body) == outcome(_Cinder(name, False), body)


def test_the_cinder_fast_paths_take_the_bodies_nova_sends():
    from fakecloud.cinder import fast_paths

    assert fast_paths.volume_create_ok({"volume": VOLUME})
    assert fast_paths.attachment_create_ok({"attachment": ATTACHMENT})
    assert fast_paths.attachment_update_ok({"attachment": {"connector": {"host": "cmp-1"}}})
    assert fast_paths.attachment_complete_ok({"os-complete": None})
    assert not fast_paths.volume_create_ok({"volume": {"size": "1"}})  # jsonschema decides
    assert fast_paths.is_uuid_like(ID) and fast_paths.is_uuid_like(ID.upper())
    assert not fast_paths.is_uuid_like(ID + "\n")


def test_every_volume_create_check_takes_null_as_the_shortcut_for_null_assumes():
    from fakecloud.cinder import fast_paths

    assert all(check(None) for check in fast_paths._VOLUME_CHECKS.values())
    for key in fast_paths._VOLUME_CHECKS:
        full = _Cinder("VOLUME_CREATE_V353", fast=False)
        full.validate({"volume": {**VOLUME, key: None}})  # jsonschema takes null there too
        assert fast_paths.volume_create_ok({"volume": {**VOLUME, key: None}})
