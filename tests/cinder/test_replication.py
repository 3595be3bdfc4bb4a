"""A replicating backend (`fakecloud.cinder.replication`): an ``rbd`` backend with
``replication_device``, as ``RBDDriver`` (12.0.0 on) and the volume manager report it."""

import pytest
from cinder_support import ADMIN, call, fault

from fakecloud import Cloud
from fakecloud.errors import ConfigError

REPLICATED = {"replication_enabled": "<is> True"}
CONFIG = {
    "cinder": {
        "backends": {
            "ceph": {"kind": "rbd", "replication_device": [{"backend_id": "secondary"}]},
            "lvm": {"kind": "lvm-thin"},
        },
        "volume_types": {
            "__DEFAULT__": {"backend": "ceph"},
            "rep": {"backend": "ceph", "extra_specs": REPLICATED},
            "plain": {"backend": "lvm"},
        },
    }
}


def _volume(cloud, volume_type=None):
    body = {"volume": {"size": 1}}
    if volume_type is not None:
        body["volume"]["volume_type"] = volume_type
    resp = call(cloud, "POST", "volumes", body)
    assert resp.status == 202, resp.json()
    return resp.json()["volume"]["id"]


def test_a_replicating_backend_reports_its_targets_and_its_service_enabled():
    cloud = Cloud(profile="upstream", config=CONFIG)
    caps = call(cloud, "GET", "capabilities/cinder@ceph", ctx=ADMIN).json()
    assert caps["replication_targets"] == ["default", "secondary"]
    assert (
        call(cloud, "GET", "capabilities/cinder@lvm", ctx=ADMIN).json()["replication_targets"] == []
    )
    rows = call(cloud, "GET", "os-services", ctx=ADMIN).json()["services"]
    assert {r["host"]: r["replication_status"] for r in rows if "frozen" in r} == {
        "cinder@ceph": "enabled",
        "cinder@lvm": "disabled",
    }


def test_a_volume_s_replication_status_is_the_driver_s_by_its_type():
    cloud = Cloud(profile="upstream", config=CONFIG)
    ids = [_volume(cloud, t) for t in ("rep", None, "plain")]
    # the API's create stores none (EntryCreateTask does not take the flow's value)
    assert call(cloud, "GET", f"volumes/{ids[0]}").json()["volume"]["replication_status"] is None
    cloud.run_until_idle()
    shown = [call(cloud, "GET", f"volumes/{i}").json()["volume"] for i in ids]
    assert [(v["status"], v["replication_status"]) for v in shown] == [
        ("available", "enabled"),
        ("available", "disabled"),
        ("available", None),
    ]


@pytest.mark.parametrize(
    ("device", "words"),
    [
        ([{"conf": "/etc/ceph/secondary.conf"}], "Missing backend_id in replication_device"),
        ([], "must be a non-empty list"),
        ([{"backend_id": "s", "pool": "x"}], "unknown config key"),
    ],
)
def test_replication_device_is_checked(device, words):
    backends = {"ceph": {"kind": "rbd", "replication_device": device}}
    config = {
        "cinder": {"backends": backends, "volume_types": {"__DEFAULT__": {"backend": "ceph"}}}
    }
    with pytest.raises(ConfigError, match=words):
        Cloud(config=config)


def test_only_rbd_takes_replication_device():
    backends = {"lvm": {"kind": "lvm-thin", "replication_device": [{"backend_id": "s"}]}}
    config = {"cinder": {"backends": backends, "volume_types": {"__DEFAULT__": {"backend": "lvm"}}}}
    with pytest.raises(ConfigError, match="unknown config key cinder.backends.lvm.replication"):
        Cloud(config=config)


def _backends(cloud):
    rows = call(cloud, "GET", "os-services", ctx=ADMIN).json()["services"]
    return {
        r["host"]: (r["replication_status"], r["active_backend_id"], r["disabled_reason"])
        for r in rows
        if "frozen" in r
    }


def test_failover_host_fails_the_replicated_volumes_over_and_the_others_into_error():
    cloud = Cloud(profile="upstream", config=CONFIG)
    replicated, plain = _volume(cloud, "rep"), _volume(cloud)
    cloud.run_until_idle()
    snap = call(cloud, "POST", "snapshots", {"snapshot": {"volume_id": plain}}).json()
    cloud.run_until_idle()
    resp = call(cloud, "PUT", "os-services/failover_host", {"host": "cinder@ceph"}, ctx=ADMIN)
    assert (resp.status, resp.body) == (202, None)
    assert _backends(cloud)["cinder@ceph"] == ("failing-over", None, None)
    cloud.run_until_idle()
    assert _backends(cloud) == {
        "cinder@ceph": ("failed-over", "secondary", "failed-over"),
        "cinder@lvm": ("disabled", None, None),
    }
    shown = [call(cloud, "GET", f"volumes/{v}").json()["volume"] for v in (replicated, plain)]
    assert [(v["status"], v["replication_status"]) for v in shown] == [
        ("available", "failed-over"),
        ("error", "not-capable"),
    ]
    snap_id = snap["snapshot"]["id"]
    assert call(cloud, "GET", f"snapshots/{snap_id}").json()["snapshot"]["status"] == "error"
    again = {"snapshot": {"volume_id": plain, "force": True}}  # as Nova's createImage asks
    assert call(cloud, "POST", "snapshots", again).status == 400
    again["snapshot"]["volume_id"] = replicated
    resp = call(cloud, "POST", "snapshots", again)
    assert resp.status == 202
    # ... but the scheduler's backend_passes_filters knows no disabled service (the host
    # manager's _update_backend_state_map, 12.0.0-29.0.0): error, no user message
    cloud.run_until_idle()
    forced = resp.json()["snapshot"]["id"]
    assert call(cloud, "GET", f"snapshots/{forced}").json()["snapshot"]["status"] == "error"
    errors = [e["error"] for e in cloud.trace.filter(kind="cinder.error", subject=forced)]
    assert errors == [f"Cannot place snapshot {forced} on cinder@ceph."]
    assert call(cloud, "GET", "messages", version="3.3").json()["messages"] == []
    # failing back: enabled again, the service too; what went to error stays there
    body = {"host": "cinder@ceph", "backend_id": "default"}
    assert call(cloud, "PUT", "os-services/failover_host", body, ctx=ADMIN).status == 202
    cloud.run_until_idle()
    assert _backends(cloud)["cinder@ceph"] == ("enabled", "", "")
    assert call(cloud, "GET", f"volumes/{replicated}").json()["volume"]["replication_status"] == (
        "enabled"
    )


def test_failover_refusals_per_series():
    cloud = Cloud(profile="upstream", config=CONFIG)
    lvm = {"host": "cinder@lvm"}
    assert fault(call(cloud, "PUT", "os-services/failover_host", lvm, ctx=ADMIN)) == (
        "badRequest",
        400,
        "Invalid input received: No service could be changed: replication_status in "
        "['cinder@lvm'] must be ['enabled', 'failed-over'] and must be up to failover.",
    )
    assert fault(call(cloud, "PUT", "os-services/failover_host", {}, ctx=ADMIN))[2] == (
        "Invalid input received: Host field is missing."
    )
    assert call(cloud, "PUT", "os-services/failover_host", lvm).status == 403
    # 28.0.0 routes no ``failover``; 16.4.2 serves it from 3.26
    ceph = {"host": "cinder@ceph"}
    assert call(cloud, "PUT", "os-services/failover", ceph, ctx=ADMIN, version="3.26").status == 404
    ussuri = Cloud(profile="nova-21.2.4", config=CONFIG)
    assert call(ussuri, "PUT", "os-services/failover", ceph, ctx=ADMIN, version="3.25").json()[
        "badRequest"
    ]["message"] == ("Invalid input received: Unknown action")
    assert call(ussuri, "PUT", "os-services/failover", ceph, ctx=ADMIN, version="3.26").status == (
        202
    )


def test_a_replicated_group_lands_on_the_replicating_backend_and_lists_its_targets():
    """RBD replicates volumes, not groups: the group is ``available`` on the backend that
    reports ``replication_enabled``, and its targets are the backend's ``replication_device``
    (whole for an admin, the ``backend_id`` for others); enabling stays the driver's
    ``NotImplementedError`` (tests/cinder/test_volume_groups.py)."""
    device = {"backend_id": "secondary", "conf": "/etc/ceph/secondary.conf"}
    ceph = {"kind": "rbd", "replication_device": [device]}
    config = {
        "cinder": {**CONFIG["cinder"], "backends": {**CONFIG["cinder"]["backends"], "ceph": ceph}}
    }
    cloud = Cloud(profile="upstream", config=config)
    specs = {"group_replication_enabled": "<is> True"}
    body = {"group_type": {"name": "rg", "group_specs": specs}}
    gtype = call(cloud, "POST", "group_types", body, ctx=ADMIN, version="3.11").json()
    body = {"group": {"group_type": gtype["group_type"]["id"], "volume_types": ["rep"]}}
    gid = call(cloud, "POST", "groups", body, version="3.13").json()["group"]["id"]
    cloud.run_until_idle()
    assert call(cloud, "GET", f"groups/{gid}", version="3.13").json()["group"]["status"] == (
        "available"
    )
    path, body = f"groups/{gid}/action", {"list_replication_targets": {}}
    assert call(cloud, "POST", path, body, version="3.38").json() == {
        "replication_targets": [{"backend_id": "secondary"}]
    }
    assert call(cloud, "POST", path, body, ctx=ADMIN, version="3.38").json() == {
        "replication_targets": [device]
    }


def test_an_admin_enables_a_failed_over_service_again_before_28_only():
    """After a failover the service is disabled (reason ``failed-over``) and takes no new
    volume or snapshot. ``os-services/enable`` lets it work again (on the secondary: the
    driver's ``active_backend_id``) until 28.0.0, whose ``enable`` saves the row unchanged
    (cinder 28.0.0 api/v3/services.py)."""
    for profile, status in (("nova-21.2.4", "available"), ("upstream", "error")):
        cloud = Cloud(profile=profile, config=CONFIG)
        replicated = _volume(cloud, "rep")
        cloud.run_until_idle()
        call(cloud, "PUT", "os-services/failover_host", {"host": "cinder@ceph"}, ctx=ADMIN)
        cloud.run_until_idle()
        body = {"host": "cinder@ceph", "binary": "cinder-volume"}
        assert call(cloud, "PUT", "os-services/enable", body, ctx=ADMIN).status == 200
        snap = call(cloud, "POST", "snapshots", {"snapshot": {"volume_id": replicated}}).json()
        cloud.run_until_idle()
        shown = call(cloud, "GET", f"snapshots/{snap['snapshot']['id']}").json()["snapshot"]
        assert shown["status"] == status, profile


BOTH = {**REPLICATED, "multiattach": "<is> True"}
RETYPE_CONFIG = {
    "cinder": {
        **CONFIG["cinder"],
        "volume_types": {
            **CONFIG["cinder"]["volume_types"],
            "both": {"backend": "ceph", "extra_specs": BOTH},
        },
    }
}


def _retype(cloud, volume_id, new_type, policy="on-demand"):
    body = {"os-retype": {"new_type": new_type, "migration_policy": policy}}
    assert call(cloud, "POST", f"volumes/{volume_id}/action", body).status == 202
    cloud.run_until_idle()
    volume = call(cloud, "GET", f"volumes/{volume_id}").json()["volume"]
    return volume["status"], volume["volume_type"], volume["replication_status"]


def test_retype_turns_replication_on_and_off_in_place_and_refuses_to_migrate_a_replica():
    """cinder 12.0.10-29.0.0 ``VolumeManager.retype``: on the same RBD backend the driver's
    retype enables or disables the image's mirroring (``_setup_volume``); a retype that must
    migrate is refused for a replicating volume ("Volume must not be replicated."); a volume
    migrated onto the replicating backend takes the driver's status there
    (``finish_volume_migration`` swaps ``replication_status``)."""
    cloud = Cloud(profile="upstream", config=RETYPE_CONFIG)
    plain, lvm = _volume(cloud), _volume(cloud, "plain")
    cloud.run_until_idle()
    assert _retype(cloud, plain, "rep") == ("available", "rep", "enabled")
    assert _retype(cloud, plain, "plain") == ("available", "rep", "enabled")
    errors = [e["error"] for e in cloud.trace.filter(kind="cinder.error", subject=plain)]
    assert errors == ["Invalid volume: Volume must not be replicated."]
    assert _retype(cloud, plain, "__DEFAULT__") == ("available", "__DEFAULT__", "disabled")
    assert _retype(cloud, lvm, "rep") == ("available", "rep", "enabled")


def test_rbd_refuses_replication_with_multiattach_from_14():
    """``RBDDriver._setup_volume`` (14.0.0 on: 'Replication and Multiattach are mutually
    exclusive.'): a volume of a type asking for both is ``error`` once rescheduled three times;
    a retype into such a type
    is the driver's failure, so the generic migration, which ``never`` refuses."""
    cloud = Cloud(profile="upstream", config=RETYPE_CONFIG)
    both, rep = _volume(cloud, "both"), _volume(cloud, "rep")
    cloud.run_until_idle()
    assert call(cloud, "GET", f"volumes/{both}").json()["volume"]["status"] == "error"
    errors = [e["error"] for e in cloud.trace.filter(kind="cinder.error", subject=both)]
    # the driver's failure is rescheduled (OnFailureRescheduleTask), three placings, then
    # the scheduler's NoValidBackend
    assert errors == [
        "RBD Cinder driver failure: Replication and Multiattach are mutually exclusive."
    ] * 3 + [f"No valid backend was found. Exceeded max scheduling attempts 3 for resource {both}"]
    assert _retype(cloud, rep, "both", "never") == ("available", "rep", "enabled")
    errors = [e["error"] for e in cloud.trace.filter(kind="cinder.error", subject=rep)]
    assert errors[-1] == "Volume migration failed: Retype requires migration but is not allowed."


def test_a_frozen_service_an_admin_enabled_again_takes_no_new_volume():
    """``_update_backend_state_map`` lists services ``disabled: False, frozen: False``
    (12.0.0-29.0.0): before 28.0.0 an admin can enable a frozen service, but the scheduler
    still passes it over until it is thawed (the volume ``error``)."""
    cloud = Cloud(profile="nova-21.2.4", config=CONFIG)
    host = {"host": "cinder@ceph"}
    assert call(cloud, "PUT", "os-services/freeze", host, ctx=ADMIN).status == 200
    enable = {**host, "binary": "cinder-volume"}
    assert call(cloud, "PUT", "os-services/enable", enable, ctx=ADMIN).status == 200
    statuses = []
    for action in ("freeze", "thaw"):
        if action == "thaw":
            assert call(cloud, "PUT", "os-services/thaw", host, ctx=ADMIN).status == 200
        volume_id = _volume(cloud, "rep")
        cloud.run_until_idle()
        statuses.append(call(cloud, "GET", f"volumes/{volume_id}").json()["volume"]["status"])
    assert statuses == ["error", "available"]
