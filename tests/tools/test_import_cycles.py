"""No import cycles in fakecloud/: every import, deferred (inside a function) or not, points
one way, so each layer can be read, tested and changed without the ones above it."""

from __future__ import annotations

import sys

import grimp


def import_cycles(package: str) -> list[str]:
    """Each import that closes a cycle, as ``a -> b -> ... -> a`` (grimp's import graph)."""
    graph = grimp.build_graph(package, cache_dir=None)
    found = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if imported.split(".")[0] != package or imported == importer:
                continue
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back:
                found.append(" -> ".join([importer, *back]))
    return found


def test_fakecloud_has_no_import_cycles():
    assert import_cycles("fakecloud") == []


def test_the_check_finds_a_cycle_even_through_an_import_inside_a_function(tmp_path, monkeypatch):
    pkg = tmp_path / "cyclic_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from cyclic_pkg import b\n")
    (pkg / "b.py").write_text("def f():\n    from cyclic_pkg import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        assert import_cycles("cyclic_pkg") == [
            "cyclic_pkg.a -> cyclic_pkg.b -> cyclic_pkg.a",
            "cyclic_pkg.b -> cyclic_pkg.a -> cyclic_pkg.b",
        ]
    finally:
        sys.modules.pop("cyclic_pkg", None)
