"""Session 19's new states under abuse: rescue (t1), deferred delete (t2).

What Nova leaves once a server is deleted (nova 17.0.13-34.0.0 compute/manager.py
``_delete_instance``/``_shutdown_instance`` -> libvirt ``destroy``, which destroys the domain by
name, a rescue guest included, and ``cleanup``'s ``delete_instance_files``, which takes
``unrescue.xml``): no guest, and invariant ``no_guest_of_deleted_server`` says so.
"""

from __future__ import annotations

from fakecloud.invariants import Violation
from tests.nova.conftest import NovaEnv

DEFERRED = {"nova": {"reclaim_instance_interval_s": 300}}


def _gone(env: NovaEnv, sid: str) -> bool:
    return env.request("GET", f"/v2.1/servers/{sid}").status == 404


def test_no_guest_of_deleted_server_after_rescue_reclaim_and_force_delete():
    """A rescued server soft-deleted and reclaimed, one rescued and force-deleted, one deleted
    mid-rescue: no guest left and the invariant holds; a guest planted back is reported, and
    a local delete's guest (compute down) is not judged."""
    env = NovaEnv("upstream", DEFERRED)
    a, b, c = (env.boot(name, wait=False) for name in ("a", "b", "c"))
    env.cloud.run_until_idle()
    for sid in (a, b):
        assert env.action(sid, {"rescue": None}).status == 200
    env.cloud.run_until_idle()
    assert env.request("DELETE", f"/v2.1/servers/{a}").status == 204  # soft delete
    assert env.action(b, {"forceDelete": None}).status == 202
    assert env.action(c, {"rescue": None}).status == 200
    env.cloud.run(env.cloud.now + 0.5)
    assert env.action(c, {"forceDelete": None}).status == 202  # mid-rescue
    env.cloud.advance(420)  # the reclaim of a
    assert all(_gone(env, sid) for sid in (a, b, c))
    assert env.cloud.check_invariants() == []
    host = env.nova.db.instances[a].host or "cmp-1"
    driver = env.nova.hosts[host].driver
    driver.rescued = {a: object()}
    (found,) = env.cloud.check_invariants(["no_guest_of_deleted_server"])
    assert found == Violation(
        "no_guest_of_deleted_server",
        f"server {a}",
        f"a rescued server's own guest left on {host}, which deleted the server",
    )
    driver.rescued = {}
    # A local delete leaves the guest, as Nova does until its periodic cleanup.
    d = env.boot("d")
    d_host = env.server(d)["OS-EXT-SRV-ATTR:host"]
    env.kernel.rpc.set_up(f"compute.{d_host}", False)
    assert env.action(d, {"forceDelete": None}).status == 202
    env.cloud.run_until_idle()
    env.kernel.rpc.set_up(f"compute.{d_host}", True)
    assert d in env.nova.hosts[d_host].driver.domains and _gone(env, d)
    assert env.cloud.check_invariants() == []
