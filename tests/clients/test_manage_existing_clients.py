"""What ``os-unmanage`` left, adopted again by the real clients (in-process, unchanged):
python-cinderclient 9.10.0's ``cinder manage`` (its shell: ``POST /os-volume-manage``, then a
``GET`` of the new volume), ``cinder unmanage`` and ``cinder snapshot-manage`` /
``snapshot-unmanage`` (the calls those commands make: ``volumes.unmanage``,
``volume_snapshots.manage``), and ``openstack volume create --remote-source`` (OSC 10.x through
openstacksdk: ``POST /manageable_volumes`` at 3.8 and on). Cinder's answers themselves, and
the adopted volume at work: tests/cinder/test_manage_existing.py."""

import contextlib
import io

from client_helpers import needs, os_variables, password_session
from osc_inprocess import OpenStackCLI

from fakecloud import Cloud

HOST = "cinder@lvmdriver-1"


def _cinder_shell(cloud, *argv):
    """``cinder --os-volume-api-version 3.8 ARGV`` as the admin: what it printed."""
    from cinderclient import shell

    cfg = cloud.credentials("admin")
    auth = ["--os-auth-url", cfg["auth_url"], "--os-username", cfg["username"],
            "--os-password", cfg["password"], "--os-project-name", cfg["project_name"],
            "--os-user-domain-name", cfg["user_domain_name"],
            "--os-project-domain-name", cfg["project_domain_name"],
            "--os-volume-api-version", "3.8"]  # fmt: skip
    out = io.StringIO()
    with os_variables(), contextlib.redirect_stdout(out):  # its options, none of the OS_*
        shell.OpenStackCinderShell().main([*auth, *argv])
    return out.getvalue()


def _property(table, name):
    """A value of cinderclient's ``print_dict`` table."""
    (row,) = [line for line in table.splitlines() if line.startswith(f"| {name} ")]
    return row.split("|")[2].strip()


def test_cinder_and_openstack_adopt_what_unmanage_left(tmp_path):
    # 2026.2: openstacksdk's Volume.manage sends its _max_microversion, 3.71 (a Queens cloud's
    # 406, as a real one's)
    cloud = Cloud(seed=6, profile="upstream")
    needs(cloud, "cinder")
    with cloud.intercept():
        _adopt(cloud, tmp_path)


def _adopt(cloud, tmp_path):
    from cinderclient import client

    cs = client.Client("3.8", session=password_session(cloud, "admin"))
    kept = cs.volumes.create(1)
    dropped = cs.volumes.create(1)
    cloud.run_until_idle()
    for volume in (kept, dropped):
        cs.volumes.unmanage(volume)  # cinder unmanage
    cloud.run_until_idle()
    shown = _cinder_shell(cloud, "manage", "--name", "adopted", "--bootable", HOST,
                          f"volume-{kept.id}")  # fmt: skip
    assert _property(shown, "status") == "creating"  # managing, as the API shows it
    adopted = _property(shown, "id")
    cloud.run_until_idle()
    volume = cs.volumes.get(adopted)
    assert (volume.status, volume.size, volume.bootable) == ("available", 1, "true")
    # its snapshot unmanaged (cinder snapshot-unmanage), then adopted (snapshot-manage)
    snap = cs.volume_snapshots.create(adopted)
    cloud.run_until_idle()
    cs.volume_snapshots.unmanage(snap)
    cloud.run_until_idle()
    back = cs.volume_snapshots.manage(adopted, f"_snapshot-{snap.id}", name="back")
    cloud.run_until_idle()
    assert cs.volume_snapshots.get(back.id).status == "available"
    # openstack volume create --remote-source
    osc = OpenStackCLI(cloud, tmp_path)
    args = ["--os-volume-api-version", "3.8", "volume", "create", "--remote-source",
            f"source-name=volume-{dropped.id}", "--host", HOST, "again"]  # fmt: skip
    # --non-bootable: without it OSC sends "bootable": null, which Cinder's schema refuses
    # (tests/cinder/test_manage_existing.py)
    made = osc(*args, "--non-bootable", cloud="fakecloud-admin")
    assert (made["name"], made["status"], made["size"]) == ("again", "creating", 0)
    cloud.run_until_idle()
    assert cs.volumes.get(made["id"]).status == "available"
    assert not cloud.check_invariants()
    # a manage of what the backend does not hold, then its delete: `cinder quota-usage` (its
    # call) still counts the volume (Cinder's error_managing_deleting skips its quota,
    # 12.0.10-29.0.0)
    failed = cs.volumes.manage(HOST, {"source-name": "volume-nothing-there"})
    cloud.run_until_idle()
    assert cs.volumes.get(failed.id).status == "error"  # error_managing
    project = cs.client.session.get_project_id()
    before = cs.quotas.get(project, usage=True).volumes
    cs.volumes.delete(failed)
    cloud.run_until_idle()
    assert cs.quotas.get(project, usage=True).volumes == before
    assert before["in_use"] == 3  # the two adopted and the failed one, counted after its delete
