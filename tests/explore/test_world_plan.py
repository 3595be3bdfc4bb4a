"""A world whose fork is planned before its seeds (as `fakecloud explore` does before forking
its workers) plays every seed exactly as one planned after its first forks."""

from fakecloud.explore.runner import Prepared
from fakecloud.scenario.loader import load


def test_a_world_planned_before_its_seeds_plays_them_as_one_planned_later(shared_link):
    case = load(shared_link).cases[0]
    later, first = Prepared(case), Prepared(case)
    first.world.plan()
    for seed in range(4):
        a, b = later.play(seed), first.play(seed)
        assert b.result.trace.to_jsonl() == a.result.trace.to_jsonl()
        assert b.decisions == a.decisions
        assert [c.what for c in b.result.failures] == [c.what for c in a.result.failures]
    assert any(later.play(seed).result.failures for seed in range(4))  # seeds that differ
