"""The conductor's failed tasks notified by ``scheduler_utils.set_vm_state_and_notify`` (nova
17.0.13-34.0.0 scheduler/utils.py): legacy ``compute_task.<method>`` (ERROR), then from 19.0.0
(fe4e47d989) versioned ``compute_task.<method>.error`` (``ComputeTaskPayload`` 1.0). A cold
migration with no other host: ``_cold_migrate``'s ``NoValidHost``, the server's own vm_state
kept (a build's: `tests/nova/test_create_action_in_conductor.py`)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv


@pytest.mark.parametrize(
    ("profile", "versioned"), [("nova-18.3.0", False), ("nova-20.6.1", True), ("upstream", True)]
)
def test_a_cold_migration_with_no_host_is_a_failed_migrate_server_task(profile, versioned):
    env = NovaEnv(profile, {"nova": {"compute_hosts": 1, "notification_format": "both"}})
    sid = env.boot()
    mark = len(env.cloud.trace)
    resp = env.action(sid, {"migrate": None}, user="admin")
    assert resp.status in (202, 400)
    env.cloud.run_until_idle()
    sent = [
        e
        for e in env.cloud.trace[mark:]
        if e["kind"] == "notification" and e["event_type"].startswith("compute_task.")
    ]
    assert [(e["actor"], e["event_type"], e["priority"]) for e in sent] == [
        ("compute_task.nova-conductor-1", "compute_task.migrate_server", "ERROR"),
        *(
            [("nova-conductor:nova-conductor-1", "compute_task.migrate_server.error", "ERROR")]
            if versioned
            else []
        ),
    ]
    assert (sent[0]["instance_id"], sent[0]["state"], sent[0]["method"]) == (
        sid,
        "active",
        "migrate_server",
    )
    assert sent[0]["reason"].startswith("NoValidHost(")
