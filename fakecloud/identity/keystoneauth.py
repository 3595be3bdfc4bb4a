"""keystoneauth1's HTTP errors (``keystoneauth1/exceptions/http.py``), as the clients of Nova and
Cinder raise them out of a keystoneauth session: Keystone's error answer to a password
plugin's ``POST /v3/auth/tokens`` (a service's ``[service_user]``, Cinder's ``[nova]`` user,
oslo.limit's session), which no caller in Nova or Cinder translates, so each is the service's
own 500 (`ServicesOwn500`: no ``api.error``), or the text a catch-all prints (Cinder's
upload-to-image 400).

``exceptions.from_response`` picks the class by status and formats ``"<message> (HTTP
<status>)"``, then ``" (Request-ID: <id>)"`` when the answer carried an
``x-openstack-request-id`` (``HttpError.__init__``, keystoneauth1 5.18.1; the same since 3.x),
as every answer of Keystone's does (oslo.middleware's ``request_id``).
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.exceptions import ServicesOwn500

#: Keystone's 401 text (its JSON body's ``error.message``), which keystoneauth's
#: `Unauthorized` carries.
REQUIRES_AUTHENTICATION = "The request you have made requires authentication."


class KeystoneauthHttpError(ServicesOwn500, Exception):
    """keystoneauth's ``HttpError``: an error answer of Keystone's, its class by status as
    ``exceptions.from_response`` picks it (a subclass below, else ``HTTPClientError`` /
    ``HttpServerError`` by range). `request_id`: the answer's, printed after the text."""

    real_class_path = "keystoneauth1.exceptions.http.HttpError"
    status = 0

    def __init_subclass__(cls, **kw: Any):
        super().__init_subclass__(**kw)
        cls.real_class_path = f"keystoneauth1.exceptions.http.{cls.__name__}"

    def __init__(self, message: str | None = None, request_id: str | None = None):
        text = message or f"{type(self).__name__} (HTTP {self.status})"
        if request_id:
            text += f" (Request-ID: {request_id})"
        self.request_id = request_id
        super().__init__(text)


class HTTPClientError(KeystoneauthHttpError):
    """keystoneauth's ``HTTPClientError`` (a 4xx without its own class)."""


class HttpServerError(KeystoneauthHttpError):
    """keystoneauth's ``HttpServerError`` (a 5xx without its own class)."""


class Unauthorized(HTTPClientError):
    """keystoneauth's ``Unauthorized`` (401): Keystone refused a plugin's token request (the
    user disabled, deleted, without a role on its project)."""

    status = 401

    def __init__(self, message: str | None = None, request_id: str | None = None):
        super().__init__(message or f"{REQUIRES_AUTHENTICATION} (HTTP 401)", request_id)


class InternalServerError(HttpServerError):
    """keystoneauth's ``InternalServerError`` (500)."""

    status = 500


class BadGateway(HttpServerError):
    """keystoneauth's ``BadGateway`` (502: a proxy in front of Keystone)."""

    status = 502


class ServiceUnavailable(HttpServerError):
    """keystoneauth's ``ServiceUnavailable`` (503)."""

    status = 503


class GatewayTimeout(HttpServerError):
    """keystoneauth's ``GatewayTimeout`` (504)."""

    status = 504


_BY_STATUS = {
    cls.status: cls
    for cls in (Unauthorized, InternalServerError, BadGateway, ServiceUnavailable, GatewayTimeout)
}


def status_error(status: int, message: str | None, request_id: str | None = None) -> BaseException:
    """The keystoneauth error a token request answered with `status` raises (`request_id`: the
    answer's, printed after the text)."""
    cls = _BY_STATUS.get(status)
    if cls is not None:
        return cls(message, request_id)
    if 400 <= status < 500:
        error: KeystoneauthHttpError = HTTPClientError(message, request_id)
    else:
        cls = HttpServerError if status >= 500 else KeystoneauthHttpError
        error = cls(message, request_id)
    error.status = status
    return error
