"""Seeded decision points for exploration: the choices a real cloud leaves to chance.

A plain run is exact: RPC delays are the configured ones, events due at the same virtual instant
run in the order they were scheduled, throughputs are nominal. The explorer (a later tool) runs
a scenario under many seeds with some of these choices switched on; each kind of choice draws
from its own seeded stream, so a seed names one exact run.

    >>> from fakecloud.config import Config
    >>> Choices(ExploreConfig(), stream=lambda purpose: None).rpc_delay(0.002)
    0.002
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from random import Random

from fakecloud.config import config_section


@config_section("explore")
@dataclass(frozen=True)
class ExploreConfig:
    """Which choices are left to the seed (all off by default), and their bounds."""

    rpc_delay: bool = False
    rpc_delay_max_factor: float = 10.0
    tie_order: bool = False
    throughput_jitter: bool = False
    throughput_jitter_fraction: float = 0.2


class Choices:
    """The decision points; each returns the nominal value unless its kind is switched on."""

    def __init__(self, config: ExploreConfig, stream: Callable[[str], Random | None]):
        self.config = config
        self._rpc = stream("explore.rpc_delay") if config.rpc_delay else None
        self._jitter = stream("explore.throughput") if config.throughput_jitter else None
        self.tie_rng = stream("explore.tie_order") if config.tie_order else None

    def rpc_delay(self, nominal_s: float) -> float:
        """The delivery delay of one RPC message: nominal, or up to max_factor times it."""
        if self._rpc is None:
            return nominal_s
        return nominal_s * self._rpc.uniform(1.0, self.config.rpc_delay_max_factor)

    def throughput(self, nominal: float) -> float:
        """The throughput a link or disk gets when created: nominal, or jittered around it."""
        if self._jitter is None:
            return nominal
        f = self.config.throughput_jitter_fraction
        return nominal * self._jitter.uniform(1.0 - f, 1.0 + f)
