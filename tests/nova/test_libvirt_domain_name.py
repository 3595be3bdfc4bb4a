"""The libvirt domain's name is the instance's name: ``_get_guest_config`` sets
``guest.name = instance.name`` (nova 17.0.13 virt/libvirt/driver.py line 5184, 34.0.0 line
7744), ``instance-%08x`` of the server's id in its cell, the ``OS-EXT-SRV-ATTR:instance_name``
an admin reads. Every guest of the server has it: the first, one on another host after a
reschedule, and the one an unshelve spawns. The guest's console shows it."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv


def _named(env: NovaEnv, sid: str) -> tuple[str, str]:
    """The server's ``instance_name`` and the domain name its console's first line shows."""
    name = env.server(sid, microversion="2.3")["OS-EXT-SRV-ATTR:instance_name"]
    out = env.action(sid, {"os-getConsoleOutput": {"length": 50}}).json()["output"]
    (line,) = [line for line in out.splitlines() if "fakecloud guest" in line]
    return name, line.rsplit(" ", 1)[1].rstrip(")")


@pytest.mark.parametrize("profile", ["nova-17.0.13", "upstream"])
def test_every_guest_of_a_server_is_named_as_the_instance(profile):
    env = NovaEnv(profile, config={"nova": {"compute_hosts": 2}})
    env.cloud.faults.add("nova.libvirt.spawn", error="LibvirtError", times=1)
    first = env.boot("a")  # its first spawn fails; the reschedule's guest is the one
    assert env.server(first)["status"] == "ACTIVE"
    assert _named(env, first) == ("instance-00000001", "instance-00000001")
    second = env.boot("b")
    assert _named(env, second) == ("instance-00000002", "instance-00000002")
    assert env.action(second, {"shelve": None}).status == 202
    env.cloud.run_until_idle()
    assert env.server(second)["status"] == "SHELVED_OFFLOADED"
    assert env.action(second, {"unshelve": None}).status == 202
    env.cloud.run_until_idle()
    # a new guest, on whichever host, with the same name (no longer a count of spawns)
    assert env.server(second)["status"] == "ACTIVE"
    assert _named(env, second) == ("instance-00000002", "instance-00000002")
