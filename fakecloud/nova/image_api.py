"""Nova's internal Glance client (``nova/image/glance.py``): `API`, on virtual time.

Nova code holds one ``API(glance)`` and calls its generator methods from simulated processes::

    meta = yield from image_api.create(ctx, {"name": "snap", "properties": {...}})
    meta = yield from image_api.update(ctx, meta["id"], {"disk_format": "qcow2", ...})
    meta = yield from image_api.upload(ctx, meta["id"], ImageData(size, "snap-1", link=host_link))

Interface (the Nova engineer codes against exactly this):

``get(ctx, image_id, include_locations=False, show_deleted=True, *, name_only=False) -> dict``
    ``GET /v2/images/{id}``. Raises ImageNotFound, ImageNotAuthorized, ImageBadRequest,
    ImageQuotaExceeded (``_translate_image_exception``; from 20.6.1/21.0.0, `HTTPOverLimit`
    before).
``get_all(ctx, filters=None, marker=None, limit=None, page_size=None, sort_key=None,
sort_dir=None) -> list[dict]``
    ``GET /v2/images``, following ``next`` pages as glanceclient does (one round trip each).
    `filters` take Nova's form (``property-<key>``, ``is_public``, ``changes-since``).
    Raises Forbidden, NotFound, Invalid (``_translate_plain_exception``).
``create(ctx, image_meta, data=None, *, id_only=False) -> dict``
    Properties in ``image_meta["properties"]`` are flattened as ``_translate_to_glance`` does
    (``block_device_mapping``/``mappings`` JSON-encoded, other values ``str()``-ed, read-only
    keys and ``size``/``deleted`` dropped). ``properties["instance_owner"]`` makes that project a
    (pending) member. With ``size == 0`` and no `data` the image is force-activated with an
    empty upload (``disk_format`` raw, ``container_format`` bare; another disk format is
    ImageBadRequest — from 31.0.0; before, the disk format the image schema prefers, qcow2,
    asked with ``GET /v2/schemas/image``). A ``location`` is registered with the location API.
    `data` (an `ImageData`) is uploaded. Errors: Invalid (400), Forbidden (401/403), NotFound
    (404), and **untranslated** `GlanceClientError` subclasses for everything else, e.g.
    `HTTPOverLimit` (413) and `HTTPConflict` (409): Nova answers those with a 500.
    With ``id_only=True`` the answer is the new image's id alone, not Nova's dict of it (for a
    caller that reads nothing else: the volume-backed createImage).
``update(ctx, image_id, image_meta, data=None, purge_props=False, *, id_only=False) -> dict``
    A PATCH of the changed attributes and properties (glanceclient's GET, PATCH, GET), then
    `data` if any. ``purge_props=True`` first reads the image and removes the properties
    `image_meta` does not name. ``location`` (with fakecloud's ``location_data``: the
    `ImageData` the store holds there) registers data that already exists (RBD direct snapshot).
    Raises ImageNotFound, ImageNotAuthorized, ImageBadRequest, ImageQuotaExceeded.
``upload(ctx, image_id, data) -> dict``
    ``PUT /v2/images/{id}/file`` then a GET: the bytes described by `data` (``size``,
    ``content_id``) cross ``data.link`` (the compute host's link resource) and the Glance store,
    taking the virtual time of that transfer. Errors translated as for `update`.
``delete(ctx, image_id) -> True``
    Raises ImageNotFound (404), ImageNotAuthorized (403), ImageDeleteConflict (409).
``download(ctx, image_id, link=None) -> ImageData``
    ``GET /v2/images/{id}/file`` through the store and `link`; an image without data is
    ImageUnacceptable ("Image has no associated data").
``add_member(ctx, image_id, member_id) -> dict``
    ``POST /v2/images/{id}/members`` (``_add_image_member``): a 400 becomes Invalid, any other
    error is raised untranslated.

Image metadata dicts are what ``_translate_from_glance`` builds: ``id``, ``name``, ``status``,
``size`` (0 before data), ``min_disk``, ``min_ram``, ``disk_format``, ``container_format``,
``owner``, ``is_public`` (Nova keeps no ``visibility`` key), ``checksum``, ``os_hidden``,
``os_hash_algo``, ``os_hash_value``, ``created_at``/``updated_at`` as aware UTC datetimes,
``deleted``, ``deleted_at``, and ``properties`` with every custom property (JSON keys decoded).

Every client request charges ``image_api.latency_s`` of virtual time and consults the fault
point ``image_api.<method>`` (attributes ``image_id``, ``call`` — the glanceclient call, e.g.
``create``/``upload``/``get`` — and ``attempt``). A raised `GlanceClientError` there is Glance
answering with that status; any other error (``error: GlanceUnreachable``) is a connection
failure. Connection failures and 503s are retried as ``GlanceClientWrapper.call`` does: up to
``1 + num_retries`` attempts (unset: the release's ``[glance] num_retries`` default, 0 before
22.0.0, 3 after), ``retry_interval_s`` apart, then GlanceConnectionFailed. The
fault can also delay or stall a request.

fakecloud contexts are always authenticated, so Nova's noauth filter (``_is_image_available``)
never hides an image Glance returned. An anonymous admin context (``get_admin_context()``) has
no token for Glance: each method fails as `anonymous_glance` says, mostly before any request.
"""

from __future__ import annotations

import datetime
import re
import sys
from collections.abc import Callable, Container, Generator
from dataclasses import dataclass
from types import GeneratorType
from typing import Any

from fakecloud import late
from fakecloud.api.http import Headers
from fakecloud.api.webob import render as webob_render
from fakecloud.bounds import COUNT
from fakecloud.config import bounded, config_section
from fakecloud.glance.content import ImageData, consumed
from fakecloud.glance.errors import GlanceHttpError
from fakecloud.glance.listing import ListQuery
from fakecloud.glance.patch import parse_patch
from fakecloud.glance.schema import MULTIHASH_FIELDS
from fakecloud.glance.views import image_view, image_view_entries, member_view, stored_isotime
from fakecloud.identity.context import forwarded
from fakecloud.nova import anonymous_glance, exception, json_props
from fakecloud.nova.service_auth import (
    UNCHECKED,
    invalidated,
    is_anonymous_admin,
    sends_service_token,
    service_token,
)
from fakecloud.profiles.provenance import Change
from fakecloud.sim import calls
from fakecloud.sim.trace import Site, Subject, site
from fakecloud.transport.token_cache import callee_checks, confirmed, passes

#: ``get_api_servers``' cut of a version off the Glance endpoint (python-glanceclient bug
#: 1707995), which leaves the slash before it.
_VERSION_CUT = re.compile(r"/v\d+(\.\d+)?/?$")


def glance_endpoint(kernel: Any, glance: Any) -> str:
    r"""``get_api_servers``' Glance server when ``[glance] api_servers`` is unset: the image
    endpoint with ``re.sub(r'/v\d+(\.\d+)?/?$', '/', ...)`` applied. Until 33.x (switch
    ``glance_link_catalog_url``) the catalog's URL as written (``utils.get_endpoint``:
    ``get_endpoint_data().catalog_url``), ``http://image.fakecloud.test``; from 34.0.0
    (12d8f57c6f) the one keystoneauth discovers for versions 2.0-2.latest, Glance's v2 link at
    its public endpoint, cut to ``http://image.fakecloud.test/``."""
    catalog = late.module("fakecloud.transport.endpoints").service_url(kernel.config, "image")
    if kernel.switches.glance_link_catalog_url:
        return _VERSION_CUT.sub("/", catalog)
    linked = glance.public_endpoint if glance is not None else catalog
    return linked.rstrip("/") + "/"


@config_section("image_api")
@dataclass(frozen=True)
class ImageApiConfig:
    """Nova's ``[glance]`` client options, with the round trip Nova→Glance made explicit."""

    latency_s: float = 0.005
    """The round trip of one request from Nova to Glance, virtual seconds (glance-api acts at
    its end); an upload's or download's bytes take their own time on the links and store."""
    num_retries: int | None = bounded(None, COUNT)
    """``[glance] num_retries``; unset, the release's default: 0 until 22.0.0 (20.5.0 and
    21.1.2 by backports), then 3 (switch ``default_glance_num_retries``)."""
    retry_interval_s: float = 1.0
    """The wait between two attempts of a request ``num_retries`` retries
    (``GlanceClientWrapper.call``'s ``time.sleep(1)``)."""
    page_size: int | None = bounded(None, COUNT)
    """Images a page when Nova lists Glance's with no ``page_size`` of its own; each further
    page is one more round trip (python-glanceclient's v2 ``images.list`` ``page_size``, which
    Nova's ``detail`` leaves to the client). Unset, the default of the client the release's
    series pins: 20 until 25.x, 200 from 26.0.0 (`GLANCECLIENT_PAGE_200`)."""
    api_server: str = ""  # [glance] api_servers; "": get_api_servers' (`glance_endpoint`)


#: python-glanceclient's v2 ``DEFAULT_PAGE_SIZE`` 20 -> 200: 219568c2a4 "Bump default pagesize"
#: (Change-Id I6d740ca3a9b32bf5d064d3ea74273bb619b32ad4, LP #1987834), first in glanceclient
#: 4.1.0, which Zed's upper-constraints pin (Nova 26.0.0's series; Yoga's pin 3.6.0, with 20).
GLANCECLIENT_PAGE_200 = Change("26.0.0", "219568c2a4", "python-glanceclient: Bump default pagesize")


def default_page_size(kernel: Any) -> int:
    """The ``page_size`` the glanceclient of `kernel`'s release lists images with."""
    return 200 if GLANCECLIENT_PAGE_200.reaches(kernel.switches.release) else 20


# -- glanceclient's exceptions ---------------------------------------------------------------


class GlanceClientError(Exception):
    """``glanceclient.exc.HTTPException``: an HTTP error answer Nova may leave untranslated
    (the class itself for a status glanceclient maps to none of its subclasses, e.g. 410).

    Its text is what the release's glanceclient prints: ``HTTP <details>`` from
    python-glanceclient 2.16.0 (ae4355b, LP #1598714), the Stein upper constraint, so Nova
    19.0.0 on; ``<details> (HTTP <code>)`` before (Queens 2.10.1, Rocky 2.13.2). `_call` sets
    `old_words` from the release the error crosses."""

    real_class_path = "glanceclient.exc.HTTPException"
    code = 500
    #: Glance's own words when the error is Glance's answer (`from_glance`): what the trace
    #: records of the answer, while ``details`` is what glanceclient made of the page.
    glance_message: str | None = None
    #: glanceclient before 2.16.0's ``__str__`` (Nova before 19.0.0).
    old_words = False

    def __init__(self, details: str = "", code: int | None = None):
        if code is not None:
            self.code = code
        self.details = details
        super().__init__(details)

    def real_args(self) -> tuple[()]:
        """glanceclient's ``args``: none (its ``__init__`` sets ``details`` and calls no
        ``Exception.__init__``; ``from_response`` passes ``details=`` by name), as a legacy
        notification's ``repr`` shows it (`notifications.exception_repr`)."""
        return ()

    def __str__(self) -> str:
        if self.old_words:
            # The bare HTTPException keeps its class code, 'N/A' (`from_response` sets none).
            code = "N/A" if type(self) is GlanceClientError else self.code
            return f"{self.details} (HTTP {code})"
        return f"HTTP {self.details}"


class HTTPBadRequest(GlanceClientError):
    """400."""

    code = 400


class HTTPUnauthorized(GlanceClientError):
    """401."""

    code = 401


class HTTPForbidden(GlanceClientError):
    """403."""

    code = 403


class HTTPNotFound(GlanceClientError):
    """404."""

    code = 404


class HTTPMethodNotAllowed(GlanceClientError):
    """405."""

    code = 405


class HTTPConflict(GlanceClientError):
    """409."""

    code = 409


class HTTPOverLimit(GlanceClientError):
    """413."""

    code = 413


class HTTPInternalServerError(GlanceClientError):
    """500."""

    code = 500


class HTTPNotImplemented(GlanceClientError):
    """501."""

    code = 501


class HTTPServiceUnavailable(GlanceClientError):
    """503 (retried by Nova's client wrapper)."""

    code = 503


class CommunicationError(Exception):
    """``glanceclient.exc.CommunicationError``: Glance could not be reached."""


_BY_CODE = {
    c.code: c
    for c in (
        HTTPBadRequest,
        HTTPUnauthorized,
        HTTPForbidden,
        HTTPNotFound,
        HTTPMethodNotAllowed,
        HTTPConflict,
        HTTPOverLimit,
        HTTPInternalServerError,
        HTTPNotImplemented,
        HTTPServiceUnavailable,
    )
}
for _cls in _BY_CODE.values():
    _cls.real_class_path = f"glanceclient.exc.{_cls.__name__}"

#: The first Nova release whose upper constraints hold python-glanceclient 2.16.0 or later (a
#: glanceclient HTTP error's text ``HTTP <details>``): 19.0.0 (Stein, 2.16.0).
GLANCECLIENT_NEW_WORDS_SINCE = (19, 0, 0)


#: What Nova's glanceclient sends as ``Accept``: nothing of its own (nor does keystoneauth's
#: session), so requests' ``*/*``, for which WebOb renders Glance's error as its HTML page.
_GLANCECLIENT_ACCEPT = Headers({"Accept": "*/*"})
_TAG = re.compile(r"<.+?>")


def glanceclient_details(error: GlanceHttpError, method: str) -> str:
    """The ``details`` glanceclient's ``from_response`` reads from Glance's HTML error page:
    each line stripped and its tags removed, empty and repeated lines dropped, the rest joined
    with ``': '`` (``403 Forbidden: Access was denied to this resource.: You are not
    permitted to create images owned by &#x27;p&#x27;``; the page's entities stay as they are)."""
    page = webob_render(error, _GLANCECLIENT_ACCEPT, method).content().decode()
    lines = (_TAG.sub("", line.strip()) for line in page.splitlines())
    return ": ".join(dict.fromkeys(line for line in lines if line))


def from_glance(error: GlanceHttpError, method: str) -> GlanceClientError:
    """``glanceclient.exc.from_response`` for one of Glance's answers to a `method` request."""
    details = glanceclient_details(error, method)
    cls = _BY_CODE.get(error.code)
    client_error = GlanceClientError(details, code=error.code) if cls is None else cls(details)
    client_error.glance_message = str(error)
    return client_error


# -- what each glanceclient call sends --------------------------------------------------------

#: glanceclient call -> (HTTP method, path, the status of a success)
ROUTES: dict[str, tuple[str, str, int]] = {
    "get": ("GET", "/v2/images/{image_id}", 200),
    "list": ("GET", "/v2/images", 200),
    "data": ("GET", "/v2/images/{image_id}/file", 200),
    "create": ("POST", "/v2/images", 201),
    "update": ("PATCH", "/v2/images/{image_id}", 200),
    "upload": ("PUT", "/v2/images/{image_id}/file", 204),
    "add_image_location": ("POST", "/v2/images/{image_id}/locations", 202),
    "add_location": ("PATCH", "/v2/images/{image_id}", 200),
    "image_members.create": ("POST", "/v2/images/{image_id}/members", 200),
    "delete": ("DELETE", "/v2/images/{image_id}", 204),
    "schemas.get": ("GET", "/v2/schemas/image", 200),
}
CALLER = "nova-api"
CALLEE = "glance-api"

#: Each Nova method's fault point name (``image_api.<method>``), made once.
_POINTS: dict[str, str] = {}


def _subjects() -> dict[str, tuple[str, bool, Site, Site]]:
    """glanceclient call -> its trace subject (a constant, or a template filled with the
    image id: true), and the sites of its request and its answer (`Trace.write_at`)."""
    out = {}
    for call, (verb, path, _) in ROUTES.items():
        subject, templated = f"{verb} {path}".replace("{image_id}", "{}"), "{image_id}" in path
        template = subject if templated else None
        sent = site(calls.SENT, template, callee=CALLEE, call=call)
        answered = site(calls.ANSWERED, template, callee=CALLEE, call=call)
        out[call] = (subject, templated, sent, answered)
    return out


_SUBJECTS = _subjects()


# -- nova/image/glance.py's translations -----------------------------------------------------


#: The first Nova whose ``_translate_image_exception`` maps glanceclient's ``HTTPOverLimit``
#: (a 413: Glance's storage quota or a unified limit) to ``ImageQuotaExceeded``: 21.0.0
#: (024bf10d8a, LP #1613770), backported to 20.6.1 (9e9c022bde); before, the 413 goes on as it is.
OVERLIMIT_TRANSLATED_SINCE = (20, 6, 1)


def _translate_image_exception(
    image_id: str, exc: BaseException, release: Any = None
) -> BaseException:
    """``_translate_image_exception`` of `release` (None: the latest)."""
    if isinstance(exc, (HTTPForbidden, HTTPUnauthorized)):
        return exception.ImageNotAuthorized(image_id=image_id)
    if isinstance(exc, HTTPNotFound):
        return exception.ImageNotFound(image_id=image_id)
    if isinstance(exc, HTTPBadRequest):
        return exception.ImageBadRequest(image_id=image_id, response=str(exc))
    if isinstance(exc, HTTPOverLimit) and (
        release is None or release.version >= OVERLIMIT_TRANSLATED_SINCE
    ):
        return exception.ImageQuotaExceeded(image_id=image_id)
    return exc


def _refused(code: int, message: str) -> GlanceClientError:
    """glanceclient's error for Glance's ``auth_token`` middleware refusing the user's token
    (`fakecloud.transport.token_cache.callee_checks`)."""
    return HTTPUnauthorized(message)


def _unauthenticated() -> None:
    """Glance's ``auth_token`` middleware refusing a request without a user token."""
    raise HTTPUnauthorized(anonymous_glance.UNAUTHENTICATED)


#: ``GlanceClientWrapper.call(self, context, version, method, *args, **kwargs)``'s own names.
#: Until 5c21a00e89 (19.0.0; 17.0.11, 18.2.1: LP #1717547) Nova passed an image's attributes and
#: properties to it as keyword arguments, so a property with one of these names is a TypeError
#: before Glance is asked (a createImage, createBackup or shelve answers 500).
_CALL_PARAMETERS = ("context", "version", "method")


def _check_call_kwargs(sent: dict[str, Any], switches: Any) -> None:
    """``call(context, 2, method, **sent)`` binding its arguments, with LP #1717547."""
    if switches.lp1717547:
        for key in sent:
            if key in _CALL_PARAMETERS:
                raise TypeError(f"call() got multiple values for argument '{key}'")


def _translate_plain_exception(exc: BaseException) -> BaseException:
    if isinstance(exc, (HTTPForbidden, HTTPUnauthorized)):
        return exception.Forbidden(str(exc))
    if isinstance(exc, HTTPNotFound):
        return exception.NotFound(str(exc))
    if isinstance(exc, HTTPBadRequest):
        return exception.Invalid(str(exc))
    return exc


def _schema_properties(ctx: Any, schema: Any) -> Any:
    """``schemas.get('image')``'s properties, as `API._call`'s work: the request's context
    first, as every call's (no closure per request)."""
    return schema.properties


_CONVERT_PROPS = ("block_device_mapping", "mappings")
_READ_ONLY = ("status", "updated_at", "created_at", "deleted_at")
#: The attributes `_translate_to_glance` does not send: the read-only ones, size and deleted.
_NOT_SENT = frozenset((*_READ_ONLY, "size", "deleted"))
# Sets, not tuples: `_translate_from_glance` tests every key of an image view against them.
_OMIT = frozenset(("self", "schema", "protected", "virtual_size", "file", "tags"))
_LOCATION_KEYS = frozenset(("direct_url", "locations"))
_KERNEL_RAMDISK = frozenset(("kernel_id", "ramdisk_id"))
#: The properties `_translate_to_glance` does more with than send as text.
_SPECIAL_PROPS = _KERNEL_RAMDISK.union(_CONVERT_PROPS)
#: The names `_translate_from_glance` does not simply copy (every other name is a base
#: attribute or a custom property).
_SPECIAL = _OMIT | _LOCATION_KEYS | {"visibility", "size"}


def _translate_to_glance(image_meta: dict[str, Any], read_back: bool = True) -> dict[str, Any]:
    """``_convert_to_string`` + ``_remove_read_only`` + ``_convert_to_v2``, in one pass over
    `image_meta` (which is not changed): the read-only and dropped attributes left out, the
    properties flattened in their place (the JSON-valued ones as their JSON text, a kernel or
    ramdisk of "none" left out, other values as text), ``min_ram``/``min_disk`` as integers,
    ``is_public`` as the visibility. `read_back`: the caller will decode the JSON it sends
    from Glance's answer (`json_props.dumps` remembers the values for that).
    """
    out: dict[str, Any] = {}
    for name, value in image_meta.items():
        if name in _NOT_SENT:
            continue
        if name == "properties":
            for key, prop in value.items():
                if key in _SPECIAL_PROPS:
                    if key in _CONVERT_PROPS:
                        if not isinstance(prop, str):
                            prop = json_props.dumps(prop, remember=read_back)
                    elif prop is not None and prop.strip().lower() in ("none", ""):
                        continue
                if prop.__class__ is str or prop is None or isinstance(prop, str):
                    out[key] = prop
                else:
                    out[key] = str(prop)
        elif name == "min_ram" or name == "min_disk":
            out[name] = int(value)
        elif name == "is_public":
            out["visibility"] = "public" if value else "private"
        else:
            out[name] = value
    return out


def _parse_isotime(text: str) -> datetime.datetime:
    """``timeutils.parse_isotime``: an aware UTC datetime."""
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _base_names(schema: Any) -> frozenset[str]:
    """The base attributes of a (read-only) Glance image schema: every other key of an image
    view is a custom property (only schema properties can be base ones)."""
    return frozenset(name for name in schema.properties if schema.is_base(name))


def _translate_from_glance(
    view: dict[str, Any], base: Container[str], include_locations: bool = False
) -> dict[str, Any]:
    """``_extract_attributes_v2`` + timestamps + ``_convert_from_string``; `base` holds the
    schema's base attribute names."""
    out: dict[str, Any] = {
        "properties": {},
        "deleted": False,
        "deleted_at": None,
        "disk_format": None,
        "container_format": None,
        "name": None,
        "checksum": None,
    }
    properties = out["properties"]
    for name, value in view.items():
        if name not in _SPECIAL:  # most names: a base attribute or a custom property
            if name in base:
                out[name] = value
            else:
                properties[name] = value
            continue
        if name in _OMIT or (name in _LOCATION_KEYS and not include_locations):
            continue
        if name == "visibility":
            out["is_public"] = value == "public"
        elif name == "size" and value is None:
            out["size"] = 0
        elif name in base:
            out[name] = value
        else:
            properties[name] = value
    for attr in ("created_at", "updated_at", "deleted_at"):
        if out.get(attr):
            out[attr] = _parse_isotime(out[attr])
    props = out["properties"]
    for attr in _CONVERT_PROPS:
        if isinstance(props.get(attr), str):
            props[attr] = json_props.loads(props[attr])
    return out


#: ``os_hidden`` and the multihash: base attributes from Glance 17.0.0 only.
MULTIHASH = frozenset(MULTIHASH_FIELDS)
#: The base attributes an image's Nova dict takes as they are (`_translate_image`).
_COPIED_BASE = frozenset(
    (
        "name", "disk_format", "container_format", "size", "status", "checksum", "min_ram",
        "min_disk", "owner", "os_hidden", "os_hash_algo", "os_hash_value", "id", "created_at",
        "updated_at",
    )
)  # fmt: skip


def _translate_image(image: Any, schema: Any, clock: Any) -> dict[str, Any]:
    """``_translate_from_glance(image_view(image))`` built from the image in one pass, for a
    schema whose base attributes include `_COPIED_BASE` and an image none of whose custom
    properties is named like a base attribute or a name the translation treats apart (what
    every Glance gives; `API._meta` checks both): the same keys in the same order, the same
    values (a test holds the two equal), without the view's dict, its two time strings'
    round trip through the view, and a set test per key of it."""
    schema_properties, hidden = schema.properties, schema.hidden_properties
    properties = {
        k: "" if v is None and k not in schema_properties else v
        for k, v in image.extra_properties.items()
        if k not in hidden
    }
    size = image.size
    out = {
        "properties": properties,
        "deleted": False,
        "deleted_at": None,
        "disk_format": image.disk_format,
        "container_format": image.container_format,
        "name": image.name,
        "checksum": image.checksum,
        "is_public": image.visibility == "public",
        "size": 0 if size is None else size,
        "status": image.status,
        "min_ram": image.min_ram,
        "min_disk": image.min_disk,
        "owner": image.owner,
    }
    if schema.multihash:
        out["os_hidden"] = image.os_hidden
        out["os_hash_algo"] = image.os_hash_algo
        out["os_hash_value"] = image.os_hash_value
    out["id"] = image.id
    out["created_at"] = _parse_isotime(stored_isotime(clock, image.created_at))
    out["updated_at"] = _parse_isotime(stored_isotime(clock, image.updated_at))
    for attr in _CONVERT_PROPS:
        if isinstance(properties.get(attr), str):
            properties[attr] = json_props.loads(properties[attr])
    return out


def _extract_query_params_v2(params: dict[str, Any]) -> dict[str, Any]:
    """Nova's list parameters in Glance v2's terms. A ``property-<key>`` filter loses its
    prefix to ``str.lstrip('property-')``, which strips any of those characters: a key
    starting with one of ``-eoprty`` loses more (``property-os_distro`` filters Glance on
    ``s_distro``; nova 17.0.0 to 34.0.0 ``_extract_query_params_v2``)."""
    out = {k: params[k] for k in ("marker", "limit", "page_size", "sort_key", "sort_dir")}
    filters = dict(params.get("filters") or {})
    filters.setdefault("is_public", "none")
    new: dict[str, str] = {}
    for key, value in filters.items():
        if key.startswith("property-"):
            new[key.lstrip("property-")] = value  # noqa: B005 - Nova's own lstrip
        elif key == "changes-since":
            new["updated_at"] = "gte:" + value
        elif key == "is_public":
            if str(value).lower() in ("true", "1"):
                new["visibility"] = "public"
            elif str(value).lower() in ("false", "0"):
                new["visibility"] = "private"
        else:
            new[key] = value
    out["filters"] = new
    return out


# -- the API ---------------------------------------------------------------------------------


def _preferred_disk_format(properties: dict[str, Any]) -> str:
    """qcow2, vhd, vmdk or raw, the first the image schema's ``disk_format`` enum allows
    (else its first format; no enum: qcow2)."""
    enum = [f for f in (properties.get("disk_format") or {}).get("enum", []) if f]
    for preferred in ("qcow2", "vhd", "vmdk", "raw"):
        if preferred in enum:
            return preferred
    return enum[0] if enum else "qcow2"


#: The schema properties `_preferred_disk_format` last read, and its answer: a schema's
#: properties never change once made, and every volume-backed snapshot reads its cloud's.
_LAST_PREFERRED: list[Any] = [None, "qcow2"]


class API:
    """``nova.image.glance.API`` over one fake Glance; every method is a generator."""

    _base_of: Any
    _base: frozenset[str]
    _claimed: frozenset[str] | None | bool
    _sends: bool | None
    config: ImageApiConfig

    def __init__(self, glance: Any):
        self._glance = glance
        self._kernel = glance.kernel
        try:
            self.config = self._kernel.config.image_api
        except AttributeError:  # section registered after this cloud's config was built
            self.config = ImageApiConfig()
        self.api_server = self.config.api_server or glance_endpoint(self._kernel, glance)
        self._kernel.faults.register_error("GlanceUnreachable", CommunicationError)
        self._base_of = None  # the Glance image schema `_base` was read from
        self._base = frozenset()
        # What a custom property must not be named for `_translate_image` to serve (every
        # name `_translate_from_glance` does not put in the properties), None when the
        # schema's base attributes lack one `_translate_image` copies, False until worked out
        # (a memo: not saved, and False again in a fork or a loaded cloud; see state.kinds)
        self._claimed = False
        # `sends_service_token`'s answer once read (a memo, like `_claimed`)
        self._sends = None

    @property
    def sends_service_token(self) -> bool:
        """`fakecloud.nova.service_auth.sends_service_token` of this cloud, read once: it
        derives from the configuration and the release alone, and `_call` asks it on every
        request with a token. Kept in a plain attribute (`fakecloud.state.kinds.TRANSIENT`),
        which `_call` reads itself: Python 3.11 specialises that read, not a descriptor's."""
        sends = self._sends
        if sends is None:
            sends = self._sends = sends_service_token(self._kernel)
        return sends

    # -- GlanceClientWrapper.call ------------------------------------------------------------

    def _call(
        self,
        method: str,
        call: str,
        work: Callable[..., Any],
        image_id: str | None = None,
        *args: Any,
        reauth: bool = True,
    ) -> Generator[Any, Any, Any]:
        """One glanceclient request, ``work(*args)``, with Nova's retries; Glance's errors as
        client errors. A callable and its arguments rather than a closure: a flow in flight
        then holds no closure cells for the collector to visit. The token of a context first
        in `args` goes with it, and Nova's service token when it sends one, as every request
        of Nova's glanceclient carries it (``nova/image/glance.py`` ``_session_and_auth``:
        ``service_auth.get_auth_plugin``, 6211009e55, 16.0.0), both checked by Glance's
        ``auth_token`` middleware (`callee_checks`): Glance's context (`work`'s) then has the
        service token's user, project and roles as its ``service_*`` (`forwarded`), which an
        operator's rule may read (``service_roles:service``), where the middleware confirmed
        it (`confirmed`: not where it went unconfirmed, invalid or, from keystonemiddleware
        13.0.0, without the ``service`` role, behind ``delay_auth_decision``).

        Glance's 401 to a request that carried Nova's service token is keystoneauth's to handle
        (`invalidated`): the request is sent again, once (`reauth` false), with a new service
        token, and the second answer is the caller's; glance-api then takes a user's token
        that expired within Keystone's ``allow_expired_window``, where the service token it
        held went unconfirmed (revoked, its user disabled since). An upload goes again with
        the body it went with, which the first attempt consumed (`consumed`), after a 401 and
        after a 503 Nova's ``num_retries`` retries."""
        k, cfg = self._kernel, self.config
        asked_args = args
        retries = cfg.num_retries
        attempts = 1 + (k.switches.default_glance_num_retries if retries is None else retries)
        ok = ROUTES[call][2]
        subject, templated, sent, answered = _SUBJECTS[call]
        # A templated subject's part (the sites hold the template) is kept as a plain tuple,
        # which the trace writes as the `Subject` it stands for: the collector untracks such
        # a tuple at once, never a tuple subclass, and this frame waits out the round trip
        # (as in Nova's Cinder client, `API._call`).
        parts = (image_id,) if templated else subject
        caller = calls.sender(k, CALLER)
        token = getattr(args[0], "auth_token", None) if args else None
        # Nova's service token beside the user's when it sends one (`service_auth`)
        serving = None
        if token is not None:
            sends = self._sends
            if sends is None:
                sends = self.sends_service_token
            if sends and k.keystone is not None:
                serving = service_token(k)
            user = args[0]
            args = (forwarded(user, serving.context if serving is not None else None), *args[1:])
        point = _POINTS.get(method)  # one string per method: an upload waits with it
        if point is None:
            point = _POINTS[method] = sys.intern("image_api." + method)
        for attempt in range(1, attempts + 1):
            k.trace.write_at(sent, caller, parts)
            try:
                try:
                    if cfg.latency_s:
                        yield k.timeout(cfg.latency_s)
                    if token is not None:
                        # Glance's auth_token middleware: a fresh cache entry passes the token
                        keystone = k.keystone
                        if keystone is not None and (
                            not passes(keystone, CALLEE, token)
                            or (
                                serving is not None
                                and serving.id
                                # (glance-api defers an invalid service token's refusal:
                                # a fresh entry is enough, as for the user's)
                                and not passes(keystone, CALLEE, serving.id)
                            )
                        ):
                            named = Subject((subject, image_id)) if templated else subject
                            yield from callee_checks(
                                k,
                                keystone,
                                CALLEE,
                                token,
                                _refused,
                                named,
                                serving.id if serving is not None else None,
                                serving is UNCHECKED,
                                deferred=True,
                            )
                        if (
                            keystone is not None
                            and serving is not None
                            and serving.id
                            and confirmed(keystone, CALLEE, serving.id) is None
                        ):
                            # unconfirmed behind delay_auth_decision: no service_* reach
                            # Glance's context (`confirmed`)
                            args = (forwarded(user, None), *args[1:])
                    try:
                        if point in k.faults.hot:
                            yield from k.faults.pause(
                                f"image_api.{method}", image_id=image_id, call=call, attempt=attempt
                            )
                    except GlanceClientError:
                        raise
                    except Exception as exc:
                        raise CommunicationError(str(exc) or type(exc).__name__) from exc
                    try:
                        result = work(*args)
                        if isinstance(result, GeneratorType):
                            result = yield from result
                    except GlanceHttpError as e:
                        raise from_glance(e, ROUTES[call][0]) from e
                    except GlanceClientError:
                        raise
                    except Exception as e:  # Glance itself failed: its 500
                        raise HTTPInternalServerError(f"{type(e).__name__}: {e}") from e
                except GlanceClientError as e:
                    e.old_words = k.switches.release.version < GLANCECLIENT_NEW_WORDS_SINCE
                    named = Subject((subject, image_id)) if templated else subject
                    said = e.glance_message or e.details or str(e)
                    calls.answered(k, caller, CALLEE, named, call, e.code, said)
                    if e.code == 401 and reauth and invalidated(k, serving):
                        # keystoneauth's one retry, its service token asked anew
                        if call == "upload":  # its body the data the first attempt consumed
                            asked_args = (*asked_args[:-1], consumed(asked_args[-1]))
                        again = self._call(method, call, work, image_id, *asked_args, reauth=False)
                        return (yield from again)
                    raise
                except CommunicationError as e:
                    named = Subject((subject, image_id)) if templated else subject
                    calls.answered(k, caller, CALLEE, named, call, None, str(e))
                    raise
                k.trace.write_at(answered, caller, parts, (ok,))
                return result
            except (HTTPServiceUnavailable, CommunicationError) as e:
                k.trace.emit(
                    "log",
                    "nova.image.glance",
                    image_id or "-",
                    level="error",
                    message=f"Error contacting glance server '{self.api_server}' for '{call}', "
                    + ("retrying." if attempt < attempts else "done trying."),
                )
                if attempt == attempts:
                    raise exception.GlanceConnectionFailed(server=self.api_server, reason=str(e))
                if call == "upload" and isinstance(e, GlanceClientError):
                    # Glance's 503 answered the body glanceclient sent: ``call``'s next attempt
                    # hands the next client the same file, read to its end (`consumed`; nova
                    # 17.0.0-34.0.0 ``GlanceClientWrapper.call`` retries with the same
                    # ``args``). A connection that failed sent none: the whole file again.
                    args = (*args[:-1], consumed(args[-1]))
                    asked_args = (*asked_args[:-1], consumed(asked_args[-1]))
                yield k.env.timeout(cfg.retry_interval_s)
        raise AssertionError("unreachable")

    def _meta(self, image: Any, include_locations: bool = False) -> dict[str, Any]:
        schema = self._glance.schema
        claimed = self._claimed
        if claimed is False or self._base_of is not schema:
            if self._base_of is not schema:
                self._base_of, self._base = schema, _base_names(schema)
            copied = _COPIED_BASE if schema.multihash else _COPIED_BASE - MULTIHASH
            direct = self._base >= copied
            claimed = self._claimed = self._base | _SPECIAL if direct else None
        if (
            not include_locations
            and claimed is not None
            and claimed.isdisjoint(image.extra_properties)
        ):
            return _translate_image(image, schema, self._kernel.clock)
        view = image_view(image, schema, self._kernel.clock)
        if include_locations:
            view["locations"] = [dict(loc) for loc in image.locations]
        return _translate_from_glance(view, self._base, include_locations)

    def _get_image(self, ctx: Any, image_id: str, method: str) -> Generator[Any, Any, Any]:
        return self._call(method, "get", self._glance.images.get, image_id, ctx, image_id)

    def _anonymous(
        self, ctx: Any, method: str, call: str, image_id: str | None = None
    ) -> Generator[Any, Any, None]:
        """Nothing for a user's context; for an anonymous admin one (`is_anonymous_admin`)
        the error Nova's client raises before sending `call`, or Glance's 401 to Nova's
        service token alone (`anonymous_glance`)."""
        if not is_anonymous_admin(ctx):
            return
        error = anonymous_glance.failure(self._kernel, self.config.api_server)
        if error is None:
            yield from self._call(method, call, _unauthenticated, image_id)
        raise error

    # -- reads -------------------------------------------------------------------------------

    def get(
        self,
        ctx: Any,
        image_id: str,
        include_locations: bool = False,
        show_deleted: bool = True,
        *,
        name_only: bool = False,
    ) -> Generator[Any, Any, Any]:
        """``API.get`` → ``GlanceImageServiceV2.show``; with `name_only` the image's name
        alone, without Nova's dict of the image (for a caller that reads nothing else: the
        libvirt driver naming a snapshot's metadata)."""
        try:
            if not ctx.user_id:
                yield from self._anonymous(ctx, "get", "get", image_id)
            image = yield from self._get_image(ctx, image_id, "get")
        except GlanceClientError as e:
            raise _translate_image_exception(image_id, e, self._kernel.switches.release) from e
        if not show_deleted and image.deleted:
            raise exception.ImageNotFound(image_id=image_id)
        if name_only:
            return image.name
        meta = self._meta(image, include_locations)
        if include_locations:
            meta["locations"] = meta.get("locations") or []
        return meta

    def get_all(self, ctx: Any, **kwargs: Any) -> Generator[Any, Any, list[dict[str, Any]]]:
        """``API.get_all`` → ``detail``: every page of ``GET /v2/images``."""
        params = _extract_query_params_v2(
            {
                k: kwargs.get(k)
                for k in ("filters", "marker", "limit", "page_size", "sort_key", "sort_dir")
            }
        )
        total = params["limit"]
        page_size = params["page_size"] or self.config.page_size or default_page_size(self._kernel)
        marker = params["marker"]
        images: list[dict[str, Any]] = []
        while True:
            want = page_size if total is None else min(page_size, total - len(images))
            q = ListQuery(
                marker=marker,
                limit=want,
                sort_keys=[params["sort_key"]] if params["sort_key"] else [],
                sort_dirs=[params["sort_dir"]] if params["sort_dir"] else [],
                filters={k: str(v) for k, v in params["filters"].items()},
            )
            try:
                if not ctx.user_id:
                    yield from self._anonymous(ctx, "get_all", "list")
                page, next_marker = yield from self._call(
                    "get_all", "list", self._glance.lister.list, None, ctx, q
                )
            except GlanceClientError as e:
                raise _translate_plain_exception(e) from e
            images.extend(self._meta(i) for i in page)
            if next_marker is None or (total is not None and len(images) >= total):
                return images
            marker = next_marker

    def download(
        self, ctx: Any, image_id: str, link: str | None = None
    ) -> Generator[Any, Any, ImageData]:
        """``API.download``: the image's data through the store and `link`."""
        try:
            if not ctx.user_id:
                yield from self._anonymous(ctx, "download", "data", image_id)
            _image, data = yield from self._call(
                "download", "data", self._glance.image_data.download, image_id, ctx, image_id, link
            )
        except GlanceClientError as e:
            raise _translate_image_exception(image_id, e, self._kernel.switches.release) from e
        if data is None:
            raise exception.ImageUnacceptable(
                image_id=image_id, reason="Image has no associated data"
            )
        return data

    # -- writes ------------------------------------------------------------------------------

    def create(
        self,
        ctx: Any,
        image_meta: dict[str, Any],
        data: ImageData | None = None,
        *,
        id_only: bool = False,
    ) -> Generator[Any, Any, Any]:
        """``API.create`` → ``GlanceImageServiceV2.create`` (see the module doc); with
        `id_only` the new image's id, without Nova's dict of the image."""
        force_activate = data is None and image_meta.get("size") == 0
        image_meta = dict(image_meta)  # the caller's dicts stay as they were
        image_meta["properties"] = dict(image_meta.get("properties") or {})
        sharing_member_id = image_meta["properties"].pop("instance_owner", None)
        location_data = image_meta.pop("location_data", None)
        sent = _translate_to_glance(image_meta, read_back=not id_only)
        try:  # ``_create_v2``, in this frame
            if not ctx.user_id:
                yield from self._anonymous(ctx, "create", "create")
            if force_activate:
                data = ImageData(0, disk_format="raw")  # an empty stream is raw data
                if not self._kernel.switches.volume_backed_image_raw:
                    # Before 31.0.0: the format the image schema prefers, claimed for empty data.
                    if "disk_format" not in sent:
                        default = yield from self._get_image_create_disk_format_default(ctx)
                        sent["disk_format"] = default
                elif "disk_format" not in sent:
                    sent["disk_format"] = "raw"
                elif sent["disk_format"] != "raw":
                    raise exception.ImageBadRequest(
                        f"Unable to force activate with disk_format={sent['disk_format']}"
                    )
                sent.setdefault("container_format", "bare")
            location = sent.pop("location", None)
            _check_call_kwargs(sent, self._kernel.switches)
            image = yield from self._call(
                "create", "create", self._glance.images.create, None, ctx, sent
            )
            image_meta = sent = None  # Glance keeps its own copy; an upload can be long
            if location:
                yield from self._add_location(ctx, image.id, location, location_data, "create")
            if sharing_member_id:
                yield from self._add_image_member(ctx, image.id, sharing_member_id, "create")
            if data is not None:
                # ``_upload_data`` in this frame (no hub here): one generator fewer through the
                # flow's longest wait, a volume-backed snapshot's empty upload (a storm's every
                # flow waits there at once)
                yield from self._call(
                    "create",
                    "upload",
                    self._glance.image_data.upload,
                    image.id,
                    ctx,
                    image.id,
                    data,
                )
                image = yield from self._get_image(ctx, image.id, "create")
        except GlanceClientError as e:
            raise _translate_plain_exception(e) from e
        return image.id if id_only else self._meta(image)

    def _get_image_create_disk_format_default(self, ctx: Any) -> Generator[Any, Any, str]:
        """``GET /v2/schemas/image`` with `ctx`'s token (``self._client.call(context, 2,
        'get', args=('image',), controller='schemas')``, nova 17.0.13-30.x: checked by Glance's
        middleware as any call; fakecloud sent it with none until session 43): qcow2, vhd,
        vmdk or raw, the first the schema's ``disk_format`` enum allows (else its first
        format; no enum: qcow2)."""
        # Only read here: Glance's own (read-only) properties stand for the copy it would send.
        properties = yield from self._call(
            "create", "schemas.get", _schema_properties, None, ctx, self._glance.schema
        )
        last = _LAST_PREFERRED
        if last[0] is not properties:
            last[:] = properties, _preferred_disk_format(properties)
        return last[1]

    def update(
        self,
        ctx: Any,
        image_id: str,
        image_meta: dict[str, Any],
        data: ImageData | None = None,
        purge_props: bool = False,
        hub: Any = None,
        *,
        id_only: bool = False,
    ) -> Generator[Any, Any, Any]:
        """``API.update`` → ``GlanceImageServiceV2.update`` (merge unless `purge_props`).

        `hub`: the uploading nova-compute's `EventletHub` when the upload of `data` blocks it
        (before 22.0.0, LP #1874032); from 22.0.0 the upload runs in a native thread. With
        `id_only` the answer is `image_id`, without Nova's dict of the image (for a caller
        that does not read it: the compute driver's snapshot upload)."""
        # Only the top level is changed here (`_translate_to_glance` copies the properties and
        # serialises nested values to strings; the location's `ImageData` is frozen): a copy of
        # that level keeps the caller's dict as it was, as a deep copy did.
        image_meta = dict(image_meta)
        location_data = image_meta.pop("location_data", None)
        sent = _translate_to_glance(image_meta, read_back=not id_only)
        sent.pop("id", None)
        try:
            if not ctx.user_id:
                yield from self._anonymous(ctx, "update", "get", image_id)
            remove_props: list[str] = []
            if purge_props:
                current = self._meta((yield from self._get_image(ctx, image_id, "update")))
                remove_props = sorted(
                    set(current["properties"]) - set(image_meta.get("properties", {}))
                )
            location = sent.pop("location", None)
            _check_call_kwargs(sent, self._kernel.switches)
            image = yield from self._patch(ctx, image_id, sent, remove_props)
            if location:
                yield from self._add_location(ctx, image_id, location, location_data, "update")
            if data is not None:
                image = yield from self._upload_data(ctx, image_id, data, "update", hub)
        except exception.NovaException:
            raise
        except GlanceClientError as e:
            raise _translate_image_exception(image_id, e, self._kernel.switches.release) from e
        return image_id if id_only else self._meta(image)

    def _patch(
        self, ctx: Any, image_id: str, sent: dict[str, Any], remove_props: list[str]
    ) -> Generator[Any, Any, Any]:
        """glanceclient's ``images.update``: GET, a JSON patch of the differences, GET."""
        g = self._glance
        image = yield from self._get_image(ctx, image_id, "update")
        # the view's entries the diff reads, not the whole view (two formatted times, links)
        current = image_view_entries(image, g.schema, self._kernel.clock, (*sent, *remove_props))
        ops = []
        for key, value in sent.items():
            if key not in current:
                ops.append({"op": "add", "path": f"/{key}", "value": value})
            elif current[key] != value:
                ops.append({"op": "replace", "path": f"/{key}", "value": value})
        for key in remove_props:
            if key in current and key not in sent:
                ops.append({"op": "remove", "path": f"/{key}"})

        def send(sent: Any) -> Any:
            changes = parse_patch(ops, 10, g.schema, g.reserved)
            return g.images.update(sent, image_id, changes)

        yield from self._call("update", "update", send, image_id, ctx)
        return (yield from self._get_image(ctx, image_id, "update"))

    def upload(
        self, ctx: Any, image_id: str, data: ImageData, hub: Any = None
    ) -> Generator[Any, Any, dict[str, Any]]:
        """The data of an image (``_upload_data``): PUT file over ``data.link``, then GET
        (`hub` as for `update`)."""
        try:
            if not ctx.user_id:
                yield from self._anonymous(ctx, "upload", "upload", image_id)
            image = yield from self._upload_data(ctx, image_id, data, "upload", hub)
        except GlanceClientError as e:
            raise _translate_image_exception(image_id, e, self._kernel.switches.release) from e
        return self._meta(image)

    def _upload_data(
        self, ctx: Any, image_id: str, data: ImageData, method: str, hub: Any = None
    ) -> Generator[Any, Any, Any]:
        upload = self._call(
            method,
            "upload",
            self._glance.image_data.upload,
            image_id,
            ctx,
            image_id,
            data,
        )
        if hub is not None:
            upload = hub.blocking(upload, image_id, "glance upload")
        yield from upload
        upload = None  # done: the GET after it need not keep the finished request alive
        return (yield from self._get_image(ctx, image_id, method))

    def _add_location(
        self, ctx: Any, image_id: str, url: str, data: ImageData | None, method: str
    ) -> Generator[Any, Any, None]:
        """``_add_location``. From 32.0.0 (switch ``glance_location_api``) Glance's location
        API, then the PATCH if Glance answers 501; before, only the
        PATCH (glanceclient's ``add_location``: ``add /locations/-``, then a GET), which Glance
        refuses with 403 unless ``show_multiple_locations`` is on. A 400 becomes Invalid; any
        other error is raised untranslated (``update`` makes a 403 ImageNotAuthorized). Like
        every call of Nova's glanceclient (``service_auth.get_auth_plugin``), the location API
        carries Nova's service token when Nova sends one (`_call`): Glance refuses the
        location of a caller whose token and service token lack the ``service`` role (403)."""
        g = self._glance

        def new_api(sent: Any) -> Any:
            return g.images.add_location(sent, image_id, url, data)

        def patch(sent: Any) -> Any:
            ops = [{"op": "add", "path": "/locations/-", "value": {"url": url, "metadata": {}}}]
            changes = parse_patch(ops, 10, g.schema, g.reserved)
            return g.images.update(sent, image_id, changes, location_data=data)

        tries = [("add_location", patch)]
        if self._kernel.switches.glance_location_api:
            tries.insert(0, ("add_image_location", new_api))
        error: GlanceClientError | None = None
        for call, work in tries:
            try:
                yield from self._call(method, call, work, image_id, ctx)
            except HTTPNotImplemented as e:
                error = e
                if len(tries) > 1:
                    self._kernel.trace.emit(
                        "log",
                        "nova.image.glance",
                        image_id,
                        level="debug",
                        message=f"Glance method {call} not available",
                    )
                continue
            except HTTPBadRequest as e:
                raise _translate_plain_exception(e) from e
            if call == "add_location":
                yield from self._get_image(ctx, image_id, method)
            return
        assert error is not None
        raise error

    def _add_image_member(
        self, ctx: Any, image_id: str, member_id: str, method: str
    ) -> Generator[Any, Any, Any]:
        try:
            return (
                yield from self._call(
                    method,
                    "image_members.create",
                    self._glance.members.create,
                    image_id,
                    ctx,
                    image_id,
                    member_id,
                )
            )
        except HTTPBadRequest as e:
            raise _translate_plain_exception(e) from e

    def add_member(
        self, ctx: Any, image_id: str, member_id: str
    ) -> Generator[Any, Any, dict[str, Any]]:
        """``_add_image_member``: share the image with `member_id` (status ``pending``)."""
        if not ctx.user_id:
            yield from self._anonymous(ctx, "add_member", "image_members.create", image_id)
        member = yield from self._add_image_member(ctx, image_id, member_id, "add_member")
        return member_view(member, self._kernel.clock)

    def delete(self, ctx: Any, image_id: str) -> Generator[Any, Any, bool]:
        """``API.delete``: True, or ImageNotFound / ImageNotAuthorized / ImageDeleteConflict."""
        try:
            if not ctx.user_id:
                yield from self._anonymous(ctx, "delete", "delete", image_id)
            yield from self._call(
                "delete", "delete", self._glance.images.delete, image_id, ctx, image_id
            )
        except HTTPNotFound:
            raise exception.ImageNotFound(image_id=image_id) from None
        except HTTPForbidden:
            raise exception.ImageNotAuthorized(image_id=image_id) from None
        except HTTPConflict as e:
            raise exception.ImageDeleteConflict(reason=str(e)) from None
        return True

    def generate_image_url(self, image_ref: str, context: Any = None) -> str:
        """``API.generate_image_url``: ``<glance server>/images/<id>``."""
        return f"{self.api_server.rstrip('/')}/images/{image_ref}"
