"""A replicating backend (`fakecloud.cinder.replication`): an ``rbd`` backend with
``replication_device``, as ``RBDDriver`` (12.0.0 on) and the volume manager report it."""

import pytest
from cinder_support import ADMIN, call

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
