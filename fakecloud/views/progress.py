"""A command's progress bar on stderr (``fakecloud explore``'s seeds, ``fakecloud shrink``'s runs).

It is drawn only when stderr is a terminal, as rich's `Console` decides (``FORCE_COLOR`` or
``TTY_COMPATIBLE`` set makes any stream one; ``TERM=dumb`` none), and, being transient, erased
when done, so the report printed after it stands alone; piped or captured, stderr gets nothing.
``--no-progress`` turns it off altogether.
"""

from __future__ import annotations

import sys
from typing import Any


class Bar:
    """One rich progress bar: `label`, the bar, done of `total` (an unknown total: a pulsing bar
    and the count alone), each of `texts` (rich ``TextColumn`` templates reading
    ``{task.fields[NAME]}`` of `fields`), then the time elapsed. Use as a context manager."""

    _bar: Any

    def __init__(
        self, label: str, total: int | None, *texts: str, enabled: bool = True, **fields: Any
    ):
        self.label, self.total, self.texts, self.fields = label, total, texts, fields
        self.enabled = enabled
        self._bar = None

    def __enter__(self) -> Bar:
        from rich.console import Console

        console = Console(stderr=True)
        # Not on a terminal rich would draw nothing, but still end with a blank line on stderr.
        if self.enabled and console.is_terminal and not console.is_dumb_terminal:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            count = (
                MofNCompleteColumn() if self.total is not None else TextColumn("{task.completed}")
            )
            self._bar = Progress(
                TextColumn(self.label),
                BarColumn(),
                count,
                *(TextColumn(text) for text in self.texts),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task(self.label, total=self.total, **self.fields)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)

    @property
    def done(self) -> float:
        """How many have been counted so far (0 with no bar)."""
        return self._bar.tasks[0].completed if self._bar is not None else 0

    @property
    def elapsed(self) -> float:
        """Real seconds since the bar started (0 with no bar or before it started)."""
        return (self._bar.tasks[0].elapsed or 0.0) if self._bar is not None else 0.0

    def note(self, text: str) -> None:
        """Print `text` on stderr: above the bar while it is drawn."""
        if self._bar is not None:
            self._bar.console.print(text, markup=False, highlight=False, soft_wrap=True)
        else:
            print(text, file=sys.stderr)

    def advance(self, by: int = 1, **fields: Any) -> None:
        """Count `by` more done and show the new `fields`."""
        if self._bar is not None:
            self._bar.update(self._task, advance=by, **fields)
