"""No import cycles in fakecloud/: every import, deferred (inside a function) or not, points
one way, so each layer can be read, tested and changed without the ones above it."""

from __future__ import annotations

import sys

import grimp


def import_cycles(package: str) -> list[str]:
    """Each import that closes a cycle, as ``a -> b -> ... -> a`` (grimp reads the imports;
    the cycles are the strongly connected parts of that graph)."""
    graph = grimp.build_graph(package, cache_dir=None)
    edges = {
        m: sorted(i for i in graph.find_modules_directly_imported_by(m) if i != m)
        for m in sorted(graph.modules)
    }
    found = []
    for group in _strongly_connected(edges):
        for importer in sorted(group):
            for imported in edges[importer]:
                if imported in group:
                    back = graph.find_shortest_chain(importer=imported, imported=importer)
                    found.append(" -> ".join([importer, *back]))
    return found


def _strongly_connected(edges: dict[str, list[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iteratively: the groups of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []
    for root in edges:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = edges.get(node, [])
            if i < len(targets):
                work.append((node, i + 1))
                nxt = targets[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(group)
    return groups


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
