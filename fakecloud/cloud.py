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

from collections.abc import Iterable, Mapping
from typing import Any

from fakecloud import late
from fakecloud.api_checks import application_credential as checked_credential
from fakecloud.api_checks import (
    file_path,
    flag,
    naming,
    profile_name,
    save_target,
    user_name,
    whole_number,
)
from fakecloud.cinder import Cinder
from fakecloud.config import Config
from fakecloud.errors import ConfigError
from fakecloud.glance import Glance
from fakecloud.identity import Keystone
from fakecloud.invariants import InvariantsConfig  # noqa: F401 - registers its config
from fakecloud.nova import Nova
from fakecloud.nova.image_api import ImageApiConfig  # noqa: F401 - registers its config
from fakecloud.nova.volume_api import VolumeApiConfig  # noqa: F401 - registers its config
from fakecloud.sim.kernel import Kernel
from fakecloud.suggest import did_you_mean
from fakecloud.transport.sizelimit import SizeLimitConfig  # noqa: F401 - registers its config
from fakecloud.transport.token_cache import AuthTokenConfig  # noqa: F401 - registers its config


def _build_config(config: Config | Mapping[str, Any] | None) -> tuple[Config, dict[str, Any]]:
    """Split a user's config into sections and the per-cloud switch overrides."""
    if config is None:
        return Config.from_mapping(), {}
    if isinstance(config, Config):
        return config, {}
    if not isinstance(config, Mapping):
        raise ConfigError(f"config must be a mapping or a Config, got {type(config).__name__}")
    sections = dict(config)
    switches = sections.pop("switches", None) or {}
    if not isinstance(switches, Mapping):
        raise ConfigError(f"config switches: a mapping of switch names to values, got {switches!r}")
    switches = dict(switches)
    bugs = sections.pop("bugs", None) or ()
    if isinstance(bugs, (str, bytes, Mapping)) or not isinstance(bugs, Iterable):
        raise ConfigError(f"config bugs: a list of bug names such as ['lp1731986'], got {bugs!r}")
    BUGS = late.module("fakecloud.profiles.table").BUGS

    for bug in bugs:
        if bug not in BUGS:  # was "unknown switch 'lp1'", or a non-bug switch set to True
            raise ConfigError(
                f"unknown bug {bug!r}{did_you_mean(str(bug), BUGS)}; the bugs fakecloud "
                f"replays: {', '.join(BUGS)} (`fakecloud list switches lp` lists them)"
            )
        switches[bug] = True
    return Config.from_mapping(sections), switches


class Cloud:
    """A deterministic simulated OpenStack.

    `seed` drives every id and every seeded choice; `profile` is a Nova release
    (``"nova-20.6.0"``, any from 17.0.0 to 34.0.0, ``+vendor`` for the vendor branch),
    ``"upstream"`` (Nova 34.0.0) or ``"seed"`` (the vendor Queens build, 17.0.13; ``"seed-17.0.4"``
    another point release) — see `fakecloud.profiles`; `config` overrides tunables by section,
    plus ``switches: {name: value}`` and ``bugs: [lp...]`` to change behaviour switches.
    """

    def __init__(
        self,
        seed: int = 0,
        profile: str = "seed",
        config: Config | Mapping[str, Any] | None = None,
    ):
        # Ids derive from the seed's text, so 1.0, True or "1" would each quietly build a
        # world other than seed 1's (and an object's repr, with its address, another each run).
        seed = whole_number(seed, "Cloud", "seed")
        profile_name(profile, "Cloud")
        with naming("Cloud", "config"):
            cfg, switches = _build_config(config)
            self.kernel = Kernel(seed=seed, profile=profile, config=cfg, switches=switches)
        self.seed = seed
        self.profile = profile
        kernel = self.kernel
        with naming("Cloud", "config"):  # (a service's section read as it is built)
            # Services, each built on the kernel (one line each, in dependency order).
            # >>> services
            self.keystone = Keystone(kernel)
            self.glance = Glance(kernel)
            self.cinder = Cinder(kernel)
            self.nova = Nova(kernel, cinder=self.cinder, glance=self.glance)
        del kernel
        self._wire_services()

    def _wire_services(self) -> None:
        """Connect the services the way a deployment does: Cinder reads images from Glance,
        and the cloud starts with Glance's public base images, owned by the admin project."""
        late.module("fakecloud.fault_points").declare(self.kernel.faults)
        self.kernel.keystone = self.keystone

        images = late.module("fakecloud.cinder.images")
        self.cinder.image_service = images.GlanceImageService(self.glance)
        admin = self.keystone.directory.project_by_name("admin")
        self.glance.add_base_images(admin.id if admin is not None else None)

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

    # -- identity, and the ways real clients reach the cloud --------------------------------

    @property
    def auth_url(self) -> str:
        """Keystone's URL as clients are given it (``http://identity.fakecloud.test/v3``)."""
        return self.keystone.auth_url

    def credentials(
        self, user: str = "demo", application_credential: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Keyword arguments for ``openstack.connect(**cloud.credentials())`` as `user`.

        The user's password and default project come from the ``identity`` config; environment
        variables and the user's own clouds.yaml are switched off, so a test reaches this cloud
        only. Use inside ``with cloud.intercept():`` (or against ``fakecloud serve``). With
        `application_credential` (the ``id`` and ``secret`` its create answered) the client
        authenticates with it instead (``auth_type: v3applicationcredential``).
        """
        from fakecloud.transport.clients import credentials

        call = "cloud.credentials"
        if application_credential is None:
            user_name(self, user, call)
        checked_credential(application_credential, call)
        return credentials(self, user, application_credential=application_credential)

    def connection(self, user: str = "demo") -> Any:
        """An ``openstack.connection.Connection`` as `user`; it sends no request until used,
        and must be used inside ``with cloud.intercept():``."""
        clients = late.module("fakecloud.transport.clients")
        return clients.connection(self, user_name(self, user, "cloud.connection"))

    def clouds_yaml(self) -> str:
        """A clouds.yaml text with one ``fakecloud-<user>`` entry per user (and
        ``fakecloud-system-admin``), pointing at this cloud's endpoints."""
        from fakecloud.transport.clients import clouds_yaml

        return clouds_yaml(self)

    def intercept(self, allow_other_hosts: bool = False) -> Any:
        """Context manager: route every ``requests`` call to this cloud's hosts in-process, and
        bind the clock (``time.sleep`` advances virtual time). Other hosts fail with a clear
        ConnectionError unless `allow_other_hosts`. Enter it once per test."""
        intercept = late.module("fakecloud.transport.intercept")
        allowed = flag(allow_other_hosts, "cloud.intercept", "allow_other_hosts")
        return intercept.Intercept(self, allow_other_hosts=allowed)

    def request(
        self,
        service_type: str,
        method: str,
        path: str,
        body: Any = None,
        user: str | None = "demo",
        microversion: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """One API call without HTTP, authenticated as `user`; returns the service's
        `fakecloud.api.http.Response` (status, also as ``status_code``, headers, ``.json()``,
        ``.text``).

        `path` is the path on the service's host (``/v2.1/servers``, ``/v3/{project_id}/
        snapshots``: ``{project_id}`` becomes the user's project; ``volumev2``, Cinder's v2 API,
        takes ``/v2/{project_id}/...`` paths, and is a KeyError on a cloud whose Cinder serves
        none, 19.0.0 on); `body` is sent as JSON;
        `microversion` (``"2.60"``, ``"latest"``) sets ``OpenStack-API-Version`` with the
        service's name added (a ValueError for a value of two words, ``"volume 3.27"``: send a
        whole header in `headers`); ``user=None`` sends no token. Work the
        request starts runs on the virtual clock until the answer is ready. An answer to
        ``HEAD`` has no body, as over HTTP.
        """
        gateway = self.__dict__.get("_gateway")
        if gateway is None:
            from fakecloud.transport.gateway import Gateway

            gateway = self._gateway = Gateway(self)
        return gateway.call(
            service_type,
            method,
            path,
            body=body,
            user=user,
            microversion=microversion,
            headers=headers,
        )

    def request_at(
        self,
        t: float,
        service_type: str,
        method: str,
        path: str,
        body: Any = None,
        user: str = "demo",
        microversion: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Send a request when the clock reaches virtual time `t`, whatever drives it then: a
        client's ``time.sleep`` inside ``intercept()``, `advance`, or `run_until_idle` while
        other work runs until `t` (on a cloud with none it returns at once: `advance`); a `t` the
        clock has passed is refused (`fakecloud.bounds.OutOfRange`), not sent at once. Returns a
        `fakecloud.transport.scheduled.ScheduledRequest`, whose ``.response`` is the answer once
        given (None before). For what happens while code under test waits (the owner deleting
        the server whose snapshot it awaits); the arguments are `request`'s, `path` too: the
        path on the service's host (``/v2.1/servers``), sent as it is."""
        from fakecloud.transport.scheduled import request_at

        return request_at(self, t, service_type, method, path, body, user, microversion, headers)

    def context(self, user: str = "demo") -> Any:
        """The `RequestContext` a service sees for `user` (scoped to the user's default
        project; implied roles included), from a token issued and reused until it is about to
        expire (keystoneauth's two minutes)."""
        with self.kernel.lock:  # another thread's run of the cloud ends first
            return self.keystone.token_for(user).context

    # -- save, load, fork ---------------------------------------------------------------------

    def save(self, path: Any) -> None:
        """Write this idle cloud's whole state to `path` (JSON data, no code); `Cloud.load`
        continues from it exactly. Work still in flight is refused, naming the processes; a
        `path` that is no file path, a directory or in no folder, naming `path`, before the
        state is written out."""
        from fakecloud.state import save

        save(self, save_target(path, "cloud.save"))

    @classmethod
    def load(cls, path: Any) -> Cloud:
        """A cloud continuing exactly from the state `Cloud.save` wrote to `path` (a
        TypeError naming `path` for what is no file path)."""
        from fakecloud.state import load

        return load(file_path(path, "Cloud.load"), cloud_class=cls)

    def fork(self) -> Cloud:
        """An independent copy of this idle cloud that continues exactly as it would (same
        answers, same trace bytes); cheap enough to start every test or seed from one world."""
        from fakecloud.state import fork

        return fork(self)

    def __deepcopy__(self, memo: dict) -> Cloud:
        """``copy.deepcopy(cloud)`` is `fork` (it was "cannot pickle '_thread.lock' object")."""
        return self.fork()

    def __copy__(self) -> Cloud:
        """``copy.copy(cloud)`` is `fork` too: a shallow copy shared every service and the
        clock with the original, so each changed the other."""
        return self.fork()

    def __reduce__(self) -> Any:
        """A cloud is not pickled (its clock's processes and bindings are of this process):
        say what keeps one (it was "Can't pickle local object 'Kernel.__init__...'")."""
        raise TypeError(
            "a Cloud cannot be pickled: cloud.save(path) writes its whole state as JSON data "
            "and Cloud.load(path) reads it back (in any process); cloud.fork() copies it here"
        )

    # -- invariants --------------------------------------------------------------------------

    def check_invariants(self, names: Any = None) -> Any:
        """Violations of the invariant library (all invariants, or those in `names`).

        Returns a list of `fakecloud.invariants.Violation` (empty: all hold); its
        ``.not_applicable`` maps each invariant that could not be checked here to the reason.
        """
        from fakecloud.invariants import check_invariants

        with self.kernel.lock:  # another thread's run of the cloud ends first
            return check_invariants(self, names)
