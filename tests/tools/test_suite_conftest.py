"""The suite's own conftest.py: the pytest answers it keeps after collection are pytest's."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from _pytest import fixtures
from _pytest.pathlib import absolutepath

TESTS = Path(__file__).resolve().parent.parent


def test_an_argumentless_fixture_function_has_no_names_however_pytest_asks():
    # pytest 8.0 and 8.1 (pyproject takes pytest>=8) ask with is_method=; the kept answer took
    # only name= and cls= and raised TypeError for every fixture parsed after the collection.
    assert getattr(fixtures.getfuncargnames, "_argumentless_read_once", False)
    assert fixtures.getfuncargnames(lambda: None, name="f", is_method=True) == ()
    assert fixtures.getfuncargnames(lambda: None, name="f", cls=None) == ()


def test_a_fixture_function_with_arguments_gets_pytests_own_names():
    def fixture(tmp_path, request, *rest, capsys, monkeypatch=None, **more):
        return None

    assert fixtures.getfuncargnames(fixture, name="fixture") == ("tmp_path", "request", "capsys")


def test_each_paths_kept_hooks_are_the_ones_pytest_would_work_out(request):
    session = request.session
    worked_out = type(session).gethookproxy  # pytest's own, past the instance's kept one
    for path in (TESTS / "views" / "test_x.py", TESTS / "tools" / "test_x.py"):
        kept, fresh = session.gethookproxy(path), worked_out(session, path)
        assert session.gethookproxy(path) is kept
        for hook in ("pytest_collection_finish", "pytest_runtest_setup", "pytest_fixture_setup"):
            assert [i.plugin for i in getattr(kept, hook).get_hookimpls()] == [
                i.plugin for i in getattr(fresh, hook).get_hookimpls()
            ]


def _root_conftest(config):
    """The project's conftest.py as this run registered it."""
    path = str(TESTS.parent / "conftest.py")
    (module,) = [
        p for p in config.pluginmanager.get_plugins() if getattr(p, "__file__", "") == path
    ]
    return module


def test_the_ignored_paths_read_once_are_the_ones_pytest_would_ignore(request, tmp_path):
    conftest = _root_conftest(request.config)
    ignore = ["tests/tools", str(tmp_path / "x.py"), "tests/nova/../cinder/test_y.py"]
    config = SimpleNamespace(option=SimpleNamespace(ignore=list(ignore)), stash=pytest.Stash())
    conftest._ignored_paths_read_once(config)
    assert config.option.ignore == []  # pytest's hook has none left to read
    for given in ignore:  # as pytest makes each absolute
        assert conftest.pytest_ignore_collect(absolutepath(given), config) is True
    for kept in ("tests", "tests/tools/test_x.py", "tests/cinder", str(tmp_path)):
        assert conftest.pytest_ignore_collect(absolutepath(kept), config) is None
    # an xdist controller hands its options to its workers as given
    controller = SimpleNamespace(option=SimpleNamespace(ignore=list(ignore), numprocesses=2))
    controller.stash = pytest.Stash()
    conftest._ignored_paths_read_once(controller)
    assert controller.option.ignore == ignore
    assert conftest.pytest_ignore_collect(absolutepath("tests/tools"), controller) is None
