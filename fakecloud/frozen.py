"""Read-only lists and mappings: the containers a built cloud's configuration holds.

A cloud's configuration is fixed when it is built: its forks share it, and a save writes it
as the world was built. A section's own keys are a frozen dataclass's, but Python has no
frozen list or dict, and ``cloud.config.glance.disk_formats.append("iso")`` changed the
original, every fork, and what a save wrote (a file then loading as a world the cloud was not
built as). `FrozenList` and `FrozenDict` are a list and a dict (JSON, ``isinstance`` and every
read work as before) whose every write is a `TypeError` naming the way to set a value.

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


def frozen(value: Any) -> Any:
    """`value` with every list and tuple a `FrozenList` and every mapping a `FrozenDict`, all
    the way down (new containers: the caller's are left as they are); other values as given."""
    if isinstance(value, Mapping):
        return FrozenDict({key: frozen(item) for key, item in value.items()})
    if isinstance(value, (list, tuple)):
        return FrozenList([frozen(item) for item in value])
    return value
