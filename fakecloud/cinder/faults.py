"""Cinder's errors on the wire: one function from a `CinderException` to the HTTP answer, and
the fault body (``cinder/api/openstack/wsgi.py`` ``ResourceExceptionHandler`` and ``Fault``,
``cinder/api/middleware/fault.py`` ``FaultWrapper``).

- ``NotAuthorized`` → 403 with its text; ``Invalid*`` and ``NotFound`` → their code with their
  text (``ResourceConflict`` is an Invalid with code 409).
- Anything else reaches ``FaultWrapper``: its code and headers (``Retry-After: 0`` for quota
  errors), and for a "safe" exception the text ``"<ClassName>: <message>"``; otherwise the
  generic text of the status, so nothing internal leaks.

The body is ``{"<faultName>": {"code": ..., "message": ...}}`` (+ ``retryAfter`` on 413).
"""

from __future__ import annotations

from fakecloud.api.http import HttpError, Response
from fakecloud.cinder import exception

#: ``Fault._fault_names``; any other status is a ``computeFault``.
FAULT_NAMES = {
    400: "badRequest",
    401: "unauthorized",
    403: "forbidden",
    404: "itemNotFound",
    405: "badMethod",
    409: "conflictingRequest",
    413: "overLimit",
    415: "badMediaType",
    501: "notImplemented",
    503: "serviceUnavailable",
}

#: WebOb's default explanations, used when an unsafe exception reaches ``FaultWrapper``.
GENERIC = {
    400: "The server could not comply with the request since it is either malformed or "
    "otherwise incorrect.",
    403: "Access was denied to this resource.",
    409: "There was a conflict when trying to complete your request.",
    413: "The data value transmitted exceeds the capacity limit.",
    500: "The server has either erred or is incapable of performing the requested operation.",
    503: "The server is currently unavailable. Please try again at a later time.",
}


def to_http(error: exception.CinderException) -> HttpError:
    """The HTTP error real Cinder answers for `error`."""
    code = error.kwargs.get("code", error.code) or 500
    if isinstance(error, exception.NotAuthorized):
        return HttpError(403, error.msg)
    if isinstance(error, (exception.Invalid, exception.NotFound, exception.Explained)):
        return HttpError(code, error.msg)
    if error.safe:
        message = f"{type(error).__name__}: {error.msg}"
    else:
        message = GENERIC.get(code, GENERIC[500])
    return HttpError(code, message, headers=dict(error.headers))


def render(error: HttpError) -> Response:
    """Cinder's fault body for `error`."""
    name = error.fault or FAULT_NAMES.get(error.status, "computeFault")
    inner = {"code": error.status, "message": error.message}
    retry = error.headers.get("Retry-After")
    if error.status == 413 and retry is not None:
        inner["retryAfter"] = str(retry)
    return Response(
        error.status, {name: inner}, {"Content-Type": "application/json", **error.headers}
    )
