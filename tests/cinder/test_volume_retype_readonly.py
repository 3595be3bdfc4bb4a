"""``os-retype`` and ``os-update_readonly_flag`` (cinder 29.0.0: ``api/contrib/volume_actions.py``
``_retype``/``_volume_readonly_update``, ``volume/api.py`` ``API.retype``/
``update_readonly_flag``, ``scheduler/filter_scheduler.py`` ``find_retype_backend``,
``volume/manager.py`` ``retype``/``migrate_volume``/``_migrate_volume_generic``).

A retype to a type of the same backend changes the type in place; to another backend it is a
migration, refused with the default policy ``never``. The read-only flag is admin metadata,
shown among the volume's metadata and making later attachments read-only."""

import pytest
from cinder_support import (
    ADMIN,
    CONNECTOR,
    MEMBER,
    OTHER,
    READER,
    RPC,
    GiB,
    absolute,
    attach,
    call,
    create_snapshot,
    create_volume,
    fault,
    states,
)

from fakecloud import Cloud

COPY_MB_PER_S = 512.0
CREATE_S = 0.5
DELETE_S = 0.25
RETYPE_REFUSED = (
    "Invalid volume: Retype needs volume to be in available or in-use state, not be part of an "
    "active migration or a consistency group, requested type has to be different that the one "
    "from the volume, and for in-use volumes front-end qos specs cannot change."
)


@pytest.fixture
def cloud():
    return _cloud("upstream")


def _cloud(profile):
    backend = {
        "volume_create_s": CREATE_S,
        "volume_delete_s": DELETE_S,
        "throughput_mb_per_s": COPY_MB_PER_S,
    }
    # Cinder 29.0.0's series: Queens' actions read their bodies by hand
    # (tests/cinder/test_series_validation.py).
    return Cloud(
        profile=profile,
        config={
            "cinder": {
                "backends": {
                    "lvm": {"kind": "lvm-thin", **backend},
                    "ceph": {"kind": "rbd", **backend},
                },
                "volume_types": {
                    "__DEFAULT__": {"backend": "lvm"},
                    "gold": {
                        "backend": "lvm",
                        "extra_specs": {"capabilities:vendor_name": "Open Source"},
                    },
                    "fast": {"backend": "ceph"},
                    "fibre": {"backend": "lvm", "extra_specs": {"storage_protocol": "FC"}},
                    "shared": {"backend": "lvm", "extra_specs": {"multiattach": "<is> True"}},
                    "small": {"backend": "lvm", "extra_specs": {"provisioning:max_vol_size": "1"}},
                },
                # The new RBAC defaults enforced (Cinder 29.0.0's default): readers refused.
                "enforce_new_defaults": True,
            }
        },
    )


def _action(cloud, vid, body, ctx=None, version=None):
    kw = {"ctx": ctx} if ctx is not None else {}
    return call(cloud, "POST", f"volumes/{vid}/action", body, version=version, **kw)


def _retype(cloud, vid, new_type, policy=None, **kw):
    inner = {"new_type": new_type}
    if policy is not None:
        inner["migration_policy"] = policy
    return _action(cloud, vid, {"os-retype": inner}, **kw)


def _show(cloud, vid, ctx=ADMIN):
    return call(cloud, "GET", f"volumes/{vid}", ctx=ctx).json()["volume"]


def test_a_retype_on_the_same_backend_changes_the_type_in_place(cloud):
    vid = create_volume(cloud, 2)
    gold_id = cloud.cinder.volume_types["gold"].id
    resp = _retype(cloud, vid, gold_id)  # by id, as openstacksdk sends it
    assert (resp.status, resp.body) == (202, None)
    assert _show(cloud, vid)["status"] == "retyping"
    cloud.run_until_idle()
    shown = _show(cloud, vid)
    assert (shown["volume_type"], shown["status"]) == ("gold", "available")
    assert shown["os-vol-host-attr:host"] == "cinder@lvm#lvm"
    assert states(cloud, vid)[-2:] == ["retyping", "available"]
    # The per-type quota follows the volume (get_volume_type_reservation, committed).
    usage = cloud.cinder.quotas.usages(cloud.cinder.volume(vid).project_id)
    assert usage["volumes_gold"]["in_use"] == 1 and usage["gigabytes_gold"]["in_use"] == 2
    assert usage["volumes___DEFAULT__"]["in_use"] == 0
    assert usage["gigabytes"]["in_use"] == 2  # the totals do not move
    assert cloud.check_invariants() == []


def test_an_in_use_volume_and_its_snapshots_are_retyped_in_place(cloud):
    vid = create_volume(cloud, 1)
    sid = create_snapshot(cloud, vid)
    attach(cloud, vid)
    assert _retype(cloud, vid, "gold").status == 202
    cloud.run_until_idle()
    assert (_show(cloud, vid)["volume_type"], _show(cloud, vid)["status"]) == ("gold", "in-use")
    assert cloud.cinder.snapshot(sid).volume_type.name == "gold"
    usage = cloud.cinder.quotas.usages(cloud.cinder.volume(vid).project_id)
    assert usage["snapshots_gold"]["in_use"] == 1 and usage["gigabytes_gold"]["in_use"] == 2


@pytest.mark.parametrize(("profile", "retyped"), [("nova-22.4.0", False), ("nova-23.0.0", True)])
def test_snapshots_keep_their_type_and_quota_until_cinder_18(profile, retyped):
    # b77fb72aa (LP #1877164, Cinder 18.0.0): the retype moves the snapshots' per-type quota and
    # gives them the new type; before (17.4.0 quota_utils.get_volume_type_reservation, API.retype,
    # manager.retype) the snapshot keeps __DEFAULT__, whose quota its delete gives back.
    cloud = _cloud(profile)
    vid = create_volume(cloud, 1)
    sid = create_snapshot(cloud, vid)
    assert _retype(cloud, vid, "gold").status == 202
    cloud.run_until_idle()
    assert _show(cloud, vid)["volume_type"] == "gold"
    assert cloud.cinder.snapshot(sid).volume_type.name == ("gold" if retyped else "__DEFAULT__")
    project = cloud.cinder.volume(vid).project_id
    usage = cloud.cinder.quotas.usages(project)
    typed = {r: usage[r]["in_use"] for r in ("snapshots_gold", "snapshots___DEFAULT__")}
    assert typed == (
        {"snapshots_gold": 1, "snapshots___DEFAULT__": 0}
        if retyped
        else {"snapshots_gold": 0, "snapshots___DEFAULT__": 1}
    )
    assert call(cloud, "DELETE", f"snapshots/{sid}").status == 202
    cloud.run_until_idle()
    usage = cloud.cinder.quotas.usages(project)
    assert [usage[r]["in_use"] for r in ("snapshots_gold", "snapshots___DEFAULT__")] == [0, 0]


def test_another_backend_is_refused_with_the_default_policy_never(cloud):
    vid = create_volume(cloud, 1)
    assert _retype(cloud, vid, "fast").status == 202  # the refusal is asynchronous
    cloud.run_until_idle()
    assert (_show(cloud, vid)["volume_type"], _show(cloud, vid)["status"]) == (
        "__DEFAULT__",
        "available",
    )
    (error,) = cloud.trace.filter(kind="cinder.error", subject=vid)
    assert error["actor"] == "cinder-scheduler"
    assert error["error"] == (
        f"No valid backend was found. Current backend not valid for volume {vid} with type "
        "fast, migration not allowed"
    )
    usage = cloud.cinder.quotas.usages(cloud.cinder.volume(vid).project_id)
    assert usage["volumes_fast"] == {"limit": -1, "in_use": 0, "reserved": 0}


def test_a_type_no_backend_satisfies_refuses_the_retype_even_on_demand(cloud):
    # find_retype_backend runs CapabilitiesFilter on the new type: no backend reports FC, so
    # no candidate; _retype_volume_set_error puts the volume back, with no user message.
    vid = create_volume(cloud, 1)
    assert _retype(cloud, vid, "fibre", "on-demand").status == 202
    cloud.run_until_idle()
    shown = _show(cloud, vid)
    assert (shown["volume_type"], shown["status"]) == ("__DEFAULT__", "available")
    (error,) = cloud.trace.filter(kind="cinder.error", subject=vid)
    assert error["error"] == (
        f"No valid backend was found. No valid backends for volume {vid} with type fibre"
    )
    assert call(cloud, "GET", "messages", ctx=MEMBER, version="3.3").json()["messages"] == []


def test_on_demand_migrates_an_available_volume_to_the_new_backend(cloud):
    vid = create_volume(cloud, 2)
    t0 = cloud.now
    assert _retype(cloud, vid, "fast", "on-demand").status == 202
    cloud.run_until_idle()
    shown = _show(cloud, vid)
    assert (shown["volume_type"], shown["status"], shown["migration_status"]) == (
        "fast",
        "available",
        "success",
    )
    assert shown["os-vol-host-attr:host"] == "cinder@ceph#ceph"
    done = cloud.trace.first(kind="state", subject=vid, old="retyping")["t"]
    # scheduler + volume manager casts; the temporary volume (its cast and create_s) is
    # available by the source's first poll, 1 s on (``sleep(tries ** 2)``); the copy of 2 GiB.
    assert RPC + CREATE_S < 1.0
    assert done - t0 == pytest.approx(2 * RPC + 1.0 + 2 * GiB / (COPY_MB_PER_S * 1e6))
    assert cloud.cinder.drivers["ceph"].allocated_gb == 2
    cloud.run_until_idle()
    assert cloud.cinder.drivers["lvm"].allocated_gb == 0  # the source's data is deleted


def test_a_migration_is_refused_for_a_volume_with_snapshots_or_an_attached_one(cloud):
    vid = create_volume(cloud, 1)
    create_snapshot(cloud, vid)
    _retype(cloud, vid, "fast", "on-demand")
    cloud.run_until_idle()
    (error,) = cloud.trace.filter(kind="cinder.error", subject=vid)
    assert error["error"] == "Invalid volume: Volume must not have snapshots."
    assert _show(cloud, vid)["status"] == "available"

    # An attached volume needs Nova's swap_volume: Nova has no such server (a 404), so the
    # migration fails as Cinder's does when update_server_volume fails: back in-use,
    # migration_status error, the temporary volume deleted.
    used = create_volume(cloud, 1)
    attach(cloud, used)
    _retype(cloud, used, "fast", "on-demand")
    cloud.run_until_idle()
    shown = _show(cloud, used)
    assert (shown["volume_type"], shown["status"], shown["migration_status"]) == (
        "__DEFAULT__",
        "in-use",
        "error",
    )
    assert cloud.cinder.quotas.usages(shown["os-vol-tenant-attr:tenant_id"])["volumes_fast"] == {
        "limit": -1,
        "in_use": 0,
        "reserved": 0,
    }


def test_the_api_refusals_and_their_messages(cloud):
    vid = create_volume(cloud, 1)
    assert fault(_retype(cloud, vid, "__DEFAULT__")) == ("badRequest", 400, RETYPE_REFUSED)
    assert fault(_retype(cloud, vid, "nope")) == (
        "itemNotFound",
        404,
        "Volume type with name nope could not be found.",
    )
    name, code, message = fault(_retype(cloud, vid, "gold", "sometimes"))
    assert (name, code) == ("badRequest", 400)
    assert message.startswith("Invalid input for field/attribute migration_policy.")
    name, code, message = fault(_action(cloud, vid, {"os-retype": {}}))
    assert (name, code, message.split(". ")[0]) == (
        "badRequest",
        400,
        "Invalid input for field/attribute os-retype",
    )
    assert fault(_retype(cloud, vid, "gold", ctx=READER)) == (
        "forbidden",
        403,
        "Policy doesn't allow volume:retype to be performed.",
    )
    assert fault(_retype(cloud, vid, "gold", ctx=OTHER))[1] == 404
    big = create_volume(cloud, 2)
    assert fault(_retype(cloud, big, "small")) == (
        "badRequest",
        400,
        "Invalid input received: Specified volume size of '2' is greater than the maximum "
        "allowable size of '1' for volume type 'small'.",
    )
    # A retype already under way: the volume is no longer available or in-use.
    _retype(cloud, vid, "gold")
    assert fault(_retype(cloud, vid, "fast")) == ("badRequest", 400, RETYPE_REFUSED)
    cloud.run_until_idle()
    assert absolute(cloud)["totalVolumesUsed"] == 2


def test_multiattach_may_change_only_on_an_available_volume(cloud):
    vid = create_volume(cloud, 1)
    attach(cloud, vid)
    assert fault(_retype(cloud, vid, "shared")) == (
        "badRequest",
        400,
        "Invalid input received: Invalid volume_type passed, retypes affecting multiattach are "
        "only allowed on available volumes, the specified volume however currently has a "
        "status of: in-use.",
    )
    other = create_volume(cloud, 1)
    assert _retype(cloud, other, "shared").status == 202
    assert _show(cloud, other)["multiattach"] is True
    cloud.run_until_idle()
    assert _show(cloud, other)["volume_type"] == "shared"


def test_a_quota_of_the_new_type_refuses_the_retype(cloud):
    vid = create_volume(cloud, 3)
    cloud.cinder.set_quota(cloud.cinder.volume(vid).project_id, gigabytes_gold=2)
    assert fault(_retype(cloud, vid, "gold")) == (
        "overLimit",
        413,
        "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed "
        "gigabytes_gold quota. Requested 3G, quota is 2G and 0G has been consumed.",
    )
    assert _show(cloud, vid)["status"] == "available"


# -- os-update_readonly_flag ------------------------------------------------------------------


def test_the_readonly_flag_shows_in_the_metadata_and_makes_attachments_read_only(cloud):
    """The attachment is ``ro``; its connection's ``access_mode`` is the admin metadata the
    caller's context loads: none for a member (``rw``), ``readonly`` for an admin."""
    vid = create_volume(cloud, 1)
    resp = _action(cloud, vid, {"os-update_readonly_flag": {"readonly": True}})
    assert (resp.status, resp.body) == (202, None)
    assert _show(cloud, vid, ctx=MEMBER)["metadata"] == {"readonly": "True"}
    listed = call(cloud, "GET", "volumes/detail").json()["volumes"]
    assert listed[0]["metadata"] == {"readonly": "True"}
    aid = attach(cloud, vid)
    shown = call(cloud, "GET", f"attachments/{aid}", version="3.27").json()["attachment"]
    assert (shown["attach_mode"], shown["connection_info"]["access_mode"]) == ("ro", "rw")
    body = {"os-initialize_connection": {"connector": CONNECTOR}}
    info = _action(cloud, vid, body, ctx=ADMIN).json()["connection_info"]
    assert info["data"]["access_mode"] == "ro"


def test_a_readonly_row_of_false_still_makes_attachments_read_only(cloud):
    # cinder 29.0.0 attachment_create: ``.get('readonly', False)`` of the string "False".
    vid = create_volume(cloud, 1)
    _action(cloud, vid, {"os-update_readonly_flag": {"readonly": "false"}})
    assert _show(cloud, vid)["metadata"] == {"readonly": "False"}
    aid = attach(cloud, vid)
    shown = call(cloud, "GET", f"attachments/{aid}", version="3.27").json()["attachment"]
    assert (shown["attach_mode"], shown["connection_info"]["access_mode"]) == ("ro", "rw")


def test_the_readonly_flag_needs_an_available_volume_and_a_boolean(cloud):
    vid = create_volume(cloud, 1)
    attach(cloud, vid)
    assert fault(_action(cloud, vid, {"os-update_readonly_flag": {"readonly": True}})) == (
        "badRequest",
        400,
        f"Invalid volume: Volume {vid} status must be available to update readonly flag, but "
        "current status is: in-use.",
    )
    name, code, _ = fault(_action(cloud, vid, {"os-update_readonly_flag": {"readonly": "x"}}))
    assert (name, code) == ("badRequest", 400)
    assert fault(_action(cloud, vid, {"os-update_readonly_flag": {}}, ctx=READER))[1] == 400
    free = create_volume(cloud, 1)
    body = {"os-update_readonly_flag": {"readonly": True}}
    assert fault(_action(cloud, free, body, ctx=READER)) == (
        "forbidden",
        403,
        "Policy doesn't allow volume:update_readonly_flag to be performed.",
    )


def test_the_admin_metadata_goes_with_the_volume(cloud):
    vid = create_volume(cloud, 1)
    _action(cloud, vid, {"os-update_readonly_flag": {"readonly": True}})
    assert call(cloud, "DELETE", f"volumes/{vid}").status == 202
    cloud.run_until_idle()
    assert not hasattr(cloud.cinder.store, "admin_metadata")  # saved files as before
