"""Keystone's v3 API is one class made of sibling parts (`fakecloud.identity.v3`): a name
two siblings both define is silently taken from the first in the MRO, so one part's handler
or helper would answer for the other's routes (in session 30 an application-credential
helper named `_rule` turned implied-role creation into a 500)."""

from __future__ import annotations

import inspect
import itertools

from fakecloud.identity.v3 import KeystoneV3Api

# Each part adds its routes to its parents' through `super()`: the one name siblings share.
_COOPERATIVE = {"declare_routes"}
_CLASS_NAMES = {"__module__", "__doc__", "__qualname__", "__firstlineno__", "__static_attributes__"}


def _parts() -> list[type]:
    return [c for c in KeystoneV3Api.__mro__ if c.__module__.startswith("fakecloud.identity")]


def test_no_two_sibling_parts_define_the_same_name():
    clashes = []
    for a, b in itertools.combinations(_parts(), 2):
        if issubclass(a, b) or issubclass(b, a):
            continue
        shared = set(vars(a)) & set(vars(b)) - _COOPERATIVE - _CLASS_NAMES
        clashes += [f"{a.__name__}.{name} / {b.__name__}.{name}" for name in sorted(shared)]
    assert clashes == []


def test_every_part_declares_its_routes_after_its_parents():
    """Only the root, Keystone's reads, starts the table; a part that forgot `super()` would
    drop every route of the parts after it in the MRO."""
    roots = [
        part.__name__
        for part in _parts()
        if "declare_routes" in vars(part)
        and "super().declare_routes(" not in inspect.getsource(vars(part)["declare_routes"])
    ]
    assert roots == ["KeystoneApi"]
