"""The sequence diagram as Mermaid text, to paste into a Markdown page or a bug report.

    fakecloud report run.jsonl --format mermaid -o run.mmd

A ``sequenceDiagram`` with one participant per lane, the scenario's names instead of ids, and
each message as its arrow: ``->>`` a request or RPC call, ``-->>`` an answer, ``-)`` an RPC
cast. A failed answer is marked ``✗`` and followed by a note. A request and its answer
repeated back to back (a poll) are written once with ``×N``. Each message starts with its
virtual time (seconds from the scenario's first step).
"""

from __future__ import annotations

import re

from fakecloud.views import model
from fakecloud.views.svg_sequence import collapse

_ARROWS = {"request": "->>", "call": "->>", "response": "-->>", "reply": "-->>", "cast": "-)"}


def _id(lane: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", lane)


def _text(value: str) -> str:
    """Mermaid message text: no ``;`` or ``#`` (its syntax), no line breaks."""
    return value.replace("#", "#35;").replace(";", "#59;").replace("\n", " ")


def sequence_diagram(run: model.Run, setup: bool = False) -> str:
    """The run's messages after time zero (and the set-up's too with `setup`) as Mermaid."""
    messages = collapse([m for m in run.messages if setup or not m.setup])
    used = [lane for lane in run.lanes if any(lane in (m.src, m.dst) for m in messages)]
    lines = ["sequenceDiagram"]
    seed = f" — seed {run.meta.seed}" if run.meta.scenario else ""
    lines.append(f"    %% {_text(run.meta.title)}{seed}")
    for lane in used:
        lines.append(f"    participant {_id(lane)} as {_text(run.lane_label(lane))}")
    for m in messages:
        arrow = _ARROWS.get(m.style, "->>")
        label = m.label + (f" ×{m.count}" if m.count > 1 else "")
        if m.failed:
            label = "✗ " + label
        lines.append(f"    {_id(m.src)}{arrow}{_id(m.dst)}: [{m.t:.3f}] {_text(label)}")
        if m.failed:
            lines.append(f"    Note over {_id(m.dst)}: failed at {m.t:.3f} s")
    return "\n".join(lines) + "\n"
