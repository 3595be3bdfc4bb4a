"""The token body's quick check gives exactly jsonschema's answers.

``POST /v3/auth/tokens`` accepts the bodies keystoneauth sends without jsonschema's walk
(`schema.plain_valid`); every other body is validated in full, as before. So validation answers
as before (accepted, or the same 400 and message) if and only if each body the quick check
accepts is one the schema accepts: these properties hold it to that, on bodies drawn from the
schema and on near misses (one value changed or added).
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakecloud.identity import schema
from tests.robustness.fuzz_scale import SCALE

SETTINGS = settings(max_examples=10 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))

# Bodies as keystoneauth 5.18.1 builds them (identity/v3/base.py get_auth_ref, password.py and
# token.py get_auth_data): each must take the quick way.
PASSWORD = {"user": {"password": "pw", "name": "demo", "domain": {"name": "Default"}}}
KEYSTONEAUTH_BODIES = [
    {"identity": {"methods": ["password"], "password": PASSWORD}},
    {
        "identity": {"methods": ["password"], "password": PASSWORD},
        "scope": {"project": {"name": "demo", "domain": {"name": "Default"}}},
    },
    {
        "identity": {"methods": ["password"], "password": {"user": {"password": "p", "id": "u1"}}},
        "scope": {"project": {"id": "p1"}},
    },
    {
        "identity": {"methods": ["password"], "password": PASSWORD},
        "scope": {"domain": {"id": "default"}},
    },
    {
        "identity": {"methods": ["password"], "password": PASSWORD},
        "scope": {"system": {"all": True}},
    },
    {"identity": {"methods": ["token"], "token": {"id": "gAAAAAB"}}},
]

TEXT = st.text(max_size=3)
DOMAIN = st.fixed_dictionaries({}, optional={"id": TEXT, "name": TEXT})
USER = st.fixed_dictionaries(
    {}, optional={"id": TEXT, "name": TEXT, "password": TEXT, "domain": DOMAIN}
)
PROJECT = st.fixed_dictionaries({}, optional={"id": TEXT, "name": TEXT, "domain": DOMAIN})
SCOPE = st.one_of(
    st.fixed_dictionaries({"project": PROJECT}),
    st.fixed_dictionaries({"domain": DOMAIN}),
    st.fixed_dictionaries({"system": st.fixed_dictionaries({"all": st.booleans()})}),
    st.fixed_dictionaries({"OS-TRUST:trust": st.fixed_dictionaries({"id": TEXT})}),
    st.just("unscoped"),
)
VALID = st.fixed_dictionaries(
    {
        "identity": st.fixed_dictionaries(
            {"methods": st.lists(st.sampled_from(["password", "token"]), max_size=2)},
            optional={
                "password": st.fixed_dictionaries({"user": USER}),
                "token": st.fixed_dictionaries({"id": TEXT}),
            },
        )
    },
    optional={"scope": SCOPE},
)
#: What a near miss puts in place of one value (or under a new key).
OFF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(0, 1),
    st.floats(0, 1),
    TEXT,
    st.lists(TEXT, max_size=1),
    st.just({}),
    st.just({"id": 1}),
)


def _places(value):
    """Every (dict, key) under `value`, and each dict with a key it does not have."""
    if isinstance(value, dict):
        for key in list(value):
            yield value, key
            yield from _places(value[key])
        yield value, "extra"


@st.composite
def bodies(draw):
    """``auth`` bodies the schema accepts, half of them with one value changed or added."""
    body = draw(VALID)
    if draw(st.booleans()):
        container, key = draw(st.sampled_from(list(_places(body))))
        container[key] = draw(OFF)
    return body


@pytest.mark.parametrize("auth", KEYSTONEAUTH_BODIES)
def test_keystoneauths_bodies_take_the_quick_way_and_the_schema_accepts_them(auth):
    assert schema.plain_valid(auth)
    assert schema._VALIDATOR.is_valid(auth)


def _password(user, **scope):
    return {"identity": {"methods": ["password"], "password": {"user": user}}, **scope}


#: One value off at each place the quick check decides on: bodies the schema refuses.
EDGES = [
    _password({"name": "u", "domain": {"id": 1}}),
    _password({"name": "u", "domain": ["d"]}),
    _password({"name": "u", "password": None}),
    _password({"id": True}),
    _password({"name": "u"}, scope={"project": {"name": "p", "domain": {"name": None}}}),
    _password({"name": "u"}, scope={"project": {"id": 1}}),
    _password({"name": "u"}, scope={"domain": {"name": 0.5}}),
    _password({"name": "u"}, scope={"system": {"all": 1}}),
    _password({"name": "u"}, scope={"system": {"all": "true"}}),
    {"identity": {"methods": ["password", 1]}},
    {"identity": {"methods": ["token"], "token": {"id": 1}}},
    {"identity": {"methods": ["token"], "token": {}}},
    {"identity": {"methods": ["password"], "password": ["user"]}},
    {"identity": {}},
    {"scope": {"project": {"id": "p"}}},
]


@SETTINGS
@given(auth=bodies())
def test_a_body_the_quick_check_accepts_is_one_the_schema_accepts(auth):
    if schema.plain_valid(auth):
        assert schema._VALIDATOR.is_valid(auth)


@pytest.mark.parametrize("auth", [None, [], "x", {"identity": {"methods": "password"}}, *EDGES])
def test_a_body_the_schema_refuses_goes_to_jsonschema(auth):
    assert not schema._VALIDATOR.is_valid(auth)
    assert not schema.plain_valid(auth)
