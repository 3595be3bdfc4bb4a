"""In-process transport: real ``requests``-based clients talk to the cloud inside their process.

    >>> with cloud.intercept():
    ...     conn = cloud.connection()
    ...     conn.authorize()               # POST http://identity.fakecloud.test/v3/auth/tokens

Inside the block, every ``requests`` call to one of the cloud's endpoint hosts is answered by
the cloud (status, every header, body bytes), and the cloud's clock is bound (``time.sleep``
advances virtual time; ``time.time`` and ``datetime.now`` read it), so keystoneauth's token
expiry and openstacksdk's wait loops run on virtual time. A request to one of the cloud's hosts
that nothing serves gets a 404 fault naming the path. Any other host is refused with a
`requests.exceptions.ConnectionError` saying so, unless ``allow_other_hosts=True`` lets it
through to the network (or to an enclosing `responses` mock).

Enter it once per test, not per request: binding the clock patches every loaded module.

How: while the block runs, ``requests``' ``HTTPAdapter.send`` (where a request would go to the
network) answers the cloud's hosts from the cloud, building the urllib3 response the network
would give; ``requests`` then does all it does with it (cookies, encoding, redirects, hooks).
It is the layer the `responses` library patches too, without its matching machinery (which
cost 0.13-0.24 ms per request); `calls` keeps `responses`' call-log shape
(`fakecloud.transport.calllog`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from io import BytesIO
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.exceptions import ConnectionError as RequestsConnectionError
from requests.sessions import merge_setting
from requests.structures import CaseInsensitiveDict
from urllib3 import HTTPResponse

from fakecloud.api.http import Headers
from fakecloud.transport import outside
from fakecloud.transport.answer_date import AnswerDates, Fronts
from fakecloud.transport.calllog import RecentCalls
from fakecloud.transport.endpoints import netloc
from fakecloud.transport.gateway import NO_BODY_STATUS, Gateway, wire_body, wire_headers
from fakecloud.transport.requests_response import built_response
from fakecloud.transport.urllib3_response import raw_response, read_response_laid


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        data = body.read()
        return data.encode("utf-8") if isinstance(data, str) else data
    return b"".join(c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in body)


def to_urllib3(response: Any, method: str, date: tuple[str, Any] | None = None) -> HTTPResponse:
    """A `fakecloud.api.http.Response` as the urllib3 response ``requests`` reads (with
    `date`'s ``Date`` where its front writes it, `fakecloud.transport.answer_date`, and its
    fields in the service's order, `fakecloud.transport.field_order`)."""
    body = wire_body(response, method)
    if date is None:
        lines = wire_headers(response)
    else:
        lines = date[1].lines(response, method, len(body), date[0])
    return raw_response(response.status, method, lines, body, BytesIO(body))


def _read_response(
    adapter: HTTPAdapter, request: Any, answer: Any, calls: RecentCalls, date: tuple[str, Any]
) -> requests.Response:
    """The ``requests`` response of a non-streamed request, its body already read: what
    ``requests`` holds after reading the network's answer (the raw stream read to its end and
    closed, ``content`` the body), without pulling the bytes back through urllib3's reader;
    logged in `calls`."""
    # `wire_body`, in this frame (every non-streamed answer comes here)
    method = request.method
    empty = answer.status in NO_BODY_STATUS or method.upper() == "HEAD"
    body = b"" if empty else answer.content()
    size = len(body)
    lines, container, store = date[1].stored(answer, method, size, date[0])
    raw = read_response_laid(answer.status, method, container, size)
    response = built_response(adapter, request, raw, store)
    response._content = body
    response._content_consumed = True
    calls.log(request, response, lines, body)
    return response


def _skip_environment_for(netlocs: frozenset[str]) -> Any:
    """A ``Session.merge_environment_settings`` that does not read proxy settings from the
    environment for the cloud's own hosts (it runs on every request, and was 8 % of an
    openstacksdk flow): those requests never leave the process, so no proxy applies. Other
    hosts keep requests' own behaviour.

    With no proxies in the request nor in the session (what clients send), the merge is
    requests' without its environment: an empty ``OrderedDict`` for the proxies, as
    ``merge_setting`` makes of two empty dicts, without the ``to_key_val_list`` of each (in
    requests 2.34.2 a ``typing.Protocol`` instance check: the merge was 118,000 instructions a
    request, 8,800 so); the other settings merged by ``merge_setting`` itself."""
    original = requests.Session.merge_environment_settings

    def merge_environment_settings(
        session: Any, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> Any:
        if session.trust_env and (urlsplit(url).netloc in netlocs or netloc(url) in netlocs):
            own = session.proxies
            if proxies.__class__ is dict and own.__class__ is dict and not proxies and not own:
                return {
                    "proxies": OrderedDict(),
                    "stream": merge_setting(stream, session.stream),
                    "verify": merge_setting(verify, session.verify),
                    "cert": merge_setting(cert, session.cert),
                }
            session.trust_env = False
            try:
                return original(session, url, proxies, stream, verify, cert)
            finally:
                session.trust_env = True
        return original(session, url, proxies, stream, verify, cert)

    return original, merge_environment_settings


def _skip_netrc_for(netlocs: frozenset[str]) -> Any:
    """A ``get_netrc_auth`` (what a ``requests`` session calls on every request without its
    own auth: a look for ``~/.netrc`` and ``~/_netrc``, tens of microseconds of file system
    calls) that gives no credentials for the cloud's own hosts, which never leave the process;
    other hosts keep requests' own behaviour."""
    original = requests.sessions.get_netrc_auth

    def get_netrc_auth(url: Any, raise_errors: bool = False) -> Any:
        if isinstance(url, str) and (urlsplit(url).netloc in netlocs or netloc(url) in netlocs):
            return None
        return original(url, raise_errors)

    return original, get_netrc_auth


_ACTIVE: list[Intercept] = []
"""Intercepts entered and not yet left, innermost last: each patched over the one before it,
so only the innermost can put back what it replaced."""
#: Held while an intercept checks and patches, or unpatches: two threads entering at once both
#: passed `check_one_thread` before either was active (rv9's review of 00d9968b). Reentrant:
#: `fakecloud.mock` holds it around its intercept's enter and exit, with its environment.
PATCHING = threading.RLock()


class InterceptOrderError(RuntimeError):
    """An intercept (or `fakecloud.mock`) was left while one entered after it is still active:
    leaving it would restore patches the later one replaced, leaving that one's cloud answering
    requests and owning ``time.sleep`` for the rest of the process."""


class Intercept:
    """The context manager behind ``cloud.intercept()``; `calls` logs recent requests."""

    _calls: RecentCalls | None
    _send: Any
    _merge: Any
    _netrc: Any
    #: The thread that entered it (`check_one_thread`).
    _thread: threading.Thread | None

    def __init__(
        self,
        cloud: Any,
        allow_other_hosts: bool = False,
        extra: Mapping[str, Any] | None = None,
        keep_calls: int = 1000,
    ):
        self.cloud = cloud
        self.allow_other_hosts = allow_other_hosts
        self.gateway = Gateway(cloud, extra)
        self._keep_calls = keep_calls
        self._calls = None
        self._send = None
        self._merge = None
        self._netrc = None
        self._clock_bound = False
        self._thread = None
        self._depth = 0  # how many times it was entered and not left

    @property
    def calls(self) -> RecentCalls:
        """The most recent requests and responses seen (``responses`` ``Call`` objects); the
        newest ones are the client's own objects, older ones rebuilt when first read (see
        `fakecloud.transport.calllog`)."""
        if self._calls is None:
            return RecentCalls(0)
        return self._calls

    def __enter__(self) -> Intercept:
        with PATCHING:  # another thread's check and patches first (`check_one_thread`)
            return self._enter()

    def _enter(self) -> Intercept:
        if self._depth:  # entered again (``with ic:`` inside ``with ic:``): already patched
            # (it patched again over itself, and left both times: the process kept its
            # patches, time.sleep on its cloud's clock, for good)
            if _ACTIVE[-1] is not self:
                raise InterceptOrderError(
                    "this intercept is active under another started after it: enter it again "
                    "only where it is the innermost; nothing was changed"
                )
            self._depth += 1
            return self
        check_one_thread()
        netlocs = frozenset(self.gateway.netlocs())
        # Pass-through goes to whatever sends requests now (the network, or an enclosing mock).
        self._send = HTTPAdapter.send
        self._calls = RecentCalls(self._keep_calls)
        HTTPAdapter.send = _answering(
            self.gateway, netlocs, self._send, self._calls, self.allow_other_hosts
        )
        self._merge, patched = _skip_environment_for(netlocs)
        requests.Session.merge_environment_settings = patched
        self._netrc, patched = _skip_netrc_for(netlocs)
        requests.sessions.get_netrc_auth = patched
        outside.entered()
        try:
            self.cloud.kernel.clock.__enter__()
        except BaseException:
            self._unpatch()
            raise
        self._clock_bound = True
        self._thread = threading.current_thread()
        self._depth = 1
        _ACTIVE.append(self)
        return self

    def _unpatch(self) -> None:
        if self._netrc is not None:
            requests.sessions.get_netrc_auth = self._netrc
            self._netrc = None
        if self._merge is not None:
            requests.Session.merge_environment_settings = self._merge
            self._merge = None
        if self._send is not None:
            HTTPAdapter.send = self._send
            self._send = None
            outside.left()  # the adapter is back: guard the cloud's hosts again

    def __exit__(self, *exc: Any) -> None:
        with PATCHING:
            self._exit(exc)

    def _exit(self, exc: tuple) -> None:
        check_innermost(self, "intercept")
        if self._depth > 1:  # an inner `with` of the same intercept: the outer one unpatches
            self._depth -= 1
            return
        self._depth = 0
        if self in _ACTIVE:
            _ACTIVE.remove(self)
        try:
            if self._clock_bound:
                self._clock_bound = False
                self.cloud.kernel.clock.__exit__(*exc)
        finally:
            self._unpatch()


def check_one_thread() -> None:
    """Raise `InterceptOrderError`, changing nothing, if another thread started an intercept
    (or `fakecloud.mock`) that is still active: both patch ``requests`` and Python's clocks for
    the whole process, so threads entering their own at once left them in an order none could
    undo (each later exit refused, and the process kept their patches, ``time.sleep`` on a
    virtual clock, for good). Threads may share one: its requests and clock serve them all."""
    current = threading.current_thread()
    for active in _ACTIVE:
        if active._thread is not current:
            raise InterceptOrderError(
                f"an intercept (or fakecloud.mock) started in thread {active._thread.name!r} is "
                "still active, and each patches requests and Python's clocks for the whole "
                "process: one at a time (its threads may share it: a thread pool's requests "
                "and sleeps reach its cloud); nothing was changed"
            )


def check_innermost(intercept: Intercept, what: str) -> None:
    """Raise `InterceptOrderError`, changing nothing, if `intercept` is active but not the
    innermost (`what` names it for the message: ``intercept`` or ``fakecloud.mock``)."""
    if intercept in _ACTIVE and _ACTIVE[-1] is not intercept:
        later = len(_ACTIVE) - 1 - _ACTIVE.index(intercept)
        raise InterceptOrderError(
            f"this {what} was started before {later} other(s) still active: stop them in the "
            "reverse order of starting them (the last started first); nothing was changed"
        )


def _writable(name: str, value: Any) -> None:
    """Raise what http.client's ``putheader`` raises for a header it cannot write, before any
    byte is sent: a name past ASCII, a value past latin-1 (``UnicodeEncodeError``). requests
    passes both on, so a client's ``headers={"X-Name": "☃"}`` failed against every real cloud
    and was answered in process."""
    name.encode("ascii")
    if value.__class__ is str:
        value.encode("latin-1")


def _answering(
    gateway: Gateway, netlocs: frozenset[str], previous: Any, calls: RecentCalls, other: bool
) -> Any:
    """An ``HTTPAdapter.send`` answering the cloud's hosts in-process; other hosts go to
    `previous` when `other` hosts are allowed, and are refused otherwise."""

    kernel = gateway.kernel
    dates = AnswerDates(kernel)
    fronts = Fronts(gateway.cloud)
    hosts = gateway._hosts

    def send(adapter: HTTPAdapter, request: Any, stream: bool = False, **kwargs: Any) -> Any:
        url = request.url
        parts = urlsplit(url)  # read again by the gateway (a cached split is still a look-up)
        if parts.netloc not in netlocs and netloc(url) not in netlocs:
            if other:
                return previous(adapter, request, stream=stream, **kwargs)
            raise RequestsConnectionError(
                f"fakecloud intercept: {request.method} {request.url} goes to a host that is "
                f"not this cloud's ({', '.join(sorted(netlocs))}); use "
                "cloud.intercept(allow_other_hosts=True) to let other traffic through.",
                request=request,
            )
        headers = request.headers
        store = headers._store if headers.__class__ is CaseInsensitiveDict else None
        if store.__class__ is OrderedDict:
            # requests' case-insensitive dict read as its store (lower-case name -> (name as
            # sent, value)), a plain dict in the store's order (it only sets and deletes keys):
            # its own items() resume a generator and call __getitem__ for each header. Each
            # header checked and its name's folded form kept in the same pass, the gateway
            # taking the folded `Headers` as they are (it folded them in a pass of its own).
            sent = {}
            for key, pair in dict.items(store):
                name, value = pair
                if not name.isascii() or (value.__class__ is str and not value.isascii()):
                    _writable(name, value)
                sent[key] = value
            headers = dict.__new__(Headers)  # empty, without a call to `Headers.__init__`
            dict.update(headers, sent)
        else:
            for name, value in headers.items():
                if not name.isascii() or (value.__class__ is str and not value.isascii()):
                    _writable(name, value)
        body = request.body
        if body is None:
            body = b""
        elif body.__class__ is not bytes:
            body = _body_bytes(body)
        # Answered and logged in one turn of the cloud's lock (`Kernel.lock`): threads sharing
        # the intercept log their calls in the order they were answered, and the log's trim
        # (which rewrites the entry just older than the live ones) is never run by two at once.
        # The lock's own acquire and release, not ``with`` (see `Gateway.handle`), and the
        # gateway told the turn is held (`held`), so it does not take it again.
        lock = kernel.lock
        lock.acquire()  # this thread's turn of kernel.lock
        try:
            answer = gateway.handle_url(request.method, url, headers, body, parts, True)
            if answer is None:  # the host is the cloud's, so this cannot happen
                raise RequestsConnectionError(f"fakecloud intercept: no route to {request.url}")
            found = hosts.get(parts.netloc)
            date = (dates.now(), fronts[found[0] if found else None])
            if stream:
                raw = to_urllib3(answer, request.method, date)
                response = built_response(adapter, request, raw)
                calls.log(request, response, None, None)
                return response
            return _read_response(adapter, request, answer, calls, date)
        finally:
            lock.release()

    return send
