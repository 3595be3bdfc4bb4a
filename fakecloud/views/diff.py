"""Two runs' stories side by side: what a change made happen (``fakecloud report A B --view
diff``).

The sentences are those of the story (`fakecloud.views.timeline.milestones`), matched by their
words alone (Python's ``difflib``), so a run whose every step came 4 ms later still pairs
sentence with sentence, each with its time in both runs; a sentence only one run tells is
marked ``-`` (the first run only) or ``+`` (the second only), as ``diff -u`` marks lines.
"""

from __future__ import annotations

import difflib
from typing import Any

from fakecloud.views.timeline import milestones, row, wrap


def story_diff(first: Any, second: Any, labels: tuple[str, str], width: int | None = None) -> str:
    """The stories of runs `first` and `second` (`fakecloud.views.model.Run`, the set-up left
    out) as one list: a row per sentence, marked, with its time in each run that tells it."""
    told = [_told(run) for run in (first, second)]
    words = [[sentence for _, sentence in lines] for lines in told]
    matcher = difflib.SequenceMatcher(a=words[0], b=words[1], autojunk=False)
    out = [wrap(f"A: {labels[0]}", width), wrap(f"B: {labels[1]}", width)]
    out.append(f"  {'A':>9}  {'B':>9}")
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            for (ta, sentence), (tb, _) in zip(told[0][a1:a2], told[1][b1:b2], strict=True):
                out.append(row(f"  {ta:>9}  {tb:>9}  ", sentence, width))
            continue
        out += [row(f"- {ta:>9}  {'':>9}  ", sentence, width) for ta, sentence in told[0][a1:a2]]
        out += [row(f"+ {'':>9}  {tb:>9}  ", sentence, width) for tb, sentence in told[1][b1:b2]]
    return "\n".join(out)


def _told(run: Any) -> list[tuple[str, str]]:
    """The story of `run` from its first step: (its scenario time as text, sentence) pairs."""
    events = [e for e in run.events if not run.is_setup(e)]
    return [(f"{t - run.t0:.3f}s", s) for t, s in milestones(events, run.names, t0=run.t0)]
