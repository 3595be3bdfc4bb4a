"""The examples in modules' docstrings that stand alone run and give what they show.

Other modules' examples are sketches that name a cloud or events from their surroundings
(``cloud.clock()``, ``Names.from_events(events)``); the user's guide's own examples run in the
other tests of this folder.
"""

import doctest
import importlib

import pytest

SELF_CONTAINED = [
    "fakecloud.api.exceptions",
    "fakecloud.api.microversion",
    "fakecloud.api.pagination",
    "fakecloud.api_checks",
    "fakecloud.bounds",
    "fakecloud.cinder.exception",
    "fakecloud.cloud",
    "fakecloud.config",
    "fakecloud.frozen",
    "fakecloud.glance",
    "fakecloud.glance.locations",
    "fakecloud.glance.states",
    "fakecloud.humanize",
    "fakecloud.identity.context",
    "fakecloud.nova.exception",
    "fakecloud.nova.hostname",
    "fakecloud.nova.json_props",
    "fakecloud.nova.states",
    "fakecloud.outputs",
    "fakecloud.profiles",
    "fakecloud.profiles.provenance",
    "fakecloud.profiles.releases",
    "fakecloud.profiles.resolve",
    "fakecloud.profiles.series",
    "fakecloud.scenario",
    "fakecloud.scenario.loader",
    "fakecloud.scenario.match",
    "fakecloud.sim.explore",
    "fakecloud.sim.ids",
    "fakecloud.sim.states",
    "fakecloud.sim.trace",
    "fakecloud.suggest",
    "fakecloud.transport.sizelimit",
    "fakecloud.transport.wsgi",
]


@pytest.mark.parametrize("name", SELF_CONTAINED)
def test_module_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, report=False)
    assert result.attempted > 0, f"{name} has no examples any more: drop it from the list"
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples fail"
