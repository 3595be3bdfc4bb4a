"""Property-based fuzzing of the surfaces sessions 31 to 33 added (`newest.SURFACES`): each
example a few bent requests to them, services stopped and started between, on a fork of the
robustness world. Every answer keeps `fuzzing.check`'s properties and carries no traceback or
path; then the invariants hold, a save loads and saves the same bytes, and the same steps on
a second fork answer and save the same bytes (`newest.Run.settle`).

``make test`` runs a derandomized smoke on upstream; ``make fuzz`` 600 examples on each of
the seed, Ussuri 21.2.4, Antelope 27.5.1 and upstream, and on Yoga 25.3.0 (Glance 24.0.0, the
first with the cache API) and upstream with Glance's image cache configured.
"""

import pytest
from fuzz_scale import SCALE
from hypothesis import given, settings
from hypothesis import strategies as st
from newest import Run, steps
from world import CONFIG, build

#: The profiles fuzzed: under ``make fuzz`` the seed (Queens), 21.2.4 (os-networks' writes 410,
#: os-agents served), 27.5.1 (os-agents 410, rdp a TypeError's 500) and upstream; in
#: ``make test`` upstream alone (its world is built for the other robustness tests anyway).
PROFILES = ["seed", "nova-21.2.4", "nova-27.5.1", "upstream"] if SCALE > 1 else ["upstream"]
#: Under ``make fuzz`` also worlds with Glance's image cache (``/v2/cache`` served: session 33).
CACHED = ["nova-25.3.0", "upstream"]
#: Examples between two settlings (each a save, a load and a twin's replay).
SETTLE_EVERY = 20


def _fuzz(world):
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


@pytest.mark.parametrize("profile", PROFILES)
def test_the_newest_surfaces_answer_as_the_real_services_and_replay(worlds, profile):
    _fuzz(worlds(profile))


if SCALE > 1:  # make fuzz only: ``make test`` collects no item for it, rather than a skip

    @pytest.mark.parametrize("profile", CACHED)
    def test_the_newest_surfaces_with_an_image_cache(profile):
        _fuzz(build(profile, config={"glance": {**CONFIG["glance"], "image_cache": True}}))
