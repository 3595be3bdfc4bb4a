"""Image data: upload, download, stage and import, each taking virtual time (``image_data.py``).

**Upload** (``PUT /v2/images/{id}/file``), as ``ImageDataController.upload`` does it:

1. unified limit ``image_size_total`` (delta = declared MiB from Glance 33.0.0, 0 before)
   → 413, nothing changes;
2. the image must be visible (404) and the caller may upload (403/404);
3. ``queued`` → ``saving``: from any other status 409, without formats 400. Glance reads the
   image, then saves it with a compare-and-swap on ``queued``; with ``glance.db_roundtrip_s``
   > 0 there is virtual time in between, and a racing upload that lost the swap gets 410;
4. ``image_count_uploading`` (the image now counts itself) and the legacy storage quota → 413
   (an undeclared size, as Nova's and Cinder's streamed uploads have, only when nothing
   remains);
5. fault point ``glance.upload`` [image_id, owner, size, link], then the store write: the bytes
   cross the sender's link and the store (`GlanceStore.write`, which has its own faults);
6. size, checksum and ``os_hash_value`` computed from the content, format inspection (415 on a
   mismatch), virtual size; the legacy storage quota again, of the stored size (over: the
   data is removed and the image stays ``saving``, 413); then the save with a
   compare-and-swap on ``saving``. If the image
   was deleted (or changed) during the upload, the stored data is removed and the uploader gets
   **410**, the image stays ``deleted``;
7. 204.

Every other failure after step 3 puts the image back to ``queued`` (``_restore``) so the upload can
be retried — or to ``killed`` with ``glance.kill_on_upload_failure``, as older Glance did —
and removes any data written. The error answers are Glance's (B7.2 of the spec).

**Download** reads the data back through the store and the reader's link. **Stage**
(``PUT .../stage``: ``queued`` → ``uploading``) and **import** (``POST .../import`` with
``glance-direct``: ``uploading`` → ``importing`` → ``active``, in the background; fault point
``glance.import`` [image_id, method]) are the interoperable import flow; ``web-download``
imports a ``queued`` image from a URL (`import_methods`: the filter, the simulated web),
``copy-image`` and ``glance-download`` answer as a single-store, single-region Glance does.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any
from urllib.parse import urlparse

from fakecloud.glance.config import MiB
from fakecloud.glance.content import INSPECTABLE_FORMATS, ImageData
from fakecloud.glance.errors import (
    STORE_INVALID_SINCE,
    STORE_TIMEOUT_SINCE,
    GlanceHttpError,
    HTTPBadRequest,
    HTTPConflict,
    HTTPForbidden,
    HTTPGone,
    HTTPInternalServerError,
    HTTPNotFound,
    HTTPRequestEntityTooLarge,
    HTTPServiceUnavailable,
    InvalidImageData,
    StorageFull,
    StorageWriteDenied,
    StoreAddDisabled,
    StoreDuplicate,
    StoreInvalid,
    StoreTimeout,
    image_not_found,
    policy_forbidden,
    unsupported_media_type,
)
from fakecloud.glance.import_methods import (
    COPY_IMAGE_POLICY_SINCE,
    check_glance_download,
    import_conflict,
    uri_passes,
)
from fakecloud.glance.models import Image
from fakecloud.glance.patch import IMPORT_LOCK, IMPORT_LOCKING
from fakecloud.glance.policy import (
    API_POLICY_SINCE,
    is_admin,
    open_passes,
    out_of_scope,
    owner_passes,
)
from fakecloud.glance.policy_file import UPLOAD_TARGET_SINCE
from fakecloud.glance.quotas import (
    IMAGE_COUNT_UPLOADING,
    IMAGE_SIZE_TOTAL,
    IMAGE_STAGE_TOTAL,
    LimitExceeded,
    StorageQuotaFull,
)
from fakecloud.glance.states import (
    FormatsNotSet,
    InvalidImageStatusTransition,
    check_status,
    set_status,
)
from fakecloud.glance.task_api import begin_processing, proxy_allows
from fakecloud.glance.tasks import INTERNAL_ERROR
from fakecloud.profiles.provenance import Backport, Change
from fakecloud.profiles.series import GLANCE_VIRTUAL_SIZE_SINCE
from fakecloud.sim.io import gbit_per_s

#: The first Glance whose import checks the image first (0376185fb, 17.0.0: 404, the 409s of
#: a status or formats that cannot work; the caller's ownership from `IMPORT_OWNER_CHECKED`);
#: 16.x answers 202 to any import.
IMPORT_CHECKS_SINCE = 17
#: Where the import refuses at once a caller who does not own the image (``is_image_mutable``:
#: 403 "Operation not permitted"), by Nova release: c930638fc "Check authorization before
#: import for image" (LP #1884587) is Glance 21.0.0 (Nova 22's series); its backport fcba03989
#: is in Glance 20.0.1 (tagged 2020-08-12), so Nova 21.1.0 (2020-08-27) is the first of Nova
#: 21's releases whose Glance has it. Before, the 202, and the task's flow fails (`_import_owner`).
IMPORT_OWNER_CHECKED = Change(
    "22.0.0",
    "c930638fc",
    "Check authorization before import for image",
    backports=(Backport("21.1.0", "fcba03989"),),
)
#: The first Glance whose failed web-download puts the image back to ``queued`` (94d3a0a14,
#: 18.0.0: ``_WebDownload.revert``; its 17.0.1 backport ec2969d9f was tagged 2020-03-19, after
#: Nova 18's last release, 18.3.0 of 2020-02-25: no Nova release here pairs with it). Until
#: `WEB_DOWNLOAD_ALWAYS_REVERTS_SINCE` only when the download itself failed (``if
#: isinstance(result, failure.Failure)``): a failure after it is another task's.
WEB_DOWNLOAD_REVERTS_SINCE = 18
#: The first Glance whose ``_WebDownload.revert`` deletes what it staged, whichever task failed
#: (922c2ed5a, "Fix cleaning of web-download image import", 21.0.0); before, the staged file
#: stays (``_DeleteFromFS`` runs only after the store has the data).
WEB_DOWNLOAD_CLEANS_SINCE = 21
#: The first Glance whose web-download revert sets ``queued`` for any failure of the flow after
#: it too (480ea3825, 25.0.0: ``BaseDownload.revert`` without the ``isinstance`` test).
WEB_DOWNLOAD_ALWAYS_REVERTS_SINCE = 25


class WebDownloadFailed(Exception):
    """A download the import flow could not make (``urllib``'s ``URLError``, the
    ``LimitingReader``'s refusal): the executor fails the task with `INTERNAL_ERROR`."""


class _StoreSaveRefused(Exception):
    """``_ImportToStore``'s save refused by Glance 16-22's policy proxy (`_store_saved`): the
    executor fails the task with `INTERNAL_ERROR`."""


#: The first Glance whose stage needs ``glance-direct`` enabled (95327964e, 17.0.0); 16.x
#: checks only ``enable_image_import`` (default True, not modelled).
STAGE_NEEDS_GLANCE_DIRECT_SINCE = 17

#: How long a lock holds before another import may bust it (``_enforce_import_lock``).
IMPORT_LOCK_EXPIRY_S = 3600.0
#: What an import's flow sets from 20.0.0 (92492cf50), kept after it: the stores still to
#: import to and those that failed, comma-separated; empty with one store.
IMPORT_STORE_PROPERTIES = {"os_glance_importing_to_stores": "", "os_glance_failed_import": ""}

#: The first Glance that reads an import's ``all_stores`` and ``all_stores_must_succeed``
#: (92492cf50, 55b7c86ec: 20.0.0, multi-store import): booleans only, and ``false`` for the
#: latter a 400 without ``enabled_backends``. Before, an import ignores both.
ALL_STORES_SINCE = 20

#: The first Glance whose stage records the staged size on the image (c290c4af5, 23.0.0: shown
#: while it is ``uploading``/``importing``); 16.0.1-22.x leave it null until the import.
STAGE_SETS_SIZE_SINCE = 23

#: The first Glance whose upload and stage count the declared size in their upfront
#: ``image_size_total``/``image_stage_total`` checks (368204bae, 33.0.0: the Nova 34 series).
QUOTA_DELTA_SINCE = 33


#: The first Glance whose store checks the bytes it reads against the declared size: glance
#: 31.0.0 (62a323aed) passes ``x-openstack-image-size`` (else ``Content-Length``) to the
#: store, and the series' glance_store 5.0.0 filesystem driver (08b47fe, ``Store.add``)
#: refuses a mismatch with ``glance_store.Invalid``; 16.0.1-30.x stores whatever comes.
STORE_SIZE_CHECK_SINCE = 31
#: ``filesystem_store_chunk_size``'s default: the store reads (and checks) 64 KiB at a time.
STORE_CHUNK = 64 * 1024


def size_mismatch(declared: int, received: int, cap: int) -> tuple[int, StoreInvalid] | None:
    """The filesystem store's size check (glance_store 5.0.0 ``Store.add``): None when the
    `received` bytes match the `declared` size (0: unknown, no check), else the bytes read
    before it refuses and its error. More bytes are refused at the first 64 KiB chunk past
    the declared size ("Size exceeds", counting that chunk), fewer after the last ("Size
    mismatch"). None as well when ``image_size_cap`` (`cap`) stops the read first."""
    if not declared or declared == received:
        return None
    if received > max(declared, 0):  # a chunk goes past it (a negative size: the first)
        read = min(received, (max(declared, 0) // STORE_CHUNK + 1) * STORE_CHUNK)
        if read > cap:
            return None  # the LimitingReader's ImageSizeLimitExceeded comes first
        message = f"Size exceeds: expected {declared} bytes, got {read} bytes"
        return read, StoreInvalid(message)
    if received > cap:
        return None
    message = f"Size mismatch: expected {declared} bytes, got {received} bytes"
    return received, StoreInvalid(message)


#: The first Glance whose ``image_size_cap`` refusal is its own 413 (ffc3923e9, 17.0.0,
#: LP #1734832: ``LimitingReader``'s ``exception_class``). In 16.x the quota proxy's
#: ``set_data`` turns every ``ImageSizeLimitExceeded`` into ``StorageQuotaFull`` of the
#: declared size and ``check_quota``'s answer (None without a quota or a declared size).
CAP_OWN_ERROR_SINCE = 17


class ImageSizeLimitExceeded(Exception):
    """``exception.ImageSizeLimitExceeded``: more bytes than ``image_size_cap``."""

    def __init__(self) -> None:
        super().__init__("The provided image is too large.")


def _upload_error(exc: BaseException, glance: int) -> GlanceHttpError:
    """The HTTP answer to a failed upload (``ImageDataController.upload``'s except clauses)
    in the series' Glance `glance` (its major)."""
    if isinstance(exc, GlanceHttpError):
        return exc
    if isinstance(exc, StoreInvalid) and glance >= STORE_INVALID_SINCE:
        return HTTPBadRequest(explanation=str(exc))
    if isinstance(exc, StoreAddDisabled):
        return HTTPGone(
            explanation="Error in store configuration. Adding images to store is disabled."
        )
    if isinstance(exc, StorageFull):
        return HTTPRequestEntityTooLarge(explanation=f"Image storage media is full: {exc}")
    if isinstance(exc, StorageQuotaFull):
        return HTTPRequestEntityTooLarge(explanation=f"Image exceeds the storage quota: {exc}")
    if isinstance(exc, ImageSizeLimitExceeded):
        return HTTPRequestEntityTooLarge(explanation=f"The incoming image is too large: {exc}")
    if isinstance(exc, LimitExceeded):
        return HTTPRequestEntityTooLarge(explanation=str(exc))
    if isinstance(exc, InvalidImageData):
        return unsupported_media_type(str(exc), glance)
    if isinstance(exc, StorageWriteDenied):
        return HTTPServiceUnavailable(
            explanation=f"Insufficient permissions on image storage media: {exc}"
        )
    if isinstance(exc, StoreTimeout) and glance >= STORE_TIMEOUT_SINCE:
        return HTTPServiceUnavailable(explanation=str(exc))
    raise exc  # any other exception (and those two before their releases): Glance's 500


class ImageDataApi:
    """The data paths of one Glance's images."""

    def __init__(self, glance: Any):
        self._glance = glance
        self._kernel = glance.kernel

    # -- upload ------------------------------------------------------------------------------

    def _quota_delta(self, declared: int) -> int:
        """The MiB an upload or stage adds to its unified-limit check: the declared size from
        Glance 33.0.0 (368204bae); before, 0 (only what the project already holds counts, so
        one upload may take it past the limit)."""
        if self._kernel.switches.series.glance < QUOTA_DELTA_SINCE:
            return 0
        return max(declared, 0) // MiB

    def upload(
        self, ctx: Any, image_id: str, data: ImageData, size: int | None = None
    ) -> Generator[Any, Any, Image]:
        """``PUT /v2/images/{id}/file``; `size` is the declared size, None when the sender
        declares none: glanceclient streams a file chunked (``_chunk_body``, no
        Content-Length) and Nova's and Cinder's uploads pass no ``image_size`` (nova 34.0.0
        ``_upload_data``), so Glance's ``size`` is None for them in every series."""
        g, k = self._glance, self._kernel
        declared = data.size if size is None else size  # (the trace's size either way)
        project = ctx.project_id if ctx is not None else None
        quotas = g.quotas
        if quotas.unified:  # else `enforce` checks nothing (nor is the delta needed)
            try:
                quotas.enforce(
                    project,
                    IMAGE_SIZE_TOTAL,
                    delta=self._quota_delta(0 if size is None else size),
                    gone=g.uncounted,
                )
            except LimitExceeded as e:
                raise HTTPRequestEntityTooLarge(explanation=str(e))
        refusal = f"Not allowed to upload image data for image {image_id}"
        if is_admin(ctx) and not out_of_scope(ctx, g.scope_enforced) and g.policy_rules is None:
            image = g.db.row(image_id)  # sees every image and passes upload_image
        else:
            image = self._upload_lookup(ctx, image_id, refusal)
            if g.policy_rules is not None or not owner_passes(
                ctx, image.owner, "upload_image", g.scope_enforced
            ):
                g.images.policy(ctx, image).enforce("upload_image", refusal=refusal)
        self._to_saving_checks(image)
        rules = g.policy_rules
        # Glance 16-22 save the image ``saving`` through the policy proxy's repository, which
        # asks modify_image (16.0.1-22.1.1 api/policy.py ImageRepoProxy.save; its lazy
        # ImageTarget reads the status the upload set, 'saving'); 23.0.0's upload reads a
        # repository without it (get_repo(authorization_layer=False))
        if (
            rules is not None
            and rules.major < API_POLICY_SINCE
            and not g.images.policy(ctx, image).allows_saved("modify_image", status="saving")
        ):
            raise HTTPForbidden(explanation=refusal)
        if g.config.db_roundtrip_s > 0:
            yield k.timeout(g.config.db_roundtrip_s)
            if image.status != "queued":
                raise self._gone(image_id)
        set_status(k, image, "saving", details={"size": declared})
        stored = False
        try:
            if quotas.unified:  # (as above)
                quotas.enforce(project, IMAGE_COUNT_UPLOADING, delta=0)
            # check_quota: an undeclared size is refused only when nothing remains
            g.quotas.check_storage(
                project, None if size is None else max(size, 0), image.id, g.uncounted
            )
            link = g.store.link(data.link).name
            if "glance.upload" in k.faults.hot:  # else consulting it does nothing
                yield from k.faults.pause(
                    "glance.upload", image_id=image.id, owner=image.owner, size=data.size, link=link
                )
            cap = g.config.image_size_cap
            mismatch = None
            if g.schema.glance >= STORE_SIZE_CHECK_SINCE:
                mismatch = size_mismatch(size or 0, data.size, cap)
            if mismatch is not None:
                read, error = mismatch
                yield from g.store.write(
                    image.id, ImageData(read, data.content_id, data.link), owner=image.owner
                )
                g.store.delete(image.id)  # _delete_partial
                raise error
            if data.size > cap:
                yield from g.store.write(
                    image.id, ImageData(cap, data.content_id, data.link), owner=image.owner
                )
                g.store.delete(image.id)
                if g.schema.glance < CAP_OWN_ERROR_SINCE:
                    remaining = (
                        None if size is None else g.quotas.remaining(project, image.id, g.uncounted)
                    )
                    raise StorageQuotaFull(size, remaining)
                raise ImageSizeLimitExceeded()
            if image.locations:  # else nothing is there (a queued image's usual upload)
                here = g.store.location(image.id)
                if any(loc["url"] == here for loc in image.locations):  # a refused upload's
                    raise StoreDuplicate(image.id)
            yield from g.store.write(image.id, data, owner=image.owner)
            stored = True
            virtual_size = self._inspect(image, data)
        except GeneratorExit:
            # The uploading client died mid-body (its process was killed): Glance's read of
            # the request fails, and upload()'s catch-all restores the image. Nothing may wait
            # here: the client's generator is being closed.
            if stored:
                g.store.delete(image.id)
            self._restore(image)
            raise
        except Exception as exc:
            if stored and isinstance(exc, InvalidImageData):
                self._hash(image, data)  # refused after the store's add: see `_inspect`
                image.locations = [{"url": g.store.location(image.id), "metadata": {}}]
            elif stored:
                g.store.delete(image.id)
            if isinstance(exc, HTTPGone):
                raise
            self._restore(image)
            raise _upload_error(exc, g.schema.glance)
        try:
            # The quota proxy's check of the stored size (how an undeclared size is refused):
            # the location proxy has already made the image active in memory, so _restore's
            # active -> queued is no transition ("Unable to restore image"): the data goes,
            # the row stays ``saving`` (glance 16.0.1-33.0.0 ``quota.ImageProxy.set_data``).
            g.quotas.check_storage(project, data.size, image.id, g.uncounted)
        except StorageQuotaFull as exc:
            g.store.delete(image.id)
            raise _upload_error(exc, g.schema.glance)
        if (
            rules is not None
            and rules.major < API_POLICY_SINCE
            and not g.images.policy(ctx, image).allows_saved(
                "modify_image", status="active", size=data.size
            )
        ):
            # Glance 16-22's last save, of the image the store's set_data made active, through
            # the policy proxy: its Forbidden is the upload's 403, caught with no _restore nor
            # cleanup (the data stays in the store, the row ``saving``)
            raise HTTPForbidden(explanation=refusal)
        if image.status != "saving":  # deleted (or changed) while the bytes were moving
            g.store.delete(image.id)
            raise self._gone(image_id)
        self._activate(image, data, virtual_size)
        return image

    def _to_saving_checks(self, image: Image) -> None:
        try:
            check_status(image, "saving")
        except InvalidImageStatusTransition as e:
            raise HTTPConflict(explanation=e.msg)
        except FormatsNotSet as e:
            raise HTTPBadRequest(explanation=str(e))

    @staticmethod
    def _gone(image_id: str) -> HTTPGone:
        return HTTPGone(
            explanation=f"Image {image_id} could not be found after upload. The image may have "
            "been deleted during the upload, cleaning up the chunks uploaded."
        )

    def _restore(self, image: Image, status: str = "queued") -> None:
        """``_restore``: back to queued (killed on old Glance) if the image is still ours."""
        if self._glance.config.kill_on_upload_failure and image.status == "saving":
            status = "killed"
        try:
            set_status(self._kernel, image, status, details={"reason": "upload failed"})
        except InvalidImageStatusTransition:
            pass  # Glance logs "Unable to restore image" and moves on

    def _inspect(self, image: Image, data: ImageData) -> int | None:
        """Format inspection for bare images: the virtual size, or InvalidImageData (415).

        An empty stream is raw (Nova 31.0.0 activates a volume-backed snapshot's empty image
        as ``raw`` for this, e28f90866b). Glance inspects the data once the store has it
        (``ImageProxy.set_data``, glance/location.py 30.0.0-33.0.0): a refusal leaves the
        store's checksum and hashes on the image, back in ``queued``, and the data in the
        store, where another upload meets it (the store's Duplicate: Glance's 500)."""
        if image.container_format != "bare":
            return None
        declared = image.disk_format
        found = data.disk_format or (declared if data.size else "raw")
        real_size = data.virtual_size if data.virtual_size is not None else data.size
        if found == declared:
            return real_size if declared in INSPECTABLE_FORMATS else None
        if found == "raw" and declared not in INSPECTABLE_FORMATS:
            return None
        if declared == "raw":
            return data.size
        if self._glance.require_image_format_match:
            raise InvalidImageData(
                f"Image disk_format {declared} does not match stream data {found}"
            )
        return None

    def _hash(self, image: Image, data: ImageData) -> None:
        """The checksum and multihash the store's add computes as the data goes in."""
        algo = self._glance.config.hashing_algorithm
        filler_max = self._glance.config.downloadable_content_bytes
        image.checksum = data.checksum(filler_max, image.disk_format)
        image.os_hash_algo = algo
        image.os_hash_value = data.os_hash(algo, filler_max, image.disk_format)

    def _activate(self, image: Image, data: ImageData, virtual_size: int | None) -> None:
        """The data is in: size, virtual size (from Glance 21.0.0 only), checksum and
        multihash, the store location, ``active``."""
        g = self._glance
        image.size = data.size
        # the schema carries the series' Glance major (a Glance of a saved file has no more)
        if g.schema.glance >= GLANCE_VIRTUAL_SIZE_SINCE:
            image.virtual_size = virtual_size or None
        self._hash(image, data)
        image.locations = [{"url": self._glance.store.location(image.id), "metadata": {}}]
        image.data = data
        set_status(self._kernel, image, "active", details={"size": data.size})

    # -- download ----------------------------------------------------------------------------

    def _upload_lookup(self, ctx: Any, image_id: str, refusal: str) -> Image:
        """The upload's image (`Images.lookup`): with the operator's rules Glance 16-21 ask
        ``upload_image`` on ``{}`` before it is read (glance 16.0.1 and 21.0.0 image_data.py
        ``upload``; 22.0.0 reads the image first, `UPLOAD_TARGET_SINCE`); either refusal is
        ``exception.Forbidden``, the upload's 403 in its own words."""
        g = self._glance
        rules = g.policy_rules
        if (
            rules is not None
            and rules.major < UPLOAD_TARGET_SINCE
            and not g.images.policy(ctx, None).allows("upload_image")  # on {}: no image
        ):
            raise HTTPForbidden(explanation=refusal)
        try:
            return g.images.lookup(ctx, image_id)
        except HTTPForbidden:
            raise HTTPForbidden(explanation=refusal) from None

    def download_allowed(self, ctx: Any, image_id: str) -> Image:
        """The image ``GET /v2/images/{id}/file`` may send `ctx`: looked up (404 as the
        API's), a ``deactivated`` one refused but to an admin, then the ``download_image``
        policy (403)."""
        g = self._glance
        image = g.images.lookup(ctx, image_id)
        if image.status == "deactivated" and not g.images.policy(ctx, image).context_admin():
            raise HTTPForbidden(
                explanation="The requested image has been deactivated. Image data download "
                "is forbidden."
            )
        if g.policy_rules is not None or not (
            owner_passes(ctx, image.owner, "download_image", g.scope_enforced)
            or open_passes(ctx, image, "download_image", g.legacy_defaults, g.scope_enforced)
        ):
            g.images.policy(ctx, image).enforce("download_image")
        return image

    def download(
        self, ctx: Any, image_id: str, link: str | None = None, *, sendable: int | None = None
    ) -> Generator[Any, Any, tuple[Image, ImageData | None]]:
        """``GET /v2/images/{id}/file``: the data after its transfer, or None (204). With
        `sendable` (bytes a client is sent), simulated content over it is refused (400)."""
        g = self._glance
        image = self.download_allowed(ctx, image_id)
        stored = g.store.objects.get(image.id)
        if stored is None:
            return image, None
        if sendable is not None and stored.raw is None and stored.size > sendable:
            # where glance_store's StoreGetNotSupported gets Glance's 400: the store holds a
            # description of this content, no bytes whose digests are its checksums
            raise HTTPBadRequest(
                explanation=f"fakecloud does not send simulated image content over "
                f"glance.downloadable_content_bytes ({sendable} bytes); this image holds "
                f"{stored.size} bytes. Raise the setting to download it."
            )
        data = yield from g.store.read(image.id, link)
        return image, data

    def download_cached(
        self, ctx: Any, image_id: str, link: str | None, sendable: int
    ) -> Generator[Any, Any, tuple[Image, ImageData] | None]:
        """The cache middleware's hit (``CacheFilter.process_request``): the image looked up
        (404 as the API's), a ``deactivated`` one passed on (None), the ``download_image``
        policy, then the data from the node's cache over the client's link (no store read).
        Simulated content over `sendable` goes on to the API too (its 400). A refused
        ``download_image`` is the middleware's own answer in every release, never passed on:
        16-22's ``_enforce`` asks it of the image read without the policy proxies (no
        ``get_image``) and raises ``webob.exc.HTTPForbidden``, which ``process_request``'s
        ``except exception.Forbidden: return None`` never catches (WebOb's is no Glance
        exception: dead from 0656386e9 until 6ffd80f9c removed it in 23.0.0, which asks
        ``ImageAPIPolicy.download_image``, a 404 where ``get_image`` fails too)."""
        g = self._glance
        image = g.db.get(ctx, image_id, g.policy_rules)
        stored = g.store.objects.get(image.id)
        if image.status == "deactivated" or stored is None:
            return None
        if stored.raw is None and stored.size > sendable:
            return None
        g.images.policy(ctx, image).enforce("download_image")
        t = self._kernel.io.transfer(
            stored.size, [g.store.link(link)], label="glance.cache.hit", image_id=image_id
        )
        yield t.done
        return image, stored

    # -- stage and import --------------------------------------------------------------------

    def stage(
        self, ctx: Any, image_id: str, data: ImageData, size: int | None = None
    ) -> Generator[Any, Any, Image]:
        """``PUT /v2/images/{id}/stage``: the data into the staging area, image ``uploading``."""
        g, k = self._glance, self._kernel
        if (
            g.schema.glance >= STAGE_NEEDS_GLANCE_DIRECT_SINCE
            and "glance-direct" not in g.import_methods
        ):
            raise HTTPNotFound(explanation="'glance-direct' method is not available at this site.")
        declared = data.size if size is None else size
        project = ctx.project_id if ctx is not None else None
        try:
            g.quotas.enforce(project, IMAGE_STAGE_TOTAL, delta=self._quota_delta(declared))
        except LimitExceeded as e:
            raise HTTPRequestEntityTooLarge(explanation=str(e))
        image = self._stage_image(ctx, image_id)
        try:
            set_status(k, image, "uploading")
        except InvalidImageStatusTransition as e:
            raise HTTPConflict(explanation=e.msg)
        try:
            g.quotas.enforce(project, IMAGE_COUNT_UPLOADING, delta=0)
            if image.staged is not None:
                # the staging store's add finds the file a failed import left (every release)
                raise HTTPConflict(explanation=f"The image {image_id} has data on staging")
            link = g.store.link(data.link)
            mismatch = None
            if g.schema.glance >= STORE_SIZE_CHECK_SINCE:  # the staging store is a file store
                mismatch = size_mismatch(declared, data.size, g.config.image_size_cap)
            read = data.size if mismatch is None else mismatch[0]
            t = k.io.transfer(
                read, [link, g.store.staging], label="glance.stage", image_id=image.id
            )
            yield t.done
            if mismatch is not None:
                raise mismatch[1]
        except Exception as exc:
            if isinstance(exc, LimitExceeded):
                image.staged = None  # _unstage
            self._restore(image)
            raise _upload_error(exc, g.schema.glance)
        if image.status != "uploading":
            raise image_not_found(image_id)
        image.staged = data
        if g.schema.glance >= STAGE_SETS_SIZE_SINCE:
            image.size = data.size
        image.updated_at = k.now
        return image

    def _stage_image(self, ctx: Any, image_id: str) -> Image:
        """The image a stage reads (`Images.lookup`) and its refusals. From 23.0.0
        ``ImageAPIPolicy.modify_image`` (its 403). Glance 16-22's stage reads and saves the
        image through the proxies and catches no ``exception.Forbidden`` (glance 16.0.1-22.1.1
        image_data.py ``stage``): the policy proxy's ``get_image`` (`Images.lookup`), the
        authorization layer's status setter for a caller who does not own the image
        (``ImmutableImageProxy``), then, after the status's own check (409), the save's
        ``modify_image`` reach ``wsgi.Resource``'s catch-all, a 500."""
        g = self._glance
        if g.legacy_defaults != "authz":
            image = g.images.lookup(ctx, image_id)
            g.images.policy(ctx, image).enforce("modify_image")
            return image
        try:
            image = g.images.lookup(ctx, image_id)
        except HTTPForbidden:
            raise HTTPInternalServerError() from None
        pol = g.images.policy(ctx, image)
        if not pol.owns():
            raise HTTPInternalServerError()
        try:
            check_status(image, "uploading")
        except InvalidImageStatusTransition as e:
            raise HTTPConflict(explanation=e.msg)
        if g.policy_rules is not None and not pol.allows_saved("modify_image", status="uploading"):
            raise HTTPInternalServerError()
        return image

    def import_image(self, ctx: Any, image_id: str, body: Any) -> str:
        """``POST /v2/images/{id}/import``: checks now (202), the import in the background."""
        g = self._glance
        method = self._import_method(body)
        project = ctx.project_id if ctx is not None else None
        try:
            g.quotas.enforce(project, IMAGE_SIZE_TOTAL, delta=0, gone=g.uncounted)
        except LimitExceeded as e:
            raise HTTPRequestEntityTooLarge(explanation=str(e))
        if g.schema.glance < IMPORT_CHECKS_SINCE:
            # 16.x: ImagesController.import_image checks the URI and reads no image; the
            # task's flow checks the rest, in the background
            self._check_uri(method, body)
            self._add_task(ctx, None, False)
            task = g.tasks.new_import(ctx, image_id, body)
            self._kernel.spawn(
                self._import_queens(ctx, image_id, method, task), name=f"glance import {image_id}"
            )
            return image_id
        try:
            image = g.images.lookup(ctx, image_id)
        except HTTPForbidden:
            if g.schema.glance >= COPY_IMAGE_POLICY_SINCE:
                raise
            # Glance 17-20 catch no exception.Forbidden around the read: the policy proxy's
            # get_image refusal is wsgi.Resource's 500 (ee8a69d50, 21.0.0, added the clause)
            raise HTTPInternalServerError() from None
        conflict = import_conflict(image, method, g.schema.glance)
        if conflict:
            raise HTTPConflict(explanation=conflict)
        if method == "glance-download":
            check_glance_download(body["method"])
        stalled = False
        if method != "copy-image":
            stalled = self._import_owner(ctx, image)
        elif g.schema.glance >= COPY_IMAGE_POLICY_SINCE:
            g.images.policy(ctx, image).enforce("copy_image")
        elif IMPORT_OWNER_CHECKED.reaches(self._kernel.switches.release) and not (
            g.images.policy(ctx, image).owns()
        ):
            # 20.0.1's fcba03989 asks is_image_mutable of every method, copy-image too (its
            # own policy, and the exemption, are ee8a69d50's, 21.0.0)
            raise HTTPForbidden(explanation="Operation not permitted")
        locks = IMPORT_LOCKING.reaches(self._kernel.switches.release)
        if locks and IMPORT_LOCK in image.extra_properties:
            self._enforce_import_lock(image)
        if method == "copy-image":
            # Without enabled_backends the stores are [None] and a location's metadata has
            # no 'store': ``loc['metadata']['store']`` is a KeyError, Glance's 500
            raise HTTPInternalServerError()
        if (
            g.schema.glance >= ALL_STORES_SINCE
            and body.get("all_stores_must_succeed", True) is False
        ):
            raise HTTPBadRequest(
                explanation="All_stores_must_succeed can only be set with enabled_backends "
                f"{body['method'].get('uri')}"
            )
        self._check_uri(method, body)
        self._add_task(ctx, image, locks)
        task = g.tasks.new_import(ctx, image.id, body)
        if locks:
            image.extra_properties[IMPORT_LOCK] = task.id  # set_property_atomic
        if stalled:
            flow = self._import_queens(ctx, image.id, method, task)
        elif self._proxied(ctx):
            flow = self._import_proxied(ctx, image, method, task)
        else:
            flow = self._import(image, method, task)
        self._kernel.spawn(flow, name=f"glance import {image.id}")
        return image.id

    def _proxied(self, ctx: Any) -> bool:
        """Whether the import's task and image repositories carry Glance 16-22's policy
        proxies with the operator's rules (`_add_task`, `_flow_begins`): 23.0.0's import reads
        every repository with ``authorization_layer=False`` (glance 23.0.0 images.py
        ``import_image``, gateway.py), its checks ``ImageAPIPolicy``'s at the request."""
        rules = self._glance.policy_rules
        return rules is not None and ctx is not None and rules.major < API_POLICY_SINCE

    def _add_task(self, ctx: Any, image: Image | None, locks: bool) -> None:
        """Glance 16-22 with the operator's rules: the import's ``task_repo.add`` asks the task
        repository proxy's ``add_task`` on ``{}`` (16.0.1-22.1.1 api/policy.py
        ``TaskRepoProxy.add``), its ``Forbidden`` the import's 403 (``explanation=e.msg``).
        From 21.0.0 the image's import lock is taken first (``set_property_atomic``), so a
        refusal leaves it naming the task that was made and never stored."""
        if not proxy_allows(self._glance, ctx, "add_task"):
            if locks:
                image.extra_properties[IMPORT_LOCK] = self._kernel.ids.uuid()  # the new task's
            raise policy_forbidden("add_task")

    def _flow_begins(self, ctx: Any, task: Any, image: Image | None) -> bool:
        """Glance 16-22's task executor with the operator's rules, on the caller's
        repositories: ``begin_processing`` reads and saves the task through the task
        repository proxy (``get_task``, ``modify_task`` on ``{}``), then ``get_flow`` saves the
        image ``importing`` (with 20.0.0's store properties) through the image repository
        proxy (``modify_image`` on the image as changed: `ImagePolicy.allows_saved`), each
        outside the executor's ``try`` (16.0.1-22.1.1 async_/__init__.py, taskflow_executor.py
        ``_run``, flows/api_image_import.py ``get_flow``): a refusal stops the task where it
        is (``pending`` at the task's, ``processing`` at the image's) and leaves the image as
        it was (its import lock too). With `image` None (16.x, which reads the image in the
        flow) the task's checks alone. True: the flow goes on, the task ``processing``."""
        if not begin_processing(self._glance, ctx, task):
            return False
        return image is None or self._importing_saved(ctx, image)

    def _importing_saved(self, ctx: Any, image: Image) -> bool:
        """``get_flow``'s save of `image` ``importing`` through Glance 16-22's policy proxy
        (`_flow_begins`), False (traced) where ``modify_image`` refuses it."""
        changed = {"status": "importing"}
        if self._glance.schema.glance >= ALL_STORES_SINCE:
            changed.update(IMPORT_STORE_PROPERTIES)
        if self._glance.images.policy(ctx, image).allows_saved("modify_image", **changed):
            return True
        self._kernel.trace.emit("glance.import.fail", "glance", image.id, error="modify_image")
        return False

    def _import_proxied(
        self, ctx: Any, image: Image, method: str, task: Any
    ) -> Generator[Any, Any, None]:
        """The import of Glance 17-22 with the operator's rules: the task executor's checks
        (`_flow_begins`), then the flow."""
        if self._flow_begins(ctx, task, image):
            yield from self._import(image, method, task, ctx)

    def _import_owner(self, ctx: Any, image: Image) -> bool:
        """The import's check that the caller may change `image` (every method but
        copy-image, which from 21.0.0 asks ``copy_image`` instead). From 23.0.0
        ``ImageAPIPolicy.modify_image`` (with the legacy defaults ``check_is_image_mutable``'s
        "You do not own this image"). Glance 17.0.0-20.0.0 check nothing here: a caller who
        does not own the image has the 202, and the task's flow, reading the image as the
        caller, meets the authorization layer's
        ``ImmutableImageProxy`` outside the executor's try (17.0.1 ``get_flow``,
        ``TaskExecutor._run``): the task stays ``processing``, the image as it was (True:
        `_import_queens` runs it). `IMPORT_OWNER_CHECKED` refuses that caller at once
        (``is_image_mutable``, Glance's ``context.is_admin`` passing). With the operator's
        rules Glance 16-22 ask an owner's ``modify_image`` not here but at the flow's first
        save of the image, through the policy proxy (`_flow_begins`)."""
        g = self._glance
        pol = g.images.policy(ctx, image)
        if g.legacy_defaults != "authz":
            pol.enforce("modify_image")
            return False
        if not pol.owns():
            if IMPORT_OWNER_CHECKED.reaches(self._kernel.switches.release):
                raise HTTPForbidden(explanation="Operation not permitted")
            return True
        return False

    def _enforce_import_lock(self, image: Image) -> None:
        """``_enforce_import_lock`` (21.0.0 on): another import's task holds the image (from
        its request until it ends, so only an import at the same instant meets it): 409
        "Image has active task" while the lock is younger than an hour (two if the task is
        still pending); an older one, or one naming no task, is busted (the task failed
        "Expired lock preempted", the lock removed)."""
        g, k = self._glance, self._kernel
        task_id = image.extra_properties[IMPORT_LOCK]
        task = g.tasks.find(image.id, task_id)
        if task is not None:
            expiry = IMPORT_LOCK_EXPIRY_S * (2 if task.status == "pending" else 1)
            if k.now - task.updated_at < expiry:
                raise HTTPConflict(explanation="Image has active task")
            if task.status in ("pending", "processing"):
                g.tasks.move(task, "failure", message="Expired lock preempted")
        image.extra_properties.pop(IMPORT_LOCK)

    def _check_uri(self, method: str, body: dict) -> None:
        """web-download's URI filter (`import_methods.uri_passes`): 400 when it fails."""
        if method != "web-download":
            return
        g = self._glance
        uri = body["method"].get("uri")
        try:
            passes = uri_passes(uri, g.import_filtering, self._kernel.switches.release, g.web)
        except ValueError:  # a port that is no number (before 33.0.0)
            raise HTTPInternalServerError()
        if not passes:
            raise HTTPBadRequest(explanation=f"URI for web-download does not pass filtering: {uri}")

    def _import_method(self, body: Any) -> str:
        """``_validate_import_body``: a missing key is its 400; ``body['method']['name']`` of
        something no mapping (a list body, a string method) is a TypeError, the 500 of
        ``wsgi.Resource`` (every series)."""
        if not isinstance(body, dict):
            raise HTTPInternalServerError()
        if "method" not in body:
            raise HTTPBadRequest(explanation="Import request requires a 'method' field.")
        method = body["method"]
        if not isinstance(method, dict):
            raise HTTPInternalServerError()
        if "name" not in method:
            raise HTTPBadRequest(explanation="Import request requires a 'name' field.")
        name = method["name"]
        if name not in self._glance.import_methods:
            raise HTTPBadRequest(explanation=f"Unknown import method name '{name}'.")
        if self._glance.schema.glance < ALL_STORES_SINCE:
            return name  # the keys are ignored
        for key, default in (("all_stores_must_succeed", True), ("all_stores", False)):
            if not isinstance(body.get(key, default), bool):
                raise HTTPBadRequest(explanation=f"'{key}' must be boolean value only")
        return name

    def _import_queens(
        self, ctx: Any, image_id: str, method: str, task: Any
    ) -> Generator[Any, Any, None]:
        """16.x's api_image_import task: ``get_flow`` reads the image as the caller and moves
        it to ``importing`` from whatever status it has; there a missing image, one the caller
        does not own (``ImmutableImageProxy``) or a move the status table refuses raises
        outside the executor's ``try``: the task stays ``processing``, the image as it was.
        An image never staged then fails the flow: the task fails, the image stays
        ``importing`` (no revert in 16.0.1). With the operator's rules the task's and the
        image's saves ask their rules (`_flow_begins`): the image's after the owner's and the
        status's checks (the authorization layer's setter, the domain's transition)."""
        g, k = self._glance, self._kernel
        proxied = self._proxied(ctx)
        if not proxied:
            g.tasks.move(task, "processing")
        elif not self._flow_begins(ctx, task, None):
            return
        try:
            image = g.images.lookup(ctx, image_id)
            if not g.images.policy(ctx, image).owns():
                raise HTTPForbidden()
            if proxied:
                check_status(image, "importing")
                if not self._importing_saved(ctx, image):
                    return
            set_status(k, image, "importing", details={"method": method})
        except (GlanceHttpError, InvalidImageStatusTransition) as exc:
            k.trace.emit("glance.import.fail", "glance", image_id, error=str(exc))
            return
        if image.staged is None and method == "glance-direct":  # nothing staged to import
            k.trace.emit("glance.import.fail", "glance", image_id, error="nothing staged")
            g.tasks.move(task, "failure", message=INTERNAL_ERROR)
            return
        yield from self._import(image, method, task, ctx if proxied else None)

    def _import(
        self, image: Image, method: str, task: Any, proxied: Any = None
    ) -> Generator[Any, Any, None]:
        """The api_image_import task: (web-download: the URI's bytes into staging,
        `_web_download`) staging → store, then active. A failure fails the task, drops the
        import lock, and leaves the image as the flow's reverts do (`_reverted`: a
        glance-direct image ``importing`` with its staged data, in every release).

        `proxied`: the caller's context where the flow's image repository carries Glance
        16-22's policy proxy with the operator's rules (`_proxied`): ``_ImportToStore``'s save
        of the image the store's ``set_data`` made ``active`` asks ``modify_image`` of it
        (`_store_saved`)."""
        g, k = self._glance, self._kernel
        if task.status == "pending":
            g.tasks.move(task, "processing")
        downloaded = False
        try:
            if image.status != "importing":
                set_status(k, image, "importing", details={"method": method})
            if g.schema.glance >= ALL_STORES_SINCE:
                # get_flow: add_importing_stores / remove_failed_stores, one store: both ""
                image.extra_properties.update(IMPORT_STORE_PROPERTIES)
            if g.quotas.unified and not self._flow_quota(image, method, task):
                return
            yield from k.faults.pause("glance.import", image_id=image.id, method=method)
            if method == "web-download":
                image.staged = yield from self._web_download(image, task)
                downloaded = True
            elif method == "glance-download":  # _ImportMetadata: no remote region here
                m = task.input["import_req"]["method"]
                raise WebDownloadFailed(
                    f"{m['glance_service_interface']} glance endpoint not found for region "
                    f"{m['glance_region']}"
                )
            data = image.staged
            t = k.io.transfer(
                data.size,
                [g.store.staging, g.store.resource],
                label="glance.import",
                image_id=image.id,
            )
            yield t.done
            virtual_size = self._inspect(image, data)
            if proxied is not None and image.status == "importing":
                self._store_saved(proxied, image, data)
        except Exception as exc:
            k.trace.emit("glance.import.fail", "glance", image.id, error=str(exc))
            # the executor's words for it
            generic = isinstance(exc, (WebDownloadFailed, _StoreSaveRefused))
            g.tasks.move(task, "failure", message=INTERNAL_ERROR if generic else str(exc))
            image.extra_properties.pop(IMPORT_LOCK, None)  # _ImageLock.revert
            self._reverted(image, downloaded, isinstance(exc, WebDownloadFailed))
            return
        image.staged = None
        if image.status != "importing":
            # Deleted meanwhile: nothing to keep; the executor fails the task generically.
            g.tasks.move(task, "failure", message=INTERNAL_ERROR)
            return
        g.store.put(image.id, data)
        self._activate(image, data, virtual_size)
        image.extra_properties.pop(IMPORT_LOCK, None)  # _CompleteTask._drop_lock
        g.tasks.move(task, "success", result={"image_id": image.id})

    def _reverted(self, image: Image, downloaded: bool, download_failed: bool) -> None:
        """What the failed flow's reverts leave of `image` (taskflow reverts the tasks that ran
        and the one that failed, never one still pending). No task of any release puts a
        glance-direct image back: ``_VerifyImageState``'s revert (e8b13ce1b, 21.0.0 and 20.0.1)
        runs only once it ran, after the store, and ``_ImportToStore``'s touches locations and
        store lists alone (glance 33.0.0's functional test_parallel_store_import: "revert does
        not reset status to queued"): the image stays ``importing`` and the staged data stays
        (``_DeleteFromFS`` runs after the store has it), so a second glance-direct import is
        the 409 "Image needs to be staged ...", a stage the 409 of the status, and only a
        delete clears it. web-download's revert (`WEB_DOWNLOAD_REVERTS_SINCE`) puts the image
        back to ``queued`` when the download failed (`download_failed`: nothing staged), and
        after a download that went through (`downloaded`) deletes the staged file from
        `WEB_DOWNLOAD_CLEANS_SINCE` and puts the image back from
        `WEB_DOWNLOAD_ALWAYS_REVERTS_SINCE`. glance-download's ``_ImportMetadata`` revert
        (25.0.0 on, its failure `download_failed` here) puts it back too."""
        glance = self._glance.schema.glance
        if download_failed:
            image.staged = None
            if glance < WEB_DOWNLOAD_REVERTS_SINCE:
                return
        elif downloaded:
            if glance >= WEB_DOWNLOAD_CLEANS_SINCE:
                image.staged = None
            if glance < WEB_DOWNLOAD_ALWAYS_REVERTS_SINCE:
                return
        else:
            return
        try:
            set_status(self._kernel, image, "queued", details={"reason": "import failed"})
        except InvalidImageStatusTransition:
            pass

    def _store_saved(self, ctx: Any, image: Image, data: ImageData) -> None:
        """``_ImportToStore``'s save after the data went to the store (glance 16.0.1-20.x
        ``image_repo.save(image)``, 21.0.0-22.x ``ImportActionWrapper``'s): through Glance
        16-22's policy proxy (``ImageRepoProxy.save``) it asks ``modify_image`` of the image
        as the store's ``set_data`` changed it (``active``, its size; the lazy
        ``ImageTarget``). Refused, the ``Forbidden`` fails the flow inside the executor's
        ``try``: the task fails in its generic words ("Task failed due to Internal Error":
        no ``UploadException``), the row keeps what it had (`_import`'s failure) and the
        data stays in the store unrecorded. The later saves (``_SaveImage``, 16-19; the
        wrapper's, 20-22) and the task's ask the same rules of the same targets."""
        if not self._glance.images.policy(ctx, image).allows_saved(
            "modify_image", status="active", size=data.size
        ):
            raise _StoreSaveRefused(policy_forbidden("modify_image").explanation)

    def _flow_quota(self, image: Image, method: str, task: Any) -> bool:
        """get_flow's ``assert_quota`` (23.0.0 on, unified limits): glance-direct's
        ``image_size_total`` with the staged MiB, the other methods' ``image_stage_total`` and
        ``image_count_uploading`` (the image, ``importing``, counts itself). Over a limit the
        image goes back to ``queued`` (its staged data kept), the lock is dropped and the task
        fails with the limit's words: False."""
        g, k = self._glance, self._kernel
        delta = (image.size or 0) // MiB
        checks = [(IMAGE_SIZE_TOTAL, delta)]
        if method != "glance-direct":
            checks = [(IMAGE_STAGE_TOTAL, delta), (IMAGE_COUNT_UPLOADING, 0)]
        try:
            for name, d in checks:
                g.quotas.enforce(task.owner, name, delta=d, gone=g.uncounted)
        except LimitExceeded as exc:
            k.trace.emit("glance.import.fail", "glance", image.id, error=str(exc))
            set_status(k, image, "queued", details={"reason": "import over quota"})
            # the staged data stays: assert_quota deletes nothing (a stage meets it, `stage`)
            image.extra_properties.pop(IMPORT_LOCK, None)  # drop_lock_for_task
            g.tasks.move(task, "failure", message=str(exc))
            return False
        return True

    def _web_download(self, image: Image, task: Any) -> Generator[Any, Any, ImageData]:
        """``_WebDownload``: the URI's bytes over the web link into staging, as
        ``image_size_cap`` lets them (``LimitingReader``); what the URI does not serve fails
        at once (`import_methods.SimulatedWeb`)."""
        g, k = self._glance, self._kernel
        uri = task.input["import_req"]["method"].get("uri")
        data = g.web.fetch(uri)
        if data is None:
            host = urlparse(uri).hostname
            if g.web.resolve(host or "") is None:
                raise WebDownloadFailed("<urlopen error [Errno -2] Name or service not known>")
            raise WebDownloadFailed("HTTP Error 404: Not Found")
        link = k.io.resources.get(g.config.web_link) or k.io.resource(
            g.config.web_link, gbit_per_s(g.config.web_link_gbit_per_s)
        )
        cap = g.config.image_size_cap
        try:
            t = k.io.transfer(
                min(data.size, cap + 1),
                [link, g.store.staging],
                label="glance.web_download",
                image_id=image.id,
            )
            yield t.done
        except Exception as exc:  # the connection lost mid-way: urllib's error all the same
            raise WebDownloadFailed(str(exc)) from exc
        if data.size > cap:
            raise WebDownloadFailed("The provided image is too large.")
        return data
