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
from fakecloud.sim.trace import Site, form, site

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
    if (
        old in ("queued", "uploading")
        and new in ("saving", "active", "importing")
        and not (image.disk_format and image.container_format)  # (the list below, unmade)
    ):
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
    if details is None or len(details) != 1 or "size" not in details:
        IMAGE_STATUS.move(kernel, image, new, actor=actor, details=details)
        return
    # A move naming the size (an upload's saving and active): `StateMachine.move`'s event,
    # written at the move's site (the check above is the machine's table and more).
    old = image.status
    image.status = new
    image.updated_at = kernel.env._now
    at = _SIZED_AT.get((old, new))
    if at is None:
        at = _SIZED_AT[old, new] = site(
            _SIZED, machine=IMAGE_STATUS.name, field="status", old=old, new=new
        )
    kernel.trace.write_at(at, actor, image.id, (details["size"],))


#: The ``state`` event of a status move naming the image's size, and its site per (old, new):
#: the size is a number, held per event, so `Trace.write_at` writes such a move as its shape
#: and values, without `StateMachine.move`'s form and shape look-ups by hashed tuples.
_SIZED = form("state", "machine", "field", "old", "new", "size")
_SIZED_AT: dict[tuple[str | None, str], Site] = {}
#: The ``state`` event of a new image's first move (`born`).
_BORN = form("state", "machine", "field", "old", "new", "owner")


def born(kernel: Any, image: Image) -> None:
    """A new row's first move, None -> ``queued`` (``ImageFactory.new_image``; the row is
    made at this instant), traced with its owner: `StateMachine.move`'s event, by its form
    made once."""
    image.status = "queued"
    kernel.trace.write(
        _BORN, "glance", image.id, (IMAGE_STATUS.name, "status", None, "queued", image.owner)
    )
