"""fakecloud's pytest plugin: scenario files collected as tests, and a fresh cloud per test.

Scenario files become one test per case: files named ``*.fakecloud.yaml`` wherever pytest
looks, files matching the globs of the ini option ``fakecloud_scenarios`` or
``--fakecloud-scenarios GLOB`` (by default, YAML files in a ``scenarios/`` folder anywhere
below the rootdir: ``scenarios/**/*.yaml``, ``tests/scenarios/**/*.yaml``), and any
YAML file named on the command line (``pytest my_flow.yaml``), with ids
such as ``scenarios/bugs/lp1731986.yaml::seed-bug-on``. A failure prints the scenario report,
the seed, the command that replays it (``fakecloud run FILE --case ID --seed N``) and the tail
of the trace. A case with an ``explore:`` section is also one test ``FILE::explore[ID]``
(marker ``explore``): its seeds run, and a failure shows each group of failing seeds with its
shrunk replay file (written to ``explore-replays/``). ``--fakecloud-explore-seeds N`` changes
how many seeds.

Fixtures for Python tests::

    @pytest.mark.fakecloud(profile="upstream", bugs=["lp1731986"], config={"rpc": {...}})
    def test_snapshot(cloud, sdk):
        server = sdk.compute.get_server(...)

- ``cloud``: a fresh `fakecloud.Cloud` per test. Its seed is the marker's ``seed=``, else
  ``--fakecloud-seed N``, else a stable number derived from the test id (so every test has its
  own ids, and the same ones on every run).
- ``sdk``: an openstacksdk connection to that cloud (``cloud.connection()`` inside
  ``cloud.intercept()``).
- ``world``: a fork of ``fakecloud_world``, a session fixture that builds the world once (by
  default ``Cloud(seed=0)``; override it in ``conftest.py`` to boot servers once for the whole
  session). Forking costs a few milliseconds of CPU, booting many servers far more.
- marker ``fakecloud(profile=, switches=, seed=, bugs=, config=)`` sets up the cloud.

A failing test that used ``cloud`` gets a "fakecloud" report section: seed, the command to
replay it, and the last trace events.
"""

from __future__ import annotations

import glob
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest

# fakecloud's modules are imported where a hook needs them, not here: the plugin also loads in
# pytest-xdist's controller, which runs no test, and importing the scenario package (most of
# fakecloud) there delayed the start of every worker.
DEFAULT_SCENARIOS = "scenarios/**/*.yaml"
TRACE_TAIL = 20
_CLOUD = pytest.StashKey[Any]()
_FILES = pytest.StashKey[set]()


def _fakecloud_imported_plainly(pluginmanager: pytest.PytestPluginManager) -> None:
    """Leave fakecloud's own modules to Python's import, not pytest's assertion rewriting.

    pytest marks every top-level package of a distribution with a ``pytest11`` entry point
    for rewriting (``Config._mark_plugins_for_rewrite``), so the 200 modules a test imports
    were parsed and compiled again by pytest, which keeps the result only in a cache of its
    own (``*-pytest-*.pyc``) that it cannot write under ``PYTHONDONTWRITEBYTECODE`` or into a
    read-only site-packages, nor has in a fresh CI virtualenv: 1.8 CPU-s of each pytest
    process there (each xdist worker too) on a half-speed host; a 7-test run with two
    workers took 14.5-16.1 CPU-s and 29-33 s of wall with it, 10.4-11.0 and 18-22 without.
    fakecloud holds no assertion a user's test relies on. This module and the package's
    ``__init__``, imported before this hook, stay as pytest loaded them. pytest has no public
    way to unmark a name (a ``PYTEST_DONT_REWRITE`` docstring is read after pytest has parsed
    the module, and compiles it all the same): its hook's ``_must_rewrite`` set (as pytest
    8.0.0 and 9.2.0, the ends of the range pyproject allows, have it) is used if it is there,
    and nothing is done otherwise (``--assert=plain``, another pytest)."""
    marked = getattr(getattr(pluginmanager, "rewrite_hook", None), "_must_rewrite", None)
    if isinstance(marked, set):
        marked.discard("fakecloud")


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    _fakecloud_imported_plainly(pluginmanager)
    group = parser.getgroup("fakecloud", "fakecloud simulated OpenStack")
    group.addoption(
        "--fakecloud-seed",
        type=int,
        default=None,
        metavar="N",
        help="seed for every fakecloud cloud and scenario (replays a failure)",
    )
    group.addoption(
        "--fakecloud-scenarios",
        action="append",
        default=None,
        metavar="GLOB",
        help="scenario files to collect, relative to the rootdir (default: every YAML file in "
        "a scenarios/ folder below it)",
    )
    group.addoption(
        "--fakecloud-explore-seeds",
        type=_seed_count,
        default=None,
        metavar="N",
        help="seeds for each scenario's explore: test (default: the file's explore.seeds)",
    )
    parser.addini(
        "fakecloud_scenarios",
        type="linelist",
        default=[DEFAULT_SCENARIOS],
        help="globs of scenario files to collect as tests, relative to the rootdir",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "fakecloud(profile=None, switches=None, seed=None, bugs=None, config=None): "
        "how the `cloud` fixture builds its cloud",
    )
    config.addinivalue_line(
        "markers",
        "explore: a scenario's explore: section run under many seeds (deselect with "
        "-m 'not explore')",
    )


# -- scenario files ------------------------------------------------------------------------


def _patterns(config: pytest.Config) -> list[str]:
    return config.getoption("fakecloud_scenarios") or config.getini("fakecloud_scenarios")


def _in_a_scenarios_folder(file_path: Path, config: pytest.Config) -> bool:
    """The default's other half: a YAML file in a ``scenarios/`` folder below the rootdir, at
    any depth (a project's ``tests/scenarios/`` was left out without a word)."""
    if _patterns(config) != [DEFAULT_SCENARIOS]:
        return False
    try:
        folders = file_path.relative_to(config.rootpath).parts[:-1]
    except ValueError:
        return False
    return "scenarios" in folders


def _scenario_files(config: pytest.Config) -> set[Path]:
    if _FILES not in config.stash:
        patterns = _patterns(config)
        root = config.rootpath
        found = set()
        for pattern in patterns:
            for name in glob.glob(pattern, root_dir=root, recursive=True):
                found.add((root / name).resolve())
        config.stash[_FILES] = found
    return config.stash[_FILES]


#: A scenario file kept anywhere is recognised by this ending of its name.
SCENARIO_SUFFIXES = (".fakecloud.yaml", ".fakecloud.yml")


def is_scenario_file(file_path: Path, parent: pytest.Collector) -> bool:
    """Whether pytest should collect `file_path` as a scenario: a YAML file named
    ``*.fakecloud.yaml``, matched by the configured globs, or named on the command line."""
    if file_path.suffix not in (".yaml", ".yml"):
        return False
    if file_path.name.endswith(SCENARIO_SUFFIXES):
        return True
    if file_path.resolve() in _scenario_files(parent.config):
        return True
    return _in_a_scenarios_folder(file_path, parent.config) or parent.session.isinitpath(file_path)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if is_scenario_file(file_path, parent):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    """A scenario YAML file: one test per case."""

    def collect(self):
        from fakecloud.scenario.errors import ScenarioError
        from fakecloud.scenario.loader import load

        try:
            scenario = load(self.path, root_dir=self.config.rootpath)
        except ScenarioError as exc:
            if self._by_folder_alone():
                from fakecloud.scenario.cli_commands import not_a_scenario

                if not_a_scenario(str(self.path)):
                    return  # another tool's YAML in a scenarios/ folder: no test, no error
            raise self.CollectError(for_terminal(str(exc))) from None
        for case in scenario.cases:
            yield ScenarioItem.from_parent(self, name=case.id, case=case)
        for case in scenario.cases:
            if case.explore is not None:
                item = ExploreItem.from_parent(self, name=f"explore[{case.id}]", case=case)
                item.add_marker("explore")
                yield item

    def _by_folder_alone(self) -> bool:
        """Whether the file is collected only as YAML in a ``scenarios/`` folder (the default,
        at any depth below the rootdir): not named ``*.fakecloud.yaml``, on the command line
        or by a configured glob. Such a file that is plainly no scenario (`not_a_scenario`: a
        k6 or Artillery scenario, a CI file) is passed over, as ``fakecloud run FOLDER``
        passes over it: every pytest run of a project with fakecloud installed collected it
        and stopped at a collection error."""
        return (
            _patterns(self.config) == [DEFAULT_SCENARIOS]
            and not self.path.name.endswith(SCENARIO_SUFFIXES)
            and not self.session.isinitpath(self.path)
        )


class ScenarioFailed(Exception):
    """A scenario case whose expectations did not all hold."""

    def __init__(self, result: Any):
        super().__init__(result.case.id)
        self.result = result


class ScenarioItem(pytest.Item):
    """One case of a scenario file."""

    result: Any

    def __init__(self, *, case: Any, **kwargs: Any):
        super().__init__(**kwargs)
        self.case = case
        self.result = None

    def runtest(self) -> None:
        from fakecloud.scenario.runner import run_case

        self.result = run_case(self.case, seed=self.config.getoption("fakecloud_seed"))
        if self.result.warnings:
            import warnings

            from fakecloud.errors import FakecloudWarning

            for text in self.result.warnings:
                # Attributed to the scenario file, so pytest shows it in its warnings summary.
                warnings.warn_explicit(FakecloudWarning(text), None, str(self.path), 1)
        if not self.result.passed:
            raise ScenarioFailed(self.result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style=None) -> Any:
        if isinstance(excinfo.value, ScenarioFailed):
            from fakecloud.scenario.report import one_line, render

            result = excinfo.value.result
            first = result.failures[0].where if result.failures else ""
            # its header names the seed, its last line the replay command
            return failure_report(
                render(result, trace_tail=TRACE_TAIL),
                self.path,
                _line_of(first),
                one_line(result),
            )
        from fakecloud.scenario.errors import ScenarioError

        if isinstance(excinfo.value, ScenarioError):
            return for_terminal(str(excinfo.value))
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"scenario {self.case.file}::{self.case.id}"


def _line_of(where: str) -> int | None:
    """The line number of a ``file:line`` place, or None."""
    _, _, line = where.rpartition(":")
    return int(line) if line.isdigit() else None


def failure_report(text: str, path: Path, line: int | None, message: str) -> Any:
    """A failure's report for pytest: `text` whole in the failures section, `message` alone as
    its line in the short summary and the JUnit ``message`` attribute. A plain string would be
    that line too: cut to the terminal's width on a workstation, but printed whole where pytest
    sees a CI (``CI`` or ``BUILD_NUMBER`` set), the report a second time. Made of pytest's own
    report classes, which pytest-xdist carries from its workers intact; the plain text where
    this pytest no longer has them."""
    try:
        from _pytest._code.code import (
            ExceptionChainRepr,
            ReprEntryNative,
            ReprFileLocation,
            ReprTraceback,
        )

        entries = ReprTraceback([ReprEntryNative([for_terminal(text) + "\n"])], None, "native")
        # `--tb=line` prints it as path:line: message
        crash = ReprFileLocation(str(path), line or 0, for_terminal(message))
        return ExceptionChainRepr([(entries, crash, None)])
    except (ImportError, TypeError):  # pragma: no cover - a pytest without these classes
        return for_terminal(text)


def for_terminal(text: str) -> str:
    """`text` as fakecloud's own commands print it where stdout cannot encode all of it (a
    ``C`` locale, ``PYTHONIOENCODING=latin-1``: see `fakecloud.streams`): pytest's terminal
    writes a report that it cannot encode escaped, all of it on one line. (An xdist worker's
    stdout is no terminal but has the encoding the same environment gives the controller's.)"""
    from fakecloud.streams import encodable

    return encodable(text, getattr(sys.__stdout__, "encoding", None))


class ExploreFailed(Exception):
    """An explored case where some seed broke something."""

    def __init__(self, report: Any):
        super().__init__(report.file)
        self.report = report


class ExploreItem(pytest.Item):
    """The ``explore:`` section of one case: its seeds run, failures shrunk to replay files."""

    def __init__(self, *, case: Any, **kwargs: Any):
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        from fakecloud.explore.session import explore_file

        text = self.path.read_text(encoding="utf-8")
        seeds = self.config.getoption("fakecloud_explore_seeds")
        out = Path(self.config.rootpath) / "explore-replays"
        report = explore_file(
            text,
            self.case.file,
            [self.case],
            lambda case: range(seeds if seeds is not None else _explore_seeds(text, case)),
            out_dir=out,
            shrink=True,
        )
        if any(case.unexpected() for case in report.cases):
            raise ExploreFailed(report)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style=None) -> Any:
        if isinstance(excinfo.value, ExploreFailed):
            from fakecloud.explore.cli import render

            report = excinfo.value.report
            problems = [(case.case_id, p) for case in report.cases for p in case.unexpected()]
            lines = [render(report)] + [f"{case_id}: {p}" for case_id, p in problems]
            for case in report.cases:
                for g in case.groups[:3]:
                    if g.replay_file:
                        lines += [
                            f"\n--- minimal replay {g.replay_file} ---",
                            Path(g.replay_file).read_text(encoding="utf-8"),
                        ]
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            line = getattr(self.case.explore, "line", None)  # where its explore: section is
            return failure_report("\n".join(lines), self.path, line, problems[0][1] + more)
        from fakecloud.scenario.errors import ScenarioError

        if isinstance(excinfo.value, ScenarioError):
            return for_terminal(str(excinfo.value))
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"explore {self.case.file}::{self.case.id}"


def _seed_count(text: str) -> int:
    """``--fakecloud-explore-seeds``: 0 or less explored nothing, and a file without ``finds:``
    then passed (``fakecloud explore --seeds`` refuses it too)."""
    import argparse

    from fakecloud.bounds import MAX_COUNT

    try:
        count = int(text)
    except ValueError:
        count = 0
    if not 1 <= count <= MAX_COUNT:  # above, the seeds' range has no len (OverflowError)
        raise argparse.ArgumentTypeError(
            f"expected a number of seeds from 1 to {MAX_COUNT}, got {text!r}"
        )
    return count


def _explore_seeds(text: str, case: Any) -> int:
    from fakecloud.explore.runner import prepared

    return prepared(text, case.file, case.id).spec.seeds


# -- fixtures for Python tests -------------------------------------------------------------


def default_seed(nodeid: str) -> int:
    """The stable seed a test gets when nothing else picks one (from its id)."""
    return zlib.crc32(nodeid.encode()) % 1_000_000


def _marker_options(node: pytest.Item) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for marker in reversed(list(node.iter_markers("fakecloud"))):
        if marker.args:
            raise pytest.UsageError(
                f"{node.nodeid}: @pytest.mark.fakecloud takes keyword arguments only "
                "(profile=, switches=, seed=, bugs=, config=)"
            )
        unknown = set(marker.kwargs) - {"profile", "switches", "seed", "bugs", "config"}
        if unknown:
            raise pytest.UsageError(
                f"{node.nodeid}: @pytest.mark.fakecloud got unknown argument(s) "
                f"{', '.join(sorted(unknown))}; it takes profile, switches, seed, bugs, config"
            )
        options.update(marker.kwargs)
    return options


@pytest.fixture
def cloud(request: pytest.FixtureRequest) -> Any:
    """A fresh simulated cloud for this test (see the `fakecloud` marker)."""
    from fakecloud import Cloud
    from fakecloud.errors import ConfigError

    try:
        options = _marker_options(request.node)
        seed = options.get("seed")
        if seed is None:
            seed = request.config.getoption("fakecloud_seed")
        if seed is None:
            seed = default_seed(request.node.nodeid)
        profile = options.get("profile") or "seed"
        built = Cloud(seed=seed, profile=profile, config=_config(options))
    except (ConfigError, pytest.UsageError) as exc:
        problem = f"{type(exc).__name__}: {exc}"
    else:
        request.node.stash[_CLOUD] = built
        return built
    # The marker's mistake in one line, not a traceback through the plugin and Cloud (failed
    # outside the except: pytest would show the ConfigError again as its context).
    pytest.fail(problem, pytrace=False)


def _config(options: dict[str, Any]) -> Any:
    """The marker's ``config=`` with its ``switches=`` and ``bugs=`` merged in; a `ConfigError`
    naming the marker argument whose shape is wrong (a string of bugs was read letter by
    letter, a list of switches was a TypeError)."""
    from collections.abc import Iterable, Mapping

    from fakecloud.errors import ConfigError

    def wrong(name: str, wanted: str, got: Any) -> ConfigError:
        return ConfigError(f"@pytest.mark.fakecloud({name}=...): {wanted}, got {got!r}")

    config = options.get("config") or {}
    if not isinstance(config, Mapping):
        raise wrong("config", "a mapping of config sections", config)
    config = dict(config)
    switches = options.get("switches")
    if switches:
        if not isinstance(switches, Mapping):
            raise wrong("switches", "a mapping of switch names to values", switches)
        before = config.get("switches") or {}
        config["switches"] = {**before, **switches} if isinstance(before, Mapping) else before
    bugs = options.get("bugs")
    if bugs:
        if isinstance(bugs, (str, bytes, Mapping)) or not isinstance(bugs, Iterable):
            raise wrong("bugs", "a list of bug names such as ['lp1731986']", bugs)
        before = config.get("bugs") or []
        config["bugs"] = [*before, *bugs] if isinstance(before, list) else before
    return config


@pytest.fixture(scope="session")
def fakecloud_world() -> Any:
    """The world every `world` test starts from, built once per test session (per xdist
    worker): by default ``Cloud(seed=0)``. Override it in your ``conftest.py`` to boot
    servers once and start every test from them::

        @pytest.fixture(scope="session")
        def fakecloud_world():
            cloud = Cloud(seed=1, profile="upstream")
            ...  # boot servers, create volumes
            cloud.run_until_idle()
            return cloud
    """
    from fakecloud import Cloud

    return Cloud(seed=0)


@pytest.fixture
def world(fakecloud_world: Any, request: pytest.FixtureRequest) -> Any:
    """A fork of the session's `fakecloud_world`: each test gets the booted world to itself."""
    from fakecloud import Cloud
    from fakecloud.errors import StateError

    if not isinstance(fakecloud_world, Cloud):  # a conftest's fixture that forgot its return
        got = f"{type(fakecloud_world).__name__} {fakecloud_world!r}"[:80]
        pytest.fail(
            f"TypeError: the fakecloud_world fixture returned {got}, not a fakecloud.Cloud "
            "(return the cloud it built)",
            pytrace=False,
        )
    try:
        forked = fakecloud_world.fork()
    except StateError as exc:  # a conftest's world not run until idle: say whose, in one line
        problem = f"StateError: the fakecloud_world fixture's cloud: {exc}"
    else:
        request.node.stash[_CLOUD] = forked
        return forked
    pytest.fail(problem, pytrace=False)


@pytest.fixture
def sdk(cloud: Any) -> Any:
    """An openstacksdk connection to the test's cloud, served in-process."""
    from fakecloud.transport.clients import require_openstacksdk

    require_openstacksdk()  # a clear error naming the extra to install, before any request
    with cloud.intercept():
        yield cloud.connection()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    if report.failed and call.when == "call":
        built = item.stash.get(_CLOUD, None)
        if built is not None:
            report.sections.append(("fakecloud", for_terminal(_python_test_section(item, built))))
    return report


def _python_test_section(item: pytest.Item, built: Any) -> str:
    from fakecloud.humanize import secs
    from fakecloud.scenario.names import resource_names
    from fakecloud.views.timeline import timeline

    # the cloud's own names (web, cirros-0.6.2-x86_64-disk, admin), not image-1 and raw ids
    names = resource_names(built)
    lines = [
        f"seed: {built.seed}   profile: {built.profile}   t={secs(built.now)}",
        f"replay: pytest '{item.nodeid}' --fakecloud-seed {built.seed}",
        f"last {TRACE_TAIL} trace events:",
        timeline(built.trace.tail(TRACE_TAIL), names=names) or "  (empty trace)",
    ]
    return "\n".join(lines)
