"""`fakecloud report`: HTML, Perfetto, Mermaid and text, from a trace file or a scenario."""

import argparse
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from fakecloud.cli import main as cli
from fakecloud.humanize import secs
from fakecloud.scenario.loader import load
from fakecloud.views.html import render_html
from fakecloud.views.mermaid import sequence_diagram
from fakecloud.views.model import read, scenario_meta
from fakecloud.views.perfetto import chrome_trace
from fakecloud.views.report import render
from fakecloud.views.timeline import story_line, timeline
from fakecloud.views.width import PIPED_WIDTH
from tests.views.conftest import SCENARIOS, run_scenario

LP = str(SCENARIOS / "bugs" / "lp1731986_thaw_on_snapshot_failure.yaml")


@pytest.fixture(scope="module")
def bug_on_html(lp_bug_on):
    return render_html(read(lp_bug_on.trace, meta=scenario_meta(lp_bug_on)))


def _visible_svg_text(html: str) -> str:
    """The text an HTML report's pictures show (not their hovers, not the table's data)."""
    svgs = "".join(re.findall(r"<svg.*?</svg>", html, re.S))
    return "\n".join(re.findall(r">([^<]+)<", re.sub(r"<title>.*?</title>", "", svgs, flags=re.S)))


def test_the_html_page_is_self_contained(bug_on_html):
    assert bug_on_html.startswith("<!DOCTYPE html>")
    assert "default-src 'none'" in bug_on_html  # the browser may fetch nothing at all
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", bug_on_html)
    assert "<link" not in bug_on_html and "@import" not in bug_on_html
    assert "url(" not in bug_on_html.split("</style>")[0]


def test_the_html_page_shows_lanes_phases_failures_and_the_replay(bug_on_html, lp_bug_on):
    lanes = re.findall(r'data-lane="([^"]+)"', bug_on_html)
    assert {"client", "nova-api", "nova-compute:cmp-1", "cinder-volume:lvmdriver-1"} <= set(lanes)
    shown = _visible_svg_text(bug_on_html)
    assert "guest db" in shown.splitlines()
    assert "frozen — not thawed by the end" in shown
    assert "413 from cinder-api: create_snapshot_force of db/vdb" in shown
    # the sequence's arrows, each with the volume its body names (the path names none)
    assert "create_snapshot_force of db/vda: POST /v3/demo/snapshots" in shown
    assert "create_snapshot_force of db/vdb: POST /v3/demo/snapshots" in shown
    assert 'class="message message-response failed"' in bug_on_html
    assert lp_bug_on.replay_command() in bug_on_html
    assert "What failed" in bug_on_html


def test_the_html_page_shows_the_bad_end_state_the_checks_found(bug_on_html):
    """A colleague reading the page of a bug replay saw the 413 and the frozen bar, but not the
    orphaned Cinder snapshot the run's invariant found (LP #1717547's whole damage is one)."""
    found = bug_on_html.split('id="found">', 1)[1].split("</section>", 1)[0]
    assert 'What the checks found <span class="count">2</span>' in found
    assert (
        "broken, as the replay expects</span> violated no_orphan_volume_snapshot (expected)<br>"
        '<span class="detail">no_orphan_volume_snapshot: volume snapshot db/vda@db-snap: '
        "&#39;snapshot for db-snap&#39; of volume db/vda (available) is referenced by no image"
    ) in found


def test_a_long_rpc_wait_is_a_bar_on_the_callers_lane():
    # LP #1754360: nova-api waits 10 s on a quiesce call no compute answers; the timeline
    # drew the call and the timeout with nothing on nova-api's lane between them
    result = run_scenario("bugs/lp1754360_thaw_after_quiesce_timeout.yaml", "bug_on")
    html = render_html(read(result.trace, meta=scenario_meta(result)))
    swimlane = html.split('class="swimlane"', 1)[1].split("</svg>", 1)[0]
    (wait,) = re.findall(r'<g class="bar bar-wait failed".*?</g>', swimlane, re.S)
    assert "nova-api waits on the quiesce_instance call to compute.cmp-1: no reply (timeout) " \
        "after 10.000 s" in wait  # fmt: skip
    assert ">waits on quiesce_instance<" in wait
    assert swimlane.count("bar-wait") == 1  # the millisecond calls are arrows only


def test_names_replace_ids_and_the_id_is_on_hover(bug_on_html, lp_bug_on):
    server_id = lp_bug_on.names["servers"]["db"]["id"]
    assert server_id not in _visible_svg_text(bug_on_html)
    assert f"id {server_id}" in bug_on_html  # in the hovers


def test_every_bar_and_marker_of_the_timeline_is_in_the_keyboards_reach(bug_on_html):
    """Session 39's teacher: a marker's or bar's details showed on hover only (its <title>).
    Each is a Tab stop now, and the page has the box the script shows a focused one's in."""
    timeline = bug_on_html.split('<svg xmlns="http://www.w3.org/2000/svg" class="swimlane"')[1]
    timeline = timeline.split("</svg>", 1)[0]
    shapes = re.findall(r'<g class="(?:bar|marker)[^"]*"([^>]*)><title>([^<]+)</title>', timeline)
    assert len(shapes) == timeline.count('<g class="bar') + timeline.count('<g class="marker')
    assert len(shapes) == 8 and all(attrs == ' tabindex="0"' for attrs, _ in shapes)
    frozen = "0.102 s → 0.638 s\ndb&#39;s filesystems frozen"
    assert any(hover.startswith(frozen) for _, hover in shapes)
    assert '<div class="focus-details" id="focus-details" role="status"' in bug_on_html
    assert "or Tab to a bar or marker" in bug_on_html


def test_the_trace_table_carries_every_event_with_scenario_time(bug_on_html, lp_bug_on):
    data = re.search(
        r'<script type="application/json" id="trace-data">(.*?)</script>', bug_on_html, re.S
    ).group(1)
    rows = json.loads(data)
    assert len(rows) == len(lp_bug_on.trace)
    start = next(r for r in rows if r[2] == "scenario.start")
    assert start[1] == 0.0 and start[7] == 0  # time zero, not set-up
    assert rows[0][7] == 1 and rows[0][1] < 0  # set-up happened before time zero
    assert any(r[8] for r in rows if r[2] == "http.response")  # the 413 is flagged


def test_a_scenario_with_two_cases_gives_one_page_per_case(tmp_path, capsys):
    out = tmp_path / "report.html"
    assert cli(["report", LP, "-o", str(out)]) == 0
    cases = [c.id for c in load(LP).cases]  # bug_on, bug_off and the backend-* cases
    assert {"bug_on", "bug_off"} <= set(cases)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"report-{c}.html" for c in cases)
    assert "wrote" in capsys.readouterr().out
    mermaid = tmp_path / "bug_off.mmd"
    assert cli(["report", LP, "--case", "bug_off", "-o", str(mermaid)]) == 0  # format: suffix
    assert mermaid.read_text().startswith("sequenceDiagram\n")


def test_perfetto_json_pairs_every_slice_and_names_every_thread(lp_bug_off):
    doc = chrome_trace(read(lp_bug_off.trace, meta=scenario_meta(lp_bug_off)))
    events = doc["traceEvents"]
    opened = {(e["cat"], e["id"]) for e in events if e["ph"] == "b"}
    closed = {(e["cat"], e["id"]) for e in events if e["ph"] == "e"}
    assert opened == closed and opened
    threads = {e["args"]["name"] for e in events if e.get("name") == "thread_name"}
    assert {"nova-api", "guest db", "cinder-volume lvmdriver-1"} <= threads
    assert all(e["ts"] >= 0 for e in events if "ts" in e)
    frozen = [e for e in events if e["ph"] == "b" and e["cat"] == "frozen"]
    assert frozen[-1]["name"].startswith("frozen ") and frozen[-1]["name"].endswith(" ms")
    assert doc["metadata"]["replay"].endswith("--case bug_off --seed 0")


def test_mermaid_is_a_sequence_diagram_with_the_failure_marked(lp_bug_on):
    text = sequence_diagram(read(lp_bug_on.trace))
    lines = text.splitlines()
    assert lines[0] == "sequenceDiagram"
    assert "    participant nova_api as nova-api" in lines
    refused = next(line for line in lines if "✗ 413" in line)
    # Nova 17.0.0 without the vendor branch: no snapshot_current call before the quiesce.
    assert refused.startswith("    cinder_api-->>nova_api: [0.184] ✗ 413 SnapshotLimitExceeded")
    assert all(";" not in line.split(": ", 1)[-1] for line in lines if "->>" in line)


def test_text_views_wrap_at_the_width_and_never_cut(tmp_path, capsys, lp_bug_on):
    trace = tmp_path / "run.jsonl"
    lp_bug_on.trace.to_jsonl(str(trace))
    assert cli(["report", str(trace), "--view", "timeline,sequence", "--width", "60"]) == 0
    wrapped = capsys.readouterr().out
    assert "…" not in wrapped
    assert max(len(line) for line in wrapped.splitlines()) <= 60
    assert cli(["report", str(trace), "--view", "sequence", "--width", "1000"]) == 0
    whole = capsys.readouterr().out
    refused = next(line for line in whole.splitlines() if "413" in line)
    assert refused.split()[-1] in wrapped and "exceeded)" in refused
    assert "== sequence ==" in whole and "/v3/demo/snapshots" in whole
    # no --width, piped: `PIPED_WIDTH`, as demo and run --story wrap (whole lines until 46)
    assert cli(["report", str(trace), "--view", "sequence"]) == 0
    piped = capsys.readouterr().out.splitlines()
    assert max(map(len, piped)) <= PIPED_WIDTH < max(map(len, whole.splitlines()))


def test_the_header_wraps_its_seed_and_profile_under_themselves(lp_bug_on):
    # 80 columns: the profile went to the left edge (session 38's new user), as the demo's
    # lines did before 9c659df9
    args = argparse.Namespace(width=80, setup=False, view="states", kind=None)
    # named as `fakecloud report lp1731986` names it, whatever the checkout's path
    meta = replace(
        scenario_meta(lp_bug_on), scenario="bugs/lp1731986_thaw_on_snapshot_failure.yaml"
    )
    first, second = render(list(lp_bug_on.trace), "text", args, meta).splitlines()[:2]
    assert first == "bugs/lp1731986_thaw_on_snapshot_failure.yaml :: bug_on   seed 0,"
    assert second == " " * len(first.removesuffix("seed 0,")) + "profile nova-17.0.0"
    assert len(first) > 80 - len("profile nova-17.0.0")  # it does not fit on one line


def test_the_details_people_read_are_rounded_to_the_millisecond_the_trace_is_not(lp_bug_on):
    frozen = lp_bug_on.trace.filter(kind="guest.freeze")[0]
    run = read(lp_bug_on.trace, meta=scenario_meta(lp_bug_on))
    exact = f"requested_at={frozen['requested_at']}"
    shown = f"requested_at={secs(frozen['requested_at'] - run.t0)}"
    assert len(exact) > len(shown)  # the trace keeps the exact float
    row = next(r for r in timeline(run.events, ["guest.freeze"], t0=run.t0).splitlines())
    assert row.endswith(shown)
    data = json.loads(re.search(r'id="trace-data"[^>]*>(.*?)</script>', render_html(run), re.S)[1])
    assert any(shown in r[5] for r in data) and not any(exact in r[5] for r in data)
    durations = [r[5] for r in data if "duration_s=" in r[5]]
    assert durations and all(re.search(r"duration_s=\d+(\.\d{1,3})?( |$)", d) for d in durations)


def test_run_story_tells_a_passing_run_on_one_clock(capsys):
    path = str(SCENARIOS / "flows" / "volume_backed_online.yaml")
    assert cli(["run", path, "--case", "seed", "--story"]) == 0
    out = capsys.readouterr().out
    story = out.split("story (scenario time)\n", 1)[1]
    lines = story.splitlines()
    # under the fold, Keystone's part in the set-up: the services that validated its tokens
    assert lines[1].startswith("(Keystone: nova-api, cinder-api and glance-api validated")
    assert "     0.000s  step snap: POST /servers/db/action" in lines[2:4]
    # wrapped at the terminal's width, or 100 columns in a pipe (here): never cut
    assert max(map(len, lines)) <= 100 < max(map(len, story.replace("\n ", " ").splitlines()))
    assert "  t=0.000     demo     snap  -> 202 POST /servers/db/action" in out
    assert any("guest of db: filesystems frozen" in line for line in lines)
    assert any("get_snapshot (GET /v3/demo/snapshots/db/vda@db-snap)" in line for line in lines)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.jsonl"], "cannot read missing.jsonl"),
        (["nothere.yaml"], "'nothere.yaml' is neither a file nor a library scenario"),  # as run
        ([LP, "--case", "nope"], "no case 'nope'"),
        (["x.jsonl", "--case", "a"], "--case, --seed and --profile apply to a scenario file"),
        (["x.jsonl", "--profile", "upstream"], "--profile apply to a scenario file"),
        ([LP, "--profile", "17.0.1"], "--profile: unknown profile '17.0.1' (did you mean 'nova-1"),
        (["x.jsonl", "--view", "pictures"], "unknown view 'pictures'"),
        (["x.jsonl", "--view", "timline"], "unknown view 'timline' (did you mean 'timeline'?)"),
        (["x.jsonl", "--width", "5"], "--width must be at least 20"),
        (["x.jsonl", "--kind", "api.request,api.respnse"], "(did you mean 'api.response'?)"),
        (["x.jsonl", "y.jsonl"], "a second input is compared with the first by --view diff"),
        (["x.jsonl", "--view", "diff,story"], "--view diff is shown alone"),
        (["x.jsonl", "y.jsonl", "--view", "diff", "--format", "html"], "--view diff is text"),
        # said before any case runs (the seven ran first)
        ([LP, "--view", "diff"], "has 7 cases (bug_on, bug_off, backend-17-0-0, "),
        ([LP, "x.jsonl", "--view", "diff"], "compares one run of each input; "),
    ],
)
def test_bad_input_is_a_clear_error(args, message, capsys):
    assert cli(["report", *args]) == 2
    assert message in capsys.readouterr().err


def test_an_output_suffix_that_names_no_format_is_written_as_text_and_said(tmp_path, capsys):
    trace = tmp_path / "t.jsonl"
    trace.write_text('{"t": 0, "seq": 0, "kind": "note", "actor": "a", "subject": "n"}\n')
    assert cli(["report", str(trace), "-o", str(tmp_path / "r.pdf")]) == 0
    assert capsys.readouterr().out == (  # a text file named .pdf was written unsaid
        f"wrote {tmp_path / 'r.pdf'} (text, 1 event; .pdf is no format's: --format picks one, "
        "as .html, .json, .mmd do)\n"
    )
    assert (tmp_path / "r.pdf").read_text().startswith("== timeline ==")


def test_kind_takes_a_prefix_as_trace_filter_and_scenarios_do(tmp_path, capsys):
    """`--kind rpc.*` was refused as an unknown kind (and never matched)."""
    trace = tmp_path / "t.jsonl"
    trace.write_text(
        '{"t": 0, "seq": 0, "kind": "rpc.cast", "actor": "a", "subject": "m"}\n'
        '{"t": 1, "seq": 1, "kind": "note", "actor": "a", "subject": "n"}\n'
    )
    assert cli(["report", str(trace), "--view", "timeline", "--kind", "rpc.*"]) == 0
    out = capsys.readouterr().out
    assert "rpc.cast" in out and "note" not in out


def test_a_line_that_is_not_a_trace_event_is_named(tmp_path, capsys):
    """Status 2, as every input a command cannot use (report's unreadable file included); was
    a SystemExit of status 1 out of main()."""
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"t": 0, "seq": 0, "kind": "note"}\n{"t": 1}\nnot json\n')
    assert cli(["report", str(bad)]) == 2
    assert capsys.readouterr().err == (f"fakecloud report: {bad}:2: not a trace event (no 'seq')\n")
    served = tmp_path / "served.json"  # a GET /fakecloud/trace answer whose events are not
    served.write_text('{"events": [{"t": 0, "seq": 0, "kind": "note"}, {"t": 1}], "next": 2}')
    assert cli(["report", str(served)]) == 2
    assert capsys.readouterr().err == (
        f"fakecloud report: {served}:1: events[1] is not a trace event (no 'seq')\n"
    )


def test_a_served_trace_saved_indented_reads_as_the_compact_one(tmp_path, capsys):
    """``curl .../fakecloud/trace | jq . > served.json`` spreads the answer over lines: it was
    refused at line 1 ("not a JSON trace event"); a file of other indented JSON still is."""
    answer = {
        "events": [
            {"t": 0, "seq": 0, "kind": "rpc.cast", "actor": "a", "subject": "m"},
            {"t": 1, "seq": 1, "kind": "note", "actor": "a", "subject": "n"},
        ],
        "next": 2,
    }
    compact, indented = tmp_path / "compact.json", tmp_path / "indented.json"
    compact.write_text(json.dumps(answer))
    indented.write_text(json.dumps(answer, indent=2))
    outputs = []
    for path in (compact, indented):
        assert cli(["report", str(path), "--view", "timeline"]) == 0
        outputs.append(capsys.readouterr().out)
    assert "rpc.cast" in outputs[0] and outputs[1] == outputs[0]
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"servers": []}, indent=2))
    assert cli(["report", str(other)]) == 2
    assert f"{other}:1: not a JSON trace event (" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            b'{"t": 0, "seq": 1, "kind": "note", "actor": "\xff"}',
            r"bad.jsonl:2: not UTF-8 text \(byte 0xff\)",
        ),
        (b'{"t": NaN, "seq": 1, "kind": "note"}', r"bad.jsonl:2: not a trace event \('t' is nan\)"),
    ],
)
def test_a_trace_line_of_bad_bytes_or_a_time_no_clock_reads_is_named(
    tmp_path, line, message, capsys
):
    """Were a UnicodeDecodeError traceback, and the HTML timeline's StopIteration/OverflowError."""
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"t": 0, "seq": 0, "kind": "note"}\n' + line + b"\n")
    assert cli(["report", str(bad), "-o", str(tmp_path / "r.html")]) == 2
    assert re.search(message, capsys.readouterr().err)


@pytest.mark.parametrize(
    ("line", "says"),
    [
        (
            '{"t": 0, "seq": 1, "kind": "api.response", "subject": "GET /", "status": "200"}',
            """'status' is "200", expected a whole number""",
        ),
        ('{"t": 0, "seq": 1, "kind": "scenario.names", "names": ["a"]}', "'names' is [\"a\"], "),
        ('{"t": 0, "seq": 1, "kind": "io.start", "path": [{"a": 1}]}', "expected a list of text"),
        ('{"t": 0, "seq": 1, "kind": "note", "actor": {"a": 1}}', "expected text or null"),
    ],
)
def test_a_trace_field_of_another_type_is_named_at_its_line(tmp_path, line, says, capsys):
    """A number where text goes, a list for an object...: each was a TypeError or ValueError
    from deep in a view, reported naming no line."""
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"t": 0, "seq": 0, "kind": "note"}\n' + line + "\n")
    assert cli(["report", str(bad), "-o", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert "bad.jsonl:2: not a trace event (field '" in err and says in err


def test_a_message_to_a_party_no_lane_is_for_is_not_drawn(tmp_path, capsys):
    """An RPC call to a target fakecloud has no sender for (an edited trace) was the HTML
    sequence diagram's KeyError '?'."""
    trace = tmp_path / "t.jsonl"
    trace.write_text('{"t":0,"seq":0,"kind":"rpc.call","actor":"x","subject":"nowhere"}\n')
    assert cli(["report", str(trace), "-o", str(tmp_path / "r.html")]) == 0


def test_the_same_run_gives_the_same_page_byte_for_byte(lp_bug_on):
    from tests.views.conftest import run_scenario

    again = run_scenario("bugs/lp1731986_thaw_on_snapshot_failure.yaml", "bug_on")
    assert render_html(read(again.trace)) == render_html(read(lp_bug_on.trace))
    assert again.trace.digest() == lp_bug_on.trace.digest()


def test_the_story_tells_the_eventlet_hub():
    hub = {"t": 0, "kind": "nova.hub", "actor": "nova-compute:cmp-1", "subject": "cmp-1"}
    assert story_line({**hub, "phase": "free", "blocked_s": 10.005}) == (
        "nova-compute cmp-1: eventlet hub free after 10.005 s"
    )
    waited = {**hub, "subject": "compute.cmp-1", "phase": "waited", "what": "pause_instance"}
    assert story_line({**waited, "waited_s": 8.53}) == (
        "nova-compute cmp-1: RPC pause_instance waited 8.530 s for the eventlet hub"
    )


def test_a_trace_line_that_never_ends_is_refused_not_read_until_memory_runs_out(
    capsys, monkeypatch, tmp_path
):
    """``fakecloud report /dev/zero`` hung, reading one endless line (a device is refused now:
    a regular file with a line longer than any event is refused at that line)."""
    import fakecloud.views.report

    monkeypatch.setattr(fakecloud.views.report, "MAX_EVENT_BYTES", 1 << 20)  # 16 MiB by default
    long = tmp_path / "long.jsonl"
    with open(long, "wb") as f:
        f.truncate((1 << 20) + 2)  # sparse: one line of NULs
    assert cli(["report", str(long)]) == 2
    assert capsys.readouterr().err == (
        f"fakecloud report: {long}:1: a line of more than 1 MiB is not a trace event\n"
    )


def test_an_input_without_a_known_suffix_is_read_by_its_content(tmp_path, capsys):
    """`report <(cat x.yaml)` (a pipe, /dev/fd/63) was read as a trace: its first line 'not a
    JSON trace event'."""
    piped = tmp_path / "63"
    piped.write_text(Path(LP).read_text())
    assert cli(["report", str(piped), "--case", "bug_off", "--format", "mermaid"]) == 0
    assert capsys.readouterr().out.startswith(f"sequenceDiagram\n    %% {piped} :: bug_off")
    piped.write_text("just text\n")
    assert cli(["report", str(piped)]) == 2
    assert capsys.readouterr().err == (
        f"fakecloud report: {piped} is neither a trace (JSON Lines, each line a JSON object) "
        f"nor a scenario (YAML): {piped}:1: a scenario file is a mapping\n"
    )


def test_the_diff_view_pairs_two_runs_sentences_and_marks_what_one_alone_tells(
    tmp_path, capsys, lp_bug_on, lp_bug_off
):
    # a teacher's "what if" (session 39): the same replay with the fix, each sentence paired
    # with its twin whatever its time, what only the fixed run does marked + with its time
    on, off = tmp_path / "on.jsonl", tmp_path / "off.jsonl"
    lp_bug_on.trace.to_jsonl(str(on))
    lp_bug_off.trace.to_jsonl(str(off))
    assert cli(["report", str(on), str(off), "--view", "diff", "--width", "200"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[:3] == [f"A: {on}", f"B: {off}", "          A          B"]
    assert "     0.184s     0.184s  nova-api → demo: 403 (POST /v2.1/servers/db/action)" in rows
    only = [row for row in rows if row[0] in "+-"]
    assert only[0] == "+               0.184s  RPC cast → nova-compute cmp-1: unquiesce_instance"
    assert only[-1] == "+               0.756s  guest of db: filesystems thawed"
    assert not [row for row in only if row[0] == "-"]  # the fix only adds


def test_the_diff_view_wants_one_run_of_each_input(tmp_path, capsys, lp_bug_on):
    trace = tmp_path / "on.jsonl"
    lp_bug_on.trace.to_jsonl(str(trace))
    assert cli(["report", str(trace), "--view", "diff"]) == 2
    assert capsys.readouterr().err == (
        f"fakecloud report: --view diff compares two runs; {trace} gives 1, or give a second "
        "input\n"
    )


def test_two_snapshots_asked_at_once_are_two_lines_each_naming_its_volume():
    """Session 43's trainer: the quota race's two `create_snapshot_force` calls at one instant
    read as one line `(×2, until 0.144s)`, and the 413 named no volume (the request's path,
    ``POST /v3/<project>/snapshots``, names none): the events carry the body's ``volume_id``
    and the story says which volume each call, and the refusal, is for."""
    from fakecloud.views.timeline import scenario_story
    from tests.views.conftest import run_scenario

    result = run_scenario("races/quota_toctou_volume_backed.yaml", "same_instant")
    told = [line.strip() for line in scenario_story(list(result.trace)).splitlines()]
    asked = [line for line in told if "cinder-api: create_snapshot_force" in line]
    assert asked == [
        f"{t}s  nova-api → cinder-api: create_snapshot_force of {volume} (POST /v3/demo/snapshots)"
        for t, volume in (
            ("0.144", "a/vda"),
            ("0.144", "b/vda"),
            ("0.184", "a/vdb"),
            ("0.184", "b/vdb"),
        )
    ]
    assert (
        "0.204s  cinder-api → nova-api: 413 to create_snapshot_force of b/vdb: "
        "SnapshotLimitExceeded: Maximum number of snapshots allowed (3) exceeded"
    ) in told
