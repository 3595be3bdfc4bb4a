"""openstacksdk's version discovery for every service, and what it negotiates."""

from client_helpers import needs


def test_identity_discovery(intercepted):
    data = intercepted.connection().identity.get_endpoint_data()
    assert data.api_version == (3, 10)  # Queens: keystone 13.0.4's v3.10


def test_compute_discovery_reads_the_microversion_range(intercepted):
    needs(intercepted, "nova")
    data = intercepted.connection().compute.get_endpoint_data()
    assert data.api_version == (2, 1)
    assert data.min_microversion == (2, 1)
    assert ".".join(map(str, data.max_microversion)) == intercepted.switches.max_microversion
    assert data.url.startswith("http://compute.fakecloud.test/v2.1")


def test_image_discovery_finds_v2(intercepted):
    needs(intercepted, "glance")
    data = intercepted.connection().image.get_endpoint_data()
    assert data.api_version[0] == 2
    assert data.url.startswith("http://image.fakecloud.test/v2")


def test_block_storage_discovery_finds_v3_with_microversions(intercepted):
    needs(intercepted, "cinder")
    conn = intercepted.connection()
    data = conn.block_storage.get_endpoint_data()
    assert data.api_version[0] == 3
    assert data.max_microversion is not None and data.max_microversion[0] == 3
    project_id = intercepted.context("demo").project_id
    assert data.url == f"http://volume.fakecloud.test/v3/{project_id}"
