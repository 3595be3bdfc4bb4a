"""The image store (glance_store): where image data goes, how fast, and what can go wrong.

The store is a kernel I/O resource (``glance.store``, throughput
``glance.store_throughput_mb_per_s``). Writing an image's data is a transfer through the
sender's link and the store, so its time is the size over the bottleneck, shared fairly with
every other transfer on either resource: ``kernel.io.transfer(size, [link, store])``. Reading
(download) crosses the same two the other way. The staging area of the import flow is a second
resource (``glance.staging``).

Fault points (attributes in brackets) — a rule's error may be a glance_store error by name
(``GlanceStorageFull``, ``GlanceStorageWriteDenied``, ``GlanceStoreTimeout``,
``GlanceStoreInvalid``, ``GlanceStoreAddDisabled``, ``GlanceInvalidImageData``), each answered
as the series' Glance answers it (413, 503, 503 from 33.0.0, 400 from 31.0.0, 410, 415; else 500):

* ``glance.store.write`` [image_id, owner, size, store, link] — before the bytes move: raise,
  delay or stall the write.
* ``io.transfer`` [label ``glance.upload``/``glance.download``/``glance.stage``/
  ``glance.web_download``/``glance.import``, resource, image_id] — the kernel's own point:
  fail or stall the transfer when it starts, or mid-way with a rule timed by ``at``.

A store with a capacity (``glance.store_capacity_bytes``) refuses a write that does not fit
(StorageFull), counting the writes under way.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.glance.config import GlanceConfig
from fakecloud.glance.content import ImageData
from fakecloud.glance.errors import StorageFull
from fakecloud.sim.io import Resource, gbit_per_s, mb_per_s
from fakecloud.sim.trace import form, site

#: The form of a stored image's event (`Trace.put`).
_PUT = form("glance.store.put", "size")
#: Its site (`Trace.write_at`): the size, a number, is the tail, so each event takes the kept
#: path (the shape found by the site, not by the family's look-ups; the same events).
_PUT_AT = site(_PUT)


class GlanceStore:
    """The data of every image, on one store resource."""

    objects: dict[str, ImageData]

    def __init__(self, kernel: Any, config: GlanceConfig):
        self._kernel = kernel
        self.config = config
        self.objects = {}
        self.used_bytes = 0
        self._reserved = 0

    # -- resources ---------------------------------------------------------------------------

    @property
    def resource(self) -> Resource:
        """The store's I/O resource (made on first use)."""
        return self._kernel.io.resource(
            self.config.store_resource, mb_per_s(self.config.store_throughput_mb_per_s)
        )

    @property
    def staging(self) -> Resource:
        """The staging area's I/O resource (import flow)."""
        return self._kernel.io.resource(
            self.config.staging_resource, mb_per_s(self.config.staging_throughput_mb_per_s)
        )

    def link(self, name: str | None) -> Resource:
        """The sender's link: an existing resource, or one made with the client link speed."""
        name = name or self.config.client_link
        res = self._kernel.io.resources.get(name)
        if res is None:
            res = self._kernel.io.resource(name, gbit_per_s(self.config.client_link_gbit_per_s))
        return res

    def location(self, image_id: str) -> str:
        """The location URL of an image's data (the filesystem store's form)."""
        return f"file:///var/lib/glance/images/{image_id}"

    # -- data --------------------------------------------------------------------------------

    def write(
        self, image_id: str, data: ImageData, *, owner: str | None, label: str = "glance.upload"
    ) -> Generator[Any, Any, str]:
        """Move `data` from its link into the store; returns the location URL."""
        k = self._kernel
        link = self.link(data.link)
        if "glance.store.write" in k.faults.hot:  # else consulting it does nothing
            yield from k.faults.pause(
                "glance.store.write",
                image_id=image_id,
                owner=owner,
                size=data.size,
                store=self.config.store_resource,
                link=link.name,
            )
        capacity = self.config.store_capacity_bytes
        if capacity and self.used_bytes + self._reserved + data.size > capacity:
            raise StorageFull()
        self._reserved += data.size
        try:
            store = k.io.resources.get(self.config.store_resource)
            if store is None:  # its first use makes it (`resource`)
                store = self.resource
            t = k.io.transfer(data.size, (link, store), label=label, image_id=image_id)
            yield t.done
        finally:
            self._reserved -= data.size
        self.put(image_id, data)
        return self.location(image_id)

    def put(self, image_id: str, data: ImageData) -> None:
        """Record `data` as stored (no time: the bytes are already there)."""
        old = self.objects.get(image_id)
        if old is not None:
            self.used_bytes -= old.size
        self.objects[image_id] = data
        self.used_bytes += data.size
        self._kernel.trace.write_at(_PUT_AT, "glance", image_id, (data.size,))

    def delete(self, image_id: str) -> bool:
        """Remove an image's data; whether there was any."""
        data = self.objects.pop(image_id, None)
        if data is None:
            return False
        self.used_bytes -= data.size
        self._kernel.trace.emit("glance.store.delete", "glance", image_id, size=data.size)
        return True

    def read(self, image_id: str, link: str | None) -> Generator[Any, Any, ImageData]:
        """Move an image's data from the store to `link` (a download); returns it."""
        data = self.objects[image_id]
        t = self._kernel.io.transfer(
            data.size,
            [self.resource, self.link(link)],
            label="glance.download",
            image_id=image_id,
        )
        yield t.done
        return data
