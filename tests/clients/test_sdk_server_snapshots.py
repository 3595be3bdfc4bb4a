"""openstacksdk, unchanged, snapshots servers on fakecloud: boot from volume and from image,
``create_server_image(..., wait=True)``, delete. Runs once Nova, Cinder and Glance exist."""

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


def test_a_two_minute_upload_is_waited_out_by_the_sdks_own_polls_on_virtual_time():
    # 128.8 MB of extracted disk over an 8.5 Mbit/s link to Glance: about 121 virtual seconds,
    # which the SDK waits out with its own loop (a GET of the image, then time.sleep(2)). Inside
    # intercept() those sleeps advance the virtual clock, so the test returns at once; how much
    # CPU such a wait costs is measured by `make bench` (case sdk-slow-upload: ten minutes).
    cloud = Cloud(config={"nova": {"glance_link_gbit_per_s": 0.0085}})
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
        started, first_event = cloud.now, len(cloud.trace)
        snap = conn.compute.create_server_image(server, "slow-snap", wait=True, timeout=3600)
        waited = cloud.now - started
    assert snap.status == "active"
    (upload,) = [e for e in cloud.trace.filter(kind="io.finish") if e["label"] == "glance.upload"]
    assert 120 <= upload["duration_s"] <= 123
    assert upload["duration_s"] <= waited <= upload["duration_s"] + 5
    polls = [
        e["t"]
        for e in cloud.trace[first_event:]
        if e["kind"] == "api.request" and e["subject"] == f"GET /v2/images/{snap.id}"
    ]
    # One poll every 2 virtual seconds until the image is active: the SDK slept on the
    # simulation's clock, 60-odd times, and never on the wall's.
    gaps = {round(b - a, 1) for a, b in zip(polls, polls[1:], strict=False) if b > a}
    assert gaps == {2.0}
    assert 58 <= len(polls) <= 66
