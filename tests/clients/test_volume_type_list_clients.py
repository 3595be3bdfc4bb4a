"""``openstack volume type list [--public|--private]`` and openstacksdk
``block_storage.types()`` as Cinder answers them (29.0.0 ``VolumeTypesController
._get_volume_types``): the CLI sends ``is_public=None`` unless told (cinderclient), so an admin
sees the private types; the SDK sends nothing, so only the public ones; a member never sees a
private type. See tests/cinder/test_volume_type_list.py for the series."""

import pytest
from osc_inprocess import OpenStackCLI

from fakecloud import Cloud


@pytest.fixture
def cloud():
    """A cloud with a private type beside the default one."""
    types = {"__DEFAULT__": {"backend": "lvmdriver-1"},
             "secret": {"backend": "lvmdriver-1", "is_public": False}}  # fmt: skip
    return Cloud(profile="upstream", config={"cinder": {"volume_types": types}})


def _names(rows):
    return sorted(row["Name"] for row in rows)


def test_openstack_volume_type_list_public_and_private(intercepted, tmp_path):
    osc = OpenStackCLI(intercepted, tmp_path)
    admin = "fakecloud-admin"
    assert _names(osc("volume", "type", "list", cloud=admin)) == ["__DEFAULT__", "secret"]
    assert _names(osc("volume", "type", "list", "--private", cloud=admin)) == ["secret"]
    assert _names(osc("volume", "type", "list", "--public", cloud=admin)) == ["__DEFAULT__"]
    assert _names(osc("volume", "type", "list", "--private")) == ["__DEFAULT__"]
    conn = intercepted.connection("admin")
    assert sorted(t.name for t in conn.block_storage.types()) == ["__DEFAULT__"]
