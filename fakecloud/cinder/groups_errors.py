"""Cinder's exceptions of generic volume groups (``cinder/exception.py``, 12.0.10-29.0.0),
with their messages word for word; `fakecloud.cinder.faults` answers them as any other."""

from __future__ import annotations

from fakecloud.cinder.exception import CinderException, Invalid, NotFound, QuotaError


class GroupTypeNotFound(NotFound):
    """``GroupTypeNotFound``."""

    message = "Group type %(group_type_id)s could not be found."


class GroupTypeNotFoundByName(GroupTypeNotFound):
    """``GroupTypeNotFoundByName``."""

    message = "Group type with name %(group_type_name)s could not be found."


class GroupTypeSpecsNotFound(NotFound):
    """``GroupTypeSpecsNotFound``."""

    message = "Group Type %(group_type_id)s has no specs with key %(group_specs_key)s."


class GroupTypeExists(CinderException):
    """``GroupTypeExists`` (a ``Duplicate``: the controller answers 409)."""

    message = "Group Type %(id)s already exists."


class InvalidGroupType(Invalid):
    """``InvalidGroupType``."""

    message = "Invalid group type: %(reason)s"


class GroupSnapshotNotFound(NotFound):
    """``GroupSnapshotNotFound``."""

    message = "GroupSnapshot %(group_snapshot_id)s could not be found."


class InvalidGroup(Invalid):
    """``InvalidGroup``."""

    message = "Invalid Group: %(reason)s"


class InvalidGroupStatus(Invalid):
    """``InvalidGroupStatus``."""

    message = "Invalid Group Status: %(reason)s"


class InvalidGroupSnapshot(Invalid):
    """``InvalidGroupSnapshot``."""

    message = "Invalid GroupSnapshot: %(reason)s"


class InvalidGroupSnapshotStatus(Invalid):
    """``InvalidGroupSnapshotStatus``."""

    message = "Invalid GroupSnapshot Status: %(reason)s"


class GroupLimitExceeded(QuotaError):
    """``GroupLimitExceeded`` (413)."""

    message = "Maximum number of groups allowed (%(allowed)d) exceeded"
