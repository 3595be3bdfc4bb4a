"""Two moves of one anti-affinity group sent to one host: ``prep_resize``'s late check fails
the one checked second, as nova 23.2.2, 26.2.2, 27.2.0, 28.0.0 and 34.0.0 do it
(``compute/manager.py`` ``_do_prep_resize``, ``_validate_instance_group_policy`` counting
``get_in_progress_by_host_and_node``, ``_reschedule_resize_or_reraise``,
``_error_out_instance_on_exception``; ``conductor/tasks/migrate.py`` ``MigrationTask._execute``
/ ``_reschedule``): rescheduled to its alternate, or, with none left, back in its vm_state
(``InstanceFaultRollback``, until 27.2.0) or in ERROR (``GroupAffinityViolation`` is no
``RescheduledException``: 28.0.0, 27.2.0, 26.2.1, 25.3.0). Before 33c8af1f8c (24.0.0;
21.2.2, 22.2.2, 23.0.2) ``prep_resize`` did not check, and both moves end on one host."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

#: The fault before 28.0.0 (25.3.0, 26.2.1, 27.2.0): the check's RescheduledException.
OLD = "Build of instance {} was re-scheduled: Anti-affinity instance group policy was violated."
#: ``GroupAffinityViolation``'s text.
NEW = "Anti-affinity instance group policy was violated"


def world(
    profile: str, hosts: int, stop: bool = False, attempts: int = 3
) -> tuple[NovaEnv, str, str]:
    """A non-member on cmp-1, members a (cmp-2) and b (cmp-3), then both migrated at once:
    the scheduler sends both to the emptiest host (cmp-4, or cmp-1 with three hosts)."""
    nova = {"compute_hosts": hosts, "scheduler_max_attempts": attempts}
    env = NovaEnv(profile, config={"nova": nova})
    body = {"server_group": {"name": "g", "policies": ["anti-affinity"]}}
    group = env.request("POST", "/v2.1/os-server-groups", body).json()["server_group"]["id"]
    env.boot("c")
    ids = []
    for name in ("a", "b"):
        server = {"name": name, "flavorRef": "1", "imageRef": env.image.id, "networks": "none"}
        made = env.request(
            "POST",
            "/v2.1/servers",
            {"server": server, "os:scheduler_hints": {"group": group}},
            microversion="2.37",
        )
        ids.append(made.json()["server"]["id"])
    env.cloud.run_until_idle()
    if stop:
        for sid in ids:
            assert env.action(sid, {"os-stop": None}).status == 202
        env.cloud.run_until_idle()
    for sid in ids:
        assert env.action(sid, {"migrate": None}, user="admin").status == 202
    env.cloud.run_until_idle()
    return env, ids[0], ids[1]


def events(env: NovaEnv, sid: str) -> list[tuple[str, str, str]]:
    action = env.nova.db.actions[sid][-1]
    return [(e.event, e.host, e.result) for e in action.events]


def test_the_move_checked_second_goes_to_its_alternate():
    env, a, b = world("upstream", 4)
    assert (env.server(a)["status"], env.server(a)["OS-EXT-SRV-ATTR:host"]) == (
        "VERIFY_RESIZE",
        "cmp-4",
    )
    assert (env.server(b)["status"], env.server(b)["OS-EXT-SRV-ATTR:host"]) == (
        "VERIFY_RESIZE",
        "cmp-1",
    )
    conductor = [
        ("conductor_migrate_server", "nova-conductor-1", "Success"),
        ("cold_migrate", "nova-conductor-1", "Success"),
    ]
    # the reschedule's conductor and prep_resize events are finished on the first ones'
    # rows (action_event_finish's first()), left unfinished themselves
    unfinished = [(name, host, None) for name, host, _ in conductor]
    assert events(env, b) == [
        *conductor,
        ("compute_prep_resize", "cmp-4", "Success"),
        *unfinished,
        ("compute_prep_resize", "cmp-1", None),
        ("compute_resize_instance", "cmp-3", "Success"),
        ("compute_finish_resize", "cmp-1", "Success"),
    ]
    # one migration, reused by the reschedule
    (moved,) = [m for m in env.nova.db.migrations.values() if m.instance_uuid == b]
    assert (moved.status, moved.dest_compute) == ("finished", "cmp-1")
    # the failed host's fault and resize.error (GroupAffinityViolation's own text)
    assert [f.message for f in env.nova.db.faults[b]] == [NEW]
    kinds = [
        (e["actor"], e["event_type"])
        for e in env.cloud.trace.filter(kind="notification")
        if e.get("instance_id", e.get("instance_uuid")) in (b, None) and "resize" in e["event_type"]
    ]
    assert ("compute.cmp-4", "compute.instance.resize.error") in kinds
    assert not env.cloud.check_invariants(["server_group_policy_holds"])


@pytest.mark.parametrize(
    ("profile", "stop", "status", "fault"),
    [
        ("nova-23.2.2", True, "SHUTOFF", OLD),  # rolled back to the vm_state it had
        ("nova-27.1.0", False, "ACTIVE", OLD),
        ("nova-27.2.0", False, "ERROR", NEW),
        ("upstream", False, "ERROR", NEW),
    ],
)
def test_no_alternate_left_rolls_back_or_errors_by_release(profile, stop, status, fault):
    env, a, b = world(profile, 3, stop=stop)
    assert env.server(a)["OS-EXT-SRV-ATTR:host"] == "cmp-1"
    shown = env.server(b)
    assert (shown["status"], shown["OS-EXT-SRV-ATTR:host"], shown["OS-EXT-STS:task_state"]) == (
        status,
        "cmp-3",
        None,
    )
    exhausted = (
        "Exceeded maximum number of retries. Exhausted all hosts available for retrying "
        f"build failures for instance {b}."
    )
    # the conductor's, the compute's caught NoValidHost, then the check's own
    assert [f.message for f in env.nova.db.faults[b]] == [
        exhausted,
        "No valid host was found. No valid host found for cold migrate",
        fault.format(b),
    ]
    (moved,) = [m for m in env.nova.db.migrations.values() if m.instance_uuid == b]
    assert (moved.status, moved.dest_compute) == ("error", None)
    # the second conductor events' Error lands on the first ones' rows (first())
    assert events(env, b) == [
        ("conductor_migrate_server", "nova-conductor-1", "Error"),
        ("cold_migrate", "nova-conductor-1", "Error"),
        ("compute_prep_resize", "cmp-1", "Error"),
        ("conductor_migrate_server", "nova-conductor-1", None),
        ("cold_migrate", "nova-conductor-1", None),
    ]
    if status == "ERROR":
        assert shown["fault"]["message"] == fault
    # wrap_exception on the way out of prep_resize
    (raised,) = [
        e for e in env.cloud.trace.filter(kind="notification") if e["event_type"] == "prep_resize"
    ]
    assert raised["actor"] == "compute.cmp-1"
    assert raised["exception"].endswith(f"({fault.format(b)!r})")  # its repr (Python 3)
    assert not env.cloud.check_invariants(["server_group_policy_holds"])


def test_max_attempts_1_never_reschedules_a_move():
    """``[scheduler] max_attempts`` 1: ``populate_retry`` gives no ``retry``, so the move
    checked second errors though cmp-1 was free (``_reschedule_resize_or_reraise``)."""
    env, a, b = world("upstream", 4, attempts=1)
    assert env.server(a)["OS-EXT-SRV-ATTR:host"] == "cmp-4"
    shown = env.server(b)
    assert (shown["status"], shown["fault"]["message"]) == ("ERROR", NEW)
    assert [f.message for f in env.nova.db.faults[b]] == [NEW]


def test_prep_resize_did_not_check_before_33c8af1f8c():
    env, a, b = world("nova-21.2.1", 3)
    assert env.server(a)["OS-EXT-SRV-ATTR:host"] == env.server(b)["OS-EXT-SRV-ATTR:host"]
    assert env.cloud.check_invariants(["server_group_policy_holds"])


@pytest.mark.parametrize(
    ("profile", "reason"),
    [
        # before 19.0.0 the conductor rebuilt the request spec from the compute's retry
        ("seed", "Exceeded max scheduling attempts 3 for instance {}. Last exception: None"),
        ("upstream", "Exhausted all hosts available for retrying build failures for instance {}."),
    ],
)
def test_a_failed_claim_is_rescheduled_until_the_attempts_run_out(profile, reason):
    """Fault point ``nova.compute.resize_claim``: ``_do_prep_resize`` reschedules any failure
    (nova 17.0.13-34.0.0), each alternate fails too, and the server ends in ERROR."""
    env = NovaEnv(profile, config={"nova": {"compute_hosts": 4}})
    sid = env.boot()
    env.cloud.faults.add("nova.compute.resize_claim", error="ComputeResourcesUnavailable", times=3)
    assert env.action(sid, {"resize": {"flavorRef": "2"}}).status == 202
    env.cloud.run_until_idle()
    shown = env.server(sid)
    claim = "Insufficient compute resources: Free memory 0.00 MB < requested 2048 MB."
    assert (shown["status"], shown["OS-EXT-SRV-ATTR:host"], shown["fault"]["message"]) == (
        "ERROR",
        "cmp-1",
        claim,
    )
    assert [f.message for f in env.nova.db.faults[sid]] == [
        claim,
        claim,
        "Exceeded maximum number of retries. " + reason.format(sid),
        "No valid host was found. No valid host found for resize",
        claim,
    ]
    tried = [
        (host, result) for name, host, result in events(env, sid) if name == "compute_prep_resize"
    ]
    # every attempt's finish lands on the first row (first()): the last one's Error
    assert tried == [("cmp-2", "Error"), ("cmp-3", None), ("cmp-4", None)]
