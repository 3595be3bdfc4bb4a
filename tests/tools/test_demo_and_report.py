"""`fakecloud demo` and `fakecloud report`: what a student sees of a snapshot run."""

import json

import pytest

from fakecloud.cli import main as cli
from fakecloud.demo import FLOWS, run_flow


def test_image_flow_story_shows_extract_then_upload_in_virtual_time():
    run = run_flow("image")
    kinds = [e["kind"] for e in run.events]
    assert kinds[0] == "api.request"
    labels = [e["label"] for e in run.events if e["kind"] == "io.finish"]
    assert labels[-1] == "glance.upload"
    image = run.cloud.trace.filter(
        kind="state", subject=next(i for i, name in run.aliases.items() if name == "snapshot-image")
    )
    assert [e["new"] for e in image] == ["queued", "saving", "active"]
    assert run.cloud.check_invariants() == []


@pytest.mark.parametrize("flow", FLOWS)
def test_every_flow_runs_from_the_command_line(flow, capsys, tmp_path):
    out = tmp_path / "demo.jsonl"
    assert cli(["demo", "--flow", flow, "--trace", str(out), "--timeline"]) == 0
    printed = capsys.readouterr().out
    assert "== the story (virtual time) ==" in printed and "== every event ==" in printed
    # wrapped at the terminal's width, or 100 columns in a pipe (here): rows are never cut
    shown = printed.split("\ntrace written to ")[0]  # the path's line is the path's length
    assert max(map(len, shown.splitlines())) <= 100 < max(map(len, printed.splitlines()))
    assert "snapshot-image: status" in printed
    assert "all hold" in printed
    assert cli(["report", str(out), "--view", "states"]) == 0
    states = capsys.readouterr().out
    # a bare trace names its ids by kind, in order of appearance
    assert "nova server-1\n" in states and "glance image-4\n" in states
    server_id = next(
        e["subject"]
        for e in map(json.loads, out.read_text().splitlines())
        if e["kind"] == "state" and e.get("machine") == "nova.instance.vm_state"
    )
    assert server_id not in states
    assert out.read_text().count("\n") > 20


def test_demo_runs_are_byte_identical_per_seed():
    a, b = run_flow("image", seed=5), run_flow("image", seed=5)
    assert a.cloud.trace.digest() == b.cloud.trace.digest()


def test_report_names_a_bad_trace_line(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"t": 0, "seq": 0, "kind": "note"}\nnot json\n')
    assert cli(["report", str(bad)]) == 2
    assert "bad.jsonl:2: not a JSON trace event" in capsys.readouterr().err


@pytest.mark.parametrize(
    "line, says",
    [("[" * 100_000 + "]" * 100_000, "it nests too deep"), ("9" * 5000, "Exceeds the limit")],
)
def test_report_names_a_line_json_will_not_read(tmp_path, capsys, line, says):
    """A line nesting 100,000 deep was a RecursionError's traceback, 5,000 digits a
    ValueError's."""
    bad = tmp_path / "bad.jsonl"
    bad.write_text(line + "\n")
    assert cli(["report", str(bad)]) == 2
    assert f"bad.jsonl:1: not a trace event ({says}" in capsys.readouterr().err


def test_report_of_an_edited_trace_names_the_file_not_a_traceback(tmp_path, capsys):
    """Found by mutating a real trace's fields: an api.request whose user is a number was a
    TypeError deep in the sequence view (and others in the HTML, Mermaid and bandwidth views),
    then a message naming no line; now its line and field."""
    events = [
        json.loads(line) for line in run_flow("image", seed=1).cloud.trace.to_jsonl().splitlines()
    ]
    for event in events:
        if event["kind"] == "api.request":
            event["user"] = -1
    edited = tmp_path / "edited.jsonl"
    edited.write_text("".join(json.dumps(e) + "\n" for e in events))
    line = next(n for n, e in enumerate(events, 1) if e["kind"] == "api.request")
    assert cli(["report", str(edited), "--view", "sequence"]) == 2
    assert capsys.readouterr().err == (
        f"fakecloud report: {edited}:{line}: not a trace event (field 'user' is -1, expected "
        "text or null)\n"
    )


def test_unknown_command_is_a_clear_error(capsys):
    assert cli(["explode"]) == 2
    assert "unknown command 'explode' (did you mean 'explore'?)" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:  # was the list of commands, not run's help
        cli(["help", "run"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("usage: fakecloud run [-h]")
