"""An answer's JSON body is the bytes ``json.dumps`` gives (Nova, Cinder and Glance encode with
its defaults), though fakecloud's encoder skips the circular-reference check."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakecloud.api import http
from fakecloud.api.http import Response
from tests.robustness.fuzz_scale import SCALE

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),  # NaN and infinities too: json.dumps writes NaN, Infinity
    st.text(max_size=8),
    st.sampled_from(["\u00e9t\u00e9", '\x00\x1f"\\/', "\ud83d\ude00", "\U0001f600", "\u2028"]),
)
BODIES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=6), inner, max_size=4),
    ),
    max_leaves=20,
)


@settings(max_examples=10 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))
@given(BODIES.filter(lambda body: body is not None))  # None: an answer without a body
def test_a_body_is_encoded_as_json_dumps_encodes_it(body):
    assert Response(200, body).content() == json.dumps(body).encode()


def test_a_view_shared_twice_is_not_a_cycle():
    link = {"rel": "self", "href": "http://compute.fakecloud.test/v2.1/servers/x"}
    body = {"server": {"links": [link, link], "again": link}}
    assert Response(200, body).content() == json.dumps(body).encode()


def test_remembered_strings_are_bounded_and_only_exact_str(monkeypatch):
    """The encoder's remembered string texts (`_Escaped`): cleared when full, a `str`
    subclass's text and a long string's made but not kept, and the answers unchanged."""
    monkeypatch.setattr(http, "_ESCAPED_KEPT", 3)
    memo = http._Escaped()
    monkeypatch.setattr(
        http,
        "_C_ENCODE",
        json.encoder.c_make_encoder(
            None, http._ENCODER.default, memo.__getitem__, None, ": ", ", ", False, False, True
        ),
    )

    class Name(str):
        pass

    body = {"a": ["b", "c\u00e9", Name("d\n")], "e": {"a": "b"}}
    assert Response(200, body).content() == json.dumps(body).encode()
    assert len(memo) <= 3
    assert all(key.__class__ is str for key in memo)
    assert Response(200, body).content() == json.dumps(body).encode()
    memo.clear()
    assert Response(200, {"f": "g" * 201}).content() == json.dumps({"f": "g" * 201}).encode()
    assert list(memo) == ["f"]
