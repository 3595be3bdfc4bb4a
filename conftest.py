"""Project-wide pytest configuration (the fakecloud pytest plugin registers its own fixtures)."""

import gc


def pytest_configure(config):
    """This project's own markers (the plugin's are registered by fakecloud.pytest_plugin)."""
    config.addinivalue_line(
        "markers",
        "browser_tour: every demo report in headless Chromium (make screenshots; deselected in "
        "make test, which opens one report)",
    )


def pytest_collection_finish(session):
    """Move everything collection built (modules, schemas, the clients' tables) out of the
    collector's sight: the run's full collections (the automatic ones, pytest's sweeps for
    unraisable exceptions, the benchmark smoke's) then walk only what the tests make."""
    gc.collect()
    gc.freeze()


def pytest_unconfigure(config):
    """Freeze what the run made, too: the interpreter's collections at exit then skip it, and
    an xdist worker exits in a tenth of a second instead of most of one (the run waits for it)."""
    gc.freeze()
