"""`Cloud`: one simulated OpenStack in one process, on one virtual clock, from one seed.

    >>> from fakecloud import Cloud
    >>> cloud = Cloud(seed=42)
    >>> cloud.advance(30)
    >>> cloud.now
    30.0

The cloud owns a `Kernel` (clock, ids, trace, faults, RPC, I/O) and the fake services built on
it. Everything a user drives or reads goes through these names, which stay stable.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fakecloud.config import Config
from fakecloud.errors import ConfigError
from fakecloud.sim.kernel import Kernel


def _build_config(config: Config | Mapping[str, Any] | None) -> tuple[Config, dict[str, Any]]:
    """Split a user's config into sections and the per-cloud switch overrides."""
    if config is None:
        return Config.from_mapping(), {}
    if isinstance(config, Config):
        return config, {}
    if not isinstance(config, Mapping):
        raise ConfigError(f"config must be a mapping or a Config, got {type(config).__name__}")
    sections = dict(config)
    switches = dict(sections.pop("switches", None) or {})
    for bug in sections.pop("bugs", None) or ():
        switches[bug] = True
    return Config.from_mapping(sections), switches


class Cloud:
    """A deterministic simulated OpenStack.

    `seed` drives every id and every seeded choice; `profile` is ``"seed"`` (the vendor
    Queens-era build) or ``"upstream"`` (Nova 34.0.0); `config` overrides tunables by section,
    plus ``switches: {name: value}`` and ``bugs: [lp...]`` to change behaviour switches.
    """

    def __init__(
        self,
        seed: int = 0,
        profile: str = "seed",
        config: Config | Mapping[str, Any] | None = None,
    ):
        cfg, switches = _build_config(config)
        self.kernel = Kernel(seed=seed, profile=profile, config=cfg, switches=switches)
        self.seed = seed
        self.profile = profile
        kernel = self.kernel
        # Services, each built on the kernel (one line each, in dependency order).
        # >>> services
        del kernel

    # -- the clock ---------------------------------------------------------------------------

    @property
    def now(self) -> float:
        """Virtual seconds since the cloud started."""
        return self.kernel.env.now

    def run(self, until: float | None = None) -> Any:
        """Run until virtual time `until` (absolute), or until nothing is scheduled."""
        return self.kernel.run(until)

    def advance(self, seconds: float) -> None:
        """Move virtual time forward by `seconds`, running everything due, in no wall time."""
        self.kernel.advance(seconds)

    def run_until_idle(self, cap_s: float | None = None) -> float:
        """Run until no simulated work is left; a clear error names what never finishes."""
        return self.kernel.run_until_idle(cap_s)

    def clock(self):
        """Context manager binding Python's clocks and ``time.sleep`` to virtual time."""
        return self.kernel.clock

    # -- what users read and steer ----------------------------------------------------------

    @property
    def trace(self):
        """The ordered record of every state change, message, transfer and fault."""
        return self.kernel.trace

    @property
    def faults(self):
        """The fault plan: add rules at named fault points."""
        return self.kernel.faults

    @property
    def switches(self):
        """The behaviour switches in force (profile values plus overrides)."""
        return self.kernel.switches

    @property
    def config(self) -> Config:
        """The configuration in force."""
        return self.kernel.config

    @property
    def io(self):
        """The I/O model: links, disks and the transfers sharing them."""
        return self.kernel.io
