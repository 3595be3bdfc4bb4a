"""Boot from volume as the clients send it: openstacksdk's ``create_server(boot_from_volume=True,
...)``, ``boot_volume=`` and ``volumes=`` (openstacksdk 4.x ``_get_boot_from_volume_kwargs``:
``imageRef: ""``, ``boot_index`` as a string, an image-to-local root added beside data volumes
of an image boot) and ``openstack server create --boot-from-volume N`` (python-openstackclient
10.x), end to end against Nova's mapping checks (nova 17.0.13-34.0.0 ``from_api``,
``_validate_bdm``)."""

from osc_inprocess import OpenStackCLI

IMAGE = "cirros-0.6.2-x86_64-qga"


def _volume(cloud, sid):
    r = cloud.request("compute", "GET", f"/v2.1/servers/{sid}/os-volume_attachments")
    return [a["volumeId"] for a in r.json()["volumeAttachments"]]


def test_openstacksdk_create_server_boot_from_volume(intercepted):
    cloud = intercepted
    conn = cloud.connection()
    server = conn.create_server(
        "sdk-bfv", image=IMAGE, flavor="m1.tiny", boot_from_volume=True, volume_size=1,
        terminate_volume=True, network=[], auto_ip=False,
    )  # fmt: skip
    # wait=True would insist on an IP address; fakecloud has no networking.
    server = conn.compute.wait_for_server(conn.compute.get_server(server.id), wait=600)
    assert server.status == "ACTIVE"
    (root,) = _volume(cloud, server.id)
    volume = conn.block_storage.get_volume(root)
    assert volume.size == 1 and volume.is_bootable
    # boot_volume=: the existing volume's own server, made from the image first.
    made = conn.block_storage.create_volume(size=1, image_id=conn.image.find_image(IMAGE).id)
    conn.block_storage.wait_for_status(made, "available", wait=600)
    data = conn.block_storage.create_volume(size=1)
    conn.block_storage.wait_for_status(data, "available", wait=600)
    server = conn.create_server(
        "sdk-vol", flavor="m1.tiny", boot_volume=made.id, volumes=[data.id], network=[],
        auto_ip=False,
    )  # fmt: skip
    # wait=True would insist on an IP address; fakecloud has no networking.
    server = conn.compute.wait_for_server(conn.compute.get_server(server.id), wait=600)
    assert server.status == "ACTIVE"
    assert sorted(_volume(cloud, server.id)) == sorted([made.id, data.id])


def test_openstacksdk_image_boot_with_a_data_volume(intercepted):
    """An image boot with ``volumes=``: openstacksdk adds the image-to-local root mapping
    (boot_index 0) that Nova requires beside the data volume's (boot_index '-1')."""
    cloud = intercepted
    conn = cloud.connection()
    data = conn.block_storage.create_volume(size=1)
    conn.block_storage.wait_for_status(data, "available", wait=600)
    server = conn.create_server(
        "sdk-img", image=IMAGE, flavor="m1.tiny", volumes=[data.id], network=[], auto_ip=False,
    )  # fmt: skip
    # wait=True would insist on an IP address; fakecloud has no networking.
    server = conn.compute.wait_for_server(conn.compute.get_server(server.id), wait=600)
    assert server.status == "ACTIVE"
    assert _volume(cloud, server.id) == [data.id]


def test_openstack_server_create_boot_from_volume(intercepted, tmp_path):
    osc = OpenStackCLI(intercepted, tmp_path)
    args = ["--flavor", "1", "--image", IMAGE, "--boot-from-volume", "1", "--no-network"]
    server = osc("server", "create", *args, "--wait", "cli-bfv")
    assert server["status"] == "ACTIVE"
    (root,) = _volume(intercepted, server["id"])
    # The refusals (a volume under the image's min_disk; one already in use) are Nova's 400s
    # (tests/nova/test_boot_bdm_refusals.py); how the CLI reports one, test_openstack_cli.py's.


def test_openstack_server_create_from_a_volume_and_from_a_snapshot(intercepted, tmp_path):
    """``openstack server create --volume`` (an existing bootable volume as the root) and
    ``--snapshot`` (a new root volume from a Cinder snapshot)."""
    osc = OpenStackCLI(intercepted, tmp_path)
    volume = osc("volume", "create", "--size", "1", "--image", IMAGE, "root")
    intercepted.run_until_idle()
    args = ["--flavor", "1", "--volume", volume["id"], "--no-network", "--wait", "from-vol"]
    server = osc("server", "create", *args)
    assert server["status"] == "ACTIVE"
    assert _volume(intercepted, server["id"]) == [volume["id"]]
    snap = osc("volume", "snapshot", "create", "--volume", volume["id"], "--force", "snap")
    intercepted.run_until_idle()
    args = ["--flavor", "1", "--snapshot", snap["id"], "--no-network", "--wait", "from-snap"]
    server = osc("server", "create", *args)
    assert server["status"] == "ACTIVE"
    (root,) = _volume(intercepted, server["id"])
    assert root != volume["id"]
