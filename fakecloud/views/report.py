"""``fakecloud report``: show a trace (a JSONL file from ``fakecloud run --trace``) as text.

fakecloud report out.jsonl --view sequence
"""

from __future__ import annotations

import argparse
import json
import sys

from fakecloud.views.timeline import sequence, state_changes, timeline

VIEWS = {"timeline": timeline, "sequence": sequence, "states": state_changes}


def load_jsonl(path: str) -> list[dict]:
    """The events of a JSONL trace file; a clear error names a bad line."""
    events = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{number}: not a JSON trace event ({exc.msg})") from None
    return events


def main(argv: list[str] | None = None) -> int:
    """Print the chosen views of a trace file; the exit status."""
    p = argparse.ArgumentParser(prog="fakecloud report", description=__doc__.split("\n")[0])
    p.add_argument("trace", metavar="TRACE.jsonl")
    p.add_argument("--view", choices=sorted(VIEWS), action="append", help="default: all three")
    p.add_argument("--kind", action="append", help="timeline: only events of these kinds")
    args = p.parse_args(argv)
    try:
        events = load_jsonl(args.trace)
    except OSError as exc:
        print(f"fakecloud report: cannot read {args.trace}: {exc.strerror}", file=sys.stderr)
        return 2
    for name in args.view or ["timeline", "sequence", "states"]:
        print(f"== {name} ==")
        view = VIEWS[name]
        print(view(events, args.kind) if name == "timeline" else view(events))
        print()
    return 0
