"""Pruning a failed check's path by effect: the faults and inserted actions it does not need.

A failing seed's path (`fakecloud.explore.paths`) keeps every fault that fired and every
inserted action that ran touching what broke, before it broke. With many fault points and
adversaries on, most of them change nothing the failure depends on: a Cinder call that failed
in a periodic task the snapshot never waited for, a guest that stopped after its snapshot had
already failed, an RPC lost after the request had already been answered 500. Such an event
made a path of its own, so seeds that broke the same thing the same way fell into groups of
one.

So each such event is tried away: the seed runs again with every decision as it was but
that one's back to what a plain run does (the fault point does not fire with that outcome,
the action does not land). The other inserted actions land after the same events as they
did when it was a request refused (4xx), and the ties the run broke are broken as they were,
each by its instant: a request refused at once (a createBackup of a volume-backed server
answered 400) changed nothing, and without it the run is the same (it moved a rescue and a
stop that landed after it later, past the race they made, and took the tie that ordered
them: it stayed on their path).
When the check still breaks (the same invariant about each of the same subjects: the same
request lines answered 500, the same volume snapshots orphaned; the same expectation about
one of the same resources), the event is left off its path, with what it alone made there
(a dropped RPC message's loss and timeout, an inserted action's answer).
When several events are each not needed alone but the check does not break without them all
(each of two faults would do), they all stay. A step's error answer, an RPC timeout, a lost
message and an expired call are outcomes, not choices: they stay as the path found them, but
for an RPC timeout or expiry the run without the needless events did not have (a stalled
call's timeout, a call expired in the queue of a nova-compute a needless restart kept down),
which leaves with them.

Only failing seeds run again, once per fault or action on their paths (and once more for a
check that could lose several), from a fork of the case's world; every run depends only on
the file, the case and the seed, so the groups are the same however the seeds are spread.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Any

from fakecloud.explore.paths import Led, ids_of, path_of
from fakecloud.scenario.runner import step_process

#: What a rerun reports of each failed check: its key and what it is about (`about`).
Broke = list[tuple[str, frozenset[str]]]
#: A rerun's `Broke` and the RPC timeouts and expiries it had (`paths.rpc_timeouts`).
Rerun = tuple[Broke, frozenset[str]]
#: The path events a rerun without some choices may not have had, and so were theirs: an RPC
#: call's timeout (a stall's), its expiry in a stopped service's queue (a restart's).
_THEIRS = ("rpc.timeout ", "rpc.expired ")


class Without:
    """A source replaying an explored run's decisions but those of `removed` (`Led.choices`
    keys), which are 0: the fault does not fire with that outcome, the insert does not land.

    Inserts are drawn first, from a fresh source of the same seed (the same values), and only
    those of `landed` (the run's own: one placed after its run had ended, or naming what it
    never knew, did not land) land, after the same event as in the run: an insert lands
    after the n-th trace event from t0, and `moved` (`own_events`) are those of the run that
    the removed inserts wrote that were refused, which the run without them does not have (a
    createBackup answered 400 between a createImage's events and a rescue's moment moved
    that rescue later, past the race it lost). A tie is the run's own by its instant, its
    number of events and its rank among such ties (`_tie`), leaving out those a removed
    insert's start was in (the run's ``starts`` of the tie): without that start the tie holds
    one event fewer, its pick one place earlier when the start came before it, and is not
    there when the start was what ran (a rescue's and a stop's starts tied after a refused
    createBackup's start had tied with the stop's: the rerun gave the rescue/stop tie the
    backup's pick, the stop ran first and the rescue's 500 was not met again). Every other
    decision is the run's own by kind and number, 0 once the run has gone another way where
    the recorded value does not fit the range drawn from."""

    _ties: dict[tuple, int]

    def __init__(
        self,
        fresh: Any,
        made: list[Any],
        removed: frozenset[tuple],
        landed: Any = None,
        moved: Sequence[int] = (),
    ):
        self._fresh = fresh
        self._removed = removed
        self._landed = landed
        self._moved = moved
        values: dict[tuple, int] = {}
        self._ties = {}
        starts = {step_process(choice[1]) for choice in removed if choice[0] == "insert"}
        for d in made:
            if d.kind == "fault":
                point = d.about.get("point")
                gone = ("fault", point, d.about.get("outcome")) in removed
                values[(f"fault:{point}", d.n)] = 0 if gone else d.value
            elif d.kind == "tie":
                # a removed insert's start among the tied events is not there without it: the
                # tie has one event fewer, and none when its start is what ran (the tie of the
                # events left is the run's next one)
                out = [i for i, name in d.about.get("starts", ()) if name in starts]
                if d.value in out or d.about["events"] - len(out) < 2:
                    continue
                tie = {"t": d.about["t"], "events": d.about["events"] - len(out)}
                values[self._tie(tie)] = d.value - sum(i < d.value for i in out)
            else:
                values[(d.kind, d.n)] = d.value
        self._ties.clear()
        self._values = values

    def _tie(self, about: dict[str, Any]) -> tuple:
        """A tie's key: its instant, how many events were tied and how many such ties came
        before it, not its number among all the run's ties (a removed insert's own tie, its
        start with another event's, is not in the run without it: the ties after it are the
        same, one number earlier)."""
        key = ("tie", about.get("t"), about.get("events"))
        count = self._ties[key] = self._ties.get(key, 0) + 1
        return (*key, count)

    def draw(self, kind: str, n: int, low: int, high: int, about: dict[str, Any]) -> int:
        """The run's own value (see the class)."""
        if kind == "window":
            value = self._fresh.draw(kind, n, low, high, about)
            insert = about.get("insert")
            gone = ("insert", insert) in self._removed
            if gone or (self._landed is not None and insert not in self._landed):
                return 0
            moments = about.get("moments")
            if moments is not None and value > high - len(moments.beats):
                return value  # at a heartbeat: a time, which no removed event moves
            return value - bisect_right(self._moved, value - 1) if value else 0
        if kind == "tie":
            value = self._values.get(self._tie(about), 0)
            return value if low <= value <= high else 0
        key = kind if kind != "fault" else f"fault:{about.get('point')}"
        value = self._values.get((key, n), 0)
        return value if low <= value <= high else 0


def pruned(
    result: Any,
    landed: dict[str, int],
    checks: list[Any],
    keys: list[str],
    leds: list[Led],
    rerun: Callable[[frozenset[tuple]], Rerun],
    start: tuple[tuple[str, str], ...] = (),
) -> list[Led]:
    """`leds` (the paths of `checks`, whose keys are `keys`) without the choices each does
    not need (see the module); `rerun(removed)` runs the seed again without them; `start`,
    the links of the world the run forked (`fakecloud.explore.paths.world_links`)."""
    order: dict[tuple, None] = {}
    for led in leds:
        order.update(dict.fromkeys(led.choices.values()))
    if not order:
        return leds
    runs: dict[frozenset[tuple], Rerun] = {}

    def again(removed: frozenset[tuple]) -> Rerun:
        if removed not in runs:
            runs[removed] = rerun(removed)
        return runs[removed]

    def broke(removed: frozenset[tuple]) -> Broke:
        return again(removed)[0]

    ids = [about(key, c.details) for key, c in zip(keys, checks, strict=True)]
    needless: list[set[tuple]] = [set() for _ in checks]
    for choice in order:
        still = broke(frozenset((choice,)))
        for i, led in enumerate(leds):
            if choice in led.choices.values() and _breaks(still, keys[i], ids[i]):
                needless[i].add(choice)
    out = []
    for i, led in enumerate(leds):
        gone = frozenset(needless[i])
        if not gone or (len(gone) > 1 and not _breaks(broke(gone), keys[i], ids[i])):
            out.append(led)  # each alone is not needed, but not all of them either: all stay
            continue
        labels = frozenset(label for label, choice in led.choices.items() if choice in gone)
        # an RPC timeout or expiry the run without them did not have was theirs (a stall's, a
        # restart's): it leaves the path with them (a lost message by its name, as a needless
        # drop's: a rerun whose casts went another way may drop another message with the same
        # decision number)
        had = again(gone)[1]
        labels |= frozenset(e for e in led.path if e.startswith(_THEIRS) and e not in had)
        check = checks[i]
        out.append(
            path_of(result, landed, [str(d) for d in check.details], check.broke_seq, labels, start)
        )
    return out


def own_events(result: Any, names: Sequence[str]) -> list[int]:
    """The trace events the inserted steps `names` that were refused (a 4xx answer) wrote in
    the explored run `result`, by their number from t0 (1 the first, as an insert's moment
    counts them), sorted: from its ``scenario.step`` event to its answer when the answer came
    at that instant; else its ``scenario.step`` event, the request's event that follows it and
    its answer's (what it wrote in between may be others'). A refused request changed nothing:
    the run without it is the run with these events left out. One that was accepted changed
    what came after it; the others land after as many events as they did (a hard reboot's
    run without it is not its run less its events: a soft reboot refused 409 after it lands
    earlier there, wins the race in its place, and would stay on the path with it)."""
    records = {
        r.name: r
        for r in result.steps
        if r.name in names and r.status is not None and 400 <= r.status < 500
    }
    if not records:
        return []
    first = result.first_seq
    trace = result.trace
    out: list[int] = []
    for event in trace.filter(kind="scenario.step", subject=tuple(records)):
        record = records[event["subject"]]
        start, end = event["seq"], record.answered_seq
        if start < first or end is None or end <= start:
            continue
        if record.finished == record.started:
            out.extend(range(start, end))
            continue
        out.append(start)
        if end - start > 1 and trace[start + 1]["kind"] == "api.request":
            out.append(start + 1)
        if end - 1 > start + 1:
            out.append(end - 1)
    return sorted(seq - first + 1 for seq in out)


def about(key: str, details: list[Any]) -> frozenset[str]:
    """What a failed check with `key` and `details` is about: a broken invariant's subjects
    (what each violation names first: a request line answered 500, a volume snapshot, a
    server), else the resource ids its details name."""
    if key.startswith("invariant "):
        name = key.removeprefix("invariant ") + ": "
        shown = [str(d) for d in details]
        subjects = [d[len(name) :].split(": ")[0] for d in shown if d.startswith(name)]
        if subjects:
            return frozenset(_SUBJECT + s for s in subjects)
    return ids_of(details)


#: How `about` marks an invariant's subject (an id set may share one, a subject set all).
_SUBJECT = "subject "


def _breaks(broke: Broke, key: str, ids: frozenset[str]) -> bool:
    """Whether a rerun broke `key` again: about each of the subjects of an invariant (a
    request that failed another way, a snapshot orphaned another way is not the same check),
    about one of `ids` when another check named any (`about`)."""
    for k, named in broke:
        if k != key:
            continue
        if not ids or (ids <= named if _subjects(ids) else ids & named):
            return True
    return False


def _subjects(ids: frozenset[str]) -> bool:
    return any(i.startswith(_SUBJECT) for i in ids)
