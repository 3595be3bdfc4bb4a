"""Save, load and fork: a copy of an idle cloud continues exactly as the cloud would.

Each test builds a world, copies it three ways (the cloud itself, ``cloud.fork()``,
``Cloud.load`` of ``cloud.save``), runs the same continuation on all three and checks what a
user sees (statuses, bodies, states, virtual seconds) and the trace bytes are the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fakecloud import Cloud
from tests.state.state_helpers import boot, continue_all, copies


def _create_image(cloud: Cloud, server_id: str, name: str = "snap", **extra: Any) -> Any:
    body = {"createImage": {"name": name, **extra}}
    return cloud.request(
        "compute", "POST", f"/v2.1/servers/{server_id}/action", body=body, microversion="2.45"
    )


def _snapshot_and_wait(server_id: str, **extra: Any):
    def step(cloud: Cloud) -> dict[str, Any]:
        r = _create_image(cloud, server_id, **extra)
        seen: dict[str, Any] = {"status": r.status, "body": r.json()}
        seen["idle_at"] = cloud.run_until_idle()
        if r.status == 202:
            image = cloud.request("image", "GET", f"/v2/images/{r.json()['image_id']}").json()
            seen["image"] = (image["status"], image["checksum"], image["size"])
        server = cloud.request("compute", "GET", f"/v2.1/servers/{server_id}").json()["server"]
        seen["server"] = (server["status"], server["OS-EXT-STS:task_state"])
        seen["violations"] = [v.invariant for v in cloud.check_invariants()]
        return seen

    return step


def test_image_backed_snapshot_continues_identically(tmp_path):
    cloud = Cloud(seed=3, profile="seed")
    server_id = boot(cloud)
    clouds = copies(cloud, tmp_path)

    seen, trace = continue_all(clouds, _snapshot_and_wait(server_id))

    assert seen["status"] == 202
    assert seen["image"][0] == "active"
    assert seen["server"] == ("ACTIVE", None)
    assert '"kind":"io.finish"' in trace


def test_volume_backed_online_with_a_fault_half_counted_and_an_old_token(tmp_path):
    cloud = Cloud(seed=5, profile="upstream")
    server_id = boot(cloud, volumes=2)
    auth = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {"name": "demo", "domain": {"id": "default"}, "password": "demo-secret"}
                },
            },
            "scope": {"project": {"name": "demo", "domain": {"id": "default"}}},
        }
    }
    issued = cloud.request("identity", "POST", "/v3/auth/tokens", body=auth, user=None)
    assert issued.status == 201
    token = issued.headers["X-Subject-Token"]
    # The second snapshot Cinder is asked for fails: the first volume's is counted already.
    rule = cloud.faults.add(
        "volume_api.create_snapshot_force", error="CinderConnectionFailed", nth=3
    )
    first = _create_image(cloud, server_id, name="first")
    cloud.run_until_idle()
    assert first.status == 202 and rule.matches == 2 and rule.fired == 0
    clouds = copies(cloud, tmp_path)

    def step(c: Cloud) -> dict[str, Any]:
        with_token = c.request(
            "compute", "GET", "/v2.1/servers", user=None, headers={"X-Auth-Token": token}
        )
        seen = _snapshot_and_wait(server_id)(c)
        seen["with_old_token"] = with_token.status
        seen["rule"] = (c.faults.rules()[0].matches, c.faults.rules()[0].fired)
        return seen

    seen, trace = continue_all(clouds, step)

    assert seen["with_old_token"] == 200
    assert seen["rule"] == (3, 1)
    assert '"kind":"fault"' in trace
    assert seen["status"] == 500  # CinderConnectionFailed, unexpected in the API
    assert "CinderConnectionFailed" in seen["body"]["computeFault"]["message"]


def test_instance_snapshot_branch_continues_from_the_current_snapshot(tmp_path):
    cloud = Cloud(seed=8, profile="seed")
    server_id = boot(cloud)
    r = cloud.request(
        "compute", "POST", f"/v2.1/servers/{server_id}/snapshots", body={"snapshot": {"name": "s1"}}
    )
    assert r.status == 202
    cloud.run_until_idle()
    clouds = copies(cloud, tmp_path)

    seen, trace = continue_all(clouds, _snapshot_and_wait(server_id))

    assert seen["status"] == 202
    assert seen["image"][0] == "active"
    assert '"method":"snapshot_current"' in trace
    assert '"method":"upload_instance_snapshot"' in trace


def test_openstacksdk_drives_a_loaded_cloud_as_it_drove_the_original(tmp_path):
    cloud = Cloud(seed=11, profile="upstream")
    server_id = boot(cloud, volumes=1)
    clouds = copies(cloud, tmp_path, replica=False)
    del clouds["fork"]

    def step(c: Cloud) -> Any:
        with c.intercept():
            conn = c.connection()
            server = conn.compute.get_server(server_id)
            volumes = [v.size for v in conn.block_storage.volumes()]
            return server.name, server.status, volumes

    (name, status, volumes), _ = continue_all(clouds, step)

    assert (name, status, volumes) == ("vm", "ACTIVE", [1])


def test_a_world_holding_dead_processes_and_stale_timers_continues_identically(tmp_path):
    from fakecloud.scenario import load, run_case

    root = Path(__file__).resolve().parents[2] / "scenarios"
    # nova-compute restarted mid-snapshot: its semaphore still names the killed process, and
    # the I/O model keeps a timer of a transfer that died with it.
    result = run_case(load(root / "races" / "compute_restart_mid_snapshot.yaml").cases[0])
    assert result.idle
    clouds = copies(result.cloud, tmp_path)

    def step(c: Cloud) -> Any:
        servers = c.request("compute", "GET", "/v2.1/servers/detail").json()["servers"]
        seen = [_create_image(c, s["id"], name="after").status for s in servers]
        c.run_until_idle()
        return seen, [v.invariant for v in c.check_invariants()]

    seen, _ = continue_all(clouds, step)
    assert seen and all(status in (202, 409) for status in seen[0])


def test_a_replica_fork_saves_the_bytes_a_fork_saves_before_and_after_running(tmp_path):
    # A replica lays out a record's copy field by field (not as a copied __dict__): the saved
    # file, which writes every record's fields in their order, must not tell the two apart.
    from fakecloud.state.replica import Replica

    cloud = Cloud(seed=3, profile="seed")
    server_id = boot(cloud)
    forks = {"fork": cloud.fork(), "replica": Replica(cloud).fork()}
    saved: dict[str, list[bytes]] = {name: [] for name in forks}
    for name, fork in forks.items():
        fork.save(tmp_path / f"{name}.json")
        assert _create_image(fork, server_id).status == 202
        fork.run_until_idle()
        fork.save(tmp_path / f"{name}-after.json")
        saved[name] = [(tmp_path / f"{name}{s}.json").read_bytes() for s in ("", "-after")]
    assert saved["replica"] == saved["fork"]
    assert saved["fork"][0] != saved["fork"][1]


def test_a_cloud_copied_around_a_thaw_behind_a_hung_freeze_continues_identically(tmp_path):
    """races/thaw_behind_hung_freeze.yaml driven from Python, copied at its instants: while
    libvirt's agent job is held (the 100 s freeze, the thaw queued behind it, then the freeze
    alone) a save and a fork are refused, naming the freeze's process: the job lives only in
    a live process, which no copy holds. Once idle, the runtime state a copy starts afresh
    (`kinds.TRANSIENT`: the job's holder, the pollers asleep, the cancelled events) is the
    original's too, and the cloud, its forks and its loaded copy go through the same hung
    freeze again alike: the thaw's error names the freeze holding the job in each."""
    from fakecloud.errors import StateError
    from fakecloud.nova.virt.guest_agent import agent_of
    from fakecloud.state import kinds

    cloud = Cloud(seed=2, profile="upstream")
    server_id = boot(cloud, volumes=1)
    cloud.faults.add(
        "nova.guest_agent", action="delay", delay_s=100, match={"command": "guest-fsfreeze-freeze"}
    )
    t0 = cloud.now
    assert _create_image(cloud, server_id).status == 500  # MessagingTimeout at +60
    for instant in (70, 95):  # the thaw waiting for the job; the freeze holding it alone
        cloud.advance(t0 + instant - cloud.now)
        for copy in (cloud.fork, lambda: cloud.save(tmp_path / "held.json")):
            with pytest.raises(StateError, match="qemu-ga instance-[0-9]+ guest-fsfreeze-freeze"):
                copy()
    cloud.advance(t0 + 105 - cloud.now)
    assert not cloud.kernel.running()
    clouds = copies(cloud, tmp_path)
    # (a callable default is a fresh object, the threads' lock: not compared)
    kernel = {
        f: v for f, v in kinds.TRANSIENT["fakecloud.sim.kernel:Kernel"].items() if not callable(v)
    }
    assert {f: getattr(cloud.kernel, f) for f in kernel} == kernel
    assert agent_of(cloud.nova, server_id)._holder == ""  # was the freeze's, for good

    def step(c: Cloud) -> Any:
        start = len(c.trace)
        reboot = c.request(
            "compute",
            "POST",
            f"/v2.1/servers/{server_id}/action",
            body={"reboot": {"type": "HARD"}},
        )
        c.run_until_idle()  # the guest's OS restarts: thawed
        again = _create_image(c, server_id, name="again")
        c.run_until_idle()
        errors = [
            (e["command"], e["code"], e["error"])
            for e in list(c.trace)[start:]
            if e["kind"] == "guest.agent_error"
        ]
        return reboot.status, again.status, errors, [v.invariant for v in c.check_invariants()]

    seen, _ = continue_all(clouds, step)
    held = "cannot acquire state change lock (held by agent=remoteDispatchDomainFSFreeze)"
    assert seen[:3] == (
        202,
        500,
        [("guest-fsfreeze-thaw", 68, f"Timed out during operation: {held}")],
    )
    assert "no_frozen_guest" in seen[3]


# Two uploads at one instant on one link, explored: chance orders their ties, jitters the link
# and may fail an upload part-way (a fault point the explorer draws at).
EXPLORED = """\
steps:
  - {name: a, transfer: {label: a, size_mb: 10, path: [{name: link, mb_per_s: 10}]}}
  - {name: b, transfer: {label: b, size_mb: 10, path: [link]}}
explore:
  faults: [{point: io.transfer, errors: [partway], likelihood: 0.5}]
"""


def test_an_explored_run_copied_at_its_end_draws_on_alike(tmp_path):
    """A cloud whose chance has started (an explored seed's, a replay file's run) keeps it in a
    copy: its tie order (``env.step``) and its explored fault points are parts of the cloud,
    not closures (a save refused both, blaming 'a fault rule'), and its seed's draws go on where
    they were: the cloud, its forks and its loaded copy order two actions due at one instant
    alike, as many decisions made."""
    from fakecloud.explore.runner import prepared

    path = tmp_path / "explored.yaml"
    path.write_text(EXPLORED)
    explored = prepared(EXPLORED, str(path), "default").play(1)
    assert explored.result.idle and explored.decisions
    clouds = copies(explored.result.cloud, tmp_path)

    def step(c: Cloud) -> Any:
        order: list[str] = []
        for name in "xyz":
            c.kernel.at(c.now + 1.0, lambda name=name: order.append(name))
        before = len(c.kernel.choices.made)
        c.advance(2.0)
        return order, len(c.kernel.choices.made) - before

    (order, made), _ = continue_all(clouds, step)
    assert order == ["y", "x", "z"] and made == 2  # the tie's two picks, the seed's draws


def test_a_copy_of_a_guest_frozen_across_a_restart_still_breaks_no_freeze_across_restart(
    tmp_path,
):
    """`races/freeze_queued_across_reboot.yaml` on Nova 17.0.0 ends with the guest frozen by a
    freeze sent before its reboot. Each copy of that world (fork, loaded file) shows
    the same violation, message and all: the restarts the freeze crossed are saved
    (`Domain.frozen_restarts`), where the boots counted in one copy are not. Before, a loaded
    copy had lost it (no_frozen_guest alone)."""
    from fakecloud.scenario.loader import load
    from fakecloud.scenario.runner import run_case

    case = next(c for c in load("scenarios/races/freeze_queued_across_reboot.yaml").cases
                if c.id == "bug")  # fmt: skip
    cloud = run_case(case).cloud
    seen = {
        name: [(v.invariant, v.message) for v in each.check_invariants()]
        for name, each in copies(cloud, tmp_path, replica=False).items()
    }
    restarted = [v for v in seen["original"] if v[0] == "no_freeze_across_restart"]
    assert len(restarted) == 1 and "before its last restart (1 since)" in restarted[0][1]
    assert seen == dict.fromkeys(seen, seen["original"])


def test_a_fork_of_a_loaded_cloud_saves_its_bytes_where_volumes_share_their_empty_snapshot_set():
    """Volumes without snapshots share one empty set of snapshot ids; a loaded cloud shares it
    as the save wrote it (one node, referenced). A fork of that cloud saves the same bytes: it
    made a new set for each volume (a node each), so its save differed from its source's
    (`make fuzz`'s round trip of load, then fork, found it)."""
    from fakecloud import state

    cloud = Cloud(seed=3)
    for name in ("a", "b", "c"):
        body = {"volume": {"size": 1, "name": name}}
        r = cloud.request("volumev3", "POST", "/v3/{project_id}/volumes", body=body)
        assert r.status == 202
    cloud.run_until_idle()
    loaded = state.loads(state.dumps(cloud), cloud_class=Cloud)
    saved = state.dumps(loaded)
    volumes = list(loaded.cinder.store.volumes.values())
    assert len({id(v.snapshot_ids) for v in volumes}) < len(volumes)  # shared once loaded
    assert state.dumps(loaded.fork()) == saved
