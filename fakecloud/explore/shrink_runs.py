"""The runs a shrink made, kept in Hypothesis's example database so the next shrink goes on.

A shrink is Hypothesis calling a test on choice sequences, and each run of fakecloud is a pure
function of its draws: the same draws, the same run. So a second shrink of the same seed makes
the same calls as the first, and every run the first made can be answered from what it found
(whether it still broke the target, and its size) instead of being played again: the shrink
takes the same path to the same smallest run, and plays only the runs the first did not
reach (a first stopped by ``--shrink-time`` or Ctrl-C goes on where it stopped; one that ran to
its end is answered whole). Hypothesis's own resumption (its primary corpus, replayed and shrunk
from) would not do: a shrink restarted from a half-shrunk run takes another path, and can end
elsewhere (``quota_race.yaml`` seed 4 stopped after 70 of its 85 runs: size 5 in 207 runs more,
where the whole shrink ends at size 2).

Each kept run is one value under the shrink's key (`key`) of a
``hypothesis.database.DirectoryBasedExampleDatabase``: its draws ``(low, high, value)`` in order,
whether it still broke the target and its size, as JSON. Runs share their first draws, so the
kept runs make a tree, walked draw by draw with the test's own ``data``: Hypothesis sees the very
draws a played run would have made.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from fakecloud.version import __version__

#: The prefix of a shrink's key in the example database.
KEY_PREFIX = b"fakecloud-shrink-runs."

#: A draw as kept: its range and its value.
Draw = tuple[int, int, int]


def identity(text: str, case_id: str, windows: str | None, profile: str | None) -> str:
    """What names a shrink's run besides its seed: the file's text, the case, the draw
    (``--windows``) and the profile (``--profile``), as ``fakecloud shrink`` names them."""
    return json.dumps([text, case_id, windows, profile])


def key(identity: str, seed: int, target: str) -> bytes:
    """The key of one shrink's runs: `identity` (the file's text, the case, the draw and the
    profile, as the caller names the run), the seed, the target and fakecloud's version,
    hashed: an edited file, another target or another release is another shrink."""
    named = json.dumps([identity, seed, target, __version__]).encode()
    return KEY_PREFIX + hashlib.sha256(named).hexdigest()[:32].encode()


class KeptRuns:
    """The runs of one shrink kept in an example database folder (`folder`, made on the first
    run kept), under `key`."""

    _tree: dict[str, Any]

    def __init__(self, folder: str | Path, key: bytes):
        from hypothesis.database import DirectoryBasedExampleDatabase

        self._database = DirectoryBasedExampleDatabase(str(folder))
        self._key = key
        self._tree = {}
        self.found = 0
        """How many runs an earlier shrink had kept."""
        for value in self._database.fetch(key):
            kept = json.loads(value)
            draws = [tuple(d) for d in kept["draws"]]
            if "next" in kept:
                self._add_stop(draws, tuple(kept["next"]))
            else:
                self._add(draws, kept["broke"], kept["size"])
            self.found += 1

    def answer(self, source: Any) -> tuple[list[Draw], tuple[bool, int] | None]:
        """Draw from `source` along the kept runs: the draws made, and (whether it still broke
        the target, its size) when a kept run ends there; None: no kept run does, so the run
        is played, its first draws being those made (`Continued`)."""
        node = self._tree
        drawn: list[Draw] = []
        while True:
            end = node.get("end")
            if end is not None:
                return drawn, end
            bounds = node.get("range")
            if bounds is None:
                return drawn, None
            value = source.draw("kept", len(drawn), bounds[0], bounds[1], {})
            drawn.append((bounds[0], bounds[1], value))
            node = node.get("next", {}).get(value)
            if node is None:
                return drawn, None

    def keep(self, draws: list[Draw], broke: bool, size: int) -> None:
        """Keep a run played to its end: its draws, whether it still broke the target, its
        size."""
        record = {"draws": draws, "broke": broke, "size": size}
        self._database.save(self._key, json.dumps(record).encode())
        self._add(draws, broke, size)

    def keep_stop(self, draws: list[Draw], bounds: tuple[int, int]) -> None:
        """Keep a run Hypothesis stopped (its choices ran out) at a draw in `bounds`, after
        `draws`: the next shrink's run stops there too, without playing it."""
        record = {"draws": draws, "next": bounds}
        self._database.save(self._key, json.dumps(record).encode())
        self._add_stop(draws, bounds)

    def _add_stop(self, draws: list[Draw], bounds: tuple[int, int]) -> None:
        node = self._tree
        for low, high, value in draws:
            node.setdefault("range", (low, high))
            node = node.setdefault("next", {}).setdefault(value, {})
        node.setdefault("range", bounds)

    def _add(self, draws: list[Draw], broke: bool, size: int) -> None:
        node = self._tree
        for low, high, value in draws:
            node.setdefault("range", (low, high))
            node = node.setdefault("next", {}).setdefault(value, {})
        node["end"] = (broke, size)


class StaleRuns(Exception):
    """A kept run's draws differ from the run's own: another fakecloud kept it."""


class Continued:
    """A source that gives `drawn` first (the draws `KeptRuns.answer` made) and then draws from
    `source` (None: none left), keeping every draw as ``(low, high, value)`` in `draws`."""

    draws: list[Draw]
    asked: tuple[int, int]

    def __init__(self, drawn: list[Draw], source: Any):
        self.draws = []
        self.asked = (0, 0)
        """The range of the last draw asked for (the one a stopped run stopped at)."""
        self._drawn = drawn
        self._source = source

    def draw(self, kind: str, n: int, low: int, high: int, about: dict[str, Any]) -> int:
        """The next draw made already, else `source`'s."""
        i = len(self.draws)
        if i < len(self._drawn):
            made = self._drawn[i]
            if (made[0], made[1]) != (low, high):
                raise StaleRuns(
                    f"the run's draw {i} is in {low}..{high}, its kept run's in "
                    f"{made[0]}..{made[1]}: the example database was written by another "
                    "fakecloud (shrink with --no-database, or remove it)"
                )
            value = made[2]
        elif self._source is None:
            raise RuntimeError("the kept run ends before the run does")
        else:
            self.asked = (low, high)
            value = self._source.draw(kind, n, low, high, about)
        self.draws.append((low, high, value))
        return value
