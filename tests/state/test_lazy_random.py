"""A fork's generator that takes its state at first use draws, saves and copies exactly as an
eager copy of the original does, whichever method it is first used by."""

from __future__ import annotations

import copy
import pickle
from random import Random

import pytest

from fakecloud import Cloud
from fakecloud.sim.lazy_random import LazyRandom, continued, seeded
from fakecloud.state.kinds import copy_random


def _original(after_gauss: bool) -> Random:
    rng = Random("fakecloud:7:ids")
    rng.getrandbits(64)
    if after_gauss:  # a gauss pair half used: the state holds its second value
        rng.gauss()
    return rng


FIRST_USES = {
    "random": lambda r: [r.random() for _ in range(3)],
    "getrandbits": lambda r: [r.getrandbits(128), r.getrandbits(7)],
    "randint": lambda r: [r.randint(1, 10**30), r.randrange(7)],
    "choice": lambda r: [r.choice("abcdef"), r.sample(range(100), 5)],
    "shuffle": lambda r: (lambda items: (r.shuffle(items), items)[1])(list(range(30))),
    "gauss": lambda r: [r.gauss(), r.gauss(), r.gauss()],
    "uniform": lambda r: [r.uniform(1, 2), r.randbytes(9)],
    "getstate": lambda r: r.getstate(),
    "pickle": lambda r: pickle.loads(pickle.dumps(r)).getrandbits(64),
    "copy": lambda r: [copy.copy(r).random(), copy.deepcopy(r).random(), r.random()],
    "seed": lambda r: (r.seed(5), r.random())[1],
    "setstate": lambda r: (r.setstate(Random(9).getstate()), r.random())[1],
}


@pytest.mark.parametrize("after_gauss", [False, True])
@pytest.mark.parametrize("use", sorted(FIRST_USES))
def test_a_lazy_copy_continues_as_an_eager_one(use, after_gauss):
    state = _original(after_gauss).getstate()
    eager, lazy = Random(), continued(state)
    eager.setstate(state)
    assert type(lazy) is LazyRandom
    assert FIRST_USES[use](lazy) == FIRST_USES[use](eager)
    assert lazy.getstate() == eager.getstate()
    assert type(lazy) is Random  # a plain generator from its first use on


@pytest.mark.parametrize("use", sorted(FIRST_USES))
def test_a_stream_seeded_on_use_draws_as_one_seeded_at_once(use):
    eager, lazy = Random("fakecloud:7:faults"), seeded("fakecloud:7:faults")
    assert type(lazy) is LazyRandom
    assert FIRST_USES[use](lazy) == FIRST_USES[use](eager)
    assert lazy.getstate() == eager.getstate()
    assert type(lazy) is Random


def test_a_copy_of_a_stream_not_seeded_yet_is_one_too():
    lazy = seeded("fakecloud:7:faults")
    twin = copy_random(lazy)
    assert type(lazy) is type(twin) is LazyRandom
    assert twin.getstate() == lazy.getstate() == Random("fakecloud:7:faults").getstate()


def test_a_copy_of_a_lazy_copy_continues_from_the_same_state():
    original = _original(False)
    lazy = continued(original.getstate())
    twin = copy_random(lazy)
    assert [twin.random(), lazy.random()] == [original.random()] * 2


@pytest.mark.parametrize("how", ["fork", "replica"])
def test_a_fork_that_never_drew_saves_and_draws_as_its_original(tmp_path, how):
    from fakecloud.state.replica import Replica

    cloud = Cloud(seed=3)
    cloud.run_until_idle()
    fork = cloud.fork if how == "fork" else Replica(cloud).fork
    a, b = fork(), fork()
    cloud.save(tmp_path / "original.json")
    a.save(tmp_path / "fork.json")
    assert (tmp_path / "fork.json").read_bytes() == (tmp_path / "original.json").read_bytes()
    assert b.kernel.ids.uuid() == cloud.kernel.ids.uuid()


def test_a_generator_of_a_second_import_of_the_module_forks_and_saves(tmp_path, monkeypatch):
    """pytester's in-process runs drop the modules they imported: a later import makes a second
    `LazyRandom` class while older modules keep the first. Its generators still fork (was
    "object.__new__(LazyRandom) is not safe"), copy and save by their state."""
    import importlib
    import sys

    from fakecloud.state.replica import Replica

    monkeypatch.delitem(sys.modules, "fakecloud.sim.lazy_random")
    second = importlib.import_module("fakecloud.sim.lazy_random")
    assert second.LazyRandom is not LazyRandom
    cloud = Cloud(seed=3)
    cloud.run_until_idle()
    expected = cloud.fork().kernel.ids.uuid()
    state = cloud.kernel.ids._rng.getstate()
    for copier in (cloud.fork, Replica(cloud).fork):
        cloud.kernel.ids._rng = second.continued(state)
        assert copier().kernel.ids.uuid() == expected
    cloud.kernel.ids._rng = second.continued(state)
    cloud.save(tmp_path / "world.json")
    assert Cloud.load(tmp_path / "world.json").kernel.ids.uuid() == expected
