"""The suite's own conftest.py: the pytest answers it keeps after collection are pytest's."""

from __future__ import annotations

from pathlib import Path

from _pytest import fixtures

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
