"""The trace keeps events compactly and reads them back exactly as the dicts they were.

The reference below is the trace as it was before it went compact (a list of dicts); the
compact trace must give the same events, the same filter answers and the same JSONL bytes.
"""

import gc
import json
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import fakecloud.sim.kernel
import fakecloud.sim.trace
from fakecloud.events import EVENTS as CATALOGUE
from fakecloud.events import kind_problem
from fakecloud.scenario.loader import load
from fakecloud.scenario.runner import run_case
from fakecloud.sim.trace import Subject, Trace, _Book
from tests.robustness.fuzz_scale import SCALE

#: guest of guest.thaw: a kind in one of these, or close to a catalogued one, is a typo
FAKECLOUD_NAMESPACES = {kind.split(".")[0] for kind in CATALOGUE}

ROOT = Path(__file__).resolve().parents[2]


def _reference_json(value):
    return sorted(value) if isinstance(value, (set, frozenset)) else str(value)


class TeeTrace(Trace):
    """A compact trace that also keeps every event as the old dict-per-event trace did."""

    def __init__(self, now):
        super().__init__(now)
        self.dicts = []

    def _keep(self, kind, actor, subject, details):
        event = {"t": self._now(), "seq": len(self.dicts), "kind": kind, "actor": actor}
        event["subject"] = str(subject) if isinstance(subject, Subject) else subject
        event.update(details)
        self.dicts.append(event)

    def write(self, form, actor, subject, values, parts=False):  # emit and put write too
        named = Subject(subject) if parts else subject
        self._keep(form.kind, actor, named, zip(form.keys, values, strict=True))
        super().write(form, actor, subject, values, parts)

    def write_at(self, site, actor, subject, tail=()):
        named = subject if site.template is None else Subject(site.subject(subject))
        self._keep(
            site.form.kind, actor, named, zip(site.form.keys, site.values(tail), strict=True)
        )
        super().write_at(site, actor, subject, tail)

    def reference_jsonl(self):
        dump = json.dumps
        return "".join(
            dump(e, separators=(",", ":"), default=_reference_json) + "\n" for e in self.dicts
        )


SCENARIOS = [
    "scenarios/flows/volume_backed_online.yaml",
    "scenarios/flows/image_backed_online.yaml",
    "scenarios/bugs/lp1731986_thaw_on_snapshot_failure.yaml",
    "scenarios/kernel/fault_plan.yaml",
]


@pytest.mark.parametrize("path", SCENARIOS)
def test_scenario_traces_are_byte_identical_to_the_dict_trace(path, monkeypatch):
    monkeypatch.setattr(fakecloud.sim.kernel, "Trace", TeeTrace)
    result = run_case(load(ROOT / path).cases[0], seed=5)
    trace = result.cloud.trace
    assert isinstance(trace, TeeTrace) and len(trace) == len(trace.dicts) > 20
    assert trace.to_jsonl() == trace.reference_jsonl()
    assert list(trace) == trace.dicts
    assert trace.filter(kind="state") == [e for e in trace.dicts if e["kind"] == "state"]


def test_an_event_costs_under_100_bytes_and_a_read_dict_is_a_copy():
    trace = Trace(lambda: 12.5)
    subjects = [f"{i:08d}-5182-422d-bf94-9c5fdd0a576b" for i in range(50)]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(5_000):
            trace.emit("state", "cinder-volume", subjects[i % 50], field="status", new="available")
        per_event = (tracemalloc.get_traced_memory()[0] - before) / 5_000
    finally:
        tracemalloc.stop()
    assert per_event <= 100, f"{per_event:.0f} bytes per event"
    event = trace[7]
    event["new"] = "error"
    assert trace[7]["new"] == "available"
    assert trace[-1]["seq"] == 4_999 and len(trace[4_990:]) == 10
    assert [e["subject"] for e in trace[4_321:4_323]] == subjects[21:23]


def test_snapshot_restores_the_same_jsonl_and_new_events_follow():
    trace = Trace(lambda: 0)
    trace.emit("io.start", "io", "io-1", path=("disk", "link"), hosts={"b", "a"}, obj=object)
    trace._now = lambda: 1.25
    trace.emit("state", "glance", "img-1", old=None, new="queued", meta={1: 2})
    trace.emit("http.request", "nova-api", Subject.of("GET /v3/{}/volumes/{}", "p", "v"), n=1)
    data = json.loads(json.dumps(trace.snapshot()))
    again = Trace(lambda: 2.0)
    again.restore(data)
    assert again.to_jsonl() == trace.to_jsonl()
    assert again[0]["t"] == 0 and isinstance(again[0]["t"], int)
    assert again.first(subject="GET /v3/p/volumes/v")["n"] == 1
    again.emit("note", "x", "y")
    assert again[-1] == {"t": 2.0, "seq": 3, "kind": "note", "actor": "x", "subject": "y"}
    data["format"], data["shapes"] = 1, data["shapes"][:2]  # a trace saved before templates
    data.update(shape=data["shape"][:2], t=data["t"][:2], ends=data["ends"][:2])
    data["values"] = data["values"][: data["ends"][-1]]
    again.restore(data)
    assert again.to_jsonl() == "".join(trace.to_jsonl().splitlines(True)[:2])
    with pytest.raises(ValueError, match="not a trace snapshot"):
        again.restore(
            {"format": 1, "shapes": [], "t": [0.0], "shape": [], "ends": [], "values": []}
        )


KINDS = st.sampled_from(["state", "rpc.call", "rpc.cast", "io.start", "api.request"])
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.sampled_from(["a", "b", *(f"v{i}" for i in range(20))]),
)
#: Detail values: `VALUES` and lists and dicts of them (frozen by the trace: `_freeze`).
DETAILS = st.one_of(
    VALUES,
    st.lists(VALUES, max_size=2),
    st.dictionaries(st.sampled_from(["a", "b"]), st.one_of(VALUES, st.lists(VALUES)), max_size=2),
)
EVENTS = st.lists(
    st.tuples(
        st.sampled_from([0, 0.5, 1.0, 3]),
        KINDS,
        st.sampled_from(["nova", "cinder"]),
        st.sampled_from(["s1", "s2", Subject.of("GET /v/{}", "s1"), Subject.of("{}/{}", "a", 1)]),
        st.dictionaries(st.sampled_from(["new", "old", "method", "t"]), DETAILS, max_size=3),
    ),
    max_size=30,
)
QUERIES = st.dictionaries(
    st.sampled_from(["kind", "actor", "subject", "new", "method", "t", "seq"]),
    st.one_of(
        VALUES, KINDS, st.sampled_from(["rpc.*", "GET /v/s1", 0.5]), st.tuples(VALUES, VALUES)
    ),
    max_size=3,
)


@settings(max_examples=10 * SCALE, deadline=None)
@given(EVENTS, QUERIES)
def test_filter_first_and_reads_agree_with_the_dict_trace(events, query):
    now = [0]
    trace = TeeTrace(lambda: now[0])
    for t, kind, actor, subject, details in events:
        now[0] = t
        trace.emit(kind, actor, subject, **details)

    def matches(event):
        for key, want in query.items():
            have = event.get(key)
            if isinstance(want, tuple):
                if have not in want:
                    return False
            elif key == "kind" and isinstance(want, str) and want.endswith(".*"):
                if not (isinstance(have, str) and have.startswith(want[:-1])):
                    return False
            elif have != want:
                return False
        return True

    expected = [e for e in trace.dicts if matches(e)]
    kind = query.get("kind")
    problem = isinstance(kind, str) and kind_problem(kind)
    ours = problem and (kind.split(".")[0] in FAKECLOUD_NAMESPACES or "did you mean" in problem)
    if ours and not any(_has_kind(e, kind) for e in trace.dicts):
        with pytest.raises(ValueError, match="unknown event kind"):  # a typo, not an empty list
            trace.filter(**query)
        with pytest.raises(ValueError, match="unknown event kind"):
            trace.first(**query)
        return
    assert trace.filter(**query) == expected
    assert trace.first(**query) == (expected[0] if expected else None)
    assert trace.tail(4) == trace.dicts[-4:]
    assert trace.to_jsonl() == trace.reference_jsonl()
    again = Trace(lambda: 0)
    again.restore(json.loads(json.dumps(trace.snapshot())))
    assert again.to_jsonl() == trace.to_jsonl()


#: A versioned ``instance.create.start``'s details but ``tags`` (nova-compute's, of 18.0.0).
CREATE = {
    "event_type": "instance.create.start",
    "format": "versioned",
    "priority": "INFO",
    "payload_version": "1.10",
}


def _creates(trace, tags, n=5_000):
    """`n` create notifications of as many servers, each `tags` (a list made per event, as
    Nova's payload makes one) or none when None; bytes a event (tracemalloc)."""
    ids = [f"{i:08d}-5182-422d-bf94-9c5fdd0a576b" for i in range(n)]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(n):
            extra = {} if tags is None else {"tags": list(tags)}
            trace.emit("notification", "nova-compute:cmp-1", "instance.create.start", **CREATE,
                       instance_id=ids[i], state="building", task_state=None, fault=None,
                       **extra)  # fmt: skip
        return (tracemalloc.get_traced_memory()[0] - before) / n
    finally:
        tracemalloc.stop()


def test_a_list_detail_costs_what_a_text_one_does_and_reads_back_a_new_list():
    """An event with a list detail (a create notification's ``tags``, a new list each event)
    costs the trace about what the same event without it costs: the list is kept frozen, one
    tuple for equal lists of text (each empty ``tags`` a list of 56 bytes, kept for good,
    before), and the trace's other details are shared by shape as before. Read back, the
    detail is a new list equal to the one given, so changing it changes nothing kept; the
    JSONL, a snapshot and a fork's events are the same as the dict trace's."""
    from fakecloud.state.copy import fork_graph

    costs = {}
    for tags in (None, [], ["db", "web"]):
        measured = Trace(lambda: 0.0)
        per_event = _creates(measured, tags)
        costs[None if tags is None else len(tags)] = (per_event, measured.nbytes() / len(measured))
        trace = TeeTrace(lambda: 0.0)
        _creates(trace, tags, n=100)
        assert list(trace) == trace.dicts
        assert trace.to_jsonl() == trace.reference_jsonl()
        again = Trace(lambda: 0.0)
        again.restore(json.loads(json.dumps(measured.snapshot())))
        fork = fork_graph(measured)
        assert again.to_jsonl() == fork.to_jsonl() == measured.to_jsonl()
        assert measured.to_jsonl().startswith(trace.to_jsonl())
        if tags is not None:
            for one in (measured, again, fork):
                event = one[7]
                assert event["tags"] == tags and type(event["tags"]) is list
                event["tags"].append("changed")
                assert one[7]["tags"] == tags and one[7]["tags"] is not one[7]["tags"]
    base, base_held = costs[None]
    for n in (0, 2):  # a value slot more (8 bytes); a list per event was 56 bytes more
        per_event, held = costs[n]
        assert per_event - base <= 12, f"{per_event:.1f} against {base:.1f} bytes an event"
        assert held - base_held <= 10, f"{held:.1f} against {base_held:.1f} (Trace.nbytes)"


def test_dict_and_nested_details_read_back_equal_and_of_their_type():
    """Dicts, and lists and dicts inside them, read back equal to what was written, of the
    same types, in the same key order, new each read; tuples and sets as they were given."""
    trace = TeeTrace(lambda: 0.0)
    meta = {"b": [1, {"x": None}], "a": 0.0, 1: -0.0}
    for i in range(40):  # past _VARIANTS: every detail ends per event
        trace.emit("state", "glance", f"img-{i}", meta=meta, path=("a", [i]), kind_of={"s"},
                   flags=[0, 0.0, False], new=f"v{i}")  # fmt: skip
    assert list(trace) == trace.dicts
    assert trace.to_jsonl() == trace.reference_jsonl()
    event = trace[39]
    assert list(event["meta"]) == ["b", "a", 1] and type(event["meta"]["b"][1]) is dict
    assert [type(v) for v in event["flags"]] == [int, float, bool]
    assert event["path"] == ("a", [39]) and event["kind_of"] == {"s"}
    event["meta"]["b"][1]["x"] = "changed"
    assert trace[39]["meta"] == {"b": [1, {"x": None}], "a": 0.0, 1: -0.0}


def test_a_kind_no_event_can_have_is_refused_with_the_one_meant():
    trace = Trace(lambda: 0)
    trace.emit("guest.thaw", "libvirt", "db")
    trace.emit("my.kind", "tool", "x")  # a kind of the caller's own, once written, is read
    assert len(trace.filter(kind="my.kind")) == len(trace.filter(kind="guest.*")) == 1
    assert trace.filter(kind="guest.freeze") == [] and trace.first(kind="rpc.*") is None
    # an empty answer made `assert not trace.filter(kind="guest.thaww")` pass, whatever happened
    with pytest.raises(ValueError) as info:
        trace.filter(kind="guest.thaww")
    assert str(info.value) == (
        "trace.filter: unknown event kind 'guest.thaww' (did you mean 'guest.thaw'?); "
        "`fakecloud list events` lists them"
    )
    with pytest.raises(ValueError, match="unknown event kind 'rcp.cast'"):
        trace.first(kind="rcp.cast")
    # a kind of the caller's own not written yet reads empty, as before
    assert trace.filter(kind="myapp.done") == [] and trace.first(kind="myapp.done") is None


def _has_kind(event, kind):
    if kind.endswith(".*"):
        return event["kind"].startswith(kind[:-1])
    return event["kind"] == kind


def _emit_all(trace, now, events):
    for t, kind, actor, subject, details in events:
        now[0] = t
        trace.emit(kind, actor, subject, **details)


def _alone(now):
    """A trace with a book of its own: what a trace sharing nothing writes."""
    trace = Trace(lambda: now[0])
    trace._clear(_Book())
    return trace


@settings(max_examples=6, deadline=None)
@given(EVENTS, EVENTS, EVENTS)
@example([], [(0, "state", "nova", "s", {"new": 1})], [(0, "state", "nova", "s", {"new": "a"})])
def test_forks_share_shapes_yet_each_saves_what_it_alone_would(before, one, other):
    """A world and its forks share one book of shapes; each trace's snapshot (and JSONL) is
    still the one a trace that shared nothing would give for the same events."""
    from fakecloud.state.copy import fork_graph

    now = [0]
    world = Trace(lambda: now[0])
    _emit_all(world, now, before)
    forks = [fork_graph(world), fork_graph(world)]
    for fork in forks:
        fork._now = world._now  # the fork_graph copied the closure's list
    _emit_all(forks[0], now, one + other)
    _emit_all(forks[1], now, other)
    assert forks[0]._book is forks[1]._book is world._book
    for fork, events in zip(forks, (one + other, other), strict=True):
        alone = _alone(now)
        _emit_all(alone, now, before + events)
        assert fork.snapshot() == alone.snapshot()
        assert fork.to_jsonl() == alone.to_jsonl()
    alone = _alone(now)
    _emit_all(alone, now, before)
    assert world.snapshot() == alone.snapshot()


@settings(max_examples=6, deadline=None)
@given(EVENTS, EVENTS)
@example([(0, "state", "nova", "s", {"new": 1})], [(0, "state", "nova", "s", {"new": "a"})])
def test_new_traces_share_the_process_book_yet_each_saves_what_it_alone_would(one, other):
    """Every new trace of the process (each new cloud's) takes the same book, so a fresh cloud
    does not learn again the shapes the last one learnt; what each trace saves and writes is
    still what a trace with a book of its own gives for the same events."""
    now = [0]
    first, second = Trace(lambda: now[0]), Trace(lambda: now[0])
    assert first._book is second._book
    _emit_all(first, now, one + other)
    _emit_all(second, now, other + one)
    for trace, events in ((first, one + other), (second, other + one)):
        alone = _alone(now)
        _emit_all(alone, now, events)
        assert trace.snapshot() == alone.snapshot()
        assert trace.to_jsonl() == alone.to_jsonl()


def test_a_full_book_is_left_to_its_traces_and_a_loaded_trace_takes_the_new_one(monkeypatch):
    """A shared book that holds its limit of family states goes on serving the traces that use
    it, and new traces start a new one; so does a restored trace (Cloud.load)."""
    now = [0.0]
    monkeypatch.setattr(fakecloud.sim.trace, "_BOOKS", [_Book()])
    monkeypatch.setattr(fakecloud.sim.trace, "_BOOK_STATES", 3)
    old = Trace(lambda: now[0])
    for n in range(6):
        old.emit("state", f"svc-{n}", "s", field="status", new=f"v{n}")
    newer = Trace(lambda: now[0])
    assert newer._book is not old._book
    old.emit("state", "svc-0", "s", field="status", new="v9")
    assert [e["new"] for e in old] == ["v0", "v1", "v2", "v3", "v4", "v5", "v9"]
    restored = Trace(lambda: now[0])
    restored.restore(json.loads(json.dumps(old.snapshot())))
    assert restored._book is newer._book
    assert restored.to_jsonl() == old.to_jsonl()


def test_a_restored_trace_goes_on_in_the_shapes_the_saved_one_would():
    """Events written after a restore (Cloud.load) take the shapes the saved trace's would
    (its families where they were, past their plans' moves), not new ones: saved again, it is
    the same data as the saved trace going on alone."""
    before = [(0, "state", "nova", "s", {"new": f"v{i}", "old": "a"}) for i in range(17)] + [
        (0, "state", "cinder", "s", {"new": 1, "old": "a"}),
        (1, "rpc.call", "nova", Subject.of("GET /v/{}", "s1"), {}),
        (1, "state", "glance", "s", {"new": "a", "old": None}),
        (1, "state", "glance", "s", {"new": "b", "old": "a"}),
    ]
    after = [
        (3, "state", "nova", "s", {"new": "v3", "old": "b"}),
        (3, "state", "cinder", "s", {"new": "v1", "old": "b"}),
        (3, "rpc.call", "nova", Subject.of("GET /v/{}", "s2"), {}),
        (3, "state", "glance", "s", {"new": "a", "old": None}),
        (3, "state", "glance", "s", {"new": "c", "old": "b"}),
    ]
    now = [0]
    saved = _alone(now)
    _emit_all(saved, now, before)
    loaded = Trace(lambda: now[0])
    loaded.restore(json.loads(json.dumps(saved.snapshot())))
    _emit_all(saved, now, after)
    _emit_all(loaded, now, after)
    assert loaded.snapshot() == saved.snapshot()
    assert len(saved.snapshot()["shapes"]) == 24


def test_a_file_saved_after_a_load_before_session_29_loads_and_saves_the_same():
    """Before session 29 a loaded trace met its families afresh and wrote their later events
    under shapes it already had: such a snapshot restores, and saves, as it is."""
    now = [0]
    trace = _alone(now)
    trace.emit("state", "nova", "s", new="a")
    data = json.loads(json.dumps(trace.snapshot()))
    data.update(shapes=data["shapes"] * 2, shape=[0, 1], t=[0, 0], ends=[1, 2])
    data["values"] *= 2
    loaded = Trace(lambda: now[0])
    loaded.restore(data)
    assert loaded.snapshot() == data
    assert [e["new"] for e in loaded] == ["a", "a"]


def test_a_book_does_not_grow_with_values_that_differ_in_every_fork():
    """Forks of a world that each write a number never written before (an explored seed's
    jittered throughput) take the same family state for it without adding a move to the book
    per value; each still saves what a trace sharing nothing would."""
    from fakecloud.state.copy import fork_graph

    now = [0]
    world = _alone(now)
    world.emit("io.capacity", "io", "disk", rate="nominal")
    moves = []
    for n in range(3 * fakecloud.sim.trace._ODD_MOVES):
        fork = fork_graph(world)
        fork._now = world._now
        fork.emit("io.capacity", "io", "disk", rate=1000.0 + n)
        moves.append(sum(len(state.after) for state in world._book.states.values()))
        if n < 3:
            alone = _alone(now)
            alone.emit("io.capacity", "io", "disk", rate="nominal")
            alone.emit("io.capacity", "io", "disk", rate=1000.0 + n)
            assert fork.snapshot() == alone.snapshot()
    assert (
        moves[-1] == moves[2 * fakecloud.sim.trace._ODD_MOVES] <= fakecloud.sim.trace._ODD_MOVES + 1
    )


def test_traces_meeting_the_same_values_in_other_orders_end_in_one_family_state():
    """The book interns a family's states by the set of constant values met (as their shapes'
    ids, in order, whatever order they came in): traces sharing a book that meet the same
    values in other orders (forks, explored seeds) end in the same state."""
    book = _Book()
    met = [("a", None), ("b", "x"), (None, "c"), ("a", "b"), ("z", None)]
    number = fakecloud.sim.trace.form("state", "old", "new").number
    ends = []
    for order in (met, met[::-1], met[2:] + met[:2], met[1::2] + met[::2]):
        trace = Trace(lambda: 0.0)
        trace._clear(book)
        for old, new in order:
            trace.emit("state", "nova", "s", old=old, new=new)
        state = trace._by_form[number]["nova"]
        assert set(state.shapes) == set(met)
        assert state.key[2:] == tuple(sorted(state.shapes.values()))
        ends.append(state)
    assert all(state is ends[0] for state in ends)


def test_events_read_back_past_the_65536th_shape_of_a_book(monkeypatch):
    """Shape ids take 2 bytes per event while they fit; a book past 65,536 shapes (a process
    that met that many kinds of event) widens them, and every event still reads back, saves
    and restores as written."""
    book = _Book()
    for _ in range((1 << 16) - 1):
        book.add_shape(("filler", "x", (), None, 1, (), None))
    monkeypatch.setattr(fakecloud.sim.trace, "_BOOKS", [book])
    now = [0.0]
    trace = Trace(lambda: now[0])
    trace.emit("state", "svc", "s-1", field="status", new="a")  # the book's shape 65,535
    now[0] = 1.0
    trace.emit("state", "svc", "s-2", field="status", new="b")  # 65,536: past 2 bytes
    trace.emit("state", "svc", "s-1", field="status", new="a")
    trace.emit("state", "svc", "s-3", field="status", new="c")  # 65,537: made after widening
    narrow = Trace(lambda: now[0])  # another trace of the book: 2 bytes until its first wide id
    narrow.emit("state", "svc", "s-1", field="status", new="a")
    narrow.emit("state", "svc", "s-3", field="status", new="c")
    assert [(e["t"], e["subject"], e["new"]) for e in trace] == [
        (0.0, "s-1", "a"),
        (1.0, "s-2", "b"),
        (1.0, "s-1", "a"),
        (1.0, "s-3", "c"),
    ]
    assert [(e["subject"], e["new"]) for e in narrow] == [("s-1", "a"), ("s-3", "c")]
    restored = Trace(lambda: now[0])
    restored.restore(json.loads(json.dumps(trace.snapshot())))
    assert restored.to_jsonl() == trace.to_jsonl()


def test_a_form_declaring_details_never_text_saves_what_an_undeclared_one_does():
    """A form may name details whose values are never text (`form(..., variable=...)`): its
    families hold them per event from the start instead of moving on at their first event
    (a list as a constant was a `TypeError` in every fork). Events and saved shapes are the
    same as an undeclared form's."""
    from fakecloud.sim.trace import form

    declared = form("test.declared", "label", "path", "size", variable=("path", "size"))
    plain = form("test.plain", "label", "path", "size")
    events = [("a", ["disk", "link"], 10), ("a", ["disk"], 20), ("b", ["x"], 1.5), ("b", [], 0)]
    saved = []
    for f in (declared, plain):
        now = [0.0]
        trace = _alone(now)
        for label, path, size in events:
            now[0] += 1.0
            trace.put(f, "io", "io-1", label, path, size)
        text = json.dumps([trace.snapshot(), list(trace)])
        saved.append(json.loads(text.replace(f.kind, "test.kind")))
    assert saved[0] == saved[1]
    assert [e["path"] for e in saved[0][1]] == [["disk", "link"], ["disk"], ["x"], []]


def test_write_takes_a_tuple_of_values_and_a_subjects_parts_as_a_tuple():
    """`Trace.write` (values as one tuple; `parts`: the subject as a plain (template, *parts)
    tuple) writes the events `put` and `emit` write, whatever details are constants: a run
    of them, one, or some apart (a number among strings makes a detail per event)."""
    from fakecloud.sim.trace import form

    four = form("test.write", "a", "b", "c", "d")
    rows = [("x", "y", "z", "w"), ("x", 1, "z", "w"), ("x", "y", 2.5, 3), (None, "y", [1], "w")]
    rows += [(f"k{i}", "y", "z", f"v{i}") for i in range(20)]  # past _VARIANTS: a detail moves
    template = "GET /v3/{}/volumes/{}"
    by_write, by_put = Trace(lambda: 0.5), Trace(lambda: 0.5)
    for i, values in enumerate(rows):
        parts = (template, "p", f"vol-{i % 3}")
        by_write.write(four, "nova-api", parts, values, True)
        by_put.put(four, "nova-api", Subject(parts), *values)
        by_write.write(four, "cinder", f"id-{i}", values)
        by_put.emit("test.write", "cinder", f"id-{i}", **dict(zip("abcd", values, strict=True)))
    assert by_write.to_jsonl() == by_put.to_jsonl()
    assert by_write.snapshot() == by_put.snapshot()
    assert by_write[0]["subject"] == "GET /v3/p/volumes/vol-0" and by_write[-1]["d"] == "v19"
    assert by_write.first(subject="id-3")["c"] == [1]


def _scan(trace, **query):
    """What `filter` answers, by a full scan of every event (`_matches`: kind, actor, details)."""
    return [e for e in trace if fakecloud.sim.trace._matches(e, query)]


QUERIED = [
    {"kind": "state"},
    {"kind": ("api.response", "api.error")},
    {"kind": "api.response", "status": 500},
    {"kind": "api.*", "actor": "nova-api"},
    {"subject": "s-2"},
    {"kind": ("wide",)},  # (a kind as text that no event can have is refused: a tuple is read)
    {"kind": ("none-such",)},
]


@pytest.mark.parametrize("wide", [False, True])
def test_queries_find_the_events_a_full_scan_does_as_shape_ids_pass_256(monkeypatch, wide):
    """`filter` picks the events of a short trace by their shape ids a byte each while every
    id of the trace is below 256 and every width fits a byte, else by a loop over the ids: a
    trace whose families move plan (a status that stops being a constant) and whose forks
    make new shapes past id 255 (with, or without, a shape of 300 values among the first
    256) answers what a scan of every event does, in the world and in its forks."""
    from fakecloud.state.copy import fork_graph

    book = _Book()
    for _ in range(245):
        book.add_shape(("filler", "x", (), None, 1, (), None))
    monkeypatch.setattr(fakecloud.sim.trace, "_BOOKS", [book])
    now = [0.0]
    trace = Trace(lambda: now[0])

    def write(trace, n):
        for i in range(n):
            now[0] += 0.5 * (i % 3 == 0)
            trace.emit("state", "svc", f"s-{i % 4}", field="status", new=f"v{i % 9}")
            status = [200, 202, 500, 404][i % 4] if i % 5 else f"odd-{i}"
            trace.emit("api.response", "nova-api", f"s-{i % 3}", status=status)
            if i % 7 == 3:
                trace.emit("api.error", "nova-api", "s-2", error=f"E{i}")

    if wide:
        trace.emit("wide", "svc", "w", **{f"k{i}": i for i in range(300)})
    write(trace, 6)
    assert len(book.shapes) < 256
    for query in QUERIED:
        assert trace.filter(**query) == _scan(trace, **query), query
    forks = [fork_graph(trace, ()) for _ in range(2)]
    write(forks[0], 30)  # new statuses and details: shapes past 255 in this fork
    write(forks[1], 3)
    assert max(forks[0]._shape) >= 256 > max(forks[1]._shape)
    assert (book.width_table is None) == wide
    for one in (trace, *forks):
        for query in QUERIED:
            assert one.filter(**query) == _scan(one, **query), query
    assert len(forks[1].filter(kind=("wide",))) == wide and forks[0].filter(status=500)


def test_no_collection_runs_while_a_trace_holds_its_books_lock(monkeypatch):
    """A collection may finalize a dead world's process, which writes a trace event (an RPC
    lost as the process dies); one that took the book's lock again while a new family was
    being added there waited forever. With a collection due at every allocation, none runs
    while the lock is held."""
    monkeypatch.setattr(fakecloud.sim.trace, "_BOOKS", [_Book()])
    trace = Trace(lambda: 0.0)
    held = []

    def collecting(phase, info):
        if phase == "start":
            held.append(trace._book.lock.locked())

    saved = gc.get_threshold()
    gc.callbacks.append(collecting)
    gc.set_threshold(1, 1_000_000, 1_000_000)  # young collections only: the heap is big
    try:
        for n in range(2):
            trace.emit("state", f"svc-{n}", "s", field="status", new=f"v{n}")  # new families
    finally:
        gc.set_threshold(*saved)
        gc.callbacks.remove(collecting)
    assert held and not any(held)
