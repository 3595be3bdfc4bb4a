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


def test_cinderclient_find_by_name_metadata_and_attachment_status(intercepted, request):
    """python-cinderclient at the version it negotiates (3.50, 3.59, 3.71): ``volumes.find``
    lists with ``all_tenants=1`` and the name (``ManagerWithFind.findall``): a 400 on Cinder
    12.x, nothing found on 14.x to 17.x (bug #1917574), found from 18.0.0; ``search_opts``
    metadata as ``str(dict)``; ``attachments.list(status=...)`` finds nothing in every series
    (the attachment table has no ``status`` column: ``is_valid_model_filters``)."""
    needs(intercepted, "cinder")
    from cinderclient import api_versions, exceptions
    from cinderclient import client as cinder_client
    from client_helpers import password_session

    profile = request.node.callspec.params["cloud"]
    session = password_session(intercepted)
    first = cinder_client.Client("3.0", session=session)
    version = api_versions.discover_version(first, api_versions.APIVersion("3.latest"))
    cinder = cinder_client.Client(version.get_string(), session=session)
    alpha = cinder.volumes.create(1, name="alpha", metadata={"k": "v"})
    cinder.volumes.create(1, name="beta")
    intercepted.run_until_idle()
    listed = cinder.volumes.list(search_opts={"metadata": {"k": "v"}})
    assert [v.name for v in listed] == ["alpha"]
    if profile == "seed":
        with pytest.raises(exceptions.BadRequest, match="Invalid filters all_tenants"):
            cinder.volumes.find(name="alpha")
    elif profile == "nova-19.0.0":
        with pytest.raises(exceptions.NotFound):
            cinder.volumes.find(name="alpha")
    else:
        assert cinder.volumes.find(name="alpha").id == alpha.id
    server = "11111111-2222-4333-8444-555555555555"
    cinder.attachments.create(alpha.id, None, server)
    assert [a.instance for a in cinder.attachments.list(search_opts={"volume_id": alpha.id})] == [
        server
    ]
    assert cinder.attachments.list(search_opts={"status": "reserved"}) == []
