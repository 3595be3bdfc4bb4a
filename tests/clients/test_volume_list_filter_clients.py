"""openstacksdk's ``block_storage.volumes(...)`` / ``snapshots(...)`` (what ``openstack volume
list --property/--name/--status/--all-projects`` and ``openstack volume snapshot list
--volume`` call), unchanged, against each series' list filters (cinder 12.0.10, 14.x, 29.0.0
``reject_invalid_filters`` and ``_process_volume_filters``; session 14, t1). The SDK asks for
the newest microversion both sides know (3.50, 3.59, 3.71): the general filtering of 3.31."""

import pytest
from client_helpers import needs
from openstack.exceptions import BadRequestException
from osc_inprocess import OpenStackCLI

from fakecloud import Cloud


@pytest.fixture(params=["seed", "nova-19.0.0", "upstream"])
def cloud(request):
    return Cloud(seed=1, profile=request.param)


def test_sdk_volume_and_snapshot_filters_per_series(intercepted, request):
    needs(intercepted, "cinder")
    profile = request.node.callspec.params["cloud"]
    bs = intercepted.connection().block_storage
    alpha = bs.create_volume(size=1, name="alpha", metadata={"k": "v"})
    beta = bs.create_volume(size=2, name="beta")
    alpha = bs.wait_for_status(alpha, "available", wait=600)
    bs.wait_for_status(beta, "available", wait=600)
    bs.wait_for_status(bs.create_snapshot(volume_id=alpha.id, name="sa"), "available", wait=600)

    def names(**query):
        return sorted(v.name for v in bs.volumes(**query))

    # openstack volume list --property k=v: the SDK sends str(dict), as cinderclient did
    assert names(properties=str({"k": "v"})) == ["alpha"]
    assert names(name="beta") == ["beta"]
    assert names(status="available") == ["alpha", "beta"]
    assert [s.name for s in bs.snapshots(volume_id=alpha.id)] == ["sa"]
    assert list(bs.snapshots(volume_id=beta.id)) == []
    # --all-projects as a member: refused (12.x), forgiven but left in the query where no
    # column matches (14.x to 17.x, bug #1917574), popped (18.0.0 on)
    if profile == "seed":
        with pytest.raises(BadRequestException, match="Invalid filters all_tenants are found"):
            names(all_projects=True)
    else:
        assert names(all_projects=True) == ([] if profile == "nova-19.0.0" else ["alpha", "beta"])


@pytest.mark.parametrize("cloud", ["upstream"], indirect=True)
def test_openstack_volume_list_property_and_snapshot_list_volume(intercepted, tmp_path):
    """``openstack volume list --property k=v --status available`` and ``openstack volume
    snapshot list --volume alpha`` (openstackclient over openstacksdk, unchanged)."""
    needs(intercepted, "cinder")
    osc = OpenStackCLI(intercepted, tmp_path)
    bs = intercepted.connection().block_storage
    alpha = bs.create_volume(size=1, name="alpha", metadata={"k": "v"})
    bs.wait_for_status(bs.create_volume(size=1, name="beta"), "available", wait=600)
    alpha = bs.wait_for_status(alpha, "available", wait=600)
    bs.wait_for_status(bs.create_snapshot(volume_id=alpha.id, name="sa"), "available", wait=600)
    rows = osc("volume", "list", "--property", "k=v", "--status", "available")
    assert [row["Name"] for row in rows] == ["alpha"]
    assert [row["Name"] for row in osc("volume", "list", "--name", "beta")] == ["beta"]
    assert [row["Name"] for row in osc("volume", "snapshot", "list", "--volume", "alpha")] == ["sa"]
