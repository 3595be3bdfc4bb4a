"""Image sharing: members of ``shared`` images (``ImageMembersController``).

The owner adds a project as a member (status ``pending``); the member project itself accepts or
rejects it. A member of any status may see the image; only accepted ones see it in their
default image list. Errors and their wording follow Glance's controller exactly, including its
quirks (adding a member to a non-shared image says "Not allowed to create members ...", while
listing says "... Only shared images have members.").
"""

from __future__ import annotations

from typing import Any

from fakecloud.glance.errors import (
    HTTPBadRequest,
    HTTPConflict,
    HTTPForbidden,
    HTTPNotFound,
    HTTPRequestEntityTooLarge,
)
from fakecloud.glance.models import Image, ImageMember
from fakecloud.glance.policy import ImagePolicy, is_admin
from fakecloud.glance.quotas import LimitExceeded
from fakecloud.glance.states import MEMBER_STATUS

MEMBER_STATUSES = ("pending", "accepted", "rejected")


class _OnlyShared(Exception):
    """``_check_visibility_and_ownership``'s Forbidden."""

    msg = "Only shared images have members."


class Members:
    """The memberships of one Glance's images."""

    def __init__(self, glance: Any):
        self._glance = glance
        self._kernel = glance.kernel

    def _lookup_image(self, ctx: Any, image_id: str) -> Image:
        """The image (`Images.lookup`), its refusals in the member controller's words."""
        try:
            return self._glance.images.lookup(ctx, image_id)
        except HTTPNotFound:
            raise HTTPNotFound(explanation=f"Image {image_id} not found.")
        except HTTPForbidden:  # Glance 16-21's policy proxy refused get_image
            raise HTTPForbidden(explanation=f"You are not authorized to lookup image {image_id}.")

    @staticmethod
    def _check_shared(image: Image) -> None:
        if image.visibility != "shared":
            raise _OnlyShared()

    def _policy(self, ctx: Any, image: Image) -> ImagePolicy:
        pol = self._glance.images.policy(ctx, image)
        pol.enforce("get_image")  # MemberAPIPolicy checks the image first
        return pol

    def _check_ownership(self, ctx: Any, image: Image, check: str) -> None:
        """``_check_visibility_and_ownership``'s ownership part, asked only with the legacy
        defaults (glance 23.0.0-25.x image_members.py; Glance's authorization layer before):
        only the owner adds or removes members, and the owner may not set a member's status.
        Raises `_OnlyShared`, which the caller words as its "Not allowed to ..." 403."""
        if not self._glance.legacy_defaults or is_admin(ctx, self._glance.policy_rules):
            return
        owner = image.owner
        owned = owner is not None and owner == ctx.project_id
        if owned == (check == "update"):
            raise _OnlyShared()

    def _visible_rows(self, ctx: Any, image: Image) -> dict[str, ImageMember]:
        """The rows the database shows `ctx`: all to admin and owner, else only its own."""
        rows = self._glance.db.members.get(image.id, {})
        if is_admin(ctx, self._glance.policy_rules) or ctx.project_id == image.owner:
            return rows
        own = rows.get(ctx.project_id)
        return {own.member_id: own} if own is not None else {}

    def _lookup_member(self, ctx: Any, image: Image, member_id: str) -> ImageMember:
        self._policy(ctx, image).enforce("get_member")
        member = self._visible_rows(ctx, image).get(member_id)
        if member is None:
            raise HTTPNotFound(
                explanation=f"{member_id} not found in the member list of the image {image.id}."
            )
        return member

    # -- the API -----------------------------------------------------------------------------

    def create(self, ctx: Any, image_id: str, member_id: str) -> ImageMember:
        """``POST /v2/images/{id}/members``: a new ``pending`` membership."""
        image = self._lookup_image(ctx, image_id)
        try:
            self._check_shared(image)
            self._check_ownership(ctx, image, "create")
        except _OnlyShared:
            raise HTTPForbidden(explanation=f"Not allowed to create members for image {image_id}.")
        self._policy(ctx, image).enforce("add_member")
        rows = self._glance.db.members.setdefault(image_id, {})
        try:
            self._glance.quotas.check_members(len(rows))
        except LimitExceeded as e:
            raise HTTPRequestEntityTooLarge(
                explanation=f"Image member limit exceeded for image {image_id}: {e}:"
            )
        if member_id in rows:
            raise HTTPConflict(explanation=f"Member {member_id} is duplicated for image {image_id}")
        now = self._kernel.now
        member = ImageMember(image_id, member_id, now, now, status=None)
        rows[member_id] = member
        MEMBER_STATUS.move(self._kernel, member, "pending", actor="glance")
        return member

    def update(self, ctx: Any, image_id: str, member_id: str, status: Any) -> ImageMember:
        """``PUT /v2/images/{id}/members/{member}``: the member accepts or rejects."""
        image = self._lookup_image(ctx, image_id)
        try:
            self._check_shared(image)
            self._check_ownership(ctx, image, "update")
        except _OnlyShared:
            raise HTTPForbidden(explanation=f"Not allowed to update members for image {image_id}.")
        member = self._lookup_member(ctx, image, member_id)
        self._policy(ctx, image).enforce("modify_member")
        if status not in MEMBER_STATUSES:
            raise HTTPBadRequest(
                explanation='Incorrect request: Status must be "pending", "accepted" or "rejected".'
            )
        MEMBER_STATUS.move(self._kernel, member, status, actor="glance")
        return member

    def list(self, ctx: Any, image_id: str) -> list[ImageMember]:
        """``GET /v2/images/{id}/members``: the memberships the caller may see."""
        image = self._lookup_image(ctx, image_id)
        try:
            self._check_shared(image)
        except _OnlyShared as e:
            raise HTTPForbidden(
                explanation=f"Not allowed to list members for image {image_id}: {e.msg}"
            )
        self._policy(ctx, image).enforce("get_members")
        return list(self._visible_rows(ctx, image).values())

    def show(self, ctx: Any, image_id: str, member_id: str) -> ImageMember:
        """``GET /v2/images/{id}/members/{member}`` (a refusal reads as 404)."""
        try:
            image = self._lookup_image(ctx, image_id)
            self._check_shared(image)
            return self._lookup_member(ctx, image, member_id)
        except _OnlyShared as e:
            raise HTTPNotFound(explanation=e.msg)
        except HTTPForbidden as e:
            raise HTTPNotFound(explanation=e.explanation)

    def delete(self, ctx: Any, image_id: str, member_id: str) -> None:
        """``DELETE /v2/images/{id}/members/{member}``."""
        image = self._lookup_image(ctx, image_id)
        try:
            self._check_shared(image)
            self._check_ownership(ctx, image, "delete")
        except _OnlyShared:
            raise HTTPForbidden(explanation=f"Not allowed to delete members for image {image_id}.")
        member = self._lookup_member(ctx, image, member_id)
        self._policy(ctx, image).enforce("delete_member")
        del self._glance.db.members[image_id][member.member_id]
        self._kernel.trace.emit("glance.member.delete", "glance", member.id)
