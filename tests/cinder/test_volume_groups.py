"""Generic volume groups, group types and group snapshots (``/group_types``, ``/groups``,
``/group_snapshots``): cinder/group/api.py, api/v3/group*.py, the manager's generic group
paths, as cinder 29.0.0 (``upstream``) and 12.0.10 (``seed``) answer them. Each test forks
one booted world: a group type, a group of the default volume type and a volume in it."""

import math

import pytest
from cinder_support import ADMIN, MEMBER, OTHER, P1, call, fault, states

from fakecloud import Cloud

V = "3.71"


def _c(cloud, method, path, body=None, ctx=MEMBER, version=V, **kw):
    return call(cloud, method, path, body, ctx=ctx, version=version, **kw)


def _group(cloud, gtype, vtype, ctx=MEMBER, **extra):
    body = {"group": {"group_type": gtype, "volume_types": [vtype], **extra}}
    return _c(cloud, "POST", "groups", body, ctx=ctx)


@pytest.fixture(scope="module")
def world():
    cloud = Cloud(profile="upstream")
    gtype = _c(cloud, "POST", "group_types", {"group_type": {"name": "gt"}}, ctx=ADMIN)
    gtype = gtype.json()["group_type"]["id"]
    vtype = cloud.cinder.default_type.id
    gid = _group(cloud, gtype, vtype, name="g").json()["group"]["id"]
    cloud.run_until_idle()
    body = {"volume": {"size": 1, "volume_type": vtype, "group_id": gid}}
    vid = _c(cloud, "POST", "volumes", body).json()["volume"]["id"]
    cloud.run_until_idle()
    return cloud, gtype, vtype, gid, vid


def test_each_api_is_a_404_below_its_microversion(world):
    cloud, _gtype, _vtype, gid, _vid = world
    for version, method, path, body in (
        ("3.10", "GET", "group_types", None),
        ("3.12", "GET", "groups", None),
        ("3.13", "GET", "group_snapshots", None),
        ("3.19", "POST", f"groups/{gid}/action", {"reset_status": {"status": "error"}}),
    ):
        resp = _c(cloud, method, path, body, ctx=ADMIN, version=version)
        assert fault(resp) == ("itemNotFound", 404, "The resource could not be found."), path


def test_group_types_the_default_one_duplicates_and_a_type_in_use(world):
    cloud, gtype, _vtype, _gid, _vid = world
    listed = _c(cloud, "GET", "group_types", ctx=MEMBER).json()["group_types"]
    assert [t["name"] for t in listed] == ["gt", "default_cgsnapshot_type"]
    assert "group_specs" not in listed[0]  # the specs are the admins'
    dup = _c(cloud, "POST", "group_types", {"group_type": {"name": "gt"}}, ctx=ADMIN)
    assert fault(dup) == ("conflictingRequest", 409, "Group Type gt already exists.")
    gone = _c(cloud, "DELETE", f"group_types/{gtype}", ctx=ADMIN)
    assert fault(gone) == (  # group_types.destroy's words (the cinder oracle, 29.0.0)
        "badRequest",
        400,
        f"Target group type is still in use. Group Type {gtype} deletion is not allowed with "
        "groups present with the type.",
    )
    default = _c(cloud, "GET", "group_types/default", ctx=ADMIN)
    assert fault(default) == ("itemNotFound", 404, "Default group type can not be found.")
    assert _c(cloud, "POST", "group_types", {"group_type": {"name": "x"}}).status == 403


def test_group_type_specs_crud():
    cloud = Cloud(profile="upstream")
    tid = _c(cloud, "POST", "group_types", {"group_type": {"name": "s"}}, ctx=ADMIN).json()
    path = f"group_types/{tid['group_type']['id']}/group_specs"
    specs = {"group_specs": {"k1": "v1", "k2": "v2"}}
    assert _c(cloud, "POST", path, specs, ctx=ADMIN).json() == specs
    assert _c(cloud, "PUT", f"{path}/k1", {"k1": "v9"}, ctx=ADMIN).json() == {"k1": "v9"}
    mismatch = _c(cloud, "PUT", f"{path}/k1", {"k2": "x"}, ctx=ADMIN)
    assert fault(mismatch) == ("badRequest", 400, "Request body and URI mismatch")
    assert _c(cloud, "DELETE", f"{path}/k2", ctx=ADMIN).status == 202
    missing = fault(_c(cloud, "GET", f"{path}/k2", ctx=ADMIN))[2]
    assert missing == f"Group Type {tid['group_type']['id']} has no extra spec with key k2."
    assert _c(cloud, "GET", path, ctx=ADMIN).json() == {"group_specs": {"k1": "v9"}}


def test_a_group_and_its_volume_as_the_views_show_them(world):
    cloud, gtype, vtype, gid, vid = world
    shown = _c(cloud, "GET", f"groups/{gid}", query={"list_volume": "true"}).json()["group"]
    assert shown["status"] == "available" and shown["volumes"] == [vid]
    assert (shown["group_type"], shown["volume_types"]) == (gtype, [vtype])
    assert shown["replication_status"] == "disabled" and "project_id" not in shown
    assert _c(cloud, "GET", f"volumes/{vid}").json()["volume"]["group_id"] == gid
    assert _c(cloud, "GET", f"groups/{gid}", ctx=OTHER).status == 404
    refused = _c(cloud, "DELETE", f"volumes/{vid}")
    assert "must not be migrating, attached, belong to a group" in fault(refused)[2]
    untyped = _c(cloud, "POST", "volumes", {"volume": {"size": 1, "group_id": gid}})
    assert fault(untyped)[2] == (
        "Invalid input received: volume_type must be provided when creating a volume in a group."
    )


def test_a_volume_in_a_group_cannot_be_retyped(world):
    cloud = world[0].fork()
    vid = world[4]
    _c(cloud, "POST", "types", {"volume_type": {"name": "other"}}, ctx=ADMIN)
    retype = {"os-retype": {"new_type": "other"}}
    refused = _c(cloud, "POST", f"volumes/{vid}/action", retype)
    assert fault(refused)[2].startswith(
        "Invalid volume: Retype needs volume to be in available or in-use state, not be part of "
        "an active migration or a consistency group"
    )
    assert cloud.cinder.quotas.usages(P1)["volumes"]["reserved"] == 0


def test_a_group_snapshot_snaps_each_member_on_the_virtual_clock(world):
    cloud = world[0].fork()
    gid, vid = world[3], world[4]
    made = _c(cloud, "POST", "group_snapshots", {"group_snapshot": {"group_id": gid}})
    gsid = made.json()["group_snapshot"]["id"]
    (snap,) = [s for s in cloud.cinder.store.snapshots.values() if s.volume_id == vid]
    assert (snap.group_snapshot_id, snap.status) == (gsid, "creating")
    start = cloud.now
    cloud.run_until_idle()
    assert states(cloud, gsid) == ["creating", "available"]
    assert states(cloud, snap.id) == ["creating", "available"] and cloud.now > start
    assert cloud.cinder.quotas.usages(P1)["snapshots"]["in_use"] == 1
    busy = _c(cloud, "POST", f"groups/{gid}/action", {"delete": {"delete-volumes": True}})
    assert fault(busy) == ("badRequest", 400, "Invalid Group: Group has existing snapshots.")
    assert _c(cloud, "DELETE", f"group_snapshots/{gsid}").status == 202
    again = _c(cloud, "DELETE", f"group_snapshots/{gsid}")
    assert fault(again)[2] == (
        "Invalid GroupSnapshot: GroupSnapshot status must be available or error, and no Group "
        "can be currently using it as source for its creation."
    )
    cloud.run_until_idle()
    assert _c(cloud, "GET", f"group_snapshots/{gsid}").status == 404
    assert cloud.cinder.quotas.usages(P1)["snapshots"]["in_use"] == 0


def test_a_group_snapshot_with_a_failed_member_is_error(world):
    """cinder 12.0.0-29.0.0 ``create_group_snapshot`` and ``_create_group_snapshot_generic``:
    the members stay ``creating`` until the driver has done them all; the one it failed is
    ``error``, the other ``available`` at ``0%`` (the last loop is skipped), the group
    snapshot ``error``; no user message (the generic path catches the driver's error)."""
    cloud = world[0].fork()
    gid, vtype, first = world[3], world[2], world[4]
    body = {"volume": {"size": 1, "volume_type": vtype, "group_id": gid}}
    second = _c(cloud, "POST", "volumes", body).json()["volume"]["id"]
    cloud.run_until_idle()
    cloud.faults.add(
        "cinder.snapshot.create", error="CinderBackendError", match={"volume_id": first}
    )
    made = _c(cloud, "POST", "group_snapshots", {"group_snapshot": {"group_id": gid}})
    gsid = made.json()["group_snapshot"]["id"]
    cloud.run_until_idle()
    assert states(cloud, gsid) == ["creating", "error"]
    snaps = {s.volume_id: s for s in cloud.cinder.store.snapshots.values()}
    assert states(cloud, snaps[first].id) == ["creating", "error"]
    assert states(cloud, snaps[second].id) == ["creating", "available"]
    assert snaps[second].progress == "0%"
    # both members settle at the one instant, after the second driver call
    done = [e["t"] for e in cloud.trace.filter(kind="state", machine="snapshot.status")][-2:]
    assert done[0] == done[1]
    assert _c(cloud, "GET", "messages").json()["messages"] == []


def test_groups_made_from_a_group_snapshot_and_from_a_group(world):
    cloud = world[0].fork()
    gid = world[3]
    made = _c(cloud, "POST", "group_snapshots", {"group_snapshot": {"group_id": gid}})
    gsid = made.json()["group_snapshot"]["id"]
    cloud.run_until_idle()
    for source in ({"group_snapshot_id": gsid}, {"source_group_id": gid}):
        body = {"create-from-src": {"name": " copy ", **source}}
        new = _c(cloud, "POST", "groups/action", body).json()["group"]
        assert new["name"] == "copy"
        cloud.run_until_idle()
        shown = _c(cloud, "GET", f"groups/{new['id']}", query={"list_volume": "1"}).json()
        (vol,) = shown["group"]["volumes"]
        assert shown["group"]["status"] == "available"
        assert _c(cloud, "GET", f"volumes/{vol}").json()["volume"]["status"] == "available"
    assert cloud.cinder.quotas.usages(P1)["groups"]["in_use"] == 3
    assert not cloud.check_invariants()


def test_update_removes_and_adds_volumes_and_refuses_bad_lists(world):
    cloud = world[0].fork()
    gid, vid = world[3], world[4]
    both = _c(cloud, "PUT", f"groups/{gid}", {"group": {"add_volumes": vid, "remove_volumes": vid}})
    assert fault(both)[2] == (
        f"Invalid volume: UUIDs ['{vid}'] are in both add and remove volume list."
    )
    assert _c(cloud, "PUT", f"groups/{gid}", {"group": {"remove_volumes": vid}}).status == 202
    assert states(cloud, gid)[-1] == "updating"
    cloud.run_until_idle()
    assert _c(cloud, "GET", f"volumes/{vid}").json()["volume"]["group_id"] is None
    absent = _c(cloud, "PUT", f"groups/{gid}", {"group": {"remove_volumes": vid}})
    assert fault(absent)[2] == (
        f"Invalid volume: Cannot remove volume {vid} from group {gid} because it is not in the "
        "group."
    )
    _c(cloud, "PUT", f"groups/{gid}", {"group": {"add_volumes": vid}})
    cloud.run_until_idle()
    assert _c(cloud, "GET", f"volumes/{vid}").json()["volume"]["group_id"] == gid


def test_delete_needs_the_flag_for_a_group_with_volumes(world):
    cloud = world[0].fork()
    gid, vid = world[3], world[4]
    plain = _c(cloud, "POST", f"groups/{gid}/action", {"delete": {}})
    assert fault(plain)[2] == (
        f"Invalid Group: Group {gid} still contains volumes. The delete-volumes flag is "
        "required to delete it."
    )
    flagged = {"delete": {"delete-volumes": True}}
    assert _c(cloud, "POST", f"groups/{gid}/action", flagged).status == 202
    cloud.run_until_idle()
    assert states(cloud, gid)[-2:] == ["deleting", "deleted"]
    assert _c(cloud, "GET", f"volumes/{vid}").status == 404
    assert cloud.cinder.quotas.usages(P1)["groups"]["in_use"] == 0
    assert not cloud.check_invariants()


def test_reset_status_is_the_admins_and_checks_the_status(world):
    cloud = world[0].fork()
    gid = world[3]
    path = f"groups/{gid}/action"
    assert _c(cloud, "POST", path, {"reset_status": {"status": "error"}}).status == 403
    bad = _c(cloud, "POST", path, {"reset_status": {"status": "in-use"}}, ctx=ADMIN)
    assert fault(bad)[2] == (
        "Invalid Group Status: Group status: in-use is invalid, valid status are: ('error', "
        "'available', 'creating', 'deleting', 'deleted', 'updating', 'in-use', "
        "'error_deleting')."
    )
    assert _c(cloud, "POST", path, {"reset_status": {"status": "ERROR"}}, ctx=ADMIN).status == 202
    assert _c(cloud, "GET", f"groups/{gid}").json()["group"]["status"] == "error"


def test_the_groups_quota_and_the_migrated_type(world):
    cloud = world[0].fork()
    gtype, vtype = world[1], world[2]
    cloud.cinder.set_quota(P1, groups=1)
    over = _group(cloud, gtype, vtype)
    assert fault(over) == (
        "overLimit",
        413,
        "GroupLimitExceeded: Maximum number of groups allowed (1) exceeded",
    )
    migrated = _group(cloud, "default_cgsnapshot_type", vtype, ctx=ADMIN)
    assert fault(migrated)[2].endswith(
        "is reserved for migrating CGs to groups. Migrated group can only be operated by CG APIs."
    )


def test_a_cloud_without_groups_saves_no_group_tables_and_queens_checks_bodies_by_hand():
    cloud = Cloud(profile="seed")
    listed = _c(cloud, "GET", "group_types", ctx=ADMIN, version="3.50").json()["group_types"]
    assert [t["name"] for t in listed] == ["default_cgsnapshot_type"]
    assert getattr(cloud.cinder.store, "groups", None) is None
    # one rule for a type's writes, one for its specs, before 19.0.0 (the cinder oracle, 16.4.2)
    gt = {"group_type": {"name": "m"}}
    manage = _c(cloud, "POST", "group_types", gt, version="3.50")
    assert fault(manage)[2] == "Policy doesn't allow group:group_types_manage to be performed."
    specs = _c(cloud, "GET", f"group_types/{listed[0]['id']}/group_specs", version="3.50")
    assert fault(specs)[2] == "Policy doesn't allow group:group_types_specs to be performed."
    # 12.0.10 has no schema for groups: its controller's own words
    body = {"group": {"group_type": listed[0]["id"], "name": " g "}}
    refused = _c(cloud, "POST", "groups", body, version="3.50")
    assert fault(refused)[2] == "volume_types must be provided to create group g."
    both = {"create-from-src": {"group_snapshot_id": "x", "source_group_id": "y"}}
    assert fault(_c(cloud, "POST", "groups/action", both, version="3.50"))[2] == (
        "Cannot provide both 'group_snapshot_id' and 'source_group_id' to create group None "
        "from source."
    )
    flag = {"failover_replication": {"allow_attached_volume": "maybe"}}
    failover = _c(cloud, "POST", f"groups/{listed[0]['id']}/action", flag, version="3.50")
    assert fault(failover)[2] == (
        "Invalid value '{'allow_attached_volume': 'maybe'}' for allow_attached_volume flag."
    )
    # the consistency groups' hand checks until 27.x (their bodies are refused before any row)
    cg = _c(
        cloud, "POST", "consistencygroups", {"consistencygroup": {"name": " x "}}, version="3.0"
    )
    assert fault(cg)[2] == "volume_types must be provided to create consistency group x."
    force = {"consistencygroup": {"force": "maybe"}}
    forced = _c(cloud, "POST", f"consistencygroups/{listed[0]['id']}/delete", force, version="3.0")
    assert fault(forced)[2] == "Invalid value 'False' for force."  # Cinder prints the default
    cgsnap = _c(cloud, "POST", "cgsnapshots", {"cgsnapshot": {"name": "s"}}, version="3.0")
    assert fault(cgsnap)[2] == "'consistencygroup_id' must be specified"
    assert getattr(cloud.cinder.store, "groups", None) is None


def test_name_like_filter_is_an_admins_and_matches_any_case(world):
    """``reject_invalid_filters`` passes ``key`` when ``key~`` is configured, never ``key~``
    for ``key``: a member's ``name~`` is refused; an admin's is ``LIKE '%value%'``."""
    cloud, gid = world[0], world[3]
    refused = _c(cloud, "GET", "groups", query={"name~": "g"})
    assert fault(refused) == (
        "badRequest",
        400,
        "Invalid filters name~ are found in query options.",
    )
    query = {"all_tenants": "1", "name~": "G"}
    listed = _c(cloud, "GET", "groups", ctx=ADMIN, query=query).json()["groups"]
    assert [g["id"] for g in listed] == [gid]
    assert _c(cloud, "GET", "groups", ctx=ADMIN, query={**query, "name~": "x"}).json() == {
        "groups": []
    }
    # a member's all_tenants: popped at 3.31 by Cinder 18 on; before 3.31 a filter on no
    # column, which builds no query
    mine = _c(cloud, "GET", "groups", query={"all_tenants": "1"}).json()["groups"]
    assert [g["id"] for g in mine] == [gid]
    old = _c(cloud, "GET", "groups", query={"all_tenants": "1"}, version="3.30").json()
    assert old == {"groups": []}
    # from 13.0.0 a key that is not ASCII is refused, an admin's too (``pools._reject``'s)
    accented = _c(cloud, "GET", "group_snapshots", ctx=ADMIN, query={"n\u00e4me": "g"})
    assert fault(accented) == ("badRequest", 400, "Filter keys can only contain ASCII characters.")


def test_a_members_group_filters_are_the_series_resource_filters_file(world):
    """The groups' 3.31 check reads the table ``GET /resource_filters`` serves: Cinder 14.0.0
    (46363697d) added ``name`` to groups and group snapshots; before, groups by nothing."""
    cloud, gid = world[0], world[3]
    refused = ("badRequest", 400, "Invalid filters name are found in query options.")
    listed = _c(cloud, "GET", "groups", query={"name": "g"}, version="3.31").json()["groups"]
    assert [g["id"] for g in listed] == [gid]
    named = _c(cloud, "GET", "group_snapshots", query={"name": "s"}, version="3.31")
    assert named.json() == {"group_snapshots": []}
    status = _c(cloud, "GET", "groups", query={"status": "available"}, version="3.31")
    assert fault(status)[2] == "Invalid filters status are found in query options."
    queens = Cloud(profile="seed")  # Cinder 12.0.10
    assert fault(_c(queens, "GET", "groups", query={"name": "g"}, version="3.31")) == refused
    assert fault(_c(queens, "GET", "group_snapshots", query={"name": "g"}, version="3.31")) == (
        refused
    )
    query = {"status": "available", "group_id": gid}
    assert _c(queens, "GET", "group_snapshots", query=query, version="3.31").status == 200


def test_the_group_scheduler_filters_by_backend_name_and_weighs_by_free_space():
    """``_get_weighted_candidates_generic_group``: a ``volume_backend_name`` naming no backend
    leaves no candidate (the group ``error``, no user message); a type without one goes to
    the backend with the most free space (``CapacityWeigher``), not the first configured."""
    backends = {"small": {"kind": "lvm-thin", "capacity_gb": 50}, "big": {"kind": "lvm-thin"}}
    config = {"backends": backends, "volume_types": {"__DEFAULT__": {"backend": "small"}}}
    cloud = Cloud(profile="upstream", config={"cinder": config})
    # the group type's specs filter nothing (``CapabilitiesFilter`` reads ``extra_specs``)
    specs = {"volume_backend_name": "nowhere", "capabilities:x": "<is> True"}
    body = {"group_type": {"name": "gt", "group_specs": specs}}
    gtype = _c(cloud, "POST", "group_types", body, ctx=ADMIN)
    gtype = gtype.json()["group_type"]["id"]
    groups = {}
    for name, specs in (("nw", {"volume_backend_name": "nowhere"}), ("any", {})):
        body = {"volume_type": {"name": name, "extra_specs": specs}}
        vtype = _c(cloud, "POST", "types", body, ctx=ADMIN).json()["volume_type"]["id"]
        groups[name] = _group(cloud, gtype, vtype).json()["group"]["id"]
    cloud.run_until_idle()
    assert _c(cloud, "GET", f"groups/{groups['nw']}").json()["group"]["status"] == "error"
    assert _c(cloud, "GET", "messages").json()["messages"] == []
    assert cloud.cinder.group_api.get_backend(groups["any"]) == "big"


def _replication_group(world):
    """A fork of `world` with a group of a replication group type and a replicated volume
    type (``error``: no backend here replicates): the cloud, the volume type, the group."""
    cloud = world[0].fork()
    body = {
        "group_type": {"name": "rep", "group_specs": {"group_replication_enabled": "<is> True"}}
    }
    gtype = _c(cloud, "POST", "group_types", body, ctx=ADMIN).json()["group_type"]["id"]
    body = {"volume_type": {"name": "r", "extra_specs": {"replication_enabled": "<is> True"}}}
    vtype = _c(cloud, "POST", "types", body, ctx=ADMIN).json()["volume_type"]["id"]
    gid = _group(cloud, gtype, vtype).json()["group"]["id"]
    cloud.run_until_idle()
    return cloud, vtype, gid


def test_group_replication_as_cinder_answers_it_on_backends_that_cannot_replicate(world):
    """``_check_type`` (a replication group type, replicated volume types), then the statuses;
    a replicated volume type leaves no backend for the group (``error``); an admin's reset
    lets ``enable_replication`` through to the driver's ``NotImplementedError``: the group
    stays ``enabling``. The targets: the backend's ``replication_device``s, none."""
    plain = _c(world[0], "POST", f"groups/{world[3]}/action", {"enable_replication": {}})
    assert (
        fault(plain)[2] == f"Invalid group type: Group {world[3]} is not a replication group type."
    )
    cloud, _vtype, gid = _replication_group(world)
    path = f"groups/{gid}/action"
    assert fault(_c(cloud, "POST", path, {"disable_replication": {}}))[2] == (
        f"Invalid Group: Group {gid} replication status must be ['enabled', 'error'], but "
        "current status is: disabled. Cannot disable replication."
    )
    listed = _c(cloud, "POST", path, {"list_replication_targets": {}})
    assert (listed.status, listed.json()) == (200, {"replication_targets": []})
    _c(cloud, "POST", path, {"reset_status": {"status": "available"}}, ctx=ADMIN)
    assert _c(cloud, "POST", path, {"enable_replication": {}}).status == 202
    cloud.run_until_idle()
    assert states(cloud, gid, "replication_status") == ["enabling"]
    assert (
        cloud.trace.filter(kind="cinder.error", subject=gid)[-1]["error"] == "NotImplementedError"
    )
    assert fault(_c(cloud, "POST", path, {"failover_replication": {}}))[2] == (
        f"Invalid Group: Group {gid} replication status must be ['enabled', 'failed-over'], but "
        "current status is: enabling. Cannot failover replication."
    )


def test_enable_replication_refuses_a_member_no_replicating_driver_made(world):
    """A volume's ``replication_status`` is null unless a replicating driver sets it
    (``EntryCreateTask`` does not store the flow's ``disabled``), and ``enable_replication``
    takes only ``disabled`` or ``enabled``: Cinder refuses the member, ``None`` in its words."""
    cloud, vtype, gid = _replication_group(world)
    _c(cloud, "POST", f"groups/{gid}/action", {"reset_status": {"status": "available"}}, ctx=ADMIN)
    body = {"volume": {"size": 1, "volume_type": vtype, "group_id": gid}}
    vid = _c(cloud, "POST", "volumes", body).json()["volume"]["id"]
    cloud.run_until_idle()
    reset = {"os-reset_status": {"status": "available"}}
    _c(cloud, "POST", f"volumes/{vid}/action", reset, ctx=ADMIN)
    assert _c(cloud, "GET", f"volumes/{vid}").json()["volume"]["replication_status"] is None
    refused = _c(cloud, "POST", f"groups/{gid}/action", {"enable_replication": {}})
    assert fault(refused) == (
        "badRequest",
        400,
        f"Invalid volume: Volume {vid} replication status must be ['disabled', 'enabled'], but "
        "current status is: None. Cannot enable replication.",
    )


def test_consistency_groups_are_groups_of_the_cgsnapshot_type_no_driver_here_supports(world):
    """``/consistencygroups`` and ``/cgsnapshots`` over the group API (its lists show generic
    groups too; the generic API refuses a CG); the driver's ``NotImplementedError``: the CG
    ``error`` (a rename makes it ``available``, as Cinder's update does), its cgsnapshot left
    ``creating``, so neither can be deleted. Cinder snapshots no empty group (db
    ``group_snapshot_create``) and makes no volume in a group in ``error`` (the create flow's
    ``_extract_group``)."""
    cloud, _gtype, vtype, gid, _vid = world[0].fork(), *world[1:]
    body = {"consistencygroup": {"name": " cg ", "volume_types": f"{vtype},"}}
    made = _c(cloud, "POST", "consistencygroups", body)
    assert made.status == 202
    cg = made.json()["consistencygroup"]
    assert cg["name"] == "cg"
    cloud.run_until_idle()
    listed = _c(cloud, "GET", "consistencygroups/detail").json()["consistencygroups"]
    assert {(g["id"], g["status"]) for g in listed} == {(cg["id"], "error"), (gid, "available")}
    assert (
        "Migrated group can only be operated by CG APIs."
        in fault(_c(cloud, "GET", f"groups/{cg['id']}"))[2]
    )
    update = {"consistencygroup": {"name": "renamed"}}
    assert _c(cloud, "PUT", f"consistencygroups/{cg['id']}/update", update).status == 202
    # adding a volume reaches the driver's update_consistencygroup: both end ``error``
    vid = _c(cloud, "POST", "volumes", {"volume": {"size": 1, "volume_type": vtype}})
    vid = vid.json()["volume"]["id"]
    cloud.run_until_idle()
    update = {"consistencygroup": {"add_volumes": vid}}
    assert _c(cloud, "PUT", f"consistencygroups/{cg['id']}/update", update).status == 202
    cloud.run_until_idle()
    assert states(cloud, cg["id"])[-3:] == ["available", "updating", "error"]
    volume = _c(cloud, "GET", f"volumes/{vid}").json()["volume"]
    assert (volume["status"], volume["group_id"]) == ("error", None)
    body = {"cgsnapshot": {"consistencygroup_id": cg["id"]}}
    assert fault(_c(cloud, "POST", "cgsnapshots", body)) == (
        "badRequest",
        400,
        "Invalid Group: Source group cannot be empty or in 'creating' or 'updating' state. No "
        "group snapshot will be created.",
    )
    member = {"volume": {"size": 1, "volume_type": vtype, "consistencygroup_id": cg["id"]}}
    assert fault(_c(cloud, "POST", "volumes", member)) == (
        "badRequest",
        400,
        "Invalid Group: Originating group status must be one of 'available, creating' values",
    )
    update = {"consistencygroup": {"name": "again"}}
    assert _c(cloud, "PUT", f"consistencygroups/{cg['id']}/update", update).status == 202
    assert _c(cloud, "POST", "volumes", member).status == 202
    cloud.run_until_idle()
    snap = _c(cloud, "POST", "cgsnapshots", body)
    sid = snap.json()["cgsnapshot"]["id"]
    cloud.run_until_idle()
    shown = _c(cloud, "GET", f"cgsnapshots/{sid}").json()["cgsnapshot"]
    assert (shown["status"], shown["consistencygroup_id"]) == ("creating", cg["id"])
    assert fault(_c(cloud, "DELETE", f"cgsnapshots/{sid}"))[2].startswith(
        "Invalid GroupSnapshot: GroupSnapshot status must be available or error"
    )
    gone = _c(cloud, "POST", f"consistencygroups/{cg['id']}/delete", None)
    assert fault(gone) == ("badRequest", 400, "Invalid Group: Group has existing snapshots.")
    listed = {"consistencygroup": {"volume_types": [vtype]}}  # ``rstrip`` of a list
    assert _c(cloud, "POST", "consistencygroups", listed, allow_500=True).status == 500


def test_rows_made_within_one_stored_second_list_by_id():
    """Group types, groups and group snapshots are ``paginate_query``'s (``created_at`` then
    ``id``, both as the first direction; MySQL keeps the whole second): three of each made
    0.1 s apart within one second list by id, both ways; a group snapshot list below 3.29
    and the cgsnapshot list (no sort read) are the default order too, newest first (cinder
    12.0.10-29.0.0 db/sqlalchemy/api.py ``_group_snapshot_get_all``,
    ``process_sort_params``)."""
    cloud = Cloud(seed=1, profile="upstream")  # a seed whose ids are not in creation order
    vtype = cloud.cinder.default_type.id

    def three(make):
        cloud.advance(math.ceil(cloud.now) - cloud.now + 0.05)  # early in a second
        made = []
        for i in range(3):
            made.append(make(i))
            cloud.advance(0.1)
        assert made != sorted(made)  # the premise: creation order is not the ids' order
        cloud.run_until_idle()
        return made

    def group_type(i):
        made = _c(cloud, "POST", "group_types", {"group_type": {"name": f"t{i}"}}, ctx=ADMIN)
        return made.json()["group_type"]["id"]

    types = three(group_type)
    groups = three(lambda i: _group(cloud, types[i], vtype).json()["group"]["id"])
    body = {"volume": {"size": 1, "volume_type": vtype, "group_id": groups[0]}}
    _c(cloud, "POST", "volumes", body)
    gsnap = {"group_snapshot": {"group_id": groups[0]}}
    gsnaps = three(
        lambda i: _c(cloud, "POST", "group_snapshots", gsnap).json()["group_snapshot"]["id"]
    )
    for path, key, made in (
        ("group_types", "group_types", types),
        ("groups", "groups", groups),
        ("group_snapshots", "group_snapshots", gsnaps),
    ):
        ids = [r["id"] for r in _c(cloud, "GET", path).json()[key]]
        assert [i for i in ids if i in made] == sorted(made, reverse=True), path
        asc = _c(cloud, "GET", path, query={"sort": "created_at:asc"}).json()[key]
        assert [r["id"] for r in asc if r["id"] in made] == sorted(made), path
    old = _c(cloud, "GET", "group_snapshots", version="3.28").json()["group_snapshots"]
    assert [r["id"] for r in old] == sorted(gsnaps, reverse=True)
    cgsnaps = _c(cloud, "GET", "cgsnapshots", version="3.0").json()["cgsnapshots"]  # likewise
    assert [r["id"] for r in cgsnaps] == sorted(gsnaps, reverse=True)
