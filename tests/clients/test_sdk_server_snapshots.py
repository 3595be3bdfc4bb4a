"""openstacksdk, unchanged, snapshots servers on fakecloud: boot from volume and from image,
``create_server_image(..., wait=True)``, delete. Runs once Nova, Cinder and Glance exist."""

import time

import pytest
from client_helpers import (
    base_image,
    bfv_mapping,
    needs,
    needs_volume_backed_snapshots,
    small_flavor,
)

from fakecloud import Cloud


@pytest.fixture
def conn(intercepted):
    needs(intercepted, "nova", "cinder", "glance")
    return intercepted.connection()


def test_volume_backed_server_snapshot(intercepted, conn):
    needs_volume_backed_snapshots()
    image = base_image(intercepted, conn)
    flavor = small_flavor(conn, image)
    server = conn.compute.create_server(
        name="bfv",
        flavor_id=flavor.id,
        networks="none",
        block_device_mapping=bfv_mapping(image),
    )
    server = conn.compute.wait_for_server(server, wait=600)
    assert server.status == "ACTIVE"
    assert len(server.attached_volumes) == 1

    snap = conn.compute.create_server_image(server, "snap-bfv", metadata={"k": "v"}, wait=True)
    assert snap.status == "active"
    assert conn.image.get_image(snap.id).name == "snap-bfv"
    # The image is active at once, before its Cinder snapshot (LP #1489581): like Tempest,
    # wait for the snapshot before relying on it.
    (volume_snapshot,) = list(conn.block_storage.snapshots())
    assert volume_snapshot.status == "creating"
    volume_snapshot = conn.block_storage.wait_for_status(volume_snapshot, "available", wait=60)
    assert volume_snapshot.status == "available"

    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, wait=600)
    assert conn.compute.find_server("bfv") is None


def test_image_backed_server_snapshot(intercepted, conn):
    image = base_image(intercepted, conn)
    server = conn.compute.create_server(
        name="ib", flavor_id=small_flavor(conn, image).id, image_id=image.id, networks="none"
    )
    server = conn.compute.wait_for_server(server, wait=600)
    snap = conn.compute.create_server_image(server, "snap-ib", wait=True)
    assert snap.status == "active"
    assert conn.image.get_image(snap.id).status == "active"
    assert conn.compute.get_server(server.id).task_state is None
    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, wait=600)


def test_a_bad_server_id_is_the_sdks_not_found(intercepted, conn):
    from openstack import exceptions

    with pytest.raises(exceptions.NotFoundException):
        conn.compute.get_server("00000000-0000-4000-8000-000000000000")


def test_a_ten_minute_upload_waits_on_virtual_time_in_well_under_a_second():
    # 128.8 MB of extracted disk over a 1.7 Mbit/s link to Glance: 606 virtual seconds, which
    # the SDK polls every 2 s with its own sleeps. CPU time is measured (the process's real
    # work, steady under a loaded CI machine); inside intercept() the wall clocks are virtual.
    cloud = Cloud(config={"nova": {"glance_link_gbit_per_s": 0.0017}})
    cpu = time.process_time
    with cloud.intercept():
        conn = cloud.connection()
        image = base_image(cloud, conn)
        server = conn.compute.create_server(
            name="slow",
            flavor_id=small_flavor(conn, image).id,
            image_id=image.id,
            networks="none",
        )
        server = conn.compute.wait_for_server(server, wait=600)
        started = cpu()
        snap = conn.compute.create_server_image(server, "slow-snap", wait=True, timeout=3600)
        elapsed = cpu() - started
        assert snap.status == "active"
    (upload,) = [e for e in cloud.trace.filter(kind="io.finish") if e["label"] == "glance.upload"]
    assert 600 <= upload["duration_s"] <= 610
    assert elapsed < 1.0
