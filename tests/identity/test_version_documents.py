"""Keystone's version documents, as keystoneauth's discovery reads them."""

import pytest
from keystone_schemas import VERSION_DOC, VERSIONS_DOC, check

from fakecloud import Cloud


def test_root_lists_v3_with_status_300_without_a_token():
    resp = Cloud().request("identity", "GET", "/", user=None)
    assert resp.status == 300
    check(resp.json(), VERSIONS_DOC)
    (v3,) = resp.json()["versions"]["values"]
    assert v3["id"] == "v3.14"
    assert v3["links"] == [{"rel": "self", "href": "http://identity.fakecloud.test/v3/"}]


@pytest.mark.parametrize("path", ["/v3", "/v3/"])
def test_v3_document_needs_no_token(path):
    resp = Cloud().request("identity", "GET", path, user=None)
    assert resp.status == 200
    check(resp.json(), VERSION_DOC)
    assert resp.json()["version"]["status"] == "stable"
    assert resp.json()["version"]["media-types"][0]["type"] == (
        "application/vnd.openstack.identity-v3+json"
    )


def test_a_bad_token_does_not_hide_the_version_document():
    resp = Cloud().request("identity", "GET", "/v3", user=None, headers={"X-Auth-Token": "bad"})
    assert resp.status == 200
