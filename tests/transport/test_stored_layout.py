"""An intercepted answer's header stores, laid out by a function compiled once per kind of
answer (`FieldOrder.stored`), are the stores made from its lines one by one: the same lines,
urllib3's container and ``requests``' store, entry for entry and in order."""

import itertools
from collections import OrderedDict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fakecloud.api.http import Response
from fakecloud.transport.field_order import FieldOrder
from fakecloud.transport.gateway import wire_headers
from fakecloud.transport.urllib3_response import stores_of
from tests.robustness.fuzz_scale import SCALE

FAMILIES = [None, "nova", "cinder", "cinder-py2", "glance", "keystone", "keystone-webob"]
NOVA = {
    "OpenStack-API-Version": "compute 2.60",
    "X-OpenStack-Nova-API-Version": "2.60",
    "Vary": ["OpenStack-API-Version", "X-OpenStack-Nova-API-Version"],
    "x-openstack-request-id": "req-1",
    "x-compute-request-id": "req-1",
}
HEADERS = [
    NOVA,
    {**NOVA, "Vary": []},  # a list field with no line
    {**NOVA, "Vary": ["OpenStack-API-Version"]},
    {"Location": "http://x/1", **NOVA},
    {"Content-Type": "application/json; charset=UTF-8", "x-openstack-request-id": "r"},
    {"Content-Length": "99", "Vary": "a"},  # a length of the handler's own: the body's wins
    {"content-length": ["1", "2"]},
    {"Vary": "a", "vary": "b"},  # names that fold alike: laid out line by line
    {"ETag": 1, "Retry-After": 3},  # values that are no strings
    {},
]


DATE = "Tue, 08 Dec 2026 02:00:00 GMT"


def _same(front, response, method, length, stored_first=False):
    if stored_first:  # (an intercepted answer's stores, laid out before any lines of it)
        stored = front.stored(response, method, length, DATE)
        lines = front.lines(response, method, length, DATE)
    else:
        lines = front.lines(response, method, length, DATE)
        stored = front.stored(response, method, length, DATE)
    container, store = stores_of(lines, length)
    assert stored[0] == lines
    assert list(stored[1].items()) == list(container.items())
    assert stored[2].__class__ is OrderedDict
    assert list(stored[2].items()) == list(store.items())
    return lines


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("apache", [False, True])
@pytest.mark.parametrize("headers", HEADERS)
@pytest.mark.parametrize(("status", "body"), [(200, {"a": 1}), (204, None), (404, b"x")])
def test_each_kind_of_answer_is_stored_as_its_lines_are(family, apache, headers, status, body):
    front = FieldOrder(family, apache)
    for method, length in (("GET", 12), ("HEAD", 0), ("GET", 3)):  # learnt, then known
        _same(front, Response(status, body, dict(headers)), method, length)


#: A name this process has laid out no answer of (`FieldOrder`'s plans are the process's).
_FRESH = (f"X-Probe-{n}" for n in itertools.count())
_LISTED = ["OpenStack-API-Version", "X-OpenStack-Nova-API-Version"]
_VARIES = [_LISTED, "OpenStack-API-Version", ["OpenStack-API-Version"], []]


def _probe(name, vary):
    return {
        "OpenStack-API-Version": "compute 2.60",
        "X-OpenStack-Nova-API-Version": "2.60",
        "Vary": vary,
        name: "p",
        "x-openstack-request-id": "req-1",
    }


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("apache", [False, True])
@pytest.mark.parametrize("status", [200, 404])
@pytest.mark.parametrize(("first", "then"), list(itertools.permutations(_VARIES, 2)))
def test_answers_of_the_same_names_are_laid_out_whatever_their_values_kinds(
    family, apache, status, first, then
):
    """Two answers with the same names, a list value in one where the other has a string (or
    a list of another length), in either order in one process: each is laid out as if it
    were the first of its names (its lines those of an answer of a name never seen, its
    stores those `read_response_stored` makes of its lines), never by the other's plan."""
    front = FieldOrder(family, apache)
    shared = next(_FRESH)
    for vary, stored_first in ((first, False), (then, True)):
        response = Response(status, {"a": 1}, _probe(shared, vary))
        lines = _same(front, response, "GET", 7, stored_first)
        fresh = next(_FRESH)
        alone = _same(front, Response(status, {"a": 1}, _probe(fresh, vary)), "GET", 7)
        assert lines == [(shared if n == fresh else n, v) for n, v in alone]
        if family is None and not apache:  # (as built: `wire_headers`' lines)
            assert lines == [*wire_headers(response), ("Content-Length", "7"), ("Date", DATE)]


#: Each name's values: a kind of answer is its names (`FieldOrder`'s plans are the process's,
#: shared with every other test's answers), a value a string or a list of any length.
_VALUES = {
    "X-Listed": st.one_of(st.lists(st.text(max_size=3), max_size=3), st.text(max_size=3)),
    "Vary": st.one_of(st.text(max_size=5), st.lists(st.text(max_size=3), max_size=3)),
    "vary": st.one_of(
        st.text(max_size=5), st.lists(st.one_of(st.text(max_size=3), st.integers()), max_size=3)
    ),
    "Content-Type": st.one_of(
        st.text(max_size=5), st.lists(st.one_of(st.text(max_size=3), st.integers()), max_size=3)
    ),
    "Content-Length": st.one_of(
        st.one_of(st.text(max_size=5), st.integers()),
        st.lists(st.one_of(st.text(max_size=3), st.integers()), max_size=3),
    ),
    "Location": st.one_of(
        st.one_of(st.text(max_size=5), st.integers()),
        st.lists(st.one_of(st.text(max_size=3), st.integers()), max_size=3),
    ),
    "x-openstack-request-id": st.one_of(
        st.text(max_size=5), st.lists(st.one_of(st.text(max_size=3), st.integers()), max_size=3)
    ),
}


@st.composite
def _headers(draw):
    names = draw(st.lists(st.sampled_from(sorted(_VALUES)), unique=True, max_size=6))
    return {name: draw(_VALUES[name]) for name in names}


@settings(max_examples=60 * SCALE, deadline=None)
@given(
    family=st.sampled_from(FAMILIES),
    apache=st.booleans(),
    headers=_headers(),
    status=st.sampled_from([200, 202, 204, 300, 400, 404, 500]),
    body=st.sampled_from([None, {"a": 1}, b"raw"]),
    method=st.sampled_from(["GET", "HEAD", "POST"]),
    length=st.integers(0, 10**6),
)
def test_any_answer_is_stored_as_its_lines_are(
    family, apache, headers, status, body, method, length
):
    front = FieldOrder(family, apache)
    for _ in range(2):
        _same(front, Response(status, body, dict(headers)), method, length)
