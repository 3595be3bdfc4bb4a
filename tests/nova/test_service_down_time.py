"""A stopped nova-compute is up until its last heartbeat is more than ``service_down_time``
(60 s) old, as Nova's DB servicegroup driver sees it (servicegroup/drivers/db.py ``is_up``:
``abs(elapsed) <= service_down_time``, ``last_seen_up`` every ``report_interval`` 10 s, nova
17.0.13-34.0.0), unless forced down (servicegroup/api.py ``service_is_up``): os-services,
os-hypervisors, evacuate's ``ComputeServiceInUse``, the scheduler's ``ComputeFilter`` and the
delete's ``is_local_delete`` (compute/api.py ``_delete``)."""

from __future__ import annotations

from datetime import datetime

from tests.nova.conftest import NovaEnv


def _state(env: NovaEnv, host: str) -> tuple[str, str]:
    """``(os-services state, os-hypervisors state)`` of `host`."""
    services = env.request("GET", f"/v2.1/os-services?host={host}", user="admin").json()
    hypervisors = env.request("GET", "/v2.1/os-hypervisors/detail", user="admin").json()
    (node,) = [h for h in hypervisors["hypervisors"] if h["hypervisor_hostname"] == host]
    return services["services"][0]["state"], node["state"]


def _evacuate(env: NovaEnv, sid: str):
    return env.action(sid, {"evacuate": {}}, user="admin", microversion="2.14")


def _force_down(env: NovaEnv, host: str) -> None:
    body = {"host": host, "binary": "nova-compute", "forced_down": True}
    resp = env.request(
        "PUT", "/v2.1/os-services/force-down", body, user="admin", microversion="2.11"
    )
    assert resp.status == 200, resp.json()


def _stop(env: NovaEnv, sid: str) -> tuple[str, float]:
    """Stop the server's nova-compute (for good); its host and the time of its last
    heartbeat."""
    host = env.server(sid)["OS-EXT-SRV-ATTR:host"]
    env.cloud.advance(15.0)
    env.kernel.rpc.set_up(f"compute.{host}", False)
    services = env.request("GET", f"/v2.1/os-services?host={host}", user="admin").json()
    last = datetime.fromisoformat(services["services"][0]["updated_at"])
    assert env.cloud.now - 10 < (beat := (last - datetime(2026, 1, 1)).total_seconds())
    return host, beat


def test_a_stopped_compute_is_up_until_service_down_time_then_evacuates():
    env = NovaEnv("upstream")
    sid = env.boot()
    host, beat = _stop(env, sid)
    env.cloud.advance(1.0)
    assert _state(env, host) == ("up", "up")
    resp = _evacuate(env, sid)
    assert (resp.status, resp.json()["badRequest"]["message"]) == (
        400,
        f"Compute service of {host} is still in use.",
    )
    env.cloud.advance(beat + 60.0 - env.cloud.now)  # exactly 60 s: still up
    assert _state(env, host) == ("up", "up")
    assert _evacuate(env, sid).status == 400
    env.cloud.advance(0.5)
    assert _state(env, host) == ("down", "down")
    assert _evacuate(env, sid).status == 200
    env.cloud.run_until_idle()
    assert env.server(sid)["OS-EXT-SRV-ATTR:host"] != host


def test_force_down_is_down_at_once_and_a_delete_is_local():
    """A forced-down compute is down whatever its heartbeat: evacuate goes ahead at once, and
    a delete is local (``is_local_delete``) even while the service still runs."""
    env = NovaEnv("upstream")
    sid, other = env.boot("a"), env.boot("b")
    host, _ = _stop(env, sid)
    _force_down(env, host)
    assert _state(env, host) == ("down", "down")
    assert _evacuate(env, sid).status == 200
    env.cloud.run_until_idle()
    running = env.server(other)["OS-EXT-SRV-ATTR:host"]
    _force_down(env, running)  # still running: the delete is local all the same
    assert env.request("DELETE", f"/v2.1/servers/{other}").status == 204
    resp = env.request("GET", f"/v2.1/servers/{other}", user="admin")
    assert resp.status == 404
    casts = env.cloud.trace.filter(kind="rpc.cast", subject=f"compute.{running}")
    assert [c["method"] for c in casts if c["method"] == "terminate_instance"] == []


def test_in_the_grace_a_build_and_a_delete_wait_in_the_stopped_compute_s_queue():
    """``ComputeFilter`` passes a stopped host still up: the build is cast to it and waits
    there (no NoValidHost); a delete is cast to it too (``deleting``) and ends once the
    compute is back."""
    env = NovaEnv("upstream")
    sid = env.boot("a")
    for host in env.nova.hosts:
        env.nova.restart_compute(host, down_s=40.0)
    env.cloud.advance(1.0)
    built = env.boot("b", wait=False)
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    env.cloud.advance(30.0)
    assert (env.server(built)["status"], env.server(sid)["OS-EXT-STS:task_state"]) == (
        "BUILD",
        "deleting",
    )
    casts = env.cloud.trace.filter(kind="rpc.cast", method="terminate_instance")
    assert len(casts) == 1
    env.cloud.run_until_idle()
    assert env.server(built)["status"] == "ACTIVE"
    assert env.request("GET", f"/v2.1/servers/{sid}", user="admin").status == 404


def test_service_down_time_is_a_config():
    """``[DEFAULT] service_down_time`` 0: down as soon as the heartbeat is late."""
    env = NovaEnv("upstream", config={"nova": {"service_down_time_s": 0}})
    sid = env.boot()
    host, _ = _stop(env, sid)
    assert _state(env, host) == ("down", "down")
    assert _evacuate(env, sid).status == 200


def test_host_status_follows_the_service():
    """``host_status`` (2.16, admin): ``UP`` in the grace, ``UNKNOWN`` after it, ``DOWN``
    forced down, ``MAINTENANCE`` disabled (compute/api.py ``get_instance_host_status``)."""
    env = NovaEnv("upstream")
    sid, other = env.boot("a"), env.boot("b")
    host, beat = _stop(env, sid)

    def status(server):
        return env.server(server, microversion="2.16")["host_status"]

    assert status(sid) == "UP"
    env.cloud.advance(beat + 60.5 - env.cloud.now)
    assert status(sid) == "UNKNOWN"
    _force_down(env, host)
    assert status(sid) == "DOWN"
    running = env.server(other)["OS-EXT-SRV-ATTR:host"]
    assert running != host
    body = {"host": running, "binary": "nova-compute"}
    resp = env.request("PUT", "/v2.1/os-services/disable", body, user="admin")
    assert resp.status == 200, resp.json()
    assert status(other) == "MAINTENANCE"


def test_uptime_of_a_stopped_compute_in_the_grace_times_out():
    """``get_host_uptime``'s ``must_be_up`` passes in the grace: the call to the stopped host
    times out (``rpc_response_timeout``, 60 s), which the controller does not expect (500);
    after it, 400 ``ComputeServiceUnavailable``."""
    env = NovaEnv("nova-29.2.0")
    sid = env.boot()
    host, beat = _stop(env, sid)
    node = int(host.removeprefix("cmp-"))
    start = env.cloud.now
    resp = env.request("GET", f"/v2.1/os-hypervisors/{node}/uptime", user="admin")
    assert (resp.status, env.cloud.now - start) == (500, 60.0)
    assert "MessagingTimeout" in resp.json()["computeFault"]["message"]
    assert env.cloud.now > beat + 60.0  # the call outlasted the grace
    resp = env.request("GET", f"/v2.1/os-hypervisors/{node}/uptime", user="admin")
    assert (resp.status, resp.json()["badRequest"]["message"]) == (
        400,
        f"Compute service of {host} is unavailable at this time.",
    )


def test_the_grace_counts_from_the_heartbeat_as_mysql_stored_it():
    """``last_seen_up`` is a ``DATETIME``: a report at ``:45.6`` is kept as ``:46``, and
    ``is_up`` compares that with now to the microsecond: down only past ``01:46``."""
    env = NovaEnv("upstream")
    host = env.server(env.boot())["OS-EXT-SRV-ATTR:host"]
    target = f"compute.{host}"
    env.cloud.run(20.0)
    env.kernel.rpc.set_up(target, False)
    env.cloud.run(20.6)
    env.kernel.rpc.set_up(target, True)  # reports from 25.6, every 10 s
    env.cloud.run(46.0)
    env.kernel.rpc.set_up(target, False)  # the last at 45.6
    services = env.request("GET", f"/v2.1/os-services?host={host}", user="admin").json()
    assert services["services"][0]["updated_at"] == "2026-01-01T00:00:46.000000"
    env.cloud.run(105.9)
    assert _state(env, host) == ("up", "up")
    env.cloud.run(106.1)
    assert _state(env, host) == ("down", "down")
