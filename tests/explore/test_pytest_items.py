"""A scenario with an explore: section is also one pytest test, failing with its minimal replay."""

import hypothesis  # noqa: F401 - imported outside the inline runs (see test_plugin)
import pytest

import fakecloud.explore.session  # noqa: F401
import fakecloud.pytest_plugin  # noqa: F401
import fakecloud.scenario.loader  # noqa: F401
from tests.explore.conftest import HERE

pytest_plugins = ["pytester"]
INI = """\
[pytest]
addopts = -p fakecloud.pytest_plugin -p no:cacheprovider
filterwarnings = ignore::pytest.PytestAssertRewriteWarning
"""
HUNT = "explore:\n  seeds: 4\n  chance: {rpc_delay: false, tie_order: false}\n  finds: []\n"


@pytest.fixture
def tester(pytester, monkeypatch):
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.makeini(INI)
    pytester.mkdir("scenarios")
    return pytester


def _scenario(tester, explore):
    text = (HERE / "shared_link.yaml").read_text().split("explore:")[0] + explore
    (tester.path / "scenarios" / "link.yaml").write_text(text)


def test_the_explore_item_fails_with_the_groups_and_the_minimal_replay(tester):
    _scenario(tester, HUNT)
    result = tester.runpytest("-m", "explore", "scenarios")
    result.assert_outcomes(failed=1, deselected=1)
    text = result.stdout.str()
    assert "scenarios/link.yaml::explore[default]" in text
    assert "4 seeds, 0 passed, 4 broke something" in text
    assert "--- minimal replay" in text and "throughput:" in text
    assert "found step small: finished at 2 s" in text  # not among explore.finds


def _calm(tester, finds):
    _scenario(tester, HUNT.replace("finds: []", f"finds: {finds}"))
    path = tester.path / "scenarios" / "link.yaml"
    path.write_text(path.read_text().replace("expect: {finished_at: 2}\n", ""))


def test_an_explore_item_passes_when_no_seed_breaks_anything(tester):
    _calm(tester, "[]")
    tester.runpytest("-m", "explore", "scenarios").assert_outcomes(passed=1, deselected=1)


def test_a_bug_hunt_fails_when_no_seed_breaks_what_it_lists(tester):
    _calm(tester, "[no_unexpected_500]")
    result = tester.runpytest("-m", "explore", "scenarios")
    result.assert_outcomes(failed=1, deselected=1)
    assert "no seed broke invariant no_unexpected_500 (explore.finds)" in result.stdout.str()
