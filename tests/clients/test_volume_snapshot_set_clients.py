"""``openstack volume snapshot set/unset`` and openstacksdk's snapshot actions, unchanged,
against Cinder's snapshot routes (cinder 29.0.0: ``api/v3/snapshots.py`` ``update``,
``api/v3/snapshot_metadata.py``, ``api/contrib/admin_actions.py`` ``SnapshotAdminController``
``os-reset_status``/``os-force_delete``, ``api/contrib/snapshot_actions.py``
``os-update_snapshot_status``), and python-cinderclient's on a frozen backend."""

import pytest
from client_helpers import needs, password_session, show_direct, volume_direct
from osc_inprocess import CommandFailed, OpenStackCLI

from fakecloud import Cloud


@pytest.fixture
def cloud():
    """The current release: openstacksdk sends every snapshot action at 3.65
    (``Snapshot._max_microversion``), which a Cinder before 3.65 answers 406."""
    return Cloud(profile="upstream")


@pytest.fixture
def osc(intercepted, tmp_path):
    needs(intercepted, "cinder")
    return OpenStackCLI(intercepted, tmp_path)


def _snapshot(intercepted, name="s1"):
    vid = volume_direct(intercepted, f"{name}-vol")
    body = {"snapshot": {"volume_id": vid, "name": name}}
    r = intercepted.request("volumev3", "POST", "/v3/{project_id}/snapshots", body=body)
    intercepted.run_until_idle()
    return r.json()["snapshot"]["id"]


def test_openstack_volume_snapshot_set_and_unset(osc, intercepted):
    sid = _snapshot(intercepted)
    path = f"/v3/{{project_id}}/snapshots/{sid}"
    osc("volume", "snapshot", "set", "--name", "s1b", "--description", "d", "--property", "a=1",
        "--property", "b=2", "s1", output=False)  # fmt: skip
    shown = osc("volume", "snapshot", "show", sid)
    assert (shown["name"], shown["description"], shown["properties"]) == (
        "s1b",
        "d",
        {"a": "1", "b": "2"},
    )
    osc("volume", "snapshot", "unset", "--property", "a", "s1b", output=False)
    assert show_direct(intercepted, path)["snapshot"]["metadata"] == {"b": "2"}
    osc("volume", "snapshot", "set", "--no-property", "s1b", output=False)
    assert show_direct(intercepted, path)["snapshot"]["metadata"] == {}
    # --state is the admin's os-reset_status: a member is refused (the CLI reports it).
    with pytest.raises(CommandFailed, match="One or more of the set operations failed"):
        osc("volume", "snapshot", "set", "--state", "error", "s1b", output=False)
    osc("volume", "snapshot", "set", "--state", "error", sid, cloud="fakecloud-admin",
        output=False)  # fmt: skip
    assert show_direct(intercepted, path)["snapshot"]["status"] == "error"


def test_sdk_snapshot_status_actions_and_force_delete(intercepted):
    needs(intercepted, "cinder")
    sid = _snapshot(intercepted, "s2")
    admin = intercepted.connection(user="admin").block_storage
    admin.reset_snapshot_status(sid, "creating")
    bs = intercepted.connection().block_storage
    bs.set_snapshot_status(sid, "available", progress="100%")
    snap = bs.get_snapshot(sid)
    assert (snap.status, snap.progress) == ("available", "100%")
    admin.reset_snapshot_status(sid, "error_deleting")
    admin.delete_snapshot(sid, force=True)
    assert bs.get_snapshot(sid).status == "deleting"
    intercepted.run_until_idle()
    assert bs.find_snapshot(sid) is None


def test_cinder_snapshot_create_on_a_frozen_backend(intercepted):
    """``cinder freeze-host``, ``snapshot-create`` and ``snapshot-delete`` (the calls they make:
    python-cinderclient 9.10.0's ``services.freeze_host``, ``volume_snapshots.create`` and
    ``delete``): a frozen backend refuses a snapshot before its policy (volume/api.py
    ``_create_snapshot``: ``assert_not_frozen`` first, so the project's reader, whom 29.0.0's
    policy refuses, hears 400 too) and its delete, until ``thaw-host``."""
    needs(intercepted, "cinder")
    from cinderclient import client, exceptions

    admin, member, reader = (
        client.Client("3.0", session=password_session(intercepted, user))
        for user in ("admin", "demo", "demo-reader")
    )
    vid = volume_direct(intercepted, "fz")
    snap = member.volume_snapshots.create(vid, force=True)
    intercepted.run_until_idle()
    admin.services.freeze_host("cinder")
    refusals = []
    for attempt in (
        lambda: member.volume_snapshots.create(vid, force=True),
        lambda: reader.volume_snapshots.create(vid, force=True),
        lambda: member.volume_snapshots.delete(snap),
    ):
        with pytest.raises(exceptions.BadRequest) as refused:
            attempt()
        refusals.append(refused.value.message)
    assert (
        refusals
        == [
            "Invalid input received: Modification operations are not allowed on frozen storage "
            "backends."
        ]
        * 3
    )
    admin.services.thaw_host("cinder")
    with pytest.raises(exceptions.Forbidden):
        reader.volume_snapshots.create(vid, force=True)
    member.volume_snapshots.delete(snap)
    intercepted.run_until_idle()
    assert member.volume_snapshots.list() == []
