"""`fakecloud explore`: seeds run, failures grouped with counts, a replay file per group."""

import json
import re
from dataclasses import replace
from xml.etree import ElementTree as ET

from fakecloud.cli import main as cli
from fakecloud.explore.runner import prepared
from tests.explore.conftest import ROOT

RACE = str(ROOT / "scenarios/races/concurrent_createimage_500.yaml")


def test_every_seed_that_breaks_is_grouped_counted_and_replayable(shared_link, tmp_path, capsys):
    out = tmp_path / "replays"
    report, junit = tmp_path / "r.json", tmp_path / "r.xml"
    code = cli(
        [
            "explore",
            str(shared_link),
            "--seeds",
            "12",
            "--jobs",
            "1",
            "-o",  # the short name of --out, as shrink's and report's -o
            str(out),
            "--json",
            str(report),
            "--junit",
            str(junit),
            "--no-progress",
        ]
    )
    assert code == 1
    text = capsys.readouterr().out
    assert "12 seeds, 0 passed, 12 broke something" in text
    assert "1. step small: finished at 2 s" in text
    assert "12 seeds: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 2 more" in text
    data = json.loads(report.read_text())
    (group,) = data["groups"]
    assert group["count"] == 12 and group["seeds"] == list(range(12))
    assert group["kind"] == "expectation"
    assert group["replay"] == f"fakecloud run {out / 'shared_link-group1.yaml'}"
    assert "warning" not in group["replay"]
    # the replay is a plain scenario file: `fakecloud run` breaks the same expectation again
    assert cli(["run", group["replay_file"]]) == 1
    assert "FAIL" in capsys.readouterr().out
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite.get("failures") == "1"
    assert suite.find("testcase/failure").get("message").endswith("(12 seeds)")


def test_run_ignores_the_explore_section_but_not_its_mistakes(shared_link, capsys):
    assert cli(["run", str(shared_link)]) == 0
    assert "PASS" in capsys.readouterr().out
    text = shared_link.read_text()
    shared_link.write_text(text + "  faults: [nope]\n")
    assert cli(["run", str(shared_link)]) == 2  # it ran and passed: the typo went unseen
    out = capsys.readouterr()
    assert "field explore.faults[0]: fault point 'nope' is no fault point" in out.err
    assert out.out == ""
    # an error name too, though no cloud is built to read it (the run stops before)
    bad = "  faults: [{point: cinder.snapshot.create, errors: [CinderBackendEror]}]\n"
    shared_link.write_text(text + bad)
    assert cli(["run", str(shared_link)]) == 2
    err = capsys.readouterr().err
    assert (
        ":22: field explore.faults[0].errors[0]: unknown error 'CinderBackendEror' (did you " in err
    )
    assert "mean 'CinderBackendError'?)" in err


def test_an_unknown_case_lists_the_valid_ones(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # the default --out's probe: not in the tree (conftest.py)
    # a library scenario's name is found as `fakecloud run` finds it
    for name in (RACE, "races/concurrent_createimage_500"):
        assert cli(["explore", name, "--case", "nope"]) == 2
        err = capsys.readouterr().err
        assert "no case 'nope'" in err
        assert "cases: seed-same_instant, upstream-same_instant, seed-half_a_second_later" in err
    assert cli(["shrink", "concurrent_createimage_50", "--seed", "1", "-o", "-"]) == 2
    assert "has several cases, give --case; cases: seed-same_instant" in capsys.readouterr().err


def test_bad_arguments_and_files_are_clear_errors(shared_link, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the default --out's probe: not in the tree (conftest.py)
    assert cli(["explore", str(shared_link), "--seeds", "0"]) == 2
    assert "--seeds must be at least 1" in capsys.readouterr().err
    assert cli(["explore", str(shared_link), "--seeds", str(10**30)]) == 2  # was OverflowError
    assert "--seeds must be at most 9223372036854775807" in capsys.readouterr().err
    assert cli(["explore", str(tmp_path / "missing.yaml")]) == 2
    assert "missing.yaml' is neither a file nor a library scenario" in capsys.readouterr().err


def test_a_local_pool_finds_exactly_what_a_serial_run_finds(shared_link, tmp_path, monkeypatch):
    import fakecloud.scenario.runner

    reports = []
    for jobs in ("1", "2"):
        if jobs == "2":  # the workers fork the world through its replica, the serial run did not
            monkeypatch.setattr(fakecloud.scenario.runner, "PLAN_AFTER_FORKS", 1)
        path = tmp_path / f"jobs{jobs}.json"
        cli(
            [
                "explore",
                str(shared_link),
                "--seeds",
                "6",
                "--jobs",
                jobs,
                "--no-progress",
                "--out",
                str(tmp_path / jobs),
                "--json",
                str(path),
            ]
        )
        data = json.loads(path.read_text())
        reports.append([(g["broke"], g["path"], g["seeds"]) for g in data["groups"]])
    assert reports[0] == reports[1] != []


def test_a_pool_gets_every_seed_once_and_the_last_batches_small():
    from fakecloud.explore.runner import batches

    sizes = {}
    for workers in (1, 2):
        work = list(batches("text", "f.yaml", "default", range(400), 25, workers))
        assert [s for b in work for s in b.seeds] == list(range(400))
        sizes[workers] = [len(b.seeds) for b in work]
    assert sizes[1] == [25] * 16
    # two workers: full batches first, then ever smaller ones, so both finish together
    assert max(sizes[2]) == 25 and sizes[2][-1] == 1 and sizes[2] == sorted(sizes[2], reverse=True)
    # cut finer for a local pool (Executor.spread 3): each at most the seeds left over 3 x 2
    work = list(batches("text", "f.yaml", "default", range(400), 25, 2, spread=3))
    assert [s for b in work for s in b.seeds] == list(range(400))
    assert all(len(b.seeds) <= -(-(400 - b.seeds[0]) // 6) for b in work)
    assert len(work) > len(sizes[2])


def test_a_spent_time_budget_starts_no_more_seeds_and_says_so(shared_link, tmp_path, capsys):
    """The budget stops a case after its first seed, never before: ``--time-budget 0`` (now
    refused) ran no seed and passed, whatever the scenario broke. The batch under way stops
    too: until session 44 the case's first batch ran whole (3 of the 12 seeds here; up to 50)."""
    argv = ["explore", str(shared_link), "--jobs", "1", "--no-progress", "--out", str(tmp_path)]
    assert cli([*argv, "--time-budget", "0"]) == 2
    assert "--time-budget: expected a number of seconds above 0" in capsys.readouterr().err
    code = cli([*argv, "--time-budget", "1e-9", "--json", str(tmp_path / "r.json")])
    out = capsys.readouterr().out
    assert "the time budget ran out before every seed ran (1 of 12)" in out
    assert code == 1 and "1 seed, 0 passed, 1 broke something" in out  # its first seed
    # --json says it too: of the seeds planned (until session 45 it had no such field)
    data = json.loads((tmp_path / "r.json").read_text())
    assert (data["seeds_run"], data["seeds_planned"], data["stopped_early"]) == (1, 12, True)
    assert [(c["seeds"], c["seeds_planned"]) for c in data["cases"]] == [(1, 12)]


def test_a_batch_under_way_starts_no_seed_once_the_budget_is_spent(shared_link):
    """A worker looks at the budget's end before each seed of its batch (`Batch.until`), so
    a sweep overshoots its budget by at most the seed each worker is running; a case's first
    seed runs whatever the time (`Batch.at_least`)."""
    import time

    from fakecloud.explore.runner import Batch, run_batch

    batch = Batch(shared_link.read_text(), str(shared_link), "default", (0, 1, 2))
    spent, later = time.time() - 1, time.time() + 3600
    assert [o.seed for o in run_batch(batch)] == [0, 1, 2]
    assert [o.seed for o in run_batch(replace(batch, until=later))] == [0, 1, 2]
    assert run_batch(replace(batch, until=spent)) == []
    assert [o.seed for o in run_batch(replace(batch, until=spent, at_least=1))] == [0]


def test_batches_are_planned_again_when_workers_join_mid_sweep(shared_link, tmp_path):
    """A Dask cluster of one worker joined by three once the first batch is back: the seeds
    left are cut for four (`runner.Plan`), not in the batches planned for one (until session
    44, so the sweep ended with one worker running a long batch alone). Whatever the batching,
    the report and the replay files are a serial run's."""
    from fakecloud.explore.runner import Executor, batch_size
    from fakecloud.explore.session import explore_file

    class Joining(Executor):
        """In this process, with the workers a cluster counts as its batches come back."""

        back = 0

        @property
        def known_workers(self):
            return 1 if self.back == 0 else 4

        def pairs(self, work, stop=lambda: False):
            for done in super().pairs(work, stop):
                self.back += 1
                yield done

    def explore(name, executor, sizes):
        ready = prepared(shared_link.read_text(), str(shared_link), "default")
        report = explore_file(
            shared_link.read_text(),
            str(shared_link),
            [ready.case],
            lambda case: range(16),
            executor=executor,
            on_batch=lambda case_id, outcomes: sizes.append(len(outcomes)),
            out_dir=tmp_path / name,
            batch_size=batch_size(16, 1),
            resize=batch_size,
        )
        files = {p.name: p.read_text() for p in (tmp_path / name).iterdir()}
        return json.dumps(report.as_json()).replace(str(tmp_path / name), "OUT"), files

    serial, joined = [], []
    assert explore("serial", Executor(), serial) == explore("joined", Joining(), joined)
    assert serial == [4, 4, 4, 4]
    assert joined == [4] + [1] * 12  # 12 left over 4 workers, four batches each: 1 seed


def test_more_jobs_than_seeds_start_no_more_workers_than_seeds(shared_link, tmp_path, monkeypatch):
    import fakecloud.explore.cli as explore_cli

    started = []

    def executor(jobs, scheduler=None, note=None):
        started.append(jobs)  # then stop: running the seed is not what this checks
        raise explore_cli.ClusterUnavailable("stopped by the test")

    monkeypatch.setattr(explore_cli, "Executor", executor)
    argv = ["explore", str(shared_link), "--seeds", "1", "--jobs", "256", "--no-progress"]
    assert cli([*argv, "--out", str(tmp_path)]) == 2
    assert started == [1]  # a fork pool would have started 256 processes at once


def test_a_many_case_file_is_one_run_of_batches_on_one_worker_reported_in_order(
    shared_link, monkeypatch
):
    """`--jobs 2` on a file of several cases forks one worker, which goes on to the next case
    while this process finishes the last one's seeds; the report is the serial run's."""
    import fakecloud.explore.pool as pool
    from fakecloud.explore.runner import Executor
    from fakecloud.explore.session import explore_file
    from fakecloud.scenario.loader import loads

    forked = []

    class Counted(pool._Worker):
        def __init__(self, *args):
            forked.append(self)
            super().__init__(*args)

    monkeypatch.setattr(pool, "_Worker", Counted)
    text = shared_link.read_text().replace("steps:", "matrix: {big: [100, 200, 300]}\nsteps:", 1)
    text = text.replace("size_mb: 300", 'size_mb: "${big}"')
    cases = loads(text, "three.yaml").cases
    reports = []
    for jobs in (1, 2):
        with Executor(jobs) as executor:
            run = explore_file(text, "three.yaml", cases, lambda c: range(4), executor=executor)
        reports.append(run.as_json())
    assert len(forked) == 1 and len(cases) == 3
    assert reports[0] == reports[1]
    assert [(c["case"], c["seeds"]) for c in reports[1]["cases"]] == [(c.id, 4) for c in cases]
    assert [c["failed"] for c in reports[1]["cases"]] != [0, 0, 0]


def test_one_thing_broken_by_many_paths_is_summed_up_before_the_groups():
    # Many faults and actions drawn make a path per seed: the distinct violations come first.
    from fakecloud.explore.cli import render
    from fakecloud.explore.groups import Broken, SeedOutcome, group
    from fakecloud.explore.session import CaseReport, Report

    one, other = ("fault a: X", "adversary-1: DELETE /x"), ("adversary-1: DELETE /x", "fault a: X")
    frozen, late = "invariant no_frozen_guest", "invariant no_unexpected_500"
    outcomes = [
        SeedOutcome("default", 0, (Broken(frozen, path=one),)),
        SeedOutcome("default", 1, (Broken(frozen, path=other), Broken(late, path=other))),
        SeedOutcome("default", 2, (Broken(late, path=one),)),
    ]
    case = CaseReport("default", "faults at a", seeds=[0, 1, 2], failed=[0, 1, 2])
    case.groups = group(outcomes)
    lines = render(Report("x.yaml", [case])).splitlines()
    assert lines[2:4] == [
        "  what broke: invariant no_frozen_guest in 2 seeds (2 groups); "
        "invariant no_unexpected_500 in 2 seeds (2 groups)",
        "  4 groups by what broke and how:",
    ]
    # one path per thing broken: no summing up
    case.groups = group(outcomes[:1])
    assert "what broke:" not in render(Report("x.yaml", [case]))


def test_the_seeds_per_second_are_over_the_seeds_not_the_replays_shrunk_after_them():
    # --shrink runs each group's seed dozens of times after the sweep: 30 seeds in 17.8 s
    # read as 1.7 seeds/s where the seeds themselves had taken 0.6 s
    from fakecloud.explore.cli import render
    from fakecloud.explore.session import CaseReport, Report

    case = CaseReport("default", "tie order", seeds=list(range(30)))
    shrunk = Report("x.yaml", [case], elapsed_s=17.8, seeds_s=0.6)
    assert render(shrunk).splitlines()[-1] == (
        "30 seeds in 0.6 s (50 seeds/s), 17.8 s with the groups' replay files"
    )
    plain = Report("x.yaml", [case], elapsed_s=1.3, seeds_s=0.6)
    assert render(plain).splitlines()[-1] == "30 seeds in 0.6 s (50 seeds/s)"


def test_a_fault_point_no_seed_reached_is_named(shared_link, capsys, tmp_path):
    """A point of another flow (Nova's Cinder client, in a file of bare transfers) never
    fires: the report says so rather than leaving the reader to think it was tried."""
    text = shared_link.read_text()
    faults = "  faults: [{point: io.transfer, likelihood: 0.01}, volume_api.get]\n"
    shared_link.write_text(text + faults)
    argv = ["explore", str(shared_link), "--seeds", "2", "--jobs", "1", "--no-progress"]
    assert cli([*argv, "--out", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "faults at io.transfer, volume_api.get" in out
    assert "never consulted: volume_api.get (no seed's run reached it" in out


def test_a_detail_too_long_for_its_line_says_it_was_cut():
    # quota_race's group 1 ended '... of volume b/vda (available) is referenced by no': cut at
    # 150 characters mid-sentence, with nothing to say so (session 38's new user)
    from fakecloud.explore.cli import render
    from fakecloud.explore.groups import Broken, SeedOutcome, group
    from fakecloud.explore.session import CaseReport, Report

    orphan = "no_orphan_volume_snapshot: volume snapshot b/vda@adversary-snapshot: 'snapshot for "
    orphan += "adversary-snapshot' of volume b/vda (available) is referenced by no image"
    broken = Broken("invariant no_orphan_volume_snapshot", details=(orphan, orphan[:140]))
    case = CaseReport("default", "tie order", seeds=[0], failed=[0])
    case.groups = group([SeedOutcome("default", 0, (broken,))])
    lines = render(Report("x.yaml", [case])).splitlines()
    assert lines[4] == f"       {orphan[:149]}…" and len(lines[4]) == 7 + 150
    assert lines[5] == f"       {orphan[:140]}"  # one that fits is whole


def test_a_fault_point_reached_only_where_it_cannot_fire_says_so(capsys, tmp_path, monkeypatch):
    """``partway`` alone at an empty transfer draws nothing (it has no middle): the point was
    reached, so the report says why it never fired instead of 'no seed's run reached it'."""
    monkeypatch.chdir(tmp_path)  # the default --out's probe: not in the tree (conftest.py)
    path = tmp_path / "empty.yaml"
    path.write_text(
        "name: empty\n"
        "steps:\n  - {name: empty, transfer: {label: empty, size_mb: 0,"
        " path: [{name: link, mb_per_s: 100}]}}\n"
        "explore:\n  chance: {rpc_delay: false, tie_order: false, throughput_jitter: false}\n"
        "  faults: [{point: io.transfer, errors: [partway], likelihood: 1}]\n"
    )
    assert cli(["explore", str(path), "--seeds", "2", "--jobs", "1", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "never consulted: io.transfer (reached only by empty transfers" in out
    assert "no seed's run reached it" not in out


def test_explore_on_another_profile_writes_it_into_the_replay(
    shared_link, tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # the default --out's probe: not in the tree (conftest.py)
    # a bug's scenario explored on the release that fixed it, as fakecloud run --profile runs it
    out, trace = tmp_path / "replays", tmp_path / "t.jsonl"
    argv = ["explore", str(shared_link), "--seeds", "1", "--jobs", "1", "--no-progress"]
    assert cli([*argv, "--profile", "nova-17.0.13", "--out", str(out)]) == 1
    capsys.readouterr()
    replay = out / "shared_link-group1.yaml"
    text = replay.read_text()
    assert "# found by: fakecloud explore " in text and " --profile nova-17.0.13, seed 0;" in text
    assert "\ncloud:\n  seed: 0\n  profile: nova-17.0.13\n" in text
    # a plain run of the file replays it on that profile, no option needed
    assert cli(["run", str(replay), "--trace", str(trace)]) == 1
    assert (
        '"kind":"scenario.start","actor":"scenario","subject":"time zero","seed":0,'
        '"profile":"nova-17.0.13"' in trace.read_text()
    )
    for command in (argv, ["shrink", str(shared_link), "--seed", "0", "-o", str(tmp_path / "m")]):
        assert cli([*command, "--profile", "17.0.1"]) == 2
        err = capsys.readouterr().err
        assert (
            f"fakecloud {command[0]}: --profile: unknown profile '17.0.1' (did you mean "
            "'nova-17.0.1'?)" in err
        )
    assert not (tmp_path / "m").exists()


def test_seeds_finishing_late_at_different_times_are_one_group(shared_link, tmp_path, capsys):
    # `finished_by` broken at 12 idle times: one group (was one a seed, the time in its name)
    text = shared_link.read_text().replace("    expect: {finished_at: 2}\n", "")
    shared_link.write_text(text.replace("expect:\n", "expect:\n  finished_by: 3\n"))
    report, junit = tmp_path / "r.json", tmp_path / "r.xml"
    args = ["explore", str(shared_link), "--jobs", "1", "--no-progress", "--out", str(tmp_path)]
    assert cli([*args, "--json", str(report), "--junit", str(junit)]) == 1
    capsys.readouterr()
    (group,) = json.loads(report.read_text())["groups"]
    assert group["broke"] == f"finished by t=3 ({shared_link}:16)"
    assert group["count"] == 12 and group["details"][0].startswith("idle at t=")
    names = [t.get("name") for t in ET.parse(junit).getroot().iter("testcase")]
    assert names == ["default: seeds that pass", f"default: {group['broke']}"]


UNNAMED_SNAPSHOT = """\
name: unnamed-snapshot
cloud:
  images: {cirros: {existing: cirros-0.6.2-x86_64-disk}}
  servers: {web: {body: {imageRef: "${images.cirros.id}", flavorRef: "1"}}}
steps:
  - name: snap
    microversion: "2.45"
    request: POST /servers/${servers.web.id}/action
    body: {createImage: {}}
    expect: {status: 202}
    save: {images.nightly.id: body.image_id}
expect:
  state:
    - request: GET /v2/images/${images.nightly.id}
      expect: {body: {status: active}}
  trace:
    - present: {kind: state, subject: "${images.nightly.id}", new: active}
explore:
  seeds: 1
"""


def test_what_broke_only_because_a_step_failed_is_under_that_steps_group(tmp_path, capsys):
    scenario = tmp_path / "unnamed.yaml"
    scenario.write_text(UNNAMED_SNAPSHOT)
    report, junit = tmp_path / "r.json", tmp_path / "r.xml"
    args = ["--jobs", "1", "--no-progress", "--out", str(tmp_path / "replays")]
    code = cli(["explore", str(scenario), *args, "--json", str(report), "--junit", str(junit)])
    assert code == 1
    text = capsys.readouterr().out
    assert "1 group by what broke and how:" in text
    (group,) = json.loads(report.read_text())["groups"]
    assert group["broke"] == f"step snap: status 202 ({scenario}:10)"
    assert group["details"][0].startswith("status: expected 202, got 400")
    assert [(c["broke"], c["seeds"]) for c in group["consequences"]] == [
        (
            f"step snap: save images.nightly.id: body.image_id: no 'image_id' (has badRequest)"
            f" ({scenario}:6)",
            [0],
        ),
        (f"state: GET /v2/images/${{images.nightly.id}} ({scenario}:14)", [0]),
        (f"trace present ({scenario}:17)", [0]),
    ]
    assert text.count("and its consequence: ") == 3
    failure = ET.parse(junit).getroot().find("testsuite/testcase/failure").text
    assert failure.count("and its consequence: ") == 3
    # the replay breaks the cause and each consequence again
    assert cli(["run", group["replay_file"]]) == 1
    shown = capsys.readouterr().out
    assert re.search(r"FAILED: 4 of \d+ expectations failed", shown)
    # a bug hunt listing the step alone: its unnamed state check, a consequence, is not listed;
    # the JUnit report fails its group as the exit status (and the pytest item) do
    scenario.write_text(UNNAMED_SNAPSHOT + "  finds: [snap]\n")
    assert cli(["explore", str(scenario), *args, "--junit", str(junit)]) == 1
    assert "found state: GET" in capsys.readouterr().out
    failed = {
        t.get("name"): t.find("failure") is not None for t in ET.parse(junit).iter("testcase")
    }
    assert failed[f"default: step snap: status 202 ({scenario}:10)"] is True


def test_a_bug_hunt_that_finds_what_it_lists_passes_in_its_status_and_junit(
    shared_link, tmp_path, capsys
):
    # as its pytest item: a listed find passes, a listed find no seed broke fails
    junit = tmp_path / "r.xml"
    args = ["explore", str(shared_link), "--seeds", "2", "--jobs", "1", "--no-progress"]
    args += ["--out", str(tmp_path), "--junit", str(junit)]
    for finds, status, failed in (("[small]", 0, []), ("[small, no_frozen_guest]", 1, ["f"])):
        shared_link.write_text(shared_link.read_text().split("  finds:")[0] + f"  finds: {finds}\n")
        assert cli(args) == status
        assert "bug hunt (finds: small" in capsys.readouterr().out
        tests = {
            t.get("name"): t.find("failure") is not None for t in ET.parse(junit).iter("testcase")
        }
        assert tests.pop(f"default: step small: finished at 2 s ({shared_link}:14)") is False
        assert tests == {"default: seeds that pass": False} | (
            {"default: finds invariant no_frozen_guest": True} if failed else {}
        )


BACKUP_STEPS = """\
steps:
  - name: snap
    request: POST /servers/${servers.web.id}/action
    body: {createImage: {name: first}}
    expect: {status: 202}
  - name: backup
    on: {trace: {kind: http.request, actor: nova-api, subject: POST /v2/images}}
    request: POST /servers/${servers.web.id}/action
    body: {createBackup: {name: bk, backup_type: daily, rotation: 1}}
    expect: {status: 202}
explore:
  seeds: 1
"""
BACKUP_LOSES = UNNAMED_SNAPSHOT.split("steps:")[0] + BACKUP_STEPS  # its world: built once


def test_a_steps_own_unexpected_500_is_a_consequence_of_its_status_check(tmp_path):
    # createImage and createBackup claiming one server: the loser's answer is Nova's 500
    # (scenarios/bugs/createbackup_during_createimage_500.yaml), its api.error that answer;
    # seed 0's tie order has createImage lose
    scenario = tmp_path / "backup.yaml"
    scenario.write_text(BACKUP_LOSES)
    report = tmp_path / "r.json"
    args = ["--jobs", "1", "--no-progress", "--out", str(tmp_path / "replays")]
    assert cli(["explore", str(scenario), *args, "--json", str(report)]) == 1
    groups = json.loads(report.read_text())["groups"]
    assert [(g["broke"], [c["broke"] for c in g.get("consequences", [])]) for g in groups] == [
        ("invariant no_stuck_snapshot_image", []),  # the leaked image broke on its own
        (f"step snap: status 202 ({scenario}:9)", ["invariant no_unexpected_500"]),
    ]


def test_a_flow_asserting_nominal_times_without_an_explore_section_explores_tie_orders(
    tmp_path, capsys
):
    """A file with no explore: section states its times from nominal speeds (its managed save
    and restore `duration_s: 5.36870912`, 5 GiB at 1 GiB/s): under RPC delays and throughput
    jitter every seed broke them (5 groups in 20 seeds, each a time), so `fakecloud explore
    scenarios/flows` said 12 of 22 flows broke. Such a case explores the order of ties alone,
    and its chance line says why; its checks all hold."""
    argv = ["explore", "flows/image_backed_cold_managed_save", "--seeds", "1", "--jobs", "1"]
    assert cli([*argv, "--no-progress", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "1 seed, 1 passed, 0 broke something" in out
    assert (
        "  chance: tie order; no rpc delays or throughput jitter: "
        "flows/image_backed_cold_managed_save.yaml:34 asserts a time at nominal speeds and the "
        "file has no explore: section (one with chance: moves times)"
    ) in out


def test_several_files_and_folders_are_one_report_with_stable_names(
    shared_link, tmp_path, capsys, monkeypatch
):
    """`fakecloud explore` takes files and folders as `fakecloud run` does: one report, one
    exit status, `--json` and `--junit` grouped per file. A file below the working directory
    is named relative to it however it was typed (here by an absolute folder), in the report,
    the JUnit suites and classnames (dotted as pytest's own JUnit report names a test file's
    class) and the replay files' comments; two files of one stem keep their replays apart."""
    for folder, jitter in (("a", "0.2"), ("b", "0")):  # b's uploads run at nominal speed
        (tmp_path / "hunts" / folder).mkdir(parents=True)
        text = shared_link.read_text().replace(
            "throughput_jitter: 0.2", f"throughput_jitter: {jitter}"
        )
        (tmp_path / "hunts" / folder / "shared_link.yaml").write_text(text)
    (tmp_path / "hunts" / "ci.yaml").write_text("jobs: {test: {runs-on: linux}}\n")
    monkeypatch.chdir(tmp_path)
    report, junit = tmp_path / "r.json", tmp_path / "r.xml"
    argv = ["explore", str(tmp_path / "hunts"), "--seeds", "1", "--jobs", "1", "--no-progress"]
    assert cli([*argv, "--out", "out", "--json", str(report), "--junit", str(junit)]) == 1
    out = capsys.readouterr()
    assert "skipped" in out.err and "ci.yaml: not a scenario" in out.err
    lines = out.out.splitlines()
    assert lines[0] == "hunts/a/shared_link.yaml: 1 seed, 0 passed, 1 broke something"
    assert "hunts/b/shared_link.yaml: 1 seed, 1 passed, 0 broke something" in lines
    assert re.fullmatch(r"2 files, 1 failing: 2 seeds in [0-9.]+ s \(.*seeds/s\)", lines[-1])
    data = json.loads(report.read_text())
    assert (data["seeds_run"], data["seeds_planned"], data["broke"]) == (2, 2, True)
    assert [f["file"] for f in data["files"]] == [
        "hunts/a/shared_link.yaml",
        "hunts/b/shared_link.yaml",
    ]
    suites = ET.parse(junit).getroot().findall("testsuite")
    assert [s.get("name") for s in suites] == [
        "hunts/a/shared_link.yaml::default",
        "hunts/b/shared_link.yaml::default",
    ]
    assert {c.get("classname") for c in suites[0]} == {"hunts.a.shared_link.yaml"}
    replay = tmp_path / "out" / "hunts-a-shared_link-group1.yaml"
    assert "# found by: fakecloud explore hunts/a/shared_link.yaml, seed 0" in replay.read_text()
    assert [p.name for p in (tmp_path / "out").iterdir()] == [replay.name]  # b broke nothing


def test_the_seeds_per_second_leave_out_an_earlier_cases_replays_and_shrinks(shared_link, tmp_path):
    """While a later case's seeds run, this process writes (and with --shrink, shrinks) the
    earlier cases' replay files: that time was counted as the seeds', so a many-case --shrink
    sweep showed a rate several times too low. Here a clock on which only writing a replay file
    takes time (100 s each): the seeds took none of it."""
    from fakecloud.explore.session import explore_file
    from fakecloud.scenario.loader import loads

    text = shared_link.read_text().replace("steps:", "matrix: {big: [300, 400]}\nsteps:", 1)
    text = text.replace("size_mb: 300", 'size_mb: "${big}"')
    cases = loads(text, "two.yaml").cases
    out = tmp_path / "out"

    def replays_written() -> float:
        return 100.0 * len(list(out.glob("*.yaml"))) if out.exists() else 0.0

    report = explore_file(
        text, "two.yaml", cases, lambda c: [0], out_dir=out, clock=replays_written
    )
    assert [len(c.groups) for c in report.cases] == [1, 1]
    assert (report.seeds_s, report.elapsed_s) == (0.0, 200.0)
