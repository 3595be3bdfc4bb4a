"""The small SVG toolkit the HTML report draws with: a time scale, a document builder, colours.

The pictures are drawn here, on the server, from the trace (no charting library, no script):
the report opens anywhere, prints, and stays exactly what the trace says. Text sizes are
estimated (`text_width`) to lay labels out without overlaps; every shape carries a ``<title>``
(the hover) with its details and the ids behind the names, and the timeline's bars and markers
are `FOCUSABLE` too: the report's script shows a focused one's ``<title>`` beside it, so the
keyboard reaches what the mouse does.
"""

from __future__ import annotations

import math
from typing import Any

from markupsafe import escape

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
MONO = "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace"
CHAR_W = 6.3  # average width of an 11 px sans-serif character

#: Fill and stroke per kind of phase.
PHASE_COLOURS = {
    "quiesce": ("#fde7b0", "#d99a06"),
    "frozen": ("#bfe0ff", "#2f80d1"),
    "thaw": ("#c9efc0", "#3c9a2b"),
    "snapshot": ("#e7d9f5", "#8048b8"),
    "transfer": ("#d4ecec", "#1f8a8a"),
    "upload": ("#fde0c8", "#d8691c"),
    "extract": ("#d4ecec", "#1f8a8a"),
    "download": ("#d6e4f5", "#3b6fb6"),
    "wait": ("#eceff3", "#8a99ab"),
    "failed": ("#fde2e2", "#d0021b"),
}
RED = "#d0021b"
INK = "#1f2d3d"
MUTED = "#6b7a8c"
GRID = "#e6ebf1"
#: The attribute that puts a shape in the keyboard's Tab order (its details shown on focus).
FOCUSABLE = 'tabindex="0"'


def text_width(text: str, size: float = 11) -> float:
    """The estimated width of `text` at `size` px."""
    return len(text) * CHAR_W * size / 11


def transfer_colour(label: str) -> tuple[str, str]:
    """Fill and stroke of a transfer by what it is (extract, upload, download)."""
    low = label.lower()
    if "upload" in low:
        return PHASE_COLOURS["upload"]
    if "extract" in low or "convert" in low or "rebase" in low:
        return PHASE_COLOURS["extract"]
    if "download" in low:
        return PHASE_COLOURS["download"]
    return PHASE_COLOURS["transfer"]


class Scale:
    """Virtual seconds → x pixels, over ``[t_min, t_max]`` mapped onto ``[x_min, x_max]``."""

    def __init__(self, t_min: float, t_max: float, x_min: float, x_max: float):
        if t_max <= t_min:
            t_max = t_min + 0.001
        self.t_min, self.t_max, self.x_min, self.x_max = t_min, t_max, x_min, x_max
        self._k = (x_max - x_min) / (t_max - t_min)

    def __call__(self, t: float) -> float:
        return self.x_min + (min(max(t, self.t_min), self.t_max) - self.t_min) * self._k

    def ticks(self, most: int = 10) -> list[float]:
        """Round times for axis ticks (steps of 1, 2 or 5 × 10^k)."""
        span = self.t_max - self.t_min
        raw = span / max(1, most)
        power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
        step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
        first = math.ceil(self.t_min / step - 1e-9) * step
        out, t = [], first
        while t <= self.t_max + 1e-9:
            out.append(round(t, 9))
            t += step
        return out


def tick_label(t: float, step: float) -> str:
    """A tick's label: as many decimals as the step needs."""
    decimals = max(0, -math.floor(math.log10(step))) if step > 0 else 0
    return f"{t:.{min(decimals, 3)}f} s"


class Svg:
    """An SVG document built as a list of strings; every text is escaped."""

    parts: list[str]

    def __init__(self, width: float, height: float, label: str, css_class: str = ""):
        self.width, self.height = width, height
        self.parts = []
        self.label = label
        self.css_class = css_class

    def add(self, markup: str) -> None:
        """Append raw markup (built with the helpers below)."""
        self.parts.append(markup)

    def render(self) -> str:
        """The ``<svg>`` element."""
        cls = f' class="{self.css_class}"' if self.css_class else ""
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg"{cls} role="img" '
            f'aria-label="{escape(self.label)}" width="{self.width:.0f}" '
            f'height="{self.height:.0f}" viewBox="0 0 {self.width:.0f} {self.height:.0f}" '
            f'font-family="{FONT}" font-size="11">' + "".join(self.parts) + "</svg>"
        )


def title(text: str) -> str:
    """A hover text."""
    return f"<title>{escape(text)}</title>" if text else ""


def text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "start",
    fill: str = INK,
    size: float = 11,
    weight: str = "normal",
    css: str = "",
    halo: bool = False,
    family: str = "",
) -> str:
    """A line of text (with a white halo when it crosses lines)."""
    extra = ' paint-order="stroke" stroke="#ffffff" stroke-width="3"' if halo else ""
    if family:
        extra += f' font-family="{family}"'
    cls = f' class="{css}"' if css else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}" '
        f'font-size="{size}" font-weight="{weight}"{extra}{cls}>{escape(content)}</text>'
    )


def attrs(**values: Any) -> str:
    """SVG attributes from keywords (``stroke_width`` → ``stroke-width``)."""
    out = []
    for key, value in values.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        shown = f"{value:.1f}" if isinstance(value, float) else str(value)
        out.append(f'{name}="{escape(shown)}"')
    return " ".join(out)
