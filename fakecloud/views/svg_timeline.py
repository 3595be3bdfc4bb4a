"""The swimlane timeline: one lane per actor, phases as bars, moments as labelled markers.

Each lane has a track of bars (stacked when they overlap: two uploads from one host) and a
track of markers whose labels are laid out in rows so none overlaps another; a label that
finds no room within `MAX_ROWS` rows is left to the marker's hover (and, the marker being
focusable, to the keyboard). Failures are red. Thin grey
ticks on a lane show each message it sent or received, so its busy moments show even without
a phase.
"""

from __future__ import annotations

from collections.abc import Iterable

from fakecloud.views import model
from fakecloud.views.svg import (
    FOCUSABLE,
    GRID,
    INK,
    MONO,
    MUTED,
    PHASE_COLOURS,
    RED,
    Scale,
    Svg,
    text,
    text_width,
    tick_label,
    title,
    transfer_colour,
)

LEFT = 190  # room for the lane titles
RIGHT = 24
AXIS = 34  # height of the time axis
BAR_H = 18
BAR_GAP = 4
ROW_H = 14
MAX_ROWS = 6
MAX_TRACKS = 16  # bar tracks per lane; beyond, bars share tracks with their labels on hover


def _bar_colours(bar: model.Bar) -> tuple[str, str]:
    if bar.failed:
        return PHASE_COLOURS["failed"]
    if bar.kind == "transfer":
        return transfer_colour(bar.label)
    return PHASE_COLOURS.get(bar.kind, PHASE_COLOURS["transfer"])


def _place(extents: list[list[float]], start: float, end: float, most: int) -> int | None:
    """The first row (of at most `most`) free from `start` to `end`; None if all are taken."""
    for row, right in enumerate(extents):
        if right[0] <= start:
            right[0] = end
            return row
    if len(extents) < most:
        extents.append([end])
        return len(extents) - 1
    return None


def _hover(detail: str, ids: Iterable[str], t: float | None = None) -> str:
    lines = [detail]
    if t is not None:
        lines.insert(0, f"t = {t:.3f} s")
    lines += [f"id {i}" for i in ids]
    return "\n".join(line for line in lines if line)


def swimlane(run: model.Run, setup: bool = False, width: float = 1240) -> str:
    """The timeline as an SVG element; `setup` includes what happened before time zero."""
    bars = [b for b in run.bars if setup or not b.setup] + model.rpc_waits(run, setup)
    markers = [m for m in run.markers if setup or not m.setup]
    messages = [m for m in run.messages if setup or not m.setup]
    start = run.rel(run.start) if setup else min(0.0, run.rel(run.end))
    end = run.rel(run.end)
    for b in bars:
        end = max(end, b.end)
    scale = Scale(start, end, LEFT + 8, width - RIGHT)
    shown = {b.lane for b in bars} | {m.lane for m in markers}
    shown |= {m.src for m in messages} | {m.dst for m in messages}
    lane_ids = [lane for lane in run.lanes if lane in shown]

    bodies: list[tuple[str, float, list[str]]] = []  # lane, height, markup
    for lane in lane_ids:
        bodies.append(_lane(lane, scale, bars, markers, messages))
    height = AXIS + sum(h for _, h, _ in bodies) + 12
    doc = Svg(width, height, "timeline of the run, one lane per actor", "swimlane")
    _axis(doc, scale, height)
    y = AXIS
    for n, (lane, h, parts) in enumerate(bodies):
        fill = "#f7f9fb" if n % 2 == 0 else "#ffffff"
        doc.add(f'<g class="lane" data-lane="{lane}" transform="translate(0,{y:.1f})">')
        doc.add(f'<rect x="0" y="0" width="{width:.0f}" height="{h:.1f}" fill="{fill}"/>')
        doc.add(f'<line x1="0" y1="{h:.1f}" x2="{width:.0f}" y2="{h:.1f}" stroke="{GRID}"/>')
        label = run.lane_label(lane)
        ids = run.names.ids_in(lane)
        doc.add(
            f'<g class="lane-title">{title(_hover(lane, ids))}'
            + text(12, 19, label, weight="600", fill=INK, size=12)
            + "</g>"
        )
        doc.add("".join(parts))
        doc.add("</g>")
        y += h
    if setup and run.t0_seq and start < 0 < end:
        x = scale(0.0)
        doc.add(
            f'<line x1="{x:.1f}" y1="{AXIS - 6}" x2="{x:.1f}" y2="{height:.0f}" stroke="{INK}" '
            'stroke-dasharray="6 3" stroke-width="1.2"/>'
            + text(x + 4, AXIS - 8, "scenario starts", fill=INK, size=10, weight="600")
        )
    return doc.render()


def _axis(doc: Svg, scale: Scale, height: float) -> None:
    ticks = scale.ticks(12)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    doc.add(f'<g class="axis" font-family="{MONO}">')
    for t in ticks:
        x = scale(t)
        doc.add(
            f'<line x1="{x:.1f}" y1="{AXIS - 4}" x2="{x:.1f}" y2="{height:.0f}" stroke="{GRID}"/>'
            + text(x, AXIS - 12, tick_label(t, step), anchor="middle", fill=MUTED, size=10)
        )
    doc.add("</g>")


def _lane(
    lane: str,
    scale: Scale,
    bars: list[model.Bar],
    markers: list[model.Marker],
    messages: list[model.Message],
) -> tuple[str, float, list[str]]:
    parts: list[str] = []
    # activity ticks: every message this lane sent or received
    ticks = sorted({round(scale(m.t), 1) for m in messages if lane in (m.src, m.dst)})
    if ticks:
        path = "".join(f"M{x:.1f} 2v6" for x in ticks)
        parts.append(f'<path class="activity" d="{path}" stroke="#b7c3d0" stroke-width="1"/>')
    # bars, stacked into tracks so none overlaps another or another's label
    tracks: list[list[float]] = []
    placed = []
    for bar in sorted((b for b in bars if b.lane == lane), key=lambda b: (b.start, b.end)):
        x0, x1 = scale(bar.start), max(scale(bar.end), scale(bar.start) + 2)
        tw = text_width(bar.label)
        inside = tw + 10 <= x1 - x0
        where = "inside" if inside else "right"
        left, right = x0, x1 if inside else x1 + 6 + tw
        if right > scale.x_max + RIGHT - 2:  # no room after the bar: the label goes before it
            where, left, right = "left", x0 - 6 - tw, x1
        # phases that follow each other (quiesce, frozen, thaw) share a track
        track = _place(tracks, left, right - 0.01 if inside else right + 6, MAX_TRACKS)
        if track is None:  # crowded: the bar alone, its label on hover
            where = "hover"
            track = _place(tracks, x0, x1 + 1, MAX_TRACKS)
            if track is None:  # still no room: one last track where bars may overlap
                track = MAX_TRACKS
        placed.append((bar, x0, x1, where, track))
    bar_rows = max(1, len(tracks), *(t + 1 for *_, t in placed))
    for bar, x0, x1, where, track in placed:
        y = 10 + track * (BAR_H + BAR_GAP)
        fill, stroke = _bar_colours(bar)
        dash = ' stroke-dasharray="4 2"' if bar.open or bar.label.endswith("(unfinished)") else ""
        hover = _hover(bar.detail or bar.label, bar.ids)
        hover = f"{bar.start:.3f} s → {bar.end:.3f} s\n{hover}"
        parts.append(
            f'<g class="bar bar-{bar.kind}{" failed" if bar.failed else ""}" {FOCUSABLE}>'
            f"{title(hover)}"
            f'<rect x="{x0:.1f}" y="{y:.1f}" width="{x1 - x0:.1f}" height="{BAR_H}" rx="4" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="1.3"{dash}/>'
        )
        colour = RED if bar.failed else INK
        if where == "inside":
            parts.append(text(x0 + 6, y + 13, bar.label, fill=colour, size=11))
        elif where == "right":
            parts.append(text(x1 + 5, y + 13, bar.label, fill=colour, size=11))
        elif where == "left":
            parts.append(text(x0 - 5, y + 13, bar.label, anchor="end", fill=colour, size=11))
        parts.append("</g>")
    top = 10 + bar_rows * (BAR_H + BAR_GAP) + 8 if placed else 24
    # markers and their labels, laid out in rows
    rows: list[list[float]] = []
    hidden = 0
    mine = sorted((m for m in markers if m.lane == lane), key=lambda m: (m.t, m.seq))
    for m in mine:
        x = scale(m.t)
        w = text_width(m.label, 10.5) + 10
        leftward = x + w > scale.x_max + RIGHT - 4  # no room on the right: end at the marker
        lo, hi = (x - w, x + 4) if leftward else (x - 4, x + w)
        row = _place(rows, lo, hi, MAX_ROWS)
        parts.append(_marker(m, x, top, row, leftward))
        if row is None:
            hidden += 1
    # without markers a lane ends under its bars (or its title)
    height = top + 8 + len(rows) * ROW_H + 6 if mine else max(top - 2 if placed else 30, 30)
    if hidden:
        parts.append(
            text(LEFT - 10, height - 8, f"+{hidden} on hover", anchor="end", fill=MUTED, size=10)
        )
    return lane, height, parts


_MARKER_COLOURS = {"step": "#2c3e50", "state": "#44546a", "warning": "#b35c00"}


def _marker(m: model.Marker, x: float, top: float, row: int | None, leftward: bool) -> str:
    colour = RED if m.failed else _MARKER_COLOURS.get(m.kind, INK)
    y = top
    hover = _hover(m.detail, m.ids, m.t)
    if m.failed:
        glyph = (
            f'<path d="M{x:.1f} {y - 6:.1f} L{x + 6:.1f} {y + 5:.1f} L{x - 6:.1f} {y + 5:.1f} Z" '
            f'fill="{RED}" stroke="#ffffff" stroke-width="1"/>'
        )
    elif m.kind == "step":
        glyph = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="#ffffff" stroke="{colour}" '
            'stroke-width="2"/>'
        )
    else:
        glyph = (
            f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y:.1f} L{x:.1f} {y + 5:.1f} '
            f'L{x - 5:.1f} {y:.1f} Z" fill="{colour}"/>'
        )
    cls = "marker failed" if m.failed else f"marker marker-{m.kind}"
    out = f'<g class="{cls}" {FOCUSABLE}>{title(hover)}{glyph}'
    if row is not None:
        ly = y + 14 + row * ROW_H
        if row:
            out += (
                f'<line x1="{x:.1f}" y1="{y + 5:.1f}" x2="{x:.1f}" y2="{ly - 4:.1f}" '
                f'stroke="{colour}" stroke-width="0.7" opacity="0.5"/>'
            )
        weight = "600" if m.failed else "normal"
        anchor = "end" if leftward else "start"
        out += text(
            x + 3, ly, m.label, anchor=anchor, fill=colour, size=10.5, weight=weight, halo=True
        )
    return out + "</g>"
