"""Where an explored run's decisions come from: a seed, Hypothesis, or a recorded list.

Every source answers ``draw(kind, n, low, high, about)`` with an integer in ``low..high``, 0
being what a plain run does (see `fakecloud.sim.explore`). Kinds drawn before the run starts:
``window`` (after which trace event an inserted action happens, 0: not at all) and ``keep``
(shrinking only: whether a step of the file stays, 0: dropped).

- `SeededSource`: one seeded ``random.Random`` per run; faults and inserts fire with their
  likelihood, everything else is uniform in its range.
- `HypothesisSource`: each decision is one Hypothesis draw, so Hypothesis can shrink a run.
- `Recorder`: wraps a source and keeps ``(low, high, value)`` of every draw in order: the
  choice sequence Hypothesis starts shrinking from.
"""

from __future__ import annotations

from random import Random
from typing import Any


class SeededSource:
    """Decisions drawn from one seed (``explore`` runs seed N with ``SeededSource(N, ...)``)."""

    def __init__(self, seed: int, likelihoods: dict[str, float]):
        self._rng = Random(f"fakecloud-explore:{seed}")
        self._likelihoods = likelihoods

    def draw(self, kind: str, n: int, low: int, high: int, about: dict[str, Any]) -> int:
        """A uniform draw; faults and inserts first draw whether they happen at all. An
        insert's window with ``moments`` (`fakecloud.explore.play.Moments`) is uniform over
        the moments, then over the events of its instant; with mixed moments, one bit first
        says whether it is drawn that way or uniform over the events."""
        if kind in ("fault", "window"):
            # a point listed several times: its entry's likelihood (`sim.explore.ENTRY`)
            key = about.get("entry") or about.get("point") or about.get("insert")
            if high < 1 or self._rng.random() >= self._likelihoods.get(key, 1.0):
                return 0
            low = 1
            moments = about.get("moments")
            if moments is not None:
                groups, beats = moments.groups, moments.beats
                if moments.mixed and self._rng.getrandbits(1):
                    return 1 + self._below(high - len(beats))
                k = self._below(len(groups) + len(beats))
                if k >= len(groups):
                    return high - len(beats) + 1 + k - len(groups)
                first, last = groups[k]
                return first + self._below(last - first + 1)
        elif kind == "keep":
            return high
        # rng.randint(low, high) without its three Python calls: randrange's draw below the
        # width, as Random._randbelow_with_getrandbits makes it (the same bits, the same value)
        width = high - low + 1
        if width <= 0:
            raise ValueError(f"empty range for a draw ({low}, {high})")
        bits = width.bit_length()
        value = self._rng.getrandbits(bits)
        while value >= width:
            value = self._rng.getrandbits(bits)
        return low + value

    def _below(self, width: int) -> int:
        """A uniform draw in ``0..width - 1``, as `draw` makes it."""
        bits = width.bit_length()
        value = self._rng.getrandbits(bits)
        while value >= width:
            value = self._rng.getrandbits(bits)
        return value


class HypothesisSource:
    """Decisions drawn from a Hypothesis ``data`` object (``st.data()``), for shrinking."""

    _ranges: dict[tuple[int, int], Any]

    def __init__(self, data: Any):
        from hypothesis import strategies as st

        self._data = data
        self._st = st
        self._ranges = {}

    def draw(self, kind: str, n: int, low: int, high: int, about: dict[str, Any]) -> int:
        """One Hypothesis integer draw in ``low..high`` (shrinks towards 0, the plain run)."""
        strategy = self._ranges.get((low, high))
        if strategy is None:
            strategy = self._ranges[(low, high)] = self._st.integers(low, high)
        try:
            return self._data.draw(strategy)
        except BaseException as exc:  # Hypothesis ends the test: carry its signal out whole
            raise OutOfChoices(exc) from exc


class OutOfChoices(BaseException):
    """Hypothesis stopped a run mid-way (its choices ran out); `signal` is what it raised.

    A BaseException, so it passes through the scenario runner (which reports any Exception
    inside the simulation as a crash) and simpy (which re-raises a copy of it) intact.
    """

    def __init__(self, signal: BaseException | None = None):
        super().__init__()
        self.signal = signal


class Recorder:
    """A source that keeps every draw of the source it wraps: ``sequence`` is the run's
    choice sequence, in the order the draws were made."""

    sequence: list[int]

    def __init__(self, source: Any):
        self.source = source
        self.sequence = []

    def draw(self, kind: str, n: int, low: int, high: int, about: dict[str, Any]) -> int:
        """The wrapped source's value, written down."""
        value = self.source.draw(kind, n, low, high, about)
        self.sequence.append(value)
        return value
