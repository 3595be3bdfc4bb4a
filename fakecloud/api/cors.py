"""oslo.middleware's CORS filter, in front of every service's application in every release:
Keystone's (13.x's paste pipelines, ``etc/keystone-paste.ini``; from 14.0.0 the outermost of
``keystone/server/flask/core.py`` ``_APP_MIDDLEWARE``), and the paste pipelines of Nova
(``etc/nova/api-paste.ini``, 17.0.0-34.0.0: ``cors`` heads every one), Cinder
(``etc/cinder/api-paste.ini``: ``cors`` heads every pipeline before 20.0.0; from 20.0.0,
18b8033b6, ``request_id`` comes first) and Glance (``etc/glance-api-paste.ini``, 16.0.0 on).

``CORS.process_response`` sends an ``OPTIONS`` request to the application first; an answer
that is not a 2xx is replaced by a new empty 200 with no ``Content-Type``
(``_apply_cors_preflight_headers``: ``NoContentTypeResponse``; the same in oslo.middleware
3.34.0, Queens' pin, and 6.x). With no ``[cors] allowed_origin`` configured (every service's
default, and devstack's) it adds no CORS header whatever ``Origin`` or
``Access-Control-Request-Method`` a preflight sends (``InvalidOriginError``). Made outside the
application's own filters, the new answer has only what the filters in front of CORS add
(Cinder's ``RequestId`` from 20.0.0). A 2xx (Flask's own ``OPTIONS`` answer with ``Allow``,
a version document answered to any method) goes through as it is.

The filter is applied in one place, outside each service's application (`filtered`, called by
the gateway and the scenarios' transport after the service answered and its request id was
stamped): a service declares what the filters in front of CORS add (``cors_outer_headers``);
whatever its application and the middleware behind CORS add (Keystone's request id and
``Vary``, Nova's ``compute_req_id``) is left out of the filter's own answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fakecloud.api.http import Response


class PreflightResponse(Response):
    """The CORS filter's own 200 to an ``OPTIONS`` its application refused."""


def preflight(method: str, answer: Response, outer: Iterable[str] = ()) -> Response:
    """What the filter sends for the application's `answer` to a `method` request; `outer`
    names the (lower-case) headers the filters in front of it add to whatever it sends."""
    if method != "OPTIONS" or 200 <= answer.status < 300:
        return answer
    headers = {"Content-Length": "0"}
    kept = set(outer)
    if kept:
        for name, value in answer.headers.items():
            if name.lower() in kept:
                headers[name] = value
    return PreflightResponse(200, None, headers)


def filtered(api: Any, method: str, response: Response) -> Response:
    """What reaches the client of `api` for its answer `response` to a `method` request: the
    CORS filter's (`preflight`), given what the filters in front of it add (the service's
    ``cors_outer_headers``; None: no CORS filter in front of it)."""
    if method != "OPTIONS":
        return response
    outer = getattr(api, "cors_outer_headers", None)
    return response if outer is None else preflight(method, response, outer)
