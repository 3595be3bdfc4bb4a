"""Telling a run in the terminal, as it unfolds in virtual time (what ``fakecloud demo`` shows).

A `Narrator` plays a finished run back on its own clock: each milestone is printed at its
virtual time (scenario time: zero is the first step), and a long virtual wait (an upload, the
set-up's boot) is a progress bar that fills while the narrator waits a moment of real time, so
a 7-second boot takes a second to watch and a 3-millisecond API call none. The same story is
printed plainly, without pauses or bars, when the output is not a terminal (``fakecloud demo |
less``) or with ``pace=False``.

The narration is the trace's story (`fakecloud.views.timeline.story_line`) thinned to what a
person follows: requests that change something, the calls between services that matter, RPC
casts and calls, state changes, the guest's freeze and thaw, transfers, faults and failures,
and a compute host's polls of Cinder while it waits for a volume snapshot before the thaw
(`POLLS`; polls back to back are one line with their count and interval), and nova-api's
check of Cinder's snapshot quota before a volume-backed snapshot (`CHECKS`). Other reads (GETs
that succeed) are left to the report.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from fakecloud.views import lanes, model
from fakecloud.views.timeline import story_line, validations_note
from fakecloud.views.width import PIPED_WIDTH

#: Virtual seconds without news after which the narrator shows the wait as a progress bar.
LONG_WAIT_S = 0.25
_QUIET_MACHINES = ("volume.attach_status", "attachment.", "nova.instance.power_state")
#: The reads a caller repeats until something is done, told as milestones: nova-compute's
#: ``unquiesce_instance`` polls Cinder every 0.5 s until each snapshot of the mapping is no
#: longer creating, then thaws (compute/manager.py `_wait_for_snapshots_completion`).
POLLS = {("nova-compute", "get_snapshot")}
#: The reads told as milestones though they change nothing: nova-api's look at Cinder's limits
#: before a volume-backed snapshot (compute/api.py ``snapshot_volume_backed``, 17.0.1 on), the
#: quota check that refuses a request before anything is frozen, and that two requests at once
#: both pass (the 20 ms before the quiesce call was a silent gap).
CHECKS = {("nova-api", "get_absolute_limits")}
_STYLES = {
    "scenario.step": "bold",
    "api.request": "cyan",
    "api.response": "cyan",
    "http.request": "blue",
    "http.response": "blue",
    "rpc.cast": "dark_orange",
    "rpc.call": "dark_orange",
    "state": "magenta",
    "guest.freeze": "bold bright_blue",
    "guest.thaw": "bold green",
    "io.start": "dark_cyan",
    "io.finish": "dark_cyan",
}


class _Console(Console):
    """A rich Console that lets a closed pipe surface as `BrokenPipeError` (rich's own
    handling exits with status 1); ``fakecloud demo | head`` then ends quietly with 0."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def make_console() -> Console:
    """The terminal, or plain whole lines (`PIPED_WIDTH` columns for panels) when piped."""
    console = _Console(highlight=False)
    if not console.is_terminal:
        console = _Console(highlight=False, soft_wrap=True, width=PIPED_WIDTH)
    return console


@dataclass
class Line:
    """One told moment: scenario time, the sentence, its style, how often it repeated."""

    t: float
    text: str
    style: str
    count: int = 1
    last: float | None = None  # a poll's: when it was last made

    def repeats(self) -> str:
        """How often the line repeated: ``×N``, for a poll with its interval and last time."""
        if self.count == 1:
            return ""
        if self.last is None:
            return f"×{self.count}"
        every = (self.last - self.t) / (self.count - 1)
        return f"×{self.count}, every {every:.3f} s until {self.last:.3f}s"


def _poll(e: dict[str, Any]) -> bool:
    caller = str(e.get("actor", "")).split(":", 1)[0]
    return e["kind"] == "http.request" and (caller, e.get("call")) in POLLS


def _check(e: dict[str, Any]) -> bool:
    caller = str(e.get("actor", "")).split(":", 1)[0]
    return e["kind"] == "http.request" and (caller, e.get("call")) in CHECKS


def _told(e: dict[str, Any]) -> bool:
    kind = e["kind"]
    if kind in ("api.request", "api.response", "http.request", "http.response"):
        subject = str(e.get("subject") or "")
        status = e.get("status")
        failed = kind.endswith("response") and (status is None or status >= 400)
        return failed or not subject.startswith("GET ") or _poll(e) or _check(e)
    if kind == "state":
        return not str(e.get("machine", "")).startswith(_QUIET_MACHINES)
    return kind not in ("rpc.reply", "notification", "note")


def narration(run: model.Run) -> list[Line]:
    """The milestones of `run` after its set-up, as the narrator tells them."""
    failed = {m.seq for m in run.markers if m.failed}
    lines: list[Line] = []
    for e in run.events:
        if run.is_setup(e) or not _told(e):
            continue
        sentence = story_line(e, run.names)
        if sentence is None:
            continue
        style = "bold red" if e["seq"] in failed else _STYLES.get(e["kind"], "")
        t = run.rel(e["t"])
        if lines and lines[-1].text == sentence:
            lines[-1].count += 1
            lines[-1].last = t if _poll(e) else None
            continue
        lines.append(Line(t, sentence, style))
    return lines


class Narrator:
    """Prints chapters and plays runs back on a console (see the module docstring)."""

    def __init__(self, console: Console | None = None, pace: bool | None = None):
        self.console = console or make_console()
        self.pace = self.console.is_terminal if pace is None else pace

    def _pause(self, seconds: float) -> None:
        if self.pace and seconds > 0:
            time.sleep(seconds)

    def chapter(self, number: int, title: str, intro: str) -> None:
        """A chapter's title and what it teaches."""
        self.console.print()
        self.console.print(
            Panel(intro, title=f"[bold]{number}. {title}[/bold]", title_align="left", expand=True),
            soft_wrap=False,  # a panel's text wraps inside it even where lines do not wrap
        )
        self._pause(0.4)

    def hanging(self, head: Text, body: Text) -> None:
        """`head` then `body`, whose wrapped rest starts under it, not at the terminal's left
        edge, so the time column stays clear on a narrow terminal (piped lines are whole)."""
        if self.console.soft_wrap:
            self.console.print(head + body)
            return
        grid = Table.grid()
        grid.add_column(width=head.cell_len, no_wrap=True)
        grid.add_column()
        grid.add_row(head, body)
        self.console.print(grid)

    def note(self, text: str, style: str = "dim") -> None:
        """A line of commentary."""
        self.console.print(Text(text, style=style))

    def wait(self, seconds: float, what: str) -> None:
        """A long virtual wait: a bar filling while the narrator waits a moment."""
        label = f"{seconds:.3f} s pass" + (f" — {what}" if what else "")
        if not self.pace:
            self.hanging(Text(f"{'':12}… ", style="dim"), Text(label, style="dim"))
            return
        wall = min(1.4, 0.25 + 0.3 * math.log1p(seconds))
        steps = max(8, int(wall / 0.03))
        columns = (TextColumn(f"{'':12}[dim]{label}[/dim]"), BarColumn(bar_width=30))
        with Progress(*columns, console=self.console, transient=True) as bar:
            task = bar.add_task("wait", total=steps)
            for _ in range(steps):
                time.sleep(wall / steps)
                bar.advance(task)
        self.hanging(Text(f"{'':12}… ", style="dim"), Text(label, style="dim"))

    def setup(self, run: model.Run) -> None:
        """The set-up, folded into one wait."""
        if not run.t0_seq:
            return
        self.note(f"set-up: {run.t0_seq} events fold away (base images, tokens, the boot)")
        keystone = validations_note(e for e in run.events if run.is_setup(e))
        if keystone is not None:
            self.hanging(Text(f"{'':12}", style="dim"), Text(keystone, style="dim"))
        self.wait(run.t0 - run.start, "the world is built before the first step")

    def tell(self, run: model.Run) -> None:
        """Play `run` back from its first step, on its virtual clock."""
        self.setup(run)
        last = 0.0
        for line in narration(run):
            gap = line.t - last
            if gap >= LONG_WAIT_S:
                self.wait(gap, _busy(run, last, line.t))
            else:
                self._pause(min(0.12, 0.02 + gap))
            last = line.t
            text = Text(line.text, style=line.style)
            if line.count > 1:
                text.append(f"  ({line.repeats()})", style="dim")
            self.hanging(Text(f"{line.t:10.3f}s  ", style="dim"), text)

    def summary(self, facts: list[tuple[str, str]]) -> None:
        """What the chapter showed, as short facts; a fact's style may be red for a failure."""
        for fact, style in facts:
            self.hanging(Text("  ▸ ", style=style or "bold"), Text(fact, style=style or "bold"))


def _busy(run: model.Run, start: float, end: float) -> str:
    """What is running between `start` and `end`: the phases that span the wait, else who
    waits on whom (`awaited`)."""
    spans = [b for b in run.bars if not b.setup and b.start <= start + 1e-9 and b.end >= end - 1e-9]
    names = list(dict.fromkeys(b.label for b in spans))
    return ", ".join(names[:2]) or "; ".join(awaited(run, start, end)[:2])


def awaited(run: model.Run, start: float, end: float) -> list[str]:
    """Who waits on whom through the whole of a wait from `start` to `end` (scenario time)
    where no phase runs: the RPC calls and the requests between services sent by its middle and
    unanswered before `end`; when the wait ends in a guest agent's failed command, that libvirt
    waited on the agent (a hung qemu-ga: nova-api's ``quiesce_instance`` call waits while
    libvirt waits out ``QEMU_AGENT_WAIT_TIME`` for the agent's answer); the instance actions
    begun and not finished (a stop's ``compute_stop_instance`` while the guest shuts down);
    else the scenario's own wait (a `wait:` step polling) or its next step. Without these the
    tour's five seconds of a hung agent read ``… 5.002 s pass``, nothing named."""
    calls: dict[tuple[Any, ...], list[str]] = {}  # sent and not yet answered, oldest first
    step: dict[str, Any] | None = None  # the scenario's last step begun
    half = start + (end - start) / 2
    for e in run.events:
        t = run.rel(e["t"])
        if t >= end - 1e-9:
            break
        kind = e["kind"]
        if kind in ("rpc.call", "rpc.reply", "rpc.timeout"):
            target, method = str(e["subject"]), str(e.get("method"))
            key: tuple[Any, ...] = ("rpc", target, method)
            sender = lanes.label(lanes.rpc_sender(target, method))
            said = f"{sender} waits for {lanes.label(lanes.of_actor(target))} to answer {method}"
            opens = kind == "rpc.call"
        elif kind in ("http.request", "http.response"):
            caller = lanes.label(lanes.of_actor(e["actor"]))
            key = ("http", e["actor"], e.get("callee"), e.get("call"), e.get("subject"))
            said = f"{caller} waits for {e.get('callee')} to answer {e.get('call')}"
            opens = kind == "http.request"
        elif kind == "nova.event":  # an instance action's event (`wrap_instance_event`)
            action = str(e.get("event"))
            host = f"nova-compute {e['actor']}" if action.startswith("compute_") else e["actor"]
            key = ("action", e["actor"], e["subject"], action)
            said = f"{host} runs {action} for {run.names.get(str(e['subject']))}"
            opens = e.get("phase") == "start"
        else:
            if kind == "scenario.step" and not run.is_setup(e):
                step = e
            continue
        if opens:
            # (what begins in the wait's first half waits through most of it: a stop's action
            # starts as its cast arrives, 2 ms after the request line that opens the wait)
            calls.setdefault(key, []).append(said if t <= half else "")
        elif calls.get(key):
            calls[key].pop(0)
    waits = [said for pending in calls.values() for said in pending if said]
    ends = [e for e in run.events if abs(run.rel(e["t"]) - end) < 1e-9]
    for e in ends:
        if e["kind"] == "guest.agent_error":
            server = run.names.get(str(e["subject"]))
            waits.append(f"libvirt waits for the guest agent of {server} ({e.get('command')})")
    if not waits and step is not None:
        if step.get("action") == "wait":
            what = run.names.text(step.get("what"))
            waits.append(f"step {step['subject']} waits: {what}")
        else:
            nxt = next((e for e in ends if e["kind"] == "scenario.step"), None)
            if nxt is not None:
                waits.append(f"until the scenario's next step, {nxt['subject']}")
    return list(dict.fromkeys(waits))


def facts(run: model.Run) -> Iterator[tuple[str, str]]:
    """The headline facts of a run: frozen windows, failures, guests snapshot unquiesced,
    images made, and what a scenario run's checks found broken (a replay's bad end state)."""
    for bar in run.bars:
        if bar.kind == "frozen" and not bar.setup:
            guest = run.lane_label(bar.lane)
            if bar.failed:
                still = f"{guest}: frozen at {bar.start:.3f} s, still frozen when the run ended"
                yield still, "bold red"
            else:
                yield f"{guest}: {bar.label} (from {bar.start:.3f} s)", "bold bright_blue"
    for m in run.markers:
        if m.failed and not m.setup:
            yield f"{m.t:.3f} s  {run.lane_label(m.lane)}: {m.label}", "red"
        elif m.kind == "warning" and not m.setup:
            what = f"{m.label}; the snapshot is crash-consistent"
            yield f"{m.t:.3f} s  {run.lane_label(m.lane)}: {what}", "bold yellow"
    images: dict[str, str] = {}
    for e in run.events:
        image = e["kind"] == "state" and e.get("machine") == "glance.image.status"
        if image and not run.is_setup(e):
            images[str(e["subject"])] = str(e.get("new"))
    for ident, status in images.items():
        yield f"image {run.names.get(ident)}: {status}", "green" if status == "active" else "red"
    for found in run.meta.found:  # what the scenario's checks found broken at the end
        for said in found.details or (found.what,):
            yield run.names.text(said), "bold red"
