"""The HTML report: one self-contained file showing a run as a teacher would put it on a screen.

    html = render_html(read(events))
    Path("report.html").write_text(html)

The page is a Jinja2 template (``templates/report.html.j2``) with its stylesheet and its small
script inlined, and pictures drawn as SVG on the server from the trace (`fakecloud.views.svg`
and friends), so it needs no network and no library when it is opened: a timeline of swimlanes,
a sequence diagram, bandwidth charts, and the whole trace as a filterable table (the events
travel in the page as JSON and the script lists them). A "show set-up" switch unfolds what
happened before the scenario's first step.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from fakecloud.humanize import detail
from fakecloud.views import lanes, model
from fakecloud.views.svg_bandwidth import bandwidth_svg
from fakecloud.views.svg_sequence import sequence_svg
from fakecloud.views.svg_timeline import swimlane

TEMPLATES = Path(__file__).parent / "templates"
_CORE = ("t", "seq", "kind", "actor", "subject")


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(("html", "j2")),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def _row(run: model.Run, e: dict[str, Any], failed: set[int]) -> list[Any]:
    names = run.names
    details = []
    for key, value in e.items():
        if key in _CORE or key == "traceback":
            continue
        value = f"{len(value or {})} names" if key == "names" else detail(key, value, run.t0)
        details.append(f"{key}={names.text(value)}")
    subject = str(e.get("subject"))
    return [
        e["seq"],
        round(run.rel(e["t"]), 6),
        e["kind"],
        run.lane_label(lanes.of_actor(e.get("actor"))) if e.get("actor") != "rpc" else "rpc",
        names.text(subject),
        " ".join(details),
        subject if names.ids_in(subject) else "",
        1 if run.is_setup(e) else 0,
        1 if e["seq"] in failed else 0,
    ]


def _events_json(run: model.Run) -> Markup:
    failed = {m.seq for m in run.markers if m.failed}
    rows = [_row(run, e, failed) for e in run.events]
    text = json.dumps(rows, separators=(",", ":"), ensure_ascii=False)
    return Markup(text.replace("</", "<\\/").replace("<!--", "<\\!--"))


def render_html(run: model.Run) -> str:
    """The report page of `run` (a `fakecloud.views.model.Run`) as one HTML string."""
    env = _environment()
    failures = [m for m in run.markers if m.failed and not m.setup]
    kinds = sorted({e["kind"] for e in run.events})
    setup_events = sum(1 for e in run.events if run.is_setup(e))
    context = {
        "run": run,
        "meta": run.meta,
        "title": run.meta.title,
        "duration": run.rel(run.end),
        "setup_span": run.t0 - run.start,
        "setup_events": setup_events,
        "event_count": len(run.events),
        "failures": failures[:12],
        "warnings": [m for m in run.markers if m.kind == "warning" and not m.setup][:12],
        "failure_count": len(failures),
        "kinds": kinds,
        "timeline": Markup(swimlane(run)),
        "timeline_setup": Markup(swimlane(run, setup=True)) if setup_events else "",
        "sequence": Markup(sequence_svg(run)),
        "sequence_setup": Markup(sequence_svg(run, setup=True)) if setup_events else "",
        "bandwidth": Markup(bandwidth_svg(run)),
        "bandwidth_setup": Markup(bandwidth_svg(run, setup=True)) if setup_events else "",
        "events_json": _events_json(run),
        "css": Markup((TEMPLATES / "report.css").read_text(encoding="utf-8")),
        "script": Markup((TEMPLATES / "report.js").read_text(encoding="utf-8")),
    }
    return env.get_template("report.html.j2").render(**context)
