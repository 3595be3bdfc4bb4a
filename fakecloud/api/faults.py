"""Fault bodies in the style Nova and Cinder share (``nova/api/openstack/wsgi.py::Fault``).

Every error body is one key naming the fault: ``{"itemNotFound": {"code": 404, "message": ...}}``.
Glance answers differently and renders its own.
"""

from __future__ import annotations

from fakecloud.api.http import HttpError, Response

FAULT_NAMES = {
    400: "badRequest",
    401: "unauthorized",
    403: "forbidden",
    404: "itemNotFound",
    405: "badMethod",
    409: "conflictingRequest",
    413: "overLimit",
    415: "badMediaType",
    429: "overLimit",
    501: "notImplemented",
    503: "serviceUnavailable",
}


def openstack_fault(error: HttpError, default_name: str = "computeFault") -> Response:
    """Render `error` as a one-key fault body; 413/429 carry ``retryAfter`` with Retry-After."""
    name = error.fault or FAULT_NAMES.get(error.status, default_name)
    inner = {"code": error.status, "message": error.message, **error.details}
    retry = error.headers.get("Retry-After")
    if error.status in (413, 429) and retry is not None:
        inner["retryAfter"] = str(retry)
    headers = {"Content-Type": "application/json; charset=UTF-8", **error.headers}
    return Response(error.status, {name: inner}, headers)
