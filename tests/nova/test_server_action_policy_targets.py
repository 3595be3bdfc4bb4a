"""The target each server action hands its policy, against nova 17.0.13-34.0.0
``pause_server.py``, ``suspend_server.py``, ``shelve.py`` and ``lock_server.py``: the server's
user and project for pause, suspend, shelve, lock and (from 25.0.0, 20a07ee9a6) shelveOffload;
its project alone for unpause, resume, unshelve and unlock (from 21.0.0: cd0b96176a,
11dc801494, e4e97e23c1, 472a9d4503), whose policy came first before, with the caller's own
target. An operator's rule on ``user_id`` tells them apart (oslo.policy: a target without
``user_id`` fails the check). fakecloud named the user for unpause, resume, unshelve and unlock,
and not for shelveOffload; unpause and resume looked the server up first in every release."""

from __future__ import annotations

from tests.nova.conftest import NovaEnv

OWNER = "user_id:%(user_id)s"
MISSING = "6a1e2b9e-4f51-4c8e-9a43-1f0e3a2f9d10"


def test_an_owner_only_rule_passes_where_the_target_names_the_user():
    """34.0.0: shelve and shelveOffload name the server's user (the owner passes: the shelve
    202, the offload of an offloaded server 409); unshelve, resume, unpause and unlock name
    the project alone (403 even for the owner)."""
    rules = ("shelve", "shelve_offload", "unshelve")
    policy = {f"os_compute_api:os-shelve:{r}": OWNER for r in rules}
    policy["os_compute_api:os-suspend-server:resume"] = OWNER
    policy["os_compute_api:os-pause-server:unpause"] = OWNER
    policy["os_compute_api:os-lock-server:unlock"] = OWNER
    env = NovaEnv("upstream", {"nova": {"policy": policy}})
    sid = env.boot()
    assert env.action(sid, {"shelve": None}).status == 202
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "SHELVED_OFFLOADED"
    offload = env.action(sid, {"shelveOffload": None})
    assert offload.status == 409
    assert "vm_state shelved_offloaded" in offload.json()["conflictingRequest"]["message"]
    unshelve = env.action(sid, {"unshelve": None})
    assert unshelve.status == 403
    assert unshelve.json()["forbidden"]["message"] == (
        "Policy doesn't allow os_compute_api:os-shelve:unshelve to be performed."
    )
    assert env.action(sid, {"resume": None}).status == 403
    assert env.action(sid, {"unpause": None}).status == 403
    assert env.action(sid, {"lock": None}).status == 202
    assert env.action(sid, {"unlock": None}).status == 403


def test_before_21_unpause_and_resume_ask_their_policy_before_the_lookup():
    """20.6.1 ``_unpause``/``_resume``: ``context.can`` first, with the caller's own target, so
    a refused caller gets the 403 for a server that does not exist (fakecloud: 404)."""
    rules = {
        "os_compute_api:os-pause-server:unpause": "!",
        "os_compute_api:os-suspend-server:resume": "!",
    }
    env = NovaEnv("nova-20.6.0", {"nova": {"policy": rules}})
    assert env.action(MISSING, {"unpause": None}).status == 403
    assert env.action(MISSING, {"resume": None}).status == 403
    assert env.action(MISSING, {"pause": None}).status == 404  # lookup first in every release
