"""Where each service lives: one host per service, and the catalog URL built on it.

Every fake service answers on its own base URL (``http://compute.fakecloud.test``); the catalog
URL a client is given adds the service's version path (``/v2.1``, ``/v3/{project_id}``). The
hosts are configuration (section ``endpoints``), so server mode can point them at
``http://127.0.0.1:<port>`` and several clouds can live on different hosts.

    >>> cfg = Config.from_mapping()
    >>> service_url(cfg, "block-storage", project_id="p1")
    'http://volume.fakecloud.test/v3/p1'

Services read their peers' URLs from here, e.g. Nova's pre-2.45 ``Location`` header is
``service_url(kernel.config, "image") + "/images/<id>"``.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urlsplit

from fakecloud.config import config_section
from fakecloud.suggest import did_you_mean

DEFAULT_PORT_BASE = 8770
"""The first port ``fakecloud serve`` listens on (the next ones are the other services':
`fakecloud.transport.server.SERVICE_HOSTS`), and ``fakecloud clock``'s default."""


@config_section("endpoints")
@dataclass(frozen=True)
class EndpointsConfig:
    """The base URL of each service: scheme and host, optionally a port and a path (a prefix
    such as ``http://proxy.example/fakecloud``: the service is mounted there)."""

    identity: str = "http://identity.fakecloud.test"
    """Keystone's base URL in the catalog, which in-process clients are routed by."""
    compute: str = "http://compute.fakecloud.test"
    """Nova's base URL in the catalog, which in-process clients are routed by."""
    image: str = "http://image.fakecloud.test"
    """Glance's base URL in the catalog, which in-process clients are routed by."""
    volume: str = "http://volume.fakecloud.test"
    """Cinder's base URL in the catalog (as ``volumev3`` and ``block-storage``), which
    in-process clients are routed by."""


@dataclass(frozen=True)
class ServiceEntry:
    """One catalog entry: its type and name, the host it lives on, the version path the catalog
    URL adds (may hold ``{project_id}``), and the `Cloud` attribute whose ``.api`` serves it."""

    service_type: str
    name: str
    host: str
    path: str
    attribute: str


#: The catalog, in the order Keystone lists it. Cinder is listed twice, as ``volumev3`` for
#: older clients and ``block-storage`` for newer ones (Tempest's default), on one URL.
CATALOG: tuple[ServiceEntry, ...] = (
    ServiceEntry("identity", "keystone", "identity", "/v3", "keystone"),
    ServiceEntry("compute", "nova", "compute", "/v2.1", "nova"),
    ServiceEntry("image", "glance", "image", "", "glance"),
    ServiceEntry("volumev3", "cinderv3", "volume", "/v3/{project_id}", "cinder"),
    ServiceEntry("block-storage", "cinder", "volume", "/v3/{project_id}", "cinder"),
)

#: Cinder's v2 API, in the catalog before Cinder 19.0.0 (its ``volumev2`` service, which
#: devstack registered through stable/wallaby, ``lib/cinder`` ``create_cinder_accounts``, and
#: which clients of those years ask for: python-openstackclient's volume commands default to
#: API 2 through 3.19.0, Stein's). Not in `CATALOG`: `fakecloud.identity.catalog` adds it by series.
VOLUME_V2 = ServiceEntry("volumev2", "cinderv2", "volume", "/v2/{project_id}", "cinder")
#: The first Cinder without the v2 API (e05b261af: ``root_app_factory`` drops ``/v2``).
CINDER_V2_GONE_FROM = 19
#: Cinder's v1 entry, ``volume`` (name ``cinder``) at ``/v1/$(project_id)s``: devstack still
#: registered it through stable/rocky (``lib/cinder`` ``create_cinder_accounts``, queens-eol and
#: rocky-eol), though Cinder 12.0.0 no longer serves ``/v1`` (``cinder.api.root_app_factory``
#: drops it from the paste map, so a v1 request reaches the versions router, whose 404 it
#: gets). Not in `CATALOG`: `fakecloud.identity.catalog` adds it by series.
VOLUME_V1 = ServiceEntry("volume", "cinder", "volume", "/v1/{project_id}", "cinder")
#: The first Cinder whose devstack lists no v1 entry (devstack bfd2a54c, "Stop creating the
#: cinderv1 endpoint", in stable/stein).
CINDER_V1_ENTRY_GONE_FROM = 14
#: Nova's legacy v2 entry, ``compute_legacy`` (name ``nova_legacy``) at
#: ``$(project_id)s`` under ``/v2``: devstack registers it on every release, before
#: ``compute`` (``lib/nova`` ``create_nova_accounts``, since 8349aff5; queens-eol to master),
#: and Nova serves its legacy v2 compatible API there. Not in `CATALOG` (clients name
#: ``compute``): `fakecloud.identity.catalog` adds it to every catalog.
COMPUTE_LEGACY = ServiceEntry(
    "compute_legacy", "nova_legacy", "compute", "/v2/{project_id}", "nova"
)

#: Host name (a field of `EndpointsConfig`) → the entry that owns it (first one listed).
HOSTS: dict[str, ServiceEntry] = {}
for _entry in CATALOG:
    HOSTS.setdefault(_entry.host, _entry)

#: Other names of a service type, taken wherever one is named (`entry`, ``cloud.request``, a
#: scenario step's ``service:``).
SERVICE_ALIASES = {
    "volume": "block-storage",
    "block_storage": "block-storage",
    "blockstorage": "block-storage",
    "keystone": "identity",
    "nova": "compute",
    "glance": "image",
    "cinder": "block-storage",
}
_BY_TYPE = {e.service_type: e for e in (*CATALOG, VOLUME_V2)}


def entry(service_type: str) -> ServiceEntry:
    """The catalog entry of `service_type` (aliases such as ``volume`` and ``nova`` work;
    ``volumev2`` is Cinder's v2 API, `VOLUME_V2`, whichever release: see `check_volume_v2`)."""
    key = service_type.strip().lower()
    found = _BY_TYPE.get(SERVICE_ALIASES.get(key, key))
    if found is None:
        choices = list(_BY_TYPE) + list(SERVICE_ALIASES)
        raise KeyError(
            f"unknown service type {service_type!r}{did_you_mean(key, choices)}; "
            f"known: {', '.join(_BY_TYPE)}"
        )
    return found


def check_volume_v2(path: str, cinder_series: int) -> None:
    """Refuse a request named for ``volumev2`` that Cinder's v2 API cannot answer: on a Cinder
    of 19.0.0 or later (a `KeyError`, as for a type no catalog has: the release serves no v2
    API and its catalog lists no ``volumev2``, where a client's endpoint look-up fails), or with
    a path of its v3 API (a `ValueError`: ``/v3/...`` is ``volumev3``'s)."""
    if cinder_series >= CINDER_V2_GONE_FROM:
        raise KeyError(
            f"this cloud has no volumev2 service: its Cinder ({cinder_series}.x) serves no v2 "
            f"API (gone in {CINDER_V2_GONE_FROM}.0.0, e05b261af) and its catalog lists none, "
            "so a client's look-up of volumev2 fails there; its block-storage API is v3: "
            "service volumev3 or block-storage, paths /v3/{project_id}/..."
        )
    if path.lstrip("/").partition("?")[0].partition("/")[0] == "v3":
        raise ValueError(
            f"service volumev2 is Cinder's v2 API, at /v2/{{project_id}}: {path!r} is a path "
            "of its v3 API (service volumev3 or block-storage)"
        )


def host_url(config: Any, host: str) -> str:
    """The base URL of one host (``identity``, ``compute``, ``image``, ``volume``)."""
    return getattr(config.endpoints, host).rstrip("/")


def service_url(config: Any, service_type: str, project_id: str | None = None) -> str:
    """The catalog URL of `service_type`; ``{project_id}`` is filled in, or dropped if None."""
    found = entry(service_type)
    path = found.path
    if "{project_id}" in path:
        path = (
            path.replace("/{project_id}", "")
            if project_id is None
            else path.format(project_id=project_id)
        )
    return host_url(config, found.host) + path


def auth_url(config: Any) -> str:
    """The Keystone v3 URL clients are given as ``auth_url``."""
    return service_url(config, "identity")


def netloc(url: str) -> str:
    """The ``host[:port]`` of a URL, lower case, without a default port and without the
    trailing dot of a fully qualified host (``compute.fakecloud.test.``: the same host in DNS;
    urllib3 resolves the dotted name and sends the ``Host`` header without the dot). An IPv6
    host keeps its brackets, in its one compressed spelling (``[0:0::1]`` is ``[::1]``)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.endswith("."):
        host = host[:-1]
    elif ":" in host:  # only an IPv6 literal holds a colon
        host = f"[{_ipv6(host)}]"
    port = parts.port
    if port is None or (parts.scheme, port) in (("http", 80), ("https", 443)):
        return host
    return f"{host}:{port}"


def _ipv6(host: str) -> str:
    try:
        return ipaddress.IPv6Address(host).compressed
    except ValueError:  # urlsplit checks a bracketed host only from Python 3.11.4
        return host


_TRAILING_DOT = re.compile(r"\.(?=(?::\d*)?$)")


def host_header(parts: SplitResult) -> str:
    """The ``Host`` header urllib3 sends for a URL (`parts`, its split): the netloc as written
    (requests has lower-cased it) without user info, a default port, or the trailing dot of a
    fully qualified host (``urllib3.connection.HTTPConnection.host``)."""
    where = parts.netloc.rpartition("@")[2]
    if (parts.scheme, parts.port) in (("http", 80), ("https", 443)):
        where = where.rpartition(":")[0]
    return _TRAILING_DOT.sub("", where, count=1)
