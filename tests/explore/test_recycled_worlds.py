"""A world reset in place after each seed (`fakecloud.state.recycle`, what `run_batch` plays
on) plays every seed exactly as a fresh fork of the case's world does: the same trace, the
same decisions, the same outcome, with faults, adversaries, restarts and moves."""

from pathlib import Path

import pytest

from fakecloud.explore.groups import outcome_of
from fakecloud.explore.runner import Batch, Prepared, run_batch
from fakecloud.scenario.loader import load, loads
from fakecloud.state import recycle

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = sorted((ROOT / "scenarios").glob("**/*.yaml"))


def _same_seeds(case, seeds):
    ready = Prepared(case)
    ready.world.plan()
    worlds = ready.world.recycling()
    clouds, apis = [], []
    for seed in seeds:
        fresh = ready.play(seed)
        again = ready.play(seed, world=worlds)
        assert again.result.trace.to_jsonl() == fresh.result.trace.to_jsonl(), seed
        assert again.decisions == fresh.decisions
        assert outcome_of(again, seed) == outcome_of(fresh, seed)
        clouds.append(again.result.cloud)
        apis.append(again.result.cloud.nova.__dict__["_api"])  # Nova's REST service it used
        worlds.release()
    return clouds, apis


@pytest.mark.parametrize(
    ("name", "seeds"),
    [
        ("explore/restart_during_resize.yaml", (3, 6)),  # a compute restarted mid-move
        ("explore/lp1731986_volume_snapshot_fails.yaml", (0, 1, 2)),  # an explored fault
        ("explore/anti_affinity_moves.yaml", (2, 0)),  # an adversary's move rescheduled
    ],
)
def test_a_recycled_world_plays_each_seed_as_a_fresh_fork(name, seeds):
    clouds, _ = _same_seeds(load(ROOT / "scenarios" / name).cases[0], seeds)
    assert all(cloud is clouds[0] for cloud in clouds)  # one world, reset each time


@pytest.mark.explore
@pytest.mark.parametrize("path", [p for p in LIBRARY if "\nexplore:" in p.read_text()])
def test_every_library_hunt_plays_its_seeds_on_a_recycled_world_as_on_fresh_forks(path):
    for case in load(path).cases:
        _same_seeds(case, range(20))


def _world(ready):
    ready.world.plan()
    worlds = ready.world.recycling()
    cloud = worlds.fork()
    return worlds, cloud


def test_a_field_a_run_added_to_a_record_is_gone_after_the_reset(shared_link):
    worlds, cloud = _world(Prepared(load(shared_link).cases[0]))
    cloud.kernel.env.added_by_the_run = 1
    cloud.kernel.trace.put_aside = []
    # a slot the world left unset, set by the run (a Cinder table made on first use: a
    # force-detach's admin metadata) is unset again, and the world still recycles
    assert not hasattr(cloud.cinder.store, "admin_metadata")
    cloud.cinder.store.admin_metadata = {}
    worlds.release()
    again = worlds.fork()
    assert again is cloud
    assert not hasattr(again.kernel.env, "added_by_the_run")
    assert not hasattr(again.kernel.trace, "put_aside")
    assert not hasattr(again.cinder.store, "admin_metadata")


def test_a_reset_drops_novas_rest_service_when_its_seed_built_parts_the_world_lacked(
    shared_link,
):
    worlds, cloud = _world(Prepared(load(shared_link).cases[0]))
    assert cloud.nova.__dict__.get("_instance_snapshot_store") is None  # no Nova in its setup
    assert cloud.nova.api is not None  # built with the parts it holds, the store among them
    worlds.release()
    again = worlds.fork()
    assert again is cloud
    assert again.nova.__dict__["_api"] is None  # a new one is built on use, as in a fork
    assert again.nova.__dict__.get("_instance_snapshot_store") is None


def test_a_world_the_reset_cannot_put_back_is_forked_anew(shared_link):
    import types

    ready = Prepared(load(shared_link).cases[0])
    worlds, cloud = _world(ready)
    closure = next(x for x in worlds._recycler._lent[3] if isinstance(x, types.FunctionType))
    closure.set_by_the_run = 1  # a function's attribute: not put back, found by the check
    worlds.release()
    assert worlds.fork() is not cloud
    assert ready.world._replica.recycled is recycle._UNCOVERED
    worlds.release()
    assert worlds.fork() is not cloud  # and stays so


def test_a_batch_on_a_recycled_world_gives_a_serial_runs_outcomes():
    text = (ROOT / "scenarios/races/concurrent_createimage_500.yaml").read_text()
    case = loads(text, "race.yaml").cases[0]
    ready = Prepared(case)
    ready.world.plan()
    expected = [outcome_of(ready.play(seed, marks=False), seed) for seed in range(6)]
    from fakecloud.explore import runner

    runner._PREPARED[("race.yaml", case.id, text)] = ready
    try:
        assert run_batch(Batch(text, "race.yaml", case.id, tuple(range(6)))) == expected
    finally:
        del runner._PREPARED[("race.yaml", case.id, text)]


def test_the_next_batch_takes_up_the_world_the_last_one_left(shared_link):
    ready = Prepared(load(shared_link).cases[0])
    worlds, cloud = _world(ready)
    worlds.close()  # a fork not released is not taken up
    worlds = ready.world.recycling()
    kept = worlds.fork()
    assert kept is not cloud
    worlds.release()
    worlds.close()
    again = ready.world.recycling()
    assert again.fork() is kept


def test_a_reset_keeps_what_the_seeds_taught_the_trace_and_seeds_still_read_as_fresh_forks():
    # which shapes its families met decides only how a trace stores an event: a recycled
    # world keeps it (the next seed meets its sites as known ones), reading back the same
    case = load(ROOT / "scenarios/races/concurrent_createimage_500.yaml").cases[0]
    clouds, apis = _same_seeds(case, (3, 4, 5))  # each seed's JSONL == a fresh fork's
    # and Nova's REST service, which a fork builds again, is the one the first seed built
    # (kinds.KEPT_WIRING: the world had every part of Nova it holds)
    assert apis[0] is not None and all(api is apis[0] for api in apis)
    world = Prepared(case).world.cloud
    kept = clouds[0].trace
    learnt = sum(len(slot) for slot in kept._at if slot.__class__ is dict)
    assert learnt > sum(len(slot) for slot in world.trace._at if slot.__class__ is dict)
    # and the release rules each seed reads (Glance's reserved names on each image create),
    # derived as the world was built (kinds.MEMOS), are the world's after every reset: no seed
    # derives them again, nor finds a record grown by one (which would end the recycling)
    assert all(cloud is clouds[0] for cloud in clouds)
    assert clouds[0].glance.reserved == world.glance.reserved
