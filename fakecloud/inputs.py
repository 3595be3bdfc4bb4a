"""Opening a file a user names as input: a regular file or a pipe, else a refusal that says what
it is.

    >>> with open_input("scenarios/kernel/fair_sharing.yaml") as f:
    ...     text = f.read()

``open(path)`` of a named pipe waits until something opens it for writing: ``fakecloud report
FIFO`` hung with no writer, and a device (``/dev/zero``) never ends. Every verb that reads a
file (run, explore, shrink, bisect, report, ``serve --config``/``--state``, ``Cloud.load``) opens
it here, without waiting (``O_NONBLOCK``). A pipe is read as ``cat`` reads it when something
writes to it: process substitution (``fakecloud report <(zcat trace.jsonl.gz)``), ``/dev/stdin``
of a pipeline, a named pipe a program has open for writing. A named pipe that no program opens
for writing within `WRITER_WAIT_S` is refused, as is a device or a socket: a `NotRegularFile`,
an `OSError` whose ``strerror`` says what the path is, so each verb reports it as it reports any
file it cannot read. A directory is refused as ``open`` refuses it ("Is a directory"). A pipe
can be read once only: each verb reads its input once.
"""

from __future__ import annotations

import errno
import io
import os
import stat
from pathlib import Path
from typing import BinaryIO

#: What a path that is no regular file is, by its file type.
_KINDS = {
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}

#: How long a named pipe nothing writes to is given for a writer to open it (seconds of the
#: host's time: an input's wait, never the simulation's). A writer started just before
#: fakecloud (``zcat t.gz > FIFO & fakecloud report FIFO``) may open it a moment later.
WRITER_WAIT_S = 2.0

#: Open without waiting for a pipe's writer (POSIX); Windows has no named pipes in the file
#: system to wait on, nor the flag.
_NO_WAIT = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_CHUNK = 1 << 16


class NotRegularFile(OSError):
    """The path names a device, a socket, or a pipe nothing writes to: no input is read."""


def open_input(path: str | Path, writer_wait_s: float = WRITER_WAIT_S) -> BinaryIO:
    """`path` opened for reading bytes; `NotRegularFile` (or the `OSError` of ``open``) if it
    is neither a regular file nor a pipe something writes to (within `writer_wait_s`)."""
    fd = os.open(path, os.O_RDONLY | _NO_WAIT | getattr(os, "O_CLOEXEC", 0) | _BINARY)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if stat.S_ISFIFO(mode) and _NO_WAIT:
            first = _first_bytes(fd, path, writer_wait_s)
            os.set_blocking(fd, True)
            return io.BufferedReader(_Pipe(fd, first), _CHUNK)
        if not stat.S_ISREG(mode):
            kind = _KINDS.get(stat.S_IFMT(mode), "a file of another kind")
            raise NotRegularFile(
                errno.EINVAL,
                f"it is {kind}, not a regular file (an input is read from a file: write the "
                "data to one first)",
                str(path),
            )
        if _NO_WAIT:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _first_bytes(fd: int, path: str | Path, wait_s: float) -> bytes:
    """What a pipe holds already, once something is known to write to it or to have written
    to it; `NotRegularFile` if nothing opens it for writing within `wait_s`."""
    first = _read_now(fd)
    if first is not None:
        return first
    import select

    poller = select.poll()
    poller.register(fd, select.POLLIN)
    # POLLIN: a writer wrote; POLLHUP: a writer came and went (or an emptied pipe's is gone)
    if poller.poll(max(wait_s, 0) * 1000):
        return _read_now(fd) or b""
    raise NotRegularFile(
        errno.EINVAL,
        f"it is a named pipe (FIFO) that nothing opened for writing within {wait_s:g} s "
        "(start the program writing to it first, or write the data to a file)",
        str(path),
    )


def _read_now(fd: int) -> bytes | None:
    """The bytes a pipe holds (without waiting): b"" if a writer has it open and wrote
    nothing yet, None at its end (POSIX: an empty pipe nothing has open for writing)."""
    try:
        return os.read(fd, _CHUNK) or None
    except BlockingIOError:
        return b""


class _Pipe(io.RawIOBase):
    """A pipe's bytes, the first ones already read (to learn whether anything writes to it)."""

    def __init__(self, fd: int, first: bytes):
        self._fd, self._first = fd, first

    def readable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def readinto(self, buffer) -> int:
        if self._first:
            n = min(len(buffer), len(self._first))
            buffer[:n], self._first = self._first[:n], self._first[n:]
            return n
        data = os.read(self._fd, len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            os.close(self._fd)
        super().close()
