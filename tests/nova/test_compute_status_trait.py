"""``os-hosts`` updates and power actions are RPC calls to the host (nova 17.0.13-33.0.2
hosts.py, compute/api.py ``HostAPI``), and from 20.0.0 the ``COMPUTE_STATUS_DISABLED`` trait
(`fakecloud.nova.compute_status`: 099b490c2f, 3f0605c289, 5e78122458, 168d34c8d1): the
compute's ``set_host_enabled`` sets it, ``os-services`` asks for it while the service is up,
``update_available_resource`` puts it back to the row at start and every minute, and
placement leaves out a provider carrying it (a boot's bare ``No valid host was found. ``),
where the ``ComputeFilter`` refuses a disabled row (``There are not enough hosts
available.``)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

PLACEMENT = "No valid host was found. "
FILTERS = "No valid host was found. There are not enough hosts available."
TIMEOUT = "Unexpected API Error. Please contact the administrator\n<class 'oslo_messaging.exceptions.MessagingTimeout'>"  # noqa: E501


def _hosts_put(env: NovaEnv, host: str, body: dict):
    return env.request("PUT", f"/v2.1/os-hosts/{host}", body, user="admin")


def _services_put(env: NovaEnv, host: str, action: str):
    body = {"host": host, "binary": "nova-compute"}
    return env.request("PUT", f"/v2.1/os-services/{action}", body, user="admin")


def _boot_fault(env: NovaEnv) -> str | None:
    """Boot a server; its fault's message (None: it went ACTIVE)."""
    sid = env.boot(wait=False)
    env.cloud.run_until_idle()
    server = env.server(sid)
    return server["fault"]["message"] if server["status"] == "ERROR" else None


def _trait_logs(env: NovaEnv) -> list[str]:
    return [
        e["message"] for e in env.cloud.trace.filter(kind="log") if "COMPUTE_STATUS" in e["message"]
    ]  # noqa: E501


@pytest.mark.parametrize(("profile", "trait"), [("nova-19.3.2", False), ("nova-20.0.0", True)])
def test_os_hosts_status_is_the_trait_until_the_next_periodic_run(profile, trait):
    env = NovaEnv(profile)
    hosts = list(env.nova.hosts)
    for host in hosts:
        resp = _hosts_put(env, host, {"status": "disable"})
        if not trait:  # libvirt's NotImplementedError, passed on by the manager
            assert (resp.status, resp.json()["notImplemented"]["message"]) == (
                501,
                "The requested functionality is not supported.",
            )
            continue
        assert (resp.status, resp.json()) == (200, {"host": host, "status": "disabled"})
    services = env.request("GET", "/v2.1/os-services?binary=nova-compute", user="admin").json()
    assert {s["status"] for s in services["services"]} == {"enabled"}  # the row unchanged
    assert _boot_fault(env) == (PLACEMENT if trait else None)
    env.cloud.advance(60.0 - env.cloud.now % 60.0)  # update_available_resource: the row's
    assert _boot_fault(env) is None


def test_os_hosts_enable_of_a_disabled_service_leaves_it_to_the_filter():
    env = NovaEnv("upstream")
    for host in env.nova.hosts:
        assert _services_put(env, host, "disable").status == 200
    assert _boot_fault(env) == PLACEMENT  # the trait came with the disable
    for host in env.nova.hosts:
        resp = _hosts_put(env, host, {"status": "Enable"})
        assert (resp.status, resp.json()) == (200, {"host": host, "status": "enabled"})
    assert _boot_fault(env) == FILTERS
    env.cloud.advance(60.0 - env.cloud.now % 60.0)
    assert _boot_fault(env) == PLACEMENT


def test_a_stopped_compute_holds_every_os_hosts_call_for_the_rpc_timeout():
    env = NovaEnv("upstream")
    host = next(iter(env.nova.hosts))
    env.nova.restart_compute(host, down_s=600.0)
    env.cloud.advance(1.0)
    for method, path, body in (
        ("PUT", "", {"status": "disable", "maintenance_mode": "enable"}),
        ("PUT", "", {"maintenance_mode": "disable"}),
        ("GET", "/reboot", None),
    ):
        start = env.cloud.now
        resp = env.request(method, f"/v2.1/os-hosts/{host}{path}", body, user="admin")
        assert (resp.status, resp.json()["computeFault"]["message"]) == (500, TIMEOUT)
        assert env.cloud.now - start == pytest.approx(60.0)
    # Running, the same calls are libvirt's 501 (status answered first, then maintenance).
    env.cloud.advance(600.0)
    resp = _hosts_put(env, host, {"status": "disable", "maintenance_mode": "enable"})
    assert (resp.status, resp.json()["notImplemented"]["code"]) == (501, 501)
    assert env.request("GET", f"/v2.1/os-hosts/{host}/shutdown", user="admin").status == 501


def test_os_services_disable_waits_for_a_stopped_compute_and_the_trait_follows_at_its_start():
    env = NovaEnv("upstream")
    first, second = list(env.nova.hosts)
    assert _services_put(env, second, "disable").status == 200  # running: the trait at once
    env.nova.restart_compute(first, down_s=300.0)
    env.cloud.advance(1.0)  # stopped, but up for a minute more: the API calls and waits
    start = env.cloud.now
    resp = _services_put(env, first, "disable")
    assert (resp.status, env.cloud.now - start) == (200, pytest.approx(60.0))
    assert _trait_logs(env) == [
        f"An error occurred while updating the COMPUTE_STATUS_DISABLED trait on compute node "
        f"resource providers managed by host {first}. The trait will be synchronized "
        "automatically by the compute service when the update_available_resource periodic "
        "task runs."
    ]
    assert _boot_fault(env) == FILTERS  # placement offers `first`, the filter refuses it
    env.cloud.advance(300.0)  # started: update_available_resource syncs the trait
    assert _boot_fault(env) == PLACEMENT
    # Down (past service_down_time): no call at all, the trait left for its next start.
    env.nova.restart_compute(first, down_s=600.0)
    env.cloud.advance(120.0)
    start = env.cloud.now
    assert (_services_put(env, first, "enable").status, env.cloud.now - start) == (200, 0.0)
    assert _trait_logs(env)[-1] == (
        f"Compute service on host {first} is down. The COMPUTE_STATUS_DISABLED trait will be "
        "synchronized when the service is restarted."
    )
    assert _boot_fault(env) == PLACEMENT  # the enable never reached `first`: still its trait
    env.cloud.advance(600.0)
    assert _boot_fault(env) is None


def test_before_20_os_services_calls_no_compute():
    env = NovaEnv("nova-19.3.2")
    host = next(iter(env.nova.hosts))
    env.nova.restart_compute(host, down_s=300.0)
    env.cloud.advance(1.0)
    start = env.cloud.now
    assert (_services_put(env, host, "disable").status, env.cloud.now - start) == (200, 0.0)
    assert env.cloud.trace.filter(kind="rpc.lost") == []
    assert _trait_logs(env) == []
