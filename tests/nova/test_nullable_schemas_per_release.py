"""678bc4ae6e (nova 32.0.0, "Only run format checks on strings"): a schema that takes a
formatted string or null is one schema of two types; before, a ``oneOf`` of the string's schema
and null, which jsonschema words "... is not valid under any of the given schemas" (a network's
``port``, rebuild's 2.57 ``user_data``, unshelve's 2.91 body; 34.0.0's words by the nova
oracle, session 23). The body is checked before the server is looked up."""

from __future__ import annotations

import pytest

from fakecloud import Cloud

NO_SUCH = "9a2c1e7e-0000-4000-8000-000000000001"
ACTION = f"/v2.1/servers/{NO_SUCH}/action"
NONE_OF = "is not valid under any of the given schemas"
CASES = [
    (
        "/v2.1/servers",
        "2.36",
        {"server": {"name": "x", "flavorRef": "1", "networks": [{"uuid": NO_SUCH, "port": "x"}]}},
        "port. Value: x. 'x' ",
        ("is not a 'uuid'", NONE_OF),
    ),
    (
        ACTION,
        "2.57",
        {"rebuild": {"imageRef": NO_SUCH, "user_data": "abc"}},
        "user_data. Value: abc. 'abc' ",
        ("is not a 'base64'", NONE_OF),
    ),
    (
        ACTION,
        "2.91",
        {"unshelve": {"foo": 1}},
        "unshelve. Value: {'foo': 1}. ",
        ("Additional properties are not allowed ('foo' was unexpected)", "{'foo': 1} " + NONE_OF),
    ),
]


@pytest.mark.parametrize(("profile", "before_32"), [("nova-31.3.1", 1), ("upstream", 0)])
@pytest.mark.parametrize(("path", "mv", "body", "lead", "words"), CASES)
def test_a_nullable_value_is_refused_in_the_release_words(
    profile, before_32, path, mv, body, lead, words
):
    cloud = Cloud(seed=0, profile=profile)
    resp = cloud.request("compute", "POST", path, body=body, microversion=mv)
    assert resp.status == 400
    message = f"Invalid input for field/attribute {lead}{words[before_32]}"
    assert resp.json() == {"badRequest": {"code": 400, "message": message}}
