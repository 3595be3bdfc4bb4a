"""``openstack volume type create --private --property --project``, ``volume type set
--property``, ``volume type unset`` and ``volume type delete``, a volume of the new type as the
project it was shared with (tests/cinder/test_volume_type_writes.py has Cinder's answers per
series), openstacksdk's type calls, then ``openstack volume service set/list``. They were 404s:
the types were read-only, ``os-services`` not served."""

import pytest
from osc_inprocess import CommandFailed, OpenStackCLI

from fakecloud import Cloud


def test_cli_creates_shares_uses_and_deletes_a_private_type(tmp_path):
    cloud = Cloud(seed=6, profile="upstream")
    demo = cloud.keystone.directory.project_by_name("demo").id
    with cloud.intercept():
        osc = OpenStackCLI(cloud, tmp_path)
        admin = "fakecloud-admin"
        made = osc(
            "volume", "type", "create", "--private", "--property", "multiattach=<is> True",
            "--project", demo, "--description", "shared", "shared-multi", cloud=admin,
        )  # fmt: skip
        assert (made["name"], made["is_public"], made["description"]) == (
            "shared-multi", False, "shared",
        )  # fmt: skip
        type_id = made["id"]
        access = cloud.request("volumev3", "GET", f"/v3/types/{type_id}/os-volume-type-access",
                               user="admin")  # fmt: skip
        assert [row["project_id"] for row in access.json()["volume_type_access"]] == [demo]
        # demo sees it and makes a multiattach volume of it.
        assert "shared-multi" in {row["Name"] for row in osc("volume", "type", "list")}
        volume = osc("volume", "create", "--size", "1", "--type", "shared-multi", "v1")
        cloud.run_until_idle()
        row = cloud.cinder.volume(volume["id"])
        assert (row.volume_type.id, row.status, row.multiattach) == (type_id, "available", True)
        # In use: its specs are fixed and it cannot be deleted.
        with pytest.raises(CommandFailed, match="Volume Type is currently in use"):
            osc("volume", "type", "set", "--property", "tier=gold", type_id, cloud=admin,
                output=False)  # fmt: skip
        with pytest.raises(CommandFailed, match="Target volume type is still in use"):
            osc("volume", "type", "delete", type_id, cloud=admin, output=False)
        osc("volume", "delete", volume["id"], output=False)
        cloud.run_until_idle()
        osc("volume", "type", "unset", "--property", "multiattach", type_id, cloud=admin,
            output=False)  # fmt: skip
        assert cloud.cinder.volume_types["shared-multi"].extra_specs == {}
        # openstackclient 10.5.0 sets --public through openstacksdk's update_type, which sends
        # os-volume-type-access:is_public: Cinder's update schema has only is_public (400).
        with pytest.raises(CommandFailed, match="'os-volume-type-access:is_public' was unexpected"):
            osc("volume", "type", "set", "--public", type_id, cloud=admin, output=False)
        osc("volume", "type", "delete", type_id, cloud=admin, output=False)
        assert "shared-multi" not in cloud.cinder.volume_types
        # openstacksdk's block_storage proxy: the same routes.
        conn = cloud.connection("admin")
        made = conn.block_storage.create_type(name="sdk", is_public=False, extra_specs={"a": "b"})
        conn.block_storage.update_type_extra_specs(made, c="d")
        conn.block_storage.add_type_access(made, demo)
        assert conn.block_storage.get_type_access(made) == [
            {"volume_type_id": made.id, "project_id": demo}
        ]
        assert conn.block_storage.get_type(made).extra_specs == {"a": "b", "c": "d"}
        conn.block_storage.delete_type(made)
        assert "sdk" not in cloud.cinder.volume_types
        # /os-services (tests/cinder/test_volume_services.py): a reason disables, from 28.0.0
        # too (disable-log-reason).
        osc("volume", "service", "set", "--disable", "--disable-reason", "maintenance",
            "cinder@lvmdriver-1", "cinder-volume", cloud=admin, output=False)  # fmt: skip
        services = osc("volume", "service", "list", cloud=admin)
        assert [(s["Binary"], s["Host"], s["Status"], s["State"]) for s in services] == [
            ("cinder-scheduler", "cinder", "enabled", "up"),
            ("cinder-volume", "cinder@lvmdriver-1", "disabled", "up"),
            ("cinder-backup", "cinder", "enabled", "up"),
        ]
