"""``instance.update`` (and legacy ``compute.instance.update``): sent at every save of a server
when ``[notifications] notify_on_state_change`` is set (config
``nova.notify_on_state_change``), never by default (nova 17.0.0-34.0.0
``notifications/base.py`` ``send_update``, ``send_update_with_states``,
``send_instance_update_notification``; ``objects/instance.py`` ``save``; the conductor's
create notification in ``schedule_and_build_instances``)."""

from __future__ import annotations

import pytest

from fakecloud import Cloud
from fakecloud.errors import ConfigError
from tests.nova.conftest import NovaEnv


def _updates(env: NovaEnv, fmt: str = "versioned", since: int = 0) -> list[dict]:
    event = "instance.update" if fmt == "versioned" else "compute.instance.update"
    return [e for e in env.cloud.trace.filter(kind="notification")[since:] if e["subject"] == event]


def _states(e: dict) -> tuple:
    s = e["state_update"]
    return (s["old_state"], s["state"], s["old_task_state"], s["new_task_state"])


def test_none_by_default():
    env = NovaEnv("seed")  # notification_format both, notify_on_state_change unset
    env.boot("a")
    assert _updates(env) == [] and _updates(env, "unversioned") == []


def test_a_boot_and_a_rename_with_vm_and_task_state():
    config = {"nova": {"notify_on_state_change": "vm_and_task_state"}}
    env = NovaEnv(
        "upstream",
        config={**config, "nova": {**config["nova"], "notification_format": "versioned"}},
    )
    sid = env.boot("a")
    sent = _updates(env)
    # the conductor's create: states not given are the server's own (building, scheduling)
    assert sent[0]["actor"] == "nova-conductor:nova-conductor-1"
    assert _states(sent[0]) == ("building", "building", "scheduling", "scheduling")
    # the compute's first save: a task_state change, sent as it is
    assert sent[1]["actor"] == "nova-compute:cmp-1"
    assert _states(sent[1]) == ("building", "building", "scheduling", None)
    # from no task to one: ``_compute_states_payload`` puts the new one as the old
    assert ("building", "building", "networking", "networking") in map(_states, sent)
    assert _states(sent[-1]) == ("building", "active", "spawning", None)
    assert {e["payload_version"] for e in sent} == {"2.1"}
    assert "bandwidth" not in sent[-1] and _updates(env, "unversioned") == []

    n = len(env.cloud.trace.filter(kind="notification"))
    env.request("PUT", f"/v2.1/servers/{sid}", {"server": {"name": "b"}})
    (renamed,) = _updates(env, since=n)
    assert renamed["actor"] == "nova-compute:nova-api-1"  # ``service="compute"``, the API host
    assert renamed["old_display_name"] == "a"
    assert _states(renamed) == ("active", "active", None, None)


def test_vm_state_only_and_the_queens_payload():
    env = NovaEnv("seed", config={"nova": {"notify_on_state_change": "vm_state"}})
    sid = env.boot("a")
    n = len(env.cloud.trace.filter(kind="notification"))
    env.action(sid, {"os-resetState": {"state": "error"}}, user="admin")
    env.action(sid, {"os-stop": None}, user="admin")
    env.cloud.run_until_idle()
    sent = _updates(env, since=n)
    assert [(e["actor"], _states(e)) for e in sent] == [
        ("nova-compute:nova-api-1", ("active", "error", None, None)),  # os-resetState
        # a task_state change alone is no state change: the states the server holds
        ("nova-compute:nova-api-1", ("error", "error", "powering-off", "powering-off")),
        ("nova-compute:cmp-1", ("error", "stopped", "powering-off", None)),
    ]
    assert {(e["payload_version"], str(e["bandwidth"])) for e in sent} == {("1.6", "[]")}
    legacy = _updates(env, "unversioned", since=n)[-1]
    assert (legacy["actor"], legacy["state"], legacy["old_state"], legacy["bandwidth"]) == (
        "compute.cmp-1",
        "stopped",
        "error",
        {},
    )
    assert legacy["audit_period_beginning"] == "2026-01-01T00:00:00.000000"


def test_a_fork_and_a_loaded_cloud_notify_as_their_own(tmp_path):
    env = NovaEnv("upstream", config={"nova": {"notify_on_state_change": "vm_state"}})
    env.cloud.save(tmp_path / "world.json")
    for cloud in (env.cloud.fork(), Cloud.load(tmp_path / "world.json")):
        assert cloud.nova.db.notify_update.__self__ is cloud.nova


def test_a_value_nova_does_not_take_is_refused():
    with pytest.raises(ConfigError, match="nova.notify_on_state_change must be one of vm_state"):
        Cloud(config={"nova": {"notify_on_state_change": "yes"}})


def test_a_tag_write_is_notified_whatever_the_option():
    """``server_tags.py`` calls ``send_instance_update_notification(service="nova-api")``
    itself after each write (nova 17.0.0-34.0.0): not gated by ``notify_on_state_change``."""
    env = NovaEnv("seed")
    sid = env.boot("a")
    n = len(env.cloud.trace.filter(kind="notification"))
    tags = f"/v2.1/servers/{sid}/tags"
    assert env.request("PUT", f"{tags}/x", microversion="2.26").status == 201
    assert env.request("PUT", f"{tags}/x", microversion="2.26").status == 204  # had it: none
    (versioned,) = _updates(env, since=n)
    assert versioned["actor"] == "nova-api:nova-api-1"
    assert _states(versioned) == ("active", "active", None, None)
    (legacy,) = _updates(env, "unversioned", since=n)
    assert legacy["actor"] == "nova-api.nova-api-1"
