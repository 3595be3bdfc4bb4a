"""Requests, responses and HTTP errors as plain objects (no web framework).

A `Request` is what a router hands to a handler: method, path, query, headers (case-insensitive),
the raw body and its parsed JSON, the caller's identity context and the negotiated microversion.
A handler returns a `Response`, or raises an `HttpError` that the service renders as its fault
body.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qs

from fakecloud.api.json_body import loads as loads_body

#: ``json.dumps`` with its defaults (every answer with a body is encoded here; its bytes are
#: the same), without its check for circular references: an answer's body is a tree of new
#: dicts and lists (a view), so the check only costs a dict insert and delete of each
#: container's id (6 % of an encoding of a server's view).
_ENCODER = json.JSONEncoder(check_circular=False)


class _Escaped(dict):
    """A string's JSON text (``encode_basestring_ascii``: quoted, escaped) by the string,
    remembered for the last strings met (cleared when `_ESCAPED_KEPT` are held). Answers
    repeat their strings: every view's keys, and a polled server's or image's values, so the
    encoder's two passes over each string's characters and its new string are a dict look-up
    instead (a server's view: 113,000 -> 79,000 instructions an encoding). Only exact `str`
    is kept, and only up to `_ESCAPED_LONGEST` characters (a user data text or a console log
    kept 2,048 times over would be megabytes); equal strings have the same text (a `str`
    subclass with an equality of its own could be answered another string's: no answer holds
    one)."""

    __slots__ = ()

    def __missing__(self, text: str) -> str:
        escaped = _escape(text)
        if text.__class__ is str and len(text) <= _ESCAPED_LONGEST:
            if len(self) >= _ESCAPED_KEPT:
                self.clear()
            self[text] = escaped
        return escaped


_escape = json.encoder.encode_basestring_ascii
#: How many strings `_Escaped` holds at most, and the longest it keeps (together at most
#: some 1.5 MB; a view's strings are names, ids, links and times, nearly all within 200).
_ESCAPED_KEPT = 2048
_ESCAPED_LONGEST = 200
#: The C encoder `JSONEncoder.encode` makes on each call for those settings, made once and
#: called directly (a server's view: 119,000 -> 112,000 instructions an encoding), its strings
#: escaped through `_Escaped`; None where the interpreter has no C encoder.
_C_ENCODE = (
    json.encoder.c_make_encoder(
        None,  # no circular-reference markers
        _ENCODER.default,
        _Escaped().__getitem__,
        None,  # indent
        _ENCODER.key_separator,
        _ENCODER.item_separator,
        _ENCODER.sort_keys,
        _ENCODER.skipkeys,
        _ENCODER.allow_nan,
    )
    if json.encoder.c_make_encoder is not None
    else None
)


class Headers(dict):
    """Header names folded to lower case; `get` and `in` ignore case."""

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] | None = None):
        super().__init__()
        if items:
            # A plain dict (every response's headers) without the ABC check; the names folded
            # in one pass, not a __setitem__ call per header
            pairs = items.items() if type(items) is dict or isinstance(items, Mapping) else items
            dict.update(self, [(key.lower(), value) for key, value in pairs])

    def __setitem__(self, key: str, value: str) -> None:
        super().__setitem__(key.lower(), value)

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key.lower(), default)


class HttpError(Exception):
    """An error answer: status code, message, and extra headers (e.g. ``Retry-After``).

    `fault` overrides the fault-body key a service would pick from the status (Nova's 406 is a
    ``computeFault``, for instance); `details` are extra fields inside the fault body;
    `refusal` is its kind where no service error it is raised from says
    (`fakecloud.api.refusals`).
    """

    refusal = ""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        headers: Mapping[str, str] | None = None,
        fault: str | None = None,
        details: Mapping[str, Any] | None = None,
        refusal: str = "",
    ):
        super().__init__(message)
        if refusal:
            self.refusal = refusal
        self.status = status
        self.message = message
        self.headers = dict(headers or {})
        self.fault = fault
        self.details = dict(details or {})


@dataclass
class Request:
    """One API request as a handler sees it."""

    method: str
    path: str
    query: dict[str, list[str]] = field(default_factory=dict)
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""
    context: Any = None
    microversion: Any = None
    base_url: str = ""
    params: dict[str, str] = field(default_factory=dict)
    legacy_v2: int = 0
    """Nova's ``is_legacy_v2()``: set by Nova's dispatch for a request through its legacy v2
    compatible pipeline (``/v2/...``) to the release's major version (its body checks differ
    by release: `fakecloud.nova.api.schemas.SchemaValidator`); 0 otherwise."""
    _json: Any = field(default=None, repr=False)
    _parsed: bool = field(default=False, repr=False)

    @classmethod
    def build(
        cls,
        method: str,
        path: str,
        *,
        query: str | Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        body: bytes | str | Any = b"",
        context: Any = None,
        base_url: str = "",
    ) -> Request:
        """Build a request; a body that is not bytes or str is sent as JSON."""
        if isinstance(query, str):
            parsed = parse_qs(query, keep_blank_values=True)
        elif query:
            parsed = {
                k: [str(x) for x in (v if isinstance(v, list) else [v])] for k, v in query.items()
            }
        else:
            parsed = {}
        if body is None:
            raw = b""
        elif isinstance(body, bytes):
            raw = body
        elif isinstance(body, str):
            raw = body.encode()
        else:
            raw = json.dumps(body).encode()
        # interned: one "POST" for every request open at once, not one each
        method = sys.intern(method.upper())
        return cls(method, path, parsed, Headers(headers), raw, context, base_url=base_url)

    def json(self, utf8_only: bool = True) -> Any:
        """The body parsed as JSON (None when empty); `ValueError` when malformed (`utf8_only`:
        see `fakecloud.api.json_body.loads`)."""
        if not self._parsed:
            body = self.body
            self._json = loads_body(body, utf8_only=utf8_only) if body.strip() else None
            self._parsed = True
        return self._json

    def arg(self, name: str, default: str | None = None) -> str | None:
        """The last value of query parameter `name`."""
        values = self.query.get(name)
        return values[-1] if values else default


@dataclass
class Response:
    """One API answer: status, a JSON-able body (or raw bytes), and headers."""

    status: int
    body: Any = None
    headers: dict[str, Any] = field(default_factory=dict)
    refusal: ClassVar[str] = ""
    """An error answer's kind of refusal (`fakecloud.api.refusals`), set by the service that
    answered; "" when none is known."""

    @property
    def status_code(self) -> int:
        """`status`, by the name `requests` gives it: a test written with requests' habits
        (``r.status_code == 202``) met an AttributeError."""
        return self.status

    def content(self) -> bytes:
        """The body as bytes: JSON unless it already is bytes."""
        if self.body is None:
            return b""
        body = self.body
        if isinstance(body, bytes):
            return body
        if _C_ENCODE is None:
            return _ENCODER.encode(body).encode()
        return "".join(_C_ENCODE(body, 0)).encode()

    @property
    def text(self) -> str:
        """The body as text (`content`, decoded), by the name `requests` gives it."""
        return self.content().decode("utf-8", "replace")

    def json(self) -> Any:
        """The body as a Python value (for in-process callers and tests)."""
        if isinstance(self.body, bytes):
            return json.loads(self.body) if self.body else None
        return self.body


class WsgiServerError(Response):
    """The WSGI server's own answer to an exception the application let out (Keystone's
    ``PROPAGATE_EXCEPTIONS``): nothing of the service's middleware is on it, no request id."""
