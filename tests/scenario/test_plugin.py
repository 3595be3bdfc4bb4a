"""The pytest plugin: scenario files as tests, the cloud fixture and its marker, failure reports."""

import io
import sys
from xml.etree import ElementTree

import pytest

# Imported here, outside the inline runs: pytester drops modules first imported inside a run,
# and PyYAML's C parser cannot be imported twice in one process.
import fakecloud.cloud  # noqa: F401 - the services (the package imports Cloud lazily)
import fakecloud.pytest_plugin  # noqa: F401
import fakecloud.scenario.loader  # noqa: F401

pytest_plugins = ["pytester"]
#: One worker should run this module, so its shared inner sessions (`_RUNS`) run once. (With
#: pytest 9.2 and pytest-xdist 3.8 ``--dist loadgroup`` does not group yet: xdist renames
#: ``item._nodeid``, which pytest 9.2's ``nodeid`` no longer reads.)
pytestmark = pytest.mark.xdist_group("pytester_plugin")
INI = """\
[pytest]
addopts = -p fakecloud.pytest_plugin -p no:cacheprovider
filterwarnings = ignore::pytest.PytestAssertRewriteWarning
"""

PASSING = """\
# Teaches: nothing; a plugin test.
steps:
  - name: copy
    transfer: {label: copy, size_mb: 100, path: [{name: disk, mb_per_s: 50}]}
    expect: {finished_at: 2}
cases:
  seed-bug-on: {}
  slow:
    steps:
      copy: {expect: {finished_at: 3}}
"""


@pytest.fixture
def tester(pytester, monkeypatch):
    # Load exactly this plugin, whether or not the installed entry point already would.
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    # Inner sessions print as on a workstation wherever this suite runs: on CI (`CI` or
    # `BUILD_NUMBER` set) pytest's short summary repeats each failure's whole report.
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("BUILD_NUMBER", raising=False)
    pytester.makeini(INI)
    return pytester


def test_fakecloud_is_left_to_python_not_rewritten_by_pytest(request, monkeypatch):
    """pytest marks a plugin's whole package for assertion rewriting, so from a wheel every
    fakecloud module a test imported was parsed, compiled and cached in pytest's own pyc:
    1.8 CPU-s of each pytest process where that cache cannot be kept (PYTHONDONTWRITEBYTECODE,
    a read-only or fresh virtualenv). The plugin unmarks the package as it registers; pytest's
    import hook then finds no fakecloud module to take. (This suite loads its plugins by name,
    ``--disable-plugin-autoload``, so pytest marks no package here: a hook of its own, marked
    as pytest marks a wheel's, shows it.)"""
    import types

    import yaml
    from _pytest.assertion.rewrite import AssertionRewritingHook

    import fakecloud
    from fakecloud.pytest_plugin import _fakecloud_imported_plainly

    hook = AssertionRewritingHook(request.config)
    with monkeypatch.context() as imported:  # as before they were: no "already imported" warning
        imported.delitem(sys.modules, "fakecloud")
        imported.delitem(sys.modules, "yaml")
        hook.mark_rewrite("fakecloud", "yaml")
    fakecloud_path = list(fakecloud.__path__)
    assert hook.find_spec("fakecloud.config", fakecloud_path) is not None  # pytest's to rewrite
    _fakecloud_imported_plainly(types.SimpleNamespace(rewrite_hook=hook))
    assert hook.find_spec("fakecloud.cloud", fakecloud_path) is None  # (a name not asked yet:
    # the hook remembers its answer for each name, as fakecloud's plugin is unmarked before)
    assert hook.find_spec("yaml.composer", list(yaml.__path__)) is not None  # another name


def test_the_plugin_unmarks_fakecloud_as_pytest_registers_it(tester):
    """The unmarking is the plugin's own ``pytest_addoption``: a plugin registered before it
    marks fakecloud as pytest's entry-point loading marks a wheel's package, and once
    fakecloud's plugin has registered pytest's hook no longer holds the name."""
    tester.syspathinsert()
    tester.makepyfile(
        marks_fakecloud="def pytest_addoption(parser, pluginmanager):\n"
        "    pluginmanager.rewrite_hook.mark_rewrite('fakecloud')\n"
    )
    tester.makeini(INI.replace("-p fakecloud", "-p marks_fakecloud -p fakecloud"))
    marked = tester.parseconfig().pluginmanager.rewrite_hook._must_rewrite
    assert "marks_fakecloud" in marked and "fakecloud" not in marked


def test_scenario_cases_are_collected_with_readable_ids(tester):
    tester.mkdir("scenarios")
    tester.mkdir("scenarios/bugs")
    (tester.path / "scenarios/bugs/lp1.yaml").write_text(PASSING)
    (tester.path / "other.yaml").write_text("not: a scenario\n")
    result = tester.runpytest("--collect-only", "-q", "scenarios", ".")
    ids = [line for line in result.outlines if "::" in line]
    assert ids == ["scenarios/bugs/lp1.yaml::seed-bug-on", "scenarios/bugs/lp1.yaml::slow"]


@pytest.fixture
def scenario_run(tester):
    """One inner session over a passing-and-failing scenario file and one whose fault rule
    never fires, seed 7, warnings shown (``-W default``), each outcome listed: the result."""
    if "scenarios" not in _RUNS:
        tester.mkdir("scenarios")
        (tester.path / "scenarios/copy.yaml").write_text(PASSING)
        (tester.path / "scenarios/unfired.yaml").write_text(UNFIRED)
        _RUNS["scenarios"] = tester.runpytest(
            "scenarios", "-rA", "--fakecloud-seed", "7", "-W", "default"
        )
    return _RUNS["scenarios"]


def test_a_failing_case_shows_the_report_seed_replay_and_trace_tail(scenario_run):
    assert outcome(scenario_run, "scenarios/copy.yaml::seed-bug-on") == "PASSED"
    assert outcome(scenario_run, "scenarios/copy.yaml::slow") == "FAILED"
    scenario_run.stdout.fnmatch_lines(
        [
            "*scenarios/copy.yaml :: slow   seed 7, profile seed",
            "*FAIL  scenarios/copy.yaml:10: step copy: finished at 3 s",
            "*finished at t=2, expected 3 s",
            "*trace events from time zero",  # the run's few, none of the world's set-up
            "*scenario.start*",
            "*io.finish*",
            "FAILED: 1 of 1 expectations failed (end t=2, idle)",
            "replay: fakecloud run scenarios/copy.yaml --case slow --seed 7",
        ]
    )
    # once: the plugin wrote 'seed: 7' and the replay line again after the report's own
    assert scenario_run.stdout.str().count("replay: fakecloud run scenarios/copy.yaml") == 1
    assert "Traceback" not in scenario_run.stdout.str()
    assert "glance.store.put" not in scenario_run.stdout.str()  # the base images' uploads
    # the short summary names the broken expectation, not the report's header again
    scenario_run.stdout.fnmatch_lines(["FAILED scenarios/copy.yaml::slow - step copy: finished*"])


def test_on_ci_a_failure_is_one_line_in_the_short_summary_and_the_junit_message(
    tester, monkeypatch
):
    # pytest prints a failure's summary message whole on CI: the report once, above, is enough
    monkeypatch.setenv("CI", "true")
    tester.mkdir("scenarios")
    (tester.path / "scenarios/copy.yaml").write_text(PASSING)
    result = tester.runpytest("scenarios", "--junitxml=junit.xml")
    line = "step copy: finished at 3 s: finished at t=2, expected 3 s (1 of 1 expectations failed)"
    assert f"FAILED scenarios/copy.yaml::slow - {line}" in result.outlines
    assert result.stdout.str().count("replay: fakecloud run scenarios/copy.yaml") == 1
    (failure,) = ElementTree.parse(tester.path / "junit.xml").iter("failure")
    assert failure.get("message") == line
    assert "replay: fakecloud run scenarios/copy.yaml --case slow --seed 0" in failure.text


def test_a_report_a_c_locale_cannot_encode_is_spelled_in_ascii_not_escaped_on_one_line(
    tester, monkeypatch
):
    # stdout in ASCII (LC_ALL=C, python -X utf8=0): pytest's terminal writes a report it cannot
    # encode escaped, all of it on one line; fakecloud's commands spell such characters out
    monkeypatch.setattr(sys, "__stdout__", io.TextIOWrapper(io.BytesIO(), encoding="ascii"))
    tester.mkdir("scenarios")
    text = PASSING.replace("label: copy", "label: copy→disk")
    (tester.path / "scenarios/copy.yaml").write_text(text, encoding="utf-8")
    result = tester.runpytest("scenarios")
    assert "  t=0.000     -        copy  ok     transfer copy->disk (100 MB)" in result.outlines
    assert "→" not in result.stdout.str()


def test_a_broken_file_is_a_collection_error_naming_file_and_line(tester):
    tester.mkdir("scenarios")
    (tester.path / "scenarios/bad.yaml").write_text("steps:\n  - at: soon\n    wait: 1\n")
    result = tester.runpytest("scenarios")
    assert "scenarios/bad.yaml:2: field steps[0].at: expected a number, got 'soon'" in (
        result.stdout.lines
    )
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert "Traceback" not in result.stdout.str()


def test_scenario_globs_come_from_the_ini_option_or_the_command_line(tester):
    tester.mkdir("flows")
    (tester.path / "flows/a.yaml").write_text(PASSING)
    tester.makeini(INI + "fakecloud_scenarios = flows/*.yaml\n")
    tester.runpytest("--collect-only", "-q", "flows").stdout.fnmatch_lines(
        ["flows/a.yaml::seed-bug-on"]
    )
    result = tester.runpytest("--collect-only", "-q", "flows", "--fakecloud-scenarios", "x/*.yaml")
    assert "flows/a.yaml::" not in result.stdout.str()


CLOUD_TESTS = """
import pytest

def test_default(cloud, request):
    from fakecloud.pytest_plugin import default_seed
    assert cloud.seed == default_seed(request.node.nodeid)
    assert "::test_default" in request.node.nodeid
    assert cloud.profile == "seed"

@pytest.mark.fakecloud(profile="upstream", seed=5, bugs=["lp1731986"],
                       switches={"lp1754360": True}, config={"rpc": {"delay_s": 0.5}})
def test_marked(cloud):
    assert (cloud.seed, cloud.profile) == (5, "upstream")
    assert cloud.switches.lp1731986 and cloud.switches.lp1754360
    assert cloud.config.rpc.delay_s == 0.5

def test_fresh_per_test(cloud):
    assert cloud.now == 0 and len(cloud.trace) == len(type(cloud)(seed=1).trace)
"""

BROKEN_TEST = """
def test_broken(cloud):
    cloud.kernel.trace.emit("state", "nova", "vm-1", old="ACTIVE", new="ERROR")
    assert False
"""

TYPO_TEST = """
import pytest

@pytest.mark.fakecloud(profil="upstream")
def test_typo(cloud):
    pass

@pytest.mark.fakecloud(bugs="lp1731986")
def test_bugs_as_a_string(cloud):
    pass

@pytest.mark.fakecloud(switches=["lp1731986"])
def test_switches_as_a_list(cloud):
    pass
"""

SDK_TEST = """
def test_sdk(cloud, sdk):
    assert list(sdk.compute.servers()) == []
    assert cloud.trace.first(kind="api.request", subject="GET /v2.1/servers/detail")
"""

WORLD_TESTS = """\
import pytest
from fakecloud import Cloud

BOOTS = []


@pytest.fixture(scope="session")
def fakecloud_world():
    cloud = Cloud(seed=3)
    r = cloud.request("volume", "POST", "/v3/{project_id}/volumes", body={"volume": {"size": 1}})
    BOOTS.append(r.status)
    cloud.run_until_idle()
    return cloud


def _volumes(cloud):
    return cloud.request("volume", "GET", "/v3/{project_id}/volumes").json()["volumes"]


def test_one_adds_a_volume(world):
    world.request("volume", "POST", "/v3/{project_id}/volumes", body={"volume": {"size": 1}})
    assert len(_volumes(world)) == 2


def test_two_starts_from_the_world_again(world, fakecloud_world):
    assert len(_volumes(world)) == 1 and world is not fakecloud_world
    assert BOOTS == [202]


def test_three_fails(world):
    world.advance(12)
    assert False
"""

BUSY_WORLD_TEST = """\
import pytest
from fakecloud import Cloud


@pytest.fixture(scope="session")
def fakecloud_world():  # not run until idle: the volume is still being made
    cloud = Cloud(seed=3)
    cloud.request("volume", "POST", "/v3/{project_id}/volumes", body={"volume": {"size": 1}})
    return cloud


def test_busy(world):
    pass
"""

NO_WORLD_TEST = """\
import pytest


@pytest.fixture(scope="session")
def fakecloud_world():  # builds a world and forgets to return it
    pass


def test_no_world(world):
    pass
"""

#: Inner sessions run once per process and are shared by the tests that read them (an inner
#: pytest session costs about a tenth of a CPU-second).
_RUNS: dict = {}


@pytest.fixture
def python_run(tester):
    """One inner session over all the Python test files above, with each test's outcome
    listed (``-rA``): the result."""
    if "python" not in _RUNS:
        tester.makepyfile(
            test_cloud=CLOUD_TESTS,
            test_broken=BROKEN_TEST,
            test_typo=TYPO_TEST,
            test_sdk=SDK_TEST,
            test_world=WORLD_TESTS,
            test_busy_world=BUSY_WORLD_TEST,
            test_no_world=NO_WORLD_TEST,
        )
        _RUNS["python"] = tester.runpytest("-rA", "-W", "ignore::DeprecationWarning")
    return _RUNS["python"]


def outcome(result, nodeid):
    """The outcome -rA lists for `nodeid` (PASSED, FAILED, ERROR), or None."""
    for line in result.outlines:
        word, _, rest = line.partition(" ")
        if rest.split(" - ")[0] == nodeid and word in ("PASSED", "FAILED", "ERROR"):
            return word
    return None


def test_cloud_fixture_marker_and_stable_default_seed(tester, python_run):
    for name in ("test_default", "test_marked", "test_fresh_per_test"):
        assert outcome(python_run, f"test_cloud.py::{name}") == "PASSED", python_run.outlines
    # --fakecloud-seed replaces the derived default, not a seed the marker pins
    tester.makepyfile(
        test_seed="""
        import pytest

        def test_cli(cloud):
            assert cloud.seed == 42

        @pytest.mark.fakecloud(seed=5)
        def test_pinned(cloud):
            assert cloud.seed == 5
        """
    )
    tester.runpytest("test_seed.py", "--fakecloud-seed", "42").assert_outcomes(passed=2)


def test_a_failing_python_test_shows_seed_replay_and_trace(python_run):
    assert outcome(python_run, "test_broken.py::test_broken") == "FAILED"
    seed = __import__("fakecloud.pytest_plugin").pytest_plugin.default_seed(
        "test_broken.py::test_broken"
    )
    python_run.stdout.fnmatch_lines(
        [
            "*_ test_broken _*",
            "*- fakecloud -*",
            f"seed: {seed}   profile: seed   t=0",
            f"replay: pytest 'test_broken.py::test_broken' --fakecloud-seed {seed}",
            # the cloud's names (session 36: image-1, owner=<the admin project's id>)
            "*state*glance*cirros-0.6.2-x86_64-disk*new=queued owner=admin",
            "*state*nova*vm-1*new=ERROR",
        ]
    )


def test_a_world_with_work_in_flight_is_one_line_naming_the_fixture(python_run):
    """Session 36: a traceback through the plugin's fork and fakecloud.state."""
    assert outcome(python_run, "test_busy_world.py::test_busy") == "ERROR"
    python_run.stdout.fnmatch_lines(
        [
            "*_ ERROR at setup of test_busy _*",
            "StateError: the fakecloud_world fixture's cloud: cannot fork a cloud with work in "
            "flight (t=0): rpc.cast cinder-scheduler.create_volume; run cloud.run_until_idle() "
            "first",
        ]
    )
    assert not [line for line in python_run.outlines if "pytest_plugin.py:" in line]


def test_a_world_fixture_that_returns_no_cloud_is_one_line_naming_it(python_run):
    """Session 39: "AttributeError: 'NoneType' object has no attribute 'fork'", a traceback
    through the plugin."""
    assert outcome(python_run, "test_no_world.py::test_no_world") == "ERROR"
    python_run.stdout.fnmatch_lines(
        [
            "*_ ERROR at setup of test_no_world _*",
            "TypeError: the fakecloud_world fixture returned NoneType None, not a "
            "fakecloud.Cloud (return the cloud it built)",
        ]
    )
    assert not [line for line in python_run.outlines if "pytest_plugin.py:" in line]


def test_marker_misuse_is_a_clear_error(python_run):
    """One line under the ERROR heading (session 21): it was a traceback through the plugin
    and Cloud, then the UsageError or ConfigError."""
    assert outcome(python_run, "test_typo.py::test_typo") == "ERROR"
    python_run.stdout.fnmatch_lines(
        ["*_ ERROR at setup of test_typo _*", "UsageError: *got unknown argument(s) profil*"]
    )
    assert not [line for line in python_run.outlines if "pytest_plugin.py:" in line]


def test_marker_arguments_of_the_wrong_shape_are_named(python_run):
    """bugs="lp1731986" was read letter by letter ("unknown switch 'l'"); a list of switches
    was a TypeError inside the plugin."""
    for name in ("test_bugs_as_a_string", "test_switches_as_a_list"):
        assert outcome(python_run, f"test_typo.py::{name}") == "ERROR"
    python_run.stdout.fnmatch_lines(
        [
            "*ConfigError: @pytest.mark.fakecloud(bugs=...): a list of bug names such as *, "
            "got 'lp1731986'",
        ]
    )
    python_run.stdout.fnmatch_lines(
        ["*ConfigError: @pytest.mark.fakecloud(switches=...): a mapping of switch names*"]
    )


def test_sdk_fixture_talks_to_the_tests_own_cloud(python_run):
    assert outcome(python_run, "test_sdk.py::test_sdk") == "PASSED", python_run.outlines


def test_world_is_built_once_and_each_test_gets_a_fork(python_run):
    names = ("one_adds_a_volume", "two_starts_from_the_world_again", "three_fails")
    outcomes = [outcome(python_run, f"test_world.py::test_{name}") for name in names]
    assert outcomes == ["PASSED", "PASSED", "FAILED"], python_run.outlines
    python_run.stdout.fnmatch_lines(
        ["*_ test_three_fails _*", "*- fakecloud -*", "seed: 3   profile: seed   t=13.004*"]
    )


UNFIRED = """\
# Teaches: nothing; a plugin test.
steps:
  - fault: {point: cinder.snapshot.create, error: CinderBackendError, match: {volume_id: nope}}
  - transfer: {label: copy, size_mb: 10, path: [{name: disk, mb_per_s: 10}]}
"""


def test_a_fault_rule_that_never_fired_is_a_warning_not_a_failure(scenario_run):
    assert outcome(scenario_run, "scenarios/unfired.yaml::default") == "PASSED"
    # the session's one warning (its other file passes and fails without any)
    scenario_run.assert_outcomes(passed=2, failed=1, warnings=1)
    scenario_run.stdout.fnmatch_lines(
        [
            "*FakecloudWarning: scenarios/unfired.yaml:3: step step1: the fault rule at "
            "cinder.snapshot.create never fired (never matched)*"
        ]
    )


def test_scenarios_are_found_wherever_the_user_keeps_them(tester):
    tester.mkdir("tests")
    (tester.path / "tests/copy.fakecloud.yaml").write_text(PASSING)
    (tester.path / "tests/scenarios").mkdir()  # was left out: only the rootdir's scenarios/
    (tester.path / "tests/scenarios/kept.yaml").write_text(PASSING)
    (tester.path / "my_flow.yaml").write_text(PASSING)
    (tester.path / "ci.yaml").write_text("jobs: {}\n")  # any other YAML is left alone
    # another tool's scenarios/ folder (Artillery's): passed over, not a collection error
    (tester.path / "tests/load/scenarios").mkdir(parents=True)
    artillery = "config:\n  target: http://localhost\nscenarios:\n  - flow: [{get: {url: /}}]\n"
    (tester.path / "tests/load/scenarios/smoke.yaml").write_text(artillery)
    result = tester.runpytest("--collect-only", "-q", "tests", ".")
    assert result.ret == 0, result.outlines
    ids = sorted({line for line in result.outlines if "::" in line})
    assert ids == [
        "tests/copy.fakecloud.yaml::seed-bug-on",
        "tests/copy.fakecloud.yaml::slow",
        "tests/scenarios/kept.yaml::seed-bug-on",
        "tests/scenarios/kept.yaml::slow",
    ]
    named = tester.runpytest("--collect-only", "-q", "my_flow.yaml")
    assert [line for line in named.outlines if "::" in line] == [
        "my_flow.yaml::seed-bug-on",
        "my_flow.yaml::slow",
    ]


@pytest.mark.parametrize("text", ["0", "-3", "x", str(10**30)])
def test_explore_seeds_of_none_or_fewer_is_a_usage_error(text):
    """`--fakecloud-explore-seeds 0` explored nothing, and a file without finds: passed;
    10**30 was an OverflowError (the seeds' range has no len)."""
    import argparse

    from fakecloud.pytest_plugin import _seed_count

    with pytest.raises(
        argparse.ArgumentTypeError, match=f"from 1 to 9223372036854775807, got '{text}'"
    ):
        _seed_count(text)
    assert _seed_count("2") == 2
