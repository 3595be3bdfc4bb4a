"""The ``nfs`` backend (``cinder/volume/drivers/nfs.py``): snapshots off by default, qcow2
snapshot files the connection names, an attached volume's snapshot asked of Nova (here a
server Nova does not have: its 400 fails the snapshot), no extend of an attached volume."""

import pytest
from cinder_support import ADMIN, P1, attach, call, create_snapshot, create_volume, states

from fakecloud import Cloud, state
from fakecloud.errors import ConfigError

ASSISTED = "/v2.1/os-assisted-volume-snapshots"


def _cloud(profile="upstream", **backend):
    backends = {"share": {"kind": "nfs", **backend}}
    types = {"__DEFAULT__": {"backend": "share"}}
    return Cloud(profile=profile, config={"cinder": {"backends": backends, "volume_types": types}})


def _snapshot(cloud, sid):
    return call(cloud, "GET", f"snapshots/{sid}").json()["snapshot"]


def _connection(cloud, vid):
    body = {"os-initialize_connection": {"connector": {"host": "h"}}}
    info = call(cloud, "POST", f"volumes/{vid}/action", body).json()["connection_info"]
    return info["driver_volume_type"], info["data"]["name"], info["data"]["format"]


def test_nfs_lists_and_adopts_nothing_and_refuses_to_unmanage():
    """NfsDriver has no manage or unmanage of its own in any series here (the share files'
    ``RemoteFSManageableVolumesMixin`` is only the Windows SMBFS driver's, cinder 12.0.10 to
    29.0.0 remotefs.py): the lists are empty (``get_manageable_volumes``' AttributeError), a
    manage is ``error_managing`` (no ``manage_existing_get_size``), a volume's ``os-unmanage``
    ``error_unmanaging`` (``BaseVD.unmanage``'s NotImplementedError) and a snapshot's
    ``error_deleting`` (no ``unmanage_snapshot``); every row stays, and its quota."""
    cloud = _cloud(nfs_snapshot_support=True)
    vid, other = create_volume(cloud), create_volume(cloud)
    sid = create_snapshot(cloud, vid)
    for path in ("manageable_volumes", "manageable_snapshots"):
        listed = call(cloud, "GET", path, ctx=ADMIN, version="3.8", query={"host": "cinder@share"})
        assert listed.json() == {path.replace("_", "-"): []}
    ref = {"source-name": f"127.0.0.1:/srv/cinder/volume-{other}"}
    body = {"volume": {"host": "cinder@share", "ref": ref}}
    new = call(cloud, "POST", "manageable_volumes", body, ctx=ADMIN, version="3.8")
    for action, target in (("volumes", other), ("snapshots", sid)):
        path = f"{action}/{target}/action"
        assert call(cloud, "POST", path, {"os-unmanage": {}}, ctx=ADMIN).status == 202
    cloud.run_until_idle()
    assert states(cloud, new.json()["volume"]["id"]) == ["managing", "error_managing"]
    assert states(cloud, other)[-2:] == ["unmanaging", "error_unmanaging"]
    assert states(cloud, sid)[-2:] == ["unmanaging", "error_deleting"]
    usage = call(cloud, "GET", f"os-quota-sets/{P1}", query={"usage": "true"}).json()
    assert (usage["quota_set"]["volumes"]["in_use"], usage["quota_set"]["snapshots"]["in_use"]) == (
        2,
        1,
    )


def test_snapshots_fail_until_nfs_snapshot_support_is_set():
    cloud = _cloud()
    sid = create_snapshot(cloud, create_volume(cloud))
    assert _snapshot(cloud, sid)["status"] == "error"
    error = cloud.trace.first(kind="cinder.error", op="create_snapshot")["error"]
    assert error == "NFS driver snapshot support is disabled in cinder.conf."


def test_offline_snapshots_are_qcow2_files_the_connection_names():
    """Two snapshots asked at once take turns (the driver's per-volume lock): a chain."""
    cloud = _cloud(nfs_snapshot_support=True)
    vid = create_volume(cloud)
    assert _connection(cloud, vid) == ("nfs", f"volume-{vid}", "raw")
    first = create_snapshot(cloud, vid, settle=False)
    second = create_snapshot(cloud, vid)
    assert _snapshot(cloud, second)["status"] == "available"
    assert _connection(cloud, vid) == ("nfs", f"volume-{vid}.{second}", "qcow2")
    call(cloud, "DELETE", f"snapshots/{second}")
    cloud.run_until_idle()
    assert _connection(cloud, vid) == ("nfs", f"volume-{vid}.{first}", "qcow2")
    call(cloud, "DELETE", f"snapshots/{first}")
    cloud.run_until_idle()
    assert _connection(cloud, vid) == ("nfs", f"volume-{vid}", "raw")
    assert call(cloud, "GET", "snapshots").json() == {"snapshots": []}


@pytest.mark.parametrize(
    ("profile", "status"),
    [("nova-21.0.0", "available"), ("nova-21.1.0", "error"), ("nova-21.1.1", "available")],
)
def test_a_nameless_snapshot_fails_on_cinder_16_1_0(profile, status):
    """LP #1886222: Cinder 16.1.0's ``_create_snapshot`` (f68a64540f) reads
    ``snapshot.display_name.startswith('tmp-snap-')`` without 16.2.0's guard (f23c7e8f85):
    a snapshot asked without a name is an AttributeError, ``error`` (Nova 21.1.0 only)."""
    cloud = _cloud(profile, nfs_snapshot_support=True)
    sid = create_snapshot(cloud, create_volume(cloud))
    assert _snapshot(cloud, sid)["status"] == status
    if status == "error":
        error = cloud.trace.first(kind="cinder.error", op="create_snapshot")["error"]
        assert error == "'NoneType' object has no attribute 'startswith'"


def test_an_attached_volume_is_snapshotted_by_nova_whose_refusal_fails_it():
    """Attached outside Nova, the volume has no mapping there: Nova's 400 reaches Cinder."""
    cloud = _cloud(nfs_snapshot_support=True)
    vid = create_volume(cloud)
    attach(cloud, vid)
    sid = create_snapshot(cloud, vid)
    assert _snapshot(cloud, sid)["status"] == "error"
    answer = cloud.trace.first(
        kind="api.response", subject="POST /v2.1/os-assisted-volume-snapshots"
    )
    assert (answer["status"], answer["user"]) == (400, "nova")
    error = cloud.trace.first(kind="cinder.error", op="create_snapshot")["error"]
    assert error == f"No volume Block Device Mapping with id {vid}. (HTTP 400)"


@pytest.mark.parametrize(
    ("profile", "status"), [("upstream", "error_extending"), ("seed", "in-use")]
)
def test_an_attached_volume_is_not_extended_from_cinder_17(profile, status):
    cloud = _cloud(profile)
    vid = create_volume(cloud)
    attach(cloud, vid)
    resp = call(
        cloud, "POST", f"volumes/{vid}/action", {"os-extend": {"new_size": 2}}, version="3.42"
    )
    assert resp.status == 202
    cloud.run_until_idle()
    assert call(cloud, "GET", f"volumes/{vid}").json()["volume"]["status"] == status


@pytest.mark.parametrize(
    ("backend", "message"),
    [
        ({"kind": "nfs", "nfs_snapshot_support": "yes"}, "nfs_snapshot_support: expected true or"),
        ({"kind": "rbd", "nfs_share": "h:/x"}, "unknown config key cinder.backends.b.nfs_share"),
    ],
)
def test_nfs_options_are_checked(backend, message):
    config = {"backends": {"b": backend}, "volume_types": {"__DEFAULT__": {"backend": "b"}}}
    with pytest.raises(ConfigError, match=message):
        Cloud(config={"cinder": config})


def _admin(cloud, method, path, body=None):
    """A Keystone admin's request (the catalog's, groups' and grants' writes)."""
    return cloud.request("identity", method, path, body, user="admin")


def test_a_loaded_world_of_nfs_snapshots_groups_and_catalog_writes_goes_on_as_the_original():
    """save -> load -> run -> save is run -> save for a world holding session 29's objects: an
    NFS volume's qcow2 snapshot chain, a consistency group on the share (renamed: ``available``)
    with a volume and a cgsnapshot, a Keystone group with a member and an inherited grant, and a
    written region, service and endpoint; both then snapshot again, delete the first snapshot,
    take another cgsnapshot (it stays ``creating``: no driver here has consistency groups),
    leave the group and move the endpoint."""
    cloud = _cloud(nfs_snapshot_support=True)
    vid = create_volume(cloud)
    first = create_snapshot(cloud, vid)
    kind = call(cloud, "GET", "types/default", ctx=ADMIN).json()["volume_type"]["id"]
    body = {"consistencygroup": {"name": "cg", "volume_types": kind}}
    cg = call(cloud, "POST", "consistencygroups", body).json()["consistencygroup"]["id"]
    cloud.run_until_idle()
    call(cloud, "PUT", f"consistencygroups/{cg}/update", {"consistencygroup": {"name": "cg2"}})
    body = {"volume": {"size": 1, "volume_type": kind, "consistencygroup_id": cg}}
    call(cloud, "POST", "volumes", body)
    cloud.run_until_idle()
    call(cloud, "POST", "cgsnapshots", {"cgsnapshot": {"consistencygroup_id": cg}})
    group = _admin(cloud, "POST", "/v3/groups", {"group": {"name": "ops"}}).json()["group"]["id"]
    user, project = cloud.context("demo").user_id, cloud.context("demo").project_id
    member = _admin(cloud, "GET", "/v3/roles?name=member").json()["roles"][0]["id"]
    _admin(cloud, "PUT", f"/v3/groups/{group}/users/{user}")
    _admin(cloud, "PUT", f"/v3/OS-INHERIT/projects/{project}/groups/{group}/roles/{member}"
           "/inherited_to_projects")  # fmt: skip
    service = _admin(cloud, "POST", "/v3/services", {"service": {"type": "object-store"}})
    body = {"endpoint": {"service_id": service.json()["service"]["id"], "interface": "public",
                         "url": "http://swift.test/$(project_id)s", "region": "R2"}}  # fmt: skip
    endpoint = _admin(cloud, "POST", "/v3/endpoints", body).json()["endpoint"]["id"]
    cloud.run_until_idle()
    loaded = state.loads(state.dumps(cloud), cloud_class=Cloud)
    for world in (cloud, loaded):
        second = create_snapshot(world, vid)
        call(world, "DELETE", f"snapshots/{first}")
        body = {"cgsnapshot": {"consistencygroup_id": cg}}
        assert call(world, "POST", "cgsnapshots", body).status == 202
        _admin(world, "DELETE", f"/v3/groups/{group}/users/{user}")
        _admin(world, "PATCH", f"/v3/endpoints/{endpoint}", {"endpoint": {"url": "http://b.test"}})
        world.run_until_idle()
        assert _connection(world, vid) == ("nfs", f"volume-{vid}.{second}", "qcow2")
    assert state.dumps(loaded) == state.dumps(cloud)
