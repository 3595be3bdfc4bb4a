"""Shrinking a failing seed, and replay files that plain `fakecloud run` replays exactly."""

import json
import re
import sys

import pytest
import yaml

from fakecloud.cli import main as cli
from fakecloud.explore.replay import replay_document, write_replay
from fakecloud.explore.runner import prepared
from fakecloud.scenario.loader import load
from fakecloud.scenario.runner import run_case
from tests.explore.conftest import same_run


def test_shrinking_a_seed_that_breaks_nothing_says_so(tmp_path, capsys):
    plain = tmp_path / "calm.yaml"
    plain.write_text(
        "steps:\n  - transfer: {size_mb: 1, path: [{name: l, mb_per_s: 1}]}\nexplore: {seeds: 2}\n"
    )
    assert cli(["shrink", str(plain), "--seed", "0", "-o", str(tmp_path / "o.yaml")]) == 1
    assert "breaks nothing" in capsys.readouterr().err


def test_an_explored_run_and_its_replay_file_write_the_same_trace(shared_link, tmp_path):
    ready = prepared(shared_link.read_text(), str(shared_link), "default")
    explored = ready.play(5)
    path = write_replay(tmp_path / "r.yaml", replay_document(explored, 0))
    replayed = run_case(load(path).cases[0])
    assert same_run(replayed.trace, explored.result.trace)
    assert [c.what for c in replayed.failures] == [c.what for c in explored.failures]


def test_a_shrink_draws_no_constants_from_the_source_of_local_modules(tmp_path, monkeypatch):
    """Hypothesis would parse every new local module (here one holding 987654321) for literals
    to draw, and cache them under ./.hypothesis; fakecloud's shrink runs without it."""
    from hypothesis.internal.conjecture import providers

    from fakecloud.explore.shrink import _without_source_constants

    (tmp_path / "local_literals.py").write_text("ODD = 987654321\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "local_literals", None)  # taken out again at the end
    del sys.modules["local_literals"]
    __import__("local_literals")
    with _without_source_constants():
        assert 987654321 not in providers._get_local_constants().integers
        assert len(providers._get_local_constants()) == 0
    assert not (tmp_path / ".hypothesis").exists()


def test_a_shrink_runs_on_a_hypothesis_without_the_source_scan(monkeypatch):
    """fakecloud asks hypothesis>=6.130 only: a release without the scan (or with it renamed)
    shrinks as it would, with nothing patched."""
    from hypothesis.internal.conjecture import providers

    from fakecloud.explore.shrink import _without_source_constants

    monkeypatch.delattr(providers, "_get_local_constants", raising=False)
    with _without_source_constants():
        assert not hasattr(providers, "_get_local_constants")
    assert not hasattr(providers, "_get_local_constants")


# A world whose setup never acts as demo: only the admin holds a token at t0.
ADMIN_ONLY = """\
cloud: {profile: upstream}
steps:
  - name: look
    as: admin
    request: GET /v3/projects/${users.demo.project_id}
  - name: later
    as: admin
    on: {trace: {kind: api.request, subject: "GET /v3/projects/${project_id}"}}
    request: GET /v3/projects/${project_id}
"""


def test_a_user_or_project_reference_issues_no_token(tmp_path):
    """A replay's trigger names demo's project as ``${project_id}``: resolving it (or
    ``${users.demo...}``) must not issue demo a token, or the replay's trace differs from the
    seed's."""
    path = tmp_path / "admin_only.yaml"
    path.write_text(ADMIN_ONLY)
    result = run_case(load(path).cases[0])
    assert [s.status for s in result.steps] == [200, 200]  # the trigger fired
    issued = [e["subject"] for e in result.trace if e["kind"] == "identity.token_issued"]
    assert issued == ["admin"]


def test_a_shrink_shows_its_runs_on_a_terminal_as_explore_its_seeds(tmp_path, monkeypatch, capsys):
    """`fakecloud shrink` ran its tens to hundreds of runs with nothing shown; it shows them as
    `fakecloud explore` shows its seeds (one `fakecloud.views.progress.Bar`), on stderr and only
    on a terminal: piped or captured, stderr gets nothing (explore's bar wrote a blank line)."""
    late = tmp_path / "late.yaml"
    late.write_text(
        "steps:\n  - {transfer: {size_mb: 1, path: [{name: l, mb_per_s: 1}]}, "
        "expect: {finished_at: 5}}\nexplore: {chance: {rpc_delay: false, tie_order: false, "
        "throughput_jitter: 0}}\n"
    )
    shrink = ["shrink", str(late), "--seed", "0", "-o", str(tmp_path / "m.yaml")]
    explore = ["explore", str(late), "--seeds", "2", "-j", "1", "--out", str(tmp_path / "r")]
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    assert cli(shrink) == 0 and cli(explore) == 1
    assert capsys.readouterr().err == ""
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich's word for "this stream is a terminal"
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setenv("COLUMNS", "120")  # the whole bar on one line
    assert cli(shrink) == 0
    out, err = capsys.readouterr()
    runs = re.search(r"size 1 -> 1 \(.*; (\d+) runs\)", out).group(1)
    last = err.split("\r")[-2]  # the bar as last drawn, then erased
    assert re.search(
        rf"^\x1b\[2Kshrinking [━ ]+ {runs} runs, smallest still breaking it: size 1 ", last
    )
    assert cli(explore) == 1
    assert re.search(r"seeds [━ ]+ 2/2 +[\d.]+ seeds/s 2 broke something", capsys.readouterr().err)
    assert cli([*explore, "--no-progress"]) == 1
    assert capsys.readouterr().err == ""


def test_a_shrink_out_of_time_writes_the_smallest_run_found_and_says_so(
    shared_link, tmp_path, capsys
):
    """Hypothesis stops shrinking at its own time limit (``MAX_SHRINKING_SECONDS``, five
    minutes), which ``--shrink-time`` sets: the smallest run found by then is written, and the
    report says shrinking stopped early, in its words, not Hypothesis's "PLEASE REPORT THIS".
    At 0 s no smaller run is tried (seed 3's run of shared_link: size 7, as the docs show)."""
    out = tmp_path / "m.yaml"
    shrink = ["shrink", str(shared_link), "--seed", "3", "-o", str(out), "--no-progress"]
    assert cli([*shrink, "--shrink-time", "-1"]) == 2
    assert "--shrink-time: expected a number of seconds from 0" in capsys.readouterr().err
    assert cli([*shrink, "--shrink-time", "0"]) == 0
    shown, err = capsys.readouterr()
    assert "  seed 3: size 7 -> 7 (" in shown
    assert (
        "  shrinking stopped early, its --shrink-time up (0 s): the smallest run found by then\n"
        f"  replay: fakecloud run {out}\n"
    ) in shown
    assert "PLEASE REPORT" not in shown + err and "warning" not in shown
    assert cli(["run", str(out), "-q"]) == 1  # the written run still breaks it

    report = tmp_path / "r.json"
    explore = ["explore", str(shared_link), "--seeds", "1", "-j", "1", "--no-progress"]
    explore += ["--out", str(tmp_path / "r"), "--json", str(report), "--shrink"]
    assert cli([*explore, "--shrink-time", "0"]) == 1
    assert "replay (shrunk, stopped early, its --shrink-time up): " in capsys.readouterr().out
    (group,) = json.loads(report.read_text())["groups"]
    assert (group["shrunk"], group["shrink_stopped"]) == (True, "time")


# The lookup's save fails (a 404 has no volume), so the state check that reads it fails
# whether or not the lookup runs: a shrink dropping it still broke only what the seed broke.
SAVED_BY_A_FAILING_STEP = """\
steps:
  - name: lookup
    request: GET /volumes/no-such-volume
    service: block-storage
    save: {volumes.v.id: body.volume.id}
  - name: other
    request: GET /volumes/no-such-volume
    service: block-storage
    expect: {status: 200}
expect:
  state:
    - request: GET /volumes/${volumes.v.id}
      service: block-storage
      expect: {status: 200}
explore: {chance: {rpc_delay: false, tie_order: false, throughput_jitter: 0}}
"""


def test_a_shrink_keeps_the_step_whose_save_a_kept_check_reads(tmp_path, capsys):
    """The shrink dropped `lookup` and wrote a file whose state check names
    ``${volumes.v.id}``, which nothing left saves: its own check of the written file then
    ended in a ScenarioError traceback (and `fakecloud run` of it refused the file)."""
    path = tmp_path / "saved.yaml"
    path.write_text(SAVED_BY_A_FAILING_STEP)
    out = tmp_path / "m.yaml"
    shrink = ["shrink", str(path), "--seed", "0", "--target", "other", "-o", str(out)]
    assert cli([*shrink, "--no-progress"]) == 0
    assert "warning" not in capsys.readouterr().out
    assert [step.name for step in load(out).cases[0].steps] == ["lookup", "other"]


# Seed 13 lands the os-stop in createImage's window: a 500, and the image stays queued.
STOP_DURING_SNAPSHOT = """\
cloud:
  images: {cirros: {existing: cirros-0.6.2-x86_64-disk}}
  servers: {web: {body: {imageRef: "${images.cirros.id}", flavorRef: "1"}}}
steps:
  - name: snap
    microversion: "2.45"
    request: POST /servers/${servers.web.id}/action
    body: {createImage: {name: nightly}}
expect:
  invariants: all
explore:
  adversary:
    - {stop_server: web}
"""


class _Enough(BaseException):
    """Raised from a shrink's progress callback to end it after the runs a test compares
    (no Exception, which Hypothesis would take for a failure of its own to shrink)."""


def test_a_shrink_tries_the_same_runs_whatever_hypothesis_drew_before():
    """Hypothesis's shrinker draws from a generator the OS seeds once a process, unless told:
    two `fakecloud shrink` of seed 13 of this file ended at size 3 or 5 after 78 to 128 runs.
    Its draws now come from the seed. The generator's states 1 and 4 part at the 14th run
    (size 10 against 9), so the first 14 runs of each are compared."""
    from random import Random

    from hypothesis import core

    from fakecloud.explore.groups import check_key
    from fakecloud.explore.shrink import shrink

    ready = prepared(STOP_DURING_SNAPSHOT, "stop.yaml", "default")
    target = check_key(next(c for c in ready.play(13).failures if "stuck" in c.what))
    tried = []

    def first_runs(size):
        sizes.append(size)
        if len(sizes) == 14:
            raise _Enough

    before = core.threadlocal._hypothesis_global_random
    try:
        for state in (1, 4):
            core.threadlocal._hypothesis_global_random = Random(state)
            sizes: list[int] = []
            with pytest.raises(_Enough):
                shrink(ready, 13, target=target, on_run=first_runs)
            tried.append(sizes)
    finally:
        core.threadlocal._hypothesis_global_random = before
    assert tried[0] == tried[1]


def test_a_shrink_stopped_midway_goes_on_and_ends_where_one_never_stopped(
    shared_link, tmp_path, capsys
):
    """`fakecloud shrink` keeps every run in Hypothesis's example database (its folder:
    ``--database``): a shrink of seed 3 stopped after 30 of its runs (a Ctrl-C), then started
    again, answers the runs made from there and plays only the others, going the same way to
    the same smallest run as a shrink never stopped (the docs' minimal file: both steps, the
    link 0.1 % off its throughput), and says so. Before, a second shrink started again from
    the seed."""
    from fakecloud.explore.shrink import shrink
    from fakecloud.explore.shrink_runs import identity

    text = shared_link.read_text()
    ready = prepared(text, str(shared_link), "default")
    made = []

    def ctrl_c_after_30(smallest):
        made.append(smallest)
        if len(made) == 30:
            raise KeyboardInterrupt

    database = tmp_path / "db"
    named = identity(text, "default", None, None)
    with pytest.raises(KeyboardInterrupt):
        shrink(ready, 3, on_run=ctrl_c_after_30, database=database, identity=named)
    out = tmp_path / "m.yaml"
    argv = ["shrink", str(shared_link), "--seed", "3", "-o", str(out), "--database", str(database)]
    assert cli([*argv, "--no-progress"]) == 0
    shown = capsys.readouterr().out
    runs = re.search(r"seed 3: size 7 -> 3 \(.*; (\d+) runs\)", shown).group(1)
    earlier, played, of = re.search(
        r"went on from the (\d+) runs earlier shrinks of this seed kept in .*db: played (\d+) "
        r"of these (\d+) \(--no-database plays them all\)",
        shown,
    ).groups()
    assert of == runs and 15 < int(earlier) < 30 and int(played) < int(runs) - 15
    made = yaml.safe_load(out.read_text())["choices"]["made"]
    assert [(m["throughput"], m["value"]) for m in made] == [(5, 1)]
