"""Project-wide pytest configuration (the fakecloud pytest plugin registers its own fixtures)."""

import gc


def pytest_configure(config):
    """This project's own markers (the plugin's are registered by fakecloud.pytest_plugin), and
    no garbage collection while this process collects the tests (see pytest_collection_finish)."""
    config.addinivalue_line(
        "markers",
        "browser_tour: every demo report in headless Chromium (make screenshots; deselected in "
        "make test, which opens one report)",
    )
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        gc.disable()  # an xdist controller collects nothing: it keeps collecting garbage


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
    of 4 CPU-s in A/B runs of the suite); what a test checks does not depend on it.

    Collection itself runs without the collector (pytest_configure switched it off): importing
    the test modules and building their parameters makes objects that almost all live to the
    end, and the automatic collections meanwhile (about 570, 4 of them full) cost 0.28-0.30
    CPU-s a process, freeing little. Nor is there a collection here: it walked all ~290,000
    objects for 0.2 CPU-s a process to free 53,000, pytest's own parametrizing leftovers
    (FunctionDefinition, TopRequest and their closures, one set per test function); frozen
    with the rest they cost no collection again, and the workers' peak memory is the same."""
    gc.enable()
    gc.freeze()
    gc.set_threshold(YOUNG_GC_THRESHOLD, *gc.get_threshold()[1:])


def pytest_unconfigure(config):
    """Freeze what the run made, too: the interpreter's collections at exit then skip it, and
    an xdist worker exits in a tenth of a second instead of most of one (the run waits for it)."""
    gc.freeze()
