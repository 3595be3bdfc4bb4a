"""LP #1745529: shelving a PAUSED image-backed server. Until d5901f613c (18.0.0; backport
f521e03f8e in 17.0.5) ``_shelve_instance`` powered the guest off with the API's clean shutdown,
and libvirt refuses to shut down a paused domain (nova 17.0.4 ``virt/libvirt/driver.py``
``_clean_shutdown``: ``guest.shutdown()``), so the shelve failed; from the fix a paused guest
is powered off hard."""

from __future__ import annotations

import pytest

from tests.nova.volume_backed_env import BfvEnv

REFUSED = "Requested operation is not valid: domain is not running"


@pytest.mark.parametrize(("profile", "bug"), [("nova-17.0.4", True), ("nova-17.0.5", False)])
def test_a_paused_server_is_shelved_from_17_0_5(profile, bug):
    env = BfvEnv(profile)
    sid = env.boot()
    assert env.action(sid, {"pause": None}).status == 202
    env.cloud.run_until_idle()
    assert env.action(sid, {"shelve": None}).status == 202
    env.cloud.run_until_idle()
    server = env.server(sid)
    (shelve, *_) = env.actions(sid)
    events = [(e["event"], e["result"]) for e in shelve["events"]]
    shelved = env.images_named("vm-shelved")
    if bug:
        # shelve_instance's decorators: a fault (17.0.4 predates CVE-2019-14433's fix: the
        # error's text), the event in Error, the task state reverted, the image left queued.
        assert (server["status"], server["OS-EXT-STS:task_state"]) == ("PAUSED", None)
        assert env.nova.db.fault_latest(sid).message == REFUSED
        assert events == [("compute_shelve_instance", "Error")]
        assert [i["status"] for i in shelved] == ["queued"]
        return
    assert server["status"] == "SHELVED_OFFLOADED"
    assert events == [("compute_shelve_instance", "Success")]
    assert [i["status"] for i in shelved] == ["active"]


def test_a_running_server_shelves_in_both():
    """The clean shutdown a running guest gets is what it always was."""
    for profile in ("nova-17.0.4", "nova-17.0.5"):
        env = BfvEnv(profile)
        sid = env.boot()
        assert env.action(sid, {"shelve": None}).status == 202
        env.cloud.run_until_idle()
        assert env.server(sid)["status"] == "SHELVED_OFFLOADED"
