"""The catalogue of trace event kinds (`fakecloud list events`) covers what the cloud writes."""

from __future__ import annotations

import re
from pathlib import Path

from fakecloud.events import CORE, EVENTS
from fakecloud.scenario.loader import load
from fakecloud.scenario.runner import run_case
from fakecloud.sim import calls

ROOT = Path(__file__).resolve().parents[2]
#: trace.emit or a trace form. The word boundary before ``form`` is checked once ``form`` has
#: matched (a look behind it), not as a ``\b`` tried at each of the source's 6 million
#: characters: the same matches in a quarter of the time (0.02 CPU-s instead of 0.09).
_EMIT = re.compile(r"(?:\.emit|form(?<!\wform))\(\s*\"([a-z_.]+)\"")


def test_every_kind_emitted_in_the_source_is_catalogued():
    emitted = {calls.REQUEST, calls.RESPONSE}
    for path in (ROOT / "fakecloud").rglob("*.py"):
        emitted.update(_EMIT.findall(path.read_text(encoding="utf-8")))
    assert {"state", "rpc.cast", "io.finish", "fault"} <= emitted
    missing = sorted(emitted - set(EVENTS))
    assert missing == [], f"describe these kinds in fakecloud/events.py: {missing}"


def test_the_events_of_real_flows_carry_the_catalogued_fields():
    kinds = set()
    for name in (
        "flows/volume_backed_online.yaml",
        "bugs/lp1754360_thaw_after_quiesce_timeout.yaml",
    ):
        result = run_case(load(ROOT / "scenarios" / name).cases[0])
        for event in result.trace:
            entry = EVENTS.get(event["kind"])
            assert entry is not None, f"{event['kind']} is not in fakecloud/events.py"
            if not entry.open:
                extra = set(event) - set(CORE) - set(entry.fields)
                assert not extra, f"{event['kind']} carries {sorted(extra)}, not catalogued"
            kinds.add(event["kind"])
    assert {"guest.freeze", "guest.thaw", "rpc.timeout", "http.request", "state"} <= kinds
