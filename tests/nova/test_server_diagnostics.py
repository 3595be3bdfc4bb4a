"""``GET /servers/{id}/diagnostics`` (``nova/api/openstack/compute/server_diagnostics.py``,
the compute manager's ``get_diagnostics``/``get_instance_diagnostics`` and libvirt's driver,
17.0.0-34.0.0): libvirt's dict before 2.48 and the standard format from 2.48, admin only, a
409 for a guest that does not run or a server without a host."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv


def _diagnostics(env: NovaEnv, sid: str, mv: str = "2.1", user: str = "admin"):
    return env.request("GET", f"/v2.1/servers/{sid}/diagnostics", user=user, microversion=mv)


def test_libvirt_dict_before_2_48_and_the_standard_format_after(env: NovaEnv):
    sid = env.boot(flavor="2")  # m1.small: 2048 MiB, 1 vCPU, root disk vda
    env.cloud.advance(90.5)
    r = _diagnostics(env, sid, "2.47")
    assert r.status == 200
    assert r.json() == {
        "cpu0_time": 0,
        "vda_read_req": 0, "vda_read": 0, "vda_write_req": 0, "vda_write": 0, "vda_errors": 0,
        "memory": 2048 * 1024, "memory-actual": 2048 * 1024,
    }  # fmt: skip
    body = _diagnostics(env, sid, "2.48").json()
    launched = env.nova.db.instances[sid].launched_at
    assert body["uptime"] == int(env.kernel.now - launched)
    assert {k: body[k] for k in ("state", "driver", "hypervisor", "hypervisor_os")} == {
        "state": "running", "driver": "libvirt", "hypervisor": "kvm", "hypervisor_os": "linux",
    }  # fmt: skip
    assert (body["num_cpus"], body["num_disks"], body["num_nics"]) == (1, 1, 0)
    assert body["cpu_details"] == [{"id": 0, "time": 0, "utilisation": None}]
    # max_mem (KiB) / units.Mi, made an IntegerField: 2048 MiB shows as 2.
    assert body["memory_details"] == {"maximum": 2, "used": 2}
    assert body["config_drive"] is False


def test_a_volume_backed_server_lists_each_attached_disk(env: NovaEnv):
    sid = env.boot(bfv=True)
    r = env.cloud.request("volumev3", "POST", "/v3/{project_id}/volumes", {"volume": {"size": 1}})
    volume = r.json()["volume"]["id"]
    env.cloud.run_until_idle()
    body = {"volumeAttachment": {"volumeId": volume}}
    r = env.request("POST", f"/v2.1/servers/{sid}/os-volume_attachments", body)
    assert r.status == 200, r.json()
    env.cloud.run_until_idle()
    legacy = _diagnostics(env, sid).json()
    assert [k for k in legacy if k.endswith("_errors")] == ["vda_errors", "vdb_errors"]
    assert _diagnostics(env, sid, "2.48").json()["num_disks"] == 2


def test_a_guest_that_does_not_run_is_a_409_and_a_fault_on_the_host(env: NovaEnv):
    sid = env.boot()
    assert env.action(sid, {"os-stop": None}).status == 202
    env.cloud.run_until_idle()
    for mv in ("2.1", "2.48"):
        r = _diagnostics(env, sid, mv)
        assert r.status == 409
        assert r.json()["conflictingRequest"]["message"] == (
            f"Cannot 'get_diagnostics' instance {sid} while it is in power state shutdown"
        )
    faults = env.nova.db.faults[sid]
    assert [f.message for f in faults][-1].startswith(f"Instance {sid} in power state shutdown")
    # wrap_exception: the legacy notification named after the function (34.0.0's default
    # notification_format is unversioned).
    events = [e["event_type"] for e in env.cloud.trace.filter(kind="notification")]
    assert events[-2:] == ["get_diagnostics", "get_instance_diagnostics"]


def test_a_server_without_a_host_is_not_ready(env: NovaEnv):
    sid = env.boot()
    for action in ({"shelve": None}, {"shelveOffload": None}):
        env.action(sid, action, user="admin")
        env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "SHELVED_OFFLOADED"
    r = _diagnostics(env, sid)
    assert r.status == 409
    assert r.json()["conflictingRequest"]["message"] == f"Instance {sid} is not ready"


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_admin_only_and_the_policy_before_the_lookup_in_queens(profile):
    env = NovaEnv(profile)
    sid = env.boot()
    r = _diagnostics(env, sid, user="demo")
    assert r.status == 403
    assert r.json()["forbidden"]["message"] == (
        "Policy doesn't allow os_compute_api:os-server-diagnostics to be performed."
    )
    # A missing server: Queens asks the policy first (403), 21.0.0+ looks it up first (404).
    missing = _diagnostics(env, "00000000-0000-0000-0000-000000000000", user="demo")
    assert missing.status == (403 if profile == "seed" else 404)


def test_unknown_query_parameters_refused_from_2_102(env: NovaEnv):
    sid = env.boot()
    assert env.request("GET", f"/v2.1/servers/{sid}/diagnostics?x=1", user="admin",
                       microversion="2.101").status == 200  # fmt: skip
    r = env.request("GET", f"/v2.1/servers/{sid}/diagnostics?x=1", user="admin",
                    microversion="2.102")  # fmt: skip
    assert r.json()["badRequest"]["message"] == (
        "Additional properties are not allowed ('x' was unexpected)"
    )
