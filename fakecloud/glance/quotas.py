"""Glance's quotas: the legacy storage quota, unified limits, and the static per-image limits.

* **Legacy** ``user_storage_quota`` (``glance/api/common.py check_quota``): bytes the caller's
  project may store, "0" = unlimited; usage is ``size × live locations`` of its images that
  have data and are not killed/deleted/pending_delete. Over → `StorageQuotaFull`.
* **Unified limits** (``use_keystone_limits``; ``glance/quota/keystone.py`` over oslo.limit,
  from Glance 23.0.0 (Xena, the Nova 24 series): an older Glance has no such option, and
  oslo.config ignores it there, so the legacy quota stays in force):
  ``image_size_total`` and ``image_stage_total`` in MiB, ``image_count_total`` and
  ``image_count_uploading`` as counts. A limit comes from the project's own limit, else the
  registered default; **a missing limit is 0** (everything refused) and -1 is unlimited. Over
  when ``usage + delta > limit`` → `LimitExceeded` (always a 413).
* **Static** limits on properties, tags and members (`ImagePropertyLimitExceeded`...).

Per-project values come from configuration (``glance.project_storage_quota``,
``glance.project_limits``) and may be changed on a running cloud with `set_storage_quota` and
`set_project_limit`.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from fakecloud.api.refusals import QUOTA
from fakecloud.glance.config import GlanceConfig, MiB
from fakecloud.glance.db import GlanceDb
from fakecloud.glance.errors import limit_exceeded_message
from fakecloud.glance.states import GONE

IMAGE_SIZE_TOTAL = "image_size_total"
IMAGE_STAGE_TOTAL = "image_stage_total"
IMAGE_COUNT_TOTAL = "image_count_total"
IMAGE_COUNT_UPLOADING = "image_count_uploading"
LIMIT_NAMES = (IMAGE_SIZE_TOTAL, IMAGE_STAGE_TOTAL, IMAGE_COUNT_TOTAL, IMAGE_COUNT_UPLOADING)
#: The first Glance with ``use_keystone_limits`` (``glance/common/config.py``, 23.0.0).
UNIFIED_LIMITS_SINCE = 23
#: What the usage leaves out while switch ``glance_pending_delete_counted`` is on (Glance 16.0.0
#: to 29.1.x, 30.0.0: a delayed-delete image counts in the storage usage and the image count
#: until the scrubber deletes it); off (13b3c7283, LP #2118756: 31.0.0, backported to 29.2.0
#: and 30.1.0), ``pending_delete`` too.
_GONE_PENDING_DELETE_COUNTED = frozenset({"killed", "deleted"})


def uncounted(pending_delete_counted: bool) -> frozenset[str]:
    """The image statuses the usage of a release's Glance does not count."""
    return _GONE_PENDING_DELETE_COUNTED if pending_delete_counted else GONE


_UNITS = {None: 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
_QUOTA_RE = re.compile(r"^(\d+)((K|M|G|T)?B)?$")


class StorageQuotaFull(Exception):
    """``exception.StorageQuotaFull``."""

    refusal = QUOTA

    def __init__(self, image_size: int | None, remaining: int):
        super().__init__(
            f"The size of the data {image_size} will exceed the limit. {remaining} bytes remaining."
        )


class LimitExceeded(Exception):
    """``exception.LimitExceeded`` and its static-limit subclasses: always HTTP 413."""

    refusal = QUOTA

    def __init__(self, message: str):
        super().__init__(message)
        self.msg = message


class ImagePropertyLimitExceeded(LimitExceeded):
    """Too many custom properties on one image."""

    def __init__(self, attempted: int, maximum: int):
        super().__init__(
            "The limit has been exceeded on the number of allowed image properties. "
            f"Attempted: {attempted}, Maximum: {maximum}"
        )


class ImageTagLimitExceeded(LimitExceeded):
    """Too many tags on one image."""

    def __init__(self, attempted: int, maximum: int):
        super().__init__(
            "The limit has been exceeded on the number of allowed image tags. "
            f"Attempted: {attempted}, Maximum: {maximum}"
        )


class ImageMemberLimitExceeded(LimitExceeded):
    """Too many members on one image."""

    def __init__(self, attempted: int, maximum: int):
        super().__init__(
            "The limit has been exceeded on the number of allowed image members for this "
            f"image. Attempted: {attempted}, Maximum: {maximum}"
        )


@functools.lru_cache(maxsize=64)
def parse_storage_quota(text: str) -> int:
    """Bytes of a ``user_storage_quota`` string ("0", "512MB", "10GB"...); parsed once per
    string (every upload checks it)."""
    m = _QUOTA_RE.match(str(text))
    if not m:
        raise ValueError(f"Invalid value for option user_storage_quota: {text}")
    return int(m.group(1)) * _UNITS[m.group(3)]


class Quotas:
    """Usage counting and quota checks for one Glance."""

    _storage: dict[str, str]
    _limits: dict[str, dict[str, int]]

    #: Set (on the instance only, so a cloud without it saves as before) when
    #: ``use_keystone_limits`` is on but the series' Glance predates it and ignores it.
    _option_ignored = False

    def __init__(self, config: GlanceConfig, db: GlanceDb, series_glance: int):
        self.config = config
        if config.use_keystone_limits and series_glance < UNIFIED_LIMITS_SINCE:
            self._option_ignored = True
        self._db = db
        self._storage = dict(config.project_storage_quota)
        self._limits = {p: dict(v) for p, v in config.project_limits.items()}

    # -- runtime configuration ---------------------------------------------------------------

    def set_storage_quota(self, project_id: str, quota: str) -> None:
        """Give one project its own legacy storage quota ("0" = unlimited)."""
        parse_storage_quota(quota)
        self._storage[project_id] = quota

    def set_project_limit(self, project_id: str, name: str, limit: int) -> None:
        """Set one unified limit of one project (-1 = unlimited)."""
        if name not in LIMIT_NAMES:
            raise ValueError(f"unknown Glance limit {name!r}; known: {', '.join(LIMIT_NAMES)}")
        self._limits.setdefault(project_id, {})[name] = int(limit)

    @property
    def unified(self) -> bool:
        """Whether unified limits are in force (``use_keystone_limits`` in a Glance that has
        it) instead of the legacy storage quota."""
        return self.config.use_keystone_limits and not self._option_ignored

    # -- usage -------------------------------------------------------------------------------

    def storage_usage(
        self, owner: str | None, exclude_image_id: str | None = None, gone: frozenset = GONE
    ) -> int:
        """Bytes stored by `owner` (``user_get_storage_usage``); images in a `gone` status
        (`uncounted`) do not count."""
        total = 0
        for image in self._db.owned_by(owner):
            if image.id == exclude_image_id or not image.size or image.status in gone:
                continue
            total += image.size * len(image.locations)
        return total

    def _count(self, owner: str | None, statuses: frozenset | None, exclude: frozenset) -> int:
        return sum(
            1
            for i in self._db.owned_by(owner)
            if (statuses is None or i.status in statuses) and i.status not in exclude
        )

    def usage_of(self, name: str, owner: str | None, gone: frozenset = GONE) -> int:
        """Current usage of one unified limit for `owner` (`gone`: see `storage_usage`)."""
        if name == IMAGE_SIZE_TOTAL:
            return self.storage_usage(owner, gone=gone) // MiB
        if name == IMAGE_STAGE_TOTAL:
            return (
                sum(
                    i.size or 0
                    for i in self._db.owned_by(owner)
                    if i.status in ("uploading", "importing") and (i.size or 0) > 0
                )
                // MiB
            )
        if name == IMAGE_COUNT_TOTAL:
            return self._count(owner, None, gone)
        return self._count(owner, frozenset({"saving", "uploading", "importing"}), frozenset())

    # -- legacy storage quota ----------------------------------------------------------------

    def remaining(
        self, owner: str | None, image_id: str | None = None, gone: frozenset = GONE
    ) -> int | None:
        """``get_remaining_quota``: bytes left for `owner`, None when unlimited."""
        if self.unified:
            return None
        quota = parse_storage_quota(self._storage.get(owner, self.config.user_storage_quota))
        if quota <= 0:
            return None
        return quota - self.storage_usage(owner, exclude_image_id=image_id, gone=gone)

    def check_storage(
        self, owner: str | None, size: int | None, image_id: str | None, gone: frozenset = GONE
    ) -> None:
        """``check_quota``: raise `StorageQuotaFull` if `size` more bytes do not fit."""
        remaining = self.remaining(owner, image_id, gone)
        if remaining is None:
            return
        if size is None:
            if remaining <= 0:
                raise StorageQuotaFull(size, remaining)
            return
        if size > remaining:
            raise StorageQuotaFull(size, remaining)

    # -- unified limits ----------------------------------------------------------------------

    def limit_of(self, project: str | None, name: str) -> int:
        """The limit in force: the project's, else the registered default, else 0."""
        own = self._limits.get(project, {})
        if name in own:
            return int(own[name])
        return int(self.config.registered_limits.get(name, 0))

    def enforce(
        self, project: str | None, name: str, delta: int = 0, gone: frozenset = GONE
    ) -> None:
        """oslo.limit's ``Enforcer.enforce`` for one resource; no-op without unified limits."""
        if not self.unified:
            return
        limit = self.limit_of(project, name)
        if limit < 0:
            return
        current = self.usage_of(name, project, gone)
        if current + delta > limit:
            info = (
                f"Resource {name} is over limit of {limit} due to current usage {current} "
                f"and delta {delta}"
            )
            raise LimitExceeded(
                limit_exceeded_message(f"Project {project} is over a limit for [{info}]")
            )

    def usage(self, project: str | None, gone: frozenset = GONE) -> dict[str, Any]:
        """``GET /v2/info/usage``'s body content (empty without unified limits)."""
        if not self.unified:
            return {}
        return {
            name: {
                "limit": self.limit_of(project, name),
                "usage": self.usage_of(name, project, gone),
            }
            for name in LIMIT_NAMES
        }

    # -- static limits -----------------------------------------------------------------------

    def check_properties(
        self, properties: dict[str, Any], reserved: tuple[str, ...] = ("os_glance",)
    ) -> None:
        """``image_property_quota``; keys in the `reserved` namespaces do not count (the
        series' `Glance.reserved_namespaces`: ``os_glance`` from Glance 22.0.0, 314e93abe;
        before, every property counts)."""
        maximum = self.config.image_property_quota
        if maximum < 0 or len(properties) <= maximum:  # at most len(properties) count
            return
        attempted = sum(1 for k in properties if not k.startswith(reserved))
        if attempted > maximum:
            raise ImagePropertyLimitExceeded(attempted, maximum)

    def check_tags(self, tags: list[str]) -> None:
        """``image_tag_quota``."""
        maximum = self.config.image_tag_quota
        if maximum >= 0 and tags and len(tags) > maximum:
            raise ImageTagLimitExceeded(len(tags), maximum)

    def check_members(self, current: int) -> None:
        """``image_member_quota`` for adding one more member."""
        maximum = self.config.image_member_quota
        if maximum >= 0 and current + 1 > maximum:
            raise ImageMemberLimitExceeded(current + 1, maximum)
