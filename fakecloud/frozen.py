"""Read-only lists and mappings: the containers a built cloud's configuration holds.

A cloud's configuration is fixed when it is built: its forks share it, and a save writes it
as the world was built. A section's own keys are a frozen dataclass's, but Python has no
frozen list or dict, and ``cloud.config.glance.disk_formats.append("iso")`` changed the
original, every fork, and what a save wrote (a file then loading as a world the cloud was not
built as). `FrozenList` and `FrozenDict` are a list and a dict (JSON, ``isinstance`` and every
read work as before) whose every write is a `TypeError` naming the way to set a value; `frozen`
makes them of JSON data, and refuses what is not.

    >>> formats = frozen(["raw", "qcow2"])
    >>> formats + ["iso"]
    ['raw', 'qcow2', 'iso']
    >>> formats.append("iso")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    TypeError: config is fixed when the cloud is built (its forks share it, ...
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

#: What a write says.
FIXED = (
    "config is fixed when the cloud is built (its forks share it, a save writes it): give "
    "the value in Cloud(config={...})"
)


def _refuse(self: Any, *args: Any, **kwargs: Any) -> NoReturn:
    raise TypeError(FIXED)


class FrozenList(list):
    """A list whose writes raise `TypeError`; reads (and ``+``, slices) give plain lists."""

    __slots__ = ()
    append = extend = insert = remove = pop = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        # copy and pickle rebuild a list subclass by appending to it
        return (type(self), (list(self),))

    def __copy__(self) -> list:
        return list(self)


class FrozenDict(dict):
    """A dict whose writes raise `TypeError`; ``|`` and ``copy()`` give plain dicts."""

    __slots__ = ()
    __setitem__ = __delitem__ = __ior__ = _refuse
    pop = popitem = clear = update = setdefault = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (dict(self),))

    def copy(self) -> dict:
        """A plain (writable) dict of the same items."""
        return dict(self)

    __copy__ = copy


#: The deepest a frozen value may nest (a scenario file's values nest at most 100 levels
#: too: `fakecloud.scenario.yamldoc.MAX_DEPTH`); a value that holds itself reaches it.
MAX_DEPTH = 100

#: The values a frozen container may hold besides containers: JSON's.
_ATOMS = (str, int, float, bool, type(None))
_PLAIN = frozenset(_ATOMS)


class NotJsonData(ValueError):
    """A value `frozen` refuses: `path` (``.name[0]``, empty for the value itself) says where
    inside it, `why` what is wrong."""

    def __init__(self, path: str, why: str):
        super().__init__(f"{path}: {why}" if path else why)
        self.path = path
        self.why = why


def frozen(value: Any, _path: str = "", _depth: int = 0) -> Any:
    """`value`, JSON data, with every list and tuple a `FrozenList` and every mapping a
    `FrozenDict`, all the way down (new containers: the caller's are left as they are);
    `NotJsonData` for a key that is no text, a value that is no JSON data (bytes, a set, an
    object), or nesting past `MAX_DEPTH` (a mapping that holds itself): a saved cloud's file
    could not hold it (a bytes value was save's TypeError), and copying one was Python's
    RecursionError."""
    if _depth > MAX_DEPTH:
        raise NotJsonData("", f"nests more than {MAX_DEPTH} levels deep (or holds itself)")
    if isinstance(value, Mapping):
        held = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise NotJsonData(
                    _path, f"a key is text, got {type(key).__name__} {key!r} (write {str(key)!r})"
                )
            # text and numbers, most values, taken without a call
            held[key] = (
                item if item.__class__ in _PLAIN else frozen(item, f"{_path}.{key}", _depth + 1)
            )
        return FrozenDict(held)
    if isinstance(value, (list, tuple)):
        return FrozenList(
            [
                item if item.__class__ in _PLAIN else frozen(item, f"{_path}[{i}]", _depth + 1)
                for i, item in enumerate(value)
            ]
        )
    if not isinstance(value, _ATOMS):
        raise NotJsonData(
            _path,
            f"expected JSON data (text, a number, true or false, null, a list or a mapping), "
            f"got {type(value).__name__} {value!r}",
        )
    return value
