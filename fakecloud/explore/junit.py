"""``--junit OUT.xml``: an exploration as a JUnit report, for CI systems that read one.

One ``testsuite`` per case; one failing ``testcase`` per group (what broke, how, its seeds and
the replay command), and one passing ``testcase`` for the seeds that broke nothing. A test's
name is what its group broke (and how, where two groups broke the same thing), never its rank.
A bug hunt's (``explore.finds``) verdict is pytest's: a group it lists, each consequence too,
passes, anything else fails, and so does a listed find no seed broke (a ``testcase`` of its
own).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET


def junit_tree(reports: Any) -> ET.ElementTree:
    """The report of one file, or of several (a list: a ``testsuite`` per case of each, in
    order), as a JUnit XML tree."""
    reports = reports if isinstance(reports, list) else [reports]
    names = " ".join(r.file for r in reports)
    suites = ET.Element("testsuites", name=f"fakecloud explore {names}")
    for report in reports:
        _suites(suites, report)
    return ET.ElementTree(suites)


def _suites(suites: ET.Element, report: Any) -> None:
    """A ``testsuite`` per case of `report` (one file's), in `suites`."""
    classname = _classname(report.file)
    for case in report.cases:
        listed = [g for g in case.groups if _listed(case, g)]
        broke = [key for g in case.groups for key in _broke(g)]
        missed = [f.label for f in case.targets if not any(f.matches(key) for key in broke)]
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=f"{report.file}::{case.case_id}",
            tests=str(len(case.groups) + 1 + len(missed)),
            failures=str(len(case.groups) - len(listed) + len(missed)),
            errors="0",
        )
        passing = ET.SubElement(
            suite, "testcase", classname=classname, name=f"{case.case_id}: seeds that pass"
        )
        ET.SubElement(
            passing, "system-out"
        ).text = f"{case.passed} of {len(case.seeds)} seeds broke nothing ({case.spec})"
        shared = Counter(g.key for g in case.groups)
        for g in case.groups:
            test = ET.SubElement(
                suite, "testcase", classname=classname, name=_name(case.case_id, g, shared)
            )
            if g in listed:  # a bug hunt found what it hunts: passes, as under pytest
                failure = ET.SubElement(test, "system-out")
            else:
                failure = ET.SubElement(test, "failure", message=f"{g.key} ({g.count} seeds)")
            failure.text = "\n".join(
                [
                    f"seeds: {', '.join(map(str, g.seeds))}",
                    "led there by: " + ("; ".join(g.path) or "delays and orders alone"),
                    *g.details,
                    *(f"and its consequence: {c.key} ({c.count} seeds)" for c in g.consequences),
                    f"replay: {g.replay}" if g.replay else "",
                ]
            )
        for label in sorted(missed):
            test = ET.SubElement(
                suite, "testcase", classname=classname, name=f"{case.case_id}: finds {label}"
            )
            ET.SubElement(test, "failure", message=f"no seed broke {label} (explore.finds)")


def _classname(file: str) -> str:
    """A file's tests' ``classname``: its path as pytest's own JUnit report names a test file's
    class (``scenarios/explore/quota_race.yaml`` -> ``scenarios.explore.quota_race.yaml``, as
    ``pytest --junitxml`` names that file's ``explore[CASE]`` item), so CI viewers group the
    classes by folder, and one CI collecting both reports sees one class per file. The path is
    relative to the working directory (`fakecloud.explore.cli._load`): the same on every
    machine that explores from the checkout's root."""
    return file.replace("\\", "/").replace("/", ".")


def _broke(g: Any) -> list[str]:
    """What group `g` broke: its cause, then each of its consequences."""
    return [g.key, *(c.key for c in g.consequences)]


def _listed(case: Any, g: Any) -> bool:
    """Whether the case is a bug hunt whose ``explore.finds`` lists all `g` broke, its
    consequences too: as `CaseReport.unexpected` judges, which the exit status and the pytest
    item follow."""
    targets = case.targets
    return bool(targets) and all(any(f.matches(key) for f in targets) for key in _broke(g))


def _name(case_id: str, g: Any, shared: Counter) -> str:
    """A group's test name: the same in every sweep that finds the group, whatever else it
    finds or how many seeds it runs (CI viewers track a test's history by its name), so no
    rank by count; its path only where another group of the case broke the same thing."""
    if shared[g.key] == 1:
        return f"{case_id}: {g.key}"
    return f"{case_id}: {g.key}, led there by: " + ("; ".join(g.path) or "delays and orders alone")


def write_junit(reports: Any, path: str | Path) -> None:
    """Write the JUnit XML report of `reports` (one file's, or a list) to `path`."""
    from fakecloud.outputs import write_atomic

    tree = junit_tree(reports)
    ET.indent(tree)
    write_atomic(path, ET.tostring(tree.getroot(), encoding="utf-8", xml_declaration=True))
