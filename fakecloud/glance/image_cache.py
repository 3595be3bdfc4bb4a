"""Glance's image cache on its one API node (``[DEFAULT] image_cache_dir`` set, Glance 18.0.0 on).

What the cache holds and who fills it, read in glance 24.0.0-33 (``image_cache/__init__.py``,
``image_cache/drivers/sqlite.py`` and ``centralized_db.py``, ``image_cache/prefetcher.py``,
``api/middleware/cache.py``, ``api/v2/cached_images.py``, ``common/wsgi.py``):

- a download (``GET /v2/images/{id}/file``, a 200: not a ``Range`` answer) tees the image into
  the cache unless it is cached or being cached (``get_caching_iter``); the record is written
  when the data has gone through (``open_for_write``'s commit: ``hits`` 0, ``last_accessed``
  and ``last_modified`` now) and pops the image from the queue;
- a later download without ``Range`` is a hit, served from the cache (no store read) after the
  image lookup and the ``download_image`` policy; a ``deactivated`` image goes on to the API;
  the hit counts once its data is read (``hits + 1``, ``last_accessed`` now);
- ``DELETE /v2/images/{id}`` drops its cached file (not its queue entry);
- ``PUT /v2/cache/{id}`` queues (``PUT /v2/queued_images/{id}`` too, 18.0.0 on:
  `fakecloud.glance.cache_manage`); the queue is fetched by glance-api's prefetcher, at its
  start and every ``cache_prefetcher_interval`` (300 s, a ``threading.Timer``: 19.0.0-24.x;
  before, the ``glance-cache-prefetcher`` command, not run here: the queue waits), or at once by
  the cache worker thread, one image after another (25.0.0 on, c1a2b9e22); an image gone or
  not ``active`` by then is not fetched and stays queued (``fetch_image_into_cache``);
- the records: the sqlite driver's, ordered by image id (to 27.x), the ``centralized_db``
  driver's rows (28.0.0 on, its default), each with its row ``id`` and ``checksum`` too, as the
  database returns them; ``last_accessed``/``last_modified`` are epoch seconds (``time.time()``
  in sqlite; the database's whole seconds with ``centralized_db``);
- ``prune`` (Glance 33's ``POST /v2/cache/prune``) removes the least recently accessed images
  until the cache is within ``image_cache_max_size`` (10 GiB); ``clean`` has no invalid or
  stalled files to remove here.

The 24.x prefetcher is computed, not run every 300 s: a run is scheduled at the next multiple
of the interval when there is something it could fetch (an image queued, or a queued image
reactivated), and dropped when the queue empties (a queued image deleted from it, or cached by
a download first). The run is a tick on the clock, as Nova's periodic tasks are, not a process:
``run_until_idle`` returns while it waits (the cloud is idle, and can be saved), and a clock
moved past it (``advance``, ``run``) fetches the queue then. A cloud without the cache has no
`ImageCache` (``Glance.cache`` is None).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

#: ``cache_prefetcher_interval``'s default (glance 24.0.0 ``common/wsgi.py``).
PREFETCHER_INTERVAL_S = 300.0
#: The first Glance whose API runs the prefetcher on a timer (73fefddd9; before it the
#: ``glance-cache-prefetcher`` command, a cron job devstack does not set up).
PREFETCHER_SINCE = 19
#: The first Glance whose cache worker fetches a queued image at once (c1a2b9e22).
IMMEDIATE_CACHING_SINCE = 25
#: The first Glance whose default driver is ``centralized_db`` (the records in its database).
CENTRALIZED_DB_SINCE = 28
#: ``image_cache_max_size``'s default (10 GiB), what ``prune`` brings the cache under.
MAX_SIZE_BYTES = 10 * 1024**3


@dataclass
class CachedImage:
    """One row of ``cached_images`` (times in virtual seconds)."""

    row_id: int
    image_id: str
    size: int
    checksum: str | None
    last_accessed: float
    last_modified: float
    hits: int = 0


class ImageCache:
    """The image cache of the cloud's glance-api node, its queue and its prefetcher."""

    cached: dict[str, CachedImage]
    #: image id → the virtual second it was queued (the queue file's mtime)
    queued: dict[str, float]
    #: images whose data is being written (``is_being_cached``)
    filling: set[str]
    rows: int
    #: the 24.x prefetcher's next run, when one is scheduled, and its timer
    prefetch_at: float | None
    prefetch_timer: Any
    #: the 25.0.0+ cache worker's jobs, and whether it is working through them
    jobs: list[str]
    working: bool

    def __init__(self, glance: Any):
        self._glance = glance
        self._kernel = glance.kernel
        self._release = glance.kernel.switches.series.glance
        self.cached = {}
        self.queued = {}
        self.filling = set()
        self.rows = 0
        self.prefetch_at = self.prefetch_timer = None
        self.jobs = []
        self.working = False

    # -- the driver ------------------------------------------------------------------------

    def _epoch(self, t: float) -> float:
        """The epoch seconds of virtual second `t` as the driver records them."""
        when = self._kernel.clock.wall_time(t)
        if self._release >= CENTRALIZED_DB_SINCE:
            when = when.replace(microsecond=0)
        return when.replace(tzinfo=datetime.UTC).timestamp()

    def cached_images(self) -> list[dict[str, Any]]:
        """``get_cached_images``: the records, as this release's driver lists them."""
        if self._release >= CENTRALIZED_DB_SINCE:
            return [
                {
                    "id": c.row_id,
                    "image_id": c.image_id,
                    "last_accessed": self._epoch(c.last_accessed),
                    "last_modified": self._epoch(c.last_modified),
                    "size": c.size,
                    "hits": c.hits,
                    "checksum": c.checksum,
                }
                for c in self.cached.values()
            ]
        return [
            {
                "image_id": c.image_id,
                "hits": c.hits,
                "last_accessed": self._epoch(c.last_accessed),
                "last_modified": self._epoch(c.last_modified),
                "size": c.size,
            }
            for c in sorted(self.cached.values(), key=lambda c: c.image_id)
        ]

    def queued_images(self) -> list[str]:
        """``get_queued_images``: ids in the order they were queued (the files' mtimes)."""
        return [i for _, i in sorted((t, i) for i, t in self.queued.items())]

    def holds(self, image_id: str) -> bool:
        """``image_exists_in_cache``: queued or cached."""
        return image_id in self.queued or image_id in self.cached

    def queue(self, image_id: str, worker: bool = True) -> None:
        """``queue_image``: nothing when cached, being cached or queued already. From 25.0.0
        ``PUT /v2/cache/{id}`` then submits it to the cache worker; the ``cachemanage``
        route's ``queue_image`` (`worker` False) does not, and there is no prefetcher."""
        if not self.holds(image_id) and image_id not in self.filling:
            self.queued[image_id] = self._kernel.now
        if self._release >= IMMEDIATE_CACHING_SINCE:
            if worker:
                self._submit(image_id)  # WORKER.submit, whatever queue_image answered
        else:
            self.wake()

    def delete_cached(self, image_id: str) -> None:
        """``delete_cached_image``."""
        self.cached.pop(image_id, None)

    def delete_queued(self, image_id: str) -> None:
        """``delete_queued_image``."""
        self.queued.pop(image_id, None)
        self._unqueued()

    def delete_all_cached(self) -> int:
        """``delete_all_cached_images``: how many cached files it removed."""
        count = len(self.cached)
        self.cached.clear()
        return count

    def delete_all_queued(self) -> int:
        """``delete_all_queued_images``: how many queue files it removed."""
        count = len(self.queued)
        self.queued.clear()
        self._unqueued()
        return count

    def nodes(self, image_id: str) -> list[str]:
        """``get_cached_nodes`` (Glance 33): the ``worker_self_reference_url`` of each node
        caching the image; here the one API node's (the image endpoint)."""
        return [self._node_url()] if image_id in self.cached else []

    def _node_url(self) -> str:
        """This node's ``worker_self_reference_url`` (devstack: the image endpoint)."""
        return (self._glance.public_endpoint or "http://127.0.0.1:9292").rstrip("/")

    def prune(self) -> tuple[int, int]:
        """``prune``: the least recently accessed images go until the cache is within
        `MAX_SIZE_BYTES`; (files, bytes) removed."""
        total = sum(c.size for c in self.cached.values())
        files = pruned = 0
        for c in sorted(self.cached.values(), key=lambda c: (c.last_accessed, c.row_id)):
            if total <= MAX_SIZE_BYTES:
                break
            del self.cached[c.image_id]
            total -= c.size
            files += 1
            pruned += c.size
        return files, pruned

    # -- filling and serving ---------------------------------------------------------------

    def cacheable(self, image_id: str) -> bool:
        """``is_cacheable``: neither cached nor being cached."""
        return image_id not in self.cached and image_id not in self.filling

    def commit(self, image: Any, size: int) -> None:
        """``open_for_write``'s commit: the record (a duplicate left as it was, the driver's
        insert failing), the image popped from the queue."""
        self.queued.pop(image.id, None)
        self._unqueued()
        if image.id in self.cached:
            return
        now = self._kernel.now
        self.rows += 1
        self.cached[image.id] = CachedImage(self.rows, image.id, size, image.checksum, now, now)
        self._kernel.trace.emit("glance.cache.cached", "glance", image.id, size=size)

    def hit(self, image_id: str) -> None:
        """``open_for_read``'s update once the data is read: ``hits + 1``, accessed now."""
        record = self.cached.get(image_id)
        if record is not None:
            record.hits += 1
            record.last_accessed = self._kernel.now

    def _fetch(self, image_id: str) -> Generator[Any, Any, bool]:
        """``fetch_image_into_cache``: the image read from the store onto the node."""
        image = self._glance.db.images.get(image_id)
        stored = self._glance.store.objects.get(image_id)
        if image is None or image.deleted or image.status != "active" or stored is None:
            return False
        self.filling.add(image_id)
        try:
            t = self._kernel.io.transfer(
                stored.size,
                [self._glance.store.resource],
                label="glance.cache.fetch",
                image_id=image_id,
            )
            yield t.done
        finally:
            self.filling.discard(image_id)
        self.commit(image, stored.size)
        return True

    # -- who fetches the queue -------------------------------------------------------------

    def _submit(self, image_id: str) -> None:
        """``CacheWorker.submit`` (25.0.0 on): one thread, one image after another."""
        self.jobs.append(image_id)
        if not self.working:
            self.working = True
            self._kernel.spawn(self._work(), name="glance cache worker")

    def _work(self) -> Generator[Any, Any, None]:
        """``CacheWorker.run`` until its queue is empty."""
        while self.jobs:
            yield from self._fetch(self.jobs.pop(0))
        self.working = False

    def wake(self) -> None:
        """24.x: the prefetcher's next run (a multiple of the interval from the API's start)
        scheduled if it is not; from 25.0.0 nothing (the worker has no timer), nor before
        19.0.0 (no prefetcher in the API)."""
        if self.prefetch_at is not None or not (
            PREFETCHER_SINCE <= self._release < IMMEDIATE_CACHING_SINCE
        ):
            return
        if not self.queued:
            return
        now = self._kernel.now
        self.prefetch_at = (math.floor(now / PREFETCHER_INTERVAL_S) + 1) * PREFETCHER_INTERVAL_S
        self.prefetch_timer = self._kernel.env.timeout(self.prefetch_at - now)
        self.prefetch_timer.callbacks.append(_PrefetchTick(self, self.prefetch_at))

    def prefetch(self) -> None:
        """``Prefetcher.run``: every queued image fetched at once (its thread pool)."""
        self.prefetch_at = self.prefetch_timer = None
        for image_id in self.queued_images():
            self._kernel.spawn(self._fetch(image_id), name=f"glance prefetch {image_id}")

    def _unqueued(self) -> None:
        """The queue emptied: the next run would fetch nothing, so none stands on the clock."""
        if not self.queued and self.prefetch_timer is not None:
            self._kernel.cancel(self.prefetch_timer)  # no longer on the clock
            self.prefetch_at = self.prefetch_timer = None


@dataclass(eq=False)
class _PrefetchTick:
    """The 24.x prefetcher's run at `due`, on the clock as Nova's periodic tasks are
    (`fakecloud.nova.compute.power_sync`): a record rather than a closure, so that a saved
    cloud keeps it, and no live process, so a cloud whose queue waits for it is idle
    (``run_until_idle`` neither waits the interval out nor jumps to it)."""

    cache: ImageCache
    due: float

    def __call__(self, _timer: Any) -> None:
        if self.cache.prefetch_at == self.due:
            self.cache.prefetch()
