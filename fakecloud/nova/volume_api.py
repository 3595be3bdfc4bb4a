"""Nova's internal client of Cinder (``nova/volume/cinder.py`` ``API``), on virtual time.

Nova code holds one ``API(cinder)`` and calls its generator methods from simulated processes::

    vol = yield from volume_api.get(ctx, volume_id)
    snap = yield from volume_api.create_snapshot_force(ctx, vol["id"], name, description)

Each Cinder request costs a round trip of ``volume_api.latency_s`` virtual seconds (Cinder acts
half-way through), plus one more for the version discovery Nova does before a call that asks
for a microversion (``get(..., microversion=...)``, ``attachment_create``). Each method first
consults the fault point ``volume_api.<method>`` (attributes: ``method``, ``project_id`` and the
method's id argument, e.g. ``volume_id``), so a test can make Cinder unreachable::

    cloud.faults.add("volume_api.create_snapshot_force", error="CinderConnectionFailed")

Requests reach Cinder with the body python-cinderclient sends (through
`fakecloud.cinder.controllers`, so the same checks apply as over REST, at cinderclient's
default microversion 3.0, or 3.44 for attachments), and errors come back as Nova's own
decorators translate them:

===========================  ======================================================
``translate_cinder_exception``  connection failure → ``CinderConnectionFailed``,
                              400 → ``InvalidInput(reason=<cinderclient text>)``,
                              403 → ``Forbidden``
``translate_volume_exception``  404 → ``VolumeNotFound``, 413 → ``OverQuota``
``translate_create_exception``  404 → ``NotFound``, 413 → ``OverQuota``
``translate_snapshot_exception``  404 → ``SnapshotNotFound``
``translate_attachment_exception``  404 → ``VolumeAttachmentNotFound``
``translate_mixed_exceptions``  404 → ``VolumeNotFound``, 413 → ``OverQuota(overs=
                              'snapshots')`` (whatever quota it was)
===========================  ======================================================

Other answers (409, 500 …) stay python-cinderclient's `ClientException`. The cinderclient
text is ``"<fault message> (HTTP <code>) (Request-ID: req-…)"``.

Methods (each returns a generator to `yield from`; views are Nova's dicts):

- ``get(ctx, volume_id, microversion=None, *, id_and_description=False)`` →
  ``_untranslate_volume_summary_view`` (or ``(id, display_description)``)
- ``get_all(ctx, search_opts=None)`` → list of those
- ``create(ctx, size, name, description, snapshot=None, image_id=None, volume_type=None,
  metadata=None, availability_zone=None)`` → volume view
- ``delete(ctx, volume_id)``
- ``reserve_volume / unreserve_volume / begin_detaching / roll_detaching(ctx, volume_id)``
- ``reimage_volume(ctx, volume_id, image_id, reimage_reserved=False)`` (os-reimage, 3.68)
- ``attach(ctx, volume_id, instance_uuid, mountpoint, mode="rw")``,
  ``detach(ctx, volume_id, instance_uuid=None, attachment_id=None)``
- ``initialize_connection(ctx, volume_id, connector)``,
  ``terminate_connection(ctx, volume_id, connector)``
- ``attachment_create(ctx, volume_id, instance_id, connector=None, mountpoint=None)``,
  ``attachment_get(ctx, attachment_id)``,
  ``attachment_update(ctx, attachment_id, connector, mountpoint=None)``,
  ``attachment_complete(ctx, attachment_id)``, ``attachment_delete(ctx, attachment_id)``
  → ``_translate_attachment_ref`` dicts (``attachment_delete`` ignores a 404, and it and
  ``attachment_update`` retry a 500/504 up to 5 attempts, as Nova does)
- ``create_snapshot(ctx, volume_id, name, description)``,
  ``create_snapshot_force(ctx, volume_id, name, description, *, id_only=False)``,
  ``get_snapshot(ctx, snapshot_id, *, status_only=False)`` (with `status_only` the status
  string alone), ``get_all_snapshots(ctx)``,
  ``delete_snapshot(ctx, snapshot_id)``,
  ``update_snapshot_status(ctx, snapshot_id, status)`` → ``_untranslate_snapshot_summary_view``
- ``get_absolute_limits(ctx)`` → ``{"maxTotalSnapshots": 10, "totalSnapshotsUsed": 0, …}``
- ``get_all_volume_types(ctx)`` → ``[{"id", "name"}]``
- ``get_volume_encryption_metadata(ctx, volume_id)`` → ``{"encryption_key_id", ...}``
- ``check_attached(ctx, volume)`` (no request)

Error names for fault rules: ``CinderConnectionFailed`` (Cinder unreachable) and
``CinderServerError`` (a 500 answer).
"""

from __future__ import annotations

import functools
import string
from collections.abc import Callable, Generator
from dataclasses import dataclass
from types import GeneratorType
from typing import Any, NoReturn

from fakecloud.api.microversion import Version
from fakecloud.cinder import controllers, faults, migration, reimage, type_encryption
from fakecloud.cinder import exception as cinder_exception
from fakecloud.cinder.views import absolute_limits, snapshot_limits
from fakecloud.config import config_section
from fakecloud.identity.context import ExplicitAdminContext, forwarded, without_is_admin
from fakecloud.nova import exception
from fakecloud.nova.service_auth import (
    RENEWS,
    UNCHECKED,
    as_sent,
    cinder_context,
    held_service_token,
    invalidated,
    is_anonymous_admin,
    sends_service_token,
    sent_service_token,
)
from fakecloud.sim import calls
from fakecloud.sim.trace import Site, Subject, site
from fakecloud.transport.token_cache import (
    answered_alike_until,
    callee_checks,
    passes,
    passes_as_service,
    seen_by,
)

V3_0 = Version(3, 0)
V3_44 = Version(3, 44)
#: ``reimage_volume``'s (``cinderclient(context, '3.68')``).
V3_68 = Version(3, 68)
#: cinderclient's highest microversion (Nova caps a requested version at min(server, client)).
CLIENT_MAX = Version(3, 71)
SHARED_TARGETS = Version(3, 48)


@config_section("volume_api")
@dataclass(frozen=True)
class VolumeApiConfig:
    """Nova's client of Cinder: the round-trip time of one request, and Nova's retries."""

    latency_s: float = 0.02
    """The round trip of one request from Nova to Cinder, virtual seconds (cinder-api acts
    half-way through); a call that asks for a microversion costs one more, the version
    discovery before it."""
    endpoint: str = "http://127.0.0.1:8776/v3"
    """The Cinder URL Nova's client names when it cannot reach Cinder (cinderclient's
    ``ConnectionError``, "Unable to establish connection to ..."): the message only."""
    attachment_retries: int = 5
    """How many times Nova tries ``attachment_delete`` on a 500 or 504 before it gives up
    (``nova/volume/cinder.py``'s ``retrying.retry(stop_max_attempt_number=5)``, no wait)."""


# -- python-cinderclient's exceptions (cinderclient/exceptions.py) ----------------------------


class ClientException(Exception):
    """What python-cinderclient raises for an error answer Nova does not translate."""

    http_status = 0

    def __init__(self, code: int, message: str | None = None, request_id: str | None = None):
        self.code = code
        self.message = message or type(self).__name__
        self.request_id = request_id
        super().__init__(self.message)

    def real_args(self) -> tuple[()]:
        """cinderclient's ``args``: none (its ``__init__`` sets attributes and calls no
        ``Exception.__init__``; ``from_response`` passes each by name), as a legacy
        notification's ``repr`` shows it (`notifications.exception_repr`)."""
        return ()

    def __str__(self) -> str:
        text = f"{self.message} (HTTP {self.code})"
        if self.request_id:
            text += f" (Request-ID: {self.request_id})"
        return text


class BadRequest(ClientException):
    """HTTP 400."""


class Unauthorized(exception.NovasOwn500, ClientException):
    """HTTP 401: Cinder's ``auth_token`` middleware refused the token Nova sent (an expired
    user token without Nova's service token). No decorator of Nova's translates it
    (``translate_cinder_exception``: connection errors, ``BadRequest``, ``Forbidden``): real
    Nova's 500, no ``api.error``."""


class Forbidden(ClientException):
    """HTTP 403."""


class NotFound(ClientException):
    """HTTP 404."""


class OverLimit(ClientException):
    """HTTP 413."""


_BY_CODE = {400: BadRequest, 403: Forbidden, 404: NotFound, 413: OverLimit}


class ConnectionError(Exception):  # noqa: A001 - cinderclient's name
    """Cinder could not be reached (cinderclient/keystoneauth ``ConnectionError``)."""


def _client_error(error: cinder_exception.CinderException, request_id: str) -> ClientException:
    http = faults.to_http(error)
    return _BY_CODE.get(http.status, ClientException)(http.status, http.message, request_id)


def _answered(
    k: Any, caller: str, parts: tuple[str, ...], method: str, error: Exception, body: tuple = ()
) -> ClientException:
    """The client error for Cinder's `error`, its answer traced (`calls.answered`'s event,
    at the method's site: `parts` fill its subject's template, `body` holds the volume a
    request's body names, `_BODY_VOLUME`)."""
    client_error = _client_error(error, k.ids.request_id())
    tail = (*body, client_error.code, client_error.message)
    k.trace.write_at(_FAILED[method], caller, parts, tail)
    return client_error


# -- Nova's translation decorators ------------------------------------------------------------


#: What python-cinderclient raises and Nova's decorators translate.
CLIENT_ERRORS = (ClientException, ConnectionError)


def _generator_wrapper(method: Callable, on_error: Callable) -> Callable:
    @functools.wraps(method)
    def wrapper(self: API, ctx: Any, *args: Any, **kwargs: Any) -> Generator:
        try:
            return (yield from method(self, ctx, *args, **kwargs))
        except CLIENT_ERRORS as exc:
            res_id = args[0] if args else next(iter(kwargs.values()), None)
            reraise(on_error, exc, res_id)

    return wrapper


def reraise(
    on_error: Callable[[Exception, Any], Exception], exc: Exception, res_id: Any
) -> NoReturn:
    """Raise the Nova exception ``on_error(exc, res_id)`` for the client error `exc` being
    handled, from `exc`; `exc` itself, as it was, where no decorator translates it (a 500, a
    404 the mapping leaves): Nova's ``_reraise`` raises only what it translated (nova
    17.0.0-34.0.0 ``volume/cinder.py`` ``translate_cinder_exception``), the rest goes up
    untouched, never its own cause."""
    mapped = on_error(exc, res_id)
    try:
        if mapped is exc:
            raise exc
        raise mapped from exc
    finally:
        # (no local of this frame left naming the errors, whose tracebacks hold the frame:
        # no cycle for the collector to free)
        del exc, mapped


def _cinder_error(exc: Exception) -> Exception:
    if isinstance(exc, ConnectionError):
        return exception.CinderConnectionFailed(reason=str(exc))
    if isinstance(exc, BadRequest):
        return exception.InvalidInput(reason=str(exc))
    if isinstance(exc, Forbidden):
        return exception.Forbidden(str(exc))
    return exc


def _any_error(exc: Exception, _res_id: Any) -> Exception:
    return _cinder_error(exc)


def translate_cinder_exception(method: Callable) -> Callable:
    """Connection failure, 400 and 403, for every method."""
    return _generator_wrapper(method, _any_error)


class _Specific:
    """One of Nova's translation decorators: `mapping` first, then the common translations.

    As a decorator it wraps a generator method; the methods on every flow's path call
    `API._call` with `on_error` instead, which translates in the request's own frame."""

    def __init__(self, mapping: Callable[[Exception, Any], Exception | None]):
        self.mapping = mapping
        # Bound once: every flow in flight shares it instead of holding a method object of its own.
        self.on_error = self.on_error  # type: ignore[method-assign]

    def on_error(self, exc: Exception, res_id: Any) -> Exception:
        """The Nova exception for the client error `exc` about `res_id`."""
        return self.mapping(exc, res_id) or _cinder_error(exc)

    def __call__(self, method: Callable) -> Callable:
        return _generator_wrapper(method, self.on_error)


translate_volume_exception = _Specific(
    lambda exc, rid: (
        exception.VolumeNotFound(volume_id=rid)
        if isinstance(exc, NotFound)
        else exception.OverQuota(message=exc.message)
        if isinstance(exc, OverLimit)
        else None
    )
)
translate_create_exception = _Specific(
    lambda exc, rid: (
        exception.NotFound(message=exc.message)
        if isinstance(exc, NotFound)
        else exception.OverQuota(message=exc.message)
        if isinstance(exc, OverLimit)
        else None
    )
)
translate_attachment_exception = _Specific(
    lambda exc, rid: (
        exception.VolumeAttachmentNotFound(attachment_id=rid) if isinstance(exc, NotFound) else None
    )
)
translate_snapshot_exception = _Specific(
    lambda exc, rid: (
        exception.SnapshotNotFound(snapshot_id=rid) if isinstance(exc, NotFound) else None
    )
)
translate_mixed_exceptions = _Specific(
    lambda exc, rid: (
        exception.VolumeNotFound(volume_id=rid)
        if isinstance(exc, NotFound)
        else exception.OverQuota(overs="snapshots")
        if isinstance(exc, OverLimit)
        else None
    )
)


# -- the views Nova builds --------------------------------------------------------------------


def _untranslate_volume_summary_view(
    cinder: Any, context: Any, vol: Any, version: Version = V3_0
) -> dict[str, Any]:
    """Nova's dict of a volume (from what Cinder's volume detail view shows at `version`)."""
    attachments = [a for a in vol.attachments if a.attach_status == "attached"]
    d: dict[str, Any] = {
        "id": vol.id,
        "status": vol.status,
        "size": vol.size,
        "availability_zone": vol.availability_zone,
        "created_at": cinder.timestamp(vol.created_at),
        "attach_time": "",
        "mountpoint": "",
        "multiattach": vol.multiattach,
    }
    if attachments:
        d["attachments"] = {
            a.instance_uuid: {"attachment_id": a.id, "mountpoint": a.mountpoint}
            for a in attachments
        }
        d["attach_status"] = "attached"
    else:
        d["attach_status"] = "detached"
    d["display_name"] = vol.display_name
    d["display_description"] = vol.display_description
    d["volume_type_id"] = vol.volume_type.name
    d["snapshot_id"] = vol.snapshot_id
    d["bootable"] = bool(vol.bootable)
    d["volume_metadata"] = dict(vol.metadata)
    if vol.volume_image_metadata:
        d["volume_image_metadata"] = dict(vol.volume_image_metadata)  # str -> str
    if version.key >= SHARED_TARGETS.key:
        d["shared_targets"], d["service_uuid"] = cinder.volume_targets(vol)
    if _cinder_is_admin(context):
        d["migration_status"] = vol.migration_status
    return d


def _cinder_is_admin(context: Any) -> bool:
    """Cinder's ``is_admin`` for a request Nova makes with `context`'s token: Cinder's own
    ``context_is_admin`` (``role:admin``) on the token's roles, whatever Nova's rule made of
    its own context."""
    return "admin" in context.roles


def _untranslate_snapshot_summary_view(cinder: Any, context: Any, snap: Any) -> dict[str, Any]:
    """Nova's dict of a snapshot."""
    return {
        "id": snap.id,
        "status": snap.status,
        "progress": snap.progress,
        "size": snap.volume_size,
        "created_at": cinder.timestamp(snap.created_at),
        "display_name": snap.display_name,
        "display_description": snap.display_description,
        "volume_id": snap.volume_id,
        "project_id": snap.project_id,
        "volume_size": snap.volume_size,
    }


def _snapshot_for_boot(_cinder: Any, _context: Any, snap: Any) -> dict[str, Any]:
    """What a boot reads of Nova's dict of a snapshot: its ``id``, ``volume_id``, ``size``
    and ``volume_size`` (the same values, without the timestamp formatted)."""
    size = snap.volume_size
    return {"id": snap.id, "volume_id": snap.volume_id, "size": size, "volume_size": size}


def _volume_for_boot(_cinder: Any, _context: Any, vol: Any) -> dict[str, Any]:
    """What a boot reads of Nova's dict of a root volume (`compute.api._bootable_volume_meta`):
    its ``id``, ``size``, ``bootable`` and ``volume_image_metadata`` (present only when the
    volume has some; the caller copies it), without the rest of the view."""
    d = {"id": vol.id, "size": vol.size, "bootable": bool(vol.bootable)}
    if vol.volume_image_metadata:
        d["volume_image_metadata"] = vol.volume_image_metadata
    return d


def _id_and_description(_cinder: Any, _context: Any, vol: Any) -> tuple[str, Any]:
    """The ``id`` and ``display_description`` of Nova's dict of a volume."""
    return vol.id, vol.display_description


def _volume_id(_cinder: Any, _context: Any, vol: Any) -> str:
    """The ``id`` of Nova's dict of a volume."""
    return vol.id


def _volume_status(_cinder: Any, _context: Any, vol: Any) -> str:
    """The ``status`` of Nova's dict of a volume."""
    return vol.status


def _snapshot_id(_cinder: Any, _context: Any, snap: Any) -> str:
    """The ``id`` of Nova's dict of a snapshot."""
    return snap.id


def _snapshot_status(_cinder: Any, _context: Any, snap: Any) -> str:
    """The status of Nova's dict of a snapshot (`_untranslate_snapshot_summary_view`)."""
    return snap.status


def _none(_cinder: Any, _context: Any, _result: Any) -> None:
    """The view of an answer Nova's method does not return."""
    return None


def _translate_attachment_ref(attachment_ref: dict[str, Any]) -> dict[str, Any]:
    """Nova's old-style connection_info: the driver data back under ``data``."""
    translated: dict[str, Any] = {}
    data = attachment_ref.pop("connection_info", None)
    if data:
        data.pop("attachment_id", None)
        translated["driver_volume_type"] = data.pop("driver_volume_type", None)
        translated["data"] = data
        translated["status"] = attachment_ref.pop("status", None)
        translated["instance"] = attachment_ref.pop("instance", None)
        translated["attached_at"] = attachment_ref.pop("attached_at", None)
        translated["detached_at"] = attachment_ref.pop("detached_at", None)
        for k, v in attachment_ref.items():
            if k not in ("id", "attach_mode"):
                translated[k] = v
    attachment_ref["connection_info"] = translated
    return attachment_ref


# -- what each method sends (python-cinderclient's requests) ---------------------------------

_VOLUME_ACTION = ("POST", "/volumes/{volume_id}/action", 202)
#: method -> (HTTP method, path under /v3/{project_id}, the status of a success)
ROUTES: dict[str, tuple[str, str, int]] = {
    "get": ("GET", "/volumes/{volume_id}", 200),
    "get_all": ("GET", "/volumes/detail", 200),
    "create": ("POST", "/volumes", 202),
    "delete": ("DELETE", "/volumes/{volume_id}", 202),
    "reserve_volume": _VOLUME_ACTION,
    "unreserve_volume": _VOLUME_ACTION,
    "begin_detaching": _VOLUME_ACTION,
    "roll_detaching": _VOLUME_ACTION,
    "attach": _VOLUME_ACTION,
    "detach": _VOLUME_ACTION,
    "initialize_connection": ("POST", "/volumes/{volume_id}/action", 200),
    "terminate_connection": _VOLUME_ACTION,
    "reimage_volume": _VOLUME_ACTION,
    "migrate_volume_completion": ("POST", "/volumes/{volume_id}/action", 200),
    "get_absolute_limits": ("GET", "/limits", 200),
    "get_all_volume_types": ("GET", "/types", 200),
    "get_volume_encryption_metadata": ("GET", "/volumes/{volume_id}/encryption", 200),
    "get_snapshot": ("GET", "/snapshots/{snapshot_id}", 200),
    "get_all_snapshots": ("GET", "/snapshots/detail", 200),
    "create_snapshot": ("POST", "/snapshots", 202),
    "create_snapshot_force": ("POST", "/snapshots", 202),
    "delete_snapshot": ("DELETE", "/snapshots/{snapshot_id}", 202),
    "update_snapshot_status": ("POST", "/snapshots/{snapshot_id}/action", 202),
    "attachment_create": ("POST", "/attachments", 200),
    "attachment_get": ("GET", "/attachments/{attachment_id}", 200),
    "attachment_update": ("PUT", "/attachments/{attachment_id}", 200),
    "attachment_complete": ("POST", "/attachments/{attachment_id}/action", 204),
    "attachment_delete": ("DELETE", "/attachments/{attachment_id}", 200),
}
CALLER = "nova-api"
CALLEE = "cinder-api"


#: The requests whose path names no resource but whose body names the volume they act on
#: (``{"snapshot": {"volume_id": ...}}``): their events carry it as ``volume_id``, so a story
#: tells two snapshots asked at once apart (session 43's quota race read as one line ×2).
_BODY_VOLUME = ("create_snapshot", "create_snapshot_force")


def _templates() -> dict[str, tuple[str, tuple[str, ...] | str, int, str, Site, Site, str | None]]:
    """method -> (subject template, the attrs that fill it after the project — a lone one as
    its name —, success, the method's fault point, the sites of its request and its answer
    (`Trace.write_at`), the body's field its events carry (`_BODY_VOLUME`) or None)."""
    out = {}
    for method, (verb, path, ok) in ROUTES.items():
        names = tuple(field for _, field, _, _ in string.Formatter().parse(path) if field)
        template = f"{verb} /v3/{{}}" + path.format_map({n: "{}" for n in names})
        on = "volume_id" if method in _BODY_VOLUME else None
        sent = site(calls.SENT_ON if on else calls.SENT, template, callee=CALLEE, call=method)
        answered = site(
            calls.ANSWERED_ON if on else calls.ANSWERED, template, callee=CALLEE, call=method
        )
        lone = names[0] if len(names) == 1 else names
        out[method] = (template, lone, ok, f"volume_api.{method}", sent, answered, on)
    return out


_TEMPLATES = _templates()
#: What Cinder 12.0.0-12.0.6 answer an attachment create and its ``os-complete`` (switch
#: ``cinder_attachment_answers_202``: ``@wsgi.response(202)`` on both, until 2627b2f63f).
ANSWERED_202 = ("attachment_create", "attachment_complete")
_TEMPLATES_202 = {
    method: (*t[:2], 202, *t[3:]) if method in ANSWERED_202 else t
    for method, t in _TEMPLATES.items()
}
#: method -> the site of its answer when Cinder refused it (status and error per event).
_FAILED = {
    method: site(calls.FAILED_ON if on else calls.FAILED, template, callee=CALLEE, call=method)
    for method, (template, *_, on) in _TEMPLATES.items()
}
#: The sites of the version discovery before a call at a microversion (every attachment).
_VERSIONS_SENT = site(calls.SENT, callee=CALLEE, call="get_server_version")
_VERSIONS_ANSWERED = site(calls.ANSWERED, callee=CALLEE, call="get_server_version")

#: The fault point's name for the resource id of a request whose path names none.
_RESOURCE = {
    "create": "size",
    "create_snapshot": "volume_id",
    "create_snapshot_force": "volume_id",
}


#: `calls.sender`'s table of the requests' sender (process name -> sender), read by `API._call`.
_SENDERS = calls.senders_of(CALLER)


# -- the client -------------------------------------------------------------------------------


class API:
    """Nova's API for interacting with Cinder (``nova.volume.cinder.API``)."""

    config: VolumeApiConfig
    _sends: bool | None

    def __init__(self, cinder: Any):
        self.cinder = cinder
        self.kernel = cinder.kernel
        # `sends_service_token`'s answer once read (a memo: not saved, None again in a fork
        # or a loaded cloud; see state.kinds)
        self._sends = None
        try:
            self.config = self.kernel.config.volume_api
        except AttributeError:  # the section was registered after this cloud's config was built
            self.config = VolumeApiConfig()
        faults_ = self.kernel.faults
        faults_.register_error(
            "CinderConnectionFailed",
            lambda msg=None: ConnectionError(
                msg or f"Unable to establish connection to {self.config.endpoint}"
            ),
        )
        faults_.register_error(
            "CinderServerError",
            lambda msg=None: ClientException(500, msg or faults.GENERIC[500]),
        )

    # -- plumbing ----------------------------------------------------------------------------

    @property
    def sends_service_token(self) -> bool:
        """`fakecloud.nova.service_auth.sends_service_token` of this cloud, read once: it
        derives from the configuration and the release alone, and `_call` asks it on every
        request. Kept in a plain attribute (`fakecloud.state.kinds.TRANSIENT`), which
        `_call` reads itself: Python 3.11 specialises that read, not a descriptor's."""
        sends = self._sends
        if sends is None:
            sends = self._sends = sends_service_token(self.kernel)
        return sends

    def _request(
        self,
        method: str,
        context: Any,
        op: Callable[..., Any],
        args: tuple[Any, ...] = (),
        **attrs: Any,
    ) -> Generator:
        """One round trip, its errors as the client raises them (`_call` without Nova's
        decorator)."""
        return self._call(method, context, op, None, None, None, args, **attrs)

    def _call(
        self,
        method: str,
        context: Any,
        op: Callable[..., Any],
        on_error: Callable[[Exception, Any], Exception] | None,
        res_id: Any,
        view: Callable[[Any, Any, Any], Any] | None = None,
        args: tuple[Any, ...] = (),
        *,
        reauth: bool = True,
        **attrs: Any,
    ) -> Generator:
        """One round trip: half the latency, the fault point and Cinder's work ``op(*args)``,
        the other half (an error, injected or Cinder's, also arrives a full round trip after
        the request). With Nova's decorator in the same frame: a client error becomes
        ``on_error(exc, res_id)`` (unless `on_error` is None), a result
        ``view(cinder, context, result)``. `attrs` name the request for its fault point; a
        path's one field, or the resource of a path that names none (`_RESOURCE`), may be left
        to `res_id` (no keyword dict a request to build).

        A callable and its arguments rather than a closure, and one frame for the round trip
        and the decorator: a flow in flight holds no closure cells and one generator frame
        per request for the collector to visit (a storm polls 100,000 snapshots at once).

        An anonymous admin `context` (a periodic task's) reaches Cinder as Nova's ``[cinder]``
        user (`cinder_context`), in the subject and wherever `args` hold it; one whose
        ``is_admin`` Nova's rule set reaches it without (Cinder asks its own rule).

        Cinder's 401 to a request that carried Nova's service token is keystoneauth's to
        handle (`invalidated`): the request is sent again, once (`reauth` false), with a new
        service token, and the second answer is the caller's."""
        k = self.kernel
        asked, asked_args = context, args
        admin = not getattr(context, "user_id", True) and is_anonymous_admin(context)
        if admin:
            # the [cinder] plugin's token first (the session's endpoint lookup), then the
            # service token (`cinder_context`)
            sent = cinder_context(k, context)
        # Nova's service token, sent with every request when it sends one (`service_auth`)
        sends = self._sends
        if sends is None:
            sends = self.sends_service_token
        serving = sent_service_token(k, context) if sends and k.keystone is not None else None
        if admin:
            args = tuple(sent if arg is context else arg for arg in args)
            context = sent
        elif serving is not None and context.auth_token is not None:
            # Cinder's context has the service token's identity (`service_*`), as its
            # middleware's cache holds it
            sent = forwarded(context, seen_by(k.keystone, CALLEE, serving))
            args = tuple(sent if arg is context else arg for arg in args)
            context = sent
        elif context.__class__ is ExplicitAdminContext:
            sent = without_is_admin(context)
            args = tuple(sent if arg is context else arg for arg in args)
            context = sent
        try:
            # (a float's product and compare with a float: CPython 3.11 specializes both, not
            # `/ 2` nor `> 0`; the same numbers)
            half = self.config.latency_s * 0.5
            # (`calls.sender`'s table read here, its call only for a process it has not named)
            caller = _SENDERS.get(k._live.get(k.env._active_proc)) or calls.sender(k, CALLER)
            # (the release's table read per call: an attribute of this client would be saved
            # with every world)
            templates = _TEMPLATES_202 if k.switches.cinder_attachment_answers_202 else _TEMPLATES
            template, names, ok, point, sent, answered, on = templates[method]
            project = getattr(context, "project_id", None) or "-"
            # The subject's parts (after its template, which the sites hold) as a plain tuple
            # of strings, which the trace writes as the `Subject` they stand for: the
            # collector untracks such a tuple at once, never a tuple subclass, and this frame
            # waits out a round trip (a storm's every flow).
            if names.__class__ is str:  # the one resource most paths name
                # (`res_id`, when the caller names it alone: no keyword dict to build)
                parts = (project, attrs[names] if attrs else res_id)
            else:
                # (map, not a comprehension: that would make `attrs` a closure cell of this
                # frame, one more object per request in flight)
                parts = (project, *map(attrs.__getitem__, names))
            # the volume a snapshot's body names (`_BODY_VOLUME`), in its events' details
            body = () if on is None else (attrs[on] if attrs else res_id,)
            k.trace.write_at(sent, caller, parts, body)
            if half > 0.0:
                yield k.timeout(half)
            try:
                token_id = context.auth_token
                if token_id is not None:
                    # Cinder's auth_token middleware, with the token Nova's client sent: a
                    # fresh cache entry passes it (`fakecloud.transport.token_cache`)
                    keystone = k.keystone
                    # (`passes` in this frame for a fresh entry of Cinder's own cache, the
                    # common answer; any other lookup, a shared cache's, is its call)
                    caches = keystone.authtoken_caches if keystone is not None else None
                    cache = caches.get(CALLEE) if caches else None
                    entry = cache.get(token_id) if cache is not None else None
                    if keystone is not None and (
                        (
                            (entry is None or k.env._now >= entry[0])
                            and not passes(keystone, CALLEE, token_id)
                        )
                        or (
                            serving is not None
                            and serving.id
                            and not passes_as_service(keystone, CALLEE, serving.id)
                        )
                    ):
                        subject = Subject((template, *parts))
                        yield from callee_checks(
                            k,
                            keystone,
                            CALLEE,
                            token_id,
                            Unauthorized,
                            subject,
                            serving.id if serving is not None else None,
                            serving is UNCHECKED,
                        )
                if point in k.faults.hot:
                    if not attrs:  # the resource the request names, by its id alone
                        field = names if names.__class__ is str else _RESOURCE.get(method)
                        if field is not None:
                            attrs = {field: res_id}
                    yield from k.faults.pause(
                        f"volume_api.{method}",
                        method=method,
                        project_id=getattr(context, "project_id", None),
                        **attrs,
                    )
                result = op(*args)
                if isinstance(result, GeneratorType):
                    result = yield from result
            except cinder_exception.CinderException as error:
                if half > 0.0:
                    yield k.timeout(half)
                # Not bound to a name here: the error's traceback holds this frame, and a
                # local naming the error would make a cycle that only the collector frees
                # (with Cinder's exception, its traceback and frames: 17 objects a failure).
                raise _answered(k, caller, parts, method, error, body) from None
            except Exception as exc:
                # An injected failure is known one full round trip after the request left.
                if half > 0.0:
                    yield k.timeout(half)
                subject = Subject((template, *parts))
                if isinstance(exc, ClientException):
                    calls.answered(k, caller, CALLEE, subject, method, exc.code, exc.message, body)
                    if exc.code == 401 and reauth and invalidated(k, serving, admin):
                        # keystoneauth's one retry, its service token asked anew
                        return (
                            yield from self._call(
                                method, asked, op, on_error, res_id, view, asked_args,
                                reauth=False, **attrs,
                            )
                        )  # fmt: skip
                else:
                    error_text = str(exc) or repr(exc)
                    calls.answered(k, caller, CALLEE, subject, method, None, error_text, body)
                raise
            if half > 0.0:
                yield k.timeout(half)
            k.trace.write_at(answered, caller, parts, (*body, ok) if body else (ok,))
        except CLIENT_ERRORS as exc:
            if on_error is None:
                raise
            reraise(on_error, exc, res_id)
        return result if view is None else view(self.cinder, context, result)

    def answered_alike_until(self, context: Any) -> float | None:
        """Until when Cinder's middleware answers a request made with `context`'s token as
        it would now, with no call (`fakecloud.transport.token_cache.answered_alike_until`):
        a poller skips no read past it (`fakecloud.sim.polling`)."""
        token_id = getattr(context, "auth_token", None)
        if token_id is None:
            return None
        k = self.kernel
        held = held_service_token(k, context) if self.sends_service_token else None
        if held is RENEWS:  # the next request asks Keystone for Nova's service token
            return k.env._now
        return answered_alike_until(
            k, CALLEE, token_id, None if held is UNCHECKED else held, held is UNCHECKED
        )

    def _discover_version(self) -> Generator:
        """The ``GET /`` Nova makes before a call that asks for a microversion (Cinder answers
        its version list with 300 Multiple Choices)."""
        k = self.kernel
        caller = calls.sender(k, CALLER)
        k.trace.write_at(_VERSIONS_SENT, caller, "GET /")
        if self.config.latency_s > 0:
            yield k.timeout(self.config.latency_s)
        k.trace.write_at(_VERSIONS_ANSWERED, caller, "GET /", (300,))

    def _volume(self, context: Any, volume_id: str) -> Any:
        return self.cinder.volume_api.get(context, volume_id)

    # -- volumes -----------------------------------------------------------------------------

    def get(
        self,
        context: Any,
        volume_id: str,
        microversion: str | None = None,
        *,
        id_and_description: bool = False,
        status_only: bool = False,
        for_boot: bool = False,
    ) -> Generator:
        """The volume, as Nova's summary view; with `id_and_description` only its ``(id,
        display_description)`` (the same request, without the rest of the view: its timestamp,
        attachments and copied metadata), for a caller that reads nothing else (the
        volume-backed snapshot); with `status_only` only its ``status`` (the compute's wait
        for a new volume to leave ``creating``); with `for_boot` what a boot reads of its root
        volume (`_volume_for_boot`)."""
        if microversion is not None:
            return self._get_at(context, volume_id, microversion)
        if id_and_description:
            view = _id_and_description
        elif for_boot:
            view = _volume_for_boot
        else:
            view = _volume_status if status_only else _untranslate_volume_summary_view
        return self._call(
            "get",
            context,
            self._volume,
            translate_volume_exception.on_error,
            volume_id,
            view,
            (context, volume_id),
        )

    @translate_volume_exception
    def _get_at(self, context: Any, volume_id: str, microversion: str) -> Generator:
        yield from self._discover_version()
        version = Version.parse(microversion)
        if version > CLIENT_MAX:
            raise exception.CinderAPIVersionNotAvailable(version=microversion)
        vol = yield from self._request(
            "get", context, self._volume, (context, volume_id), volume_id=volume_id
        )
        return _untranslate_volume_summary_view(self.cinder, context, vol, version)

    @translate_cinder_exception
    def get_all(self, context: Any, search_opts: dict[str, Any] | None = None) -> Generator:
        """The caller's volumes (``all_tenants`` for an admin), as Nova's views."""
        opts = dict(search_opts or {})
        all_tenants = str(opts.pop("all_tenants", "")).lower() in ("1", "true", "yes", "on")
        vols = yield from self._request(
            "get_all", context, self.cinder.volume_api.get_all, (context, opts, all_tenants)
        )
        return [_untranslate_volume_summary_view(self.cinder, context, v, V3_0) for v in vols]

    def check_attached(self, context: Any, volume: dict[str, Any]) -> None:
        """Raise ``InvalidVolume`` unless the volume (a Nova view) is ``in-use``."""
        if volume["status"] != "in-use":
            raise exception.InvalidVolume(
                reason=f"volume '{volume['id']}' status must be 'in-use'. Currently in "
                f"'{volume['status']}' status"
            )

    def create(
        self,
        context: Any,
        size: Any,
        name: str | None,
        description: str | None,
        snapshot: dict[str, Any] | None = None,
        image_id: str | None = None,
        volume_type: str | None = None,
        metadata: dict[str, str] | None = None,
        availability_zone: str | None = None,
        *,
        id_only: bool = False,
    ) -> Generator:
        """Create a volume (``POST /volumes`` as cinderclient sends it); returns its view, or
        with `id_only` its ``id`` alone (the same request, without the view's timestamp and
        copied dicts: a booting server's mapping reads nothing else)."""
        snapshot_id = snapshot["id"] if snapshot is not None else None
        if metadata:
            body = controllers.volume_create_body(
                size, snapshot_id, name, description, volume_type, availability_zone,
                image_id, metadata,
            )  # fmt: skip
            op: Callable[..., Any] = controllers.create_volume
            args: tuple[Any, ...] = (self.cinder, context, body, V3_0)
        else:  # the body's values (`controllers.create_volume_of`: the same answers)
            op = controllers.create_volume_of
            args = (
                self.cinder, context, size, snapshot_id, name, description, volume_type,
                availability_zone, image_id, V3_0,
            )  # fmt: skip
        return self._call(
            "create",
            context,
            op,
            translate_create_exception.on_error,
            size,
            _volume_id if id_only else _untranslate_volume_summary_view,
            args,
        )

    def delete(self, context: Any, volume_id: str) -> Generator:
        """Delete a volume."""
        return self._call(
            "delete",
            context,
            controllers.delete_volume,
            translate_volume_exception.on_error,
            volume_id,
            _none,
            (self.cinder, context, volume_id, {}, V3_0),
        )

    def _action(
        self, method: str, context: Any, volume_id: str, body: dict, sent: Any = None
    ) -> Generator:
        """A volume action with `body`, Cinder seeing `sent` (the context as it builds it from
        the request: `as_sent`'s) or else `context`."""
        return self._request(
            method,
            context,
            controllers.volume_action,
            (self.cinder, sent or context, volume_id, body),
            volume_id=volume_id,
        )

    @translate_volume_exception
    def reserve_volume(self, context: Any, volume_id: str) -> Generator:
        """os-reserve."""
        yield from self._action("reserve_volume", context, volume_id, {"os-reserve": None})

    @translate_volume_exception
    def unreserve_volume(self, context: Any, volume_id: str) -> Generator:
        """os-unreserve."""
        yield from self._action("unreserve_volume", context, volume_id, {"os-unreserve": None})

    @translate_volume_exception
    def begin_detaching(self, context: Any, volume_id: str) -> Generator:
        """os-begin_detaching."""
        yield from self._action("begin_detaching", context, volume_id, {"os-begin_detaching": None})

    @translate_volume_exception
    def roll_detaching(self, context: Any, volume_id: str) -> Generator:
        """os-roll_detaching."""
        yield from self._action("roll_detaching", context, volume_id, {"os-roll_detaching": None})

    @translate_volume_exception
    def reimage_volume(
        self, context: Any, volume_id: str, image_id: str, reimage_reserved: bool = False
    ) -> Generator:
        """os-reimage at 3.68 (Nova 26.0.0 on), after the version discovery; sent with
        Nova's service token, as Nova's other requests of a volume it holds."""
        yield from self._discover_version()
        body = {reimage.ACTION: {"image_id": image_id, "reimage_reserved": reimage_reserved}}
        sent = as_sent(self.kernel, context)
        yield from self._request(
            "reimage_volume",
            context,
            reimage.reimage_action,
            (self.cinder, sent, volume_id, body, V3_68),
            volume_id=volume_id,
        )

    @translate_volume_exception
    def migrate_volume_completion(
        self, context: Any, old_volume_id: str, new_volume_id: str, error: bool = False
    ) -> Generator[Any, Any, dict[str, str]]:
        """os-migrate_volume_completion (the caller's token: Cinder's privileged user when
        Cinder asked for the swap); ``{"save_volume_id": ...}``."""
        body = {migration.COMPLETION: {"new_volume": new_volume_id, "error": error}}
        saved = yield from self._request(
            "migrate_volume_completion",
            context,
            migration.migrate_volume_completion_action,
            (self.cinder, as_sent(self.kernel, context), old_volume_id, body),
            volume_id=old_volume_id,
        )
        return {"save_volume_id": saved}

    @translate_volume_exception
    def attach(
        self, context: Any, volume_id: str, instance_uuid: str, mountpoint: str, mode: str = "rw"
    ) -> Generator:
        """os-attach (the legacy flow's last step)."""
        body = {
            "os-attach": {"instance_uuid": instance_uuid, "mountpoint": mountpoint, "mode": mode}
        }
        yield from self._action("attach", context, volume_id, body)

    @translate_volume_exception
    def detach(
        self,
        context: Any,
        volume_id: str,
        instance_uuid: str | None = None,
        attachment_id: str | None = None,
    ) -> Generator:
        """os-detach (the attachment of `instance_uuid` when no id is given)."""
        if attachment_id is None and instance_uuid is not None:
            vol = self.cinder.store.volumes.get(volume_id)
            if vol is not None and vol.multiattach:
                for a in vol.attachments:
                    if a.instance_uuid == instance_uuid:
                        attachment_id = a.id
        yield from self._action(
            "detach",
            context,
            volume_id,
            {"os-detach": {"attachment_id": attachment_id}},
            as_sent(self.kernel, context),
        )

    @translate_volume_exception
    def initialize_connection(
        self, context: Any, volume_id: str, connector: dict[str, Any]
    ) -> Generator:
        """The driver's connection info for `connector` (legacy flow: no path of fakecloud's
        Nova calls it, as real Nova from 17.0.0 attaches through the attachments API unless a
        mapping predates it), as Cinder's os-initialize_connection answers it."""
        body = {controllers.INITIALIZE_CONNECTION: {"connector": connector}}
        info = yield from self._request(
            "initialize_connection",
            context,
            controllers.initialize_connection,
            (self.cinder, context, volume_id, body),
            volume_id=volume_id,
        )
        info["connector"] = connector
        return info

    @translate_volume_exception
    def terminate_connection(
        self, context: Any, volume_id: str, connector: dict[str, Any]
    ) -> Generator:
        """os-terminate_connection (legacy flow): Cinder ends the connection, then unreserves."""
        body = {"os-terminate_connection": {"connector": connector}}
        yield from self._action(
            "terminate_connection", context, volume_id, body, as_sent(self.kernel, context)
        )

    # -- limits and types --------------------------------------------------------------------

    def get_absolute_limits(self, context: Any, *, snapshots_only: bool = False) -> Generator:
        """``GET /limits``' absolute limits as ``{name: value}``; with `snapshots_only` only
        ``(maxTotalSnapshots, totalSnapshotsUsed)`` (the same request, without the other
        eight entries read: the volume-backed snapshot's check reads nothing else)."""
        return self._call(
            "get_absolute_limits",
            context,
            snapshot_limits if snapshots_only else absolute_limits,
            _any_error,
            None,
            None,
            (self.cinder.quotas, context.project_id),
        )

    def get_volume_encryption_metadata(self, context: Any, volume_id: str) -> Generator:
        """``GET /volumes/{id}/encryption`` (``@translate_cinder_exception``; cinderclient's
        ``volumes.get_encryption_metadata``): the volume's key id and its type's encryption
        fields, which os-brick's ``get_encryption_metadata`` reads to attach an encrypted
        volume."""
        return self._call(
            "get_volume_encryption_metadata",
            context,
            type_encryption.encryption_metadata,
            _any_error,
            volume_id,
            None,
            (self.cinder, context, volume_id),
        )

    @translate_cinder_exception
    def get_all_volume_types(self, context: Any) -> Generator:
        """``[{"id", "name"}]`` of the visible volume types."""
        types = yield from self._request(
            "get_all_volume_types",
            context,
            lambda: [
                t
                for t in self.cinder.volume_types.values()
                if t.is_public
                or _cinder_is_admin(context)
                or self.cinder.type_shared(t, context.project_id)
            ],
        )
        return [{"id": t.id, "name": t.name} for t in types]

    # -- snapshots ---------------------------------------------------------------------------

    def get_snapshot(
        self,
        context: Any,
        snapshot_id: str,
        *,
        status_only: bool = False,
        for_boot: bool = False,
    ) -> Generator:
        """The snapshot, as Nova's summary view; with `status_only` its ``status`` alone (the
        same request, without a timestamp formatted and a dict built), for a caller that reads
        nothing else (the compute host's poll while a snapshot is ``creating``); with
        `for_boot` what a boot from it reads (`_snapshot_for_boot`)."""
        if status_only:
            view = _snapshot_status
        else:
            view = _snapshot_for_boot if for_boot else _untranslate_snapshot_summary_view
        return self._call(
            "get_snapshot",
            context,
            self.cinder.snapshot_api.get,
            translate_snapshot_exception.on_error,
            snapshot_id,
            view,
            (context, snapshot_id),
        )

    @translate_cinder_exception
    def get_all_snapshots(self, context: Any) -> Generator:
        """The caller's snapshots, as Nova's views."""
        snaps = yield from self._request(
            "get_all_snapshots", context, self.cinder.snapshot_api.get_all, (context,)
        )
        return [_untranslate_snapshot_summary_view(self.cinder, context, s) for s in snaps]

    def _create_snapshot(
        self,
        method: str,
        context: Any,
        volume_id: str,
        force: bool,
        name: Any,
        description: Any,
        view: Callable[[Any, Any, Any], Any] = _untranslate_snapshot_summary_view,
    ) -> Generator:
        # ``POST /snapshots`` with ``{"snapshot": {"volume_id", "force", "name",
        # "description", "metadata": {}}}``, handed to Cinder as the body's values
        # (`controllers.create_snapshot_of`: the same answers as the body)
        return self._call(
            method,
            context,
            controllers.create_snapshot_of,
            translate_mixed_exceptions.on_error,
            volume_id,
            view,
            (self.cinder, context, volume_id, force, name, description, V3_0),
        )

    def create_snapshot(
        self, context: Any, volume_id: str, name: str | None, description: str | None
    ) -> Generator:
        """A snapshot of an ``available`` volume (``force=False``)."""
        return self._create_snapshot(
            "create_snapshot", context, volume_id, False, name, description
        )

    def create_snapshot_force(
        self,
        context: Any,
        volume_id: str,
        name: str | None,
        description: str | None,
        *,
        id_only: bool = False,
    ) -> Generator:
        """A snapshot of an ``available`` or ``in-use`` volume (``force=True``); with
        `id_only` the new snapshot's id, without Nova's view of it."""
        view = _snapshot_id if id_only else _untranslate_snapshot_summary_view
        return self._create_snapshot(
            "create_snapshot_force", context, volume_id, True, name, description, view
        )

    def delete_snapshot(self, context: Any, snapshot_id: str) -> Generator:
        """Delete a snapshot (``available`` or ``error`` only)."""

        def op() -> None:
            api = self.cinder.snapshot_api
            api.delete(context, api.get(context, snapshot_id))

        return self._call(
            "delete_snapshot",
            context,
            op,
            translate_snapshot_exception.on_error,
            snapshot_id,
            _none,
        )

    @translate_snapshot_exception
    def update_snapshot_status(self, context: Any, snapshot_id: str, status: str) -> Generator:
        """os-update_snapshot_status with progress "90%" (Nova-assisted snapshots)."""
        body = {"os-update_snapshot_status": {"status": status, "progress": "90%"}}
        yield from self._request(
            "update_snapshot_status",
            context,
            controllers.snapshot_action,
            (self.cinder, context, snapshot_id, body),
            snapshot_id=snapshot_id,
        )

    # -- attachments (3.44) ------------------------------------------------------------------

    def _attachment_view(self, context: Any, attachment: Any) -> dict[str, Any]:
        """``_translate_attachment_ref`` of Cinder's attachment detail view (3.44), built in
        one go: the same dict, keys in the same order (a test compares the two ways)."""
        timestamp = self.cinder.timestamp
        attached_at = timestamp(attachment.attach_time) or ""
        detached_at = timestamp(attachment.detach_time) or ""
        if not attachment.connection_info:
            return {
                "id": attachment.id,
                "status": attachment.attach_status,
                "instance": attachment.instance_uuid,
                "volume_id": attachment.volume_id,
                "attached_at": attached_at,
                "detached_at": detached_at,
                "attach_mode": attachment.attach_mode,
                "connection_info": {},
            }
        data = dict(attachment.connection_info)
        data.pop("attachment_id", None)
        return {
            "id": attachment.id,
            "volume_id": attachment.volume_id,
            "attach_mode": attachment.attach_mode,
            "connection_info": {
                "driver_volume_type": data.pop("driver_volume_type", None),
                "data": data,
                "status": attachment.attach_status,
                "instance": attachment.instance_uuid,
                "attached_at": attached_at,
                "detached_at": detached_at,
                "volume_id": attachment.volume_id,
            },
        }

    def attachment_create(
        self,
        context: Any,
        volume_id: str,
        instance_id: str,
        connector: dict[str, Any] | None = None,
        mountpoint: str | None = None,
        *,
        id_only: bool = False,
    ) -> Generator:
        """Reserve the volume for the instance (and connect it when a connector is given);
        Nova's dict of the attachment, or with `id_only` its ``id`` alone (the same request,
        without the view's timestamps and copied connection info: a booting server's mapping
        reads nothing else)."""
        try:  # @translate_volume_exception, in this frame
            yield from self._discover_version()
            if connector and mountpoint and "mountpoint" not in connector:
                connector = {**connector, "mountpoint": mountpoint}
            # The body's values (`controllers.create_attachment_of`: the same answers).
            attachment = yield from self._request(
                "attachment_create",
                context,
                controllers.create_attachment_of,
                (self.cinder, context, volume_id, instance_id, connector, V3_44),
                volume_id=volume_id,
            )
        except CLIENT_ERRORS as exc:
            reraise(translate_volume_exception.on_error, exc, volume_id)
        return attachment.id if id_only else self._attachment_view(context, attachment)

    @translate_attachment_exception
    def attachment_get(self, context: Any, attachment_id: str) -> Generator:
        """The attachment."""
        attachment = yield from self._request(
            "attachment_get",
            context,
            self.cinder.attachment_api.get,
            (context, attachment_id),
            attachment_id=attachment_id,
        )
        return self._attachment_view(context, attachment)

    def attachment_update(
        self,
        context: Any,
        attachment_id: str,
        connector: dict[str, Any],
        mountpoint: str | None = None,
        *,
        view: bool = True,
    ) -> Generator:
        """Give the attachment its connector (retried on 500/504, as Nova does); Nova's dict
        of the attachment, or None without `view` (the same request, for a caller that reads
        nothing of the answer: a booting server's mapping)."""
        if mountpoint and "mountpoint" not in connector:
            connector = {**connector, "mountpoint": mountpoint}
        try:  # @translate_attachment_exception, in this frame
            # The body's value (`controllers.update_attachment_of`: the same answers).
            attachment = yield from self._retrying(
                "attachment_update",
                context,
                controllers.update_attachment_of,
                (self.cinder, context, attachment_id, connector, V3_44),
                attachment_id=attachment_id,
            )
        except CLIENT_ERRORS as exc:
            reraise(translate_attachment_exception.on_error, exc, attachment_id)
        return self._attachment_view(context, attachment) if view else None

    def attachment_complete(self, context: Any, attachment_id: str) -> Generator:
        """Mark the attachment complete: the volume becomes ``in-use``."""
        return self._call(
            "attachment_complete",
            context,
            # ``{"os-complete": null}``, the one body Nova sends (`complete_attachment`)
            controllers.complete_attachment,
            translate_attachment_exception.on_error,
            attachment_id,
            _none,
            (self.cinder, context, attachment_id, V3_44),
        )

    def attachment_delete(self, context: Any, attachment_id: str) -> Generator:
        """Delete the attachment (a 404 is ignored; 500/504 are retried)."""
        try:
            yield from self._retrying(
                "attachment_delete",
                context,
                controllers.delete_attachment,
                (self.cinder, as_sent(self.kernel, context), attachment_id, V3_44),
                attachment_id=attachment_id,
            )
        except NotFound:
            return None
        except CLIENT_ERRORS as exc:  # @translate_attachment_exception, in this frame
            reraise(translate_attachment_exception.on_error, exc, attachment_id)

    def _retrying(
        self, method: str, context: Any, op: Callable, args: tuple[Any, ...], **attrs: Any
    ) -> Generator:
        """``retrying.retry(stop_max_attempt_number=5)`` on 500 and 504, with no wait: each
        try is ``op(*args)``."""
        attempts = max(1, self.config.attachment_retries)
        for attempt in range(1, attempts + 1):
            try:
                return (yield from self._request(method, context, op, args, **attrs))
            except ClientException as exc:
                if exc.code not in (500, 504) or attempt == attempts:
                    raise
        return None
