"""Image and member status machines (``glance/domain/__init__.py Image.valid_state_targets``).

`IMAGE_STATUS` is Glance's own table. Glance enforces it in the ``status`` setter and tells the
caller when a move is not allowed (`InvalidImageStatusTransition`, which each API answers in its
own way: 409 on upload, 400 on deactivate...). `set_status` is that setter: it checks the move
the way Glance does and only then lets the `StateMachine` change and trace it, so a move the
machine refuses is always a fakecloud bug.

    >>> IMAGE_STATUS.legal("active", "saving")
    False
"""

from __future__ import annotations

from typing import Any

from fakecloud.glance.errors import invalid_transition
from fakecloud.glance.models import Image
from fakecloud.sim.states import StateMachine

IMAGE_STATUS = StateMachine(
    "glance.image.status",
    {
        None: {"queued"},  # a new row (ImageFactory.new_image)
        "queued": {"saving", "uploading", "importing", "active", "deleted"},
        "saving": {"active", "killed", "deleted", "queued"},
        "uploading": {"importing", "queued", "deleted"},
        "importing": {"active", "deleted", "queued"},
        "active": {"pending_delete", "deleted", "deactivated"},
        "killed": {"deleted"},
        "pending_delete": {"deleted", "active"},
        "deleted": set(),
        "deactivated": {"active", "deleted"},
    },
)

MEMBER_STATUS = StateMachine(
    "glance.member.status",
    {
        None: {"pending"},
        "pending": {"accepted", "rejected"},
        "accepted": {"pending", "rejected"},
        "rejected": {"pending", "accepted"},
    },
)

# Statuses an image holds no quota in and counts for nothing.
GONE = frozenset({"killed", "deleted", "pending_delete"})


class InvalidImageStatusTransition(Exception):
    """Glance's ``InvalidImageStatusTransition``: the table does not allow the move."""

    def __init__(self, current: str, new: str):
        super().__init__(invalid_transition(current, new))
        self.msg = str(self)


class FormatsNotSet(ValueError):
    """The setter's ValueError: data may not be saved before both formats are set."""


def check_status(image: Image, new: str) -> None:
    """Raise what Glance's ``Image.status`` setter raises for `image` → `new`, if anything."""
    old = image.status
    if old == new or new not in IMAGE_STATUS.transitions.get(old, ()):
        raise InvalidImageStatusTransition(old, new)
    if old in ("queued", "uploading") and new in ("saving", "active", "importing"):
        missing = [k for k in ("disk_format", "container_format") if not getattr(image, k)]
        if len(missing) == 1:
            raise FormatsNotSet(f"Property {missing[0]} must be set prior to saving data.")
        if missing:
            raise FormatsNotSet(
                f"Properties {', '.join(missing)} must be set prior to saving data."
            )


def set_status(
    kernel: Any,
    image: Image,
    new: str,
    *,
    actor: str = "glance",
    details: dict[str, Any] | None = None,
) -> None:
    """Move `image` to `new` as Glance's setter does (checked, traced; queued clears sizes).

    `details` (name -> value) are further fields of the ``state`` event (`StateMachine.move`)."""
    check_status(image, new)
    if new == "queued":
        image.size = None
        image.virtual_size = None
    IMAGE_STATUS.move(kernel, image, new, actor=actor, details=details)
