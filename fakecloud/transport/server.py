"""Server mode: one cloud served over real HTTP by waitress, one port per service, on 127.0.0.1.

    >>> with FakecloudServer(port_base=0, speed=0) as server:   # ephemeral ports
    ...     print(server.cloud.clouds_yaml())                   # point any client at it

Identity, compute, image and block storage each listen on their own port (``port_base`` + 0, 1,
2, 3; 0 picks free ports), and the cloud is built with its endpoints pointing there, so the
catalog, links and ``Location`` headers name real URLs. Each port serves that service's WSGI
application (`fakecloud.transport.wsgi`) with fakecloud's control endpoints
(`fakecloud.transport.control`, ``/fakecloud/...``) beside it.

Why waitress: it is pure Python with no dependencies (nothing to compile, same on every
platform), maintained by the Pylons project, and production-grade where a test double is most
often abused: its HTTP/1.1 parser was hardened against request smuggling (a malformed chunk size
or ``Content-Length`` gets 400 and a closed connection, never a guess), it takes a listen
backlog and a connection limit, buffers request bodies before a worker sees them (a slow client
holds no worker), and shuts down from another thread. cheroot would do as well; waitress needs
less glue for several listening sockets on one event loop.

The simulation is single-threaded: every request, and every clock step, holds one lock, the
served cloud's (`fakecloud.sim.kernel.Kernel.lock`, which each cloud served after a reset or a
load takes over). Virtual time follows wall time times `speed`
(``speed=0``: it moves only on demand); a request whose handler takes virtual time runs the
clock forward until its answer is ready. With ``settle=True`` every API request is followed by a
run until the cloud is idle: virtual time jumps over the work the request started, so a client
that waits (``openstack server create --wait``) finds it finished at its first poll, with no
wall-clock wait at any speed. Server mode is the one place fakecloud reads the wall clock: to
pace virtual time. A paced server that settles keeps its calendar on the clock's pace: the
calendar stands still while a request is answered and settled (`SettledSpans`), so at speed 1
the dates it serves are never ahead of the wall clock (a client's ``--changes-since`` its own
``utcnow()`` finds what it did since then, and no more); traces keep virtual time.

Stopping (`stop`, or SIGINT/SIGTERM in ``fakecloud serve``): the listening sockets close first
(new connections are refused), requests already being served are answered, requests that
arrive meanwhile on open connections get 503, then every connection closes.
"""

from __future__ import annotations

import datetime
import errno
import ipaddress
import json
import logging
import socket
import sys
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import waitress.channel
import waitress.server
import waitress.trigger
from waitress import wasyncore

from fakecloud.bounds import finite_seconds, speed_factor
from fakecloud.config import Config
from fakecloud.errors import ConfigError
from fakecloud.identity.tokens import MIN_TOKEN_LIFE_S
from fakecloud.sim.clock import parse_epoch
from fakecloud.sim.settled_spans import SettledSpans
from fakecloud.transport.bad_length import ServiceChannel
from fakecloud.transport.control import ControlApplication, ControlContext, with_control
from fakecloud.transport.endpoints import DEFAULT_PORT_BASE, netloc
from fakecloud.transport.gateway import Gateway
from fakecloud.transport.header_case import APACHE_KEEP_ALIVE_TIMEOUT_S
from fakecloud.transport.header_size import head_limits
from fakecloud.transport.unfinished import CLIENT_SOCKET_TIMEOUT_S, time_out_unfinished
from fakecloud.transport.wsgi import (
    ServiceApplication,
    StartResponse,
    status_line,
)

#: Port offsets from ``port_base``, in this order.
SERVICE_HOSTS = ("identity", "compute", "image", "volume")
#: Pending connections the kernel queues per port before refusing (``listen(2)`` backlog).
BACKLOG = 1024
#: Connections served at once over all ports; more wait in the backlog, none is reset.
CONNECTION_LIMIT = 1000
#: Worker threads; requests run one at a time on the simulation, so a few suffice.
THREADS = 8
#: The largest request body waitress buffers (the services' own limits are lower, but Glance
#: image data is only limited by ``image_size_cap``).
MAX_BODY_BYTES = 1 << 30

# waitress logs client disconnects and queue depth to its own logger; fakecloud reports what
# matters itself, so those go nowhere unless the embedding program configures logging.
logging.getLogger("waitress").addHandler(logging.NullHandler())


class PortUnavailable(OSError):
    """A service's port could not be bound: `port` (the one asked for) and its `service`."""

    def __init__(self, code: int | None, strerror: str | None, port: int, service: str):
        super().__init__(code, strerror)
        self.port, self.service = port, service

    def __str__(self) -> str:
        # was only "[Errno 98] Address already in use": which of the four ports, and why
        said = f"port {self.port} ({self.service}): {self.strerror}"
        if self.errno == errno.EADDRINUSE:
            said += " (another program has it, another fakecloud serve perhaps: --port-base N"
            said += " listens on N and the ports after it, --port-base 0 on free ports)"
        return said


def _bind(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


def listen_host(host: str) -> str:
    """The address to bind for `host`: an IPv6 literal may come in brackets, as URLs write it
    (``[::1]``); brackets around anything else, a URL or a port are refused (`ConfigError`)."""
    host = host.strip()
    if "://" in host:
        raise ConfigError(f"host {host!r}: give the address alone, not a URL")
    name, colon, port = host.rpartition(":")
    if colon and port.isdigit() and (name.endswith("]") or ":" not in name):
        raise ConfigError(f"host {host!r}: give the address without a port (--port-base)")
    if not (host.startswith("[") or host.endswith("]")):
        return host
    inner = host[1:-1] if host.startswith("[") and host.endswith("]") else None
    try:
        if inner is not None and ipaddress.ip_address(inner).version == 6:
            return inner
    except ValueError:
        pass
    raise ConfigError(
        f"host {host!r}: brackets hold an IPv6 address ([::1]); give a name or IPv4 address "
        "without them"
    )


def client_host(host: str) -> str:
    """The host of the URLs clients are given for a server listening on `host`: the loopback
    address of its family for an unspecified one (``0.0.0.0``, ``::``, ``""``), an IPv6 address
    in brackets, a name as it is."""
    try:
        address = ipaddress.ip_address(host or "0.0.0.0")
    except ValueError:
        return host
    if address.is_unspecified:
        address = ipaddress.ip_address("::1" if address.version == 6 else "127.0.0.1")
    return f"[{address}]" if address.version == 6 else str(address)


def _wall_clock_now(whole_seconds: bool = True) -> datetime.datetime:
    """The wall-clock time now, naive UTC (by default in whole seconds): where a served cloud's
    calendar starts. Server mode's one read of the wall clock, on purpose; the simulation
    never reads it."""
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    return now.replace(microsecond=0) if whole_seconds else now


def _anchor(cloud: Any) -> None:
    """Put `cloud`'s calendar now at the wall-clock time now, to the microsecond: where a
    paced server starts pacing it, settling or not (its calendar then keeps the wall clock's
    pace; whole seconds at build time would leave it behind by a fraction and the time the
    world took to build, which a client comparing dates with its own clock meets: novaclient's
    ``test_list_instance_action_with_changes_before`` found a stop dated before the time it
    took a second before stopping)."""
    clock = cloud.kernel.clock
    served = clock.wall_time() - clock.epoch
    clock.set_epoch(_wall_clock_now(whole_seconds=False) - served)


def calendar_epoch(epoch: str) -> str:
    """The ``clock.epoch`` config value of a server's `epoch`: ``"now"`` is the wall-clock time
    (UTC, whole seconds) at this moment; anything else must be an ISO 8601 time."""
    if epoch == "now":
        return _wall_clock_now().isoformat() + "Z"
    try:
        parse_epoch(epoch)
    except ValueError as exc:
        if "from 1970 to 9000" in str(exc):  # a time, out of range: say which range
            raise ValueError(f"epoch: expected a time from 1970 to 9000, got {epoch!r}") from None
        raise ValueError(
            f"epoch: expected 'now' or an ISO 8601 time such as 2026-01-01T00:00:00Z, got {epoch!r}"
        ) from None
    return epoch


def _with_epoch(config: Any, epoch: str) -> Any:
    if isinstance(config, Config):
        return config.replace("clock", epoch=epoch)
    return _merged(config, "clock", {"epoch": epoch})


def _with_endpoints(config: Config | Mapping[str, Any] | None, urls: dict[str, str]) -> Any:
    if isinstance(config, Config):
        return config.replace("endpoints", **urls)
    return _merged(config, "endpoints", urls)


def _merged(config: Any, section: str, values: dict[str, str]) -> Any:
    """`config` (sections by name) with `values` over its `section`; what is no mapping is
    left for `Config` to refuse, naming it (``endpoints: 5`` was a TypeError here)."""
    if config is not None and not isinstance(config, Mapping):
        return config
    merged = dict(config or {})
    given = merged.get(section)
    if given is None or isinstance(given, Mapping):
        merged[section] = {**(given or {}), **values}
    return merged


#: How many of the paced clock's errors `FakecloudServer.errors` keeps (the latest).
MAX_CLOCK_ERRORS = 20


class FakecloudServer:
    """A cloud served over HTTP: `cloud`, its `urls`, `start`/`stop` (or ``with``)."""

    errors: list[str]
    """What the paced clock caught running the cloud forward (``t=<virtual s>: <Type>:
    <message>``, the latest `MAX_CLOCK_ERRORS`): written to stderr as each happens, and in
    ``GET /fakecloud/clock``'s ``errors``."""
    _threads: list[threading.Thread]
    _server: Any
    _sockets: dict[str, socket.socket]
    #: ``time.monotonic()`` when the clock was last paced (None: not paced, speed 0).
    _paced_at: float | None
    #: The saved state (and where it came from) `start_from_state` served, which `reset`
    #: serves again; None when the server built its own cloud.
    _start_state: tuple[Any, str] | None

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
        settle: bool = False,
        verbose: bool = False,
        extra_services: Mapping[str, Callable[[Any], Any]] | None = None,
        threads: int = THREADS,
        epoch: str | None = None,
        client_socket_timeout_s: float = CLIENT_SOCKET_TIMEOUT_S,
        keep_alive_timeout_s: float = APACHE_KEEP_ALIVE_TIMEOUT_S,
    ):
        """Bind the ports, then build the cloud with its endpoints on them.

        `extra_services` maps a name to a factory ``cloud -> ApiService``; each gets a port
        after the four standard ones (tests mount small services this way). A bad `speed` or
        `tick_s` (negative, NaN, infinite, absurd) is an `OutOfRange` error. `epoch` puts
        virtual second 0 on the calendar: ``"now"`` (the wall-clock time of start-up, so
        clients see fresh tokens), an ISO 8601 time, or None (the configuration's). A request
        that stops arriving for `client_socket_timeout_s` (nova-api's default; 0: never) gets
        408 (`fakecloud.transport.unfinished`). On a port Apache fronts (`head_limits`) a
        connection kept alive closes once no next request has begun for
        `keep_alive_timeout_s` after its last answer (Apache's ``KeepAliveTimeout``, 5 s).
        """
        self.speed = speed_factor(speed, "speed")
        self.tick_s = finite_seconds(tick_s, "tick_s", positive=True)
        self.client_socket_timeout_s = finite_seconds(
            client_socket_timeout_s, "client_socket_timeout_s"
        )
        self.keep_alive_timeout_s = finite_seconds(
            keep_alive_timeout_s, "keep_alive_timeout_s", positive=True
        )
        self.settle = settle
        self.verbose = verbose
        self.errors = []
        self._stop = threading.Event()
        self._stop_asked = False
        self._draining = False
        self._threads = []
        self._server = None
        self._paced_at = None
        self._sockets = {}
        host = listen_host(host)
        if epoch is not None and epoch != "now":
            # checked before any port is bound: a busy port must not hide a bad epoch
            calendar_epoch(epoch)
        try:
            names = list(SERVICE_HOSTS) + list(extra_services or {})
            for offset, key in enumerate(names):
                port = 0 if port_base == 0 else port_base + offset
                try:
                    self._sockets[key] = _bind(host, port)
                except OSError as exc:
                    if exc.errno not in (errno.EADDRINUSE, errno.EACCES):  # the host's
                        raise
                    raise PortUnavailable(exc.errno, exc.strerror, port, key) from None
        except OSError:
            self._close_sockets()
            raise
        url_host = client_host(host)
        self.urls = {
            key: f"http://{url_host}:{sock.getsockname()[1]}" for key, sock in self._sockets.items()
        }
        self.endpoints = {k: v for k, v in self.urls.items() if k in SERVICE_HOSTS}
        self.epoch = epoch
        self._build = {"seed": seed, "profile": profile, "config": config}
        self._start_state = None
        self._extra_services = dict(extra_services or {})
        try:
            cloud = self._new_cloud(seed)
        except BaseException:
            self._close_sockets()
            raise
        #: The one lock of the cloud served (`Kernel.lock`): each cloud served later takes it.
        self.lock = cloud.kernel.lock
        self.control = ControlApplication(
            ControlContext(cloud, self.speed, server=self, settle=self.settle)
        )
        self._serve(cloud)
        self._threads_count = threads

    # -- the cloud served (replaced by reset and load) ---------------------------------------

    def _new_cloud(self, seed: int) -> Any:
        from fakecloud.cloud import Cloud

        config = _with_endpoints(self._build["config"], self.endpoints)
        if self.epoch is not None:
            config = _with_epoch(config, calendar_epoch(self.epoch))
        return Cloud(seed=seed, profile=self._build["profile"], config=config)

    def _serve(self, cloud: Any) -> None:
        """Serve `cloud` from now on, on every port (under the lock, for reset and load)."""
        with self.lock:
            # One lock for every cloud this server serves (`Kernel.lock` is a cloud's own): a
            # request that waited for it while the last one was replaced holds it next.
            cloud.kernel.lock = self.lock
            if self.speed > 0:
                if self.settle:
                    cloud.kernel.clock.settled = SettledSpans()
                if self.epoch == "now" and self._server is not None:
                    _anchor(cloud)
            self.cloud = cloud
            extra = {self.urls[name]: make(cloud) for name, make in self._extra_services.items()}
            self.gateway = Gateway(cloud, extra)
            self.control.ctx.cloud = cloud
            self._apps = {
                sock.getsockname()[1]: self._application(key) for key, sock in self._sockets.items()
            }

    def reset(self, seed: int | None = None) -> Any:
        """Serve the cloud of start-up again (or one built as it was, with another `seed`);
        returns it. A server that started from a saved state (`start_from_state`, ``serve
        --state``) serves that state again, as loaded then, and `seed` builds a fresh cloud
        of its profile, configuration and switches: it built one of the server's options (by
        default the seed profile, seed 0), whatever the file held."""
        if seed is None and self._start_state is not None:
            return self.load_state(*self._start_state)
        cloud = self._new_cloud(self._build["seed"] if seed is None else seed)
        self._serve(cloud)
        return cloud

    def start_from_state(self, data: Any, source: str = "the state") -> Any:
        """Serve the cloud saved in `data` (`load_state`) as this server's start-up cloud,
        the one `reset` comes back to; returns it."""
        from fakecloud.state.versions import with_earlier_defaults

        cloud = self.load_state(data, source)
        # what the file's world was built with, the defaults of its format's day among them
        header = with_earlier_defaults(data["cloud"], data["version"])
        self._build = {
            "seed": header["seed"],
            "profile": header["profile"],
            "config": {**header["config"], "switches": header["switches"]},
        }
        self._start_state = (data, source)
        return cloud

    def save_state(self) -> dict[str, Any]:
        """The served cloud's state (`fakecloud.state.to_data`); refused with work in flight."""
        from fakecloud.state import to_data

        with self.lock:
            return to_data(self.cloud)

    def load_state(self, data: Any, source: str = "the state") -> Any:
        """Serve the cloud saved in `data` on this server's ports; returns it. Its calendar is
        moved so that its virtual now is the wall-clock time now (or follows ``--epoch``)."""
        from fakecloud.cloud import Cloud
        from fakecloud.state import from_data

        cloud = from_data(data, cloud_class=Cloud, source=source, endpoints=self.endpoints)
        if self.epoch is None or self.epoch == "now":
            cloud.kernel.clock.set_epoch(_wall_clock_now() - datetime.timedelta(seconds=cloud.now))
        else:
            cloud.kernel.clock.set_epoch(parse_epoch(self.epoch))
        self._serve(cloud)
        return cloud

    def _application(self, key: str) -> Any:
        if key in SERVICE_HOSTS:
            app = ServiceApplication(self.cloud, key, gateway=self.gateway, settle=self.settle)
        else:
            where = netloc(self.urls[key])
            app = ServiceApplication(
                self.cloud,
                key,
                gateway=self.gateway,
                mount=lambda: self.gateway.mount_for_netloc(where),
                settle=self.settle,
            )
        return with_control(app, self.control)

    def _dispatch(self, environ: dict[str, Any], start_response: StartResponse) -> Any:
        """Route by the port the request came in on; refuse with 503 while stopping."""
        if self._draining:
            payload = json.dumps(
                {"error": {"code": 503, "message": "fakecloud is shutting down"}}
            ).encode()
            start_response(
                status_line(503),
                [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))],
            )
            return [payload]
        if self._paced_at is not None:
            self._catch_up()
        app = self._apps[int(environ["SERVER_PORT"])]
        if not self.verbose:
            return app(environ, start_response)

        def logged(status: str, headers: Any, *exc: Any) -> Any:
            line = f"{environ['REQUEST_METHOD']} {environ.get('PATH_INFO', '')} {status}"
            sys.stderr.write(f"fakecloud :{environ['SERVER_PORT']}: {line}\n")
            return start_response(status, headers, *exc)

        return app(environ, logged)

    # -- life cycle --------------------------------------------------------------------------

    def start(self) -> FakecloudServer:
        """Serve every port (and pace the clock when `speed` > 0) in daemon threads; once: a
        server serving, or stopped (its ports closed), is refused (`RuntimeError`)."""
        if self._server is not None:  # a second event loop and 8 workers that stop never ended
            raise RuntimeError("FakecloudServer.start: already serving; a server starts once")
        if self._stop.is_set():  # was "OSError: [Errno 9] Bad file descriptor"
            raise RuntimeError(
                "FakecloudServer.start: this server was stopped and its ports closed; build a "
                "new FakecloudServer to serve again"
            )
        self._server = waitress.server.create_server(
            self._dispatch,
            sockets=list(self._sockets.values()),
            threads=self._threads_count,
            backlog=BACKLOG,
            connection_limit=CONNECTION_LIMIT,
            max_request_body_size=MAX_BODY_BYTES,
            asyncore_use_poll=True,
            ident="fakecloud",
            expose_tracebacks=False,
            log_socket_errors=False,
        )
        self._waitress = self._server
        hosts = {sock.getsockname()[1]: key for key, sock in self._sockets.items()}
        for listener in self._listeners(self._server):
            # keep-alive after a 204; eventlet's 400s; the head limits of the release served
            host = hosts.get(listener.socket.getsockname()[1], "")
            listener.channel_class = ServiceChannel.limited(
                lambda host=host: head_limits(host, self.cloud.switches.release)
            )
            time_out_unfinished(listener, self.client_socket_timeout_s, self.keep_alive_timeout_s)
        # Our own wake-up pipe into waitress's loop (the listeners' own go when they close).
        self._trigger = waitress.trigger.trigger(self._server.map)
        if self.speed > 0:
            with self.lock:
                if self.epoch == "now":
                    _anchor(self.cloud)
                self._paced_at = time.monotonic()
        loop = threading.Thread(target=self._server.run, name="fakecloud-http", daemon=True)
        loop.start()
        self._threads.append(loop)
        if self.speed > 0:
            ticker = threading.Thread(target=self._pace_clock, name="fakecloud-clock", daemon=True)
            ticker.start()
            self._threads.append(ticker)
        return self

    def stop(self, timeout_s: float = 5.0) -> None:
        """Refuse new connections, answer what is in flight (503 for late requests), close
        every connection, and wait for the threads (at most `timeout_s` each)."""
        self._stop.set()
        server, self._server = self._server, None
        if server is not None:
            self._in_loop(server, self._stop_listening)
            self._draining = True
            self._drain(server.task_dispatcher, timeout_s)
            self._close_when_flushed(server, timeout_s)
            self._in_loop(server, lambda: wasyncore.close_all(server.map))
            server.task_dispatcher.shutdown(timeout=timeout_s)
        for thread in self._threads:
            thread.join(timeout_s)
        self._threads.clear()
        self._close_sockets()

    @staticmethod
    def _listeners(server: Any) -> list[Any]:
        return [d for d in server.map.values() if isinstance(d, waitress.server.BaseWSGIServer)]

    def _in_loop(self, server: Any, action: Callable[[], Any]) -> None:
        """Run `action` on waitress's event-loop thread (its sockets are not thread-safe)."""
        loop = self._threads[0] if self._threads else None
        if loop is None or not loop.is_alive():
            action()
            return
        done = threading.Event()

        def run() -> None:
            try:
                action()
            finally:
                done.set()

        try:
            self._trigger.pull_trigger(run)
        except OSError:  # the loop already closed its sockets: nothing left to do there
            return
        done.wait(5.0)

    def _stop_listening(self) -> None:
        """Close the listening sockets (on the loop thread): new connections are refused."""
        for listener in self._listeners(self._waitress):
            wasyncore.dispatcher.close(listener)

    @staticmethod
    def _drain(dispatcher: Any, timeout_s: float) -> None:
        """Wait (at most `timeout_s`) until no request is running or queued."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with dispatcher.lock:
                if dispatcher.active_count == 0 and not dispatcher.queue:
                    return
            time.sleep(0.01)

    def _close_when_flushed(self, server: Any, timeout_s: float) -> None:
        """Close each connection once its answers are sent (at most `timeout_s`).

        A finished request's body can still sit in its connection's output buffer, written by
        the loop thread a moment later; closing every connection at once would cut such an
        answer short (the client sees half a chunked body)."""
        deadline = time.monotonic() + timeout_s
        left = [1]

        def sweep() -> None:
            left[0] = 0
            for channel in list(server.map.values()):
                if not isinstance(channel, waitress.channel.HTTPChannel):
                    continue
                if not channel.requests and not channel.total_outbufs_len:
                    channel.handle_close()
                else:
                    channel.close_when_flushed = True
                    left[0] += 1

        while True:
            self._in_loop(server, sweep)
            if not left[0] or time.monotonic() >= deadline:
                return
            time.sleep(0.01)

    def _close_sockets(self) -> None:
        for sock in self._sockets.values():
            try:
                sock.close()
            except OSError:
                pass

    def __enter__(self) -> FakecloudServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def request_stop(self) -> None:
        """Ask `wait` to return (safe from a signal handler); `stop` does the closing."""
        # No lock: a handler runs in the main thread between two bytecodes, maybe while `wait`
        # holds the Event's lock (Event.set from it deadlocked: SIGTERM then hung for good).
        self._stop_asked = True

    def wait(self) -> None:
        """Block until `request_stop` or `stop` is called (a signal handler, another thread)."""
        while not (self._stop_asked or self._stop.wait(0.1)):
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

    def calendar_lag_s(self) -> float:
        """How far the cloud's calendar is behind this machine's clock now, in seconds (negative:
        ahead). Clients judge a token's ``expires_at`` by their own clock: keystoneauth asks for
        a new token before each request once the one it holds has less than
        `MIN_TOKEN_LIFE_S` left by that clock."""
        return (_wall_clock_now() - self.cloud.kernel.clock.wall_time()).total_seconds()

    def stale_token_hint(self) -> str | None:
        """What serve says when, by this machine's clock, a new token would have less than
        `MIN_TOKEN_LIFE_S` to live (an ``--epoch`` in the past, or a short
        ``token_ttl_s``): clients then ask for a new token before every request. Else None."""
        ttl = self.cloud.kernel.config.identity.token_ttl_s
        left = ttl - self.calendar_lag_s()
        if left >= MIN_TOKEN_LIFE_S:
            return None
        return (
            f"by this machine's clock a new token (life {ttl:g} s) has {left:.0f} s left, less "
            f"than the {MIN_TOKEN_LIFE_S} s keystoneauth wants: clients ask for a "
            "new token before every request; give tokens a longer life (identity: token_ttl_s "
            "in --config)"
        )

    def _pace_clock(self) -> None:
        while not self._stop.wait(self.tick_s):
            self._catch_up()

    def _catch_up(self) -> None:
        """Run the cloud forward by the wall time since it was last paced, times `speed`: at
        each tick, and as each request arrives (two requests a moment apart see two moments,
        not one tick's)."""
        with self.lock:
            now = time.monotonic()
            step = (now - self._paced_at) * self.speed
            self._paced_at = now
            try:
                self.cloud.advance(step)
            except Exception as exc:  # noqa: BLE001 - keep serving; report it
                line = f"t={self.cloud.now:g}: {type(exc).__name__}: {exc}"
                self.errors.append(line)
                del self.errors[:-MAX_CLOCK_ERRORS]
                sys.stderr.write(f"fakecloud clock: {line}\n")  # a fakecloud bug: always said
