"""createImage and createBackup on the compute host, as session 20's release-by-release audit
of ``nova/compute/manager.py`` found them (nova 17.0.7 to 34.0.0): the words of the snapshot's
log lines, ``_rotate_backups``' own fault, the arguments of the legacy error notifications and
what glanceclient makes of an error Nova passes on."""

from __future__ import annotations

import pytest

from fakecloud.identity.context import RequestContext
from fakecloud.nova.image_api import HTTPInternalServerError
from tests.nova.conftest import NovaEnv


def _logs(env: NovaEnv, sid: str) -> list[tuple[str, str]]:
    return [(e["level"], e["message"]) for e in env.cloud.trace.filter(kind="log", subject=sid)]


def _errors(env: NovaEnv) -> dict[str, dict]:
    found = env.cloud.trace.filter(kind="notification", priority="ERROR", format="unversioned")
    return {e["event_type"]: e["args"] for e in found}


def test_the_snapshot_s_log_lines_are_novas_words():
    """``_snapshot_instance`` warns with the power states it compared; ``snapshot_instance``'s
    debug line for a server gone before the cast names the task state (17.0.13 and 34.0.0
    compute/manager.py, unchanged in between)."""
    env = NovaEnv("upstream")
    stopped, gone = env.boot("a"), env.boot("b")
    assert env.action(stopped, {"os-stop": None}).status == 202
    env.cloud.run_until_idle()
    assert env.action(stopped, {"createImage": {"name": "s"}}).status == 202
    env.cloud.run_until_idle()
    # With nova-compute down (past service_down_time) the DELETE is local: the cast finds
    # no row when it arrives.
    host = "compute." + env.server(gone)["OS-EXT-SRV-ATTR:host"]
    env.kernel.rpc.set_up(host, False)
    env.cloud.advance(61.0)
    assert env.action(gone, {"createImage": {"name": "g"}}).status == 202
    assert env.request("DELETE", f"/v2.1/servers/{gone}").status == 204
    env.kernel.rpc.set_up(host, True)
    env.cloud.run_until_idle()
    warning = ("warning", "trying to snapshot a non-running instance: (state: 4 expected: 1)")
    assert warning in _logs(env, stopped)
    assert _logs(env, gone) == [
        ("debug", "Instance not found, could not set state image_snapshot for instance.")
    ]


def test_a_failed_rotation_records_its_own_fault_before_backup_instance_s():
    """``_rotate_backups`` carries ``wrap_instance_fault`` (17.0.13 and 34.0.0): Glance failing
    the listing leaves two faults; ``backup_instance``'s legacy error notification holds every
    argument of the call (``wrap_exception``'s ``getcallargs`` less self and context)."""
    env = NovaEnv("nova-17.0.13")
    sid = env.boot()
    env.cloud.faults.add("image_api.get_all", error=HTTPInternalServerError("boom"))
    entity = {"name": "b", "backup_type": "daily", "rotation": 1}
    resp = env.action(sid, {"createBackup": entity}, microversion="2.45")
    env.cloud.run_until_idle()
    faults = env.nova.db.faults[sid]
    assert [(f.message, f.code) for f in faults] == [("HTTPInternalServerError", 500)] * 2
    args = {"image_id": resp.json()["image_id"], "instance": sid}
    assert _errors(env) == {"backup_instance": {**args, "backup_type": "daily", "rotation": 1}}


def test_the_spawned_snapshot_s_notification_names_its_expected_task_state():
    """From 33.0.0 ``_snapshot_instance(context, image_id, instance, expected_task_state)``
    has its own ``wrap_exception`` (34.0.0 compute/manager.py): its legacy error notification's
    ``args`` end with the task state the backup or the snapshot expects."""
    env = NovaEnv("upstream")
    env.cloud.faults.add("nova.libvirt.extract", error=RuntimeError("qemu-img: I/O error"))
    sid = env.boot()
    entity = {"name": "b", "backup_type": "weekly", "rotation": 2}
    backup = env.action(sid, {"createBackup": entity}, microversion="2.45").json()["image_id"]
    env.cloud.run_until_idle()
    assert _errors(env) == {
        "_snapshot_instance": {
            "image_id": backup,
            "instance": sid,
            "expected_task_state": "image_backup",
        },
        "backup_instance": {
            "image_id": backup,
            "instance": sid,
            "backup_type": "weekly",
            "rotation": 2,
        },
    }


@pytest.mark.parametrize(
    ("profile", "fault"),
    [
        ("nova-17.0.10", "Gone (HTTP N/A)"),
        ("nova-19.0.0", "HTTP Gone"),
        ("upstream", "HTTPException"),
    ],
)
def test_glance_s_410_on_the_upload_is_glanceclient_s_http_exception(profile, fault):
    """glanceclient maps no class to a 410 (``exc.from_response``: ``HTTPException``), and its
    text is ``HTTP <details>`` from python-glanceclient 2.16.0 (ae4355b), Stein's upper
    constraint (Nova 19.0.0 on; Queens pins 2.10.1: ``<details> (HTTP <code>)``, the bare
    class's code ``N/A``). Before
    CVE-2019-14433's fix (17.0.12, 18.2.2, 19.0.2, 20.0.0) the fault holds that text, after it
    the class name (nova 17.0.10, 19.0.0, 34.0.0 ``_snapshot_instance``'s decorators)."""
    env = NovaEnv(profile)
    env.cloud.faults.add("image_api.update", error=410, match={"call": "upload"})
    sid = env.boot()
    assert env.action(sid, {"createImage": {"name": "s"}}).status == 202
    env.cloud.run_until_idle()
    assert [(f.message, f.code) for f in env.nova.db.faults[sid]] == [(fault, 500)]


@pytest.mark.parametrize(("profile", "fixed"), [("nova-17.0.11", False), ("nova-17.0.12", True)])
def test_before_the_cve_2019_14433_fix_a_fault_s_details_are_the_frames_only(profile, fixed):
    """``_get_fault_details`` was ``traceback.format_tb`` (frames, no header, no exception
    line) until 298b337a16 made it ``format_exception`` together with the class-name message
    (20.0.0; 17.0.12, 18.2.2, 19.0.2; nova 17.0.11 and 17.0.12 compute/utils.py). A snapshot's
    fault shows once the server is ERROR, its details to an admin."""
    env = NovaEnv(profile)
    env.cloud.faults.add("nova.libvirt.extract", error=RuntimeError("disk gone"))
    sid = env.boot()
    assert env.action(sid, {"createImage": {"name": "s"}}).status == 202
    env.cloud.run_until_idle()
    env.action(sid, {"os-resetState": {"state": "error"}}, user="admin")
    fault = env.server(sid)["fault"]
    assert fault["message"] == ("RuntimeError" if fixed else "disk gone")
    assert fault["details"].startswith("Traceback (most recent call last):\n") is fixed
    assert fault["details"].endswith("RuntimeError: disk gone\n") is fixed
    assert '  File "fakecloud/nova/' in fault["details"]


def test_a_property_filter_loses_what_str_lstrip_takes():
    """``_extract_query_params_v2`` drops the ``property-`` prefix with ``lstrip``, which strips
    characters, not a prefix (nova 17.0.0 to 34.0.0 image/glance.py): ``property-os_distro``
    asks Glance for ``s_distro`` and finds nothing; ``_rotate_backups``' own keys
    (``image_type``, ``backup_type``, ``instance_uuid``) and ``hw_*`` come through whole."""
    env = NovaEnv("upstream")

    def names(query: str) -> list[str]:
        found = env.request("GET", f"/v2.1/images?{query}", microversion="2.35").json()
        return sorted(i["name"] for i in found["images"])

    assert names("property-os_distro=ubuntu") == []
    assert names("property-hw_qemu_guest_agent=yes") == [
        "cirros-0.6.2-x86_64-qga",
        "ubuntu-24.04-server-cloudimg-amd64-qga",
    ]


@pytest.mark.parametrize(
    ("profile", "more"),
    [("seed", {}), ("nova-23.2.2", {"accel_uuids": []}), ("upstream", {"accel_uuids": []})],
)
def test_a_failed_shelve_s_notification_holds_every_argument_of_the_call(profile, more):
    """``shelve_instance(context, instance, image_id, clean_shutdown[, accel_uuids])``: the
    API casts ``clean_shutdown`` True and, from 23.0.0, ``accel_uuids`` [] (nova 17.0.13,
    23.2.2, 34.0.0 compute/api.py ``shelve``, manager.py ``shelve_instance``)."""
    env = NovaEnv(profile)
    sid = env.boot()
    env.cloud.faults.add("nova.libvirt.extract", error=RuntimeError("qemu-img: I/O error"))
    assert env.action(sid, {"shelve": None}).status == 202
    env.cloud.run_until_idle()
    args = _errors(env)["shelve_instance"]
    assert args == {"image_id": args["image_id"], "instance": sid, "clean_shutdown": True, **more}


def test_the_periodic_offload_s_notification_says_no_clean_shutdown():
    """``_poll_shelved_instances`` calls ``shelve_offload_instance(..., clean_shutdown=False,
    accel_uuids=[])`` (nova 23.2.2, 34.0.0 manager.py): a failure's legacy notification says so
    (here the save's compare-and-swap, the server's task cleared behind the periodic's back)."""
    env = NovaEnv("upstream", {"nova": {"shelved_offload_time_s": 3600}})
    sid = env.boot()
    assert env.action(sid, {"shelve": None}).status == 202
    env.cloud.run_until_idle()
    manager = env.nova.hosts[env.server(sid)["OS-EXT-SRV-ATTR:host"]]
    instance = env.nova.db.instance_get(sid, manager.actor)
    context = RequestContext(user_id="", project_id=None, roles=("admin",))
    offload = manager._shelve_offload_rpc(context, instance, clean_shutdown=False)
    env.kernel.spawn(offload, "_poll_shelved_instances")
    env.cloud.run_until_idle()
    args = _errors(env)["shelve_offload_instance"]
    assert args == {"instance": sid, "clean_shutdown": False, "accel_uuids": []}
