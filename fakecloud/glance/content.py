"""Simulated image content: what an upload carries, described instead of sent.

Images in fakecloud carry no real bytes. An `ImageData` says how many bytes there are, which
content they are (``content_id``), what a format inspector would find in them, and which link
the sender pushes them through. Glance's checksum (MD5) and ``os_hash_value`` (sha512 by
default) are computed from that description, deterministically and in microseconds, so the
same content always has the same hashes and different content different ones. Content of at
most `FILLER_MAX_BYTES` (Glance's ``downloadable_content_bytes``) is sent by a download as
deterministic filler bytes, and its hashes are those bytes' digests, so a client that checks
what it downloaded (openstacksdk's ``download_image``, ``openstack image save``, glanceclient's
``image-download``) finds them right. The filler of an inspectable ``disk_format`` starts with
that format's header (`fakecloud.glance.disk_headers`), so a Glance that inspects an upload of
it again finds the format and virtual size the image shows.

Small real uploads through the REST API keep their bytes (`raw`), and then the hashes are the
real digests of those bytes; a zero-byte upload has the well-known empty-input digests either
way, as the volume-backed snapshot's empty upload shows in real Glance.

    >>> ImageData(size=1_000_000_000, content_id="snap-of-vm1").checksum()  # 32 hex digits
"""

from __future__ import annotations

import functools
import hashlib
import io
from dataclasses import dataclass
from typing import Any

from fakecloud.glance.disk_headers import header_pieces

EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e"
#: Simulated content up to this size is downloadable by default (Glance's
#: ``downloadable_content_bytes``): deterministic filler bytes, hashed as sent. Larger content is
#: described, not sent (a download of it is refused: `ImageDataApi.download`).
FILLER_MAX_BYTES = 1 << 20
#: The digest of no bytes, per algorithm (worked out once).
_EMPTY_DIGESTS: dict[str, str] = {}
#: The digest of larger simulated content by (algorithm, content id, size): every explored seed
#: of a snapshot race uploads the same named content (cleared when full).
_NAMED_DIGESTS: dict[tuple[str, str, int], str] = {}
_NAMED_DIGESTS_MAX = 4096

#: Per algorithm: what makes its hash object of some bytes (`_hasher`).
_HASHERS: dict[str, Any] = {}


def _hasher(algorithm: str) -> Any:
    """hashlib's own constructor of `algorithm` where it has one (``hashlib.md5``): the same
    digests as ``hashlib.new``, which looks the name up again on each call; else
    ``hashlib.new`` of the name (its errors for a name it does not know)."""
    found = _HASHERS.get(algorithm)
    if found is None:
        if algorithm in hashlib.algorithms_guaranteed:
            found = getattr(hashlib, algorithm)
        else:
            found = functools.partial(hashlib.new, algorithm)
        _HASHERS[algorithm] = found
    return found


# Formats a format inspector recognises (glance/common/format_inspector.py ALL_FORMATS).
INSPECTABLE_FORMATS = frozenset({"raw", "qcow2", "vhd", "vhdx", "vmdk", "vdi", "iso", "ploop"})


@dataclass(frozen=True, slots=True)
class ImageData:
    """The bytes of one upload, described.

    `size` in bytes; `content_id` names the content (same id, same hashes); `link` is the I/O
    resource the sender's bytes cross (a compute host's link; None: Glance's client link);
    `disk_format` is what format inspection would detect (None: whatever the image declares);
    `virtual_size` what it would compute (None: the size, for inspectable formats); `raw` the
    real bytes when a REST caller sent some.
    """

    size: int
    content_id: str = ""
    link: str | None = None
    disk_format: str | None = None
    virtual_size: int | None = None
    raw: bytes | None = None

    def _digest(self, algorithm: str, filler_max: int, declared: str | None) -> str:
        if self.raw is None and not self.size:  # every volume-backed snapshot's upload
            found = _EMPTY_DIGESTS.get(algorithm)
            if found is None:
                found = _EMPTY_DIGESTS[algorithm] = hashlib.new(algorithm).hexdigest()
            return found
        if self.raw is not None:
            data = self.raw
        elif self.size <= filler_max:
            return _filler_digest(self, algorithm, declared)
        else:  # simulated content, named: the same name and size, the same hashes
            key = (algorithm, self.content_id, self.size)
            found = _NAMED_DIGESTS.get(key)
            if found is None:
                data = f"fakecloud-content:{self.content_id}:{self.size}".encode()
                found = _hasher(algorithm)(data).hexdigest()
                if len(_NAMED_DIGESTS) >= _NAMED_DIGESTS_MAX:
                    _NAMED_DIGESTS.clear()
                _NAMED_DIGESTS[key] = found
            return found
        return _hasher(algorithm)(data).hexdigest()

    def checksum(self, filler_max: int = FILLER_MAX_BYTES, declared: str | None = None) -> str:
        """The MD5 hex digest Glance stores as ``checksum`` (of the filler a download sends
        when the simulated content is at most `filler_max` bytes; `declared` is the image's
        ``disk_format``, the filler's format when the content names none)."""
        if self.raw is None and not self.size:
            return EMPTY_MD5
        return self._digest("md5", filler_max, declared)

    def os_hash(
        self,
        algorithm: str = "sha512",
        filler_max: int = FILLER_MAX_BYTES,
        declared: str | None = None,
    ) -> str:
        """The ``os_hash_value`` for `algorithm` (Glance's ``hashing_algorithm``)."""
        return self._digest(algorithm, filler_max, declared)

    def materialize(
        self, filler_max: int = FILLER_MAX_BYTES, declared: str | None = None
    ) -> bytes | None:
        """Bytes a download can send: the real ones, or deterministic filler up to
        `filler_max` bytes (the bytes the hashes are of); None for larger simulated content.
        The filler of an inspectable format (the content's, else `declared`, the image's
        ``disk_format``) starts with that format's header (`fakecloud.glance.disk_headers`)."""
        if self.raw is not None:
            return self.raw
        if self.size > filler_max:
            return None
        return self._filler(declared)

    def _filler(self, declared: str | None) -> bytes:
        seed = hashlib.sha256(f"fakecloud-content:{self.content_id}".encode()).digest()
        reps = -(-self.size // len(seed))
        virtual = self.size if self.virtual_size is None else self.virtual_size
        pieces = header_pieces(self.disk_format or declared, self.size, virtual, seed)
        if not pieces:
            return (seed * reps)[: self.size]
        # One allocation of the whole, as above: the filler around the pieces is views of a
        # small block of the same period (a second buffer of the whole would cost its pages
        # again, a few ms a MiB).
        view = memoryview(seed * (_BLOCK // len(seed) + 1))
        parts: list[Any] = []
        at = 0
        for offset, piece in (*pieces, (self.size, b"")):  # in order, apart
            while at < offset:
                n = min(offset - at, _BLOCK)
                parts.append(view[at % len(seed) : at % len(seed) + n])
                at += n
            parts.append(piece)
            at = offset + len(piece)
        return b"".join(parts)


@functools.lru_cache(maxsize=256)
def _filler_digest(data: ImageData, algorithm: str, declared: str | None) -> str:
    """The digest of `data`'s filler (simulated content, no real bytes), remembered: the same
    description is the same bytes, and each cloud built with a raised
    ``downloadable_content_bytes`` hashes its world's base images again as they go active
    (some 60 ms of CPU for each 20 MiB cirros image, in every cloud of ``fakecloud serve
    --tempest-config``'s config)."""
    return _hasher(algorithm)(data._filler(declared)).hexdigest()


#: The filler around a header's pieces is sent in views of this many bytes (`_filler`).
_BLOCK = 64 * 1024

#: How much of an upload's real bytes format inspection is fed at a time.
_INSPECT_CHUNK = 64 * 1024


def inspect_bytes(raw: bytes) -> tuple[str | None, int | None]:
    """What Glance's in-flight format inspection finds in real uploaded bytes: the format's name
    and its virtual size (``glance/location.py`` ``ImageProxy.set_data`` wraps the stream in
    ``format_inspector.InspectWrapper``; oslo.utils carries the same inspectors). Reading stops
    once every inspector has decided; unrecognised content is ``raw`` (its virtual size is the
    byte count). ``(None, None)`` when several formats match (Glance's ImageFormatError)."""
    from oslo_utils.imageutils import format_inspector

    wrapper = format_inspector.InspectWrapper(io.BytesIO(raw))
    try:
        while wrapper.read(_INSPECT_CHUNK) and wrapper.formats is None:
            pass
        wrapper.close()
        found = wrapper.format
    except format_inspector.ImageFormatError:
        return None, None
    name = str(found)
    if name == "raw":
        return name, len(raw)
    try:
        return name, found.virtual_size
    except Exception:  # noqa: BLE001 - a header the inspector cannot size: no virtual size
        return name, None


def consumed(data: ImageData) -> ImageData:
    """The body an upload of `data` (Nova's snapshot, Cinder's upload-to-image) goes again with
    after glance-api's 401: keystoneauth's ``Session.request`` sends the same ``data`` keyword
    once more after ``invalidate`` (keystoneauth1 5.11.0 ``session.py``), a generator
    glanceclient made over the file (``SessionClient._set_common_request_kwargs``:
    ``_chunk_body``, python-glanceclient 4.13.0), which the first attempt read to its end (the
    server reads a refused request's body before answering on that connection): an empty
    chunked body. Neither passes an ``image_size`` (nova 34.0.0 ``_upload_data``, cinder
    27.0.0 ``GlanceImageService.update``), so Glance stores the empty stream, a ``raw`` one of
    0 bytes to its format inspection: the image ``active`` where Glance takes it (declared
    raw, or no format match required: before Glance 30.0.0), else Glance's 415 ("Image
    disk_format qcow2 does not match stream data raw")."""
    return ImageData(0, link=data.link)
