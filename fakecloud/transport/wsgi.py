"""Each service of a cloud as a WSGI application, to serve from any WSGI server.

    >>> from fakecloud import Cloud
    >>> from fakecloud.transport.wsgi import application
    >>> cloud = Cloud(seed=1)
    >>> compute = application(cloud, "compute")      # also "identity", "image", "volume"
    >>> # waitress.serve(compute, listen="127.0.0.1:8774"), or mount it in your own server

A request goes through the same gateway as in-process calls (`fakecloud.transport.gateway`):
body-size limit, token check, the service's router, virtual time run until the answer is ready
(with ``settle=True``, until the cloud is idle: a client that polls finds the work done; where
the cloud's clock has `SettledSpans`, as a paced server's has, the calendar stands still
meanwhile).
Every application of one cloud holds the cloud's one lock (`fakecloud.sim.kernel.Kernel.lock`,
which in-process requests and runs of the clock hold too), because the simulation is
single-threaded; a multi-threaded server may call them concurrently. Catalog URLs, links and
``Location`` headers come from the cloud's ``endpoints`` configuration, so build the cloud
with the URLs you serve it on (`fakecloud.transport.server.FakecloudServer` does that).
Under a URL prefix, give the endpoint URL the prefix (``http://host/fakecloud``) and mount the
application there (the server's ``SCRIPT_NAME``); a proxy that passes the whole path to a server
mounted at the root is served too, the endpoint's path taken as the mount.

Nothing raised inside reaches the server: a fakecloud bug becomes the service's own 500 fault
body, and the ``Date`` header is the cloud's virtual calendar time.
"""

from __future__ import annotations

import datetime
import email.utils
from collections.abc import Callable, Iterable
from typing import Any

from fakecloud.api.http import Response
from fakecloud.api.reasons import phrase
from fakecloud.errors import SimulationNotIdle
from fakecloud.transport.answer_date import apache_fronts
from fakecloud.transport.endpoints import HOSTS, entry
from fakecloud.transport.field_order import field_order
from fakecloud.transport.gateway import (
    Gateway,
    Mount,
    mount_path,
    under,
    wire_body,
)
from fakecloud.transport.method_case import served_method
from fakecloud.transport.sizelimit import LIMITED_HOSTS

#: WSGI's callable types, spelled out.
StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

#: Response headers a WSGI application must leave to the server (PEP 3333 hop-by-hop).
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "content-length"}
)


def status_line(status: int) -> str:
    """``"404 Not Found"``: the WSGI status string of a code."""
    return f"{status} {phrase(status, 'Unknown')}"


def http_date(cloud: Any) -> str:
    """The ``Date`` header: the cloud's virtual calendar time, RFC 7231 format."""
    wall = cloud.kernel.clock.wall_time()
    return email.utils.format_datetime(wall.replace(tzinfo=datetime.UTC), usegmt=True)


def request_headers(environ: dict[str, Any]) -> list[tuple[str, str]]:
    """The request's headers from a WSGI environ (``HTTP_X_AUTH_TOKEN`` → ``X-Auth-Token``)."""
    out = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            out.append((key[5:].replace("_", "-").title(), value))
    for key, name in (("CONTENT_TYPE", "Content-Type"), ("CONTENT_LENGTH", "Content-Length")):
        if environ.get(key):
            out.append((name, environ[key]))
    return out


def read_body(environ: dict[str, Any], most: int | None = None) -> bytes:
    """The request body (at most `most` + 1 bytes when `most` is given: enough to tell a body
    that is over a limit), per PEP 3333: ``CONTENT_LENGTH`` bytes, or to EOF when the server
    says the input is terminated."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= 0 and not environ.get("wsgi.input_terminated"):
        return b""
    if most is not None:
        length = min(length, most + 1) if length > 0 else most + 1
    return stream.read(length) if length > 0 else stream.read()


def wire_path(environ: dict[str, Any]) -> str:
    """SCRIPT_NAME-relative path, as text (PEP 3333 carries it as latin-1 decoded bytes)."""
    raw = environ.get("PATH_INFO", "") or "/"
    try:
        return raw.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return raw


def base_url(environ: dict[str, Any]) -> str:
    """``scheme://host[:port]`` plus the mount prefix, as the client addressed the server."""
    scheme = environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_HOST")
    if not host:
        host = environ.get("SERVER_NAME", "localhost")
        port = str(environ.get("SERVER_PORT", ""))
        if port and (scheme, port) not in (("http", "80"), ("https", "443")):
            host = f"{host}:{port}"
    return f"{scheme}://{host}{environ.get('SCRIPT_NAME', '')}"


class ServiceApplication:
    """One service of one cloud (`host`: identity, compute, image or volume) as a WSGI app."""

    def __init__(
        self,
        cloud: Any,
        host: str,
        *,
        gateway: Gateway | None = None,
        mount: Callable[[], Mount] | None = None,
        settle: bool = False,
    ):
        self.cloud = cloud
        self.host = host
        self.settle = settle
        self.gateway = gateway or Gateway(cloud)
        self._mount = mount or (lambda: self.gateway.mount_for_host(host))
        #: The order the service writes its answers' fields in (`field_order`).
        self._front = field_order(host, cloud, apache_fronts(host, cloud))

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        """Answer one request (never raises: a crash is the service's 500 fault body)."""
        method = environ.get("REQUEST_METHOD", "GET")  # as sent: `method_case`
        # The cloud's one lock (`Kernel.lock`) for the whole answer: the request, its settling
        # and its Date are one turn, which no in-process thread or control request splits.
        with self.cloud.kernel.lock:
            spans = self.cloud.kernel.clock.settled if self.settle else None
            if spans is not None:
                spans.open(self.cloud.now)
            try:
                try:
                    response = self.answer(environ, method)
                except Exception as exc:  # noqa: BLE001 - no exception may reach the server
                    response = self._crash(exc)
                if self.settle:
                    try:
                        run_until_settled(self.cloud)
                    except Exception as exc:  # noqa: BLE001 - nor a crash of the work it started
                        # (it reached waitress: a bare 500 page, no log or --verbose line)
                        response = self._crash(exc)
            finally:
                if spans is not None:
                    spans.close(self.cloud.now)
            payload = wire_body(response, method)
            lines = self._front.lines(response, method, len(payload), None)  # (Date: below)
            date = _safe_date(self.cloud)
        # The length where the application put it (webob's place, and the answer's in process:
        # `raw_response`), else last; the server's own fields are the server's to write.
        length = ("Content-Length", str(len(payload)))
        headers = []
        for k, v in lines:
            folded = k.lower()
            if folded == "content-length" and length is not None:
                headers.append(length)
                length = None
            elif folded not in HOP_BY_HOP and folded != "date":
                headers.append((k, v))
        headers.append(("Date", date))
        if length is not None:
            headers.append(length)
        start_response(status_line(response.status), headers)
        return [payload] if method != "HEAD" else []

    def answer(self, environ: dict[str, Any], method: str) -> Response:
        """The gateway's answer to the request in `environ` (the caller holds the lock)."""
        mount = self._mount()
        limit = self.cloud.kernel.config.oslo_middleware.max_request_body_size
        path, base = wire_path(environ), base_url(environ)
        prefix = mount_path(mount.base_url)
        if prefix and not environ.get("SCRIPT_NAME") and under(path, prefix):
            # A proxy passed the endpoint's whole path (the server is not mounted at it): the
            # prefix is where the service is mounted, as a server's SCRIPT_NAME would say.
            path, base = path[len(prefix) :] or "/", base + prefix
        if not method.isupper():
            method = served_method(method, mount.host, path, self.cloud)
        return self.gateway.handle(
            mount,
            method,
            path,
            environ.get("QUERY_STRING", ""),
            request_headers(environ),
            read_body(environ, limit if _limited(mount) else None),
            base,
            path_decoded=True,
        )

    def _crash(self, exc: BaseException) -> Response:
        api = self._mount().api
        if api is None:
            return Response(500, {"error": {"code": 500, "message": type(exc).__name__}})
        return api.render_fault(api.unexpected(exc))


def run_until_settled(cloud: Any) -> None:
    """Run `cloud` until it is idle, or as far as it can go: work that waits forever (a stalled
    transfer) or past ``kernel.idle_cap_s`` stays in flight, as it would at any speed."""
    try:
        cloud.run_until_idle()
    except SimulationNotIdle:
        pass


def _limited(mount: Mount) -> bool:
    return mount.host in LIMITED_HOSTS


def _safe_date(cloud: Any) -> str:
    try:
        return http_date(cloud)
    except (OverflowError, ValueError):  # a clock past the calendar: say the last second
        return "Fri, 31 Dec 9999 23:59:59 GMT"


def application(cloud: Any, service: str) -> WsgiApp:
    """The WSGI application of one service of `cloud`.

    `service` is an endpoint host (``identity``, ``compute``, ``image``, ``volume``) or a
    catalog type or alias (``block-storage``, ``nova``, ...). Every application of a cloud
    holds its one lock (`fakecloud.sim.kernel.Kernel.lock`) to answer.
    """
    host = service if service in HOSTS else _host_of(service)
    return ServiceApplication(cloud, host)


def _host_of(service: str) -> str:
    try:
        return entry(service).host
    except KeyError as exc:
        raise ValueError(exc.args[0]) from None
