"""``fakecloud bisect``: series by series, each flip found with both neighbours run."""

from fakecloud.cli import main
from fakecloud.profiles import SWITCHES, release
from fakecloud.profiles.bisect import Outcome, bisect, profile_for, report


def _runner(bad, ran):
    """A run that fails exactly on the releases where `bad(release)` holds (no cloud)."""

    def run(profile):
        ran.append(profile)
        name = profile.removeprefix("nova-").removesuffix("+vendor")
        return Outcome("fails" if bad(release(name)) else "passes")

    return run


def test_a_fix_in_several_series_is_found_in_each_with_its_neighbours_run():
    bug = SWITCHES["lp1878583"]  # present 17.0.0-19.2.0, 20.0.0-20.3.0, 21.0.0
    ran = []
    results = bisect(_runner(bug.value_at, ran), "seed", "17.0.0", "22.4.0")
    by_series = {r.name: r for r in results}
    assert [(a.name, b.name) for a, b in by_series["Stein"].flips] == [("19.2.0", "19.3.0")]
    assert [(a.name, b.name) for a, b in by_series["Train"].flips] == [("20.3.0", "20.4.0")]
    assert [(a.name, b.name) for a, b in by_series["Ussuri"].flips] == [("21.0.0", "21.1.0")]
    for res in results:
        for a, b in res.flips:  # both sides of each flip were run, not inferred
            assert {a.name, b.name} <= set(res.runs)
    assert by_series["Queens"].sentence().startswith("fails in every release")
    assert by_series["Stein"].sentence().startswith("fails in 19.0.0 to 19.2.0; passes from 19.3.0")
    assert all(p.endswith("+vendor") for p in ran)  # the seed keeps its vendor branch
    assert len(ran) < 40  # bisected, not every one of the 60 releases
    text = report(results)
    # The fix merged on master (cfde53e4b4) is first in 22.0.0; each backport is its branch's.
    # 19.3.2 against 20.0.0 compared two branches: "fails from 20.0.0" read as a regression.
    assert text.endswith(
        "The outcome changes:\n"
        "  on master: passes from 22.0.0 (fails in 21.0.0)\n"
        "  on stable/stein: passes from 19.3.0 (fails in 19.2.0)\n"
        "  on stable/train: passes from 20.4.0 (fails in 20.3.0)\n"
        "  on stable/ussuri: passes from 21.1.0 (fails in 21.0.0)"
    )


def test_an_outcome_s_reasons_are_told_once():
    """LP #1717547's bisect repeated its five failed expectations on each of three lines."""
    bug = SWITCHES["lp1717547"]  # fixed 19.0.0, backports 17.0.11 and 18.2.1
    failed = ("step snap: status 202", "invariant no_unexpected_500")

    def run(profile):
        fixed = not bug.value_at(release(profile.removeprefix("nova-")))
        return Outcome("passes") if fixed else Outcome("fails", ", ".join(failed), failed)

    text = report(bisect(run, "nova-18.2.0", "17.0.0", "19.0.0"))
    assert text.endswith(
        "The outcome changes:\n"
        "  on master: passes from 19.0.0 (fails (step snap: status 202, invariant "
        "no_unexpected_500) in 18.0.0)\n"
        "  on stable/queens: passes from 17.0.11 (fails (as above) in 17.0.10)\n"
        "  on stable/rocky: passes from 18.2.1 (fails (as above) in 18.2.0)"
    )


def test_a_search_from_inside_a_series_does_not_call_its_start_master():
    bug = SWITCHES["lp1754071"]  # 17.0.0-17.0.13, fixed in 18.0.0 only
    text = report(bisect(_runner(bug.value_at, []), "seed", "17.0.5", "18.0.0"))
    last = "\n  between Queens and Rocky: passes from 18.0.0 (fails in 17.0.5)"
    assert text.endswith("The outcome changes:" + last)


def test_a_fix_and_a_later_regression_in_one_series_need_every_release_run():
    def bad(r):
        return not (release("17.0.3") <= r < release("17.0.9"))

    ran = []
    (queens,) = bisect(_runner(bad, ran), "nova-17.0.0", "17.0.0", "17.0.13")
    assert (queens.flips, len(ran)) == ([], 2)  # both ends fail: bisection sees no change
    (queens,) = bisect(_runner(bad, ran), "nova-17.0.0", "17.0.0", "17.0.13", every=True)
    assert [(a.name, b.name) for a, b in queens.flips] == [
        ("17.0.2", "17.0.3"),
        ("17.0.8", "17.0.9"),
    ]
    assert queens.sentence().startswith("fails in 17.0.0 to 17.0.2; passes from 17.0.3; fails from")
    assert profile_for("upstream", release("20.0.0")) == "nova-20.0.0"


def test_one_release_searched_is_one_run():
    """``--from 20.0.0 --to 20.0.0`` printed "1 runs." (explore's "1 seeds", "1 seed(s)")."""
    results = bisect(_runner(lambda r: False, []), "seed", "20.0.0", "20.0.0")
    assert "\n1 run.\n" in report(results)


def test_the_command_reports_where_the_lp1731986_scenario_changes(capsys):
    status = main(
        [
            "bisect",
            "scenarios/bugs/lp1731986_thaw_on_snapshot_failure.yaml",
            "--case",
            "bug_on",
            "--to",
            "17.0.2",
        ]
    )
    out = capsys.readouterr().out
    assert status == 0
    assert "Queens  passes in 17.0.0; fails from 17.0.1 (ran 17.0.0, 17.0.1, 17.0.2)" in out
    assert "3 runs." in out
    # the project's id named as the report of fakecloud run names it (was its 32 hex digits)
    assert "fails (state: GET /v3/demo/snapshots (the first volume's snapshot is left" in out


def test_a_failed_set_up_is_told_by_its_request_and_status(capsys):
    """LP #1852106's trigger, a boot from an encrypted volume's image, is refused from 20.2.0
    (LP #1863611's Train backport): the outcome read "fails (setup)", which said nothing of what
    failed."""
    argv = ["bisect", "lp1852106_encryption_key_inherited", "--case", "bug_on"]
    assert main([*argv, "--from", "20.1.1", "--to", "20.2.0"]) == 0
    assert capsys.readouterr().out.endswith(
        "  on stable/train: fails (setup servers.web: POST /v2.1/servers answered 400) "
        "from 20.2.0 (passes in 20.1.1)\n"
    )


def test_bad_arguments_are_clear_errors(capsys):
    file = "scenarios/bugs/lp1731986_thaw_on_snapshot_failure.yaml"
    assert main(["bisect", file]) == 2
    assert "choose one with --case: bug_on, bug_off" in capsys.readouterr().err
    assert main(["bisect", file, "--case", "bug_on", "--to", "17.0.99"]) == 2
    assert "unknown Nova release 17.0.99" in capsys.readouterr().err
    assert main(["bisect", file, "--case", "nope"]) == 2
    assert "no case 'nope'" in capsys.readouterr().err


def test_a_fix_that_leaves_another_expectation_failing_is_a_flip():
    # A shrunk replay of LP #1731986 breaks no_frozen_guest and no_unexpected_500 on 17.0.0;
    # the Queens backport (7ab98b5345, 17.0.1) thaws the guest, the 500 stays: both runs
    # "fail", and bisection must still find 17.0.1.
    both = ("invariant no_unexpected_500", "invariant no_frozen_guest")

    def run(profile):
        failed = both if profile == "nova-17.0.0" else both[:1]
        return Outcome("fails", ", ".join(failed), failed)

    (queens,) = bisect(run, "nova-17.0.0", "17.0.0", "17.0.13")
    assert [(a.name, b.name) for a, b in queens.flips] == [("17.0.0", "17.0.1")]
    assert queens.sentence().startswith(
        "fails (invariant no_unexpected_500, invariant no_frozen_guest) in 17.0.0; "
        "fails (invariant no_unexpected_500) from 17.0.1"
    )
