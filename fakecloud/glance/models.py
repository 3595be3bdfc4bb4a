"""Glance's records: an image and an image membership (``glance/domain/__init__.py``).

Times are virtual seconds (`created_at`, `updated_at`, `deleted_at`); the views turn them into
Glance's ``2026-01-01T00:00:00Z`` strings. Custom properties live in `extra_properties`, in
insertion order; tags keep their first-seen order (Glance keeps a set; we keep it ordered so
every run prints the same JSON).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fakecloud.glance.content import ImageData


@dataclass(eq=False, slots=True)
class Image:
    """One image row, with its properties, tags and (simulated) data."""

    id: str
    owner: str | None
    created_at: float
    updated_at: float
    status: str = "queued"
    name: str | None = None
    visibility: str = "shared"
    protected: bool = False
    os_hidden: bool = False
    disk_format: str | None = None
    container_format: str | None = None
    min_ram: int = 0
    min_disk: int = 0
    size: int | None = None
    virtual_size: int | None = None
    checksum: str | None = None
    os_hash_algo: str | None = None
    os_hash_value: str | None = None
    tags: list[str] = field(default_factory=list)
    extra_properties: dict[str, Any] = field(default_factory=dict)
    locations: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False
    deleted_at: float | None = None
    data: ImageData | None = None  # what the store holds for it
    staged: ImageData | None = None  # what the staging area holds (import flow)

    @property
    def image_id(self) -> str:
        """Glance's name for the id."""
        return self.id


@dataclass(eq=False)
class ImageMember:
    """One project an image is shared with, and whether that project accepted it."""

    image_id: str
    member_id: str
    created_at: float
    updated_at: float
    status: str = "pending"

    @property
    def id(self) -> str:
        """A stable subject name for the trace."""
        return f"{self.image_id}/{self.member_id}"
