"""Queens' own checks of the groups' bodies (cinder 12.0.10 ``api/v3/groups.py``, before
13.0.0 gave them JSON schemas): ``assert_valid_body``, ``validate_name_and_description`` and
the controller's hand checks, word for word (a name printed as Python prints None)."""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import HttpError
from fakecloud.cinder import faults
from fakecloud.cinder.controllers import queens_name_and_description
from fakecloud.cinder.validation import assert_valid_body


def _entity(body: Any, name: str) -> dict[str, Any]:
    assert_valid_body(body, name)
    entity = dict(body[name])
    queens_name_and_description(entity)
    return entity


def create(body: Any) -> dict[str, Any]:
    """``create``: a group type and volume types given."""
    group = _entity(body, "group")
    name = group.get("name")
    if not group.get("group_type"):
        raise HttpError(400, f"group_type must be provided to create group {name}.")
    if not group.get("volume_types"):
        raise HttpError(400, f"volume_types must be provided to create group {name}.")
    return group


def create_from_src(body: Any) -> dict[str, Any]:
    """``create_from_src``: one source, not both."""
    group = _entity(body, "create-from-src")
    name = group.get("name")
    snap, source = group.get("group_snapshot_id"), group.get("source_group_id")
    if not snap and not source:
        raise HttpError(
            400,
            "Either 'group_snapshot_id' or 'source_group_id' must be provided to create group "
            f"{name} from source.",
        )
    if snap and source:
        raise HttpError(
            400,
            "Cannot provide both 'group_snapshot_id' and 'source_group_id' to create group "
            f"{name} from source.",
        )
    return group


def update(body: Any) -> dict[str, Any]:
    """``update``: something to change."""
    if not body:
        raise HttpError(400, "Missing request body.")
    group = _entity(body, "group")
    if (
        group.get("name") is None
        and group.get("description") is None
        and not group.get("add_volumes")
        and not group.get("remove_volumes")
    ):
        raise HttpError(
            400,
            "Name, description, add_volumes, and remove_volumes can not be all empty in the "
            "request body.",
        )
    return group


def delete_volumes(body: Any) -> bool:
    """``_delete``: the flag read strictly (the error names the default, False, as Queens'
    does)."""
    assert_valid_body(body, "delete")
    raw = body["delete"].get("delete-volumes", False)
    from oslo_utils import strutils  # on use: its import compiles ~400 regexes

    try:
        return strutils.bool_from_string(raw, strict=True)
    except ValueError:
        raise HttpError(400, "Invalid value 'False' for delete-volumes flag.") from None


def reset_status(body: Any) -> str:
    """``_reset_status``: the status, lowered (``API.reset_status`` checks it is one of
    ``GroupStatus.ALL``: `fakecloud.cinder.groups.GroupAPI.reset_status`)."""
    try:
        status = body["reset_status"]["status"]
    except (TypeError, KeyError):
        raise HttpError(400, "Must specify 'status'") from None
    if not isinstance(status, str):  # ``.lower()`` of it: the AttributeError's 500
        raise HttpError(500, faults.GENERIC[500])
    return status.lower()


def replication(body: Any, action: str) -> dict[str, Any]:
    """The replication actions (3.38): the action's value an object; ``failover_replication``'s
    ``allow_attached_volume`` read strictly (its refusal prints the whole object)."""
    assert_valid_body(body, action)
    inner = body[action]
    if action == "failover_replication":
        from oslo_utils import strutils  # on use: its import compiles ~400 regexes

        try:
            strutils.bool_from_string(inner.get("allow_attached_volume", False), strict=True)
        except ValueError:
            raise HttpError(
                400, f"Invalid value '{inner}' for allow_attached_volume flag."
            ) from None
    return inner
