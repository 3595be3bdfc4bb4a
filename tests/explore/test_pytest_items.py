"""A scenario with an explore: section is also one pytest test, failing with its minimal replay."""

import hypothesis  # noqa: F401 - imported outside the inline runs (see test_plugin)
import pytest
import yaml

import fakecloud.cloud  # noqa: F401 - the services (the package imports Cloud lazily)
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
HUNT = "explore:\n  seeds: 2\n  chance: {rpc_delay: false, tie_order: false}\n  finds: []\n"


@pytest.fixture
def tester(pytester, monkeypatch):
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    # as on a workstation: on CI pytest's short summary repeats each failure's whole report
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("BUILD_NUMBER", raising=False)
    pytester.makeini(INI)
    pytester.mkdir("scenarios")
    return pytester


def _scenario(tester, explore, name="link", calm=False):
    text = (HERE / "shared_link.yaml").read_text().split("explore:")[0] + explore
    if calm:
        text = text.replace("expect: {finished_at: 2}\n", "")
    (tester.path / "scenarios" / f"{name}.yaml").write_text(text)


def test_the_explore_item_fails_with_the_groups_and_the_minimal_replay(tester):
    _scenario(tester, HUNT)
    result = tester.runpytest("-m", "explore", "scenarios")
    result.assert_outcomes(failed=1, deselected=1)
    text = result.stdout.str()
    assert "scenarios/link.yaml::explore[default]" in text
    assert "2 seeds, 0 passed, 2 broke something" in text
    assert "broke step small: finished at 2 s" in text  # it hunts nothing: no explore.finds
    assert "did not break it again" not in text  # the shrunk file was replayed and checked
    assert "\n2 seeds\n" in text and "seeds/s" not in text  # no wall time measured here
    # The minimal replay, in full: both transfers are needed (alone, the small one is not slowed
    # by sharing) and one throughput a thousandth off nominal is enough to miss "exactly 2 s".
    shown = text.split("--- minimal replay")[1].split("---\n", 1)[1]
    replay = yaml.safe_load(shown.split("\n\n=====")[0])
    assert [s["name"] for s in replay["steps"]] == ["big", "small"]
    (made,) = replay["choices"]["made"]
    assert made["throughput"] >= 1 and abs(made["value"]) == 1


def test_explore_items_pass_when_calm_and_a_bug_hunt_fails_when_it_finds_nothing(tester):
    _scenario(tester, HUNT, "calm", calm=True)
    _scenario(tester, HUNT.replace("finds: []", "finds: [no_unexpected_500]"), "hunt", calm=True)
    result = tester.runpytest("-m", "explore", "scenarios", "--tb=line")
    result.assert_outcomes(passed=1, failed=1, deselected=2)
    # --tb=line: the file, the first line of its explore: section, and what went wrong
    written = (tester.path / "scenarios" / "hunt.yaml").read_text()
    line = written.split("explore:")[0].count("\n") + 2  # the line below explore:
    where = f"{tester.path / 'scenarios/hunt.yaml'}:{line}: "
    assert where + "no seed broke invariant no_unexpected_500 (explore.finds)" in result.outlines
    # the summary line says what went other than expected
    head = "FAILED scenarios/hunt.yaml::explore[default] - no seed broke"
    assert any(line.startswith(head) for line in result.outlines)


def test_the_explore_items_summary_names_the_cause_and_its_consequences(tester):
    from tests.explore.test_explore_command import UNNAMED_SNAPSHOT

    text = UNNAMED_SNAPSHOT.replace("seeds: 1\n", "seeds: 1\n  chance: {tie_order: false}\n")
    (tester.path / "scenarios" / "unnamed.yaml").write_text(text)
    result = tester.runpytest("-m", "explore", "scenarios")
    result.assert_outcomes(failed=1, deselected=1)
    cause = "step snap: status 202 (scenarios/unnamed.yaml:10)"
    of = f" (a consequence of {cause})"
    # the cause first, then what broke only because of it, each naming it; no "not in
    # explore.finds", which a case that hunts nothing does not have (until session 43)
    assert [line for line in result.outlines if line.startswith("default: broke ")] == [
        f"default: broke {cause}",
        "default: broke step snap: save images.nightly.id: body.image_id: no 'image_id' (has"
        f" badRequest) (scenarios/unnamed.yaml:6){of}",
        "default: broke state: GET /v2/images/${images.nightly.id}"
        f" (scenarios/unnamed.yaml:14){of}",
        f"default: broke trace present (scenarios/unnamed.yaml:17){of}",
    ]
    # pytest's short summary: the cause, not a consequence
    head = "FAILED scenarios/unnamed.yaml::explore[default] - broke step snap: status 202"
    assert any(line.startswith(head) for line in result.outlines)
