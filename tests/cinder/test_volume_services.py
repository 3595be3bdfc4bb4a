"""``GET /os-services`` (``openstack volume service list``), as cinder 12.0.10-29.0.0's
``ServiceController.index`` answers it: cinder-scheduler, one cinder-volume per backend and
cinder-backup, the
``host``/``binary`` filters (``_filter_host``), ``cluster`` from 3.7, ``backend_state`` from
3.49, the extended fields, heartbeats every 10 virtual seconds. It was a 404."""

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
    assert {r["updated_at"] for r in latest} == {"2026-01-01T00:00:20.000000"}
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
    cloud.kernel.rpc.set_up("cinder-backup.cinder", False)
    assert [r["state"] for r in _rows(cloud, "binary=cinder-backup")] == ["down"]
    resp = call(cloud, "GET", "os-services", ctx=MEMBER)
    assert fault(resp) == (
        "forbidden", 403, "Policy doesn't allow volume_extension:services:index to be performed.",
    )  # fmt: skip
