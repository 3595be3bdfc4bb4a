"""An admin's ``os-migrate_volume`` and ``os-migrate_volume_completion`` (cinder 29.0.0
``api/contrib/admin_actions.py``, ``volume/api.py`` ``migrate_volume``, the scheduler's
``migrate_volume`` and ``VolumeManager.migrate_volume``; the cinder oracle's migration cases
match): the checks in Cinder's order, then the migration as a snapshot or an attach sees it."""

import pytest
from cinder_support import (
    ADMIN,
    MEMBER,
    MISSING,
    READER,
    attach,
    call,
    create_snapshot,
    create_volume,
    fault,
    states,
)

from fakecloud import Cloud
from tests.booted import booted

REFUSED = (
    "Invalid volume: Volume {} status must be available or in-use, must not be migrating, have "
    "snapshots, be replicated, be part of a group and destination host/cluster must be different "
    "than the current one"
)
POLICY = (
    "Policy doesn't allow volume_extension:volume_admin_actions:migrate_volume to be performed."
)


@pytest.fixture(scope="module")
def world():
    cloud = Cloud(
        profile="upstream",
        config={
            "cinder": {
                # ceph the smaller: the capacity weigher puts every volume on lvm.
                "backends": {
                    "lvm": {"kind": "lvm-thin"},
                    "ceph": {"kind": "rbd", "capacity_gb": 50_000},
                },
                "volume_types": {"__DEFAULT__": {"backend": "lvm"}},
            }
        },
    )
    # A type naming no backend (no volume_backend_name): the scheduler may place it on either.
    body = {"volume_type": {"name": "plain"}}
    assert call(cloud, "POST", "types", body, ctx=ADMIN).status == 200
    snapped = _volume(cloud)
    create_snapshot(cloud, snapped)
    return cloud, _volume(cloud), snapped


def _volume(cloud):
    return create_volume(cloud, volume_type="plain")


def _migrate(cloud, vid, version="3.0", ctx=ADMIN, **inner):
    body = {"os-migrate_volume": inner}
    return call(cloud, "POST", f"volumes/{vid}/action", body, ctx=ctx, version=version)


def _show(cloud, vid):
    volume = call(cloud, "GET", f"volumes/{vid}", ctx=ADMIN).json()["volume"]
    return volume["status"], volume["migration_status"], volume["os-vol-host-attr:host"]


@pytest.mark.parametrize(
    ("ctx", "version", "inner", "status", "message"),
    [
        (MEMBER, "3.0", {"host": "x"}, 403, POLICY),
        (READER, "3.0", {"host": "x"}, 403, POLICY),
        (
            MEMBER,
            "3.0",
            {},
            400,
            "Invalid input for field/attribute os-migrate_volume. Value: {{}}. 'host' is a "
            "required property",
        ),  # the schema first
        (ADMIN, "3.0", {"host": ""}, 400, "Invalid input received: Host field is missing."),
        (ADMIN, "3.15", {"host": "x", "cluster": "c"}, 400, None),
        (
            ADMIN,
            "3.16",
            {},
            400,
            "Invalid input received: One and only one of cluster and host must be set.",
        ),
        (ADMIN, "3.16", {"cluster": "c"}, 400, "Invalid host: No available service named 'c'"),
        (
            ADMIN,
            "3.0",
            {"host": "cinder"},
            400,
            "Invalid host: No available service named 'cinder'",
        ),
        (ADMIN, "3.0", {"host": "cinder@lvm#lvm"}, 400, REFUSED),  # its own host
    ],
)
def test_the_checks_in_cinders_order(world, ctx, version, inner, status, message):
    cloud, vid, _snapped = world
    resp = _migrate(cloud, vid, version, ctx, **inner)
    assert resp.status == status
    if message is not None:
        assert fault(resp)[2] == message.format(vid)
    assert _show(cloud, vid)[:2] == ("available", None)


def test_a_volume_with_snapshots_or_missing_is_refused(world):
    cloud, _vid, snapped = world
    assert fault(_migrate(cloud, snapped, host="cinder@ceph"))[2] == REFUSED.format(snapped)
    assert _migrate(cloud, MISSING, ctx=MEMBER, host="x").status == 404  # before the policy


def test_a_locked_migration_keeps_the_volume_in_maintenance_until_it_is_done(world):
    cloud, _vid, _snapped = world
    vid = _volume(cloud)
    assert _migrate(cloud, vid, host="cinder@ceph", lock_volume=True).status == 202
    assert _show(cloud, vid) == ("maintenance", "starting", "cinder@lvm#lvm")
    snap = call(cloud, "POST", "snapshots", {"snapshot": {"volume_id": vid, "force": True}})
    assert fault(snap)[2] == (
        "Invalid volume: The snapshot cannot be created when the volume is in maintenance mode."
    )
    body = {"attachment": {"volume_uuid": vid, "instance_uuid": MISSING}}
    resp = call(cloud, "POST", "attachments", body, version="3.27")
    assert fault(resp)[2] == (
        f"Invalid volume: Volume {vid} status must be available or downloading to reserve, but "
        "the current status is maintenance."
    )
    cloud.run_until_idle()
    assert _show(cloud, vid) == ("available", "success", "cinder@ceph#ceph")
    assert states(cloud, vid)[-2:] == ["maintenance", "available"]
    assert states(cloud, vid, "migration_status") == []  # (a column, not a state machine)
    assert [e["op"] for e in cloud.trace.filter(kind="cinder.error", subject=vid)] == []


def test_an_unlocked_migration_refuses_a_snapshot_while_it_runs(world):
    cloud, _vid, _snapped = world
    vid = _volume(cloud)
    assert _migrate(cloud, vid, host="cinder@ceph#ceph").status == 202
    snap = call(cloud, "POST", "snapshots", {"snapshot": {"volume_id": vid}})
    assert fault(snap)[2] == "Invalid volume: Snapshot cannot be created while volume is migrating."
    assert _migrate(cloud, vid, host="cinder@ceph").status == 400  # migrating already
    cloud.run_until_idle()
    assert _show(cloud, vid) == ("available", "success", "cinder@ceph#ceph")


@pytest.mark.parametrize(
    ("host", "lock", "attached", "status"),
    [
        ("cinder@ceph#nopool", False, False, "available"),  # the scheduler: no such pool
        ("cinder@lvm", False, False, "available"),  # LVM: its own volume group
        ("cinder@ceph", True, True, "in-use"),  # attached to a server Nova has not: its 404
    ],
)
def test_failed_migrations_leave_an_error_and_the_status(world, host, lock, attached, status):
    cloud, _vid, _snapped = world
    vid = _volume(cloud)
    if attached:
        attach(cloud, vid)
    assert _migrate(cloud, vid, host=host, lock_volume=lock).status == 202
    cloud.run_until_idle()
    assert _show(cloud, vid) == (status, "error", "cinder@lvm#lvm")
    assert [e["op"] for e in cloud.trace.filter(kind="cinder.error", subject=vid)] == [
        "migrate_volume"
    ]


def test_a_type_pinned_to_a_backend_cannot_leave_it(world):
    cloud, _vid, _snapped = world
    vid = create_volume(cloud)  # __DEFAULT__: volume_backend_name lvm (CapabilitiesFilter)
    assert _migrate(cloud, vid, host="cinder@ceph").status == 202
    cloud.run_until_idle()
    assert _show(cloud, vid) == ("available", "error", "cinder@lvm#lvm")
    (error,) = cloud.trace.filter(kind="cinder.error", subject=vid)
    assert error["error"] == f"Cannot place volume {vid} on cinder@ceph."


def test_completion_is_an_admins_and_answers_the_new_volume(world):
    cloud, vid, snapped = world
    body = {"os-migrate_volume_completion": {"new_volume": snapped}}
    path = f"volumes/{vid}/action"
    assert fault(call(cloud, "POST", path, body))[1:] == (
        403,
        "Policy doesn't allow volume_extension:volume_admin_actions:migrate_volume_completion "
        "to be performed.",
    )
    resp = call(cloud, "POST", path, body, ctx=ADMIN)
    assert (resp.status, resp.json()) == (200, {"save_volume_id": snapped})


def test_a_snapshot_progress_that_is_no_string_is_cinders_type_error(world):
    cloud, _vid, snapped = world
    sid = cloud.cinder.store.volume_snapshots(cloud.cinder.volume(snapped))[0].id
    body = {"os-update_snapshot_status": {"status": "error", "progress": 5}}
    resp = call(cloud, "POST", f"snapshots/{sid}/action", body)
    assert fault(resp)[1:] == (400, "'int' object is not subscriptable")


def test_queens_checks_the_policy_before_the_body():
    cloud = booted(profile="seed")
    vid = create_volume(cloud)
    assert fault(_migrate(cloud, vid, ctx=MEMBER))[1:] == (403, POLICY)
    assert fault(_migrate(cloud, vid, host="x", force_host_copy="frob"))[1:] == (
        400,
        "Value 'frob' for 'force_host_copy' is not a boolean.",
    )
