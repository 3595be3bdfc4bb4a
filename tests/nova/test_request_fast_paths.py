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

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))

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
