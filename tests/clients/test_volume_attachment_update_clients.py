"""Updating a volume attachment through the real clients (``PUT
/servers/{id}/os-volume_attachments/{volume_id}``, Nova's ``VolumeAttachmentController.update``):
``openstack server volume set --delete-on-termination`` (2.85), openstacksdk's
``update_volume_attachment`` and python-novaclient's ``volumes.update_server_volume`` (a swap:
refused in 34.0.0 for a volume Cinder is not migrating, done by an admin in Queens)."""

import pytest
from client_helpers import active_server, base_image, novaclient_as, small_flavor
from osc_inprocess import OpenStackCLI

from fakecloud import Cloud


def _server_and_volumes(cloud, conn, count):
    image = base_image(cloud, conn)
    server = active_server(conn, image, small_flavor(conn, image), "swap")
    volumes = [conn.block_storage.create_volume(size=1, name=f"v{i}") for i in range(count)]
    for volume in volumes:
        conn.block_storage.wait_for_status(volume, "available", wait=600)
    conn.compute.create_volume_attachment(server, volume_id=volumes[0].id)
    conn.block_storage.wait_for_status(volumes[0], "in-use", wait=600)
    return server, volumes


def test_delete_on_termination_set_by_the_cli_and_the_sdk(tmp_path):
    cloud = Cloud(seed=0, profile="upstream")
    with cloud.intercept():
        conn = cloud.connection()
        server, (volume,) = _server_and_volumes(cloud, conn, 1)
        osc = OpenStackCLI(cloud, tmp_path)
        osc(
            "--os-compute-api-version", "2.85", "server", "volume", "set",
            "--delete-on-termination", server.id, volume.id, output=False,
        )  # fmt: skip
        listed = osc("--os-compute-api-version", "2.85", "server", "volume", "list", server.id)
        assert [row["Delete On Termination?"] for row in listed] == [True]

        conn.compute.update_volume_attachment(server, volume, delete_on_termination=False)
        shown = conn.compute.get_volume_attachment(server, volume)
        assert shown.delete_on_termination is False


def test_a_swap_is_cinders_in_34_and_any_admins_in_queens():
    for profile in ("upstream", "seed"):
        cloud = Cloud(seed=0, profile=profile)
        with cloud.intercept():
            conn = cloud.connection()
            server, (old, new) = _server_and_volumes(cloud, conn, 2)
            nova = novaclient_as(cloud, "2.1", "admin")
            if profile == "upstream":
                from novaclient import exceptions

                with pytest.raises(exceptions.Conflict, match="should only be called by Cinder"):
                    nova.volumes.update_server_volume(server.id, old.id, new.id)
                continue
            nova.volumes.update_server_volume(server.id, old.id, new.id)
            conn.block_storage.wait_for_status(new, "in-use", wait=600)
            conn.block_storage.wait_for_status(old, "available", wait=600)
            attached = [a.volume_id for a in conn.compute.volume_attachments(server)]
            assert attached == [new.id]
