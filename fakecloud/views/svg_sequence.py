"""The sequence diagram: participants as columns, each message an arrow, in trace order.

User requests and internal REST calls are solid arrows answered by dashed ones; RPC calls are
solid orange arrows answered by dashed replies, casts dashed orange arrows with an open head.
A failed answer is red. A request/answer pair repeated back to back (a poll) is drawn once
with ``×N``. The first `MAX_ROWS` rows are drawn; the note under the diagram says how many
more the trace table holds.
"""

from __future__ import annotations

import dataclasses

from fakecloud.views import model
from fakecloud.views.svg import INK, MONO, MUTED, RED, Svg, text, text_width, title

ROW = 24
TOP = 56
LEFT = 78
MAX_ROWS = 400
_STYLE = {
    "request": ("#34597a", "", "solid"),
    "response": ("#34597a", "5 3", "solid"),
    "call": ("#c26a00", "", "solid"),
    "reply": ("#c26a00", "5 3", "solid"),
    "cast": ("#c26a00", "2 3", "open"),
}


def collapse(messages: list[model.Message]) -> list[model.Message]:
    """Back-to-back repeats of one request/answer pair become one pair with a count."""
    out: list[model.Message] = []

    def key(m: model.Message) -> tuple:
        return (m.src, m.dst, m.label, m.style, m.failed)

    i, n = 0, len(messages)
    while i < n:
        m = messages[i]
        repeat = len(out) >= 2 and i + 1 < n and key(out[-2]) == key(m)
        if repeat and key(out[-1]) == key(messages[i + 1]) and out[-2].style != out[-1].style:
            out[-2].count += 1
            out[-1].count += 1
            i += 2
            continue
        out.append(dataclasses.replace(m))
        i += 1
    return out


def sequence_svg(run: model.Run, setup: bool = False) -> str:
    """The sequence diagram as an SVG element; `setup` draws only the set-up's messages."""
    # an edited trace's message with a party no lane is for ('?'): not drawn, as not listed
    messages = [m for m in run.messages if m.setup == setup and "?" not in (m.src, m.dst)]
    rows = collapse(messages)
    more = max(0, len(rows) - MAX_ROWS)
    rows = rows[:MAX_ROWS]
    participants = [lane for lane in run.lanes if any(lane in (m.src, m.dst) for m in rows)]
    x_of: dict[str, float] = {}
    x = LEFT + 20
    widths = []
    for lane in participants:
        w = max(128.0, text_width(run.lane_label(lane), 12) + 28)
        widths.append(w)
        x_of[lane] = x + w / 2
        x += w
    width = max(x + 24, 640)
    height = TOP + len(rows) * ROW + (40 if more else 24)
    what = "set-up" if setup else "run"
    doc = Svg(width, height, f"sequence diagram of the {what}", "sequence")
    for lane, w in zip(participants, widths, strict=True):
        cx = x_of[lane]
        doc.add(
            f'<line class="lifeline" x1="{cx:.1f}" y1="{TOP - 12}" x2="{cx:.1f}" '
            f'y2="{height - 8:.0f}" stroke="#c5d0dc" stroke-dasharray="3 4"/>'
            f'<g class="participant">{title(lane)}<rect x="{cx - w / 2 + 6:.1f}" y="8" '
            f'width="{w - 12:.1f}" height="28" rx="6" fill="#eef3f8" stroke="#9fb3c8"/>'
            + text(cx, 26, run.lane_label(lane), anchor="middle", weight="600", size=12)
            + "</g>"
        )
    for n, m in enumerate(rows):
        y = TOP + n * ROW + 14
        doc.add(_arrow(m, x_of[m.src], x_of[m.dst], y, n))
    if more:
        doc.add(
            text(
                LEFT,
                height - 14,
                f"{more} more messages follow: the trace table below lists every event",
                fill=MUTED,
            )
        )
    return doc.render()


def _arrow(m: model.Message, xa: float, xb: float, y: float, n: int) -> str:
    colour, dash, head = _STYLE.get(m.style, _STYLE["request"])
    if m.failed:
        colour = RED
    stripe = f'<rect x="0" y="{y - 16:.1f}" width="100%" height="{ROW}" fill="#f7f9fb"/>'
    out = f'<g class="message message-{m.style}{" failed" if m.failed else ""}">'
    out += stripe if n % 2 == 0 else ""
    hover = f"t = {m.t:.3f} s\n{m.detail}" + "".join(f"\nid {i}" for i in m.ids)
    if m.count > 1:
        hover = f"{m.count} times, the first at t = {m.t:.3f} s\n" + hover.split("\n", 1)[1]
    out += title(hover)
    out += text(LEFT - 8, y + 4, f"{m.t:.3f}", anchor="end", fill=MUTED, size=10, family=MONO)
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    direction = 1 if xb > xa else -1
    tip, yl = xb - direction * 2, y + 4
    out += (
        f'<line x1="{xa:.1f}" y1="{yl:.1f}" x2="{tip - direction * 4:.1f}" y2="{yl:.1f}" '
        f'stroke="{colour}" stroke-width="{1.8 if m.failed else 1.4}"{dash_attr}/>'
    )
    back = tip - direction * 8
    if head == "open":
        out += (
            f'<path d="M{back:.1f} {yl - 4.5:.1f} L{tip:.1f} {yl:.1f} L{back:.1f} {yl + 4.5:.1f}" '
            f'fill="none" stroke="{colour}" stroke-width="1.5"/>'
        )
    else:
        out += (
            f'<path d="M{back:.1f} {yl - 4:.1f} L{tip:.1f} {yl:.1f} L{back:.1f} {yl + 4:.1f} Z" '
            f'fill="{colour}"/>'
        )
    label = m.label + (f"  ×{m.count}" if m.count > 1 else "")
    lx = min(xa, xb) + 8
    weight = "600" if m.failed else "normal"
    out += text(lx, y - 2, label, fill=RED if m.failed else INK, size=11, weight=weight, halo=True)
    return out + "</g>"
