"""The seeded source draws what ``random.Random.randint`` would from the same seed: an explored
seed's decisions (and every replay file written from them) do not depend on how it draws."""

from random import Random

from fakecloud.explore.sources import SeededSource

RANGES = [(0, 1000), (-1000, 1000), (0, 1), (0, 2), (0, 0), (5, 5), (0, 7), (0, 8), (3, 100)]


def test_seeded_draws_are_randint_of_the_seed():
    for seed in range(20):
        source = SeededSource(seed, {"point": 0.5})
        rng = Random(f"fakecloud-explore:{seed}")
        for low, high in RANGES * 3:
            assert source.draw("tie", 1, low, high, {}) == rng.randint(low, high)
        for high in (1, 2, 3, 17):
            fired = rng.random() < 0.5
            want = rng.randint(1, high) if fired else 0
            assert source.draw("fault", 1, 0, high, {"point": "point"}) == want
