"""Same scenario and seed give a byte-identical trace; the CLI runs files and prints reports."""

import json

import jsonschema
import pytest
from scenario_fakes import FakeTransport, load_text

from fakecloud.scenario import run_case
from fakecloud.scenario.cli_commands import run_main, schema_main

RACE = """\
cloud:
  servers:
    web: {}
    db: {}
steps:
  - name: snap
    microversion: "2.45"
    request: POST /servers/${servers.web.id}/action
    body: {createImage: {name: one}}
    save: {images.snap.id: body.image_id}
  - name: other
    at: 0
    request: POST /servers/${servers.db.id}/action
    body: {createImage: {name: two}}
  - name: noise
    on: {trace: {kind: state, subject: "${images.snap.id}", new: saving}}
    transfer: {label: noise, size_mb: 200, path: ["link:fake"]}
  - fault: {point: fake.upload, error: UploadFailed, probability: 0.5}
"""


def trace_bytes(seed):
    case = load_text(RACE).cases[0]
    return run_case(case, seed=seed, transport=FakeTransport).trace.to_jsonl()


def test_same_scenario_and_seed_give_byte_identical_trace_jsonl():
    first, second = trace_bytes(3), trace_bytes(3)
    assert first == second
    assert len(first.splitlines()) > 20


def test_another_seed_gives_another_trace():
    assert trace_bytes(3) != trace_bytes(4)


def test_run_prints_the_report_and_writes_the_trace(tmp_path, capsys):
    path = tmp_path / "copy.yaml"
    path.write_text(
        "steps:\n"
        "  - transfer: {label: copy, size_mb: 100, path: [{name: disk, mb_per_s: 50}]}\n"
        "    expect: {finished_at: 2}\n"
    )
    out = tmp_path / "trace.jsonl"
    assert run_main([str(path), "--seed", "9", "--trace", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"{path} :: default   seed 9, profile seed" in printed
    assert "ok    step step1: finished at 2 s" in printed
    assert "PASSED: 1 expectations (end t=2, idle)" in printed
    events = [json.loads(line) for line in out.read_text().splitlines()]
    # the trace ends with the transfer, then the names the views show for its ids
    assert [e["kind"] for e in events][-2:] == ["io.finish", "scenario.names"]


def test_run_wraps_its_report_as_its_story_never_cutting(tmp_path, capsys, monkeypatch):
    """``fakecloud run``'s report printed rows of any length (140 columns and more) where its
    ``--story`` wraps at `output_width` (100 in a pipe): now its rows wrap there too, each
    under its own text; the header and the replay command stay whole (paths to copy)."""
    from fakecloud.views.width import PIPED_WIDTH

    path = tmp_path / "unfired.yaml"
    path.write_text(
        "steps:\n  - fault: {point: cinder.snapshot.create, error: CinderBackendError,\n"
        "      match: {volume_id: nope}}\n  - wait: 1\nexpect: {finished_by: 0.5}\n"
    )
    monkeypatch.chdir(tmp_path)  # a short path: one longer than the room stays whole
    assert run_main([path.name, "--story"]) == 1
    printed = capsys.readouterr().out.splitlines()
    header, replay = printed[0], next(line for line in printed if line.startswith("replay: "))
    assert all(len(line) <= PIPED_WIDTH for line in printed if line not in (header, replay))
    step = printed.index(next(line for line in printed if " step1 " in line))
    assert printed[step].endswith("match={'volume_id':")
    assert printed[step + 1] == " " * printed[step].index("fault") + (
        "'nope'} error=CinderBackendError"
    )
    warned = next(i for i, line in enumerate(printed) if line.startswith("  WARN  "))
    assert printed[warned + 1].startswith(" " * 8) and printed[warned + 1].strip()


def test_run_exit_status_for_failures_and_broken_files(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("steps:\n  - at: soon\n    wait: 1\n")
    assert run_main([str(bad)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"{bad}:2: field steps[0].at: expected a number, got 'soon'"
    )
    failing = tmp_path / "failing.yaml"
    failing.write_text("steps:\n  - wait: 1\nexpect: {finished_by: 0.5}\ncases: {a: {}, b: {}}\n")
    assert run_main([str(failing), "--case", "b"]) == 1
    printed = capsys.readouterr().out
    assert "FAIL  " in printed and f"replay: fakecloud run {failing} --case b --seed 0" in printed
    assert run_main([str(failing), "--case", "c"]) == 2
    assert "no case 'c'; cases: a, b" in capsys.readouterr().err
    assert run_main([str(failing), "--list"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"{failing}::a", f"{failing}::b"]


def test_schema_command_prints_a_valid_json_schema(capsys):
    assert schema_main([]) == 0
    schema = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["title"] == "fakecloud scenario" and "step_expect" in schema["$defs"]
    assert {"cloud", "steps", "expect", "cases", "matrix"} <= set(schema["properties"])


@pytest.mark.parametrize("value, ok", [("${profile}", True), ("upstream", True), ("x", False)])
def test_the_published_schema_accepts_parameters_where_values_are_typed(value, ok):
    from fakecloud.scenario.schema import scenario_schema

    doc = {"matrix": {"profile": ["seed"]}, "cloud": {"profile": value}}
    errors = list(jsonschema.Draft202012Validator(scenario_schema()).iter_errors(doc))
    assert (not errors) == ok


def test_a_scenario_on_the_real_services_replays_byte_for_byte():
    from pathlib import Path

    from fakecloud.scenario import load

    path = Path(__file__).resolve().parents[2] / "scenarios/examples/second_snapshot_conflict.yaml"
    case = load(path).cases[-1]
    first = run_case(case, seed=11).trace.to_jsonl()
    assert first == run_case(case, seed=11).trace.to_jsonl()
    assert first != run_case(case, seed=12).trace.to_jsonl()
