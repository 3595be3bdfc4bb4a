"""Shelve and unshelve against Nova's source, release by release (docs/history/conformance-log.md,
"Shelve and createBackup's history (session 20)"): the conductor's events and its end of an
unshelve whose image is gone, and a failed unshelve spawn on the compute host."""

from __future__ import annotations

import re

import pytest

from tests.nova.conftest import NovaEnv


def _offloaded(profile):
    env = NovaEnv(profile)
    sid = env.boot()
    env.action(sid, {"shelve": None})
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "SHELVED_OFFLOADED"
    return env, sid


def _events(env, sid, rid):
    path = f"/v2.1/servers/{sid}/os-instance-actions/{rid}"
    action = env.request("GET", path, user="admin", microversion="2.51").json()
    return [(e["event"], e["result"]) for e in action["instanceAction"]["events"]]


@pytest.mark.parametrize("profile", ["nova-17.0.7", "upstream"])
def test_unshelve_whose_image_is_gone_ends_in_error_at_the_conductor(profile):
    """nova 17.0.0-34.0.0 ``conductor/manager.py unshelve_instance``: the image read under the
    ``get_image_info`` event; ImageNotFound puts the server in ERROR (task state left
    ``unshelving``) with the fault 'Unshelve attempted but the image X cannot be found.' (404);
    fakecloud spawned it from nothing. A good unshelve has ``get_image_info``,
    ``schedule_instances`` and ``compute_unshelve_instance``."""
    env, sid = _offloaded(profile)
    good = env.action(sid, {"unshelve": None}).headers["x-openstack-request-id"]
    env.cloud.run_until_idle()
    assert _events(env, sid, good) == [  # newest first (action_events_get)
        ("compute_unshelve_instance", "Success"),
        ("schedule_instances", "Success"),
        ("get_image_info", "Success"),
    ]
    env.action(sid, {"shelve": None})
    env.cloud.run_until_idle()
    image_id = env.nova.db.instances[sid].system_metadata["shelved_image_id"]
    assert env.cloud.request("image", "DELETE", f"/v2/images/{image_id}").status == 204
    rid = env.action(sid, {"unshelve": None}).headers["x-openstack-request-id"]
    env.cloud.run_until_idle()
    server = env.server(sid, user="admin")
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("ERROR", "unshelving")
    assert server["fault"]["code"] == 404
    assert server["fault"]["message"] == (
        f"Unshelve attempted but the image {image_id} cannot be found."
    )
    assert _events(env, sid, rid) == [("get_image_info", "Error")]


def test_a_failed_unshelve_spawn_leaves_the_server_offloaded():
    """nova 17.0.7-34.0.0 ``compute/manager.py unshelve_instance``: ``reverts_task_state``,
    ``wrap_instance_event``, ``wrap_instance_fault``; ``_unshelve_instance`` clears host and
    node on a failed spawn. No error state: SHELVED_OFFLOADED, no task state, no host, a
    fault, the event in Error (fakecloud put the server in ERROR)."""
    env, sid = _offloaded("upstream")
    env.cloud.faults.add("nova.libvirt.spawn", error="LibvirtError", times=1)
    rid = env.action(sid, {"unshelve": None}).headers["x-openstack-request-id"]
    env.cloud.run_until_idle()
    server = env.server(sid, user="admin")
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("SHELVED_OFFLOADED", None)
    assert server["OS-EXT-SRV-ATTR:host"] is None
    assert env.cloud.trace.filter(kind="nova.fault", subject=sid)
    assert _events(env, sid, rid)[0] == ("compute_unshelve_instance", "Error")  # the newest


def test_shelve_offload_and_unshelve_send_versioned_notifications():
    """nova 17.0.0-34.0.0 ``_shelve_instance``, ``_shelve_offload_instance``,
    ``_unshelve_instance``: ``notify_about_instance_action`` beside each legacy usage
    notification (14.0.0 on); Queens to Train send both formats by default. fakecloud sent the
    legacy ones only."""
    env, sid = _offloaded("nova-17.0.7")
    env.action(sid, {"unshelve": None})
    env.cloud.run_until_idle()
    shelve = [
        e["event_type"]
        for e in env.cloud.trace.filter(kind="notification", format="versioned")
        if "shelve" in e["event_type"]
    ]
    actions = ("shelve", "shelve_offload", "unshelve")
    assert shelve == [f"instance.{a}.{p}" for a in actions for p in ("start", "end")]


def test_shelved_offload_time_offloads_at_the_hourly_poll():
    """nova 17.0.13-34.0.0 ``_poll_shelved_instances`` (spacing ``shelved_poll_interval``,
    3600 s): a server shelved more than ``shelved_offload_time`` ago, with no task, is
    offloaded at the next run; its event falls on the shelve's action (the periodic context has
    no project). fakecloud never offloaded it. Its Cinder calls go as Nova's ``[cinder]`` user
    (``_get_auth``: ``nova`` in project ``service``); fakecloud sent no one (project ``-``)."""
    env = NovaEnv("upstream", {"nova": {"shelved_offload_time_s": 3595}})
    sid = env.boot()
    volume = env.cloud.request(
        "volumev3", "POST", "/v3/{project_id}/volumes", body={"volume": {"size": 1}}
    ).json()["volume"]["id"]
    env.cloud.run_until_idle()
    body = {"volumeAttachment": {"volumeId": volume}}
    assert env.request("POST", f"/v2.1/servers/{sid}/os-volume_attachments", body).status == 200
    env.cloud.run_until_idle()
    rid = env.action(sid, {"shelve": None}).headers["x-openstack-request-id"]
    env.cloud.run_until_idle()
    assert 5 < env.kernel.now < 10
    env.cloud.advance(3610 - env.kernel.now)  # the first hourly run: not 3595 s old yet
    server = env.server(sid)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("SHELVED", None)
    env.cloud.advance(3600)
    server = env.server(sid)
    assert (server["status"], server["OS-EXT-SRV-ATTR:host"]) == ("SHELVED_OFFLOADED", None)
    offload = env.cloud.trace.filter(kind="http.response", call="attachment_delete")[-1]
    service = env.cloud.keystone.directory.project_by_name("service").id
    assert (offload["subject"].split("/")[:4], offload["status"]) == (
        ["DELETE ", "v3", service, "attachments"],
        200,
    )
    assert _events(env, sid, rid) == [  # newest first (action_events_get)
        ("compute_shelve_offload_instance", "Success"),
        ("compute_shelve_instance", "Success"),
    ]
    # The run's get_admin_context() (no project, a request id of its own) started no action:
    # action_event_start/_finish fall back to the last one and leave its updated_at at the
    # shelve's end (update_action False, 1a4ae60e1b, 17.0.0-34.0.0 db api); fakecloud reused
    # the shelve's request id, so the offload moved it an hour on.
    path = f"/v2.1/servers/{sid}/os-instance-actions/{rid}"
    action = env.request("GET", path, user="admin", microversion="2.58").json()["instanceAction"]
    shelved = action["events"][-1]["finish_time"]
    assert action["updated_at"] == shelved


def test_a_server_deleted_while_the_conductor_unshelves_it_goes_without_a_crash():
    """An offloaded server's DELETE is the API's own (``_local_delete``); landing while the
    conductor reads the shelved image, the conductor's next save finds no server. Its
    ``unshelve_instance`` is a cast: the error ends it in oslo.messaging's log (fakecloud's
    process crashed with InstanceNotFound; found exploring)."""
    env, sid = _offloaded("upstream")
    t0 = env.kernel.now
    env.action(sid, {"unshelve": None})
    env.spawn_request(t0 + 0.001, "DELETE", f"/v2.1/servers/{sid}")
    env.cloud.run_until_idle()
    assert env.request("GET", f"/v2.1/servers/{sid}").status == 404


def test_a_failed_unshelve_whose_volume_cleanup_fails_too_stays_offloaded():
    """``_unshelve_instance``'s cleanup of a failed spawn under ``save_and_reraise_exception``:
    a Cinder error making the volume's new attachment (``_terminate_volume_connections``) goes
    up instead, and the decorators end it as for the spawn's error (fakecloud crashed with the
    ClientException, the task state left ``spawning``; found exploring)."""
    env = NovaEnv("upstream")
    sid = env.boot(bfv=True)
    env.action(sid, {"shelve": None})
    env.cloud.run_until_idle()
    env.cloud.faults.add("nova.libvirt.spawn", error="LibvirtError", times=1)
    env.cloud.faults.add("volume_api.attachment_create", error="CinderServerError", times=1)
    env.action(sid, {"unshelve": None})
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("SHELVED_OFFLOADED", None)
    assert server["OS-EXT-SRV-ATTR:host"] is None
    (fault,) = env.cloud.trace.filter(kind="nova.fault", subject=sid)
    assert fault["message"] == "ClientException"


def test_shelved_at_is_an_iso_8601_timestamp():
    """nova 17.0.13-34.0.0 ``_shelve_instance``: ``shelved_at`` is
    ``timeutils.utcnow().isoformat()`` ('T' between date and time, microseconds only when not
    zero), the form ``_poll_shelved_instances`` parses back; fakecloud wrote ``str()``'s
    space."""
    env, sid = _offloaded("upstream")
    shelved_at = env.nova.db.instances[sid].system_metadata["shelved_at"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?", shelved_at), shelved_at


def test_unshelve_deletes_the_shelved_image_before_the_server_is_active():
    """nova 17.0.13-34.0.0 ``_unshelve_instance``: ``_delete_snapshot_of_shelved_instance``
    runs after the spawn and before the last save, so while Glance deletes the image the server
    is still ``spawning`` and, once ACTIVE, has no shelved image left (fakecloud saved it ACTIVE
    first)."""
    env, sid = _offloaded("upstream")
    image_id = env.nova.db.instances[sid].system_metadata["shelved_image_id"]
    seen = _states_while_unshelve_deletes(env, sid, image_id)
    assert ("SHELVED_OFFLOADED", "spawning") in seen
    assert ("ACTIVE", None) not in seen
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "ACTIVE"
    assert "shelved_image_id" not in env.nova.db.instances[sid].system_metadata


def test_unshelving_a_shelved_server_deletes_its_image_before_it_is_active():
    """nova 17.0.13-34.0.0 ``start_instance`` (a shelved, not offloaded, server's unshelve):
    the guest powered on, then ``_delete_snapshot_of_shelved_instance`` and the shelved keys
    dropped before the save, so the server stays ``powering-on`` until the image is gone."""
    env = NovaEnv("upstream", {"nova": {"shelved_offload_time_s": -1}})
    sid = env.boot()
    env.action(sid, {"shelve": None})
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "SHELVED"
    image_id = env.nova.db.instances[sid].system_metadata["shelved_image_id"]
    seen = _states_while_unshelve_deletes(env, sid, image_id)
    assert ("SHELVED", "powering-on") in seen
    assert ("ACTIVE", None) not in seen
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "ACTIVE"
    assert not any(k.startswith("shelved_") for k in env.nova.db.instances[sid].system_metadata)


def _states_while_unshelve_deletes(env, sid: str, image_id: str) -> set[tuple]:
    """Unshelve `sid` with Glance's delete of its shelved image slowed by 30 s, and collect
    the server's (status, task_state) every 5 s until the image is gone."""
    env.cloud.faults.add("image_api.delete", "delay", delay_s=30.0, times=1)
    env.action(sid, {"unshelve": None})
    seen = set()
    while env.cloud.request("image", "GET", f"/v2/images/{image_id}").status == 200:
        server = env.server(sid)
        seen.add((server["status"], server["OS-EXT-STS:task_state"]))
        env.cloud.advance(5.0)
    return seen
