"""Which fakecloud a process runs: its version and a digest of its package's files.

A Dask worker with another fakecloud would play the seeds its own way (or fail on a scenario
its version cannot read) and the sweep would mix two programs' results, so ``--scheduler``
asks every worker for its build before the first batch, and each batch comes back with the
build of the worker that ran it, as a worker may join mid-sweep
(`fakecloud.explore.runner.Executor`).
The version alone cannot tell two development trees apart: the digest covers every file of
the package, as installed.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path


def build_of(root: str | Path) -> str:
    """A digest of every file under `root` (its path and bytes; caches left out)."""
    root = Path(root)
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@functools.cache
def this_build() -> str:
    """This process's fakecloud: ``VERSION (DIGEST)``, read once a process."""
    import fakecloud

    return f"{fakecloud.__version__} ({build_of(Path(fakecloud.__file__).parent)})"
