"""Glance's import methods per series, and web-download's URI filter and simulated web.

**Which methods** (``[DEFAULT] enabled_import_methods``, glance/common/config.py): its default
is ``glance-direct,web-download`` from 16.0.0 (223f2cf88) and adds ``copy-image`` from 20.0.0
(1754c9e2b); ``glance-download`` exists from 25.0.0 (480ea3825) but is never a default (it needs
a federated deployment). `glance.enabled_import_methods` unset takes the series' default.

**web-download's filter** (``utils.validate_import_uri``; ``validate_uri`` from 33.0.0): the
``[import_filtering_opts]`` options (`FILTERING_DEFAULTS`): a scheme must be allowed (``http``,
``https``) and not disallowed, the host likewise, a port given in the URI allowed (80, 443) and
not disallowed; an allowed list wins over its disallowed one. `NORMALIZED_HOST` (8c43caaef, in
Glance 32.0.0 and the 29.2.0, 30.2.0 and 31.1.0 point releases) compares the host normalised:
IP literals in standard form, all-digit or dotted numeric names refused, a name that does not
resolve refused. 33.0.0 (`RESOLVING_FILTER_SINCE`, ``resolve_pinned_address``) also refuses a
host whose addresses are all loopback, link-local (an IPv4-mapped address checked as its IPv4)
or a ``disallowed_hosts`` IP, unless the host is allowed by name, and a port that is no number
fails the filter (before, urlparse's ValueError is Glance's 500). Failing the filter is a 400
"URI for web-download does not pass filtering: URI".

**The simulated web**: there is no network. ``glance.web_download_urls`` names the URLs that
serve an image: ``{url: size}`` or ``{url: {"size": N, "disk_format": ..., "virtual_size":
..., "content_id": ...}}``. Their hosts are the names that resolve (and ``localhost``, to
127.0.0.1); any other URL fails the download at once, as an unreachable or missing URL fails
the task (``urllib``'s ``URLError``).
"""

from __future__ import annotations

import ipaddress
import uuid
from typing import Any
from urllib.parse import urlparse

from fakecloud.errors import ConfigError
from fakecloud.glance.content import ImageData
from fakecloud.glance.errors import HTTPBadRequest
from fakecloud.profiles.provenance import Backport, Change
from fakecloud.profiles.releases import Release

#: Every method Glance knows (33.0.0 refuses any other name in its configuration, b2648b3a6).
KNOWN_METHODS = ("glance-direct", "web-download", "copy-image", "glance-download")
#: The first Glance with ``copy-image`` (1754c9e2b, 20.0.0) and its place in the default.
COPY_IMAGE_SINCE = 20
#: The first Glance with ``glance-download`` (480ea3825, 25.0.0).
GLANCE_DOWNLOAD_SINCE = 25
#: The first Glance whose ``copy-image`` asks the ``copy_image`` policy (21.0.0).
COPY_IMAGE_POLICY_SINCE = 21
#: The filter compares the host normalised (``normalize_hostname``), 8c43caaef "Fix SSRF
#: vulnerabilities in image import API" (Glance master, 2026-03-19): in Glance 32.0.0 (07dd0a203)
#: and backported to 29.2.0 (76b1f02e5), 30.2.0 (bb0d59fff) and 31.1.0 (fdfb958b6), all three
#: tagged 2026-03-23. The releases here are Nova's (the profile's): a Nova release stands for the
#: newest Glance point release of its series tagged before it, so 30.3.0, 31.3.0 and 32.2.0
#: (2026-04-22) are the first with the backports; every 33.x has Glance 32.0.0.
NORMALIZED_HOST = Change(
    "33.0.0",
    "8c43caaef",
    "Fix SSRF vulnerabilities in image import API",
    backports=(
        Backport("30.3.0", "76b1f02e5"),
        Backport("31.3.0", "bb0d59fff"),
        Backport("32.2.0", "fdfb958b6"),
    ),
)
#: The first Glance whose filter resolves the host and refuses loopback and link-local addresses
#: (``resolve_pinned_address``; in no 29.x-32.x point release on PyPI).
RESOLVING_FILTER_SINCE = 33

#: ``[import_filtering_opts]``'s defaults (glance/async_/flows/_internal_plugins/__init__.py).
FILTERING_DEFAULTS: dict[str, list] = {
    "allowed_schemes": ["http", "https"],
    "disallowed_schemes": [],
    "allowed_hosts": [],
    "disallowed_hosts": [],
    "allowed_ports": [80, 443],
    "disallowed_ports": [],
}


def default_import_methods(glance: int) -> list[str]:
    """``enabled_import_methods``' default in Glance major `glance`."""
    if glance < COPY_IMAGE_SINCE:
        return ["glance-direct", "web-download"]
    return ["glance-direct", "web-download", "copy-image"]


def import_methods(config: Any, glance: int) -> list[str]:
    """The methods a Glance enables: `config`'s ``enabled_import_methods`` or the series'
    default; a name no Glance of the series knows is a ConfigError."""
    methods = config.enabled_import_methods
    if methods is None:
        return default_import_methods(glance)
    since = {"copy-image": COPY_IMAGE_SINCE, "glance-download": GLANCE_DOWNLOAD_SINCE}
    for name in methods:
        if name not in KNOWN_METHODS or glance < since.get(name, 0):
            raise ConfigError(
                f"config glance.enabled_import_methods: {name!r} is no import method of "
                f"Glance {glance} (it knows {', '.join(_known(glance))})"
            )
    return list(methods)


def _known(glance: int) -> list[str]:
    known = ["glance-direct", "web-download"]
    if glance >= COPY_IMAGE_SINCE:
        known.append("copy-image")
    if glance >= GLANCE_DOWNLOAD_SINCE:
        known.append("glance-download")
    return known


def filtering_opts(config: Any) -> dict[str, list]:
    """``[import_filtering_opts]``: `FILTERING_DEFAULTS` with ``glance.import_filtering_opts``
    over them (an unknown key is a ConfigError)."""
    given = config.import_filtering_opts
    for key in given:
        if key not in FILTERING_DEFAULTS:
            raise ConfigError(
                f"config glance.import_filtering_opts: unknown option {key!r} (options: "
                f"{', '.join(FILTERING_DEFAULTS)})"
            )
    return {**FILTERING_DEFAULTS, **{k: list(v) for k, v in given.items()}}


class SimulatedWeb:
    """The URLs a cloud's web-download can fetch (``glance.web_download_urls``)."""

    def __init__(self, urls: dict[str, Any]):
        self.urls = dict(urls)
        self.hosts = {urlparse(u).hostname for u in urls} - {None}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SimulatedWeb) and other.urls == self.urls

    __hash__ = None  # type: ignore[assignment]

    def fetch(self, url: str | None) -> ImageData | None:
        """What `url` serves, or None (unreachable, or nothing there)."""
        spec = self.urls.get(url or "")
        if spec is None:
            return None
        if not isinstance(spec, dict):
            spec = {"size": spec}
        return ImageData(
            int(spec["size"]),
            spec.get("content_id", url or ""),
            disk_format=spec.get("disk_format"),
            virtual_size=spec.get("virtual_size"),
        )

    def resolve(self, host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
        """The address a host name resolves to (None: it does not): ``localhost`` is the
        loopback, a name the configured URLs use a public address."""
        if host.rstrip(".") == "localhost":
            return ipaddress.ip_address("127.0.0.1")
        if host in self.hosts:
            return ipaddress.ip_address("203.0.113.1")
        return None


def uri_passes(uri: Any, opts: dict[str, list], r: Release, web: SimulatedWeb) -> bool:
    """Whether `uri` passes the web-download filter of release `r`'s Glance
    (``validate_import_uri`` or, from 33.0.0, ``validate_uri``)."""
    if not uri or not isinstance(uri, str):
        return False
    resolving = r.series.glance >= RESOLVING_FILTER_SINCE
    parsed = urlparse(uri)
    try:
        port = parsed.port
    except ValueError:  # a port that is no number: 33.0.0 fails the filter, before a 500
        if resolving:
            return False
        raise
    scheme, host = parsed.scheme, parsed.hostname
    wl_schemes, bl_schemes = opts["allowed_schemes"], opts["disallowed_schemes"]
    wl_hosts, bl_hosts = opts["allowed_hosts"], opts["disallowed_hosts"]
    wl_ports, bl_ports = opts["allowed_ports"], opts["disallowed_ports"]
    if wl_schemes and bl_schemes:
        bl_schemes = []
    if wl_hosts and bl_hosts:
        bl_hosts = []
    if wl_ports and bl_ports:
        bl_ports = []
    if not scheme or (wl_schemes and scheme not in wl_schemes) or scheme in bl_schemes:
        return False
    address = None
    if resolving or NORMALIZED_HOST.reaches(r):
        host, address = _normalized(host, web)
    if not host or (wl_hosts and host not in wl_hosts) or host in bl_hosts:
        return False
    if port and ((wl_ports and port not in wl_ports) or port in bl_ports):
        return False
    if not resolving:
        return True
    # resolve_pinned_address: no loopback or link-local address unless allowed by name
    if wl_hosts and host in wl_hosts:
        return True
    check = getattr(address, "ipv4_mapped", None) or address
    if check.is_loopback or check.is_link_local:
        return False
    return not any(_same_address(address, b) for b in bl_hosts if b != host)


def _same_address(address: Any, entry: str) -> bool:
    """Whether a ``disallowed_hosts`` entry names `address` (an IP entry, or its text)."""
    try:
        return address == ipaddress.ip_address(entry)
    except ValueError:
        return str(address) == entry


def _normalized(host: str | None, web: SimulatedWeb) -> tuple[str | None, Any]:
    """``normalize_hostname`` and the address the host resolves to: (None, None) for a host
    the filter refuses (empty, numeric shorthand, or unresolvable)."""
    if not host:
        return None, None
    try:
        address = ipaddress.ip_address(host)
        return str(address), address
    except ValueError:
        pass
    if all(c.isdigit() or c == "." for c in host):
        return None, None
    address = web.resolve(host)
    return (host, address) if address is not None else (None, None)


def import_conflict(image: Any, method: str, glance: int) -> str | None:
    """The 409 ``ImagesController.import_image`` answers an import of `image` by `method`
    (Glance 17.0.0 on), or None."""
    copying = glance >= COPY_IMAGE_SINCE and method == "copy-image"
    if image.status == "active" and not copying:
        return "Image with status active cannot be target for import"
    if image.status != "active" and copying:
        return "Only images with status active can be targeted for copying"
    if image.status != "queued" and method in ("web-download", "glance-download"):
        return f"Image needs to be in 'queued' state to use '{method}' method"
    if image.status != "uploading" and method == "glance-direct":
        return "Image needs to be staged before 'glance-direct' method can be used"
    if not image.container_format:
        return "'container_format' needs to be set before import"
    if not image.disk_format:
        return "'disk_format' needs to be set before import"
    return None


def check_glance_download(method: dict) -> None:
    """glance-download's own 400s (``glance_region``, ``glance_image_id`` as a UUID); the
    interface defaults to ``public``."""
    for key in ("glance_region", "glance_image_id"):
        if key not in method:
            raise HTTPBadRequest(
                explanation=f"'{key}' needs to be set for glance-download import method"
            )
    try:
        uuid.UUID(str(method["glance_image_id"]))
    except ValueError:
        raise HTTPBadRequest(
            explanation=f"Remote image id does not look like a UUID: {method['glance_image_id']}"
        )
    method.setdefault("glance_service_interface", "public")
