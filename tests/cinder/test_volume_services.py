"""``GET /os-services`` (``openstack volume service list``), as cinder 12.0.10-29.0.0's
``ServiceController.index`` answers it: cinder-scheduler, one cinder-volume per backend and
cinder-backup, the
``host``/``binary`` filters (``_filter_host``), ``cluster`` from 3.7, ``backend_state`` from
3.49, the extended fields, heartbeats every 10 virtual seconds. It was a 404."""

import pytest
from cinder_support import ADMIN, MEMBER, call, fault

from fakecloud import Cloud

BACKENDS = {"lvm": {"kind": "lvm-thin"}, "ceph": {"kind": "rbd"}}
CONFIG = {"cinder": {"backends": BACKENDS, "volume_types": {"__DEFAULT__": {"backend": "lvm"}}}}


def _rows(cloud, query=None, version=None):
    resp = call(cloud, "GET", "os-services", ctx=ADMIN, query=query, version=version)
    assert resp.status == 200, resp.json()
    return resp.json()["services"]


def test_services_and_their_fields_per_microversion():
    cloud = Cloud(profile="upstream", config=CONFIG)
    rows = _rows(cloud)
    assert [(r["binary"], r["host"]) for r in rows] == [
        ("cinder-scheduler", "cinder"),
        ("cinder-volume", "cinder@lvm"),
        ("cinder-volume", "cinder@ceph"),
        ("cinder-backup", "cinder"),
    ]
    assert rows[0] == {
        "binary": "cinder-scheduler", "host": "cinder", "zone": "nova", "status": "enabled",
        "state": "up", "updated_at": None, "disabled_reason": None,
    }  # fmt: skip
    assert rows[1]["replication_status"] == "disabled" and rows[1]["frozen"] is False
    cloud.run(until=25)
    latest = _rows(cloud, version="3.49")
    # each reports from its own start, a second apart in devstack's order: scheduler, backup,
    # volume (cinder 29.0.0 service.py: initial_delay=report_interval)
    assert [r["updated_at"][17:19] for r in latest] == ["20", "22", "22", "21"]
    assert latest[0]["cluster"] is None and "backend_state" not in latest[0]
    assert latest[1]["backend_state"] == "up"
    assert "cluster" in _rows(cloud, version="3.7")[0]
    assert "backend_state" not in _rows(cloud, version="3.48")[1]


def test_host_and_binary_filters():
    cloud = Cloud(profile="seed", config=CONFIG)
    assert len(_rows(cloud, "host=cinder")) == 4  # cinder, cinder@*
    assert [r["host"] for r in _rows(cloud, "host=cinder@ceph")] == ["cinder@ceph"]
    assert [r["host"] for r in _rows(cloud, "binary=cinder-volume")] == [
        "cinder@lvm",
        "cinder@ceph",
    ]
    assert _rows(cloud, "host=cinder@ceph&binary=cinder-scheduler") == []
    assert len(_rows(cloud, "frobnicate=1")) == 4
    cloud.run(until=25)
    cloud.kernel.rpc.set_up("cinder-backup.cinder", False)
    cloud.run(until=45)
    (backup,) = _rows(cloud, "binary=cinder-backup")
    # up until its last heartbeat (21 s) is more than service_down_time (60 s) old
    assert (backup["state"], backup["updated_at"]) == ("up", "2026-01-01T00:00:21.000000")
    cloud.run(until=81)
    assert _rows(cloud, "binary=cinder-backup")[0]["state"] == "up"
    cloud.run(until=81.5)
    (backup,) = _rows(cloud, "binary=cinder-backup")
    assert (backup["state"], backup["updated_at"]) == ("down", "2026-01-01T00:00:21.000000")
    resp = call(cloud, "GET", "os-services", ctx=MEMBER)
    assert fault(resp) == (
        "forbidden", 403, "Policy doesn't allow volume_extension:services:index to be performed.",
    )  # fmt: skip


def _update(cloud, action, body, ctx=ADMIN):
    return call(cloud, "PUT", f"os-services/{action}", body, ctx=ctx)


def _states(cloud):
    rows = _rows(cloud, "binary=cinder-volume")
    return [(r["host"], r["status"], r["disabled_reason"]) for r in rows]


def _volume_status(cloud):
    resp = call(cloud, "POST", "volumes", {"volume": {"size": 1}})
    cloud.run_until_idle()
    return cloud.cinder.volume(resp.json()["volume"]["id"]).status


@pytest.mark.parametrize("profile", ["seed", "nova-24.0.0"])
def test_a_disabled_backend_gets_no_volumes(profile):
    cloud = Cloud(profile=profile, config=CONFIG)
    lvm = {"host": "cinder@lvm", "binary": "cinder-volume"}
    resp = _update(cloud, "disable-log-reason", {**lvm, "disabled_reason": "maintenance"})
    assert resp.json() == {**lvm, "service": "", "status": "disabled", "disabled": True,
                           "disabled_reason": "maintenance"}  # fmt: skip
    assert _states(cloud)[0] == ("cinder@lvm", "disabled", "maintenance")
    assert _volume_status(cloud) == "error"  # the default type's backend: no valid backend
    enabled = _update(cloud, "enable", {"host": "cinder", "binary": "cinder-volume"}).json()
    # Queens clears the reason (and answers it); from 13.0.0 the reason stays.
    reason = None if profile == "seed" else "maintenance"
    assert enabled.get("disabled_reason", "kept") == (None if profile == "seed" else "kept")
    assert _states(cloud)[0] == ("cinder@lvm", "enabled", reason)  # host "cinder": the first
    assert _volume_status(cloud) == "available"
    resp = _update(cloud, "enable", {"host": "cinder@nfs", "binary": "cinder-volume"})
    assert fault(resp) == (
        "itemNotFound", 404, "Service cinder-volume could not be found on host cinder@nfs.",
    )  # fmt: skip
    assert fault(_update(cloud, "frobnicate", lvm)) == (
        "badRequest", 400, "Invalid input received: Unknown action",
    )  # fmt: skip
    assert fault(_update(cloud, "disable", lvm, ctx=MEMBER))[1] == 403


@pytest.mark.parametrize("profile", ["nova-33.0.0", "upstream"])
def test_enable_and_disable_change_nothing_from_28(profile):
    # 0fcc22942 (28.0.0): enable/disable answer the new status and save the row unchanged;
    # disable-log-reason still disables.
    cloud = Cloud(profile=profile, config=CONFIG)
    lvm = {"host": "cinder@lvm", "binary": "cinder-volume"}
    resp = _update(cloud, "disable", lvm)
    assert (resp.status, resp.json()["status"]) == (200, "disabled")
    assert _states(cloud)[0] == ("cinder@lvm", "enabled", None)
    assert _volume_status(cloud) == "available"
    _update(cloud, "disable-log-reason", {**lvm, "disabled_reason": "maintenance"})
    assert _update(cloud, "enable", lvm).json()["status"] == "enabled"
    assert _states(cloud)[0] == ("cinder@lvm", "disabled", "maintenance")
    assert _volume_status(cloud) == "error"
    assert call(cloud, "PUT", "os-services/frobnicate", lvm, ctx=ADMIN).status == 404
    resp = _update(cloud, "disable-log-reason", {**lvm, "disabled_reason": "   "})
    assert fault(resp) == (
        "badRequest", 400, "Invalid input received: disabled_reason has 0 characters, less than 1.",
    )  # fmt: skip


def test_saved_and_forked_clouds_keep_a_disabled_service(tmp_path):
    cloud = Cloud(profile="nova-24.0.0", config=CONFIG)
    body = {"host": "cinder@lvm", "binary": "cinder-volume", "disabled_reason": "maintenance"}
    assert _update(cloud, "disable-log-reason", body).status == 200
    cloud.save(tmp_path / "world.json")
    for again in (Cloud.load(tmp_path / "world.json"), cloud.fork()):
        assert _states(again)[0] == ("cinder@lvm", "disabled", "maintenance")
        assert _volume_status(again) == "error"


def test_a_stopped_volume_service_is_up_and_available_for_service_down_time():
    """``alive = abs(delta_sec) <= CONF.service_down_time`` on the last heartbeat, in
    ``os-services`` (``up``/``down``) and ``os-hosts`` (``available``/``unavailable``), cinder
    12.0.10 api/contrib/services.py and hosts.py, 29.0.0 api/v3/services.py."""
    cloud = Cloud(profile="upstream", config=CONFIG)
    cloud.run(until=25)
    # cinder-volume, third of Cinder's services to start (at 2 s), reports at 12, 22... s
    cloud.kernel.rpc.set_up(cloud.cinder.volume_target("ceph"), False)  # last heartbeat: 22 s

    def seen():
        (row,) = _rows(cloud, "host=cinder@ceph")
        hosts = call(cloud, "GET", "os-hosts", ctx=ADMIN).json()["hosts"]
        (host,) = [h for h in hosts if h["host_name"] == "cinder@ceph"]
        return row["state"], host["service-status"]

    cloud.run(until=82)
    assert seen() == ("up", "available")
    cloud.run(until=82.5)
    assert seen() == ("down", "unavailable")
    cloud.run(until=90)
    cloud.kernel.rpc.set_up(cloud.cinder.volume_target("ceph"), True)
    # its start saves the row (cinder 12.0.10-28.0.0 service.py Service.__init__), then it
    # reports from that start: 100, 110... s
    assert _rows(cloud, "host=cinder@ceph")[0]["updated_at"][14:19] == "01:30"
    cloud.run(until=109)
    assert seen() == ("up", "available")
    assert _rows(cloud, "host=cinder@ceph")[0]["updated_at"][14:19] == "01:40"


def test_the_grace_counts_from_the_heartbeat_as_mysql_stored_it():
    """The row's ``updated_at`` is MySQL's whole second (a half up) and the grace is counted
    against now to the microsecond: ``alive`` in ``os-services`` and ``os-hosts``, and the
    scheduler's ``Service.is_up`` (``updated_at >= utcnow() - service_down_time``, cinder
    12.0.10-29.0.0 objects/service.py): a service last seen at 50.6 s is up until 111 s."""
    ceph = {"backends": BACKENDS, "volume_types": {"__DEFAULT__": {"backend": "ceph"}}}
    cloud = Cloud(profile="upstream", config={"cinder": ceph})
    target = cloud.cinder.volume_target("ceph")
    cloud.run(until=25)
    cloud.kernel.rpc.set_up(target, False)
    cloud.run(until=30.6)
    cloud.kernel.rpc.set_up(target, True)  # saved at 30.6, reports at 40.6 and 50.6
    cloud.run(until=55)
    cloud.kernel.rpc.set_up(target, False)

    def seen():
        (row,) = _rows(cloud, "host=cinder@ceph")
        hosts = call(cloud, "GET", "os-hosts", ctx=ADMIN).json()["hosts"]
        (host,) = [h for h in hosts if h["host_name"] == "cinder@ceph"]
        return row["updated_at"][11:], row["state"], host["service-status"]

    cloud.run(until=110.8)
    assert seen() == ("00:00:51.000000", "up", "available")
    created = call(cloud, "POST", "volumes", {"volume": {"size": 1}}).json()["volume"]
    cloud.run(until=111.1)
    assert seen() == ("00:00:51.000000", "down", "unavailable")
    # placed on the stopped backend while it was up to the scheduler: its create waits there
    shown = call(cloud, "GET", f"volumes/{created['id']}", ctx=ADMIN).json()["volume"]
    assert (shown["status"], shown["os-vol-host-attr:host"]) == ("creating", "cinder@ceph#ceph")
