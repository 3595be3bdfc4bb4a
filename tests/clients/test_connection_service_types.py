"""``cloud.connection()`` hands openstacksdk a cheaper-to-read service types table
(`fakecloud.transport.service_types`) and a region that reads openstacksdk's version once
(`fakecloud.transport.sdk_region`): the client must send and get exactly what
``openstack.connect(**cloud.credentials())`` sends and gets, in every profile's versions."""

from importlib.metadata import version

import openstack
import os_service_types
import pytest

from fakecloud import Cloud
from fakecloud.transport.service_types import ServiceTypes

IMAGE = "cirros-0.6.2-x86_64-qga"


def test_the_table_reads_as_the_librarys():
    ours, theirs = ServiceTypes(), os_service_types.ServiceTypes()
    assert ours.all_types_by_service_type == theirs.all_types_by_service_type
    names = set(theirs.reverse) | set(theirs.all_types_by_service_type) | {"nope", "volume_v3"}
    for name in sorted(names):
        assert ours.get_all_types(name) == theirs.get_all_types(name), name
    # Each read is the caller's own copy, as a deep copy is.
    read = ours.all_types_by_service_type
    read["compute"].append("changed")
    read.pop("image")
    ours.get_all_types("block-storage").clear()
    assert ours.all_types_by_service_type == theirs.all_types_by_service_type


def _traffic(cloud: Cloud, make) -> tuple[list, dict]:
    """Every request and answer of a connection's first uses of each service, and the
    versions it negotiated."""
    with cloud.intercept() as intercept:
        conn = make(cloud)
        conn.image.find_image(IMAGE, ignore_missing=False)
        conn.compute.find_flavor("m1.tiny", ignore_missing=False)
        list(conn.compute.servers())
        list(conn.block_storage.volumes())
        versions = {
            service: (data.url, data.api_version, data.min_microversion, data.max_microversion)
            for service in ("identity", "compute", "image", "block_storage")
            for data in [getattr(conn, service).get_endpoint_data()]
        }
        calls = [
            (
                c.request.method,
                c.request.url,
                dict(c.request.headers),
                c.request.body,
                c.response.status_code,
                list(c.response.raw.headers.items()),
                c.response.content,
            )
            for c in intercept.calls
        ]
    return calls, versions


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_a_connection_behaves_as_openstack_connect_makes_it(profile):
    ours = _traffic(Cloud(profile=profile), lambda cloud: cloud.connection())
    theirs = _traffic(
        Cloud(profile=profile), lambda cloud: openstack.connect(**cloud.credentials())
    )
    assert [c[:2] for c in ours[0]] == [c[:2] for c in theirs[0]]
    assert ours == theirs
    assert any("OpenStack-API-Version" in c[2] for c in ours[0])


def test_the_user_agent_names_openstacksdk_as_openstack_connect_does():
    cloud = Cloud()
    ours = cloud.connection()
    theirs = openstack.connect(**cloud.credentials())
    assert isinstance(ours.config, openstack.config.cloud_region.CloudRegion)
    assert ours.session.additional_user_agent == theirs.session.additional_user_agent
    assert ("openstacksdk", version("openstacksdk")) in ours.session.additional_user_agent
