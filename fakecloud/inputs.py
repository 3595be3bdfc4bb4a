"""Opening a file a user names as input: a regular file, or a refusal that says what it is.

    >>> with open_input("scenarios/kernel/fair_sharing.yaml") as f:
    ...     text = f.read()

``open(path)`` of a named pipe waits until something opens it for writing: ``fakecloud report
FIFO`` hung with no writer, and a device (``/dev/zero``) never ends. Every verb that reads a
file (run, explore, shrink, bisect, report, ``serve --config``/``--state``, ``Cloud.load``) opens
it here: without waiting (``O_NONBLOCK``), and a named pipe, a device or a socket is refused
with a `NotRegularFile`, an `OSError` whose ``strerror`` names what the path is, so each verb
reports it as it reports any file it cannot read. A directory is refused as ``open`` refuses
it ("Is a directory").
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

#: What a path that is no regular file is, by its file type.
_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


#: Open without waiting for a pipe's writer (POSIX); Windows has no named pipes in the file
#: system to wait on, nor the flag.
_NO_WAIT = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)


class NotRegularFile(OSError):
    """The path names a pipe, a device or a socket, which an input is not read from."""


def open_input(path: str | Path) -> BinaryIO:
    """`path` opened for reading bytes; `NotRegularFile` (or the `OSError` of ``open``) if it
    is not a regular file, at once (a pipe with no writer is not waited for)."""
    fd = os.open(path, os.O_RDONLY | _NO_WAIT | getattr(os, "O_CLOEXEC", 0) | _BINARY)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
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
