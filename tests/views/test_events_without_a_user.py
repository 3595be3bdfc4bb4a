"""Every view reads a trace whose requests carry no user (no token), as clients' traces do."""

import json

import pytest

from fakecloud import Cloud
from fakecloud.cli import main as cli
from fakecloud.views import timeline as text
from fakecloud.views.html import render_html
from fakecloud.views.mermaid import sequence_diagram
from fakecloud.views.model import read
from fakecloud.views.perfetto import to_json


@pytest.fixture(scope="module")
def tokenless(tmp_path_factory):
    """A trace with a version discovery without a token, as every client starts with."""
    cloud = Cloud()
    assert cloud.request("compute", "GET", "/", user=None).status == 200
    path = tmp_path_factory.mktemp("trace") / "tokenless.jsonl"
    cloud.trace.to_jsonl(str(path))
    events = [json.loads(line) for line in path.read_text().splitlines()]
    assert [e["user"] for e in events if e["kind"] == "api.request"] == [None]
    return path, events


def test_text_views_show_no_token_instead_of_crashing(tokenless):
    _, events = tokenless
    assert "(no token) ──▶ nova-api" in text.sequence(events)
    assert "nova-api → (no token): 200 (GET /)" in text.story(events)
    assert "GET /  user=none" in text.timeline(events)
    assert text.state_changes(events).splitlines()[0] == "glance image-1"


def test_pictures_and_exports_read_it_too(tokenless):
    _, events = tokenless
    run = read(events)
    html = render_html(run)
    assert "(no token): GET /" in html
    assert "client-->>nova_api" not in sequence_diagram(run)
    assert "nova_api-->>client: [0.000] 200" in sequence_diagram(run)
    assert json.loads(to_json(run))["traceEvents"]


def test_report_command_reads_it_in_every_format(tokenless, tmp_path, capsys):
    path, _ = tokenless
    assert cli(["report", str(path)]) == 0
    assert "(no token)" in capsys.readouterr().out
    for fmt, name in (("html", "r.html"), ("perfetto", "r.json"), ("mermaid", "r.mmd")):
        assert cli(["report", str(path), "--format", fmt, "-o", str(tmp_path / name)]) == 0
        assert (tmp_path / name).stat().st_size > 100
