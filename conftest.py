"""Project-wide pytest configuration (the fakecloud pytest plugin registers its own fixtures)."""

import contextlib
import gc
import hashlib
import marshal
import os
import pickle
import sys
import threading
import time
import types

import pytest


def pytest_configure(config):
    """This project's own markers (the plugin's are registered by fakecloud.pytest_plugin), and
    no garbage collection while this process collects the tests (see pytest_collection_finish)."""
    config.addinivalue_line(
        "markers",
        "browser_tour: every demo report in headless Chromium (make screenshots; deselected in "
        "make test, which opens one report)",
    )
    config.addinivalue_line(
        "markers",
        "early: seconds of wall however fast the host (a subprocess, a cluster), "
        "or a session fixture shared with such a test: run first (pytest_collection_modifyitems)",
    )
    _temporary_folders_in_memory(config)
    _entry_points_found_on_a_stable_path()
    _ignored_paths_read_once(config)
    _scenario_loads_restored()
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        gc.disable()  # an xdist controller collects nothing: it keeps collecting garbage
    if hasattr(config, "workerinput"):
        _send_the_controller_only_what_it_shows(config)


#: The stevedore namespaces a test process looks up: oslo.policy's checks, at a cloud's first
#: policy rule (the only lookup a run of the suite makes in-process).
ENTRY_POINT_NAMESPACES = ("oslo.policy.rule_checks",)


def _entry_points_found_on_a_stable_path():
    """Look up `ENTRY_POINT_NAMESPACES` with ``sys.path`` cut to the interpreter's own entries
    (its standard library and site-packages), before any test does. stevedore keeps what it
    finds in ``~/.cache/python-entrypoints``, one file per hash of ``sys.path`` and of each
    entry's modification time, and each process looks a namespace up once. A test process's
    path holds this tree and its test folders, whose times move with a checkout, the scenario
    loads' file and an output folder's writability probe: nearly every run wrote a new file
    of 130 KB (290 MB by session 46's end). No entry point lives in the tree (the editable
    install's are in site-packages), so the lookup finds the same ones, in one file every run
    reads (tests/usage/test_entry_point_cache.py)."""
    try:
        import stevedore
    except ImportError:  # pragma: no cover - not this project's environment
        return
    own = tuple(os.path.realpath(p) + os.sep for p in {sys.prefix, sys.base_prefix})
    kept = sys.path[:]
    sys.path[:] = [p for p in kept if p and (os.path.realpath(p) + os.sep).startswith(own)]
    try:
        for namespace in ENTRY_POINT_NAMESPACES:
            stevedore.ExtensionManager(namespace)  # kept per process for every later manager
    finally:
        sys.path[:] = kept


class _MarshalReadingWholeFiles:
    """The marshal module as pytest's assertion rewriting uses it, but `load` reads the rest of
    the file and unmarshals the bytes: `marshal.load` on a file reads it through a Python-level
    call per object (`readinto`), `marshal.loads` does not. A pyc holds one code object after
    its header, and `loads` ignores trailing bytes and raises what `load` raises on bad data,
    so pytest gets the same code object (or the same error, on which it rewrites the module
    again). The suite's 337 rewritten test modules are 10 MB of bytecode, read by each worker:
    0.12 CPU-s with `load`, 0.03 with `loads` (all of them, twice each, one process)."""

    @staticmethod
    def load(file):
        """One object from the rest of `file`, as `marshal.load` reads it."""
        return marshal.loads(file.read())

    def __getattr__(self, name):
        return getattr(marshal, name)


def _rewritten_modules_read_whole():
    """Give pytest's assertion rewriting `_MarshalReadingWholeFiles` (conftest.py is imported
    before the test modules are). Where pytest no longer uses marshal by that name, nothing."""
    try:
        from _pytest.assertion import rewrite
    except ImportError:  # pragma: no cover - pytest moved it
        return
    if getattr(rewrite, "marshal", None) is marshal:
        rewrite.marshal = _MarshalReadingWholeFiles()


_rewritten_modules_read_whole()


#: A memory-backed folder for the run's temporary folders, when the machine has one.
MEMORY_TEMP_ROOT = "/dev/shm"


def _temporary_folders_in_memory(config):
    """The run's `tmp_path` folders go under /dev/shm (tmpfs) rather than /tmp, unless the
    user chose a place (--basetemp, TMPDIR or PYTEST_DEBUG_TEMPROOT, pytest's documented root
    for them). This project's hosts keep /tmp on an ext4 disk mounted with `discard`, where
    Chromium's profile folder (about 200 files, some synced) took ~0.2 s longer to close and
    each folder made or removed waits on the device; the suite's own scratch (7-17 MB a run,
    pytest keeps the last three runs) needs no disk. An xdist worker's base folder is the
    controller's, so the controller decides (its workers inherit the variable unused)."""
    if hasattr(config, "workerinput") or config.option.basetemp:
        return
    if "PYTEST_DEBUG_TEMPROOT" in os.environ or "TMPDIR" in os.environ:
        return
    if os.path.isdir(MEMORY_TEMP_ROOT) and os.access(MEMORY_TEMP_ROOT, os.W_OK | os.X_OK):
        os.environ["PYTEST_DEBUG_TEMPROOT"] = MEMORY_TEMP_ROOT


#: The ``--ignore`` paths of the run, made absolute once (`_ignored_paths_read_once`).
IGNORED = pytest.StashKey[frozenset]()


def _ignored_paths_read_once(config):
    """Answer ``--ignore`` from one set of absolute paths rather than pytest's list.

    pytest's `pytest_ignore_collect` makes every ``--ignore`` path absolute again for every
    folder and file it meets (``absolutepath``: a ``getcwd`` and a `Path` each) and compares
    the collected path with each: share 2 of `make test` ignores the Makefile's ``SHARE_1``
    (some thirty paths) across about 580 folders and files, 16,000 paths made, about 0.1 of
    its 1.6 CPU-s of collection (``--co`` of the share, four alternated pairs: 1.72-1.89
    against 1.65-1.68). Made once here and read from a set by this file's
    `pytest_ignore_collect`, the same paths are ignored; pytest's own hook then has no
    ``--ignore`` left to read, and answers everything else (``collect_ignore``, globs,
    virtualenvs) as before. Not in an xdist controller, which hands its options to its
    workers (each then does this itself)."""
    paths = config.option.ignore
    if not paths or (
        getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput")
    ):
        return
    try:
        from _pytest.pathlib import absolutepath
    except ImportError:  # pragma: no cover - pytest moved it: its own hook reads the list
        return
    config.stash[IGNORED] = frozenset(absolutepath(path) for path in paths)
    config.option.ignore = []


@pytest.hookimpl(tryfirst=True)
def pytest_ignore_collect(collection_path, config):
    """The paths of ``--ignore`` (`_ignored_paths_read_once`); anything else is pytest's."""
    if collection_path in config.stash.get(IGNORED, ()):
        return True
    return None


def _send_the_controller_only_what_it_shows(config):
    """An xdist worker sends the controller six messages a test: the start, the setup, call and
    teardown reports, the finish and the protocol's end. In a quiet run (no -v, --durations or
    --junitxml) the controller shows nothing of the start nor of a setup or teardown that passed
    with no output, and nothing of the finish unless a plugin of the run implements
    `pytest_runtest_logfinish` (pytest's terminal does not; its logging plugin is off), yet
    receiving each (execnet's pure-Python unpickling, a pluggy hook) took CPU from the two
    cores the workers share. Those are not sent: what the run prints, counts and exits with is
    the same, and every failed or skipped phase and every captured output still goes (xdist
    itself sends only the collection reports that did not pass, for the same reason). Without
    xdist's worker plugin as known here, nothing is dropped."""
    if config.option.verbose > 0 or config.option.durations is not None:
        return
    if getattr(config.option, "xmlpath", None):
        return
    worker = [
        p for p in config.pluginmanager.get_plugins() if type(p).__name__ == "WorkerInteractor"
    ]
    if len(worker) != 1 or not callable(getattr(worker[0], "sendevent", None)):
        return
    send = worker[0].sendevent
    finish_read = []  # whether any plugin but this worker's reads the finish (known once run)

    def sendevent(name, **kwargs):
        if name == "logstart":
            return
        if name == "logfinish":
            if not finish_read:
                impls = config.hook.pytest_runtest_logfinish.get_hookimpls()
                finish_read.append(any(i.plugin is not worker[0] for i in impls))
            if not finish_read[0]:
                return
        if name == "testreport":
            data = kwargs["data"]
            if (
                data.get("when") != "call"
                and data.get("outcome") == "passed"
                and not data.get("sections")
            ):
                return
        send(name, **kwargs)

    worker[0].sendevent = sendevent


#: The variables with which rich's `Console` takes any stream for a terminal, or a terminal for
#: an interactive one (rich 15 ``Console.is_terminal``, ``__init__``): colours, cursor moves and
#: progress bars then go to a pipe or a `StringIO`. fakecloud honours them as rich does
#: (fakecloud/views/progress.py); CI jobs set them for their own logs.
TERMINAL_FORCING = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")


def _output_read_as_a_pipes():
    """The tests read fakecloud's output as a pipe's (the demo's narration, the docs' commands'
    expected lines), so the run has none of `TERMINAL_FORCING` set, whatever the job running it
    sets: with ``FORCE_COLOR=1`` the demo's piped narration carried colour codes and the docs'
    `fakecloud shrink` its bar's cursor moves, three failures. Removed once the terminal reporter
    is made (pytest's own output keeps the colour asked for); a test of the variables sets them
    itself (tests/explore/test_shrink_and_replay.py)."""
    for name in TERMINAL_FORCING:
        os.environ.pop(name, None)


#: The names the suite's servers are reached by (`fakecloud serve` and the tests' own servers
#: listen on loopback addresses).
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _loopback_not_proxied():
    """When the run has a proxy (``http_proxy``, ``HTTPS_PROXY``, ...: a CI job behind one), the
    loopback names join ``no_proxy``: requests and urllib send to any host not named there
    through the proxy, which cannot reach this machine's 127.0.0.1 (with ``http_proxy`` set,
    two dozen tests of served clouds, the `openstack` and `fakecloud serve` processes among
    them, failed to connect). Both spellings get the same list: requests reads ``no_proxy``
    before ``NO_PROXY``, urllib either. Whatever else a job names stays proxied; a test of the
    proxy variables sets its own (tests/transport/test_intercept_environment.py)."""
    if not any(k.lower().endswith("_proxy") and k.lower() != "no_proxy" for k in os.environ):
        return
    hosts = []
    for name in ("no_proxy", "NO_PROXY"):
        hosts += [h.strip() for h in os.environ.get(name, "").split(",") if h.strip()]
    hosts += LOOPBACK
    os.environ["no_proxy"] = os.environ["NO_PROXY"] = ",".join(dict.fromkeys(hosts))


def pytest_sessionstart(session):
    """Remove the old runs' temporary folders while this run's tests run, not after them.

    pytest keeps the folders of the last three runs (`tmp_path_retention_count`) and removes
    older ones when the session ends, in the process the run waits for: about 1,000 files and
    folders a run (each test's `tmp_path`), and on an ext4 disk mounted with `discard` (this
    project's hosts) each unlink waits on the device: 2.5-3.2 s of wall at the end of every
    `make test`, for 0.1 CPU-s. The same function with the same arguments (folders older than
    the three newest, whose lock is gone or older than pytest's lock timeout) now runs in a
    thread from the session's start, mostly waiting on the disk while the workers run; the end
    of the session waits for it, and pytest's own pass then finds nothing left to remove. Not
    in an xdist worker (its base folder is the controller's) nor under --basetemp.

    First, the environment the tests run in: fakecloud's output read as a pipe's
    (`_output_read_as_a_pipes`), the served clouds reached directly (`_loopback_not_proxied`)."""
    _output_read_as_a_pipes()
    _loopback_not_proxied()
    config = session.config
    if hasattr(config, "workerinput") or config.option.basetemp:
        return
    try:
        from _pytest.pathlib import LOCK_TIMEOUT, cleanup_numbered_dir
    except ImportError:  # pytest moved it: its own pass at the end does the work
        return
    keep = int(config.getini("tmp_path_retention_count"))
    if config.getini("tmp_path_retention_policy") == "none" or keep < 1:
        return
    root = config._tmp_path_factory.getbasetemp().parent
    cleaner = threading.Thread(
        target=cleanup_numbered_dir,
        args=(root, "pytest-", keep, time.time() - LOCK_TIMEOUT),
        name="old tmp_path folders",
        daemon=True,
    )
    cleaner.start()
    config.add_cleanup(cleaner.join)


def pytest_collection_modifyitems(items):
    """The tests marked `early` go first (the reason is xdist's, under `make explore` and `make
    fuzz`; `make test`'s two processes each run their own share in this order too). Under
    `--dist load` the tests left at the end of the run go to whichever worker asks, and once
    none are left the other worker stops: a test
    that takes seconds of wall (the `openstack` executable, a Dask cluster, `fakecloud serve`)
    met late left its worker running alone for those seconds (Chromium among the report tests,
    1.75 s in one run, until its start moved to the session's start: tests/views/conftest.py).
    Run first, they end while hundreds of short tests remain to be handed out. Only the order
    changes; both workers reorder their identical collections identically, as xdist requires."""
    early = [item for item in items if next(item.iter_markers("early"), None) is not None]
    if early:
        chosen = set(early)
        items[:] = early + [item for item in items if item not in chosen]


#: Container allocations between automatic young collections while the tests run (Python's
#: default: 700); most young collections come between two tests instead (`YOUNG_AT_TEST_END`).
YOUNG_GC_THRESHOLD = 10_000
#: Young objects at a test's end from which the young generation is collected there and then.
YOUNG_AT_TEST_END = 4_000
#: Young collections between middle ones while the tests run (Python's default: 10).
MIDDLE_GC_THRESHOLD = 100


def pytest_collection_finish(session):
    """Move everything collection built (modules, schemas, the clients' tables) out of the
    collector's sight: the run's full collections (the automatic ones, pytest's sweeps for
    unraisable exceptions, the benchmark smoke's) then walk only what the tests make.

    Young collections then come mostly between tests (`pytest_runtest_protocol`), and within a
    test only every 10,000 allocations: most of a test's clouds are cycles that die with the
    test, and at 700 they were still alive at a young collection, promoted and traversed again
    by the older ones. A quarter of the workers' collector time (about 0.9 of 4 CPU-s in A/B
    runs of the suite); what a test checks does not depend on it. At 10,000 alone (the
    explorer's seeds still run at that: fakecloud.explore.runner.seeds_gc) the young
    generation outgrew the CPU's caches: the collector took 1.05-1.14 CPU-s in share 1 and
    1.25-1.36 in share 2 against 0.79-0.98 and 0.89-1.17 at 5,000 (1.19-1.22 and 1.41-1.52 at
    2,500, 1.03 and 1.23 at 20,000; gc callbacks, both shares at once, runs alternated); with
    the collections between tests the young generation is at most 4,000 objects in most of
    them, and 10,000 is only what a long test meets.

    Middle collections come every 100 young ones rather than 10: each walks what the young
    ones promoted since the last (the survivors of the tests of the last few seconds, mostly
    already dead), and at 10 share 2 made 19 of them (0.32-0.35 CPU-s), at 100 four
    (0.15-0.33), and share 1 nine instead of 19 (its explorer and kernel tests space them out
    themselves); the peak memory of each share grows by about 5 MB.

    Collection itself runs without the collector (pytest_configure switched it off): importing
    the test modules and building their parameters makes objects that almost all live to the
    end, and the automatic collections meanwhile (about 570, 4 of them full) cost 0.28-0.30
    CPU-s a process, freeing little. Nor is there a collection here: it walked all ~290,000
    objects for 0.2 CPU-s a process to free 53,000, pytest's own parametrizing leftovers
    (FunctionDefinition, TopRequest and their closures, one set per test function); frozen
    with the rest they cost no collection again, and the workers' peak memory is the same.

    Then two of pytest's per-test answers are kept, as nothing they depend on changes once the
    tests are collected: each path's hooks (`_hook_proxies_kept`) and the argument names of a
    function that takes none (`_argumentless_fixtures_read_once`)."""
    gc.enable()
    gc.freeze()
    gc.set_threshold(YOUNG_GC_THRESHOLD, MIDDLE_GC_THRESHOLD, gc.get_threshold()[2])
    _hook_proxies_kept(session)
    _argumentless_fixtures_read_once()
    _hypothesis_random_registered_now()
    _hypothesis_local_constants_off()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Collect the young generation once a test has ended (its fixtures torn down), when it
    holds `YOUNG_AT_TEST_END` objects or more.

    An automatic young collection comes in the middle of a test, when its world (the clouds,
    their processes and answers) is still alive: about two thirds of what it walks survive
    into the middle generation, to be walked again there once the test is over and they are
    garbage. Between two tests that world is dead and freed at once. The middle generation's
    collections in share 2 took 0.61-0.64 CPU-s against 0.23-0.27 (gc callbacks, five runs of
    the share alone, the same tests; young ones about alike, 0.78-0.95 against 0.87-0.90),
    the collector's share of the process's CPU 6.4 % against 4.8-5.1 %, about 0.3 CPU-s; in
    share 1 5.1 % against 4.5 % (its explorer and client tests make long tests). Which
    objects are freed and when is all that moves: no test's check reads it."""
    outcome = yield
    if gc.isenabled() and gc.get_count()[0] >= YOUNG_AT_TEST_END:
        gc.collect(0)
    return outcome


def _hook_proxies_kept(session):
    """Have `session.gethookproxy` answer each path's hook proxy once the collection is done.

    pytest asks a node for its hooks (``node.ihook``) about nine times a test, and each time
    works out again which conftest.py files apply at its path (``_getconftestmodules``, a
    set difference) and, where some do not (share 2's files outside tests/nova, tests/views
    and tests/identity, share 1's outside tests/clients, tests/robustness and tests/explore),
    builds a new `FSHookProxy`, whose hook callers (`subset_hook_caller`) are then rebuilt
    for every call. The conftest files are all loaded once the tests are collected, so the
    answer for a path cannot change after; kept, a proxy also keeps its hook callers (pluggy
    reads their plugins' hooks at each call, so a plugin registered later is still called).
    Over tests/nova, tests/cinder and tests/glance (3,720 tests; cProfile): 942,000 fewer
    Python calls, about 250 a test; the same hooks run in the same order."""
    real = session.gethookproxy
    kept = {}

    def gethookproxy(fspath):
        proxy = kept.get(fspath)
        if proxy is None:
            proxy = kept[fspath] = real(fspath)
        return proxy

    session.gethookproxy = gethookproxy


def _argumentless_fixtures_read_once():
    """Answer pytest's question "which arguments does this fixture function take?" without
    `inspect.signature` for a plain function that takes none.

    Each fixture or test that takes the ``request`` fixture (tmp_path, capsys, monkeypatch's
    users, this project's own) gets a new `RequestFixtureDef`, whose function is a new
    ``lambda: request``, and `getfuncargnames` reads its signature every time (about 9,000
    times over tests/nova and tests/cinder, ~1 s of cProfile's time there). A Python function
    whose code takes no positional or keyword-only argument, with no ``__wrapped__`` or
    ``__signature__`` that `inspect.signature` would follow, has no argument names whatever
    its name or class: the answer is the empty tuple `getfuncargnames` gives it. Any other
    function goes to pytest's own. Nothing if pytest moved the function."""
    try:
        from _pytest import fixtures
    except ImportError:  # pragma: no cover - pytest moved it
        return
    real = getattr(fixtures, "getfuncargnames", None)
    if real is None or getattr(real, "_argumentless_read_once", False):
        return

    # Whatever else pytest passes goes through as given: pytest 8.0 and 8.1 (pyproject takes
    # pytest>=8) pass is_method=, which a wrapper naming only name= and cls= refused with a
    # TypeError at every fixture parsed after the collection (pytester's inner runs). A function
    # of no arguments has none to drop for is_method or cls either.
    def getfuncargnames(function, *args, **kwargs):
        code = getattr(function, "__code__", None)
        if (
            type(function) is types.FunctionType
            and not code.co_argcount
            and not code.co_kwonlyargcount
            and not hasattr(function, "__wrapped__")
            and getattr(function, "__signature__", None) is None
        ):
            return ()
        return real(function, *args, **kwargs)

    getfuncargnames._argumentless_read_once = True
    fixtures.getfuncargnames = getfuncargnames


def _hypothesis_local_constants_off():
    """Have Hypothesis draw no constants from this project's source. Since 6.131.1 it now and
    then draws a literal of a "local" module imported so far (providers.py
    `_get_local_constants`, read from each new module's AST, cached under .hypothesis): so a
    derandomized test drew other examples in `make test` than alone (a `st.text()` gave
    'ploop' once fakecloud.nova was imported, another string before), and a failure in the
    suite need not replay in its file. The tests' own strategies name the values that matter
    (sampled_from the formats, states, edges). The reading cost 0.28-0.29 CPU-s in each share
    (the first example, then each test after new imports: 25 and 84 readings). No opt-out
    yet (HypothesisWorks/hypothesis#4627, open); without the function (before 6.131.1, or
    moved) nothing changes."""
    providers = sys.modules.get("hypothesis.internal.conjecture.providers")
    if providers is not None and hasattr(providers, "_get_local_constants"):
        providers._get_local_constants = lambda: providers._local_constants


def _hypothesis_random_registered_now():
    """Have Hypothesis register its own global Random now, while nothing but the frozen heap
    exists. It does so on the process's first example (`deterministic_PRNG`), and
    `register_random` first runs a full `gc.collect()` and `gc.get_referrers` over the heap:
    in share 1 that came after tests/clients had imported openstackclient's command modules
    and left their objects unfrozen, 0.3 CPU-s for one collection. The context seeds the
    registered generators and restores them on exit, so the random state is as it was."""
    if "hypothesis" not in sys.modules:
        return
    try:
        from hypothesis.internal.entropy import deterministic_PRNG
    except ImportError:  # pragma: no cover - Hypothesis moved it: its first example does it
        return
    with deterministic_PRNG():
        pass


def pytest_unconfigure(config):
    """Freeze what the run made, too: the interpreter's collections at exit then skip it, and
    an xdist worker exits in a tenth of a second instead of most of one (the run waits for it).
    Keep the library's scenario loads for the next run (`_scenario_loads_kept`)."""
    gc.freeze()
    _scenario_loads_kept()


#: The repository's scenario library, which the suite collects (``testpaths``) in every run.
SCENARIO_LIBRARY = os.path.join(os.path.dirname(os.path.realpath(__file__)), "scenarios")
#: The last run's loads of the library's files (git ignores the folder; `make setup` writes
#: it). In a folder of its own: each rewrite would move the tree's own modification time, which
#: stevedore hashes with every test process's path (`_entry_points_found_on_a_stable_path`).
SCENARIO_LOADS = os.path.join(
    os.path.dirname(SCENARIO_LIBRARY), ".fakecloud_cache", "scenario-loads.pickle"
)
#: What the loads of this process were restored for: (the code's fingerprint, their keys).
_RESTORED = []


def _code_fingerprint():
    """A hash of what a scenario load depends on besides the file's bytes: the interpreter and
    every file of the fakecloud package and of the two libraries the loader reads with (PyYAML,
    jsonschema), by path, size and modification time. Any edit, checkout or reinstall moves it
    (about 2 ms for some 600 files)."""
    import jsonschema
    import yaml

    digest = hashlib.sha256(sys.version.encode())
    package = os.path.join(os.path.dirname(SCENARIO_LIBRARY), "fakecloud")
    roots = [package, os.path.dirname(jsonschema.__file__), os.path.dirname(yaml.__file__)]
    for root in roots:
        for folder, subfolders, files in os.walk(root):
            subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
            for name in sorted(files):
                stat = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _scenario_loads_restored():
    """Give the scenario loader what the last run's loads of the library's files made, when
    nothing they depend on has changed since. Collecting ``scenarios/`` reads, checks against
    the format's schemas (jsonschema) and expands all 109 files, each ~3 ms of pure work (0.3
    CPU-s a run in share 2); the loader already keeps its result per process, keyed by the
    file's own bytes (`fakecloud.scenario.loader._LOADED`: a later load unpickles a copy in
    ~0.3 ms). Those kept results, written at the end of the last run, are restored here under
    the same keys: a file whose bytes differ is loaded as before, and nothing is restored when
    the code's fingerprint moved. A load's result is the same either way (the loader returns a
    copy of the kept one for every load but the first already); errors are never kept."""
    try:
        from fakecloud.scenario import loader
    except ImportError:  # pragma: no cover - not this project's tree
        return
    fingerprint = _code_fingerprint()
    _RESTORED[:] = [fingerprint, set()]
    try:
        with open(SCENARIO_LOADS, "rb") as f:
            kept_fingerprint, loads = pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError):
        return
    if kept_fingerprint != fingerprint:
        return
    for key, result in loads.items():
        loader._LOADED.setdefault(key, result)
    _RESTORED[1] = set(loads)


def _scenario_loads_kept():
    """Write the library's loads of this run for the next one, when it loaded one that was not
    restored and the code did not change while it ran (written whole, then renamed into place:
    two processes ending together leave one complete file)."""
    loader = sys.modules.get("fakecloud.scenario.loader")
    if loader is None or not _RESTORED:
        return
    fingerprint, restored = _RESTORED
    library = SCENARIO_LIBRARY + os.sep
    loads = {key: kept for key, kept in loader._LOADED.items() if str(key[0]).startswith(library)}
    if not set(loads) - restored or _code_fingerprint() != fingerprint:
        return
    loads = {key: kept for key, kept in loads.items() if _holds(key[0], key[2])}
    partial = f"{SCENARIO_LOADS}.{os.getpid()}"
    try:
        os.makedirs(os.path.dirname(SCENARIO_LOADS), exist_ok=True)
        with open(partial, "wb") as f:
            pickle.dump((fingerprint, loads), f, pickle.HIGHEST_PROTOCOL)
        os.replace(partial, SCENARIO_LOADS)
    except OSError:  # a read-only tree: the next run loads the files again
        with contextlib.suppress(OSError):
            os.remove(partial)


def _holds(path, raw):
    """Whether the file at `path` still holds the bytes `raw` (a load of an older text is not
    kept)."""
    try:
        with open(path, "rb") as f:
            return f.read(len(raw) + 1) == raw
    except OSError:
        return False
