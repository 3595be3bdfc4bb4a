"""The header a fabricated image's bytes start with, so format inspection finds its format.

Filler bytes (`fakecloud.glance.content`) stand for a disk image of some ``disk_format``. A
client that downloads them and uploads them again to a Glance that inspects what it is sent
(Glance 30.0.0 on, ``[image_format] require_image_format_match``: ``glance/location.py``
``ImageProxy.set_data`` runs oslo.utils' ``imageutils.format_inspector`` over the stream; Tempest's
``test_attach_scsi_disk_with_config_drive`` does this with ``image_ref``) must find the format
the image declares, with the virtual size it shows, and pass the inspector's safety checks. So
the filler of an inspectable format carries that format's header, where the inspector reads
it, and zeros in the rest of the header's sector, so that no other inspector matches too (an
MBR signature at byte 510 would make it ``gpt`` as well, which Glance refuses).

    >>> pieces = header_pieces("qcow2", size=1 << 20, virtual_size=1 << 30, seed=bytes(32))
    >>> [(offset, piece[:4]) for offset, piece in pieces]
    [(0, b'QFI\\xfb')]

Formats without a header (``raw``, ``ami``, ...) or content too small to hold one keep the
plain filler. The layouts are each format's own (qemu's ``block/qcow2.c``, ``vpc.c``,
``vdi.c``, ``vmdk.c``, ``vhdx.c``; ECMA-119 for ISO 9660), with only the fields an inspector or
``qemu-img info`` reads filled in.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from uuid import UUID

KiB, MiB = 1 << 10, 1 << 20
SECTOR = 512
#: A piece of a header: the byte offset it goes at, and its bytes.
Piece = tuple[int, bytes]


def _sector(*parts: bytes) -> bytes:
    return b"".join(parts).ljust(SECTOR, b"\0")


def _qcow2(virtual_size: int, seed: bytes) -> list[Piece]:
    """qcow2 version 3, 64 KiB clusters, no backing file and no feature bits (the safety
    checks' ``backing_file``, ``data_file``, ``unknown_features``); ``size`` at byte 24."""
    cluster_bits = 16
    l2_entries = (1 << cluster_bits) // 8
    l1_size = -(-virtual_size // (l2_entries << cluster_bits))
    header = struct.pack(
        ">4sIQIIQIIQQIIQQQQII",
        b"QFI\xfb",
        3,  # version
        0,  # backing_file_offset
        0,  # backing_file_size
        cluster_bits,
        virtual_size,
        0,  # crypt_method
        l1_size,
        3 << cluster_bits,  # l1_table_offset
        1 << cluster_bits,  # refcount_table_offset
        1,  # refcount_table_clusters
        0,  # nb_snapshots
        0,  # snapshots_offset
        0,  # incompatible_features
        0,  # compatible_features
        0,  # autoclear_features
        4,  # refcount_order
        112,  # header_length
    )
    return [(0, _sector(header))]


def _vhd(virtual_size: int, seed: bytes) -> list[Piece]:
    """A dynamic VHD's copy of its footer ("conectix"): original and current size at bytes
    40 and 48 (the inspector reads the first), its one's-complement checksum at 64."""
    footer = bytearray(
        struct.pack(
            ">8sIIQI4sI4sQQIII16sB",
            b"conectix",
            2,  # features: reserved bit
            0x00010000,  # file format version
            SECTOR,  # data offset: the dynamic disk header
            0,  # timestamp
            b"qemu",
            0x00050003,
            b"Wi2k",
            virtual_size,
            virtual_size,
            _chs(virtual_size),
            3,  # disk type: dynamic
            0,  # checksum, below
            seed[:16],
            0,
        )
    )
    footer[64:68] = struct.pack(">I", ~sum(footer) & 0xFFFFFFFF)
    return [(0, _sector(footer))]


def _chs(virtual_size: int) -> int:
    """The VHD footer's disk geometry (cylinders, heads, sectors per track) for the size, as
    its specification's CHS algorithm gives it."""
    total = min(virtual_size // SECTOR, 65535 * 16 * 255)
    if total >= 65535 * 16 * 63:
        spt, heads = 255, 16
    else:
        spt = 17
        cth = total // spt
        heads = max((cth + 1023) // 1024, 4)
        if cth >= heads * 1024 or heads > 16:
            spt, heads = 31, 16
            cth = total // spt
        if cth >= heads * 1024:
            spt, heads = 63, 16
    cylinders = total // spt // heads
    return (cylinders << 16) | (heads << 8) | spt


def _vdi(virtual_size: int, seed: bytes) -> list[Piece]:
    """VirtualBox's VDI 1.1 header: its text, signature 0xbeda107f at 0x40, the disk size at
    0x170, 1 MiB blocks."""
    blocks = -(-virtual_size // MiB)
    text = b"<<< Oracle VM VirtualBox Disk Image >>>\n".ljust(64, b"\0")
    head = struct.pack("<III", 0xBEDA107F, 0x00010001, 0x190)
    # image type (dynamic), flags, description (256 bytes), the block map's and data's offsets
    body = struct.pack("<II256sII", 1, 0, b"", 0x200, 0x200 + -(-blocks * 4 // SECTOR) * SECTOR)
    geometry = struct.pack("<IIII", 0, 0, 0, SECTOR)  # cylinders, heads, sectors, sector size
    sizes = struct.pack("<IQIIII", 0, virtual_size, MiB, 0, blocks, 0)
    uuids = seed[:16] + seed[16:32] + bytes(32)
    return [(0, _sector(text, head, body, geometry, sizes, uuids))]


_VMDK_DESCRIPTOR = """\
# Disk DescriptorFile
version=1
CID={cid}
parentCID=ffffffff
createType="monolithicSparse"

# Extent description
RW {sectors} SPARSE "disk.vmdk"

# The Disk Data Base
#DDB

ddb.virtualHWVersion = "4"
ddb.adapterType = "ide"
"""


def _vmdk(virtual_size: int, seed: bytes) -> list[Piece]:
    """A monolithicSparse VMDK: the ``KDMV`` sparse header (capacity in sectors at byte 12,
    the descriptor at sector 1) and its text descriptor (the ``descriptor`` safety check: a
    known ``createType`` and one extent without a path)."""
    sectors = -(-virtual_size // SECTOR)
    text = _VMDK_DESCRIPTOR.format(cid=seed[:4].hex(), sectors=sectors).encode()
    desc_sectors = -(-len(text) // SECTOR)
    grains = -(-sectors // 128)
    gd_sectors = -(-(-(-grains // 512) * 4) // SECTOR)
    rgd = 1 + desc_sectors
    header = struct.pack(
        "<4sIIQQQQIQQQB4sH",
        b"KDMV",
        1,  # version
        3,  # flags: valid new-line test, redundant grain table
        sectors,  # capacity
        128,  # grain size (sectors)
        1,  # descriptor offset (sectors)
        desc_sectors,
        512,  # grain table entries per grain table
        rgd,  # redundant grain directory
        rgd + gd_sectors,  # grain directory
        -(-(rgd + 2 * gd_sectors) // 128) * 128,  # overhead
        0,  # unclean shutdown
        b"\n \r\n",
        0,  # compression
    )
    return [(0, _sector(header)), (SECTOR, text.ljust(desc_sectors * SECTOR, b"\0"))]


def _iso(virtual_size: int, seed: bytes) -> list[Piece]:
    """An ISO 9660 primary volume descriptor at 32 KiB (``CD001``): 2 KiB logical blocks, the
    volume space size in both byte orders. The 32 KiB system area before it is zeros (no boot
    record, no MBR)."""
    blocks = -(-virtual_size // (2 * KiB))
    pvd = b"".join(
        (
            b"\x01CD001\x01\x00",
            b"LINUX".ljust(32),
            b"fakecloud".ljust(32),
            bytes(8),
            struct.pack("<I", blocks) + struct.pack(">I", blocks),
            bytes(32),
            struct.pack("<H", 1) + struct.pack(">H", 1),  # volume set size
            struct.pack("<H", 1) + struct.pack(">H", 1),  # volume sequence number
            struct.pack("<H", 2 * KiB) + struct.pack(">H", 2 * KiB),  # logical block size
        )
    )
    return [(0, bytes(32 * KiB)), (32 * KiB, pvd.ljust(2 * KiB, b"\0"))]


#: The VHDX GUIDs (as stored: ``UUID.bytes_le``) of the BAT and metadata regions and of the
#: file parameters and virtual disk size metadata items.
_BAT = UUID("2DC27766-F623-4200-9D64-115E9BFD4A08").bytes_le
_METAREGION = UUID("8B7CA206-4790-4B9A-B8FE-575F050F886E").bytes_le
_FILE_PARAMETERS = UUID("CAA16737-FA36-4D43-B3B6-33F0AA44E76B").bytes_le
_VIRTUAL_DISK_SIZE = UUID("2FA54224-CD1B-4876-B211-5DBED83BF4B8").bytes_le
#: Where qemu's vhdx.c lays out a new image: header section 1 MiB, log at 1 MiB, metadata 2 MiB.
_VHDX_METADATA_AT = 2 * MiB


def _vhdx(virtual_size: int, seed: bytes) -> list[Piece]:
    """A VHDX: the ``vhdxfile`` identifier, both region tables (at 192 and 256 KiB) naming
    the BAT and the metadata region (at 2 MiB, as qemu lays one out), and in that region the
    metadata table whose virtual disk size item holds the size, at 64 KiB into the region."""
    ident = b"vhdxfile" + "fakecloud".encode("utf-16-le")
    entries = b"".join(
        (
            _BAT + struct.pack("<QII", 3 * MiB, MiB, 1),
            _METAREGION + struct.pack("<QII", _VHDX_METADATA_AT, MiB, 1),
        )
    )
    table = (b"regi" + struct.pack("<III", 0, 2, 0) + entries).ljust(64 * KiB, b"\0")
    items = b"".join(
        (
            _FILE_PARAMETERS + struct.pack("<IIII", 64 * KiB + 8, 8, 4, 0),
            _VIRTUAL_DISK_SIZE + struct.pack("<IIII", 64 * KiB, 8, 6, 0),
        )
    )
    meta = (b"metadata" + struct.pack("<HH", 0, 2) + bytes(20) + items).ljust(SECTOR, b"\0")
    values = struct.pack("<QII", virtual_size, 32 * MiB, 0)  # the size; block size, flags
    return [
        (0, _sector(ident)),
        (192 * KiB, table),
        (256 * KiB, table),
        (_VHDX_METADATA_AT, meta),
        (_VHDX_METADATA_AT + 64 * KiB, values),
    ]


#: Each inspectable format's header: (virtual size, seed) to its pieces.
_HEADERS: dict[str, Callable[[int, bytes], list[Piece]]] = {
    "qcow2": _qcow2,
    "vhd": _vhd,
    "vdi": _vdi,
    "vmdk": _vmdk,
    "iso": _iso,
    "vhdx": _vhdx,
}


def header_pieces(
    disk_format: str | None, size: int, virtual_size: int, seed: bytes
) -> list[Piece]:
    """The pieces that make `size` filler bytes a `disk_format` image of `virtual_size` (the
    content's `seed` gives its ids); none when the format has no header or the content is too
    small to hold it."""
    make = _HEADERS.get(disk_format or "")
    if make is None:
        return []
    pieces = make(virtual_size, seed)
    end = max(offset + len(piece) for offset, piece in pieces)
    return pieces if end <= size else []
