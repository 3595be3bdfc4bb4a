"""How Cinder sees Glance images when it makes a volume from one (``cinder/image/glance.py``).

Cinder needs an image's metadata (``show``: id, name, status, size in bytes, min_disk,
disk/container format, properties) to validate a create-from-image request, and its size to time
the download. `Cinder.image_service` is any object with::

    show(context, image_id) -> dict      # raises fakecloud.cinder.exception.ImageNotFound

``detail(context, filters) -> list`` (a volume made from an image named rather than given by
id), and, for upload-to-image (``os-volume_upload_image``), ``create(context, metadata) -> dict``
(a queued image), ``upload(context, image_id, data)`` (a generator: the bytes moving) and
``delete(context, image_id)``.

A `Cloud` wires in `GlanceImageService`, which reads the cloud's Glance; `ImageCatalog` is a
stand-in for a Cinder built on its own (register images with `add`). The download itself
crosses the link resource ``cinder-image-download`` (``cinder.image_download_mb_per_s``) and
the backend's resource.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from typing import Any, NamedTuple

from fakecloud.cinder.exception import ImageNotAuthorized, ImageNotFound, NotAuthorized
from fakecloud.sim import calls
from fakecloud.sim.trace import Subject, site

CALLER = "cinder-api"
CALLEE = "glance-api"

#: The sites (`Trace.write_at`) of the two reads every volume made from an image sends: the
#: image's metadata (twice a create) and its data.
_SHOW = "GET /v2/images/{}"
_SHOW_SENT = site(calls.SENT, _SHOW, callee=CALLEE, call="show")
_SHOW_ANSWERED = site(calls.ANSWERED, _SHOW, callee=CALLEE, call="show")
#: cinder-volume's reads of the image before a volume from it (``ExtractVolumeSpecTask``:
#: ``get_location``, then ``show``): ``get_location``'s glanceclient ``get`` and, from
#: 27.0.0, its ``get_image_locations`` first (`LOCATIONS_API_SINCE`).
_SHOW_SITES = (_SHOW_SENT, _SHOW_ANSWERED, "show")
_GET_LOCATION_SITES = (
    site(calls.SENT, _SHOW, callee=CALLEE, call="get_location"),
    site(calls.ANSWERED, _SHOW, callee=CALLEE, call="get_location"),
    "get_location",
)
_LOCATIONS = "GET /v2/images/{}/locations"
#: glanceclient's ``has_version`` read before the location API (`_has_locations_version`).
_VERSIONS = Subject.of("GET /versions")
_LOCATIONS_SENT = site(calls.SENT, _LOCATIONS, callee=CALLEE, call="get_image_locations")
_LOCATIONS_ANSWERED = site(calls.ANSWERED, _LOCATIONS, callee=CALLEE, call="get_image_locations")

#: The first Cinder whose ``get_location`` asks Glance's location API first, as the ``[glance]``
#: section's user (``privileged_user=True``), falling back to ``get`` on Glance's 501 or 403 or
#: an empty answer (b851d08e8, "Add support for GET location API", cinder 27.0.0
#: ``cinder/image/glance.py``).
LOCATIONS_API_SINCE = 27

#: The ``[glance]`` user Cinder's privileged Glance client authenticates as
#: (``ks_loading.load_auth_from_conf_options(CONF, 'glance')``): devstack's ``glance``
#: (`fakecloud.identity.config.GLANCE_ADMIN_SINCE`).
GLANCE_USER_NAME = "glance"

_DOWNLOAD = "GET /v2/images/{}/file"
_DOWNLOAD_SENT = site(calls.SENT, _DOWNLOAD, callee=CALLEE, call="download")
_DOWNLOAD_ANSWERED = site(calls.ANSWERED, _DOWNLOAD, callee=CALLEE, call="download")


class _Late:
    """The names `GlanceImageService` takes from Cinder's service token, glance-api's token
    cache and the request context: modules it may not import as this module loads (that
    would move the order config sections register in, and so the bytes of every save), bound
    once on first use (`_late`). Not an import statement in each method: Python 3.11's import
    of a loaded module asks its spec for ``_initializing``, which raises and clears an
    AttributeError every time (``_PyModuleSpec_IsInitializing``), some 5,000 instructions a
    statement, a dozen a boot from an image."""

    __slots__ = (
        "UNAUTHORIZED",
        "UNCHECKED",
        "confirmed",
        "consumed",
        "forwarded",
        "invalidated",
        "passes",
        "refuses",
        "service_token",
        "user_token",
    )

    def __init__(self) -> None:
        from fakecloud.cinder.service_auth import (
            UNCHECKED,
            invalidated,
            service_token,
            user_token,
        )
        from fakecloud.glance.content import consumed
        from fakecloud.identity.context import forwarded
        from fakecloud.transport.token_cache import UNAUTHORIZED, confirmed, passes, refuses

        self.UNAUTHORIZED, self.UNCHECKED = UNAUTHORIZED, UNCHECKED
        self.confirmed, self.forwarded = confirmed, forwarded
        self.passes, self.refuses = passes, refuses
        self.service_token = service_token
        self.user_token = user_token
        self.invalidated = invalidated
        self.consumed = consumed


_LATE: list[_Late] = []


def _late() -> _Late:
    """The names `_Late` binds, bound on the first call."""
    if not _LATE:
        _LATE.append(_Late())
    return _LATE[0]


#: ``cinder/image/glance.py`` ``_CONVERT_PROPS``: the properties Cinder's image service hands
#: over JSON-decoded (``_convert_from_string``, on every image it reads).
CONVERT_PROPS = ("block_device_mapping", "mappings")


def check_convertible(meta: dict[str, Any]) -> None:
    """``_translate_from_glance``'s ``_convert_from_string`` (12.0.10 to 29.0.0): a
    `CONVERT_PROPS` string that is no JSON (such as the Python repr an upload-to-image copies
    from a volume's image metadata) raises ``jsonutils.loads``' ``ValueError``, which no
    caller in Cinder's image service catches."""
    properties = meta.get("properties") or {}
    for key in CONVERT_PROPS:
        value = properties.get(key)
        if isinstance(value, str):
            json.loads(value)


class Shown(NamedTuple):
    """One read of an image's metadata (`GlanceImageService.shown`): what Glance answered,
    to whom, and with which service token its middleware took the request at once
    (`_RETRIED` where it took it only after a retry)."""

    meta: dict[str, Any]
    context: Any
    image_id: str
    serving: Any


#: `Shown.serving` of a read Glance's middleware took only after keystoneauth's retry: no
#: later read reuses it.
_RETRIED = object()


class ImageCatalog:
    """Images Cinder can read, by id (a stand-in for Glance; not Glance's own API).

    Given the `kernel`, it also takes upload-to-image: `create` registers a queued image,
    `upload` moves the bytes over their link (no store behind it) and makes it active.
    """

    _images: dict[str, dict[str, Any]]

    def __init__(self, kernel: Any = None) -> None:
        self._images = {}
        self._kernel = kernel

    def add(
        self,
        image_id: str,
        size: int,
        *,
        name: str = "",
        status: str = "active",
        min_disk: int = 0,
        owner: str | None = None,
        visibility: str = "public",
        disk_format: str = "raw",
        container_format: str = "bare",
        properties: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Register an image of `size` bytes and return its metadata."""
        meta = {
            "id": image_id,
            "name": name,
            "status": status,
            "size": size,
            "min_disk": min_disk,
            "owner": owner,
            "visibility": visibility,
            "disk_format": disk_format,
            "container_format": container_format,
            "properties": dict(properties or {}),
        }
        self._images[image_id] = meta
        return meta

    def show(self, context: Any, image_id: str, read: Any = None) -> dict[str, Any]:
        """An image's metadata, if the caller may see it (public, or owned by its project);
        `read` is ignored (`GlanceImageService.show`'s)."""
        meta = self._images.get(image_id)
        if meta is None or not (
            meta["visibility"] in ("public", "community")
            or context.is_admin
            or meta["owner"] == context.project_id
        ):
            raise ImageNotFound(image_id=image_id)
        return meta

    def shown(self, context: Any, image_id: str) -> Shown:
        """`show`, as `GlanceImageService.shown` answers it (never reused: a catalog's read
        is a dict look-up)."""
        return Shown(self.show(context, image_id), context, image_id, _RETRIED)

    def detail(self, context: Any, filters: dict[str, Any]) -> list[dict[str, Any]]:
        """The images the caller sees whose fields equal `filters` (``name=...``)."""
        out = []
        for image_id, meta in self._images.items():
            try:
                self.show(context, image_id)
            except ImageNotFound:
                continue
            if all(meta.get(key) == value for key, value in filters.items()):
                out.append(meta)
        return out

    def create(self, context: Any, metadata: dict[str, Any]) -> dict[str, Any]:
        """A queued image of `context`'s project from upload-to-image's metadata."""
        if self._kernel is None:
            raise RuntimeError("this image catalog takes no uploads (it has no kernel)")
        meta = self.add(
            self._kernel.ids.uuid(),
            0,
            name=metadata.get("name", ""),
            status="queued",
            owner=context.project_id,
            visibility=metadata.get("visibility", "shared"),
            disk_format=metadata.get("disk_format", "raw"),
            container_format=metadata.get("container_format", "bare"),
            properties=metadata.get("properties"),
        )
        meta["size"] = None
        meta["protected"] = bool(metadata.get("protected", False))
        return meta

    def upload(self, context: Any, image_id: str, data: Any) -> Generator:
        """Move `data` (an ``ImageData``) over its link (an existing resource); the image is
        then active."""
        meta = self._images[image_id]
        transfer = self._kernel.io.transfer(
            data.size, (data.link,), label="glance.upload", image_id=image_id
        )
        yield transfer.done
        meta.update(status="active", size=data.size)

    def data_virtual_size(self, image_id: str) -> int | None:
        """The virtual size ``qemu-img info`` would read from the image's data: the catalog
        holds no data, so its ``virtual_size`` if registered with one, else None."""
        return self._images.get(image_id, {}).get("virtual_size")

    def delete(self, context: Any, image_id: str) -> None:
        """Forget an image."""
        self._images.pop(image_id, None)


class GlanceImageService:
    """Cinder's view of a fakecloud `Glance` (``cinder/image/glance.py``'s ``show``).

    Glance answers a hidden or missing image with its own 404; Cinder raises `ImageNotFound`.
    Each read is traced as a request from Cinder to Glance (`fakecloud.sim.calls`).

    Each request carries the caller's token (``_create_glance_client``:
    ``service_auth.get_auth_plugin(context)``, 12.0.10-27.0.0), with Cinder's service token
    when Cinder sends it (`fakecloud.cinder.service_auth`: its ``cinder`` user's, session
    43), and Glance's ``auth_token`` middleware checks both as it checks Nova's (`_refuses`,
    ``delay_auth_decision``: an unconfirmed service token leaves it to the user's): a refusal is
    glanceclient's 401, which ``_translate_image_exception`` makes `ImageNotAuthorized` (a 500
    at Cinder's API) and ``_translate_plain_exception`` (a create, a list) `NotAuthorized`.
    The image download of a volume made from an image is checked before its bytes move
    (`check_download`; session 42: it was not).
    """

    def __init__(self, glance: Any):
        self._glance = glance

    def _serving(self, context: Any) -> Any:
        """The service token that goes beside `context`'s token
        (`fakecloud.cinder.service_auth.service_token`: None where Cinder sends none), asked
        of Keystone before the request leaves; None where `context` carries no token."""
        if getattr(context, "auth_token", None) is None:
            return None
        return _late().service_token(self._glance.kernel)

    def _refuses(self, context: Any, serving: Any, subject: Any) -> bool:
        """Whether Glance's middleware refuses the token of Cinder's request `subject` made
        with `context` and the service token `serving` (none when it carries no token, or
        glance-api's cache holds both fresh)."""
        token = getattr(context, "auth_token", None)
        keystone = self._glance.kernel.keystone
        if token is None or keystone is None or self._held_fresh(keystone, token, serving):
            return False
        return self._asked_refuses(token, serving, subject)

    @staticmethod
    def _held_fresh(keystone: Any, token: str, serving: Any) -> bool:
        """Whether glance-api's cache holds `token` and the service token `serving` (if any)
        fresh, so its middleware asks Keystone nothing."""
        passes = _late().passes
        return passes(keystone, CALLEE, token) and (
            serving is None or serving.id is None or passes(keystone, CALLEE, serving.id)
        )

    def _asked_refuses(self, token: str, serving: Any, subject: Any) -> bool:
        """Whether Glance's middleware, asking Keystone of `token` and the service token
        `serving`, refuses Cinder's request `subject` (traced as the middleware's answer)."""
        late = _late()
        kernel = self._glance.kernel
        serving_id = serving.id if serving is not None else None
        return late.refuses(
            kernel, kernel.keystone, CALLEE, token, subject, serving_id, serving is late.UNCHECKED
        )

    def _sent(self, context: Any, serving: Any) -> Any:
        """The context Glance builds from Cinder's request made with `context`'s token: with
        Cinder's own service token's identity (``service_*``) when `serving` goes and Glance's
        middleware confirms it, else the user's token alone; never the service token the
        request Cinder answers came with (Nova's), which stays with Cinder
        (`fakecloud.identity.context.forwarded`)."""
        if getattr(context, "auth_token", None) is None:
            return context
        late = _late()
        seen = None if serving is None else serving.context
        keystone = self._glance.kernel.keystone
        if seen is not None and serving.id and keystone is not None:
            # unconfirmed behind delay_auth_decision: no service_* (`confirmed`)
            seen = late.confirmed(keystone, CALLEE, serving.id)
        return late.forwarded(context, seen)

    def _refused(self, caller: str, subject: Any, call: str) -> None:
        """Trace the middleware's 401 to Cinder's request `subject`."""
        unauthorized = _late().UNAUTHORIZED
        calls.answered(self._glance.kernel, caller, CALLEE, subject, call, 401, unauthorized)

    def _checked(
        self, context: Any, serving: Any, caller: str, subject: Any, call: str
    ) -> tuple[bool, Any]:
        """Glance's middleware on Cinder's request `subject` (already traced as sent) made
        with `context` and the service token `serving`: ``(False, serving)`` where it takes
        it, else its 401 traced and keystoneauth's retry (`_again`)."""
        if not self._refuses(context, serving, subject):
            return False, serving
        return self._again(context, serving, caller, subject, call)

    def _again(
        self, context: Any, serving: Any, caller: str, subject: Any, call: str
    ) -> tuple[bool, Any]:
        """After Glance's 401 to `subject`: traced, then keystoneauth's ``Session.request``
        (`fakecloud.cinder.service_auth.invalidated`): where the ``[service_user]`` plugin
        dropped its token, the request is sent again, once, with a new one (Keystone's refusal
        of it raised, keystoneauth's ``Unauthorized``), and its answer is the caller's:
        ``(refused, the service token it went with)``."""
        self._refused(caller, subject, call)
        late = _late()
        kernel = self._glance.kernel
        if not late.invalidated(kernel, serving):
            return True, serving
        serving = self._serving(context)
        calls.sent(kernel, caller, CALLEE, subject, call)
        if self._refuses(context, serving, subject):
            self._refused(caller, subject, call)
            return True, serving
        return False, serving

    def show(self, context: Any, image_id: str, read: Shown | None = None) -> dict[str, Any]:
        """The image's metadata as Cinder reads it; `ImageNotFound` when Glance says 404.

        `read` is what `shown` answered a moment before for the same `context` and image, with
        nothing run between (the volume create's second read, after the controller's): Glance
        answers again what it answered then where its middleware took this request with the
        same service token at once, so its answer is taken, not built again (the request and
        its answer are traced as ever)."""
        meta, _ = self._show(context, image_id, read)
        return meta

    def shown(self, context: Any, image_id: str) -> Shown:
        """`show`, with what a second read with nothing run between may reuse (`show`'s
        `read`)."""
        meta, serving = self._show(context, image_id, None)
        return Shown(meta, context, image_id, serving)

    def extract_spec(self, context: Any, image_id: str) -> dict[str, Any]:
        """cinder-volume's reads of the image before a volume from it (``ExtractVolumeSpecTask``,
        cinder 12.0.10-29.0.0 ``volume/flows/manager/create_volume.py``): ``get_location``, then
        ``show``, whose answer the manager's flow goes on with. An image deleted or hidden since
        the API's reads fails here (`ImageNotFound`, a refusal `ImageNotAuthorized`).

        ``get_location`` is glanceclient's ``get`` (``GET /v2/images/{id}`` as the caller, with
        Cinder's service token), which the ``show`` right after finds answered the same
        (`show`'s `read`); from 27.0.0 first the location API (`_locations`)."""
        read = self.get_location(context, image_id)
        meta, _ = self._show(context, image_id, read)
        if read is not None:
            check_convertible(meta)  # show's ``_translate_from_glance``, not get_location's
        return meta

    def get_location(self, context: Any, image_id: str) -> Shown | None:
        """``GlanceImageService.get_location`` (cinder 12.0.10-29.0.0 ``image/glance.py``), as
        a volume's create (`extract_spec`) and ``VolumeManager.reimage`` (20.0.0-29.0.0, before
        ``copy_image_to_volume``) send it: glanceclient's ``get`` (``GET /v2/images/{id}`` as
        the caller, with Cinder's service token), from 27.0.0 after the location API
        (`_locations`), which it follows only where that answered nothing. What ``get``
        answered (a ``show`` right after may reuse it), else None. An image deleted or hidden
        since the API's reads fails here: `ImageNotFound`, a refusal `ImageNotAuthorized`."""
        if self._glance.kernel.switches.series.cinder >= LOCATIONS_API_SINCE and self._locations(
            context, image_id
        ):
            return None
        meta, serving = self._show(context, image_id, None, _GET_LOCATION_SITES)
        return Shown(meta, context, image_id, serving)

    def _locations(self, context: Any, image_id: str) -> bool:
        """``get_location``'s ``get_image_locations`` (cinder 27.0.0, b851d08e8): after
        glanceclient's ``GET /versions`` (`_has_locations_version`), ``GET
        /v2/images/{id}/locations`` as the ``[glance]`` user (a password plugin loaded for
        this call: a token of its own, which glance-api validates), with Cinder's service token
        when it sends one; where the cloud has no such user (``[glance]`` without
        ``auth_type``) the caller's token goes. True where Glance answered locations; False
        (``get`` follows) on its 501 or 403 (Glance's ``fetch_image_location``,
        ``rule:service_api``) or an empty list; a 404 is `ImageNotFound`, a 401
        `ImageNotAuthorized` (``_reraise_translated_image_exception``)."""
        kernel = self._glance.kernel
        late = _late()
        token = late.user_token(kernel, GLANCE_USER_NAME, fresh=True)
        asker = context if token is None else token.context
        caller = calls.sender(kernel, "cinder-volume")
        parts = (image_id,)
        subject = Subject.of(_LOCATIONS, image_id)
        asked = self._serving(asker)
        if not self._has_locations_version(caller):
            return False
        kernel.trace.write_at(_LOCATIONS_SENT, caller, parts)
        refused, serving = self._checked(asker, asked, caller, subject, "get_image_locations")
        if refused:
            raise ImageNotAuthorized(image_id=image_id)
        try:
            found = self._glance.images.get_locations(self._sent(asker, serving), image_id)
        except Exception as exc:
            code = getattr(exc, "code", None)
            calls.answered(kernel, caller, CALLEE, subject, "get_image_locations", code, str(exc))
            if code in (403, 501):
                return False
            if code == 404:
                raise ImageNotFound(image_id=image_id) from None
            raise
        kernel.trace.write_at(_LOCATIONS_ANSWERED, caller, parts, (200,))
        return bool(found)

    def _has_locations_version(self, caller: str) -> bool:
        """glanceclient's ``get_image_locations`` asks ``utils.has_version(http_client,
        'v2.17')`` first (python-glanceclient 4.10.0, 2025.2's constraint): ``GET /versions``
        through the same session and plugins (the tokens are taken for it; glance-api's
        ``versionnegotiation`` filter answers it before ``authtoken``, so nothing is
        validated), and raises ``HTTPNotImplemented`` itself, sending nothing more, where
        Glance lists no v2.17 (before 29.0.0), which ``get_location`` passes over to ``get``."""
        # Imported here: importing Glance's modules from Cinder's at load time changes the
        # order config sections register in, and so the bytes of every save.
        from fakecloud.glance.locations import LOCATION_API_SINCE

        kernel = self._glance.kernel
        calls.sent(kernel, caller, CALLEE, _VERSIONS, "get_image_locations")
        calls.answered(kernel, caller, CALLEE, _VERSIONS, "get_image_locations", 200)
        return kernel.switches.series.glance >= LOCATION_API_SINCE

    def _show(
        self, context: Any, image_id: str, read: Shown | None, sites: tuple = _SHOW_SITES
    ) -> tuple[dict[str, Any], Any]:
        kernel = self._glance.kernel
        sent_at, answered_at, call = sites
        caller = calls.sender(kernel, CALLER)
        parts = (image_id,)
        asked = self._serving(context)
        kernel.trace.write_at(sent_at, caller, parts)
        refused, serving = self._checked(context, asked, caller, Subject.of(_SHOW, image_id), call)
        if refused:
            raise ImageNotAuthorized(image_id=image_id)
        if (
            read is not None
            and serving is asked
            and read.serving is serving
            and read.context is context
            and read.image_id == image_id
        ):
            # Glance's answer to the same caller and service token, nothing run since
            kernel.trace.write_at(answered_at, caller, parts, (200,))
            return read.meta, serving
        try:
            meta = self._glance.image_info(self._sent(context, serving), image_id)
        except Exception as exc:
            code = getattr(exc, "code", None)
            subject = Subject.of(_SHOW, image_id)
            calls.answered(kernel, caller, CALLEE, subject, call, code, str(exc))
            if code == 404:
                raise ImageNotFound(image_id=image_id) from None
            raise
        kernel.trace.write_at(answered_at, caller, parts, (200,))
        if call == "show":  # ``_translate_from_glance`` (get_location translates nothing)
            check_convertible(meta)
        return meta, serving if serving is asked else _RETRIED

    def data_virtual_size(self, image_id: str) -> int | None:
        """The virtual size ``qemu-img info`` reads from the image's downloaded data (its
        content's, else its byte count: a raw image), whatever Glance's ``virtual_size`` says;
        None when Glance holds no data for it. Local to cinder-volume: no request traced."""
        image = self._glance.db.images.get(image_id)
        data = image.data if image is not None else None
        if data is None:
            return None
        return data.virtual_size if data.virtual_size is not None else data.size

    def detail(self, context: Any, filters: dict[str, Any]) -> list[dict[str, Any]]:
        """``GlanceImageService.detail``: the images Glance lists to the caller with
        `filters` (a first page: enough to tell none, one and several apart), each's id, name
        and custom properties."""
        # Imported here: importing Glance's modules from Cinder's at load time changes the
        # order config sections register in, and so the bytes of every save.
        from fakecloud.glance.listing import ListQuery

        kernel = self._glance.kernel
        caller = calls.sender(kernel, CALLER)
        subject = Subject.of("GET /v2/images")
        serving = self._serving(context)
        calls.sent(kernel, caller, CALLEE, subject, "detail")
        refused, serving = self._checked(context, serving, caller, subject, "detail")
        if refused:
            raise NotAuthorized()
        try:
            found, _ = self._glance.lister.list(
                self._sent(context, serving), ListQuery(filters=dict(filters))
            )
        except Exception as exc:
            calls.answered(kernel, caller, CALLEE, subject, "detail", getattr(exc, "code", None))
            raise
        calls.answered(kernel, caller, CALLEE, subject, "detail", 200)
        listed = [
            {"id": image.id, "name": image.name, "properties": dict(image.extra_properties)}
            for image in found
        ]
        for meta in listed:
            check_convertible(meta)
        return listed

    def create(self, context: Any, metadata: dict[str, Any]) -> dict[str, Any]:
        """``GlanceImageService.create`` without data: a queued image from Cinder's metadata
        (``properties`` flattened, as ``_translate_to_glance`` does); Glance's error raised."""
        body = {key: value for key, value in metadata.items() if key != "properties"}
        body.update(metadata.get("properties") or {})
        kernel = self._glance.kernel
        caller = calls.sender(kernel, CALLER)
        subject = Subject.of("POST /v2/images")
        serving = self._serving(context)
        calls.sent(kernel, caller, CALLEE, subject, "create")
        refused, serving = self._checked(context, serving, caller, subject, "create")
        if refused:
            raise NotAuthorized()
        try:
            sent = self._sent(context, serving)
            image = self._glance.images.create(sent, body)
        except Exception as exc:
            calls.answered(kernel, caller, CALLEE, subject, "create", getattr(exc, "code", None))
            raise
        calls.answered(kernel, caller, CALLEE, subject, "create", 201)
        meta = self._glance.image_info(sent, image.id)
        meta["protected"] = image.protected
        check_convertible(meta)  # Glance made the image: it stays queued
        return meta

    def upload(self, context: Any, image_id: str, data: Any) -> Generator:
        """``PUT /v2/images/{id}/file`` of `data` (a `fakecloud.glance.content.ImageData`),
        from cinder-volume; Glance's own upload moves the bytes over ``data.link`` and its
        store."""
        kernel = self._glance.kernel
        caller = calls.sender(kernel, "cinder-volume")
        subject = Subject.of("PUT /v2/images/{}/file", image_id)
        serving = self._serving(context)
        calls.sent(kernel, caller, CALLEE, subject, "upload")
        if self._refuses(context, serving, subject):
            refused, serving = self._again(context, serving, caller, subject, "upload")
            if refused:
                raise ImageNotAuthorized(image_id=image_id)
            data = _late().consumed(data)  # the body the first attempt read to its end
        try:
            yield from self._glance.image_data.upload(self._sent(context, serving), image_id, data)
        except Exception as exc:
            code = getattr(exc, "code", None)
            calls.answered(kernel, caller, CALLEE, subject, "upload", code, str(exc))
            raise
        calls.answered(kernel, caller, CALLEE, subject, "upload", 204)

    def check_download(self, context: Any, image_id: str) -> bool:
        """Glance's middleware taking the token of cinder-volume's ``GET
        /v2/images/{id}/file`` (``image_utils.fetch``: ``image_service.download(context,
        ...)``, 12.0.10-29.0.0) before the bytes move (`download`): True when it asked
        Keystone (the request traced here, then the call), False when glance-api's cache
        holds the token fresh (nothing traced). A refusal is traced as the request, the
        middleware's reason and its 401, and raised as `ImageNotAuthorized`, which fails the
        volume's create (``error``); so is Glance's own 403 (``download_image`` refused, an
        image deactivated since: glance ``ImageDataController.download``), a 404
        `ImageNotFound` (session 43: Cinder's download asked no rule of Glance's)."""
        token = getattr(context, "auth_token", None)
        kernel = self._glance.kernel
        keystone = kernel.keystone
        if token is None or keystone is None:
            return False
        serving = self._serving(context)
        caller = calls.sender(kernel, "cinder-volume")
        subject = Subject.of(_DOWNLOAD, image_id)
        traced = False
        if not self._held_fresh(keystone, token, serving):
            kernel.trace.write_at(_DOWNLOAD_SENT, caller, (image_id,))
            traced = True
            if self._asked_refuses(token, serving, subject):
                refused, serving = self._again(context, serving, caller, subject, "download")
                if refused:
                    raise ImageNotAuthorized(image_id=image_id)
        # Glance's download_image rule (a deactivated image's refusal), before a byte moves
        try:
            self._glance.image_data.download_allowed(self._sent(context, serving), image_id)
        except Exception as exc:
            code = getattr(exc, "code", None)
            if not traced:
                kernel.trace.write_at(_DOWNLOAD_SENT, caller, (image_id,))
            calls.answered(kernel, caller, CALLEE, subject, "download", code, str(exc))
            if code == 404:
                raise ImageNotFound(image_id=image_id) from None
            if code == 403:
                raise ImageNotAuthorized(image_id=image_id) from None
            raise
        return traced

    def delete(self, context: Any, image_id: str) -> None:
        """``DELETE /v2/images/{id}`` from cinder-volume (the manager's ``_delete_image``)."""
        kernel = self._glance.kernel
        caller = calls.sender(kernel, "cinder-volume")
        subject = Subject.of("DELETE /v2/images/{}", image_id)
        serving = self._serving(context)
        calls.sent(kernel, caller, CALLEE, subject, "delete")
        refused, serving = self._checked(context, serving, caller, subject, "delete")
        if refused:
            raise ImageNotAuthorized(image_id=image_id)
        try:
            self._glance.images.delete(self._sent(context, serving), image_id)
        except Exception as exc:
            calls.answered(kernel, caller, CALLEE, subject, "delete", getattr(exc, "code", None))
            raise
        calls.answered(kernel, caller, CALLEE, subject, "delete", 204)


def download(kernel: Any, image_id: str, copied: Any, sent: bool = False) -> Generator:
    """Wait for `copied` (the event of the image's bytes written into a volume) as Cinder's
    ``GET /v2/images/{id}/file`` from Glance, traced when it starts (unless `sent`: its
    token's check traced it, `GlanceImageService.check_download`) and when the data is in."""
    caller = calls.sender(kernel, "cinder-volume")
    if not sent:
        kernel.trace.write_at(_DOWNLOAD_SENT, caller, (image_id,))
    try:
        result = yield copied
    except Exception as exc:
        subject = Subject.of(_DOWNLOAD, image_id)
        calls.answered(kernel, caller, CALLEE, subject, "download", None, str(exc) or repr(exc))
        raise
    kernel.trace.write_at(_DOWNLOAD_ANSWERED, caller, (image_id,), (200,))
    return result
