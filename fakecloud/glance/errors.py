"""Glance's errors: WebOb HTTP exceptions as Glance raises them, and how their bodies look.

Real Glance answers with plain ``webob.exc`` exceptions, so an error body is whatever WebOb
generates for the request's ``Accept`` header (`fakecloud.api.webob`). The message is WebOb's
body template filled in: the class's explanation (or the one Glance passed), ``<br /><br />``,
then the detail. Glance passes its text sometimes as `explanation`
and sometimes as `detail`; each raise site below does what Glance's does, because the two read
differently (``HTTPForbidden(msg)`` keeps WebOb's "Access was denied to this resource.").

The store errors at the end are glance_store's: services raise them (or a fault rule names them)
and the upload code maps each to its HTTP answer exactly as ``image_data.py`` does.
"""

from __future__ import annotations

from fakecloud.api import webob
from fakecloud.api.http import Headers, HttpError, Response
from fakecloud.api.webob import WebObError
from fakecloud.api.webob import render as webob_render


class GlanceHttpError(WebObError):
    """A ``webob.exc.HTTP*`` exception as Glance raises it (see `fakecloud.api.webob`)."""


class HTTPBadRequest(GlanceHttpError):
    """400."""

    code = 400
    title = "Bad Request"
    explanation = (
        "The server could not comply with the request since it is either malformed or "
        "otherwise incorrect."
    )


class HTTPUnauthorized(GlanceHttpError):
    """401."""

    code = 401
    title = "Unauthorized"
    explanation = (
        "This server could not verify that you are authorized to access the document you "
        "requested. Either you supplied the wrong credentials (e.g., bad password), or your "
        "browser does not understand how to supply the credentials required."
    )


class HTTPForbidden(GlanceHttpError):
    """403."""

    code = 403
    title = "Forbidden"
    explanation = "Access was denied to this resource."


class HTTPNotFound(GlanceHttpError, webob.HTTPNotFound):
    """404."""


class HTTPMethodNotAllowed(GlanceHttpError):
    """405 (WebOb's own template names the method)."""

    code = 405
    title = "Method Not Allowed"
    explanation = HTTPBadRequest.explanation
    template = (
        "The method ${REQUEST_METHOD} is not allowed for this resource. <br /><br />\n${detail}"
    )


class HTTPConflict(GlanceHttpError):
    """409."""

    code = 409
    title = "Conflict"
    explanation = "There was a conflict when trying to complete your request."


class HTTPGone(GlanceHttpError):
    """410."""

    code = 410
    title = "Gone"
    explanation = "This resource is no longer available. No forwarding address is given."


class HTTPRequestEntityTooLarge(GlanceHttpError):
    """413."""

    code = 413
    title = "Request Entity Too Large"
    explanation = "The body of your request was too large for this server."


class HTTPUnsupportedMediaType(GlanceHttpError):
    """415 (WebOb's own template names the request's content type)."""

    code = 415
    title = "Unsupported Media Type"
    explanation = HTTPBadRequest.explanation
    template = (
        "The request media type ${CONTENT_TYPE} is not supported by this server.\n"
        "<br /><br />\n${detail}"
    )


#: The first Glance whose 415s carry their reason as WebOb's ``detail`` (fb6ffd01d, 33.0.0,
#: LP #2152232); before, upload and stage pass it as ``explanation``, which the 415 template
#: does not show, and a PATCH passes none: the body names the media type and nothing more.
UNSUPPORTED_MEDIA_DETAIL_SINCE = 33


def unsupported_media_type(
    reason: str, glance: int, headers: dict[str, str] | None = None
) -> HTTPUnsupportedMediaType:
    """The 415 of the series' Glance `glance` (its major): `reason` shown from 33.0.0 only."""
    if glance >= UNSUPPORTED_MEDIA_DETAIL_SINCE:
        return HTTPUnsupportedMediaType(reason, headers=headers)
    return HTTPUnsupportedMediaType(explanation=reason, headers=headers)


class HTTPInternalServerError(GlanceHttpError):
    """500."""


class HTTPNotImplemented(GlanceHttpError):
    """501 (WebOb's own template names the method): ``Router._dispatch``'s answer to a method
    outside GET, HEAD, POST, PUT, DELETE and PATCH on a path no route matches."""

    code = 501
    title = "Not Implemented"
    explanation = HTTPInternalServerError.explanation
    template = (
        "\nThe request method ${REQUEST_METHOD} is not implemented for this server. "
        "<br /><br />\n${detail}"
    )


class HTTPServiceUnavailable(GlanceHttpError):
    """503."""

    code = 503
    title = "Service Unavailable"
    explanation = "The server is currently unavailable. Please try again at a later time."


# -- glance.common.exception messages used by more than one module ----------------------------


def image_not_found(image_id: str) -> HTTPNotFound:
    """``ImageRepo.get``'s answer for a missing, deleted or invisible image."""
    return HTTPNotFound(explanation=f"No image found with ID {image_id}")


def policy_forbidden(action: str) -> HTTPForbidden:
    """oslo.policy's refusal as Glance words it (``exception.Forbidden``)."""
    return HTTPForbidden(explanation=f"You are not authorized to complete {action} action.")


def invalid_transition(current: str, new: str) -> str:
    """``InvalidImageStatusTransition``'s message."""
    return f"Image status transition from {current} to {new} is not allowed"


def limit_exceeded_message(body: str) -> str:
    """``exception.LimitExceeded``'s message around oslo.limit's description."""
    return (
        "The request returned a 413 Request Entity Too Large. This generally means that rate "
        "limiting or a quota threshold was breached.\n\nThe response body:\n" + body
    )


# -- glance_store errors (the store, or a fault rule, raises these) ----------------------------


class GlanceStoreError(Exception):
    """Base of glance_store's errors; each maps to one HTTP answer of the upload."""

    def __init__(self, message: str | None = None):
        super().__init__(message or self.default_message)

    default_message = "Unknown store error"


class StorageFull(GlanceStoreError):
    """``glance_store.StorageFull`` → 413 "Image storage media is full: ..."."""

    default_message = "There is not enough disk space on the image storage media."


class StorageWriteDenied(GlanceStoreError):
    """``glance_store.StorageWriteDenied`` → 503 "Insufficient permissions on image storage"."""

    default_message = "Permission to write image storage media denied."


#: The first Glance whose upload and stage answer ``glance_store.Invalid`` with 400 (62a323aed,
#: 31.0.0); before, nothing catches it: the upload's catch-all restores the image, a 500.
STORE_INVALID_SINCE = 31
#: The first Glance that answers a store's ``TimeoutError`` with 503 ("Handle filesystem store
#: timeouts with HTTP 503", 33.0.0: upload, stage, delete); before, a 500.
STORE_TIMEOUT_SINCE = 33


class StoreTimeout(GlanceStoreError):
    """``glance_store.exceptions.TimeoutError`` → 503 with the store's message."""

    default_message = "Timeout while writing to the store."


class StoreInvalid(GlanceStoreError):
    """``glance_store.Invalid`` → 400."""

    default_message = "Data supplied was not valid."


class StoreAddDisabled(GlanceStoreError):
    """``glance_store.StoreAddDisabled`` → 410 "Adding images to store is disabled."."""

    default_message = "Configuration for store failed. Adding images to this store is disabled."


class InvalidImageData(GlanceStoreError):
    """``exception.InvalidImageData`` (format inspection refused the data) → 415."""

    default_message = "Image data is not acceptable or does not match parameters"


class StoreDuplicate(GlanceStoreError):
    """``glance_store.exceptions.Duplicate``: the store already holds data under the image's
    id. No upload clause catches it: Glance's 500."""

    default_message = "Image already exists"


class InUseByStore(GlanceStoreError):
    """``glance_store.exceptions.InUseByStore``: the backend still uses the data → 409."""

    default_message = "The image cannot be deleted because it is in use through the backend store."


class HasSnapshot(GlanceStoreError):
    """``glance_store.exceptions.HasSnapshot``: the data has dependent snapshots → 409."""

    default_message = "The image cannot be deleted because it has snapshot(s)."


STORE_ERRORS = {
    "GlanceStorageFull": StorageFull,
    "GlanceStorageWriteDenied": StorageWriteDenied,
    "GlanceStoreTimeout": StoreTimeout,
    "GlanceStoreInvalid": StoreInvalid,
    "GlanceStoreAddDisabled": StoreAddDisabled,
    "GlanceInvalidImageData": InvalidImageData,
    "GlanceInUseByStore": InUseByStore,
    "GlanceHasSnapshot": HasSnapshot,
}


# -- rendering --------------------------------------------------------------------------------


def render(error: GlanceHttpError | HttpError, headers: Headers, method: str = "GET") -> Response:
    """The `Response` WebOb would send for `error` given the request's headers."""
    if not isinstance(error, WebObError):
        error = _as_glance_error(error)
    return webob_render(error, headers, method)


_BY_CODE = {
    cls.code: cls
    for cls in (
        HTTPBadRequest,
        HTTPUnauthorized,
        HTTPForbidden,
        HTTPNotFound,
        HTTPMethodNotAllowed,
        HTTPConflict,
        HTTPGone,
        HTTPRequestEntityTooLarge,
        HTTPUnsupportedMediaType,
        HTTPNotImplemented,
        HTTPServiceUnavailable,
    )
}


def _as_glance_error(error: HttpError) -> GlanceHttpError:
    """A transport-level `HttpError` (router 404/405) as the WebOb exception Glance raises."""
    cls = _BY_CODE.get(error.status, HTTPInternalServerError)
    if cls in (HTTPNotFound, HTTPMethodNotAllowed, HTTPNotImplemented):
        return cls(headers=error.headers)  # WebOb's own words, as Glance's router gives them
    return cls(explanation=error.message, headers=error.headers)
