"""Shared pieces of the explorer's tests: the small scenario files they explore."""

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


@pytest.fixture
def shared_link(tmp_path):
    """A copy of the shared-link scenario (throughput jitter breaks its exact timing)."""
    target = tmp_path / "shared_link.yaml"
    target.write_text((HERE / "shared_link.yaml").read_text())
    return target


def by_event(text):
    """A scenario file's `text` with its inserts drawn by event (``explore.windows: events``),
    the draw these tests' seeds were picked under (a file's own ``windows:`` kept)."""
    if "\n  windows:" in text:
        return text
    return text.replace("\nexplore:\n", "\nexplore:\n  windows: events\n", 1)


def same_run(a, b):
    """Whether two traces record the same run: every event equal, except that the
    ``scenario.start`` and ``scenario.names`` events name their own file and case (a run's
    and its replay's differ)."""

    def events(trace):
        out = []
        for event in trace:
            if event["kind"] in ("scenario.start", "scenario.names"):
                own = ("subject", "file", "case", "description", "replay")
                event = {k: v for k, v in event.items() if k not in own}
            out.append(event)
        return out

    return events(a) == events(b)
