"""``GET /v2/schemas/metadefs/{name}``: the metadata-definitions schemas, as Glance 16.0.0 to
33.0.0 build them (``glance/api/v2/metadef_*.py`` ``get_schema`` / ``get_collection_schema``,
served ``raw()`` by ``schemas.py``), and glanceclient's shell caching them before a command.
"""

from __future__ import annotations

import argparse
import json

import pytest

from fakecloud import Cloud
from tests.clients.client_helpers import password_session
from tests.schemas.glance_schemas import METADEF_FACTS

WEBOB_JSON = {"Accept": "application/json"}


@pytest.fixture(scope="module")
def cloud():
    """One cloud for the read-only requests of this module."""
    return Cloud(seed=0, profile="upstream")


@pytest.mark.parametrize("name", sorted(METADEF_FACTS))
def test_each_metadefs_schema_is_glances(cloud, name):
    r = cloud.request("image", "GET", f"/v2/schemas/metadefs/{name}")
    assert r.status == 200 and r.headers["Content-Type"] == "application/json"
    body = r.json()
    title, required, some = METADEF_FACTS[name]
    assert body["name"] == title and body.get("required") == required
    assert some <= set(body["properties"])
    if required is None:  # a collection: Glance's pagination links
        assert [link["rel"] for link in body["links"]] == ["first", "next", "describedby"]
    else:
        assert body["additionalProperties"] is False


def test_the_oldest_series_serves_the_same_document(cloud):
    old = Cloud(seed=0, profile="nova-17.0.0")  # Glance 16
    path = "/v2/schemas/metadefs/namespace"
    assert old.request("image", "GET", path).json() == cloud.request("image", "GET", path).json()


def test_another_method_is_405_and_an_unknown_name_404(cloud):
    r = cloud.request("image", "POST", "/v2/schemas/metadefs/tag", headers=WEBOB_JSON)
    assert r.status == 405 and r.headers["Allow"] == "GET"
    assert cloud.request("image", "GET", "/v2/schemas/metadefs/tagz").status == 404


def test_glanceclient_shell_caches_the_three_schemas_it_reads(cloud, tmp_path):
    from glanceclient import client as glance_client
    from glanceclient.shell import OpenStackImagesShell

    options = argparse.Namespace(os_auth_url=None, get_schema=True)
    with cloud.intercept():
        client = glance_client.Client("2", session=password_session(cloud))
        all_failed = OpenStackImagesShell()._cache_schemas(options, client, str(tmp_path))
    assert all_failed is False
    for name in ("namespace", "resource_type"):
        cached = json.loads((tmp_path / f"{name}_schema.json").read_text())
        assert cached == cloud.request("image", "GET", f"/v2/schemas/metadefs/{name}").json()
    assert json.loads((tmp_path / "image_schema.json").read_text())["name"] == "image"
