"""The compute's late server group check and the reschedule it starts, as nova 17.0.13,
20.6.0, 26.2.2, 27.2.0, 28.0.0 and 34.0.0 do them (``compute/manager.py``
``_validate_instance_group_policy``, ``_build_and_run_instance``,
``_do_build_and_run_instance``; ``conductor/manager.py`` ``build_instances``;
``scheduler/utils.py`` ``populate_retry``): two boots the scheduler placed before either
reached its host, one fails there and goes to its alternate; no alternate left, or a forced
host (never retried), and it ends in ERROR."""

from __future__ import annotations

import pytest

from fakecloud.errors import ConfigError
from tests.nova.conftest import NovaEnv

GROUPS = "/v2.1/os-server-groups"
#: The reason before 28.0.0 (25.3.0, 26.2.1, 27.2.0): the check's RescheduledException wrapped.
OLD = "Build of instance {} was re-scheduled: Anti-affinity instance group policy was violated."
#: ``GroupAffinityViolation``'s text.
NEW = "Anti-affinity instance group policy was violated"


def world(profile="upstream", hosts=2, policy="anti-affinity"):
    env = NovaEnv(profile, config={"nova": {"compute_hosts": hosts}})
    resp = env.request("POST", GROUPS, {"server_group": {"name": "g", "policies": [policy]}})
    assert resp.status == 200, resp.json()
    return env, resp.json()["server_group"]["id"]


def boot(env, group, name, zone=None, user="demo", bdm=None):
    server = {"name": name, "flavorRef": "1", "imageRef": env.image.id, "networks": "none"}
    if zone:
        server["availability_zone"] = zone
    if bdm:
        server["block_device_mapping_v2"] = bdm
    body = {"server": server}
    if group:
        body["os:scheduler_hints"] = {"group": group}
    resp = env.request("POST", "/v2.1/servers", body, user=user, microversion="2.45")
    assert resp.status == 202, resp.json()
    return resp.json()["server"]["id"]


def race(env, group):
    """Two boots into `group`; the first one's build cast reaches its host a second late, so
    the scheduler places the second before the first is claimed."""
    env.cloud.faults.add(
        "rpc.cast", "delay", delay_s=1.0, times=1, match={"method": "build_and_run_instance"}
    )
    first, second = boot(env, group, "a"), boot(env, group, "b")
    env.cloud.run_until_idle()
    return first, second


def events(env, sid):
    """The create action's events (event, host, result)."""
    (action,) = env.nova.db.actions[sid]
    return [(e.event, e.host, e.result) for e in action.events]


def create_errors(env):
    return [
        (e["actor"], e.get("message"))
        for e in env.cloud.trace.filter(kind="notification")
        if e["event_type"] == "compute.instance.create.error"
    ]


@pytest.mark.parametrize(
    "profile, message",
    [
        ("seed", OLD),
        ("nova-27.1.0", OLD),
        ("nova-27.2.0", NEW),
        ("upstream", NEW),
    ],
)
def test_the_boot_checked_second_goes_to_its_alternate(profile, message):
    env, group = world(profile)
    # cmp-2 busy: both members are placed on cmp-1, neither claimed yet
    boot(env, None, "busy", zone="nova:cmp-2", user="admin")
    env.cloud.run_until_idle()
    first, second = race(env, group)
    assert env.server(second)["OS-EXT-SRV-ATTR:host"] == "cmp-1"
    shown = env.server(first)
    assert (shown["status"], shown["OS-EXT-SRV-ATTR:host"], shown.get("fault")) == (
        "ACTIVE",
        "cmp-2",
        None,
    )
    # both attempts' events succeed (_do_build_and_run_instance handles the reschedule), but
    # the second finish lands on the first row (action_event_finish's first()): the
    # second is left unfinished
    assert events(env, first) == [
        ("compute__do_build_and_run_instance", "cmp-1", "Success"),
        ("compute__do_build_and_run_instance", "cmp-2", None),
    ]
    assert create_errors(env) == [("compute.cmp-1", message.format(first))]
    assert env.cloud.check_invariants(["server_group_policy_holds"]) == []


def test_affinity_race_follows_the_member_claimed_first():
    env, group = world("seed", policy="affinity")
    first, second = race(env, group)
    # the second went to the emptier host and was claimed first; the first follows it there
    assert [env.server(s)["OS-EXT-SRV-ATTR:host"] for s in (first, second)] == ["cmp-2", "cmp-2"]
    assert create_errors(env) == [
        (
            "compute.cmp-1",
            f"Build of instance {first} was re-scheduled: "
            "Affinity instance group policy was violated.",
        )
    ]


def test_no_alternate_left_exhausts_the_retries():
    env, group = world("seed", hosts=1)
    first, second = race(env, group)
    assert env.server(second)["status"] == "ACTIVE"
    shown = env.server(first)
    assert (shown["status"], shown["OS-EXT-SRV-ATTR:host"], shown["fault"]["message"]) == (
        "ERROR",
        None,
        "Exceeded maximum number of retries. Exhausted all hosts available for retrying "
        f"build failures for instance {first}.",
    )
    moves = env.cloud.trace.filter(kind="state", subject=first, field="task_state")
    # the compute's first save clears the task (nova 34.0.0 _do_build_and_run_instance), the
    # reschedule sets it again, the conductor's MaxRetriesExceeded clears it
    assert [(e["old"], e["new"]) for e in moves] == [
        ("scheduling", None),
        (None, "scheduling"),
        ("scheduling", None),
    ]


@pytest.mark.parametrize(
    "profile, message, volume",
    [
        ("seed", OLD, "available"),
        ("nova-22.0.0", OLD, "available"),
        ("nova-22.1.0", OLD, "reserved"),
        ("nova-26.2.1", NEW, "reserved"),
        ("upstream", NEW, "reserved"),
    ],
)
def test_a_forced_host_past_the_group_is_never_retried(profile, message, volume):
    env, group = world(profile)
    member = boot(env, group, "a")
    env.cloud.run_until_idle()
    made = env.cloud.request(
        "volume", "POST", "/v3/{project_id}/volumes", body={"volume": {"size": 1}}, user="demo"
    ).json()["volume"]["id"]
    env.cloud.run_until_idle()
    bdm = [
        {"boot_index": 0, "uuid": env.image.id, "source_type": "image",
         "destination_type": "local"},
        {"boot_index": 1, "uuid": made, "source_type": "volume", "destination_type": "volume"},
    ]  # fmt: skip
    forced = boot(env, group, "b", zone="nova:cmp-1", user="admin", bdm=bdm)
    env.cloud.run_until_idle()
    assert env.server(member)["OS-EXT-SRV-ATTR:host"] == "cmp-1"
    shown = env.server(forced)
    assert (shown["status"], shown["OS-EXT-SRV-ATTR:host"], shown["fault"]["message"]) == (
        "ERROR",
        None,
        message.format(forced),
    )
    assert len(env.cloud.trace.filter(kind="rpc.cast", method="build_and_run_instance")) == 2
    # before 22.1.0 the no-retry branch detaches the volume (_cleanup_volumes)
    vol = env.cloud.request("volume", "GET", f"/v3/{{project_id}}/volumes/{made}", user="demo")
    assert vol.json()["volume"]["status"] == volume
    assert env.cloud.check_invariants(["server_group_policy_holds"]) == []


def test_max_server_per_host_lets_a_forced_second_member_in():
    env = NovaEnv("upstream", config={"nova": {"compute_hosts": 2}})
    body = {"server_group": {"name": "g", "policy": "anti-affinity",
                             "rules": {"max_server_per_host": 2}}}  # fmt: skip
    group = env.request("POST", GROUPS, body, microversion="2.64").json()["server_group"]["id"]
    sids = [boot(env, group, n, zone="nova:cmp-1", user="admin") for n in "abc"]
    env.cloud.run_until_idle()
    assert [env.server(s)["status"] for s in sids] == ["ACTIVE", "ACTIVE", "ERROR"]


def test_max_attempts_one_turns_reschedules_off():
    env = NovaEnv("upstream", config={"nova": {"compute_hosts": 2, "scheduler_max_attempts": 1}})
    group = env.request(
        "POST", GROUPS, {"server_group": {"name": "g", "policies": ["anti-affinity"]}}
    )
    group = group.json()["server_group"]["id"]
    boot(env, None, "busy", zone="nova:cmp-2", user="admin")
    env.cloud.run_until_idle()
    first, second = race(env, group)
    shown = env.server(first)
    # ``populate_retry`` gives no retry: the no-retry branch, as for a forced host
    assert (shown["status"], shown["OS-EXT-SRV-ATTR:host"], shown["fault"]["message"]) == (
        "ERROR",
        None,
        NEW,
    )
    assert env.server(second)["status"] == "ACTIVE"


def test_past_max_attempts_the_last_reason_is_kept():
    """``populate_retry`` counts the attempt before the conductor looks at the alternates."""
    env, group = world("upstream")
    sid = boot(env, group, "a")
    env.cloud.run_until_idle()
    instance = env.nova.db.instance_get(sid, "test")
    retry = {"num_attempts": 3, "hosts": ["cmp-1", "cmp-2", "cmp-1"], "exc_reason": NEW}
    flow = env.nova.conductor.build_instances(None, instance, None, ["cmp-2"], retry)
    env.kernel.spawn(flow, name="reschedule")
    env.cloud.run_until_idle()
    assert env.server(sid)["fault"]["message"] == (
        "Exceeded maximum number of retries. Exceeded max scheduling attempts 3 for instance "
        f"{sid}. Last exception: {NEW}"
    )


def test_max_attempts_must_be_positive():
    with pytest.raises(ConfigError, match="nova.scheduler_max_attempts must be an integer"):
        NovaEnv("upstream", config={"nova": {"scheduler_max_attempts": 0}})


@pytest.mark.parametrize(
    "profile, lost", [("seed", True), ("nova-25.1.1", False), ("upstream", False)]
)
def test_a_group_deleted_before_the_check(profile, lost):
    """LP #1890244: before 26.0.0 (25.1.1) the check's ``get_by_hint`` fails the build."""
    env, group = world(profile)
    env.cloud.faults.add(
        "rpc.cast", "delay", delay_s=1.0, times=1, match={"method": "build_and_run_instance"}
    )
    sid = boot(env, group, "a")
    env.cloud.run(until=env.kernel.now + 0.5)
    assert env.request("DELETE", f"{GROUPS}/{group}").status == 204
    env.cloud.run_until_idle()
    shown = env.server(sid)
    if not lost:
        assert shown["status"] == "ACTIVE"
        return
    # both hosts fail the lookup: the first and its one alternate
    assert (shown["status"], shown["fault"]["message"]) == (
        "ERROR",
        "Exceeded maximum number of retries. Exhausted all hosts available for retrying "
        f"build failures for instance {sid}.",
    )
    gone = f"Instance group {group} could not be found."
    assert create_errors(env) == [("compute.cmp-1", gone), ("compute.cmp-2", gone)]


def spawn_fails(env, times=1):
    env.cloud.faults.add("nova.libvirt.spawn", error="LibvirtError", times=times)


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_a_failed_spawn_is_rescheduled_with_its_volumes(profile):
    """``_build_resources`` shuts the guest down (its attachments deleted), the conductor's
    ``_validate_existing_attachment_ids`` makes them again, the next host attaches the
    volumes it has (an image-to-volume mapping keeps the volume made on the first host)."""
    env = NovaEnv(profile, config={"nova": {"compute_hosts": 2}})
    data = env.cloud.request(
        "volume", "POST", "/v3/{project_id}/volumes", body={"volume": {"size": 1}}, user="demo"
    ).json()["volume"]["id"]
    env.cloud.run_until_idle()
    spawn_fails(env)
    bdm = [
        {"boot_index": 0, "uuid": env.image.id, "source_type": "image",
         "destination_type": "volume", "volume_size": 1, "delete_on_termination": True},
        {"boot_index": 1, "uuid": data, "source_type": "volume", "destination_type": "volume"},
    ]  # fmt: skip
    server = {"name": "v", "flavorRef": "1", "imageRef": "", "networks": "none"}
    body = {"server": {**server, "block_device_mapping_v2": bdm}}
    sid = env.request("POST", "/v2.1/servers", body, microversion="2.45").json()["server"]["id"]
    env.cloud.run_until_idle()
    shown = env.server(sid)
    assert (shown["status"], shown["OS-EXT-SRV-ATTR:host"]) == ("ACTIVE", "cmp-2")
    volumes = env.cloud.request(
        "volume", "GET", "/v3/{project_id}/volumes/detail", user="demo"
    ).json()["volumes"]
    assert sorted(v["status"] for v in volumes) == ["in-use", "in-use"]
    shutdown = [
        (e["actor"], e["event_type"].removeprefix("compute.instance."))
        for e in env.cloud.trace.filter(kind="notification")
        if "shutdown" in e["event_type"]
    ]
    # each legacy one, then (Queens: both formats) its versioned twin
    versioned = [("nova-compute:cmp-1", "instance.shutdown.start")] if profile == "seed" else []
    ended = [("nova-compute:cmp-1", "instance.shutdown.end")] if profile == "seed" else []
    assert shutdown == [
        ("compute.cmp-1", "shutdown.start"),
        *versioned,
        ("compute.cmp-1", "shutdown.end"),
        *ended,
    ]
    # create.error's fault=e: exception_to_dict's message of a foreign exception is its class
    # name from LP #1837877's fix (17.0.12; seed is 17.0.13), never its text
    assert create_errors(env) == [("compute.cmp-1", "libvirtError")]
    assert events(env, sid) == [
        ("compute__do_build_and_run_instance", "cmp-1", "Success"),
        ("compute__do_build_and_run_instance", "cmp-2", None),  # its finish: the first row's
    ]
    moves = env.cloud.trace.filter(kind="state", subject=sid, field="task_state")
    # each host: no task at the build's first save, networking after the claim (nova
    # 17.0.13-34.0.0 _do_build_and_run_instance, _allocate_network), then the block devices
    assert [e["new"] for e in moves] == [
        None, "networking", "block_device_mapping", "spawning", "scheduling",
        None, "networking", "block_device_mapping", "spawning", None,
    ]  # fmt: skip


def test_a_spawn_failing_everywhere_or_on_a_forced_host():
    env = NovaEnv("upstream", config={"nova": {"compute_hosts": 2}})
    spawn_fails(env, times=3)
    anywhere = env.boot("a", wait=False)
    forced = boot(env, None, "b", zone="nova:cmp-1", user="admin")
    env.cloud.run_until_idle()
    assert env.server(anywhere)["fault"]["message"] == (
        "Exceeded maximum number of retries. Exhausted all hosts available for retrying "
        f"build failures for instance {anywhere}."
    )
    # a forced host has no retry: the reason is the fault (the no-retry branch)
    shown = env.server(forced)
    assert (shown["status"], shown["fault"]["message"]) == ("ERROR", "internal error")


def test_a_server_deleted_while_its_spawn_fails_is_not_rescheduled():
    """Found exploring: the reschedule's save met the delete's ``deleting`` task state."""
    env = NovaEnv("upstream", config={"nova": {"compute_hosts": 2}})
    spawn_fails(env)
    sid = env.boot("a", wait=False)
    # spawning (the guest takes 4 s); the delete still runs (2 s) when the spawn fails
    env.cloud.run(until=env.kernel.now + 3.0)
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    env.cloud.run_until_idle()
    assert env.request("GET", f"/v2.1/servers/{sid}").status == 404
    assert len(env.cloud.trace.filter(kind="rpc.cast", method="build_and_run_instance")) == 1
    assert env.cloud.check_invariants() == []
