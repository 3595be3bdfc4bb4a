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


def test_a_seed_played_for_its_outcome_only_leaves_out_the_runs_own_marks(shared_link):
    import json

    from fakecloud.explore.groups import outcome_of

    def events(explored):
        return [json.loads(line) for line in explored.result.trace.to_jsonl().splitlines()]

    ready = Prepared(load(shared_link).cases[0])
    for seed in range(6):
        whole, bare = ready.play(seed), ready.play(seed, marks=False)
        marks = [e for e in events(whole) if e["kind"] in ("scenario.start", "scenario.names")]
        assert [e["kind"] for e in marks] == ["scenario.start", "scenario.names"]
        kept = [{**e, "seq": None} for e in events(whole) if e not in marks]
        assert [{**e, "seq": None} for e in events(bare)] == kept
        assert bare.decisions == whole.decisions
        assert outcome_of(bare, seed) == outcome_of(whole, seed)
    assert any(outcome_of(ready.play(seed, marks=False), seed).broken for seed in range(6))


def test_a_world_whose_setup_failed_with_work_in_flight_fails_each_seed_as_a_plain_run():
    # web's build is under way when other's forced host is refused: no fork takes that world
    from fakecloud.explore.groups import outcome_of
    from fakecloud.explore.runner import prepared
    from fakecloud.scenario.runner import run_case

    text = """
cloud:
  profile: upstream
  images:
    cirros: {existing: cirros-0.6.2-x86_64-disk}
  servers:
    web: {body: {imageRef: "${images.cirros.id}", flavorRef: "1"}}
    other:
      body: {imageRef: "${images.cirros.id}", flavorRef: "1", availability_zone: "nova:cmp-1"}
steps:
  - {name: show, request: "GET /servers/${servers.web.id}"}
explore: {seeds: 1}
"""
    ready = prepared(text, "forced.yaml", "default")
    explored = ready.play(1)
    plain = run_case(ready.case)
    assert explored.result.trace.to_jsonl() == plain.trace.to_jsonl()
    (setup,) = outcome_of(explored, 1).broken
    assert setup.key == "setup (forced.yaml)"
    assert "setup servers.other: POST /v2.1/servers answered 403" in setup.details[0]
