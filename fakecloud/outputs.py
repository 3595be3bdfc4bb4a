"""Files the commands write: checked before any work starts, and replaced whole or not at all.

    >>> output_problem("/no/such/folder/trace.jsonl")
    'its folder /no/such/folder does not exist'

A command that would run for minutes and then find it cannot write its result (a folder that
does not exist, a directory given as the file, or the scenario it reads given as the output)
says so before it starts: `output_problem` names what is wrong, and the command exits 2 with
``fakecloud COMMAND: cannot write PATH: REASON``. `write_atomic` writes to a temporary file
beside the target and renames it over, so an interrupt or a full disk leaves the old file (or
none), never half of the new one; a device or a pipe (``-o /dev/stdout``) is written through
(a named pipe that nothing reads from within `READER_WAIT_S` is refused, not waited on for
good), and a symbolic link's file is replaced, the link kept.
"""

from __future__ import annotations

import errno
import math
import os
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import BinaryIO


def output_problem(
    path: str | os.PathLike, inputs: Iterable[str | os.PathLike] = (), make_folders: bool = False
) -> str | None:
    """Why `path` cannot be written as an output, or None: it is a directory, its folder is
    missing (unless the command makes folders), not a folder or not writable, or it is one of
    the `inputs` (the files the command reads)."""
    target = Path(os.fsdecode(path))  # (pathlib takes no bytes path: its TypeError)
    if target.is_dir():
        return "it is a directory"
    problem = None if make_folders else folder_problem(target) or _unwritable(target)
    if problem is None and target.exists():
        for source in inputs:
            try:
                if os.path.samefile(target, source):
                    return f"it is the input file {source}: give another output path"
            except OSError:  # the input is a library name, not a file
                continue
    return problem


def written_through(path: str | os.PathLike) -> bool:
    """Whether `path` names a device or a pipe (``/dev/null``, ``/dev/stdout``, a process
    substitution's ``/dev/fd/N``), which `write_atomic` writes through: a command with one
    output per case writes each case's to it in turn, not to files named beside it
    (``/dev/null-CASE.jsonl``: made in ``/dev`` when run as root, refused as an unwritable
    folder otherwise)."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def folder_problem(path: str | os.PathLike) -> str | None:
    """Why the folder that would hold `path` cannot, or None."""
    folder = Path(os.fsdecode(path)).parent
    if not folder.exists():
        return f"its folder {folder} does not exist"
    if not folder.is_dir():
        return f"{folder} is not a folder"
    return None


def _unwritable(target: Path) -> str | None:
    """Why no file can be made beside `target` (the temporary file `write_atomic` renames over
    it: a read-only folder, another user's, ``/proc``), or None. A device or a pipe, written
    through, needs none."""
    try:
        if not stat.S_ISREG(os.stat(target).st_mode):
            return None
    except OSError:
        pass
    folder = Path(os.path.realpath(target)).parent
    try:
        handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        return f"its folder {folder} is not writable ({exc.strerror})"
    os.close(handle)
    os.unlink(temp)
    return None


def new_folder_problem(path: str | os.PathLike) -> str | None:
    """Why the folder `path` cannot be made or used, or None: it, or the nearest of its
    ancestors that exists, is not a folder, or nothing can be made in that one (``/proc``, a
    read-only mount, another user's folder: found when the first file was written, after the
    work, as a traceback)."""
    path = Path(os.fsdecode(path))
    for folder in (path, *path.parents):
        if folder.exists():
            if not folder.is_dir():
                return f"{folder} is not a folder"
            try:
                os.rmdir(tempfile.mkdtemp(dir=folder, prefix=".fakecloud-", suffix=".tmp"))
            except OSError as exc:
                return f"{folder} is not writable ({exc.strerror})"
            return None
    return None


_KEPT_OPEN: ContextVar[dict[tuple[int, int], BinaryIO] | None] = ContextVar(
    "fakecloud_outputs_kept_open", default=None
)


@contextmanager
def pipes_kept_open() -> Iterator[None]:
    """Within it, a named pipe `write_atomic` writes through is opened once and kept open for
    every later write to it, and closed at the end: a command writing several cases' outputs
    to one FIFO (``fakecloud run S --trace FIFO``, ``report S -o FIFO``) gives its reader
    (``cat FIFO``) them all and then one end of file, as it does a ``/dev/fd/N`` it holds
    open. Closed after each write, the reader took the first end of file as the end and went,
    and the next case found no reader and was refused."""
    kept: dict[tuple[int, int], BinaryIO] = {}
    token = _KEPT_OPEN.set(kept)
    try:
        yield
    finally:
        _KEPT_OPEN.reset(token)
        for f in kept.values():
            try:
                f.close()
            except OSError:  # a reader gone: what was written was flushed already
                pass


#: How long a named pipe given as an output is given for a reader to open it (seconds of the
#: host's time, as `fakecloud.inputs.WRITER_WAIT_S` for an input's writer), in steps of
#: `_READER_STEP_S`.
READER_WAIT_S = 2.0
_READER_STEP_S = 0.05


def write_atomic(
    path: str | os.PathLike, data: str | bytes, reader_wait_s: float = READER_WAIT_S
) -> None:
    """Write `data` (text as UTF-8) to `path` whole: into a temporary file in the same folder,
    then renamed over `path`, so no reader ever sees a half-written file. `OSError` as `open`;
    a named pipe nothing opens for reading within `reader_wait_s` is refused (ENXIO)."""
    target = Path(os.fsdecode(path))  # (pathlib takes no bytes path: its TypeError)
    if target.is_dir():  # os.replace would say "Is a directory" naming the temporary file
        raise IsADirectoryError(21, "Is a directory", str(target))
    try:
        st = os.stat(target)  # through a symbolic link
        mode = st.st_mode
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        # A device or a pipe (/dev/null, /dev/stdout, a FIFO) is written through: renamed
        # over, the node itself was replaced by a regular file (as root, /dev/null too).
        kept = _KEPT_OPEN.get() if stat.S_ISFIFO(mode) else None
        try:
            if kept is None:
                with _open_through(target, mode, reader_wait_s) as f:
                    f.write(data.encode("utf-8") if isinstance(data, str) else data)
            else:
                key = (st.st_dev, st.st_ino)
                f = kept.get(key) or kept.setdefault(
                    key, _open_through(target, mode, reader_wait_s)
                )
                f.write(data.encode("utf-8") if isinstance(data, str) else data)
                f.flush()
        except OSError as exc:  # a write's error (/dev/full: ENOSPC) names no file
            raise type(exc)(exc.errno, exc.strerror, str(target)) from None
        return
    if target.is_symlink():  # the file it names is replaced; the link stays a link
        target = Path(os.path.realpath(target))
    try:
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:  # a missing or unwritable folder: name the target, not the temporary
        raise type(exc)(exc.errno, exc.strerror, str(target)) from None
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, target)
    except BaseException as exc:
        try:
            os.unlink(temp)
        except OSError:
            pass
        if isinstance(exc, OSError) and exc.filename != str(target):
            # a full disk's error names no file, a rename's the temporary one
            raise type(exc)(exc.errno, exc.strerror, str(target)) from None
        raise


def _open_through(target: Path, mode: int, reader_wait_s: float) -> BinaryIO:
    """`target`, a device or a pipe, opened for writing. ``open`` of a named pipe waits until
    something opens it for reading: ``fakecloud run S --trace FIFO`` with no reader hung for
    good after its run. One that nothing reads from within `reader_wait_s` is refused (ENXIO,
    saying so), as an input's pipe that nothing writes to is."""
    flags = getattr(os, "O_NONBLOCK", 0)
    if not (stat.S_ISFIFO(mode) and flags):
        return open(target, "wb")
    tries = 1 + math.ceil(max(reader_wait_s, 0) / _READER_STEP_S)
    for attempt in range(tries):
        try:
            fd = os.open(target, os.O_WRONLY | flags | getattr(os, "O_CLOEXEC", 0))
        except OSError as exc:
            if exc.errno != errno.ENXIO:  # ENXIO: nothing has it open for reading yet
                raise
            if attempt + 1 < tries:
                threading.Event().wait(_READER_STEP_S)
            continue
        os.set_blocking(fd, True)
        return os.fdopen(fd, "wb")
    raise OSError(
        errno.ENXIO,
        f"it is a named pipe (FIFO) that nothing opened for reading within {reader_wait_s:g} s "
        "(start the program reading it first, or write to a file)",
        str(target),
    )


def _umask() -> int:
    """The process's umask (read by setting it and putting it back: there is no getter)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
