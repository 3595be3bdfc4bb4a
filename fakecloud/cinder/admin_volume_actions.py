"""Three volume actions an admin (or, for the third, Nova's service user) sends: ``os-force_detach``
and ``os-extend_volume_completion`` (``cinder/api/contrib/admin_actions.py``) and
``os-unmanage`` (``cinder/api/contrib/volume_unmanage.py``), read in 12.0.10 to 29.0.0.

- ``os-force_detach``: the body's schema from 13.0.0 (``connector`` a string, object or null,
  ``attachment_id`` a string or null, nothing else; Queens reads it after the lookup and the
  policy: arguments that are no object are "Invalid value 'X' for os-force_detach."), the
  volume (404), the policy ``volume_extension:volume_admin_actions:force_detach`` (admin), then
  what ``os-terminate_connection`` and ``os-detach`` do, in that order and with their own
  policies and refusals (`VolumeAPI.terminate_connection`, `VolumeAPI.detach`): the body's
  ``connector`` goes to the driver (LIO's wants its ``initiator``: else the 500 "Unable to
  terminate volume connection from backend.", nothing changed; `Driver.terminate_connection`),
  a reserved volume back to ``available``, the attachment named (or the only one) finished,
  the volume ``available`` (``in-use`` while others remain). Answered 202.
- ``os-unmanage``: the volume (404), the policy ``volume_extension:volume_unmanage`` (admin),
  then the delete's checks with ``unmanage_only`` (`VolumeAPI.delete`): an encrypted volume is
  refused with ``Invalid(reason=...)``, whose text is Invalid's own "Unacceptable parameters."
  (the user message says why: "Unmanaging encrypted volumes is not supported."); the status
  must be one a delete accepts, the volume not attached, migrating or with snapshots (the
  delete's 400). The volume is ``unmanaging``, then the manager calls the driver's
  ``unmanage`` (the backend keeps the data, so its space stays taken), gives back the quota
  and destroys the row. From 28.0.0 a schema that accepts any value. Answered 202.
- ``os-extend_volume_completion`` (Cinder 24.0.0 on, at every microversion: the handler has
  no version gate; 3.71 announces it): the schema (``error`` a string, boolean or null), the
  volume, the policy ``volume_extension:volume_admin_actions:extend_volume_completion``
  (admin), then ``API.extend_volume_completion``: a volume not ``extending`` is "Volume is not
  being extended."; one that is has no ``extend_new_size``/``extend_reservations`` admin
  metadata, which only a driver that defers the extend to Nova writes (none in 29.0.0, none
  here): "Required volume admin metadata is malformed or missing." (both 400). So no completion
  ever happens here, as in real Cinder with its own drivers.
"""

from __future__ import annotations

from typing import Any

from fakecloud.cinder import exception, messages, policy, validation
from fakecloud.cinder.controllers import bad_request, terminate_connection

FORCE_DETACH = "os-force_detach"
UNMANAGE = "os-unmanage"
EXTEND_COMPLETION = "os-extend_volume_completion"
#: The first Cinder that serves ``os-extend_volume_completion`` (2a1a0bc3e, 24.0.0).
EXTEND_COMPLETION_SINCE = 24
#: The first Cinder whose force-detach body has a schema.
FORCE_DETACH_SCHEMA_SINCE = 13

FORCE_DETACH_SCHEMA = validation._obj(
    {
        FORCE_DETACH: validation._obj(
            {
                "connector": {"type": ["string", "object", "null"]},
                "attachment_id": {"type": ["string", "null"]},
            }
        )
    },
    [FORCE_DETACH],
)
EXTEND_COMPLETION_SCHEMA = validation._obj(
    {EXTEND_COMPLETION: validation._obj({"error": {"type": ["string", "null", "boolean"]}})},
    [EXTEND_COMPLETION],
)


def serves(action: str, cinder_major: int) -> bool:
    """Whether Cinder `cinder_major` has `action` among these three."""
    if action == EXTEND_COMPLETION:
        return cinder_major >= EXTEND_COMPLETION_SINCE
    return action in (FORCE_DETACH, UNMANAGE)


def volume_admin_action(cinder: Any, context: Any, volume_id: str, body: dict[str, Any]) -> None:
    """Run the one action of `body` (one `serves` says this Cinder has); answered 202."""
    action = next(iter(body))
    if action == FORCE_DETACH:
        force_detach(cinder, context, volume_id, body)
    elif action == UNMANAGE:
        unmanage(cinder, context, volume_id)
    else:
        extend_volume_completion(cinder, context, volume_id, body)


def _admin_policy(cinder: Any, context: Any, name: str, volume: Any) -> None:
    policy.authorize(context, name, volume.project_id, cinder.policy_rules, volume.user_id)


def force_detach(cinder: Any, context: Any, volume_id: str, body: dict[str, Any]) -> None:
    """``VolumeAdminController._force_detach``."""
    queens = cinder.kernel.switches.series.cinder < FORCE_DETACH_SCHEMA_SINCE
    if not queens:
        validation.validate(FORCE_DETACH_SCHEMA, body)
    api = cinder.volume_api
    volume = api.get(context, volume_id)
    _admin_policy(cinder, context, "volume_extension:volume_admin_actions:force_detach", volume)
    args = body[FORCE_DETACH]
    if queens and not isinstance(args, dict):  # `.get` of what is no dict
        raise bad_request(f"Invalid value '{_py_str(args)}' for {FORCE_DETACH}.")
    terminate_connection(api, context, volume, args.get("connector"))
    api.detach(context, volume, args.get("attachment_id"))


def _py_str(value: Any) -> str:
    """``'%s' % value`` of a JSON value as Python holds it."""
    return str(value)


def unmanage(cinder: Any, context: Any, volume_id: str) -> None:
    """``VolumeUnmanageController.unmanage``: the lookup, the policy, the delete that keeps
    the backend's data (the body's one value is never read)."""
    api = cinder.volume_api
    volume = api.get(context, volume_id)
    _admin_policy(cinder, context, "volume_extension:volume_unmanage", volume)
    if volume.host and volume.encryption_key_id is not None:
        error = exception.Invalid(reason="Unmanaging encrypted volumes is not supported.")
        messages.record(
            cinder,
            messages.UNMANAGE_VOLUME,
            context.project_id,
            volume.id,
            exc=error,
            detail=messages.UNMANAGE_ENC_NOT_SUPPORTED,
        )
        raise error
    api.delete(context, volume, unmanage_only=True)


def extend_volume_completion(
    cinder: Any, context: Any, volume_id: str, body: dict[str, Any]
) -> None:
    """``VolumeAdminController._extend_volume_completion`` and
    ``API.extend_volume_completion`` up to its admin metadata read."""
    validation.validate(EXTEND_COMPLETION_SCHEMA, body)
    volume = cinder.volume_api.get(context, volume_id)
    name = "volume_extension:volume_admin_actions:extend_volume_completion"
    _admin_policy(cinder, context, name, volume)
    if volume.status != "extending":
        raise exception.InvalidVolume(reason="Volume is not being extended.")
    # extend_new_size/extend_reservations: no driver writes them (see the module's docstring)
    raise exception.InvalidVolume(reason="Required volume admin metadata is malformed or missing.")
