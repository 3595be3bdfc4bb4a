"""A random generator that takes its state at its first use.

A fork copies every generator of a cloud (`fakecloud.state.kinds.copy_random`) so that each
continues exactly where the original's was. Setting a generator's state is 625 words, most of
a replayed fork's generator cost, and a run draws from few of its generators (an explored
race draws ids, not tokens nor fault chances). `continued(state)` is a `random.Random` that
holds the state it continues from and takes it only at its first draw, state read, seeding or
pickling; it then turns into a plain `random.Random` (its class set back), so from there on it
is the generator an eager copy would have been, at no cost per draw.

`seeded(text)` is the same for a new stream (``random.Random(text)``): seeding from text is
some 42,000 instructions, and a cloud makes a stream at its start that most clouds never draw
from (the fault plan's chances, `fakecloud.sim.faults`). It is seeded at its first use; a save
or a copy reads its state, which seeds it then, so saved bytes are those of a stream seeded at
the start.
"""

from __future__ import annotations

from random import Random
from typing import Any


def continued(state: tuple) -> Random:
    """A `random.Random` that continues from `state` (``Random.getstate()``), taken at first
    use (see the module doc)."""
    twin = Random.__new__(LazyRandom)
    twin.gauss_next = state[2]
    twin._continues = state[1]
    return twin


def seeded(text: str) -> Random:
    """A `random.Random` as ``Random(text)`` makes it, seeded at first use (see the module
    doc)."""
    twin = Random.__new__(LazyRandom)
    twin.gauss_next = None  # as ``Random.__init__`` leaves it
    twin._continues = text
    return twin


def is_plain_or_lazy(cls: type) -> bool:
    """Whether `cls` is `random.Random` or a `LazyRandom`, this module's or that of a second
    import of it (pytester's in-process runs drop the modules they imported, so a later import
    can make a second class while older modules keep the first)."""
    return (
        cls is Random
        or cls is LazyRandom
        or (cls.__name__ == "LazyRandom" and cls.__module__ == __name__ and issubclass(cls, Random))
    )


def _wake(rng: Any) -> None:
    if rng.__class__ is LazyRandom:
        rng.__class__ = Random
        pending = rng.__dict__.pop("_continues")
        if pending.__class__ is str:  # `seeded`: Python's seeding of text (its sha512 too)
            gauss = rng.gauss_next  # which the caller may just have changed (``gauss``)
            Random.seed(rng, pending)
            rng.gauss_next = gauss
        else:
            # the 625 words only, by the C generator's own setstate: `random.Random.setstate`
            # would also set ``gauss_next``, which the caller may just have changed (``gauss``)
            super(Random, rng).setstate(pending)


class LazyRandom(Random):
    """What `continued` and `seeded` make until their first use. Every method that reads or
    changes the generator's state goes through one of these (the others of `random.Random` call
    them), and each first takes the state, so a method bound before (``gauss`` binds
    ``random``) still draws right."""

    __slots__ = ()

    def random(self) -> float:
        """`random.Random.random`, the state taken first."""
        _wake(self)
        return Random.random(self)

    def getrandbits(self, k: int) -> int:
        """`random.Random.getrandbits`, the state taken first."""
        _wake(self)
        return Random.getrandbits(self, k)

    def getstate(self) -> tuple:
        """`random.Random.getstate`, the state taken first."""
        _wake(self)
        return Random.getstate(self)

    def setstate(self, state: tuple) -> None:
        """`random.Random.setstate` (the pending state dropped)."""
        _wake(self)
        Random.setstate(self, state)

    def seed(self, *args: Any, **kwargs: Any) -> None:
        """`random.Random.seed` (the pending state dropped)."""
        _wake(self)
        Random.seed(self, *args, **kwargs)

    def __reduce__(self) -> Any:
        """Pickled and copied as the plain `random.Random` it becomes."""
        _wake(self)
        return Random.__reduce__(self)
