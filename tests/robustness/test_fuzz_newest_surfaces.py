"""Property-based fuzzing of the surfaces sessions 31 and 32 added (`newest.SURFACES`): each
example a few bent requests to them, services stopped and started between, on a fork of the
robustness world. Every answer keeps `fuzzing.check`'s properties and carries no traceback or
path; then the invariants hold, a save loads and saves the same bytes, and the same steps on
a second fork answer and save the same bytes (`newest.Run.settle`).

``make test`` runs a derandomized smoke on upstream; ``make fuzz`` 600 examples on each of
the seed, Ussuri 21.2.4, Antelope 27.5.1 and upstream.
"""

import pytest
from fuzz_scale import SCALE
from hypothesis import given, settings
from hypothesis import strategies as st
from newest import Run, steps

#: The profiles fuzzed: under ``make fuzz`` the seed (Queens), 21.2.4 (os-networks' writes 410,
#: os-agents served), 27.5.1 (os-agents 410, rdp a TypeError's 500) and upstream; in
#: ``make test`` upstream alone (its world is built for the other robustness tests anyway).
PROFILES = ["seed", "nova-21.2.4", "nova-27.5.1", "upstream"] if SCALE > 1 else ["upstream"]
#: Examples between two settlings (each a save, a load and a twin's replay).
SETTLE_EVERY = 20


@pytest.mark.parametrize("profile", PROFILES)
def test_the_newest_surfaces_answer_as_the_real_services_and_replay(worlds, profile):
    world = worlds(profile)
    run = Run(world)
    count = {"examples": 0}

    @settings(settings.get_profile("robustness"), max_examples=3 if SCALE == 1 else 600)
    @given(st.data())
    def fuzz(data):
        for step in data.draw(steps(world.ids)):
            run.apply(step)
        count["examples"] += 1
        if count["examples"] % SETTLE_EVERY == 0:
            run.settle()

    fuzz()
    run.settle(again=False)
