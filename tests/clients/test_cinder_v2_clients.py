"""Cinder's legacy v2 API before Cinder 19.0.0, as the clients of those years use it:
python-openstackclient's volume commands defaulted to API 2 (3.14.3, Queens' `openstack
volume create`, asks the catalog for ``volumev2``), and openstacksdk's block storage proxy
takes it when asked for version 2."""

import openstack
import pytest

from fakecloud.transport.sdk_region import cloud_region
from tests.booted import booted


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_openstacksdk_at_block_storage_2_makes_a_volume_and_its_snapshot():
    cloud = booted(profile="nova-17.0.7")  # Cinder 12
    with cloud.intercept() as intercept:
        # openstack.connect(**credentials, block_storage_api_version="2"), its configuration
        # read as cloud.connection() reads it
        region = cloud_region(**cloud.credentials(), block_storage_api_version="2")
        conn = openstack.connection.Connection(config=region, vendor_hook=None)
        volume = conn.block_storage.create_volume(size=1, name="legacy")
        volume = conn.block_storage.wait_for_status(volume, "available")
        snapshot = conn.block_storage.create_snapshot(volume_id=volume.id, name="legacy-snap")
        v2 = [c for c in intercept.calls if "/v2/" in c.request.url]
    project = cloud.context("demo").project_id
    assert {(c.request.method, c.response.status_code) for c in v2} == {("POST", 202), ("GET", 200)}
    assert v2[-1].request.url == f"http://volume.fakecloud.test/v2/{project}/snapshots"
    assert v2[0].request.url == f"http://volume.fakecloud.test/v2/{project}/volumes"
    # A legacy endpoint's answer names no microversion (cinder 12.0.10 api/openstack/wsgi.py
    # _process_stack: `not _is_legacy_endpoint(request)`), and its links are /v2's.
    assert not any("OpenStack-API-Version" in c.response.headers for c in v2)
    links = v2[0].response.json()["volume"]["links"]
    assert links[0]["href"] == f"http://volume.fakecloud.test/v2/{project}/volumes/{volume.id}"
    assert snapshot.volume_id == volume.id
    # The v3 router's own resources are not the v2 router's: its bare 404.
    assert cloud.request("volume", "GET", "/v2/{project_id}/attachments").status == 404
