"""Server mode: one cloud served over real HTTP, one port per service, on 127.0.0.1.

    >>> with FakecloudServer(port_base=0, speed=0) as server:   # ephemeral ports
    ...     print(server.cloud.clouds_yaml())                   # point any client at it

Identity, compute, image and block storage each listen on their own port (``port_base`` + 0, 1,
2, 3; 0 picks free ports), and the cloud is built with its endpoints pointing there, so the
catalog, links and ``Location`` headers name real URLs. The simulation is single-threaded: every
request, and every clock step, holds one lock. Virtual time follows wall time times `speed`
(``speed=0``: it moves only on demand); a request whose handler takes virtual time runs the clock
forward until its answer is ready.

Besides the OpenStack APIs, every port answers fakecloud's control endpoints:

* ``POST /fakecloud/advance {"seconds": s}``: run the cloud `s` virtual seconds forward;
* ``GET /fakecloud/clock``: virtual now, its calendar time, the speed;
* ``POST /fakecloud/faults {rule}`` (or ``{"rules": [...]}``): add fault-plan rules, fields as
  ``cloud.faults.add`` takes them (``point``, ``action``, ``error``, ``match``, ...);
  ``DELETE /fakecloud/faults`` clears them; ``POST /fakecloud/faults/release {"point": p}``
  releases stalled work;
* ``GET /fakecloud/trace?since=N&kind=K``: trace events from sequence number N.

Server mode is the one place fakecloud reads the wall clock: to pace virtual time.
"""

from __future__ import annotations

import dataclasses
import datetime
import email.utils
import json
import sys
import threading
import time
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from fakecloud.config import Config
from fakecloud.errors import FakecloudError
from fakecloud.transport.endpoints import netloc
from fakecloud.transport.gateway import Gateway, wire_body, wire_headers

#: Port offsets from ``port_base``, in this order.
SERVICE_HOSTS = ("identity", "compute", "image", "volume")
DEFAULT_PORT_BASE = 8770
_HOP_BY_HOP = {"content-length", "connection", "transfer-encoding", "keep-alive", "date", "server"}


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # idle keep-alive connections must not hold up shutdown
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], owner: FakecloudServer, host_key: str):
        super().__init__(address, _Handler)
        self.owner = owner
        self.host_key = host_key


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fakecloud"
    timeout = 60
    server: _HTTPServer

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET  # noqa: N815

    def version_string(self) -> str:
        """The ``Server`` header."""
        return self.server_version

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date`` header, in the cloud's virtual calendar time."""
        wall = self.server.owner.cloud.kernel.clock.wall_time()
        return email.utils.format_datetime(wall.replace(tzinfo=datetime.UTC), usegmt=True)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        if self.server.owner.verbose:
            sys.stderr.write(f"fakecloud {self.server.host_key}: {format % args}\n")

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self) -> None:
        owner = self.server.owner
        try:
            body = self._read_body()
            path, _, query = self.path.partition("?")
            if path.startswith("/fakecloud/") or path == "/fakecloud":
                status, headers, payload = owner.control(self.command, path, query, body)
            else:
                host = self.headers.get("Host")
                base_url = f"http://{host}" if host else None
                with owner.lock:
                    mount = owner.mount(self.server.host_key)
                    response = owner.gateway.handle(
                        mount, self.command, path, query, self.headers.items(), body, base_url
                    )
                status = response.status
                headers = wire_headers(response)
                payload = wire_body(response, self.command)
        except Exception as exc:  # noqa: BLE001 - never drop a connection without an answer
            status, headers, payload = _json_answer(
                500, {"error": {"code": 500, "message": f"fakecloud server: {exc!r}"}}
            )
        self.send_response(status)
        for key, value in headers:
            if key.lower() not in _HOP_BY_HOP:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD" and payload:
            self.wfile.write(payload)


def _json_answer(status: int, body: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    payload = json.dumps(body, default=str).encode()
    return status, [("Content-Type", "application/json")], payload


def _with_endpoints(config: Config | Mapping[str, Any] | None, urls: dict[str, str]) -> Any:
    if isinstance(config, Config):
        return config.replace("endpoints", **urls)
    merged = {k: v for k, v in dict(config or {}).items()}
    merged["endpoints"] = {**dict(merged.get("endpoints") or {}), **urls}
    return merged


class FakecloudServer:
    """A cloud served over HTTP: `cloud`, its `urls`, `start`/`stop` (or ``with``)."""

    def __init__(
        self,
        *,
        seed: int = 0,
        profile: str = "seed",
        config: Config | Mapping[str, Any] | None = None,
        host: str = "127.0.0.1",
        port_base: int = DEFAULT_PORT_BASE,
        speed: float = 1.0,
        tick_s: float = 0.05,
        verbose: bool = False,
        extra_services: Mapping[str, Callable[[Any], Any]] | None = None,
    ):
        """Bind the ports, then build the cloud with its endpoints on them.

        `extra_services` maps a name to a factory ``cloud -> ApiService``; each gets a port
        after the four standard ones (tests mount small services this way).
        """
        if speed < 0:
            raise ValueError(f"speed must be 0 or more, got {speed}")
        self.speed = speed
        self.tick_s = tick_s
        self.verbose = verbose
        self.lock = threading.RLock()
        self.errors: list[str] = []
        self._servers: dict[str, _HTTPServer] = {}
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self._serving = False
        try:
            names = list(SERVICE_HOSTS) + list(extra_services or {})
            for offset, key in enumerate(names):
                port = 0 if port_base == 0 else port_base + offset
                self._servers[key] = _HTTPServer((host, port), self, key)
        except OSError:
            self._close_sockets()
            raise
        url_host = "127.0.0.1" if host in ("", "0.0.0.0") else host
        if ":" in url_host:
            url_host = f"[{url_host}]"
        self.urls = {
            key: f"http://{url_host}:{srv.server_address[1]}" for key, srv in self._servers.items()
        }
        standard = {k: v for k, v in self.urls.items() if k in SERVICE_HOSTS}
        from fakecloud.cloud import Cloud

        try:
            self.cloud = Cloud(seed=seed, profile=profile, config=_with_endpoints(config, standard))
        except BaseException:
            self._close_sockets()
            raise
        extra = {self.urls[name]: make(self.cloud) for name, make in (extra_services or {}).items()}
        self.gateway = Gateway(self.cloud, extra)

    # -- life cycle --------------------------------------------------------------------------

    def start(self) -> FakecloudServer:
        """Serve every port (and pace the clock when `speed` > 0) in daemon threads."""
        self._serving = True
        for key, srv in self._servers.items():
            thread = threading.Thread(
                target=srv.serve_forever, kwargs={"poll_interval": 0.1}, name=f"fakecloud-{key}"
            )
            thread.daemon = True
            thread.start()
            self._threads.append(thread)
        if self.speed > 0:
            ticker = threading.Thread(target=self._pace_clock, name="fakecloud-clock", daemon=True)
            ticker.start()
            self._threads.append(ticker)
        return self

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop serving, close every socket, and wait for the threads (at most `timeout_s`)."""
        self._stop.set()
        if self._serving:
            self._serving = False
            for srv in self._servers.values():
                srv.shutdown()
        self._close_sockets()
        for thread in self._threads:
            thread.join(timeout_s)
        self._threads.clear()

    def _close_sockets(self) -> None:
        for srv in self._servers.values():
            srv.server_close()

    def __enter__(self) -> FakecloudServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def request_stop(self) -> None:
        """Ask `wait` to return (safe from a signal handler); `stop` does the closing."""
        self._stop.set()

    def wait(self) -> None:
        """Block until `request_stop` or `stop` is called (a signal handler, another thread)."""
        while not self._stop.wait(0.5):
            pass

    def mount(self, key: str) -> Any:
        """What answers on the port of `key` (a standard host, or an extra service's name)."""
        if key in SERVICE_HOSTS:
            return self.gateway.mount_for_host(key)
        return self.gateway.mount_for_netloc(netloc(self.urls[key]))

    @property
    def auth_url(self) -> str:
        """The served Keystone's ``auth_url``."""
        return self.cloud.auth_url

    def _pace_clock(self) -> None:
        last = time.monotonic()
        while not self._stop.wait(self.tick_s):
            now = time.monotonic()
            step = (now - last) * self.speed
            last = now
            with self.lock:
                try:
                    self.cloud.advance(step)
                except Exception as exc:  # noqa: BLE001 - keep serving; report it
                    self.errors.append(f"t={self.cloud.now:g}: {exc!r}")
                    if self.verbose:
                        sys.stderr.write(f"fakecloud clock: {exc!r}\n")

    # -- control endpoints -------------------------------------------------------------------

    def control(
        self, method: str, path: str, query: str, body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Answer a ``/fakecloud/...`` control request."""
        try:
            data = json.loads(body) if body.strip() else {}
        except ValueError:
            return _json_answer(400, {"error": {"code": 400, "message": "body is not JSON"}})
        route = (method, path.rstrip("/"))
        try:
            with self.lock:
                if route == ("POST", "/fakecloud/advance"):
                    return _json_answer(200, self._advance(data))
                if route == ("GET", "/fakecloud/clock"):
                    return _json_answer(200, self._clock())
                if route == ("POST", "/fakecloud/faults"):
                    return _json_answer(201, self._add_faults(data))
                if route == ("DELETE", "/fakecloud/faults"):
                    self.cloud.faults.clear()
                    return _json_answer(200, {"rules": []})
                if route == ("GET", "/fakecloud/faults"):
                    return _json_answer(200, {"rules": _rules(self.cloud.faults.rules())})
                if route == ("POST", "/fakecloud/faults/release"):
                    point = data.get("point") if isinstance(data, dict) else None
                    if not isinstance(point, str):
                        raise ValueError('give {"point": "<fault point>"}')
                    return _json_answer(200, {"released": self.cloud.faults.release(point)})
                if route == ("GET", "/fakecloud/trace"):
                    return _json_answer(200, self._trace(parse_qs(query)))
        except (ValueError, TypeError, FakecloudError) as exc:
            return _json_answer(400, {"error": {"code": 400, "message": str(exc)}})
        known = "POST advance, GET clock, POST|GET|DELETE faults, POST faults/release, GET trace"
        return _json_answer(
            404,
            {"error": {"code": 404, "message": f"no control endpoint {method} {path}; {known}"}},
        )

    def _clock(self) -> dict[str, Any]:
        kernel = self.cloud.kernel
        return {
            "now": kernel.now,
            "wall_time": kernel.clock.wall_time().isoformat() + "Z",
            "speed": self.speed,
        }

    def _advance(self, data: Any) -> dict[str, Any]:
        seconds = data.get("seconds") if isinstance(data, dict) else None
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
            raise ValueError(f'give {{"seconds": <number >= 0>}}, got {data!r}')
        self.cloud.advance(float(seconds))
        return self._clock()

    def _add_faults(self, data: Any) -> dict[str, Any]:
        rules = data.get("rules") if isinstance(data, dict) and "rules" in data else [data]
        if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
            raise ValueError('give a rule {"point": ..., ...} or {"rules": [...]}')
        added = []
        for rule in rules:
            fields = dict(rule)
            point = fields.pop("point", None)
            if not isinstance(point, str):
                raise ValueError(f"a fault rule needs a point: {rule!r}")
            added.append(self.cloud.faults.add(point, **fields))
        return {"rules": _rules(added)}

    def _trace(self, query: dict[str, list[str]]) -> dict[str, Any]:
        since = int(query.get("since", ["0"])[-1])
        kind = query.get("kind", [None])[-1]
        trace = self.cloud.trace
        events = [e for e in trace[since:] if kind is None or _kind_matches(e["kind"], kind)]
        return {"events": events, "next": len(trace)}


def _kind_matches(have: str, want: str) -> bool:
    return have.startswith(want[:-1]) if want.endswith(".*") else have == want


def _rules(rules: list[Any]) -> list[dict[str, Any]]:
    out = []
    for rule in rules:
        record = dataclasses.asdict(rule)
        if not isinstance(record.get("error"), (str, type(None))):
            record["error"] = repr(record["error"])
        out.append(record)
    return out
