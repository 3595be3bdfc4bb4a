"""Glance's database, in memory: image and member rows, and the lookup every API starts with.

Rows are never removed: a deleted image stays (``deleted=True``) so its id is never reused, as
Glance's soft-deleted rows are. `get` is ``ImageRepo.get``: a missing, deleted or invisible
image is the same 404 ("No image found with ID ...").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fakecloud.glance.errors import image_not_found
from fakecloud.glance.models import Image, ImageMember
from fakecloud.glance.policy import is_image_visible


class GlanceDb:
    """All image and member rows of one Glance, indexed by id and by owner."""

    images: dict[str, Image]
    _by_owner: dict[str | None, dict[str, Image]]
    members: dict[str, dict[str, ImageMember]]

    def __init__(self) -> None:
        self.images = {}
        self._by_owner = {}
        self.members = {}

    # -- images ------------------------------------------------------------------------------

    def add(self, image: Image) -> None:
        """Insert a new row (the caller checked the id is new)."""
        self.images[image.id] = image
        self._by_owner.setdefault(image.owner, {})[image.id] = image

    def set_owner(self, image: Image, owner: str | None) -> None:
        """Change an image's owner and keep the owner index right."""
        self._by_owner.get(image.owner, {}).pop(image.id, None)
        image.owner = owner
        self._by_owner.setdefault(owner, {})[image.id] = image

    def owned_by(self, owner: str | None) -> Iterable[Image]:
        """The rows of one owner, deleted ones included."""
        return self._by_owner.get(owner, {}).values()

    def derived_indexes(self) -> list[tuple[str, Any, Any]]:
        """The rows by id and by owner, as held and as the rows make them (a loaded
        database's must agree: `fakecloud.state.kinds.DERIVED`; an owner left without rows is
        the same as none)."""
        by_owner: dict[str | None, dict[str, Image]] = {}
        for image in self.images.values():
            by_owner.setdefault(image.owner, {})[image.id] = image
        return [
            ("images", self.images, {image.id: image for image in self.images.values()}),
            ("_by_owner", {o: rows for o, rows in self._by_owner.items() if rows}, by_owner),
        ]

    def get(self, ctx: Any, image_id: str, rules: Any = None) -> Image:
        """The image `ctx` may see, or 404 (missing, deleted and hidden look the same); `rules`
        the operator's (`fakecloud.glance.policy_file.GlanceRules`: their ``context_is_admin``
        names who sees every image)."""
        image = self.images.get(image_id)
        if (
            image is None
            or image.deleted
            or not is_image_visible(ctx, image, self.member_status, rules)
        ):
            raise image_not_found(image_id)
        return image

    def row(self, image_id: str) -> Image:
        """`get` for a caller who sees every image (an admin, or Glance itself: the caller
        checked): the image, or the same 404 when it is missing or deleted."""
        image = self.images.get(image_id)
        if image is None or image.deleted:
            raise image_not_found(image_id)
        return image

    # -- members -----------------------------------------------------------------------------

    def member_status(self, image_id: str, project: str) -> str | None:
        """The status of `project`'s membership of the image, or None."""
        members = self.members.get(image_id)
        if not members:
            return None
        member = members.get(project)
        return member.status if member is not None else None

    def members_of(self, image_id: str) -> list[ImageMember]:
        """The image's members, in the order they were added."""
        return list(self.members.get(image_id, {}).values())
