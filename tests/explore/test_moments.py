"""``explore.windows: moments``: inserts drawn evenly over a flow's instants and the services'
heartbeats, and a landing at a heartbeat that plain ``fakecloud run`` of its replay file
replays exactly."""

import json
from collections import Counter
from pathlib import Path

import pytest

from fakecloud.explore.play import Moments
from fakecloud.explore.replay import PLACED_AT, replay_document, write_replay
from fakecloud.explore.runner import prepared
from fakecloud.explore.sources import SeededSource
from fakecloud.scenario.loader import load
from fakecloud.scenario.runner import run_case
from tests.explore.conftest import same_run

# A burst of three requests at t0, one at 35 s: four trace events each; the heartbeats at the
# cloud's whole tens of seconds in between are moments with no event.
SPREAD = """\
name: spread
steps:
  - {name: a, request: GET /flavors}
  - {name: b, at: 35, request: GET /flavors}
explore:
  seeds: 40
  windows: moments
  chance: {rpc_delay: false, tie_order: false, throughput_jitter: false}
  adversary:
    - {name: peek, request: GET /os-availability-zone}
"""


def test_each_moment_is_as_likely_whatever_its_events():
    # one instant of one event, one of 29, and two heartbeats: a quarter each
    moments = Moments(((1, 1), (2, 30)), (12.0, 22.0))
    counts = Counter()
    for seed in range(400):
        value = SeededSource(seed, {}).draw("window", 1, 0, 32, {"insert": "x", "moments": moments})
        counts["t0" if value == 1 else "burst" if value <= 30 else value] += 1
    assert set(counts) == {"t0", "burst", 31, 32}
    assert all(75 < n < 125 for n in counts.values()), counts


def test_a_landing_at_a_heartbeat_replays_exactly(tmp_path):
    path = tmp_path / "spread.yaml"
    path.write_text(SPREAD)
    ready = prepared(SPREAD, str(path), "default")
    beats = ready.moments.beats
    t0 = ready.world.cloud.now
    # cinder-scheduler's (nothing stops): 10 s after the cloud's start, then every 10 s
    assert beats and all((t0 + b) % 10 == 0 and 0 < b < 35 for b in beats)
    seed, explored = next(
        (s, run) for s in range(40) if isinstance((run := ready.play(s)).landed.get("peek"), float)
    )
    document = replay_document(explored, seed)
    placed = next(s for s in document["steps"] if s["name"] == "peek")
    assert placed["note"] == PLACED_AT and placed["at"] in beats
    replayed = run_case(load(write_replay(tmp_path / "r.yaml", document)).cases[0])
    assert same_run(replayed.trace, explored.result.trace)
    start = next(
        e for e in replayed.trace if e["kind"] == "scenario.step" and e["subject"] == "peek"
    )
    assert start["t"] == t0 + placed["at"]


def test_mixed_draws_each_insert_by_moment_or_by_event_and_moments_is_the_default():
    # by moment a quarter each; by event (30 windows) t0 1/30, the burst 29/30: half and half
    moments = Moments(((1, 1), (2, 30)), (12.0, 22.0), mixed=True)
    counts = Counter()
    for seed in range(400):
        value = SeededSource(seed, {}).draw("window", 1, 0, 32, {"insert": "x", "moments": moments})
        counts["t0" if value == 1 else "burst" if value <= 30 else value] += 1
    assert 200 < counts["burst"] < 290 and 30 < counts["t0"] < 90, counts
    assert all(25 < counts[beat] < 80 for beat in (31, 32)), counts
    default = SPREAD.replace("  windows: moments\n", "")
    ready = prepared(default, "default.yaml", "default")
    assert ready.moments is not None and not ready.moments.mixed
    assert "placed by" not in ready.spec.describe()
    events = default.replace("explore:\n", "explore:\n  windows: events\n")
    by_event = prepared(events, "events.yaml", "default")
    assert by_event.moments is None and "placed by event" in by_event.spec.describe()


# One request at t0; a server group the adversary makes at any window breaks the state check.
KEYED = """\
name: keyed
steps:
  - {name: a, request: GET /flavors}
expect:
  state:
    - {name: no-group, request: GET /os-server-groups, expect: {body: {server_groups: []}}}
explore:
  chance: {rpc_delay: false, tie_order: false, throughput_jitter: false}
  adversary:
    - name: grp
      request: POST /os-server-groups
      body: {server_group: {name: g, policies: [affinity]}}
"""


def test_windows_on_the_command_line_overrides_the_file_and_every_window_is_in_the_run(
    tmp_path, capsys
):
    from fakecloud.cli import main as cli

    path, out, report = tmp_path / "keyed.yaml", tmp_path / "out", tmp_path / "r.json"
    path.write_text(KEYED)  # drawn by moment, as every file that does not say
    argv = [str(path), "--seeds", "1", "--jobs", "1", "--no-progress", "--windows", "events"]
    assert cli(["explore", *argv, "--out", str(out), "--json", str(report)]) == 1
    assert "chance: adversary grp; placed by event\n" in capsys.readouterr().out
    data = json.loads(report.read_text())
    assert data["cases"][0]["windows"] == "events"
    (group,) = data["groups"]
    assert group["seeds"] == [0] and "warning" not in group["replay"]
    # the windows are the six events the run wrote (the step, the token, nova-api's
    # validation of it with Keystone and its answer, the request and its answer), not the
    # check's own request and answer or the closing names, written once the run had ended;
    # seed 0 draws Keystone's answer, where its insert lands
    assert prepared(KEYED, str(path), "default", "events").windows == 6
    replay = Path(group["replay_file"]).read_text()
    placed = "  on:\n    trace:\n      kind: http.response\n      actor: nova-api\n"
    assert placed + "      subject: GET /v3/auth/tokens\n      status: 200\n" in replay
    # the command that found it says the draw, so running it again finds the same seeds
    assert "keyed.yaml --windows events, seed 0; breaks: state no-group" in replay
    with pytest.raises(SystemExit) as exit:
        cli(["explore", str(path), "--windows", "event"])
    assert exit.value.code == 2
    assert "invalid choice: 'event' (choose from 'moments', 'events', 'mixed')" in (
        capsys.readouterr().err
    )
