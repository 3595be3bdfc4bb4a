"""stevedore's cache of entry points (``~/.cache/python-entrypoints``, one file of some 130 KB
per hash of ``sys.path`` and its entries' times) takes one file for every run of the suite,
however the tree's times move between runs: the suite's processes look oslo.policy's checks
up on the interpreter's own path first (conftest.py `_entry_points_found_on_a_stable_path`)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: A process as the suite's: a folder of the tree on its path, conftest's lookup first, then
#: a policy rule parsed as a cloud's first request parses Nova's (which looks the checks up).
RUN = """\
import conftest
conftest._entry_points_found_on_a_stable_path()
from oslo_policy.policy import RuleDefault
RuleDefault("os_compute_api:servers:index", "role:reader or project_id:%(project_id)s")
"""


def _run(cache: Path, tree: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, "-c", RUN], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def _moved(tree: Path, by_s: float) -> None:
    """The folder's time moved as a checkout or a written file moves it (stevedore hashes it
    as a 32-bit float: a move of minutes, not of the same second)."""
    stat = tree.stat()
    os.utime(tree, (stat.st_atime, stat.st_mtime + by_s))


@pytest.mark.early
@pytest.mark.skipif(
    sys.executable.startswith("/tmp"),
    reason="stevedore keeps no cache for an interpreter under /tmp (stevedore/_cache.py): "
    "nothing grows",
)
def test_the_entry_point_cache_keeps_one_file_however_the_tree_moves(tmp_path):
    cache, tree = tmp_path / "cache", tmp_path / "tree"
    tree.mkdir()
    files = lambda: sorted((cache / "python-entrypoints").iterdir())  # noqa: E731
    _run(cache, tree)
    first = files()
    assert len(first) == 1
    _moved(tree, 3600)  # looked up on the whole path, this run wrote a second file
    _run(cache, tree)
    assert files() == first
