"""The repository's scenario files: each says what it teaches.

Each file also loads (a file that does not is a collection error) and each of its cases runs,
and must pass, as its own test item: the suite collects ``scenarios/`` through the fakecloud
pytest plugin (``testpaths``), so loading and running them here again would only double the cost.
"""

from pathlib import Path

from fakecloud.scenario import load, run_case
from fakecloud.scenario.report import render

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "scenarios").rglob("*.yaml"))


def test_there_are_scenario_files():
    assert FILES


def test_each_file_opens_with_what_it_teaches():
    for path in FILES:
        first = path.read_text().splitlines()[0]
        assert first.startswith("# Teaches: "), f"{path.name} must open with '# Teaches: ...'"


def test_the_readme_lists_every_file_in_its_folder_s_table():
    text = (ROOT / "scenarios" / "README.md").read_text()
    tables = {part.split(None, 1)[0].rstrip("/"): part for part in text.split("\n### ")[1:]}
    missing = [
        str(path.relative_to(ROOT / "scenarios"))
        for path in FILES
        if f"| `{path.name}` |" not in tables.get(path.parent.name, "")
    ]
    assert missing == [], "scenarios/README.md's library has no row for these"


def test_the_suite_runs_every_scenario_file_as_items(pytestconfig):
    assert "scenarios" in pytestconfig.getini("testpaths")


def test_the_example_in_the_scenarios_readme_runs_and_passes(tmp_path):
    text = (ROOT / "scenarios" / "README.md").read_text()
    example = text.split("```yaml\n")[1].split("```")[0]
    path = tmp_path / "example.yaml"
    path.write_text(example)
    for case in load(path).cases:
        result = run_case(case)
        assert result.passed, render(result, trace_tail=20)
