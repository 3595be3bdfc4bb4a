"""oslo.middleware's CORS filter, in front of Keystone's application in every release (13.x's
paste pipelines, ``etc/keystone-paste.ini``; from 14.0.0 the outermost of
``keystone/server/flask/core.py`` ``_APP_MIDDLEWARE``): an ``OPTIONS`` request its application
answers with anything but a 2xx is answered 200 instead, by a new empty response with no
``Content-Type`` (``CORS._apply_cors_preflight_headers``: ``NoContentTypeResponse``; the same
in oslo.middleware 3.34.0, Queens' pin, and 6.x). With no ``[cors] allowed_origin`` configured
(Keystone's default, and devstack's) it adds no CORS header whatever ``Origin`` a preflight
sends (``InvalidOriginError``). Made outside the inner middleware and Flask, it carries no
request id and no ``Vary``. A 2xx (Flask's own ``OPTIONS`` answer with ``Allow``, 13.x's
``/v3`` document) goes through as it is.
"""

from __future__ import annotations

from fakecloud.api.http import Response


class PreflightResponse(Response):
    """The CORS filter's own 200 to an ``OPTIONS`` its application refused."""


def preflight(method: str, answer: Response) -> Response:
    """What the filter sends for the application's `answer` to a `method` request."""
    if method != "OPTIONS" or 200 <= answer.status < 300:
        return answer
    return PreflightResponse(200, None, {"Content-Length": "0"})
