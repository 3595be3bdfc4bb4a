"""A site's events (`Trace.write_at`) are the events `Trace.write` writes of the same values.

The trace keeps the shape a site's events take per actor while the family's plan holds the
site's fixed details as constants; these tests move plans on under it (a number where text
was, more than `_VARIANTS` sets of constants), mix sites with plain writes of the same
families, fork the trace, read and restore it, and compare everything with a trace written
by `write` alone.
"""

import json

from hypothesis import example, given, settings
from hypothesis import strategies as st

from fakecloud.sim.trace import Trace, _Book, form, site
from fakecloud.state.copy import fork_graph

FOUR = form("test.site", "a", "b", "c", "d")
TEMPLATE = "GET /v3/{}/volumes/{}"
#: (fixed details, template): all fixed, a head, a tail apart, nothing fixed, templated
SITES = [
    ({"a": "x", "b": "y", "c": "z", "d": "w"}, None),
    ({"a": "x", "b": "y"}, None),
    ({"a": "x", "c": "z"}, None),
    ({}, None),
    ({"a": "x", "b": "y"}, TEMPLATE),
    ({"a": "q", "b": "y", "c": "z", "d": "w"}, TEMPLATE),
    ({"a": "v", "b": "y", "c": "z", "d": "w"}, None),
]
TAILS = st.sampled_from(["z", "w", None, 3, 2.5, "t0", "t1", ["l"]])
STEPS = st.lists(
    st.tuples(
        st.integers(0, len(SITES) - 1),
        st.sampled_from(["nova-api", "cinder"]),
        st.lists(TAILS, min_size=4, max_size=4),
        st.sampled_from(["same", "later", "int"]),
        st.integers(0, 24),  # also a plain write of the family with fixed values "k<n>"
    ),
    max_size=30,
)


class _Clock:
    _now: object = 0.0


def _traces():
    clock = _Clock()
    traces = []
    for _ in range(2):
        trace = Trace(lambda: 0.0).read_clock(clock)
        trace._clear(_Book())
        traces.append(trace)
    return clock, traces


def _run(steps, clock, by_site, by_write, fork_at):
    for n, (which, actor, tail_pool, time, plain) in enumerate(steps):
        if n == fork_at:  # go on in forks of both (a world's seed: the site shapes copied)
            by_site, by_write = fork_graph(by_site, (clock,)), fork_graph(by_write, (clock,))
        if time == "later":
            clock._now = float(clock._now) + 0.5
        elif time == "int":
            clock._now = int(clock._now) + 1
        fixed, template = SITES[which]
        at = site(FOUR, template, **fixed)
        tail = tuple(tail_pool[: len(at.tail_keys)])
        parts = ("p", f"vol-{n % 3}")
        subject = parts if template else f"id-{n % 4}"
        by_site.write_at(at, actor, subject, tail)
        if template:
            by_write.write(FOUR, actor, (template, *parts), at.values(tail), True)
        else:
            by_write.write(FOUR, actor, subject, at.values(tail))
        if plain < 20:  # the same family written plainly: more constants, other plans
            values = (f"k{plain}", "y", "z", "w")
            by_site.write(FOUR, actor, f"id-{n}", values)
            by_write.write(FOUR, actor, f"id-{n}", values)
    return by_site, by_write


@settings(max_examples=5, deadline=None)
@given(STEPS, st.integers(0, 40))
@example(
    # a site's shape kept, then its family's plan moves on (a number where "z" was): the
    # site's next events hold that detail per event
    [(1, "cinder", ["z", "w", 0, 0], "same", 24), (1, "cinder", [3, "w", 0, 0], "same", 24)]
    + [(1, "cinder", ["z", "w", 0, 0], "later", 24)],
    9,
)
@example(  # a list where a constant was: the plan moves on by way of a TypeError
    [(1, "cinder", [3, 2.5, 0, 0], "same", 24), (2, "cinder", [["l"], 0, 0, 0], "same", 24)]
    + [(1, "cinder", [3, 2.5, 0, 0], "same", 24)],
    9,
)
@example(  # past _VARIANTS: the site's fixed "a" is held per event (int times too)
    [(0, "nova-api", [0] * 4, "same", n) for n in range(20)]
    + [(0, "nova-api", [0] * 4, t, 24) for t in ("int", "same", "later", "same")],
    30,
)
@example(  # int times (not a float: each event's own), a site's shape kept, templated too
    [(w, "nova-api", [3, 2.5, 0, 0], t, 24) for w in (0, 4) for t in ("same", "int", "same")],
    1,
)
def test_a_sites_events_are_writes_of_its_values(steps, fork_at):
    clock, (by_site, by_write) = _traces()
    by_site, by_write = _run(steps, clock, by_site, by_write, fork_at)
    assert by_site.to_jsonl() == by_write.to_jsonl()
    assert json.dumps(by_site.snapshot()) == json.dumps(by_write.snapshot())
    assert list(by_site) == list(by_write) and len(by_site) == len(by_write)
    restored = Trace(lambda: 0.0).read_clock(clock)
    restored.restore(json.loads(json.dumps(by_site.snapshot())))
    at = site(FOUR, None, a="x", b="y")
    restored.write_at(at, "cinder", "after", ("z", "w"))
    by_write.write(FOUR, "cinder", "after", ("x", "y", "z", "w"))
    assert restored.to_jsonl() == by_write.to_jsonl()


def test_a_site_is_one_object_per_form_template_and_values_and_checks_its_tail():
    import pytest

    at = site(FOUR, None, b="y", a="x")
    assert at is site(FOUR, a="x", b="y") and at is not site(FOUR, TEMPLATE, a="x", b="y")
    assert at.tail_keys == ("c", "d") and at.values(("z", 1)) == ("x", "y", "z", 1)
    assert site(FOUR, a="x", c="z").values(("b", "d")) == ("x", "b", "z", "d")
    with pytest.raises(ValueError, match="no details"):
        site(FOUR, e="x")
    with pytest.raises(ValueError, match="1 values"):
        Trace(lambda: 0.0).write_at(at, "nova", "s", ("z",))


def _same(by_site, by_write, clock):
    assert by_site.to_jsonl() == by_write.to_jsonl()
    assert json.dumps(by_site.snapshot()) == json.dumps(by_write.snapshot())
    assert list(by_site) == list(by_write)
    restored = Trace(lambda: 0.0).read_clock(clock)
    restored.restore(json.loads(json.dumps(by_site.snapshot())))
    for which in (0, 1, 6):  # sites the restored trace meets afresh, as a fork's do
        fixed, _ = SITES[which]
        at = site(FOUR, None, **fixed)
        restored.write_at(at, "cinder", "after", ("z", "w")[: len(at.tail_keys)])
        by_write.write(FOUR, "cinder", "after", at.values(("z", "w")[: len(at.tail_keys)]))
    assert restored.to_jsonl() == by_write.to_jsonl()


#: site 0's and 15 plain writes' sets of constants (16, the most a plan holds), then site 6's:
#: its first event moves the family to another plan
PAST_VARIANTS = [(0, "cinder", ["z", "w", 0, 0], "same", n) for n in range(15)] + [
    (6, "cinder", ["z", "w", 0, 0], "same", 24),  # the 17th set: the plan moves on
    (0, "cinder", ["z", "w", 0, 0], "later", 24),  # site 0's kept shape no longer serves
]


@settings(max_examples=5, deadline=None)
@given(STEPS, st.lists(STEPS, min_size=2, max_size=3))
@example(  # text where the first plan holds constants (no move learnt), numbers, text again
    [], [[(1, "cinder", [t, 2.5, 0, 0], "same", 24)] for t in ("z", 3, "z")]
)
@example(  # a site's first event moves the plan on: the family's other kept sites forgotten
    [], [PAST_VARIANTS, PAST_VARIANTS]
)
@example(  # one fork moves the family to another plan first, the next meets the site fresh
    [(0, "nova-api", [0] * 4, "same", 24)],
    [PAST_VARIANTS, [(6, "cinder", [0] * 4, "same", 24), (0, "cinder", [0] * 4, "same", 3)]]
    + [PAST_VARIANTS[5:]],
)
def test_forks_of_a_world_write_what_write_writes_whatever_the_others_learnt(world, forks):
    clock, (by_site, by_write) = _traces()
    by_site, by_write = _run(world, clock, by_site, by_write, -1)
    for steps in forks:
        site_fork = fork_graph(by_site, (clock,))
        write_fork = fork_graph(by_write, (clock,))
        site_fork, write_fork = _run(steps, clock, site_fork, write_fork, -1)
        _same(site_fork, write_fork, clock)
    _same(by_site, by_write, clock)
