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


def test_keystoneauth_finds_devstacks_dead_v1_entry_through_rocky_and_cinder_answers_404():
    # devstack registered `volume` at /v1/$(project_id)s through stable/rocky (lib/cinder
    # create_cinder_accounts; gone in stein, bfd2a54c), though Cinder 12.0.0 serves no /v1:
    # root_app_factory leaves it out of the paste map, so the request reaches the versions
    # router (whose pipeline has no request_id middleware there), and its 404. Without the
    # entry, keystoneauth takes `volume` as an alias of block-storage (os-service-types): v3.
    from tests.clients.client_helpers import password_session

    v1 = {"service_type": "volume", "interface": "public"}
    seen = {}
    for profile in ("nova-17.0.7", "nova-19.0.0"):  # Cinder 12, 14
        cloud = booted(profile=profile)
        with cloud.intercept():
            session = password_session(cloud)
            answer = session.get(  # what python-cinderclient's v1 volume list sent
                "/volumes/detail",
                endpoint_filter=v1,
                headers={"Accept": "application/json"},
                raise_exc=False,
            )
            seen[profile] = (session.get_endpoint(**v1), answer)
    project = cloud.context("demo").project_id
    url, answer = seen["nova-17.0.7"]
    assert url == f"http://volume.fakecloud.test/v1/{project}"
    assert answer.status_code == 404
    assert answer.json()["message"].startswith("The resource could not be found.")
    assert "x-openstack-request-id" not in answer.headers
    url, answer = seen["nova-19.0.0"]
    assert (url, answer.status_code) == (f"http://volume.fakecloud.test/v3/{project}", 200)
