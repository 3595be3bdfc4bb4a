"""``fakecloud bisect``: where a scenario's outcome changes across the Nova releases.

    fakecloud bisect scenarios/bugs/lp1731986_thaw_on_snapshot_failure.yaml --case bug_on
    fakecloud bisect FILE --case ID --from 17.0.0 --to 20.6.1 [--every]

A fix often reaches several stable series, so the search is series by series: the first and the
last release of each series are run; when their outcomes differ, the series is bisected down to
the release where the outcome flips, and the releases on both sides of each flip are run (never
inferred). The rest of the series is then searched the same way from that release. A fix and a
later regression in one series, with the same outcome at both ends, are invisible to bisection:
``--every`` runs every release instead.

A release is run as the case's profile with its release replaced (``nova-X.Y.Z``; a case on the
vendor branch, ``seed`` included, keeps it: ``nova-X.Y.Z+vendor``). Switches and bugs the case
names stay on top. The outcome of a run is ``passes``, ``fails`` (expectations failed: which
ones is part of the outcome, so a fix that leaves another expectation failing - a replay that
breaks two invariants, one fixed in 17.0.1 - is a flip too) or ``error`` (the file cannot run
on that release).
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fakecloud.cli_args import case_argument, file_and_case, path_argument
from fakecloud.errors import ConfigError
from fakecloud.humanize import counted
from fakecloud.profiles.releases import RELEASES, SERIES, Release, release
from fakecloud.profiles.resolve import resolve
from fakecloud.suggest import did_you_mean


@dataclass(frozen=True)
class Outcome:
    """One run: its verdict (``passes``/``fails``/``error``), the reason shown, if any, and
    (``fails``) the expectations that failed, in the file's order."""

    verdict: str
    detail: str = ""
    failed: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, tuple[str, ...]]:
        """What two runs must share to have the same outcome."""
        return self.verdict, self.failed

    def __str__(self) -> str:
        return self.verdict + (f" ({self.detail})" if self.detail else "")


@dataclass
class SeriesResult:
    """What one series showed: the releases run, in release order, and the flips."""

    name: str
    releases: list[Release]
    runs: dict[str, Outcome] = field(default_factory=dict)
    flips: list[tuple[Release, Release]] = field(default_factory=list)

    def sentence(self) -> str:
        """``fails in 17.0.0; passes from 17.0.1`` (each flip's neighbours were both run)."""
        first = self.releases[0]
        if not self.flips:
            return f"{self.runs[first.name].verdict} in every release (ran {self._ran()})"
        parts = [f"{self._said(first, self.flips[0][1])} in {first.name}"]
        if self.flips[0][0] != first:
            parts[0] += f" to {self.flips[0][0].name}"
        for before, after in self.flips:
            parts.append(f"{self._said(after, before)} from {after.name}")
        return "; ".join(parts) + f" (ran {self._ran()})"

    def _said(self, r: Release, other: Release) -> str:
        """`r`'s verdict, with its reasons when `other`'s verdict is the same word."""
        outcome = self.runs[r.name]
        return str(outcome) if outcome.verdict == self.runs[other.name].verdict else outcome.verdict

    def _ran(self) -> str:
        return ", ".join(r.name for r in self.releases if r.name in self.runs)


def profile_for(case_profile: str, r: Release) -> str:
    """The profile name that runs the case's profile as release `r`."""
    vendor = resolve(case_profile).vendor
    return f"nova-{r.name}{'+vendor' if vendor else ''}"


def bisect(
    run: Callable[[str], Outcome],
    case_profile: str,
    first: str = RELEASES[0].name,
    last: str = RELEASES[-1].name,
    every: bool = False,
) -> list[SeriesResult]:
    """Search every series between `first` and `last`; `run(profile)` runs the case once.
    With `every`, each release is run and every change between neighbours is a flip."""
    lo, hi = release(first), release(last)
    if lo > hi:
        raise ConfigError(f"--from {first} is after --to {last}")
    results = []
    for major, series in SERIES.items():
        rels = [r for r in RELEASES if r.major == major and lo <= r <= hi]
        if not rels:
            continue
        res = SeriesResult(series.name, rels)

        def outcome(i: int, res: SeriesResult = res) -> Outcome:
            r = res.releases[i]
            if r.name not in res.runs:
                res.runs[r.name] = run(profile_for(case_profile, r))
            return res.runs[r.name]

        start, end = 0, len(rels) - 1
        outcome(start)
        if every:
            for i in range(1, len(rels)):
                if outcome(i).key != outcome(i - 1).key:
                    res.flips.append((rels[i - 1], rels[i]))
            results.append(res)
            continue
        while start < end and outcome(start).key != outcome(end).key:
            # the first release in (start, end] whose outcome differs from start's
            a, b = start, end
            while b - a > 1:
                mid = (a + b) // 2
                if outcome(mid).key == outcome(start).key:
                    a = mid
                else:
                    b = mid
            res.flips.append((rels[a], rels[b]))
            start = b
        results.append(res)
    return results


def report(results: list[SeriesResult]) -> str:
    """The text ``fakecloud bisect`` prints: one line per series, then where it changed.

    Where it changed is told as Nova's branches hold it: on master, between the first releases of
    consecutive series (each ``X.0.0`` is cut from master, so a fix merged there is first in the
    series that ``git tag --contains FIXSHA`` names first), then on each stable branch, its flips
    (a backport, or a regression of that branch alone). A series' last release against the next
    one's first compares two branches and says nothing by itself: 17.0.13 has a backport 18.0.0,
    cut before the fix merged, lacks."""
    width = max(len(r.name) for r in results)
    lines = [f"  {r.name:<{width}}  {r.sentence()}" for r in results]
    flips = [
        (_branch(before, after), before.runs[a.name], a, after.runs[b.name], b)
        for before, after in itertools.pairwise(results)
        for a, b in [(before.releases[0], after.releases[0])]
        if before.runs[a.name].key != after.runs[b.name].key
    ]
    for res in results:
        branch = f"on stable/{SERIES[res.releases[0].major].short.lower()}"
        flips += [(branch, res.runs[a.name], a, res.runs[b.name], b) for a, b in res.flips]
    told: set[tuple[str, tuple[str, ...]]] = set()

    def said(outcome: Outcome) -> str:
        """An outcome's reasons the first time, then ``(as above)``: a fix backported to two
        branches repeated its list of failed expectations on three lines of ~250 columns."""
        if outcome.key in told and outcome.detail:
            return f"{outcome.verdict} (as above)"
        told.add(outcome.key)
        return str(outcome)

    changes = []
    for branch, was, a, now, b in flips:
        now_said = said(now)
        changes.append(f"{branch}: {now_said} from {b.name} ({said(was)} in {a.name})")
    total = sum(len(r.runs) for r in results)
    lines += ["", f"{counted(total, 'run')}."]
    if changes:
        lines.append("The outcome changes:")
        lines += [f"  {change}" for change in changes]
    else:
        lines.append("The outcome is the same in every release searched.")
    return "\n".join(lines)


def _branch(before: SeriesResult, after: SeriesResult) -> str:
    """``on master`` when both series were searched from their ``X.0.0``, else ``between Queens
    and Rocky`` (``--from 17.0.5`` starts Queens on its stable branch)."""
    a, b = before.releases[0], after.releases[0]
    if a.version[1:] == b.version[1:] == (0, 0):
        return "on master"
    return f"between {before.name} and {after.name}"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="fakecloud bisect",
        description="Run a scenario case across the Nova releases and report, series by "
        "series, the releases where its outcome (passes, fails, error) changes.",
    )
    p.add_argument(
        "file", metavar="FILE", type=path_argument, help="a scenario file or library scenario name"
    )
    p.add_argument(
        "--case",
        metavar="ID",
        type=case_argument,
        help="the case to run (needed when there are several)",
    )
    p.add_argument("--seed", type=int, help="seed of every run (default: the file's)")
    p.add_argument(
        "--from",
        dest="first",
        default=RELEASES[0].name,
        metavar="X.Y.Z",
        help="first release searched (default: 17.0.0)",
    )
    p.add_argument(
        "--to",
        dest="last",
        default=RELEASES[-1].name,
        metavar="X.Y.Z",
        help="last release searched (default: 34.0.0)",
    )
    p.add_argument(
        "--every",
        action="store_true",
        help="run every release instead of bisecting each series (sees a fix and a later "
        "regression inside one series even when its first and last releases agree)",
    )
    return p


def _pick_case(cases: list[Any], wanted: str | None) -> Any:
    ids = [c.id for c in cases]
    if wanted is None:
        if len(cases) == 1:
            return cases[0]
        raise ConfigError(
            f"the file has {len(cases)} cases; choose one with --case: {', '.join(ids)}"
        )
    for case in cases:
        if case.id == wanted:
            return case
    raise ConfigError(f"no case {wanted!r}{did_you_mean(wanted, ids)}; cases: {', '.join(ids)}")


def runner_for(case: Any, seed: int | None = None) -> Callable[[str], Outcome]:
    """`run(profile)` for `case`: its outcome on that profile."""
    from fakecloud.scenario.errors import ScenarioError
    from fakecloud.scenario.runner import run_case
    from fakecloud.views.names import Names

    def run(profile: str) -> Outcome:
        try:
            result = run_case(case.on_profile(profile), seed=seed)
        except (ScenarioError, ConfigError) as exc:
            return Outcome("error", str(exc).splitlines()[0])
        if result.passed:
            return Outcome("passes")
        names = Names.from_events(result.trace)  # ids as fakecloud run's report names them
        failed = tuple(_failed(f, names) for f in result.failures)
        return Outcome("fails", ", ".join(failed), failed)

    return run


#: A failed set-up's request: ``FILE:LINE: setup servers.web: POST /v2.1/servers answered 400``.
_SETUP_ANSWER = re.compile(r"^(?:.*?:\d+: )?(setup .*? answered \d+)")


def _failed(check: Any, names: Any) -> str:
    """How a failed expectation reads in an outcome: its name; for the set-up, what it asked
    and the status it got (a set-up refused from 21.0.0 is not the same outcome as one whose
    volume went to error), never the answer's body, whose ids and wording vary by release."""
    if check.what != "setup" or not check.details:
        return names.text(check.what)
    said = _SETUP_ANSWER.match(check.details[0])
    return said.group(1) if said else "setup"


def main(argv: list[str] | None = None) -> int:
    """``fakecloud bisect FILE [--case ID] [--from X.Y.Z] [--to X.Y.Z] [--every]``; the exit status
    (0 after a report, 2 for a file or an argument that cannot be used)."""
    from fakecloud.scenario.cli_commands import _load_file_or_library
    from fakecloud.scenario.errors import ScenarioError
    from fakecloud.scenario.loader import load

    args = _parser().parse_args(argv)
    args.file, only = file_and_case(args.file)
    args.case = args.case or only
    try:
        scenario = _load_file_or_library(args.file, load)
        case = _pick_case(scenario.cases, args.case)
        for name in (args.first, args.last):
            release(name)
        results = bisect(
            runner_for(case, args.seed), case.cloud.profile, args.first, args.last, args.every
        )
    except (ScenarioError, ConfigError, LookupError) as exc:
        print(f"fakecloud bisect: {exc}", file=sys.stderr)
        return 2
    print(f"{case.file} :: {case.id}   (profile {case.cloud.profile}, release replaced)")
    print(report(results))
    return 0
