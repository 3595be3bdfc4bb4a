"""Resize and cold migration, confirm and revert (nova 17.0.13-34.0.0 ``compute/api.py``
``resize``/``confirm_resize``/``revert_resize``, ``conductor/tasks/migrate.py``,
``compute/manager.py`` ``prep_resize``/``resize_instance``/``finish_resize``/
``confirm_resize``/``revert_resize``/``finish_revert_resize``), and what they do to a
snapshot: createImage and createBackup are refused in every resize task state and in
``resized`` (their ``check_instance_state``: vm_state active/stopped/paused/suspended, no task).
"""

from __future__ import annotations

import pytest

from tests.nova.conftest import TIMED, NovaEnv, unexpected_500


def _resize(env: NovaEnv, sid: str, flavor: str, **kw):
    return env.action(sid, {"resize": {"flavorRef": flavor}}, **kw)


def _usage(env: NovaEnv) -> dict[str, tuple[int, int, int]]:
    listed = env.request("GET", "/v2.1/os-hypervisors/detail", user="admin", microversion="2.1")
    return {
        h["hypervisor_hostname"]: (h["vcpus_used"], h["memory_mb_used"], h["local_gb_used"])
        for h in listed.json()["hypervisors"]
    }


def _migration_statuses(env: NovaEnv, sid: str) -> list[str]:
    return [e["status"] for e in env.cloud.trace.filter(kind="nova.migration", subject=sid)]


def _events(env: NovaEnv, sid: str, action: str) -> list[tuple[str, ...]]:
    """(event, result) of the action's events, with the host where 2.62 shows it."""
    path = f"/v2.1/servers/{sid}/os-instance-actions"
    listed = env.request("GET", path, user="admin").json()["instanceActions"]
    rid = next(a["request_id"] for a in listed if a["action"] == action)
    shown = env.request("GET", f"{path}/{rid}", user="admin", microversion=env.top).json()
    events = shown["instanceAction"]["events"]
    return [(e["event"], *([e["host"]] if "host" in e else []), e["result"]) for e in events]


def test_resize_then_confirm_moves_the_server_and_its_disk():
    env = NovaEnv("upstream", TIMED)
    big = next(i for i in env.images if i.name == "big")
    sid = env.boot(image=big)
    assert _resize(env, sid, "2").status == 202
    assert env.server(sid)["status"] == "RESIZE"
    # createImage and createBackup are refused while it moves, with Nova's 409 text.
    refused = env.create_image(sid)
    assert refused.status == 409
    assert refused.json()["conflictingRequest"]["message"] == (
        f"Cannot 'createImage' instance {sid} while it is in task_state resize_prep"
    )
    env.cloud.run_until_idle()
    server = env.server(sid, microversion="2.47")
    assert (server["status"], server["OS-EXT-SRV-ATTR:host"]) == ("VERIFY_RESIZE", "cmp-2")
    assert server["flavor"]["original_name"] == "m1.small"
    assert env.states(sid)[-5:] == [
        "resize_prep",
        "resize_migrating",
        "resize_migrated",
        "resize_finish",
        None,
    ]
    # The 1 GB root disk crossed from cmp-1's disk to cmp-2's at 100 MB/s: 10 s, after the
    # guest's power-off (1 s).
    times = {
        e["status"]: e["t"] for e in env.cloud.trace.filter(kind="nova.migration", subject=sid)
    }
    assert times["post-migrating"] - times["migrating"] == pytest.approx(11.0, abs=0.01)
    for body in ({"createImage": {"name": "s"}}, {"createBackup": _BACKUP}):
        refused = env.action(sid, body, microversion="2.45")
        assert refused.status == 409
        name = next(iter(body))
        assert refused.json()["conflictingRequest"]["message"] == (
            f"Cannot '{name}' instance {sid} while it is in vm_state resized"
        )
    # Both hosts hold the server: its old flavor on the source until the confirm.
    assert _usage(env) == {"cmp-1": (1, 1024, 1), "cmp-2": (1, 2560, 20)}
    assert env.action(sid, {"confirmResize": None}).status == 204
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "ACTIVE"
    assert _usage(env) == {"cmp-1": (0, 512, 0), "cmp-2": (1, 2560, 20)}
    assert _migration_statuses(env, sid) == [
        "pre-migrating",
        "pre-migrating",
        "migrating",
        "post-migrating",
        "finished",
        "confirming",
        "confirmed",
    ]
    assert _events(env, sid, "resize") == [  # newest first (action_events_get)
        ("compute_finish_resize", "cmp-2", "Success"),
        ("compute_resize_instance", "cmp-1", "Success"),
        ("compute_prep_resize", "cmp-2", "Success"),
        ("cold_migrate", "nova-conductor-1", "Success"),
        ("conductor_migrate_server", "nova-conductor-1", "Success"),
    ]
    assert _events(env, sid, "confirmResize") == [("compute_confirm_resize", "cmp-1", "Success")]
    # Now a snapshot is taken again, on the new host.
    assert env.create_image(sid).status == 202
    env.cloud.run_until_idle()
    assert env.cloud.check_invariants() == []


_BACKUP = {"name": "b", "backup_type": "daily", "rotation": 1}


def test_revert_brings_the_old_flavor_and_host_back_and_a_stopped_server_stays_off():
    env = NovaEnv("upstream")
    sid = env.boot(flavor="2")
    assert env.action(sid, {"os-stop": None}).status == 202
    env.cloud.run_until_idle()
    assert _resize(env, sid, "3").status == 202
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "VERIFY_RESIZE"
    assert env.nova.db.project_usage(env.server(sid)["tenant_id"])[1:] == (2, 4096)
    assert env.action(sid, {"revertResize": None}).status == 202
    assert env.server(sid)["status"] == "REVERT_RESIZE"
    env.cloud.run_until_idle()
    server = env.server(sid, microversion="2.47")
    assert (server["status"], server["OS-EXT-SRV-ATTR:host"]) == ("SHUTOFF", "cmp-1")
    assert server["flavor"]["original_name"] == "m1.small"
    assert env.nova.db.project_usage(server["tenant_id"])[1:] == (1, 2048)
    assert _usage(env)["cmp-2"] == (0, 512, 0)
    assert _migration_statuses(env, sid)[-2:] == ["reverting", "reverted"]
    # old_vm_state stopped: the source powers the reverted server off (``stop_instance``)
    assert [e[0] for e in _events(env, sid, "revertResize")] == [  # newest first
        "compute_stop_instance",
        "compute_finish_revert_resize",
        "compute_revert_resize",
    ]
    # Nothing left to confirm or revert.
    refused = env.action(sid, {"confirmResize": None})
    assert refused.status == 409
    assert "while it is in vm_state stopped" in refused.json()["conflictingRequest"]["message"]


def test_resize_refusals():
    env = NovaEnv("upstream", {"nova": {"quota_cores": 1}})
    sid = env.boot(flavor="2")
    cases = [
        ("2", 400, "When resizing, instances must change flavor!"),
        ("99", 400, "Flavor 99 could not be found."),
        # The server's image min_disk is its flavor's root disk (get_system_metadata_from_image)
        ("1", 400, "Flavor's disk is smaller than the minimum size specified in image metadata. "
         "Flavor disk is 1073741824 bytes, minimum size is 21474836480 bytes."),
        ("3", 403, "Quota exceeded for cores: Requested 1, but already used 1 of 1 cores"),
    ]  # fmt: skip
    for flavor, status, message in cases:
        resp = _resize(env, sid, flavor)
        assert (resp.status, next(iter(resp.json().values()))["message"]) == (status, message)
    bad = env.action(sid, {"resize": {"flavorRef": "2", "extra": 1}})
    assert bad.status == 400
    assert env.server(sid)["OS-EXT-STS:task_state"] is None


def test_a_ram_upsize_of_a_project_over_its_cores_is_novas_500_keyerror():
    """``get_over_quota_detail`` reads ``deltas[resource]`` for each resource over, and the
    deltas hold only what grows: a project already over its cores whose resize adds only RAM
    is Nova's 500 (17.0.0 to master alike), the server untouched."""
    env = NovaEnv("upstream")
    sid = env.boot(flavor="1")
    project = env.server(sid)["tenant_id"]
    cores = {"quota_set": {"cores": 0, "force": True}}
    assert env.request("PUT", f"/v2.1/os-quota-sets/{project}", cores, user="admin").status == 200
    resp = _resize(env, sid, "2")
    message = resp.json()["computeFault"]["message"]
    assert (resp.status, message) == (500, unexpected_500("upstream", "KeyError"))
    assert env.server(sid)["OS-EXT-STS:task_state"] is None
    assert not env.cloud.trace.filter(kind="api.error")


def test_disk_too_small_for_the_image_was_a_500_before_22_0_0_lp1867077():
    for profile, status in (("nova-21.2.4", 500), ("nova-22.0.0", 400)):
        env = NovaEnv(profile)
        sid = env.boot(flavor="2")
        resp = _resize(env, sid, "1")
        assert resp.status == status
        if status == 500:
            message = resp.json()["computeFault"]["message"]
            assert message == unexpected_500(profile, "nova.exception.FlavorDiskSmallerThanMinDisk")


def test_a_smaller_disk_is_the_drivers_refusal_in_queens():
    """17.0.13 has no image check in the API: the libvirt driver refuses to shrink the root
    disk and the resize is rolled back (``InstanceFaultRollback``)."""
    env = NovaEnv("seed")
    sid = env.boot(flavor="2")
    assert _resize(env, sid, "1").status == 202
    env.cloud.run_until_idle()
    server = env.server(sid, microversion="2.47")
    assert (server["status"], server["OS-EXT-SRV-ATTR:host"]) == ("ACTIVE", "cmp-1")
    assert env.nova.db.fault_latest(sid).message == "Resize error: Unable to resize disk down."
    assert _migration_statuses(env, sid)[-1] == "error"
    assert _events(env, sid, "resize")[0] == ("compute_resize_instance", "Error")  # newest


@pytest.mark.parametrize(("profile", "status"), [("seed", 400), ("upstream", 202)])
def test_no_other_host_is_a_400_until_21_0_0_then_an_error_event(profile, status):
    """``allow_resize_to_same_host`` is False: with one host there is nowhere to go. Before
    21.0.0 the API waits for the conductor; from it the request is cast."""
    env = NovaEnv(profile, {"nova": {"compute_hosts": 1}})
    sid = env.boot()
    resp = _resize(env, sid, "2")
    assert resp.status == status
    if status == 400:
        assert resp.json()["badRequest"]["message"] == (
            "No valid host was found. No valid host found for resize"
        )
    env.cloud.run_until_idle()
    assert (env.server(sid)["status"], env.server(sid)["OS-EXT-STS:task_state"]) == (
        "ACTIVE",
        None,
    )
    assert [(e[0], e[-1]) for e in _events(env, sid, "resize")] == [  # newest first
        ("cold_migrate", "Error"),
        ("conductor_migrate_server", "Error"),
    ]
    assert _migration_statuses(env, sid) == ["pre-migrating", "error"]


def test_migrate_is_the_admins_and_may_name_a_host():
    env = NovaEnv("upstream", {"nova": {"compute_hosts": 3}})
    sid = env.boot(bfv=True)
    assert env.action(sid, {"migrate": None}).status == 403
    same = env.action(sid, {"migrate": {"host": "cmp-1"}}, user="admin", microversion="2.56")
    assert (same.status, same.json()["badRequest"]["message"]) == (
        400,
        "Cannot migrate to the host where the server exists.",
    )
    unknown = env.action(sid, {"migrate": {"host": "nope"}}, user="admin", microversion="2.56")
    assert unknown.json()["badRequest"]["message"] == "Compute host nope could not be found."
    # Before 2.56 the body's value is not read: the scheduler picks.
    resp = env.action(sid, {"migrate": {"host": "cmp-3"}}, user="admin", microversion="2.56")
    assert resp.status == 202
    env.cloud.run_until_idle()
    server = env.server(sid, microversion="2.47")
    assert (server["status"], server["OS-EXT-SRV-ATTR:host"]) == ("VERIFY_RESIZE", "cmp-3")
    assert server["flavor"]["original_name"] == "m1.tiny"
    # A volume-backed root stays in Cinder: no disk crossed, only the power cycle (1 s + 1 s).
    assert not [e for e in env.cloud.trace if e.get("label") == "libvirt.copy_image"]
    assert env.action(sid, {"confirmResize": None}).status == 204
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "ACTIVE"


def test_confirm_of_a_server_with_no_finished_migration():
    env = NovaEnv("upstream")
    sid = env.boot()
    env.nova.force_state(sid, vm_state="resized")
    for action in ("confirmResize", "revertResize"):
        resp = env.action(sid, {action: None})
        assert (resp.status, resp.json()["badRequest"]["message"]) == (
            400,
            "Instance has not been resized.",
        )


def test_confirm_needs_the_source_compute_up_from_21_1_1():
    for profile, status in (("nova-21.1.0", 204), ("nova-21.1.1", 409)):
        env = NovaEnv(profile)
        sid = env.boot()
        assert _resize(env, sid, "2").status == 202
        env.cloud.run_until_idle()
        env.kernel.rpc.set_up("compute.cmp-1", False)
        env.cloud.advance(61.0)  # past service_down_time: down to the servicegroup
        resp = env.action(sid, {"confirmResize": None})
        assert resp.status == status
        if status == 409:
            message = resp.json()["conflictingRequest"]["message"]
            assert message == "Service is unavailable at this time."


def test_a_server_deleted_while_resized_is_confirmed_first():
    """``_confirm_resize_on_deleting``: the source's kept guest goes too, the migration is
    ``confirmed`` and a ``confirmResize`` action recorded before the delete."""
    env = NovaEnv("upstream")
    sid = env.boot()
    assert _resize(env, sid, "2").status == 202
    env.cloud.run_until_idle()
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    env.cloud.run_until_idle()
    assert _migration_statuses(env, sid)[-1] == "confirmed"
    assert env.nova.hosts["cmp-1"].driver.resized == {}
    actions = env.nova.db.actions_of(sid)
    assert [a.action for a in actions][:2] == ["delete", "confirmResize"]
    assert _usage(env) == {"cmp-1": (0, 512, 0), "cmp-2": (0, 512, 0)}


def test_resize_confirm_window_confirms_at_the_next_periodic_tick():
    """``_poll_unconfirmed_resizes`` (every 60 s): a resize ``finished`` for
    ``resize_confirm_window`` seconds is confirmed as the API would, by an admin context."""
    env = NovaEnv("upstream", {"nova": {"resize_confirm_window_s": 90}})
    sid = env.boot()
    assert _resize(env, sid, "2").status == 202
    env.cloud.run_until_idle()
    *_, confirming, confirmed = env.cloud.trace.filter(kind="nova.migration", subject=sid)
    assert (confirming["status"], confirmed["status"]) == ("confirming", "confirmed")
    # finished at ~11 s: due at ~101 s, confirmed at the tick of 120 s.
    assert confirming["t"] == 120
    assert env.server(sid)["status"] == "ACTIVE"
    (auto,) = [a for a in env.nova.db.actions_of(sid) if a.action == "confirmResize"]
    assert auto.user_id is None


def test_a_resize_may_stay_on_its_host_when_allowed():
    """``allow_resize_to_same_host``: a one-host cloud resizes in place (the disk copied back
    on the same disk); a cold migration still needs another host."""
    env = NovaEnv("upstream", {"nova": {"compute_hosts": 1, "allow_resize_to_same_host": True}})
    sid = env.boot()
    assert _resize(env, sid, "2").status == 202
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "VERIFY_RESIZE"
    # Both flavors held on the one host until the confirm.
    assert _usage(env) == {"cmp-1": (2, 3072, 21)}
    assert env.action(sid, {"revertResize": None}).status == 202
    env.cloud.run_until_idle()
    assert (env.server(sid)["status"], _usage(env)) == ("ACTIVE", {"cmp-1": (1, 1024, 1)})
    assert env.action(sid, {"migrate": None}, user="admin").status == 202
    env.cloud.run_until_idle()
    assert _migration_statuses(env, sid)[-1] == "error"


def test_a_volume_backed_servers_attachment_follows_it_and_comes_back():
    """``_terminate_volume_connections`` on the source (a new attachment, the old one deleted),
    ``_update_volume_attachments``/``_complete_volume_attachments`` on the destination: the
    root volume's attachment is to the destination's connector; a revert brings it back."""
    env = NovaEnv("upstream")
    sid = env.boot(bfv=True)
    (bdm,) = env.nova.db.bdms_by_instance(sid)
    first = bdm.attachment_id

    def attachment() -> tuple[str, str, str]:
        volume = env.cloud.request(
            "volumev3", "GET", f"/v3/{{project_id}}/volumes/{bdm.volume_id}", user="admin"
        ).json()["volume"]
        (only,) = volume["attachments"]
        return volume["status"], only["attachment_id"], only["host_name"]

    assert attachment() == ("in-use", first, "cmp-1")
    assert env.action(sid, {"migrate": None}, user="admin").status == 202
    env.cloud.run_until_idle()
    status, moved, host = attachment()
    assert (status, host) == ("in-use", "cmp-2") and moved != first
    assert env.action(sid, {"revertResize": None}).status == 202
    env.cloud.run_until_idle()
    status, back, host = attachment()
    assert (status, host) == ("in-use", "cmp-1") and back not in (first, moved)
    assert env.cloud.check_invariants() == []


def test_the_source_compute_must_be_up_from_21_0_0():
    """ea2ea492a3 (21.0.0): ``@check_instance_host(check_is_up=True)`` on resize/migrate;
    before it the messages wait in the down host's queue."""
    for profile, status in (("nova-20.6.0", 202), ("nova-21.2.4", 409)):
        env = NovaEnv(profile)
        sid = env.boot()
        env.kernel.rpc.set_up("compute.cmp-1", False)
        env.cloud.advance(61.0)  # past service_down_time: down to the servicegroup
        resp = _resize(env, sid, "2")
        assert resp.status == status, resp.json()
        if status == 409:
            message = resp.json()["conflictingRequest"]["message"]
            assert message == "Service is unavailable at this time."


def test_a_server_without_a_host_is_refused_from_21_0_0_and_errors_out_before():
    """A server reset to active after its shelve offload has no host. Its migrate raised out
    of the simulation (the ``resize_instance`` cast to no host; a bare 500 under ``serve
    --settle``): ``_prep_resize`` errors it out first ("Instance has no source host"), and
    from 21.0.0 ``@check_instance_host`` refuses it at the API (``InstanceNotReady``)."""
    for profile, status in (("nova-20.6.0", 202), ("nova-21.2.4", 409)):
        env = NovaEnv(profile)
        sid = env.boot()
        assert env.action(sid, {"shelve": None}).status == 202
        env.cloud.run_until_idle()
        reset = env.action(sid, {"os-resetState": {"state": "active"}}, user="admin")
        assert reset.status == 202
        resp = env.action(sid, {"migrate": None}, user="admin")
        assert resp.status == status, resp.json()
        env.cloud.run_until_idle()
        if status == 409:
            assert resp.json()["conflictingRequest"]["message"] == f"Instance {sid} is not ready"
            assert env.server(sid)["status"] == "ACTIVE"
        else:
            assert env.server(sid)["status"] == "ERROR"
            assert _migration_statuses(env, sid)[-1] == "error"
            fault = env.server(sid)["fault"]["message"]
            assert fault == "Migration error: Instance has no source host"


def test_a_compute_restart_during_the_disk_copy_rolls_the_resize_back():
    """``_init_instance``: ``resize_migrating`` found at start-up is rolled back (the guest
    started again on the source, task_state none); the migration is left ``migrating``."""
    env = NovaEnv("upstream", TIMED)
    big = next(i for i in env.images if i.name == "big")
    sid = env.boot(image=big)
    assert _resize(env, sid, "2").status == 202
    env.cloud.advance(5)  # the 10 s copy is under way
    assert env.server(sid)["OS-EXT-STS:task_state"] == "resize_migrating"
    env.nova.restart_compute("cmp-1")
    env.cloud.run_until_idle()
    server = env.server(sid, microversion="2.47")
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("ACTIVE", None)
    assert server["OS-EXT-SRV-ATTR:host"] == "cmp-1"
    assert env.nova.hosts["cmp-1"].driver.get_info(env.nova.db.instance_row(sid)) == 1
    assert _migration_statuses(env, sid)[-1] == "migrating"
    assert _events(env, sid, "resize")[0][-1] is None  # compute_resize_instance never ended
    # The trackers no longer count a claim of a server out of its resize states.
    assert _usage(env)["cmp-2"] == (0, 512, 0)


def test_the_notifications_of_a_resize_and_its_confirm():
    """Legacy ``compute.instance.resize.*`` and (the seed's ``both`` format) versioned
    ``instance.resize_*`` notifications, as 17.0.13's manager sends them."""
    env = NovaEnv("seed")
    sid = env.boot()
    assert _resize(env, sid, "2").status == 202
    env.cloud.run_until_idle()
    assert env.action(sid, {"confirmResize": None}).status == 204
    env.cloud.run_until_idle()
    sent = [e["event_type"] for e in env.cloud.trace if e["kind"] == "notification"]
    moved = [t for t in sent if "resize" in t]
    assert moved == [
        "compute.instance.resize.prep.start",
        "instance.resize_prep.start",
        "compute.instance.resize.prep.end",
        "instance.resize_prep.end",
        "compute.instance.resize.start",
        "instance.resize.start",
        "compute.instance.resize.end",
        "instance.resize.end",
        "compute.instance.finish_resize.start",
        "instance.resize_finish.start",
        "compute.instance.finish_resize.end",
        "instance.resize_finish.end",
        "compute.instance.resize.confirm.start",
        "instance.resize_confirm.start",
        "compute.instance.resize.confirm.end",
        "instance.resize_confirm.end",
    ]


def test_a_flavor_with_no_disk_takes_only_a_volume_backed_server_and_locks_and_states():
    env = NovaEnv("upstream")
    body = {"flavor": {"name": "nodisk", "id": "nodisk", "ram": 512, "vcpus": 1, "disk": 0}}
    made = env.request("POST", "/v2.1/flavors", body, user="admin", microversion="2.1")
    assert made.status == 200, made.json()
    image_backed, volume_backed = env.boot("i"), env.boot("v", bfv=True)
    refused = _resize(env, image_backed, "nodisk")
    assert (refused.status, refused.json()["badRequest"]["message"]) == (
        400,
        "Server disk was unable to be resized because: Resize to zero disk flavor is not allowed.",
    )
    assert _resize(env, volume_backed, "nodisk").status == 202
    # Locked (not by an admin's caller), or paused: 409.
    assert env.action(image_backed, {"lock": None}).status == 202
    locked = _resize(env, image_backed, "2")
    assert (locked.status, locked.json()["conflictingRequest"]["message"]) == (
        409,
        f"Instance {image_backed} is locked",
    )
    assert env.action(image_backed, {"unlock": None}).status == 202
    assert env.action(image_backed, {"pause": None}).status == 202
    env.cloud.run_until_idle()
    paused = _resize(env, image_backed, "2")
    assert paused.json()["conflictingRequest"]["message"] == (
        f"Cannot 'resize' instance {image_backed} while it is in vm_state paused"
    )
    assert env.server(volume_backed)["status"] == "VERIFY_RESIZE"


def _bfv_to_resize(profile: str) -> tuple[NovaEnv, str]:
    """A volume-backed server of m1.small (20 GB root, 2048 MB) whose image asks 1024 MB, and
    the flavors ``x`` (1024 MB, a 10 GB disk) and ``z`` (1024 MB, no disk)."""
    env = NovaEnv(profile)
    for fid, disk in (("x", 10), ("z", 0)):
        body = {"flavor": {"name": fid, "id": fid, "ram": 1024, "vcpus": 1, "disk": disk}}
        assert env.request("POST", "/v2.1/flavors", body, user="admin").status == 200
    patch = [{"op": "replace", "path": "/min_ram", "value": 1024}]
    headers = {"Content-Type": "application/openstack-images-v2.1-json-patch"}
    path = f"/v2/images/{env.image.id}"
    made = env.cloud.request("image", "PATCH", path, patch, user="admin", headers=headers)
    assert made.status == 200, made.json()
    return env, env.boot(flavor="2", bfv=True)


def test_a_volume_backed_resize_checks_the_image_only_in_19_0_0_then_min_ram_from_30_0_0():
    """19.0.0's resize runs ``_validate_flavor_image_nostatus(root_bdm=None)`` (5e7b840e48):
    a volume-backed root is read as the flavor's disk (LP #1825020), against the system
    metadata's ``image_min_disk``, the boot flavor's 20 GB: the image's ``min_ram``, then a
    smaller disk (both 500s before 22.0.0), then no disk, ``create:zero_disk_flavor`` (403 to
    a member); 19.0.1 (3285210add) and 20.0.0 (8aae3e39e5) check NUMA and PCI alone, and 30.0.0
    (f3eb76e57b) adds ``min_ram`` back, a 400 (nova 19.0.0, 19.3.2, 27.5.1, 30.2.0
    ``compute/api.py`` ``API.resize``)."""
    env, sid = _bfv_to_resize("nova-19.0.0")
    refused = [_resize(env, sid, f) for f in ("1", "x", "z")]
    assert [r.status for r in refused] == [500, 500, 403]
    assert [next(iter(r.json().values()))["message"] for r in refused] == [
        unexpected_500("nova-19.0.0", "nova.exception.FlavorMemoryTooSmall"),
        unexpected_500("nova-19.0.0", "nova.exception.FlavorDiskSmallerThanMinDisk"),
        "Only volume-backed servers are allowed for flavors with zero disk.",
    ]
    assert _resize(env, sid, "z", user="admin").status == 202  # the rule is the admin's
    cases = (("nova-19.0.1", "1", 202), ("nova-30.0.0", "1", 400))
    for profile, flavor, status in cases:
        env, sid = _bfv_to_resize(profile)
        resp = _resize(env, sid, flavor)
        assert resp.status == status, (profile, flavor, resp.json())
        if status == 400:
            message = resp.json()["badRequest"]["message"]
            assert message == "Flavor's memory is too small for requested image."
            assert _resize(env, sid, "x").status == 202  # no disk check


@pytest.mark.parametrize(("profile", "claimed"), [("nova-18.0.0", 20), ("nova-18.1.0", 0)])
def test_a_volume_backed_servers_move_claims_its_root_disk_in_18_0_0_lp1796737(profile, claimed):
    """18.0.0 counts no root disk for a volume-backed server's own usage (f63fd14975, LP
    #1782393) but its move claims pass a Flavor to ``_get_usage_dict``, which counts its
    ``root_gb``: during the resize the source holds the old flavor's 20 GB and the destination
    the new one's (fixed 19.0.0 a99722bb85, backport 18.1.0 980013d700; nova 18.0.0 and 19.0.0
    ``compute/resource_tracker.py`` ``_get_usage_dict``)."""
    env = NovaEnv(profile)
    sid = env.boot(flavor="2", bfv=True)
    assert _resize(env, sid, "3").status == 202
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "VERIFY_RESIZE"
    usage = _usage(env)
    assert (usage["cmp-1"][2], usage["cmp-2"][2]) == (claimed, 0)
    assert env.action(sid, {"confirmResize": None}).status == 204
    env.cloud.run_until_idle()
    assert _usage(env)["cmp-1"][2] == 0


def test_another_projects_private_flavor_until_lp2151256_was_fixed():
    """LP #2151256 (ef7ddda106, 34.0.0; backports 31.3.1, 32.2.1, 33.0.2): ``resize`` looked
    its flavor up with an admin context, so another project's private flavor was taken."""
    for profile, status in (("nova-33.0.1", 202), ("nova-33.0.2", 400)):
        env = NovaEnv(profile)
        body = {
            "flavor": {"name": "p", "id": "p", "ram": 512, "vcpus": 1, "disk": 1},
        }
        body["flavor"]["os-flavor-access:is_public"] = False
        made = env.request("POST", "/v2.1/flavors", body, user="admin")
        assert made.status == 200, made.json()
        sid = env.boot()
        resp = _resize(env, sid, "p")
        assert resp.status == status, resp.json()
        if status == 400:
            assert resp.json()["badRequest"]["message"] == "Flavor p could not be found."


def test_a_failed_disk_copy_leaves_the_server_in_error():
    """A failure in ``migrate_disk_and_power_off`` other than the driver's rollback
    (``_error_out_instance_on_exception``): ERROR with a fault, the migration ``error``."""
    env = NovaEnv("upstream")
    env.cloud.faults.add("io.transfer", error="LibvirtError", match={"label": "libvirt.copy_image"})
    sid = env.boot()
    assert _resize(env, sid, "2").status == 202
    env.cloud.run_until_idle()
    server = env.server(sid, microversion="2.47")
    assert (server["status"], server["OS-EXT-SRV-ATTR:host"]) == ("ERROR", "cmp-1")
    assert _migration_statuses(env, sid)[-1] == "error"
    assert _events(env, sid, "resize")[0] == ("compute_resize_instance", "cmp-1", "Error")


@pytest.mark.parametrize(("profile", "confirms"), [("nova-21.2.4", 1), ("nova-22.0.0", 2)])
def test_a_delete_behind_a_confirm_finds_the_migration_confirmed_until_22_0_0(profile, confirms):
    """``_confirm_resize_on_deleting`` calls a second ``confirm_resize`` behind the user's;
    ``do_confirm_resize`` waits for the lock, then (until 21.x, ``Migration.get_by_id``) finds
    the migration ``confirmed`` and leaves; from 22.0.0 it reads the cast's copy and confirms
    again."""
    env = NovaEnv(profile)
    sid = env.boot()
    assert _resize(env, sid, "2").status == 202
    env.cloud.run_until_idle()
    assert env.action(sid, {"confirmResize": None}).status == 204
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    env.cloud.run_until_idle()
    assert _migration_statuses(env, sid).count("confirmed") == confirms
    already = env.cloud.trace.filter(
        kind="log", subject=sid, message="Migration 1 is already confirmed"
    )
    assert len(already) == 2 - confirms
