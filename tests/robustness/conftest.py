"""The robustness suite's worlds and scale.

``make test`` runs it small and derandomized (a few seconds of CPU); ``make fuzz`` sets
``FAKECLOUD_FUZZ=1``, which runs the same tests with 100 times the Hypothesis examples and
longer load and soak runs.
"""

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).parent))

from fuzz_scale import SCALE  # noqa: E402
from world import build  # noqa: E402

settings.register_profile(
    "robustness",
    # make test: a smoke of four examples per service and profile; make fuzz: 600 each.
    max_examples=4 if SCALE == 1 else 6 * SCALE,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_WORLDS: dict[str, object] = {}


@pytest.fixture(scope="session")
def worlds():
    """Build each profile's world once per process; `worlds(profile)` returns it."""

    def get(profile: str):
        if profile not in _WORLDS:
            _WORLDS[profile] = build(profile)
        return _WORLDS[profile]

    return get
