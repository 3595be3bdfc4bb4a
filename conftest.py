"""Project-wide pytest configuration (the fakecloud pytest plugin registers its own fixtures)."""

import gc


def pytest_configure(config):
    """This project's own markers (the plugin's are registered by fakecloud.pytest_plugin)."""
    config.addinivalue_line(
        "markers",
        "browser_tour: every demo report in headless Chromium (make screenshots; deselected in "
        "make test, which opens one report)",
    )


#: Container allocations between young collections while the tests run (Python's default: 700).
YOUNG_GC_THRESHOLD = 10_000


def pytest_collection_finish(session):
    """Move everything collection built (modules, schemas, the clients' tables) out of the
    collector's sight: the run's full collections (the automatic ones, pytest's sweeps for
    unraisable exceptions, the benchmark smoke's) then walk only what the tests make.

    Young collections then come every 10,000 allocations, as while the explorer's seeds run
    (fakecloud.explore.runner.seeds_gc, which says why): most of a test's clouds are cycles
    that die with the test, and at 700 they were still alive at a young collection, promoted
    and traversed again by the older ones. A quarter of the workers' collector time (about 0.9
    of 4 CPU-s in A/B runs of the suite); what a test checks does not depend on it."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_GC_THRESHOLD, *gc.get_threshold()[1:])


def pytest_unconfigure(config):
    """Freeze what the run made, too: the interpreter's collections at exit then skip it, and
    an xdist worker exits in a tenth of a second instead of most of one (the run waits for it)."""
    gc.freeze()
