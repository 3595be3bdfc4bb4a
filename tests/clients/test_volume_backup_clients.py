"""Real clients backing volumes up (tests/cinder/test_backups.py has Cinder's answers):
``openstack volume backup create/restore``, openstacksdk's ``block_storage`` backups (create,
wait, list, restore to a new volume, delete, a volume made from a backup) and the cloud
layer's ``create_volume_backup`` / ``delete_volume_backup``. They were 404s: ``/backups`` was
not served."""

from client_helpers import needs, show_direct, volume_direct
from osc_inprocess import OpenStackCLI

from fakecloud import Cloud


def test_cli_and_sdk_back_up_restore_and_delete(tmp_path):
    cloud = Cloud(seed=6, profile="upstream")
    needs(cloud, "cinder")
    with cloud.intercept():
        vid = volume_direct(cloud, "data", size=1)
        osc = OpenStackCLI(cloud, tmp_path)
        made = osc("volume", "backup", "create", "--name", "b1", "--description", "first", vid)
        cloud.run_until_idle()
        shown = show_direct(cloud, f"/v3/{{project_id}}/backups/{made['id']}")["backup"]
        assert (shown["name"], shown["status"], shown["size"]) == ("b1", "available", 1)
        restored = osc("volume", "backup", "restore", "--force", made["id"], vid)
        assert restored["volume_id"] == vid
        cloud.run_until_idle()
        volume = show_direct(cloud, f"/v3/{{project_id}}/volumes/{vid}")["volume"]
        assert volume["status"] == "available"
        # openstacksdk: the proxy (at its 3.64) and the cloud layer.
        conn = cloud.connection()
        backup = conn.block_storage.create_backup(volume_id=vid, name="b2", is_incremental=True)
        backup = conn.block_storage.wait_for_status(backup, "available", wait=120)
        assert backup.is_incremental is True and backup.metadata == {}
        names = sorted(b.name for b in conn.block_storage.backups())
        assert names == ["b1", "b2"]
        conn.block_storage.restore_backup(backup, name="from-b2")
        cloud.run_until_idle()
        new = conn.block_storage.find_volume("from-b2")
        assert (new.status, new.metadata) == ("available", {"src_backup_id": backup.id})
        # a volume from a backup (3.47): creating while the backup is restored into it
        made_from = conn.block_storage.create_volume(name="from-b1", backup_id=made["id"])
        made_from = conn.block_storage.wait_for_status(made_from, "available", wait=120)
        assert made_from.metadata == {"src_backup_id": made["id"]}
        layer = conn.create_volume_backup(vid, name="b3", force=True, wait=True)
        assert layer["status"] == "available"
        conn.block_storage.delete_backup(backup)
        conn.block_storage.wait_for_delete(backup, wait=60)
        assert conn.delete_volume_backup(made["id"], wait=True) is True
        assert conn.delete_volume_backup(layer["id"], wait=True) is True
        assert list(conn.block_storage.backups()) == []
