"""The request-body limit of oslo.middleware's ``sizelimit`` filter, where real pipelines have it.

Nova's, Cinder's and Keystone's paste pipelines put ``oslo_middleware.sizelimit:
RequestBodySizeLimiter`` in front of the API (after the request-id middleware in Nova and
Cinder, before it in Keystone); Glance's does not (image data has its own ``image_size_cap``),
and neither do the version-document pipelines of Nova and Cinder. A body over
``[oslo_middleware] max_request_body_size`` (114,688 bytes by default) never reaches the
service: webob's ``HTTPRequestEntityTooLarge`` answers it, rendered as webob renders it for the
request's ``Accept`` (JSON, HTML or plain text).

The message is the filter's own, verbatim: ``RequestBodySizeLimiter.__call__`` passes its
format string to the exception unformatted, so the real body says ``(%s)``.

    >>> too_large("compute", "/v2.1/servers", {"Accept": "application/json"}, 200_000, 114688)
    ... # doctest: +ELLIPSIS
    Response(status=413, ...)
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

from fakecloud.api.http import Response
from fakecloud.bounds import POSITIVE_COUNT
from fakecloud.config import bounded, config_section
from fakecloud.transport.auth import is_version_path

#: ``RequestBodySizeLimiter.__call__``'s message (oslo.middleware 8.2.0), sent unformatted.
DECLARED_TOO_LARGE = "Request is too large. Larger than max_request_body_size (%s)."

#: Endpoint hosts whose pipeline has the filter, and the request-id headers added in front of
#: it (Keystone's ``request_id`` sits behind ``sizelimit`` in ``_APP_MIDDLEWARE``: none).
LIMITED_HOSTS: dict[str, tuple[str, ...]] = {
    "identity": (),
    "compute": ("x-openstack-request-id", "x-compute-request-id"),
    "volume": ("x-openstack-request-id", "x-compute-request-id"),
}


@config_section("oslo_middleware")
@dataclass(frozen=True)
class SizeLimitConfig:
    """``[oslo_middleware]``: the largest request body (bytes) Nova, Cinder and Keystone take."""

    max_request_body_size: int = bounded(114688, POSITIVE_COUNT)
    """``[oslo_middleware] max_request_body_size``: "The maximum body size for each request, in
    bytes"; a larger body is a 413 before the service sees it."""


def applies(host: str, path: str) -> bool:
    """Whether a request to `path` on endpoint `host` passes through the size-limit filter."""
    if host not in LIMITED_HOSTS:
        return False
    return host == "identity" or not is_version_path(path)


def too_large(
    host: str, path: str, headers: Mapping[str, str], body_size: int, limit: int
) -> Response | None:
    """The 413 the filter answers for a `body_size`-byte body, or None if it passes."""
    if body_size <= limit or not applies(host, path):
        return None
    with warnings.catch_warnings():  # webob 1.8 imports cgi (deprecated); not our concern
        warnings.simplefilter("ignore", DeprecationWarning)
        import webob  # on first use: a cloud that never sees a large body never needs it
        import webob.exc

    accept = {k.lower(): v for k, v in headers.items()}.get("accept", "")
    error = webob.exc.HTTPRequestEntityTooLarge(explanation=DECLARED_TOO_LARGE)
    rendered = webob.Request.blank(path, headers={"Accept": accept} if accept else {})
    answer = rendered.get_response(error)
    out = Response(413, answer.body, {"Content-Type": answer.headers["Content-Type"]})
    return out
