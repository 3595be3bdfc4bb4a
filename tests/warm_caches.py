"""Fill the caches a test run reads, once, before the first run (``make setup`` runs this).

Both test workers would otherwise build each of them on the first run, and build it again
in every worker of every run until something writes it:

- bytecode: an editable install compiles nothing, and pytest rewrites each test module's
  asserts on first import; collecting the suite writes both (``__pycache__``), and the
  project's modules that only a test imports (about 40: Nova's move and rescue managers,
  the explorer's command line, the benchmarks, ``setup.py``) are compiled here too;
- Hypothesis's Unicode tables: the first strategy drawing text encodes every code point
  (1.1 million) to find which UTF-8 can carry, about 1 CPU-s (``.hypothesis/unicode_data``);
- Hypothesis's literals of the project's own modules, which it mixes into what it draws:
  each module's source parsed once (about 0.75 CPU-s for the modules a worker has loaded
  after collecting; ``.hypothesis/constants``, keyed by the source's hash), for every module
  of the package and the benchmarks, loaded at collection or later by a test.
- the scenario library's loads: the collection below loads every file of ``scenarios/``, and
  the suite's conftest keeps what the loader made (``.fakecloud_cache/scenario-loads.pickle``,
  0.3 CPU-s of share 2's collection; restored only while the code's fingerprint is the same).
- Node's compiled JavaScript of Playwright's driver, which the report test starts
  (``NODE_COMPILE_CACHE``, tests/views/browser.py): the driver started and stopped once.

What the tests draw is the same with the caches warm or cold: a cache holds exactly what
would be computed.
"""

import compileall
import os
import sys
import types
from pathlib import Path

import pytest
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
#: The project's own code outside the tests: what a test may import after collection.
SOURCES = ("fakecloud", "benchmarks")


def main() -> int:
    """Collect the suite (as the workers will), compile the rest of the project's modules,
    then have Hypothesis build its tables."""
    collected = pytest.main(["--collect-only", "-q"])
    sources = _project_sources()
    for source in [*sources, ROOT / "setup.py"]:
        compileall.compile_file(source, quiet=1)
    st.text().validate()
    try:  # private functions: a Hypothesis without them simply builds its literals in the run
        from hypothesis.internal.conjecture.providers import _get_local_constants
        from hypothesis.internal.constants_ast import constants_from_module
    except ImportError:
        return collected
    _get_local_constants()
    for source in sources:
        # By file, without importing it: the cache is keyed by the source alone.
        module = types.ModuleType(source.stem)
        module.__file__ = str(source)
        constants_from_module(module)
    _playwright_driver_compiled()
    return collected


def _playwright_driver_compiled() -> None:
    """Start and stop Playwright's driver once with the suite's Node compile cache (no
    browser is launched); nothing without Playwright."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return
    if str(ROOT) not in sys.path:  # run as a script: tests/ is first on the path, not the root
        sys.path.insert(0, str(ROOT))
    from tests.views.browser import NODE_COMPILE_CACHE

    os.environ.setdefault("NODE_COMPILE_CACHE", NODE_COMPILE_CACHE)
    with sync_playwright():
        pass


def _project_sources() -> list[Path]:
    """The modules of `SOURCES`, not what lies in a hidden folder below them (`make bench`
    keeps the peer's virtualenv, thousands of modules, in benchmarks/.venv-peer)."""
    return [
        source
        for folder in SOURCES
        for source in sorted((ROOT / folder).rglob("*.py"))
        if not any(part.startswith(".") for part in source.relative_to(ROOT).parts)
    ]


if __name__ == "__main__":
    sys.exit(main())
