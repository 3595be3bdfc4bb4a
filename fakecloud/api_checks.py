"""The Python API's argument checks: a value of the wrong kind is refused where it is given,
by an error naming the call and the argument, before anything changes.

    >>> flag("yes", "cloud.intercept", "allow_other_hosts")
    Traceback (most recent call last):
    ...
    TypeError: cloud.intercept: allow_other_hosts: expected True or False, got 'yes'

Without them such a value was taken (``intercept(allow_other_hosts="yes")`` let every host
through, as any non-empty string is true) or failed deep inside (``Cloud.load(None)``: "open:
path should be string, bytes or os.PathLike", naming ``open``; ``cloud.save(<a directory>)``:
a plain "Is a directory").
"""

from __future__ import annotations

import errno
import operator
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fakecloud.errors import ConfigError


def flag(value: Any, call: str, name: str) -> bool:
    """`value`, which must be True or False (a bool, as the argument's default is)."""
    if not isinstance(value, bool):
        raise TypeError(f"{call}: {name}: expected True or False, got {value!r}")
    return value


def whole_number(value: Any, call: str, name: str) -> int:
    """`value`, which must be a whole number: an ``int`` or what stands for one
    (``operator.index``), not a bool, ``1.0`` or ``"1"`` (a `ConfigError` naming the call)."""
    if not isinstance(value, bool):
        try:
            return operator.index(value)
        except TypeError:
            pass
    raise _refused(call, f"{name}: a whole number, got {value!r}")


def profile_name(value: Any, call: str) -> str:
    """`value`, which must name a profile (`fakecloud.profiles.resolve`): a `ConfigError`
    naming the call and saying what the profiles are, or which one was meant."""
    if not isinstance(value, str):  # (a list was resolve's cache's "unhashable type")
        raise _refused(call, f"profile: a string like 'nova-20.6.0' or 'upstream', got {value!r}")
    from fakecloud.profiles.resolve import resolve

    with naming(call, "profile"):
        resolve(value)
    return value


@contextmanager
def naming(call: str, name: str) -> Iterator[None]:
    """A `ConfigError` raised inside, its message naming `call` and the argument `name` (a
    message that already starts with the argument's name, "config rpc.delay_s: ...", keeps
    it once). The error itself is re-raised, of its own kind (`OutOfRange` stays one), and
    keeps its message as it was for a caller that names the place itself (`unnamed`)."""
    try:
        yield
    except ConfigError as exc:
        text = str(exc)
        said = text if text.startswith(name) else f"{name}: {text}"
        exc.args = (f"{call}: {said}", *exc.args[1:])
        exc.unnamed = text
        raise


def _refused(call: str, text: str) -> ConfigError:
    error = ConfigError(f"{call}: {text}")
    error.unnamed = text
    return error


def unnamed(exc: BaseException) -> str:
    """`exc`'s message without the call `naming` put in front: what a caller that says where
    itself (a scenario's line and field, a saved world's header) reports."""
    return getattr(exc, "unnamed", None) or str(exc)


def file_path(path: Any, call: str) -> str | os.PathLike:
    """`path`, which must name a file: a string, bytes (as the file system's encoding
    reads them) or an ``os.PathLike``, not empty, without a NUL."""
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise TypeError(
            f"{call}: path: expected a file path (a string or a pathlib.Path), got {path!r}"
        )
    name = os.fspath(path)
    if not name:
        raise ValueError(f"{call}: path: an empty path names no file")
    if ("\0" if isinstance(name, str) else b"\0") in name:  # was os's "embedded null byte"
        raise ValueError(f"{call}: path: {path!r} holds a NUL character, which no file name does")
    return os.fsdecode(name) if isinstance(name, bytes) else path  # (pathlib takes no bytes)


def save_target(path: Any, call: str) -> str | os.PathLike:
    """`path` (as `file_path`) where a file can be written: not a directory, in a folder that
    exists (an `OSError` of the same kind as ``open``'s, its message naming the call)."""
    path = file_path(path, call)
    target = Path(os.fsdecode(path))
    if target.is_dir():
        raise IsADirectoryError(
            errno.EISDIR,
            f"{call}: path is a directory; name a file in it (such as {target / 'cloud.json'})",
            str(target),
        )
    folder = target.parent
    if not folder.is_dir():
        kind = FileNotFoundError if not folder.exists() else NotADirectoryError
        raise kind(
            errno.ENOENT if kind is FileNotFoundError else errno.ENOTDIR,
            f"{call}: path: its folder {folder} "
            + ("does not exist" if kind is FileNotFoundError else "is no directory"),
            str(target),
        )
    return path


def user_name(cloud: Any, user: Any, call: str) -> str:
    """`user`, which must be the name of one of `cloud`'s users (of its Default domain)."""
    if not isinstance(user, str):
        raise TypeError(f"{call}: user: expected a user name such as 'demo', got {user!r}")
    try:
        cloud.keystone.user(user)
    except KeyError as exc:  # "no user 'x' in this cloud; users: ...", now naming the call
        raise KeyError(f"{call}: user: {exc.args[0]}") from None
    return user


def application_credential(value: Any, call: str) -> Mapping[str, str] | None:
    """`value`, None or a mapping with the ``id`` and ``secret`` strings an application
    credential's create answered."""
    if value is None:
        return None
    said = f"{call}: application_credential: expected the 'id' and 'secret' its create answered"
    if not isinstance(value, Mapping):
        raise TypeError(f"{said}, got {value!r}")
    for key in ("id", "secret"):
        if not isinstance(value.get(key), str) or not value[key]:
            raise TypeError(f"{said}; its {key!r} is {value.get(key)!r}")
    return value
