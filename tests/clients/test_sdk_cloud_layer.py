"""openstacksdk's cloud layer (the "shade" API Ansible's openstack.cloud collection is built
on: ``conn.create_server``, ``create_image_snapshot``, ``create_volume``...) end to end, as a
snapshot-minded user calls it, on the seed's Queens and on upstream (openstacksdk 4.x
``cloud/_compute.py``, ``_block_storage.py``, ``_image.py``). One small world per profile:
each test makes what it changes itself.

``create_server(wait=True)`` insists on an address (``get_active_server`` deletes a server that
reached ACTIVE without one); with no network service in the catalog it reads the server's
``addresses`` alone, finds the ``public`` one (``get_server_external_ipv4``), so needs no
floating IP (``_needs_floating_ip``) and returns (`fakecloud.nova.network`)."""

from types import SimpleNamespace

import pytest

from fakecloud import Cloud

IMAGE = "cirros-0.6.2-x86_64-qga"
SSH = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAT1gK83ruUidhGETF5lkrWWgfbW7DHFfcuJm1iJGvO+ t1@fakecloud"
)


@pytest.fixture(scope="module", params=["seed", "upstream"])
def world(request):
    """A cloud of the profile, intercepted for the module, with the demo user's connection
    (`conn`), the admin's (`admin`), a key pair and an ACTIVE image-backed server (`server`)."""
    cloud = Cloud(seed=15, profile=request.param)
    with cloud.intercept() as intercept:
        conn = cloud.connection()
        conn.create_keypair("key", public_key=SSH)
        server = conn.create_server(
            "web", image=IMAGE, flavor="m1.tiny", key_name="key", wait=True, timeout=600
        )
        admin = cloud.connection(user="admin")
        yield SimpleNamespace(
            cloud=cloud, conn=conn, admin=admin, server=server, intercept=intercept
        )


def test_flavors_images_limits_and_keypairs(world):
    conn = world.conn
    flavors = {f.name: f for f in conn.list_flavors(get_extra=True)}
    assert flavors["m1.tiny"].ram == 512 and flavors["m1.tiny"].extra_specs == {}
    # The smallest flavor with at least that much RAM, then one whose name holds `include`.
    assert conn.get_flavor_by_ram(500).name == "m1.tiny"
    assert conn.get_flavor_by_ram(1000, include="small").name == "m1.small"
    image = conn.get_image(IMAGE)
    assert image.status == "active" and conn.get_image_by_id(image.id).name == IMAGE
    assert [i.name for i in conn.search_images(IMAGE)] == [IMAGE]
    assert IMAGE in [i.name for i in conn.list_images()]
    assert conn.get_image("no-such-image") is None
    limits = conn.get_compute_limits()
    assert (limits.max_total_instances, limits.max_total_cores) == (10, 20)
    assert limits.total_instances_used >= 1
    volume_limits = conn.get_volume_limits()
    assert volume_limits.absolute["maxTotalVolumes"] == 10
    # An admin reads another project's (``?tenant_id=`` on Nova's /limits).
    other = world.admin.get_compute_limits(conn.current_project_id)
    assert other.total_instances_used == limits.total_instances_used
    assert [k.name for k in conn.list_keypairs()] == ["key"]
    assert conn.search_keypairs("key")[0].fingerprint == conn.get_keypair("key").fingerprint


def test_create_server_waits_for_its_address(world):
    """The fixture's ``create_server(..., wait=True)`` with the default ``auto_ip``: the
    cloud sent ``networks: auto`` (2.37+), Nova allocated an address on ``public``."""
    server = world.server
    assert server.status == "ACTIVE"
    (address,) = server.addresses["public"]
    assert (address["OS-EXT-IPS:type"], address["version"]) == ("fixed", 4)
    assert server.public_v4 == server.interface_ip == address["addr"]
    ips = [(ip.network_label, ip.address) for ip in world.conn.compute.server_ips(server.id)]
    assert ips == [("public", address["addr"])]
    # delete_ips: no floating IP to release (the address is fixed), then the delete.
    conn = world.conn
    # What Ansible's openstack.cloud.server passes besides: metadata, user data, a config
    # drive, the default security group, a description (2.19).
    other = conn.create_server(
        "other", image=IMAGE, flavor="m1.tiny", wait=True, auto_ip=False, meta={"role": "db"},
        userdata="#cloud-config\n", config_drive=True, security_groups=["default"],
        description="made by the cloud layer",
    )  # fmt: skip
    assert other.public_v4 and other.public_v4 != server.public_v4
    assert (other.metadata, other.config_drive) == ({"role": "db"}, "True")
    assert other.description == "made by the cloud layer"
    assert conn.delete_server("other", wait=True, delete_ips=True, timeout=600) is True
    assert conn.get_server("other") is None


def test_servers_by_name_id_and_filters(world):
    conn, server = world.conn, world.server
    found = conn.get_server("web")
    assert (found.id, found.status, found.key_name) == (server.id, "ACTIVE", "key")
    assert found.flavor.name == "m1.tiny" and found.image.id == conn.get_image(IMAGE).id
    assert conn.get_server_by_id(server.id).name == "web"
    assert "web" in [s.name for s in conn.list_servers(detailed=True)]
    assert [s.name for s in conn.list_servers(filters={"ip": server.public_v4})] == ["web"]
    assert [s.name for s in conn.list_servers(filters={"name": "web"})] == ["web"]
    assert "web" in [s.name for s in conn.search_servers(filters={"status": "ACTIVE"})]
    assert [s.name for s in world.admin.list_servers(all_projects=True)] == ["web"]
    assert conn.get_server("no-such-server") is None
    assert conn.delete_server("no-such-server") is False


def test_image_snapshot_of_an_image_backed_server(world):
    conn = world.conn
    image = conn.create_image_snapshot("web-snap", world.server.id, wait=True, timeout=600)
    assert image.status == "active"
    assert conn.get_image("web-snap").instance_uuid == world.server.id
    assert conn.get_server("web").task_state is None
    assert conn.delete_image("web-snap", wait=True, timeout=600) is True
    assert conn.get_image("web-snap") is None


def test_volume_backed_server_and_its_snapshot(world):
    conn = world.conn
    extra = conn.create_volume(1, name="extra", wait=True, timeout=600)
    server = conn.create_server(
        "bfv", image=IMAGE, flavor="m1.tiny", boot_from_volume=True, volume_size=1,
        terminate_volume=True, volumes=[extra.id], wait=True, timeout=600,
    )  # fmt: skip
    assert server.status == "ACTIVE" and server.public_v4
    root, data = sorted(
        conn.get_volumes(server), key=lambda v: v.id != server.attached_volumes[0]["id"]
    )
    assert (root.size, root.is_bootable, root.status) == (1, True, "in-use")
    assert (data.id, data.status) == (extra.id, "in-use")
    image = conn.create_image_snapshot("bfv-snap", server.id, wait=True, timeout=600)
    # A volume-backed snapshot: an empty image whose mapping names a Cinder snapshot, which
    # may still be creating when the image is active (the cloud layer waits for the image).
    assert (image.status, image.size) == ("active", 0)
    # One Cinder snapshot per volume of the server (``snapshot_volume_backed``).
    snaps = {s.volume_id: s.name for s in conn.list_volume_snapshots()}
    assert snaps[root.id] == snaps[extra.id] == "snapshot for bfv-snap"
    assert conn.delete_server("bfv", wait=True, timeout=600) is True
    assert conn.get_server("bfv") is None
    # The data volume is left, detached; so is the root despite terminate_volume: Cinder
    # refuses to delete a volume that has snapshots, and Nova only logs it.
    left = sorted(v.id for v in conn.search_volumes(filters={"status": "available"}))
    assert left == sorted([root.id, extra.id])
    assert conn.delete_image("bfv-snap", wait=True, timeout=600) is True


def test_volumes_attach_snapshot_detach_delete(world):
    conn = world.conn
    volume = conn.create_volume(1, name="data", wait=True, timeout=600)
    assert volume.status == "available"
    from_image = conn.create_volume(1, name="boot", image=IMAGE, wait=True, timeout=600)
    assert from_image.is_bootable and conn.get_volume_by_id(from_image.id).name == "boot"
    assert [v.name for v in conn.search_volumes("data")] == ["data"]
    server = conn.get_server("web")
    attachment = conn.attach_volume(server, volume, wait=True, timeout=600)
    assert attachment.volume_id == volume.id
    attached = conn.get_volume("data")
    assert attached.status == "in-use" and attached.attachments[0]["server_id"] == server.id
    # force=True: a snapshot of an in-use volume.
    snap = conn.create_volume_snapshot(volume.id, force=True, name="data-snap", wait=True)
    assert snap.status == "available"
    assert conn.get_volume_snapshot("data-snap").id == snap.id
    assert conn.get_volume_snapshot_by_id(snap.id).volume_id == volume.id
    assert "data-snap" in [s.name for s in conn.list_volume_snapshots()]
    conn.detach_volume(server, attached, wait=True, timeout=600)
    assert conn.get_volume("data").status == "available"
    assert conn.delete_volume_snapshot("data-snap", wait=True, timeout=600) is True
    assert conn.get_volume_snapshot("data-snap") is None
    assert conn.delete_volume("data", wait=True, timeout=600) is True
    assert conn.delete_volume("boot", wait=True, timeout=600) is True
    assert conn.get_volume("data") is None and conn.delete_volume("data") is False


def test_image_upload_properties_and_import(world, tmp_path):
    conn = world.conn
    disk = tmp_path / "disk.img"
    disk.write_bytes(b"\0" * 4096)
    image = conn.create_image(
        "uploaded", filename=str(disk), disk_format="raw", container_format="bare", wait=True
    )
    assert (image.status, image.size) == ("active", 4096)
    assert conn.update_image_properties(image=image, meta={"os_distro": "cirros"}) is True
    assert conn.get_image("uploaded").os_distro == "cirros"
    assert "uploaded" in [i.name for i in conn.search_images(filters={"disk_format": "raw"})]
    assert "uploaded" not in [i.name for i in conn.search_images(filters={"disk_format": "qcow2"})]
    # use_import: the cloud layer waits only while the image is queued or saving, so it
    # returns once the data is staged and the import has started (a client trait: the
    # real Glance answers the same); the proxy's wait_for_status sees it through.
    imported = conn.create_image(
        "imported", filename=str(disk), disk_format="raw", container_format="bare", wait=True,
        use_import=True,
    )  # fmt: skip
    assert imported.status in ("uploading", "importing")
    imported = conn.image.wait_for_status(conn.image.get_image(imported.id), "active", wait=600)
    assert imported.size == 4096
    assert conn.delete_image("uploaded", wait=True) is True
    assert conn.delete_image("imported", wait=True) is True
    # openstacksdk never closes the file it opens for an upload (`image.data = open(...)`);
    # the intercept's log keeps the request, so the file would be freed, with a
    # ResourceWarning, in whichever later test drops the log. Close it here.
    for call in world.intercept.calls:
        if hasattr(call.request.body, "close"):
            call.request.body.close()
