"""Bandwidth over time: one chart per link, disk and store that carried data.

Each chart stacks the rate of every transfer crossing the resource (recomputed max-min fair
from the trace, `fakecloud.views.bandwidth`), so two uploads sharing the Glance store show as
two halves that widen when one finishes; the dashed line is the resource's throughput. The
time axis is the timeline's, so the charts line up under it. Beyond `MAX_SERIES` transfers on
one resource the rest are stacked together as "other transfers".
"""

from __future__ import annotations

import bisect

from fakecloud.views import model
from fakecloud.views.svg import (
    GRID,
    INK,
    MONO,
    MUTED,
    Scale,
    Svg,
    text,
    text_width,
    tick_label,
    title,
    transfer_colour,
)
from fakecloud.views.svg_timeline import LEFT, RIGHT

PANEL_H = 92
GAP = 26
MAX_SERIES = 10


def _sampler(points: list[tuple[float, float]]):
    """A function giving the value of a step function at any time."""
    times = [t for t, _ in points]
    values = [v for _, v in points]

    def at(t: float) -> float:
        i = bisect.bisect_right(times, t) - 1
        return values[i] if i >= 0 else 0.0

    return at


def bandwidth_svg(run: model.Run, setup: bool = False, width: float = 1240) -> str:
    """The charts as one SVG element (empty string when nothing moved any data)."""
    start = run.rel(run.start) if setup else min(0.0, run.rel(run.end))
    end = run.rel(run.end)
    scale = Scale(start, end, LEFT + 8, width - RIGHT)
    labels = {
        str(e["subject"]): model.TRANSFER_NAMES.get(str(e.get("label")), str(e.get("label")))
        for e in run.events
        if e["kind"] == "io.start"
    }
    panels = []
    for name, usage in run.usage.items():
        flows = {
            fid: [(run.rel(t), v) for t, v in steps]
            for fid, steps in usage.flows.items()
            if setup or _ends_after(steps, run)
        }
        if flows:
            panels.append((name, usage, flows))
    if not panels:
        return ""
    height = 22 + len(panels) * (PANEL_H + GAP)
    doc = Svg(width, height, "bandwidth over time per link, disk and store", "bandwidth")
    y = 16
    for name, usage, flows in panels:
        _panel(doc, run, scale, name, usage, flows, labels, y, width)
        y += PANEL_H + GAP
    return doc.render()


def _ends_after(steps: list[tuple[float, float]], run: model.Run) -> bool:
    return bool(steps) and run.rel(steps[-1][0]) > 0


def _panel(doc, run, scale, name, usage, flows, labels, y, width) -> None:
    capacity = [(run.rel(t), v) for t, v in usage.capacity]
    peak = max([usage.peak] + [v for _, v in capacity]) or 1.0
    top = peak * 1.12

    def ypos(v: float) -> float:
        return y + PANEL_H - (v / top) * PANEL_H

    cap_now = capacity[-1][1] if capacity else None
    doc.add(f'<g class="bandwidth-panel" data-resource="{name}">')
    doc.add(text(12, y + 14, name, weight="600", size=12))
    if cap_now:
        doc.add(text(12, y + 30, f"capacity {cap_now / 1e6:,.1f} MB/s", fill=MUTED, size=10.5))
    doc.add(
        f'<rect x="{LEFT + 8}" y="{y:.1f}" width="{width - RIGHT - LEFT - 8:.1f}" '
        f'height="{PANEL_H}" fill="#fbfcfd" stroke="{GRID}"/>'
    )
    for v in (peak / 2, peak):
        yy = ypos(v)
        doc.add(
            f'<line x1="{LEFT + 8}" y1="{yy:.1f}" x2="{width - RIGHT:.1f}" y2="{yy:.1f}" '
            f'stroke="{GRID}"/>'
            + text(LEFT + 2, yy + 4, f"{v / 1e6:,.0f}", anchor="end", fill=MUTED, size=9.5)
        )
    doc.add(text(LEFT + 2, y + PANEL_H + 4, "0", anchor="end", fill=MUTED, size=9.5))
    doc.add(text(LEFT + 2, y - 4, "MB/s", anchor="end", fill=MUTED, size=9.5))
    series = sorted(flows.items(), key=lambda kv: (kv[1][0][0], kv[0]))
    total = [(run.rel(t), v) for t, v in usage.points]
    rest = len(series) - MAX_SERIES
    if rest > 0:  # the others are what the total has beyond the flows drawn one by one
        series = series[: MAX_SERIES - 1] + [(f"{rest + 1} other transfers", total)]
    times = sorted({t for _, s in series for t, _ in s} | {scale.t_min, scale.t_max})
    times = [t for t in times if scale.t_min <= t <= scale.t_max]
    base = [0.0] * len(times)
    for fid, steps in series:
        others = fid.endswith(" other transfers")
        label = fid if others else labels.get(fid, fid)
        fill, stroke = ("#e4e8ee", "#8a97a8") if others else transfer_colour(label)
        at = _sampler(steps)
        if others:
            values = [max(0.0, at(t) - b) for t, b in zip(times, base, strict=True)]
        else:
            values = [at(t) for t in times]
        if not any(values):
            continue
        upper = [b + v for b, v in zip(base, values, strict=True)]
        d = _area(times, base, upper, scale, ypos)
        mean = _mean_rate(steps) if not others else 0.0
        hover = f"{label} ({fid}): up to {max(values) / 1e6:,.1f} MB/s" + (
            f", {mean / 1e6:,.1f} MB/s on average while moving" if mean else ""
        )
        doc.add(
            f'<path class="flow" d="{d}" fill="{fill}" stroke="{stroke}" stroke-width="1" '
            f'fill-opacity="0.9">{title(hover)}</path>'
        )
        base = upper
    if capacity:
        d = _steps_path(capacity, scale, ypos)
        doc.add(
            f'<path class="capacity" d="{d}" fill="none" stroke="{INK}" stroke-width="1.2" '
            'stroke-dasharray="5 3"/>'
        )
    ticks = scale.ticks(12)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    for t in ticks:
        x = scale(t)
        doc.add(
            text(
                x,
                y + PANEL_H + 13,
                tick_label(t, step),
                anchor="middle",
                fill=MUTED,
                size=9.5,
                family=MONO,
            )
        )
    _legend(doc, series, labels, width, y)
    doc.add("</g>")


def _legend(doc, series, labels, width, y) -> None:
    seen: dict[str, tuple[str, str]] = {}
    for fid, _ in series:
        if fid.endswith(" other transfers"):
            seen.setdefault(fid, ("#e4e8ee", "#8a97a8"))
            continue
        label = labels.get(fid, fid)
        seen.setdefault(label, transfer_colour(label))
    x = width - RIGHT
    for label, (fill, stroke) in reversed(list(seen.items())):
        w = text_width(label, 10.5) + 18
        x -= w
        doc.add(
            f'<rect x="{x:.1f}" y="{y - 11:.1f}" width="10" height="10" rx="2" fill="{fill}" '
            f'stroke="{stroke}"/>' + text(x + 14, y - 2, label, fill=MUTED, size=10.5)
        )


def _mean_rate(steps: list[tuple[float, float]]) -> float:
    moving = [(t1 - t0, v) for (t0, v), (t1, _) in zip(steps, steps[1:], strict=False) if v > 0]
    total = sum(d for d, _ in moving)
    return sum(d * v for d, v in moving) / total if total > 0 else 0.0


def _area(times, lower, upper, scale, ypos) -> str:
    """A step-shaped band between `lower` and `upper` (values hold until the next time)."""
    top, bottom = [], []
    for i, t in enumerate(times):
        x = scale(t)
        x_next = scale(times[i + 1]) if i + 1 < len(times) else x
        top += [(x, ypos(upper[i])), (x_next, ypos(upper[i]))]
        bottom += [(x, ypos(lower[i])), (x_next, ypos(lower[i]))]
    pts = top + bottom[::-1]
    return "M" + " L".join(f"{x:.1f} {y:.1f}" for x, y in pts) + " Z"


def _steps_path(points, scale, ypos) -> str:
    d = []
    for i, (t, v) in enumerate(points):
        x = scale(t)
        x_next = scale(points[i + 1][0]) if i + 1 < len(points) else scale.x_max
        d.append(f"{'M' if i == 0 else 'L'}{x:.1f} {ypos(v):.1f} L{x_next:.1f} {ypos(v):.1f}")
    return " ".join(d)
