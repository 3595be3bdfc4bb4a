"""A request method in lower case (``curl -X get``), passed on and routed as the services route it.

RFC 9110 9.1: a method is case-sensitive. waitress refused one not in upper case with its own
400 page ("Malformed HTTP method"); the servers in front of the real services pass it on:
eventlet.wsgi takes the request line's first word as it is (``BaseHTTPRequestHandler.
parse_request``), and Apache httpd takes a method it does not know (``get`` is none of its
``GET``...: ``M_INVALID``) under its default ``HttpProtocolOptions LenientMethods``, its
``REQUEST_METHOD`` as sent to mod_wsgi or uWSGI. So ``get`` reaches the application, and each
answers it as its router reads it:

- Nova, Cinder and Glance route with ``routes``, whose conditions compare ``REQUEST_METHOD``
  as it is (``Route.match``: ``environ['REQUEST_METHOD'] not in self.conditions['method']``,
  Routes 2.5.1): ``get`` is a method no route serves, answered as any such (``FOO``): Nova's
  and Cinder's ``webob.exc.HTTPNotFound``, Glance's 405 naming ``get`` with its ``Allow``
  (``reject_method_resource``), and the version documents that take any method take it.
- Keystone's Flask app reads it in upper case (Werkzeug's ``Request.method`` and
  ``MapAdapter.match``: ``method.upper()``, werkzeug 3.0.6), so ``get`` is ``GET`` on every
  path Flask serves (14.0.0 on); the paths of its legacy ``routes`` router (13.x, and 14.x's
  not yet moved: `fakecloud.identity.legacy_router`) take it as ``routes`` does.

In process there is no such request: requests (``PreparedRequest.prepare_method``) and
``cloud.request`` write a method in upper case, as they always have.
"""

from __future__ import annotations

from typing import Any

from fakecloud.identity import legacy_router
from fakecloud.profiles.series import KEYSTONE_FLASK_CATALOG_SINCE


def served_method(method: str, host: str, path: str, cloud: Any) -> str:
    """The method `host`'s application routes a request of `method` to `path` by: as sent,
    or in upper case where Keystone's Flask app reads it (`method` in upper case already is
    returned as it is)."""
    if method.isupper() or host != "identity":
        return method
    release = cloud.kernel.switches.series.keystone
    if release < legacy_router.KEYSTONE_FLASK_DISPATCH_SINCE:
        return method
    if release < KEYSTONE_FLASK_CATALOG_SINCE and legacy_router.serves(release, path.rstrip("/")):
        return method
    return method.upper()
