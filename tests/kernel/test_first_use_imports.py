"""Building a cloud and wiring its services on first use run no import statement once their
modules are loaded: Python 3.11 pays some 5,000 instructions for each (the module spec's
``_initializing`` asked, an AttributeError raised and cleared), about 35 a fresh test."""

import builtins
import sys

from fakecloud import Cloud

#: The modules that build a cloud and wire its services on first use.
WIRING = ("fakecloud/cloud.py", "fakecloud/nova/__init__.py", "fakecloud/identity/keystone.py")
WIRING += ("fakecloud/identity/tokens.py",)


def _use(cloud: Cloud) -> None:
    nova = cloud.nova
    nova.api, nova.compute_api, nova.conductor, nova.policy, nova.notifier  # noqa: B018
    nova.instance_snapshot_store, nova.glance_url(), cloud.keystone.api  # noqa: B018
    cloud.keystone.token_for("demo")
    cloud.intercept()


def test_a_cloud_built_and_wired_again_runs_no_import_statement_of_its_own():
    """The second cloud of a process: each module it needs is bound through
    `fakecloud.late.module` (imported where the statement stood, so the order modules load in,
    which config sections follow, is the same)."""
    _use(Cloud(config={"nova": {"notify_on_state_change": "vm_state"}}))
    real, seen = builtins.__import__, []

    def counting(name, globals=None, locals=None, fromlist=(), level=0):
        caller = sys._getframe(1).f_code.co_filename.replace("\\", "/")
        if caller.endswith(WIRING):
            seen.append((caller.rsplit("fakecloud/", 1)[1], name))
        return real(name, globals, locals, fromlist, level)

    builtins.__import__ = counting
    try:
        _use(Cloud(config={"nova": {"notify_on_state_change": "vm_state"}}))
    finally:
        builtins.__import__ = real
    assert seen == []
