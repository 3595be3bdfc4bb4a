"""Fresh clouds for the suite's shared helpers (`tests.nova.conftest.NovaEnv`, the Glance
tests' `World`) and the tests' own unconfigured boots (tests/cinder's ``booted(profile=...)``,
the ``cloud`` fixtures of tests/clients, tests/transport and test_token_issue): a cloud booted
without a config, forked once it has been booted often.

Most of the suite's clouds are ``Cloud(seed=0, profile=...)`` with nothing configured: share 2
boots about 2,000 of them, 1,200 through these two helpers (a boot is 0.45-0.6 ms). A fork
continues exactly as the cloud it copies would (same answers, same trace bytes: what
``Cloud.fork`` promises and tests/state checks), and a fresh cloud never runs, so from the
`PLAN_AFTER_BOOTS`-th boot of a seed and profile on, `booted` returns a replayed fork of one
booted cloud instead (`fakecloud.state.replica.Replica`: about 0.1 ms; its plan about 13 ms,
twenty-odd boots). A cloud with a config is booted every time: configs differ from test to
test, and a test of the boot itself calls `Cloud` directly (as does a test that compares two
boots, or whose check is on what a boot does).
"""

from __future__ import annotations

from typing import Any

from fakecloud import Cloud
from fakecloud.state.replica import Replica

#: Boots of one seed and profile made the plain way before the next come from a replica: a
#: seed and profile booted a few times (most releases) is never planned, the two profiles'
#: hundreds of boots are planned at the thirtieth.
PLAN_AFTER_BOOTS = 30

_BOOTS: dict[tuple[int, str], int] = {}
_REPLICAS: dict[tuple[int, str], Replica] = {}


def booted(seed: int = 0, profile: str = "seed", config: Any = None) -> Cloud:
    """A cloud as ``Cloud(seed=seed, profile=profile, config=config)`` boots it."""
    # a seed of 1.0 or True, equal to 1 as a key, is refused by the boot: never forked
    if config or type(seed) is not int or type(profile) is not str:
        return Cloud(seed=seed, profile=profile, config=config)
    key = (seed, profile)
    replica = _REPLICAS.get(key)
    if replica is None:
        boots = _BOOTS[key] = _BOOTS.get(key, 0) + 1
        if boots < PLAN_AFTER_BOOTS:
            return Cloud(seed=seed, profile=profile)
        replica = _REPLICAS[key] = Replica(Cloud(seed=seed, profile=profile))
    return replica.fork()
