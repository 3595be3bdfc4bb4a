"""Snapshot-path fixes that reached stable point releases, seen by a user on both sides of every
backport (the last release of the series without it, the first with it), not only at the
master release: a check may pick any point release. The commits, and where each landed, are
the table "Nova's snapshot paths, commit by commit" in docs/conformance.md (read in
openstack/nova: ``git tag --contains`` of each ``cherry picked from commit`` backport)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv
from tests.nova.volume_backed_env import BfvEnv

#: A base image Glance stores as ``ami`` (the driver kept that format until d5a631ba77).
AMI = {
    "name": "ami",
    "content_id": "ami-image",
    "size": 10_000_000,
    "virtual_size": 100_000_000,
    "disk_format": "ami",
    "container_format": "ami",
    "min_disk": 0,
    "min_ram": 0,
    "properties": {},
}


@pytest.mark.parametrize(
    ("profile", "leaks"),
    [
        ("nova-17.0.11", True),
        ("nova-17.0.12", False),  # 3dcefba60a
        ("nova-18.2.1", True),
        ("nova-18.2.2", False),  # e0b91a5b1e
        ("nova-19.0.1", True),
        ("nova-19.0.2", False),  # 6765188116
    ],
)
def test_a_libvirt_errors_text_stays_out_of_the_fault_from_each_cve_2019_14433_backport(
    profile, leaks
):
    """298b337a16 (20.0.0, LP #1837877): a non-Nova exception's instance fault shows only its
    class name; before the fix (and its backports), the exception's text, to the owner."""
    env = NovaEnv(profile)
    sid = env.boot()
    text = "qemu-img: /var/lib/nova/instances/x/disk: Permission denied"
    env.cloud.faults.add("nova.libvirt.extract", error="LibvirtError", message=text)
    assert env.create_image(sid).status == 202
    env.cloud.run_until_idle()
    fault = env.server(sid, user="demo").get("fault")
    assert fault is None  # ACTIVE again: only an ERROR server shows its fault
    assert env.nova.db.fault_latest(sid).message == (text if leaks else "libvirtError")


@pytest.mark.parametrize(
    ("profile", "status"),
    [
        ("nova-19.2.0", 409),
        ("nova-19.3.0", 202),  # 04a8399f1d
        ("nova-20.3.0", 409),
        ("nova-20.4.0", 202),  # c93ca60956
        ("nova-21.0.0", 409),
        ("nova-21.1.0", 202),  # a270eeeb9b
    ],
)
def test_a_paused_volume_backed_server_is_snapshotted_from_each_lp1878583_backport(profile, status):
    """cfde53e4b4 (22.0.0): ``snapshot_volume_backed`` accepts PAUSED."""
    env = BfvEnv(profile)
    sid = env.boot_bfv()
    env.server_action(sid, "pause")
    resp = env.create_image(sid)
    assert resp.status == status
    if status == 409:
        message = f"Cannot 'createImage' instance {sid} while it is in vm_state paused"
        assert resp.json()["conflictingRequest"]["message"] == message
        return
    env.cloud.run_until_idle()
    assert [s["status"] for s in env.volume_snapshots()] == ["available"]


@pytest.mark.parametrize(
    ("profile", "fmt"),
    [
        ("nova-28.2.0", "ami"),
        ("nova-28.3.0", "qcow2"),  # d2d3b2c9e8
        ("nova-29.1.0", "ami"),
        ("nova-29.2.0", "qcow2"),  # 8c5929ff51
    ],
)
def test_an_ami_guests_snapshot_is_qcow2_from_each_format_safety_backport(profile, fmt):
    """d5a631ba77 (30.0.0, backports 27.5.0, 28.3.0, 29.2.0): the libvirt driver no longer
    forces ``ami`` on the snapshot of a guest booted from an ami image."""
    env = NovaEnv(profile, {"glance": {"base_images": [AMI]}})
    sid = env.boot()
    resp = env.create_image(sid)
    assert resp.status == 202
    env.cloud.run_until_idle()
    image = env.glance_image(resp.json()["image_id"])
    assert (image["status"], image["disk_format"]) == ("active", fmt)


@pytest.mark.parametrize(("profile", "fixed"), [("nova-17.0.0", False), ("nova-17.0.1", True)])
def test_cinders_snapshot_limit_is_checked_before_the_freeze_from_17_0_1(profile, fixed):
    """289d2703c7 and bca425a33f (18.0.0, backports c65dfeecae and 7ab98b5345 in 17.0.1):
    ``snapshot_volume_backed`` reads Cinder's absolute limits before quiescing. In 17.0.0 the
    guest is frozen first, Cinder's quota refuses the snapshot, and nothing thaws the guest
    (LP #1731986)."""
    env = BfvEnv(profile, {"cinder": {"quota_snapshots": 0}})
    sid = env.boot_bfv()
    resp = env.create_image(sid)
    assert resp.status == 403
    assert resp.json()["forbidden"]["message"] == "Quota exceeded for resources: snapshots"
    env.cloud.run_until_idle()
    assert (env.events("rpc.call", method="quiesce_instance") == []) is fixed
    assert env.domain(sid).frozen is not fixed
    assert env.volume_snapshots() == []
