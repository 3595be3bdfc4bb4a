"""The intercept's call log (``intercept.calls``): `responses`' call list of the recent calls.

The newest `LIVE_CALLS` calls are kept as the very ``requests`` objects the client got. An older
call is kept as plain data (method, URL, header lines, bodies, status, encoding, elapsed time)
and rebuilt into a new `responses.Call` the first time it is read, then kept as that: equal in
all of those, but not the objects the client got, and without what a client changed on them
after the next calls (a ``requests`` response hook of its own, cookies the session matched to
the request).

Why: each call kept as objects holds some 45 containers the garbage collector tracks (the
prepared request, the response, urllib3's response, their header dicts, two cookie jars), never
freed while the log keeps them, so a long run of requests made the collector run on most flows
(0.86 CPU ms of collector a flow of openstacksdk's); kept as plain data, a call holds three once
the collector has met it (its header pairs hold strings only, and are untracked then).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import responses
from requests import PreparedRequest
from requests.structures import CaseInsensitiveDict
from responses import Call

from fakecloud.transport.requests_response import built_response
from fakecloud.transport.urllib3_response import read_response

LIVE_CALLS = 16
"""How many of the newest calls the log keeps as the client's own objects."""

_new_tuple = tuple.__new__
_NO_HOOKS = {"response": []}


class _Live(NamedTuple):
    """A recent call as the client got it, with what the intercept sent (None: streamed)."""

    request: Any
    response: Any
    lines: list[tuple[str, str]] | None
    body: bytes | None


class _Kept(NamedTuple):
    """An older call as plain data: its header lines as (name, value) pairs, the very pairs the
    request and the intercept's answer held (each pair's strings only, so the collector stops
    tracking them when it first meets them): flattening them into one tuple, as this did, was
    9,500 of the 15,000 instructions a call's keeping cost."""

    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...]
    request_body: bytes | str | None
    status: int
    response_headers: tuple[tuple[str, str], ...]
    body: bytes
    response_url: str
    encoding: str | None
    elapsed: Any
    history: list | None
    adapter: Any


class RecentCalls(responses.CallList):
    """`responses`' call list, keeping only the most recent calls (at least `keep`, at most
    twice as many), the newest `LIVE_CALLS` as the client's objects and older ones rebuilt
    when first read."""

    def __init__(self, keep: int):
        super().__init__()
        self._keep = keep
        self._live = min(LIVE_CALLS, keep)

    def __iter__(self) -> Any:
        return iter(self[:])

    def __getitem__(self, index: Any) -> Any:
        calls = self._calls
        if not isinstance(index, slice):
            return _as_call(calls, index)
        return [_as_call(calls, at) for at in range(*index.indices(len(calls)))]

    def add(self, request: Any, response: Any) -> None:
        """Log a call given as objects (`responses`' API): kept as they are."""
        self.add_call(Call(request, response))

    def add_call(self, call: Any) -> None:
        """Log a `Call` (`responses`' API): kept as it is."""
        self._calls.append(call)
        self._trim()

    def log(
        self,
        request: Any,
        response: Any,
        lines: list[tuple[str, str]] | None,
        body: bytes | None,
    ) -> None:
        """Log an intercepted call: the client's `request` and `response`, the wire header
        `lines` and `body` it was built from (None for a streamed response, kept as objects)."""
        calls = self._calls
        calls.append(_new_tuple(_Live, (request, response, lines, body)))
        count = len(calls)
        live = self._live
        if count > live:
            # the call now just older than the live ones, kept from here on as plain data
            entry = calls[-live - 1]
            if entry.__class__ is _Live:
                calls[-live - 1] = _kept(entry)
            if count > 2 * self._keep:
                del calls[: count - self._keep]

    def _trim(self) -> None:
        calls = self._calls
        if len(calls) > 2 * self._keep:
            del calls[: len(calls) - self._keep]


def _kept(entry: _Live) -> Any:
    """The plain data of `entry`, or its `Call` when it cannot be rebuilt as it is: a streamed
    or re-read body, a request whose body is a stream, or hooks of its own."""
    request, response, lines, body = entry
    headers = request.headers
    if (
        lines is None
        or response._content is not body
        or headers.__class__ is not CaseInsensitiveDict
        or request.hooks != _NO_HOOKS
        or request.body.__class__ not in (bytes, str, type(None))
    ):
        return _new_tuple(Call, (request, response))
    return _new_tuple(
        _Kept,
        (
            request.method,
            request.url,
            # requests' case-insensitive dict: lower-case name -> (the name as sent, value),
            # its pairs read as a plain dict's, in the store's order (it only sets and deletes
            # keys): an OrderedDict's own view looks every key up again in its index
            tuple(dict.values(headers._store)),
            request.body,
            response.status_code,
            tuple(lines),
            body,
            response.url,
            response.encoding,
            response.elapsed,
            response.history or None,
            response.connection,
        ),
    )


def _as_call(calls: list, at: int) -> Any:
    """The `responses.Call` of the log entry ``calls[at]``; an older call rebuilt is kept in
    its place, so reading it again gives the same objects."""
    entry = calls[at]
    kind = entry.__class__
    if kind is _Kept:
        entry = calls[at] = _rebuilt(entry)
    elif kind is _Live:
        return _new_tuple(Call, (entry.request, entry.response))
    return entry


def _rebuilt(kept: _Kept) -> Call:
    """A new ``requests`` request and response holding `kept`, as ``requests`` had them after
    the intercept answered (the body read, the raw stream closed at its end)."""
    request = PreparedRequest()
    request.method = kept.method
    request.url = kept.url
    request.headers = CaseInsensitiveDict(kept.request_headers)
    request.body = kept.request_body
    body = kept.body
    lines = kept.response_headers
    raw = read_response(kept.status, kept.method, lines, body)
    response = built_response(kept.adapter, request, raw)
    response._content = body
    response._content_consumed = True
    response.url = kept.response_url
    response.encoding = kept.encoding
    response.elapsed = kept.elapsed
    response.history = list(kept.history) if kept.history else []
    return Call(request, response)
