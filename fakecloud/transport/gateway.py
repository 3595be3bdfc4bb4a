"""The gateway: one wire request → the right service → one `Response`, for both transports.

Intercepted ``requests`` calls and the real HTTP server both come through here: the request's
host (or port) picks the service mounted there (``cloud.nova.api`` on the compute host, and so
on, found by service type when the request arrives, so services added after the cloud was built
are served too); the token is checked (`fakecloud.transport.auth`); the service dispatches, and
a handler that takes virtual time is run on the simulation clock (``service.call``). Traffic a
cloud cannot serve gets a clear 404 fault naming the path: a host with no service yet, or a
path no route of the service matches.

An endpoint URL may carry a path (``http://proxy.example/fakecloud/compute``), as real services
mounted behind a proxy path are (devstack serves Keystone at ``/identity``): the path is the
mount's prefix, taken off before the service routes the request and kept in the base URL its
links are built on. Several services may share one host under different paths.

`call` is the same path without HTTP, as ``cloud.request`` uses it.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from copy import copy
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

from fakecloud.api import cors
from fakecloud.api.faults import openstack_fault
from fakecloud.api.http import Headers, HttpError, Request, Response, WsgiServerError
from fakecloud.api.router import NoRoute
from fakecloud.identity.exception import Error as IdentityError
from fakecloud.transport.auth import DEFAULT_REQUEST_ID_HEADERS as _REQUEST_ID_HEADERS
from fakecloud.transport.auth import authenticate, refuse_token
from fakecloud.transport.endpoints import (
    HOSTS,
    VOLUME_V2,
    check_volume_v2,
    entry,
    host_header,
    host_url,
    netloc,
)
from fakecloud.transport.sizelimit import LIMITED_HOSTS, too_large

_new = object.__new__

#: Statuses whose answers carry no body on the wire (nor does any answer to HEAD).
NO_BODY_STATUS = (204, 304)


@dataclass(frozen=True)
class Mount:
    """What answers on one host: the service (None while the cloud has none) and its base URL."""

    host: str
    base_url: str
    api: Any
    owner: str


class Gateway:
    """The front door of one cloud (plus any extra services mounted on their own URLs)."""

    _hosts: dict[str, tuple[str, str]]
    _base_urls: dict[str, str]
    _prefixed: dict[str, tuple[tuple[str, str], ...]]
    _extra: dict[str, tuple[str, Any]]
    _mounts: dict[str, tuple[str, Any, Mount]]

    def __init__(self, cloud: Any, extra: Mapping[str, Any] | None = None):
        self.cloud = cloud
        self.kernel = cloud.kernel
        config = cloud.kernel.config
        self._hosts = {}
        self._base_urls = {}
        # host[:port] -> ((path prefix, host), ...), longest prefix first: the netlocs where
        # some service's endpoint URL has a path. Other netlocs stay one lookup in _hosts.
        self._prefixed = {}
        mounted: dict[str, list[tuple[str, str]]] = {}
        for host in HOSTS:
            url = self._base_urls[host] = host_url(config, host)
            mounted.setdefault(netloc(url), []).append((mount_path(url), host))
        for where, paths in mounted.items():
            if any(prefix for prefix, _ in paths):
                self._prefixed[where] = tuple(sorted(paths, key=lambda p: -len(p[0])))
            else:
                host = paths[0][1]
                self._hosts[where] = (host, self._base_urls[host])
        self._extra = {}
        for url, api in (extra or {}).items():
            self._extra[netloc(url)] = (url.rstrip("/"), api)
        # host -> (the cloud's attribute holding the service, the service object, its mount):
        # a request finds its mount in one lookup while the cloud keeps that service (a
        # service replaced is looked up afresh).
        self._mounts = {}

    # -- which service answers where ---------------------------------------------------------

    def netlocs(self) -> set[str]:
        """Every ``host[:port]`` this gateway answers for."""
        return set(self._hosts) | set(self._prefixed) | set(self._extra)

    def mount_for_host(self, host: str) -> Mount:
        """The mount of an endpoint host name (``identity``, ``compute``, ``image``, ``volume``)."""
        owner = HOSTS[host].attribute
        service = getattr(self.cloud, owner, None)
        known = self._mounts.get(host)
        if known is not None and known[1] is service:
            return known[2]
        api = getattr(service, "api", None)
        mount = Mount(host, self._base_urls[host], api, f"cloud.{owner}")
        if api is not None:
            self._mounts[host] = (owner, service, mount)
        return mount

    def mount_for_netloc(self, where: str) -> Mount | None:
        """The mount serving ``host[:port]``, or None if it is not one of this cloud's."""
        found = self._hosts.get(where)
        if found is not None:
            return self.mount_for_host(found[0])
        prefixed = self._prefixed.get(where)
        if prefixed is not None and len(prefixed) == 1:
            return self.mount_for_host(prefixed[0][1])
        extra = self._extra.get(where)
        if extra is not None:
            return Mount(where, extra[0], extra[1], f"extra service at {extra[0]}")
        return None

    def mount_for_type(self, service_type: str) -> Mount:
        """The mount of a catalog service type (or alias), or of an extra service by name."""
        for where, (url, api) in self._extra.items():
            if getattr(api, "name", None) == service_type:
                return Mount(where, url, api, f"extra service at {url}")
        return self.mount_for_host(entry(service_type).host)

    # -- serving -----------------------------------------------------------------------------

    def handle_url(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | Iterable,
        body: bytes,
        parts: SplitResult | None = None,
        held: bool = False,
    ) -> Response | None:
        """Answer a request for a full URL; None if its host is not this cloud's. `parts`:
        ``urlsplit(url)``, when the caller has it already; `held`: the caller holds the
        cloud's turn (`Kernel.lock`) already, as the intercept does around the answer and its
        log (the turn is then not taken again: a nested acquire and release, 840 instructions
        a request)."""
        handle = self._handle if held else self.handle
        if parts is None:
            parts = urlsplit(url)
        # A netloc already in normal form (lower case, no default port) is looked up as it is.
        where = parts.netloc
        found = self._hosts.get(where)
        path = parts.path or "/"
        base_url = f"{parts.scheme}://{parts.netloc}"
        if found is not None:  # one of the cloud's own hosts, as clients write it
            # `mount_for_host`'s known answer read in this frame (every request comes here)
            known = self._mounts.get(found[0])
            if known is not None and getattr(self.cloud, known[0], None) is known[1]:
                mount = known[2]
            else:
                mount = self.mount_for_host(found[0])
        else:
            if where not in self._extra:
                where = netloc(url)
                base_url = f"{parts.scheme}://{host_header(parts)}"  # a server's links
                prefixed = self._prefixed.get(where)
                if prefixed is not None:
                    for prefix, host in prefixed:
                        if under(path, prefix):
                            mount = self.mount_for_host(host)
                            path = path[len(prefix) :] or "/"
                            return handle(
                                mount, method, path, parts.query, headers, body, base_url + prefix
                            )
                    return self._outside_prefixes(method, url, where, prefixed)
            mount = self.mount_for_netloc(where)
            if mount is None:
                return None
        return handle(mount, method, path, parts.query, headers, body, base_url)

    def handle(
        self,
        mount: Mount,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str] | Iterable,
        body: bytes,
        base_url: str | None = None,
        *,
        path_decoded: bool = False,
    ) -> Response:
        """Limit the body size, authenticate and dispatch one request to `mount`'s service,
        whole while no other thread runs the cloud (`Kernel.lock`).

        `path` is percent-encoded as on the wire, unless `path_decoded` (WSGI's PATH_INFO).
        """
        # One thread at a time runs the cloud. The lock's own acquire and release, not ``with``:
        # CPython 3.11 makes the block's bound ``__exit__`` and calls it with three arguments,
        # twice the instructions of the pair (1,600 against 840), and every request holds it.
        lock = self.kernel.lock
        lock.acquire()  # this thread's turn of kernel.lock
        try:
            return self._handle(mount, method, path, query, headers, body, base_url, path_decoded)
        finally:
            lock.release()

    def _handle(
        self,
        mount: Mount,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str] | Iterable,
        body: bytes,
        base_url: str | None = None,
        path_decoded: bool = False,
    ) -> Response:
        """`handle` for a caller holding the cloud's turn (`Kernel.lock`); `method` as sent
        (a served ``get`` is no ``GET``: `fakecloud.transport.method_case`)."""
        if not path_decoded and "%" in path:
            path = unquote(path)  # as WSGI's PATH_INFO: routers see decoded segments
        api = mount.api
        if api is None:
            return self._unmounted(mount, method, path)
        if "//" in path and getattr(api, "paste_urlmap", False):
            path = collapse_slashes(without_host(path) if api.urlmap_outermost else path)
        if len(body) > self.kernel.config.oslo_middleware.max_request_body_size:
            refused = self._size_limit(mount, method, path, headers, len(body))
            if refused is not None:
                return refused
        # `Request(method, path, query=..., headers=..., body=..., base_url=...)` without its
        # `__init__`: the fields the wire gives, set in this frame; the others are read from
        # their defaults, which the dataclass keeps on the class, until the request's path
        # sets them (its context, microversion, parameters)
        req = _new(Request)
        req.method = method
        req.path = path
        req.query = parse_qs(query, keep_blank_values=True) if query else {}
        req.headers = _folded(headers)
        req.body = body
        req.base_url = base_url or mount.base_url
        req.params = {}
        early = getattr(api, "answer_before_token", None)
        if early is not None:
            answered = early(req)
            if answered is not None:
                return answered
        refused = authenticate(self.cloud.keystone, api, req)
        if refused is not None:
            return refused if method != "OPTIONS" else cors.filtered(api, method, refused)
        try:
            response = api.call(req)
        except RuntimeError as exc:
            # simpy: the handler waits on something nothing will ever trigger (a stall).
            response = api.render_fault(api.unexpected(exc))
        if response.status == 404:
            response = self._explain_404(api, req, response)
        ctx = req.context
        if ctx is not None and response.__class__ is not WsgiServerError:
            # `stamp_request_id`, in this frame: every request is stamped here
            rid = ctx.request_id
            headers = response.headers
            for name in getattr(api, "request_id_headers", _REQUEST_ID_HEADERS):
                headers[name] = rid
        return response if method != "OPTIONS" else cors.filtered(api, method, response)

    def call(
        self,
        service_type: str,
        method: str,
        path: str,
        *,
        body: Any = None,
        user: str | None = "demo",
        microversion: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """One in-process request, authenticated as `user` (None: no token); see
        ``Cloud.request``. `service_type` is a catalog type, or the ``name`` of an extra
        service."""
        # The user's token issued and the request answered in one turn (`Kernel.lock`): a
        # thread advancing the clock between them could let a token near its end expire.
        lock = self.kernel.lock
        lock.acquire()  # this thread's turn of kernel.lock (not ``with``: see `handle`)
        try:
            return self._call(service_type, method, path, body, user, microversion, headers)
        finally:
            lock.release()

    def _call(
        self,
        service_type: str,
        method: str,
        path: str,
        body: Any,
        user: str | None,
        microversion: str | None,
        headers: Mapping[str, str] | None,
    ) -> Response:
        if (
            service_type.__class__ is not str
            or method.__class__ is not str
            or path.__class__ is not str
            or (user is not None and user.__class__ is not str)
            or (microversion is not None and microversion.__class__ is not str)
            or (headers is not None and headers.__class__ is not dict)
        ):  # the common case costs no call; the check proper is for the others
            check_call_arguments(service_type, method, path, user, microversion, headers)
        if not method.isalpha():
            check_method(method)
        if not method.isupper():
            method = method.upper()  # as requests writes it (``prepare_method``)
        # (a header or two: each checked before a token is issued for the call)
        given = (
            [(key, header_value(key, value)) for key, value in headers.items()] if headers else ()
        )
        mount = self.mount_for_type(service_type)
        if mount.host == "volume" and entry(service_type) is VOLUME_V2:
            check_volume_v2(path, self.kernel.switches.series.cinder)
        # Names folded as they are written: `Headers` takes the dict as it is (no call per
        # header), and `handle` reads it without folding it again.
        sent = {"accept": "application/json"}
        if user is not None:
            try:
                token = self.cloud.keystone.token_for(user)
            except IdentityError as exc:
                # The user's client stops at Keystone's refusal of its token request (no role
                # on the project, a disabled user): that answer is what the caller gets.
                identity = self.mount_for_type("identity").api
                refused = refuse_token(identity, self.cloud.keystone, exc)
                return refused if method != "HEAD" else _bodiless(refused)
            sent["x-auth-token"] = token.id
            if token.project is not None:
                path = path.replace("{project_id}", token.project.id)
        if microversion is not None:
            if len(microversion.split()) > 1:
                raise ValueError(
                    f"cloud.request: microversion: expected a version such as '2.60' or "
                    f"'latest', got {microversion!r}: the service's name is added (a whole "
                    "OpenStack-API-Version value goes in headers=)"
                )
            versions = getattr(mount.api, "versions", None)
            name = versions.service_type if versions is not None else service_type
            sent["openstack-api-version"] = f"{name} {microversion}"
        if body is None:
            raw = b""
        elif isinstance(body, bytes):
            raw = body
        else:
            try:
                raw = json.dumps(body).encode()
            except (TypeError, ValueError, RecursionError) as exc:
                raise TypeError(
                    f"cloud.request: body: expected JSON data or bytes ({exc})"
                ) from None
            sent["content-type"] = "application/json"
        for key, value in given:
            if value is None:  # as requests: a header given None is not sent
                sent.pop(key.lower(), None)
                continue
            sent[key.lower()] = value
        path, _, query = path.partition("?")
        # `Headers(sent)` without folding the names again (each is written folded above)
        folded = dict.__new__(Headers)
        dict.update(folded, sent)
        response = self._handle(mount, method, path, query, folded, raw)  # (`call` holds the turn)
        if method != "HEAD":
            return response
        return _bodiless(response)

    # -- answers for traffic nothing serves --------------------------------------------------

    def _size_limit(
        self,
        mount: Mount,
        method: str,
        path: str,
        headers: Mapping[str, str] | Iterable,
        size: int,
    ) -> Response | None:
        limit = self.kernel.config.oslo_middleware.max_request_body_size
        if size <= limit:
            return None
        pairs = headers.items() if isinstance(headers, Mapping) else headers
        refused = too_large(mount.host, path, Headers(pairs), size, limit)
        if refused is not None:
            # refused before the service's code, traced as the token's refusal is
            # (`refused_at_door`): the request, then its answer with the reason
            actor, line = getattr(mount.api, "name", mount.host), f"{method} {path}"
            self.kernel.trace.emit("api.request", actor, line, user=None)
            self.kernel.trace.emit(
                "api.response",
                actor,
                line,
                status=413,
                user=None,
                reason=f"body of {size} bytes over max_request_body_size {limit}",
            )
            rid_headers = LIMITED_HOSTS.get(mount.host, ())
            if rid_headers:
                rid = self.kernel.ids.request_id()
                for name in rid_headers:
                    refused.headers[name] = rid
        return refused

    def _unmounted(self, mount: Mount, method: str, path: str) -> Response:
        kind = HOSTS[mount.host].service_type if mount.host in HOSTS else mount.host
        response = openstack_fault(
            HttpError(
                404,
                f"fakecloud: nothing serves {method} {mount.base_url}{path}: this cloud has no "
                f"{kind} service ({mount.owner} does not exist).",
            )
        )
        response.headers["x-openstack-request-id"] = self.kernel.ids.request_id()
        return response

    def _outside_prefixes(
        self, method: str, url: str, where: str, prefixed: tuple[tuple[str, str], ...]
    ) -> Response:
        served = ", ".join(f"{host} at {where}{prefix or '/'}" for prefix, host in prefixed)
        response = openstack_fault(
            HttpError(404, f"fakecloud: nothing serves {method} {url}: this host serves {served}.")
        )
        response.headers["x-openstack-request-id"] = self.kernel.ids.request_id()
        return response

    def _explain_404(self, api: Any, req: Request, response: Response) -> Response:
        try:
            api.router.match(req.method, req.path)
        except NoRoute as miss:
            detail = f"fakecloud: the {api.name} service has no route for {req.method} {req.path}"
            explained = api.no_route(req, miss, detail)
            if explained.status != 404:
                return response
            for key, value in response.headers.items():
                explained.headers.setdefault(key, value)
            return explained
        return response


#: What each of ``cloud.request``'s arguments must be: (types, None allowed, an example).
_CALL_ARGUMENTS = {
    "service_type": (str, False, "a string such as 'compute'"),
    "method": (str, False, "a string such as 'GET'"),
    "path": (str, False, "a string such as '/v2.1/servers'"),
    "user": (str, True, "a user name such as 'demo', or None for no token"),
    "microversion": (str, True, "a string such as '2.60' (as a number, 2.10 would be 2.1)"),
    "headers": (Mapping, True, "a mapping of header names to values"),
}


def check_call_arguments(*values: Any) -> None:
    """Refuse an argument of ``cloud.request`` of the wrong type with a TypeError naming it
    (not an AttributeError from deep inside, or a float microversion read as other text)."""
    for (name, (kind, optional, example)), value in zip(
        _CALL_ARGUMENTS.items(), values, strict=True
    ):
        if not isinstance(value, kind) and not (optional and value is None):
            raise TypeError(f"cloud.request: {name}: expected {example}, got {value!r}")


def header_value(name: Any, value: Any) -> str | None:
    """A header value of ``cloud.request`` as ``requests`` takes it: bytes are sent as they
    are (read as latin-1, as HTTP carries them), None drops the header; a number, or a line
    break (a second header smuggled in), is requests' InvalidHeader: here a TypeError naming
    the header (a float version was a 500). So are a name requests refuses (empty, leading
    whitespace, a colon) or http.client cannot write (past ASCII), and a value with leading
    whitespace or a character past latin-1 (http.client's ``UnicodeEncodeError``): each was
    sent in process, an answer a real client never gets."""
    if isinstance(name, str) and value is None:
        return None
    if isinstance(name, str) and isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(name, str) or not isinstance(value, str):
        raise TypeError(
            f"cloud.request: headers: {name!r} must be a string (or bytes), as requests "
            f"sends it, got {value!r}"
        )
    if _HEADER_NAME.fullmatch(name) is None or not name.isascii():
        raise TypeError(
            f"cloud.request: headers: {name!r} is no header name (ASCII, no colon, line "
            "break or leading whitespace), as requests and http.client refuse it"
        )
    if "\n" in value or "\r" in value:
        raise TypeError(f"cloud.request: headers: {name!r} holds a line break: {value!r}")
    if value[:1].isspace():
        raise TypeError(
            f"cloud.request: headers: {name!r} starts with whitespace, which requests "
            f"refuses: {value!r}"
        )
    if not value.isascii():
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            raise TypeError(
                f"cloud.request: headers: {name!r} holds a character HTTP does not carry "
                f"(http.client writes values as latin-1): {value!r}"
            ) from None
    return value


#: A header name requests takes (``requests.utils``' ``_CLEAN_HEADER_REGEX_STR``).
_HEADER_NAME = re.compile(r"[^:\s][^:\r\n]*")

#: An HTTP method: an RFC 9110 token (what a server reads as one).
_METHOD = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def check_method(method: str) -> None:
    """Refuse a method of ``cloud.request`` that is no HTTP token (empty, a space, a control
    character) with a ValueError naming it: it was sent in process, a 404 'no route'."""
    if not method.isalpha() and _METHOD.fullmatch(method) is None:
        raise ValueError(
            f"cloud.request: method: expected an HTTP method such as 'GET' (a token: no "
            f"space or control character), got {method!r}"
        )


_SLASHES = re.compile("//+")


def collapse_slashes(path: str) -> str:
    """``paste.urlmap.URLMap.normalize_url(path, False)`` (Paste 2.0.3-3.x; ``URLMap.__call__``
    passes the result on as ``PATH_INFO``): each run of ``/`` made one, the rest kept, a final
    ``/`` included (``/v2.1//servers`` is ``/v2.1/servers``, ``/v2/images//`` is
    ``/v2/images/``)."""
    return _SLASHES.sub("/", path)


_ABSOLUTE = re.compile("^(http|https)://", re.I)


def without_host(path: str) -> str:
    """The path of a whole URL given as the path, as ``paste.urlmap.URLMap.normalize_url``
    reads one (``http://host/v2.1/servers`` is ``/v2.1/servers``, ``https://host`` is ``""``);
    any other path as it is."""
    match = _ABSOLUTE.search(path)
    if match is None:
        return path
    rest = path[match.end() :]
    return "/" + rest.split("/", 1)[1] if "/" in rest else ""


def mount_path(url: str) -> str:
    """The path an endpoint URL mounts its service at (``""`` at the root), without a trailing
    slash: ``http://proxy.example/fakecloud/`` -> ``/fakecloud``."""
    return urlsplit(url).path.rstrip("/")


def under(path: str, prefix: str) -> bool:
    """Whether `path` is `prefix` or below it (``/fakecloud/v3``, not ``/fakecloudy``)."""
    return not prefix or path == prefix or path.startswith(prefix + "/")


def _folded(headers: Mapping[str, str] | Iterable) -> Headers:
    """The request's headers, names folded to lower case; ``requests``' case-insensitive dict
    holds them already folded (its store maps each lower-case name to the name as sent and
    the value), read in one pass without a call per name."""
    if headers.__class__ is Headers:  # folded already (``cloud.request``'s own)
        return headers
    folded = dict.__new__(Headers)  # empty, without a call to `Headers.__init__`
    store = getattr(headers, "_store", None)
    if store.__class__ is OrderedDict:  # requests.structures.CaseInsensitiveDict
        # Read as a plain dict, whose order is the store's (it only sets and deletes keys): an
        # OrderedDict's own iterators look every key up again in its index. A comprehension
        # merged into the empty dict as a whole: 12,500 -> 9,400 instructions for a poll's
        # seven headers against zip and map (a call of `itemgetter` each) merged pair by pair.
        dict.update(folded, {key: pair[1] for key, pair in dict.items(store)})
        return folded
    lower_items = getattr(headers, "lower_items", None)
    if lower_items is None:
        return Headers(headers)
    dict.update(folded, lower_items())
    return folded


def wire_headers(response: Response) -> list[tuple[str, str]]:
    """The response's headers as wire lines: a list value gives one line per item (several
    ``Vary`` lines, for instance); a JSON body gets ``Content-Type: application/json``."""
    headers = response.headers
    # One pass over the headers, a list value on a line per item (Nova's versioned answers:
    # Vary on two lines): a copy of the items, a pass to find a value that is not a string
    # and then the lines made anew cost a Nova answer 12,300 instructions, the pass 7,000.
    lines: list[tuple[str, str]] = []
    append = lines.append
    for item in headers.items():
        value = item[1]
        if value.__class__ is str:
            append(item)
        elif value.__class__ is tuple or value.__class__ is list:
            key = item[0]
            for one in value:
                append((key, str(one)))
        else:
            append((item[0], str(value)))
    # The content type is looked for in its usual spellings before name by name, so the usual
    # answer costs no call per header.
    if (
        response.body is not None
        and "Content-Type" not in headers
        and "content-type" not in headers
        and (headers.keys() <= _OTHER_NAMES or _no_content_type(headers))
    ):
        lines.append(("Content-Type", body_type(response.body)))
    return lines


_OTHER_NAMES: set[str] = set()
"""Header names seen in answers that are not a spelling of ``Content-Type``: an answer whose
names are all here (Nova's: its request ids and version headers) is known to have none without
folding each name again (a service's names are a handful; learning stops at 1,000)."""


def _no_content_type(headers: Mapping[str, Any]) -> bool:
    """Whether no header name folds to ``content-type``; the names are learnt if so."""
    if [1 for key in headers if key.lower() == "content-type"]:
        return False
    if len(_OTHER_NAMES) < 1000:
        _OTHER_NAMES.update(headers)
    return True


def body_type(body: Any) -> str:
    """The ``Content-Type`` of a body its handler gave none (raw bytes, or JSON)."""
    return "application/octet-stream" if isinstance(body, bytes) else "application/json"


def _bodiless(response: Response) -> Response:
    """`response` without its body, as every service's server sends an answer to ``HEAD``
    (`wire_body`): in-process callers see what HTTP ones do."""
    if not response.body:
        return response
    bodiless = copy(response)  # its refusal kind kept
    bodiless.body = b""
    headers = response.headers
    if "Content-Type" not in headers and _no_content_type(headers):
        # the type the server's line names for the body it does not send (`wire_headers`)
        bodiless.headers = copy(headers)
        bodiless.headers["Content-Type"] = body_type(response.body)
    return bodiless


def wire_body(response: Response, method: str) -> bytes:
    """The body bytes to send (none for HEAD, 204 and 304)."""
    if method == "HEAD" or response.status in NO_BODY_STATUS:
        return b""
    return response.content()
