"""A remote console of a server being deleted or live-migrated: the compute API refuses it
(``get_vnc_console`` and the others' ``reject_instance_state(task_state=[DELETING,
MIGRATING])``, nova 17.0.13-34.0.0 ``compute/api.py``); ``os-getVNCConsole`` answers 409 from
27.0.0 (ec40d5aee3, backported to 25.2.0 and 26.1.1), every other way Nova's 500
(``remote_consoles.py``: ``InstanceInvalidState`` not caught)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv, unexpected_500

INVALID = "nova.exception.InstanceInvalidState"


def console(env, sid, microversion):
    if microversion == "2.5":
        body = {"os-getVNCConsole": {"type": "novnc"}}
        return env.request("POST", f"/v2.1/servers/{sid}/action", body, microversion="2.5")
    body = {"remote_console": {"protocol": "vnc", "type": "novnc"}}
    return env.request(
        "POST", f"/v2.1/servers/{sid}/remote-consoles", body, microversion=microversion
    )


def deleting(profile):
    env = NovaEnv(profile)
    sid = env.boot("vm")
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    assert env.server(sid)["OS-EXT-STS:task_state"] == "deleting"
    return env, sid


@pytest.mark.parametrize(
    ("profile", "caught"), [("nova-17.0.13", False), ("nova-25.2.0", True), ("upstream", True)]
)
def test_a_console_of_a_server_being_deleted(profile, caught):
    env, sid = deleting(profile)
    resp = console(env, sid, "2.5")
    if caught:
        assert (resp.status, resp.json()) == (409, {"conflictingRequest": {"code": 409, "message": (
            f"Cannot 'get_vnc_console' instance {sid} while it is in task_state deleting"
        )}})  # fmt: skip
    else:
        assert (resp.status, resp.json()["computeFault"]["message"]) == (
            500, unexpected_500(profile, INVALID)
        )  # fmt: skip
    resp = console(env, sid, "2.6")
    assert (resp.status, resp.json()["computeFault"]["message"]) == (
        500, unexpected_500(profile, INVALID)
    )  # fmt: skip


def test_a_console_of_a_server_being_live_migrated():
    env = NovaEnv("upstream", config={"nova": {"compute_hosts": 2}})
    sid = env.boot("vm")
    body = {"os-migrateLive": {"host": None, "block_migration": "auto"}}
    resp = env.request(
        "POST", f"/v2.1/servers/{sid}/action", body, user="admin", microversion="2.30"
    )
    assert resp.status == 202, resp.json()
    assert env.server(sid)["OS-EXT-STS:task_state"] == "migrating"
    resp = console(env, sid, "2.5")
    assert resp.status == 409
    assert resp.json()["conflictingRequest"]["message"].endswith("in task_state migrating")
    env.cloud.run_until_idle()
    assert console(env, sid, "2.6").status == 200  # migrated: a console again
