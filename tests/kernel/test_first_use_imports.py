"""Building a cloud and wiring its services on first use run no import statement once their
modules are loaded: Python 3.11 pays some 5,000 instructions for each (the module spec's
``_initializing`` asked, an AttributeError raised and cleared), about 35 a fresh test."""

import builtins
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from fakecloud import Cloud, late

#: The modules that build a cloud and wire its services on first use.
WIRING = ("fakecloud/cloud.py", "fakecloud/nova/__init__.py", "fakecloud/identity/keystone.py")
WIRING += ("fakecloud/identity/tokens.py",)


def _use(cloud: Cloud) -> None:
    nova = cloud.nova
    nova.api, nova.compute_api, nova.conductor, nova.policy, nova.notifier  # noqa: B018
    nova.instance_snapshot_store, nova.glance_url(), cloud.keystone.api  # noqa: B018
    cloud.keystone.token_for("demo")
    cloud.intercept()


@contextmanager
def _import_statements_in(files: tuple[str, ...]) -> Iterator[list[tuple[str, str]]]:
    """The import statements run in `files` (paths ending so) while the block runs, as
    (file under fakecloud/, module) pairs."""
    real, seen = builtins.__import__, []

    def counting(name, globals=None, locals=None, fromlist=(), level=0):
        caller = sys._getframe(1).f_code.co_filename.replace("\\", "/")
        if caller.endswith(files):
            seen.append((caller.rsplit("fakecloud/", 1)[1], name))
        return real(name, globals, locals, fromlist, level)

    builtins.__import__ = counting
    try:
        yield seen
    finally:
        builtins.__import__ = real


def test_a_cloud_built_and_wired_again_runs_no_import_statement_of_its_own():
    """The second cloud of a process: each module it needs is bound through
    `fakecloud.late.module` (imported where the statement stood, so the order modules load in,
    which config sections follow, is the same)."""
    _use(Cloud(config={"nova": {"notify_on_state_change": "vm_state"}}))
    with _import_statements_in(WIRING) as seen:
        _use(Cloud(config={"nova": {"notify_on_state_change": "vm_state"}}))
    assert seen == []


#: The modules a fresh test's first requests pass through once per cloud, connection or bind.
FIRST_REQUESTS = ("fakecloud/transport/clients.py", "fakecloud/transport/outside.py")
FIRST_REQUESTS += ("fakecloud/nova/image_api.py",)
FIRST_REQUESTS += ("fakecloud/nova/api/versions.py", "fakecloud/nova/api/wsgi.py")


def _first_requests(cloud: Cloud) -> None:
    from fakecloud.transport.clients import credentials

    credentials(cloud, "demo")  # the guard against outside requests installed
    cloud.nova.glance_url()
    with cloud.clock():  # Python's clocks bound
        assert cloud.request("compute", "GET", "/").status_code == 200  # the versions' root
        assert cloud.request("compute", "GET", "/v2.1/flavors").status_code == 200  # links


def test_a_cloud_s_first_requests_run_no_import_statement_once_loaded():
    """The same for what a fresh test's first requests meet once per cloud (the guard, Nova's
    links and Glance endpoint), through `fakecloud.late.module`."""
    _first_requests(Cloud())
    cloud = Cloud()
    with _import_statements_in(FIRST_REQUESTS) as seen:
        _first_requests(cloud)
    assert seen == []


def test_a_module_dropped_and_loaded_afresh_is_the_fresh_one(monkeypatch):
    """`late.module` answers as an import statement does, from ``sys.modules``: after a test
    tool drops a module imported during a run (pytester's inline runs) and it is loaded afresh,
    a late-bound name is the fresh module, not a copy kept from before (two copies of a class
    would fail each other's isinstance checks)."""
    name = "fakecloud_late_probe"
    first, second = types.ModuleType(name), types.ModuleType(name)
    monkeypatch.setitem(sys.modules, name, first)
    assert late.module(name) is first
    monkeypatch.setitem(sys.modules, name, second)  # dropped, then loaded again
    assert late.module(name) is second
    monkeypatch.setitem(sys.modules, name, None)  # refused, as an import statement is
    with pytest.raises(ImportError):
        late.module(name)


def test_a_module_dropped_while_its_package_holds_it_is_that_module(monkeypatch):
    """pytester's inline runs restore ``sys.modules`` but not the attributes their imports set
    on packages kept: ``from fakecloud.transport import outside`` then still finds the module
    the run loaded. `late.module` answers with that very module (and puts it back in the
    table), not a second copy: two copies of `outside` kept two states, so an intercept's
    requests were refused as if made outside it (docs/testing.md run alone)."""
    import fakecloud.transport
    from fakecloud.transport import outside

    monkeypatch.delitem(sys.modules, "fakecloud.transport.outside")
    assert late.module("fakecloud.transport.outside") is outside
    assert sys.modules["fakecloud.transport.outside"] is outside
    monkeypatch.delitem(sys.modules, "fakecloud.transport.outside")
    monkeypatch.setattr(fakecloud.transport, "outside", None)  # nothing held: loaded afresh
    fresh = late.module("fakecloud.transport.outside")
    assert fresh is not outside and fresh.__name__ == "fakecloud.transport.outside"
