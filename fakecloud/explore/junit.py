"""``--junit OUT.xml``: an exploration as a JUnit report, for CI systems that read one.

One ``testsuite`` per case; one failing ``testcase`` per group (what broke, how, its seeds and
the replay command), and one passing ``testcase`` for the seeds that broke nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET


def junit_tree(report: Any) -> ET.ElementTree:
    """The report as a JUnit XML tree."""
    suites = ET.Element("testsuites", name=f"fakecloud explore {report.file}")
    for case in report.cases:
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=f"{report.file}::{case.case_id}",
            tests=str(len(case.groups) + 1),
            failures=str(len(case.groups)),
            errors="0",
        )
        passing = ET.SubElement(
            suite, "testcase", classname=report.file, name=f"{case.case_id}: seeds that pass"
        )
        ET.SubElement(
            passing, "system-out"
        ).text = f"{case.passed} of {len(case.seeds)} seeds broke nothing ({case.spec})"
        for n, g in enumerate(case.groups, 1):
            test = ET.SubElement(
                suite, "testcase", classname=report.file, name=f"{case.case_id}: {n}. {g.key}"
            )
            failure = ET.SubElement(test, "failure", message=f"{g.key} ({g.count} seeds)")
            failure.text = "\n".join(
                [
                    f"seeds: {', '.join(map(str, g.seeds))}",
                    "led there by: " + ("; ".join(g.path) or "delays and orders alone"),
                    *g.details,
                    f"replay: {g.replay}" if g.replay else "",
                ]
            )
    return ET.ElementTree(suites)


def write_junit(report: Any, path: str | Path) -> None:
    """Write the JUnit XML report of `report` to `path`."""
    from fakecloud.outputs import write_atomic

    tree = junit_tree(report)
    ET.indent(tree)
    write_atomic(path, ET.tostring(tree.getroot(), encoding="utf-8", xml_declaration=True))
