"""``/os-assisted-volume-snapshots`` (``nova/api/openstack/compute/assisted_volume_snapshots.py``):
Cinder's NFS driver asking Nova to snapshot, or merge a snapshot out of, an attached volume.

In every microversion from 2.1; the policy is the service's (``rule:service_or_admin`` from
32.0.0, the admin's before, Queens' ``rule:admin_api``). ``POST`` checks its body with the
``create`` schema (``create_info``: ``snapshot_id``, ``type`` ``qcow2``, ``new_file``, optional
``id``) and answers 200 ``{"snapshot": {"id": create_info's id or null, "volumeId": ...}}``;
``DELETE /{id}?delete_info=<JSON with volume_id>`` answers 204. Nova's faults: 400 for a bad
body, a ``delete_info`` that is missing or no JSON or has no ``volume_id``, a volume without
mappings, a server with no host or a task in progress; a volume with several mappings is the
create's 400 and the delete's unexpected 500 (its ``VolumeBDMIsMultiAttach`` is not caught);
2.75 refuses other query parameters of the delete. The work is the server's host's
(`fakecloud.nova.virt.volume_snapshots`).
"""

from __future__ import annotations

import json
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova import exception
from fakecloud.nova.api import schemas
from fakecloud.nova.api.wsgi import NovaApiService, unexpected_error
from fakecloud.nova.compute import assisted_snapshots
from fakecloud.nova.policies import ASSISTED_VOLUME_SNAPSHOTS

_NON_EMPTY = {"type": "string", "minLength": 1}
CREATE = schemas.SchemaValidator(
    {
        "type": "object",
        "properties": {
            "snapshot": {
                "type": "object",
                "properties": {
                    "volume_id": _NON_EMPTY,
                    "create_info": {
                        "type": "object",
                        "properties": {
                            "snapshot_id": _NON_EMPTY,
                            "type": {"type": "string", "enum": ["qcow2"]},
                            "new_file": _NON_EMPTY,
                            "id": _NON_EMPTY,
                        },
                        "required": ["snapshot_id", "type", "new_file"],
                        "additionalProperties": False,
                    },
                },
                "required": ["volume_id", "create_info"],
                "additionalProperties": False,
            }
        },
        "required": ["snapshot"],
        "additionalProperties": False,
    }
)
#: ``delete_query`` (unknown parameters kept) and ``delete_query_v275`` (refused).
DELETE_QUERY = {
    False: schemas.query_validator(True, delete_info="string"),
    True: schemas.query_validator(False, delete_info="string"),
}
_REFUSED = (exception.VolumeBDMNotFound, exception.Invalid)


class AssistedVolumeSnapshotsController:
    """``AssistedVolumeSnapshotsController``."""

    def __init__(self, nova: Any):
        self.nova = nova

    def create(self, req: Request) -> Response:
        """Check, then cast the snapshot to the volume's server's host."""
        body = NovaApiService.body(req)
        CREATE.validate(body, req)
        context = req.context
        self.nova.policy.authorize(context, ASSISTED_VOLUME_SNAPSHOTS % "create", {})
        snapshot = body["snapshot"]
        try:
            answer = assisted_snapshots.volume_snapshot_create(
                self.nova, context, snapshot["volume_id"], snapshot["create_info"]
            )
        except _REFUSED as error:
            raise HttpError(400, error.format_message()) from None
        return Response(200, answer)

    def delete(self, req: Request) -> Response:
        """Check, then cast the merge to the volume's server's host (204)."""
        snapshot_id = req.params["id"]
        DELETE_QUERY[req.microversion >= "2.75"].validate(req.query)
        context = req.context
        self.nova.policy.authorize(context, ASSISTED_VOLUME_SNAPSHOTS % "delete", {})
        try:
            # ``req.GET``'s last value, as ``dict.update`` of a MultiDict gives
            delete_info = json.loads(req.query["delete_info"][-1])
            volume_id = delete_info["volume_id"]
        except (KeyError, ValueError) as e:
            raise HttpError(400, str(e)) from None
        except TypeError as e:
            # delete_info is JSON but no object (5, [], "x", null): Nova catches only KeyError
            # and ValueError (17.0.13 to HEAD), so its unexpected 500, on purpose here.
            raise unexpected_error(e, self.nova.kernel.switches.api_support_string) from None
        try:
            assisted_snapshots.volume_snapshot_delete(
                self.nova, context, volume_id, snapshot_id, delete_info
            )
        except exception.VolumeBDMNotFound as error:
            raise HttpError(400, error.format_message()) from None
        except exception.NotFound as error:
            raise HttpError(404, error.format_message()) from None
        except assisted_snapshots.VolumeBDMIsMultiAttach as error:
            # the create catches it; the delete never did (17.0.0-HEAD): its 500
            raise unexpected_error(error, self.nova.kernel.switches.api_support_string) from None
        except exception.Invalid as error:
            raise HttpError(400, error.format_message()) from None
        return Response(204, None)
