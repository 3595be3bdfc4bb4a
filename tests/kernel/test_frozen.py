"""`fakecloud.frozen`: the read-only JSON data a built cloud's configuration holds."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fakecloud.frozen import FrozenDict, FrozenList, NotJsonData, frozen
from tests.robustness.fuzz_scale import SCALE

ATOMS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5)
)
NOT_JSON = st.one_of(st.binary(max_size=3), st.frozensets(st.integers(), max_size=2))
VALUES = st.recursive(
    st.one_of(ATOMS, NOT_JSON),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.tuples(inner, inner),
        st.dictionaries(st.one_of(st.text(max_size=3), st.integers(0, 3)), inner, max_size=3),
    ),
    max_leaves=8,
)


def _plain(value):
    """`value` as JSON data would hold it (a tuple a list), or None if it holds no JSON."""
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError):
        return None


def _writes_refused(value):
    if isinstance(value, FrozenDict):
        with pytest.raises(TypeError, match="config is fixed"):
            value["new"] = 1
        return all(_writes_refused(v) for v in value.values())
    if isinstance(value, FrozenList):
        with pytest.raises(TypeError, match="config is fixed"):
            value.append(1)
        return all(_writes_refused(v) for v in value)
    return not isinstance(value, (dict, list))


@settings(max_examples=10 * SCALE, deadline=None, derandomize=True)
@given(VALUES)
def test_frozen_json_data_reads_the_same_and_refuses_every_write_else_it_says_where(value):
    """Any JSON data comes back equal (a tuple as a list), every container of it read-only;
    anything else (bytes, a set, a key that is no text) is `NotJsonData`, never taken and
    never another error."""
    try:
        made = frozen(value)
    except NotJsonData as exc:
        assert _plain(value) is None or exc.why.startswith("a key is text")
        return
    assert json.dumps(made) == json.dumps(value) and _writes_refused(made)
