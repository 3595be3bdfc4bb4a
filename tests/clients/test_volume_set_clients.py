"""``openstack volume set --type/--migration-policy/--read-only`` and openstacksdk's
``retype_volume``/``set_volume_readonly``, unchanged, against Cinder's ``os-retype`` and
``os-update_readonly_flag`` (cinder 29.0.0 ``volume/api.py`` ``retype``,
``update_readonly_flag``): both were "There is no such action" 400s."""

import pytest
from client_helpers import needs, show_direct, volume_direct
from osc_inprocess import OpenStackCLI

from fakecloud import Cloud

TYPES = {
    "__DEFAULT__": {"backend": "lvm"},
    "gold": {"backend": "lvm", "extra_specs": {"capabilities:vendor_name": "Open Source"}},
    "fast": {"backend": "ceph"},
}


@pytest.fixture
def cloud():
    """Two backends, a second type on the default backend and one on the other."""
    backends = {"lvm": {"kind": "lvm-thin"}, "ceph": {"kind": "rbd"}}
    return Cloud(config={"cinder": {"backends": backends, "volume_types": TYPES}})


@pytest.fixture
def osc(intercepted, tmp_path):
    needs(intercepted, "cinder")
    return OpenStackCLI(intercepted, tmp_path)


def test_openstack_volume_set_type_and_read_only(osc, intercepted):
    vid = volume_direct(intercepted, "v1")
    path = f"/v3/{{project_id}}/volumes/{vid}"
    # Same backend: retyped in place with the CLI's default policy, never.
    osc("volume", "set", "--type", "gold", "v1", output=False)
    intercepted.run_until_idle()
    assert show_direct(intercepted, path)["volume"]["volume_type"] == "gold"
    # Another backend needs --migration-policy on-demand (never: refused by the scheduler).
    osc("volume", "set", "--type", "fast", "--migration-policy", "on-demand", "v1", output=False)
    intercepted.run_until_idle()
    shown = show_direct(intercepted, path, user="admin")["volume"]
    assert (shown["volume_type"], shown["status"], shown["os-vol-host-attr:host"]) == (
        "fast",
        "available",
        "cinder@ceph#ceph",
    )
    osc("volume", "set", "--read-only", "v1", output=False)
    assert show_direct(intercepted, path)["volume"]["metadata"] == {"readonly": "True"}
    osc("volume", "set", "--read-write", "v1", output=False)
    assert show_direct(intercepted, path)["volume"]["metadata"] == {"readonly": "False"}


def test_sdk_retype_volume_and_set_volume_readonly(intercepted):
    needs(intercepted, "cinder")
    bs = intercepted.connection().block_storage
    vol = bs.wait_for_status(bs.create_volume(size=1, name="sdk-v"), "available", wait=600)
    bs.retype_volume(vol, bs.find_type("gold"))
    assert bs.get_volume(vol.id).status == "retyping"
    vol = bs.wait_for_status(bs.get_volume(vol.id), "available", wait=600)
    assert vol.volume_type == "gold"
    bs.set_volume_readonly(vol, True)
    assert bs.get_volume(vol.id).metadata == {"readonly": "True"}
