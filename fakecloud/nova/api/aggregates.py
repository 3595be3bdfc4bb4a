"""``/os-aggregates``: host aggregates and the availability zones an operator makes with them
(``nova/api/openstack/compute/aggregates.py`` and ``schemas/aggregates.py`` with ``AggregateAPI``
of ``nova/compute/api.py``, 17.0.13/20.6.0/25.2.1/29.2.0/34.0.0): ``openstack aggregate
create/list/show/set/unset/add host/remove host/delete``, novaclient's ``aggregates.*``,
openstacksdk's ``compute.aggregates()``; ``openstack hypervisor show`` lists a host's aggregates.

Create (200, without ``hosts``/``metadata``; 409 ``Aggregate X already exists.``), list, show,
update (name and/or zone; a name is saved before the zone is checked), delete (200; 400 while it
has hosts) and the actions ``add_host`` (404 for a host without nova-compute, 409 for a host
already in it or in an aggregate of another zone), ``remove_host`` (404 ``Cannot remove host X
in aggregate Y``; a host named in another case is found by MySQL's case-insensitive look-ups and
its row deleted, then ``Aggregate.delete_host``'s ``hosts.remove`` raises ValueError: a
500), ``set_metadata`` (null deletes a key). A zone cannot be emptied (400) nor changed while
the aggregate's hosts run servers (400, from 18.2.0: 8e19ef4173); from 29.0.2
(3c0eadae0b, 994358d582) adding or removing a host that runs servers is refused (409) when it
would move the host to another zone. Ids are integers (400 ``Invalid input received: id must
be an integer`` from 20.5.0: 2e70a1717f/4653245ddc; before, 404 as an unknown aggregate). The
uuid is shown from 2.41; ``POST /os-aggregates/{id}/images`` (2.81: pre-cache images on the
hosts) checks the images and answers 202, the cache itself is not modelled. Unknown query
parameters of list/show are refused from 2.102. Policies ``os_compute_api:os-aggregates:*``
and ``compute:aggregates:images`` (admin; ``rule:admin_api`` before 21.0.0).

Not modelled: MySQL's case-insensitive names and metadata keys (a key differing only in case
is a 400 on a real cloud), the aggregate notifications, placement aggregates.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova import aggregates, exception, services
from fakecloud.nova.api import schemas, views
from fakecloud.nova.api.services import HOST
from fakecloud.nova.policies import AGGREGATE_IMAGES, AGGREGATES

#: The uuid in the view.
UUID_SHOWN = "2.41"
#: ``POST /os-aggregates/{id}/images``.
IMAGES = "2.81"
#: ``index_query_v2102``/``show_query_v2102``.
STRICT_QUERY = "2.102"
#: ``utils.validate_integer(id, 'id')`` in every handler (2e70a1717f in 21.0.0; 20.5.0).
ID_CHECKED_SINCE = (20, 5, 0)
#: ``is_safe_to_update_az(check_no_instances_in_az=True)`` (8e19ef4173 in 19.0.0; 18.2.0).
NO_RENAME_WITH_SERVERS_SINCE = (18, 2, 0)
#: ``ensure_no_instances_need_to_move_az_when_host_added/removed`` (3c0eadae0b, 30.0.0;
#: 994358d582 in 29.0.2).
NO_MOVE_WITH_SERVERS_SINCE = (29, 0, 2)

_ZONE = {"oneOf": [schemas.az_name, {"type": "null"}]}
_SPACED_ZONE = {"oneOf": [schemas.az_name_with_leading_trailing_spaces, {"type": "null"}]}


def _body(action: str, props: dict[str, Any], **extra: Any) -> schemas.SchemaValidator:
    inner = {"type": "object", "properties": props, "additionalProperties": False, **extra}
    schema = {
        "type": "object",
        "properties": {action: inner},
        "required": [action],
        "additionalProperties": False,
    }
    # ``create_v20``/``update_v20`` on ``/v2/``: names and zones with leading/trailing spaces
    v20 = schemas.spaced_names(schema, action, "name", availability_zone=_SPACED_ZONE)
    return schemas.SchemaValidator(schema, v20=v20 if action == "aggregate" else None)


_CREATE = _body("aggregate", {"name": schemas.name, "availability_zone": _ZONE}, required=["name"])
#: ``update``: its name may have leading and trailing spaces at every microversion.
_UPDATE = _body(
    "aggregate",
    {"name": schemas.name_with_leading_trailing_spaces, "availability_zone": _ZONE},
    anyOf=[{"required": ["name"]}, {"required": ["availability_zone"]}],
)
_ADD_HOST = _body("add_host", {"host": HOST}, required=["host"])
_REMOVE_HOST = _body("remove_host", {"host": HOST}, required=["host"])
_SET_METADATA = _body(
    "set_metadata", {"metadata": schemas.metadata_with_null}, required=["metadata"]
)
_IMAGES = schemas.SchemaValidator(
    {
        "type": "object",
        "properties": {
            "cache": {
                "type": ["array"],
                "minItems": 1,
                "items": {
                    "type": "object",
                    "properties": {"id": schemas.uuid_param},
                    "additionalProperties": False,
                    "required": ["id"],
                },
            }
        },
        "required": ["cache"],
        "additionalProperties": False,
    }
)


class AggregateController:
    """Host aggregates, for admins."""

    def __init__(self, nova: Any, service: Any):
        self.nova = nova
        self.service = service
        self.fmt = views.Formatter(nova.kernel)

    def _since(self, version: tuple[int, int, int]) -> bool:
        return self.nova.kernel.switches.release.version >= version

    def _authorize(self, req: Request, rule: str) -> None:
        policy = self.nova.policy
        # 21.0.0 passes an empty target; before, the caller's own project (the default).
        policy.authorize(req.context, rule, None if policy.legacy else {})

    def _check_id(self, req: Request) -> None:
        """``utils.validate_integer(id, 'id')`` (20.5.0+; before, a bad id is not found)."""
        if self._since(ID_CHECKED_SINCE):
            try:
                int(str(req.params["id"]))
            except ValueError:
                raise HttpError(400, "Invalid input received: id must be an integer") from None

    def _get(self, req: Request, not_found: str | None = None) -> aggregates.Aggregate:
        """``validate_integer`` then ``Aggregate.get_by_id`` (404)."""
        self._check_id(req)
        ident = req.params["id"]
        row = aggregates.aggregate_get(self.nova, ident)
        if row is None:
            raise HttpError(404, not_found or f"Aggregate {ident} could not be found.")
        return row

    def view(self, req: Request, row: aggregates.Aggregate, full: bool = True) -> dict[str, Any]:
        """``_marshall_aggregate``: the object's fields (no hosts/metadata after a create)."""
        found: dict[str, Any] = {"id": row.id}
        if req.microversion >= UUID_SHOWN:
            found["uuid"] = row.uuid
        found["name"] = row.name
        if full:
            found["hosts"] = list(row.hosts)
            found["metadata"] = dict(row.metadata)
        found["created_at"] = self.fmt.stored_perfect(row.created_at)
        found["updated_at"] = self.fmt.stored_perfect(row.updated_at)
        found["deleted_at"] = None
        found["deleted"] = False
        found["availability_zone"] = row.availability_zone
        return found

    def _zone_checks(
        self, row: aggregates.Aggregate, metadata: dict[str, Any], reason: str, hosts: list[str]
    ) -> None:
        """``is_safe_to_update_az``: `reason` is the exception's words before ``Reason:``."""
        if "availability_zone" not in metadata:
            return
        zone = metadata["availability_zone"]
        if not zone:
            why = f"Aggregate {row.name} does not support empty named availability zone"
            raise exception.Invalid(f"{reason} {row.id}. Reason: {why}.")
        conflicting = [
            a.availability_zone
            for a in aggregates.aggregate_get_all(self.nova)
            if a.availability_zone is not None
            and any(h in hosts for h in a.hosts)
            and a.availability_zone != zone
            and a.id != row.id
        ]
        if conflicting:
            why = f"One or more hosts already in availability zone(s) {conflicting!r}"
            raise exception.Invalid(f"{reason} {row.id}. Reason: {why}.")
        renames = reason != _ADD and row.availability_zone != zone
        if (
            renames
            and self._since(NO_RENAME_WITH_SERVERS_SINCE)
            and any(self.nova.db.host_load(h) for h in hosts)
        ):
            why = "One or more hosts contain instances in this zone"
            raise exception.Invalid(f"{reason} {row.id}. Reason: {why}.")

    # -- handlers ----------------------------------------------------------------------------

    def index(self, req: Request) -> Response:
        """``GET /os-aggregates``."""
        schemas.query_validator(req.microversion < STRICT_QUERY).validate(req.query)
        self._authorize(req, AGGREGATES % "index")
        rows = aggregates.aggregate_get_all(self.nova)
        return Response(200, {"aggregates": [self.view(req, r) for r in rows]})

    def create(self, req: Request) -> Response:
        """``POST /os-aggregates``: 200 with the new aggregate (no hosts, no metadata)."""
        body = self.service.body(req)
        _CREATE.validate(body, req)
        self._authorize(req, AGGREGATES % "create")
        entity = body["aggregate"]
        name = entity["name"].strip()
        zone = entity.get("availability_zone")
        row = aggregates.aggregate_create(self.nova, name, zone.strip() if zone else zone)
        if row is None:
            raise HttpError(409, f"Aggregate {name} already exists.")
        answer = self.view(req, row, full=False)
        # the row SQLAlchemy just inserted: its Python default, fraction and all (nova 34.0.0
        # objects/aggregate.py _aggregate_create_in_db), not the second MySQL stored
        answer["created_at"] = self.fmt.perfect(row.created_at)
        return Response(200, {"aggregate": answer})

    def show(self, req: Request) -> Response:
        """``GET /os-aggregates/{id}``."""
        schemas.query_validator(req.microversion < STRICT_QUERY).validate(req.query)
        self._authorize(req, AGGREGATES % "show")
        return Response(200, {"aggregate": self.view(req, self._get(req))})

    def update(self, req: Request) -> Response:
        """``PUT /os-aggregates/{id}``: the name (saved first), then the zone."""
        body = self.service.body(req)
        _UPDATE.validate(body, req)
        self._authorize(req, AGGREGATES % "update")
        values = dict(body["aggregate"])
        row = self._get(req)
        renamed = False
        if "name" in values:
            name = values.pop("name").strip()
            if any(
                a.name == name and a.id != row.id for a in aggregates.aggregate_get_all(self.nova)
            ):
                raise HttpError(409, f"Aggregate {name} already exists.")
            renamed = name != row.name
            if renamed:
                row.name = name
                row.updated_at = self.nova.kernel.now
        self._invalid_is(400, self._zone_checks, row, values, _UPDATE_WHY, row.hosts)
        answer = self.view(req, row)
        if renamed:  # the save's own onupdate time on the session's row, not read back
            answer["updated_at"] = self.fmt.perfect(row.updated_at)
        if values:
            self._update_metadata(row, values)
            answer = self.view(req, row)
            answer["updated_at"] = self.fmt.perfect(self.nova.kernel.now)
        return Response(200, {"aggregate": answer})

    def delete(self, req: Request) -> Response:
        """``DELETE /os-aggregates/{id}``: 200, no body; 400 while it has hosts."""
        self._authorize(req, AGGREGATES % "delete")
        row = self._get(req)
        if row.hosts:
            raise HttpError(
                400,
                f"Cannot remove host from aggregate {row.id}. Reason: Host aggregate is not empty.",
            )
        aggregates.aggregate_destroy(self.nova, row)
        return Response(200)

    def action(self, req: Request) -> Response:
        """``POST /os-aggregates/{id}/action``: ``add_host``, ``remove_host``, ``set_metadata``."""
        name, body = self.service.action_peek(req)
        if name == "add_host":
            return self._add_host(req, body)
        if name == "remove_host":
            return self._remove_host(req, body)
        if name == "set_metadata":
            return self._set_metadata(req, body)
        raise HttpError(400, f"There is no such action: {name}")

    def _add_host(self, req: Request, body: Any) -> Response:
        _ADD_HOST.validate(body, req)
        host = body["add_host"]["host"]
        self._authorize(req, AGGREGATES % "add_host")
        self._check_id(req)
        if services.compute_service(self.nova, host) is None:
            raise HttpError(404, f"Compute host {host} could not be found.")
        row = self._get(req)
        self._invalid_is(409, self._zone_checks, row, row.metadata, _ADD, [host])
        if self._since(NO_MOVE_WITH_SERVERS_SINCE):
            new = row.availability_zone
            old = aggregates.host_zones(self.nova, host)
            self._moves(row, host, _ADD, "added to", old[0] if old else None, new)
        if host in row.hosts:
            raise HttpError(409, f"Aggregate {row.id} already has host {host}.")
        row.hosts.append(host)
        return Response(200, {"aggregate": self.view(req, row)})

    def _remove_host(self, req: Request, body: Any) -> Response:
        _REMOVE_HOST.validate(body, req)
        host = body["remove_host"]["host"]
        self._authorize(req, AGGREGATES % "remove_host")
        gone = f"Cannot remove host {host} in aggregate {req.params['id']}"
        self._check_id(req)
        # The look-ups by host are SQL '=': case-insensitive under MySQL's collation.
        found = services.compute_host_named(self.nova, host)
        if found is None:
            raise HttpError(404, gone)
        row = self._get(req, gone)
        if self._since(NO_MOVE_WITH_SERVERS_SINCE) and row.availability_zone:
            others = [
                a.availability_zone
                for a in aggregates.aggregate_get_all(self.nova)
                if a.id != row.id and a.availability_zone is not None and found in a.hosts
            ]
            new = others[0] if others else None
            self._moves(row, found, _REMOVE, "removed from", row.availability_zone, new)
        if found not in row.hosts:
            raise HttpError(404, gone)
        row.hosts.remove(found)
        if found != host:
            # ``Aggregate.delete_host``: the row went (case-insensitively), then
            # ``self.hosts.remove(host)`` meets a name the list does not hold: a 500.
            raise ValueError("list.remove(x): x not in list")
        return Response(200, {"aggregate": self.view(req, row)})

    def _set_metadata(self, req: Request, body: Any) -> Response:
        _SET_METADATA.validate(body, req)
        self._authorize(req, AGGREGATES % "set_metadata")
        row = self._get(req)
        metadata = body["set_metadata"]["metadata"]
        self._invalid_is(400, self._zone_checks, row, metadata, _META, row.hosts)
        self._update_metadata(row, metadata)
        answer = self.view(req, row)
        answer["updated_at"] = self.fmt.perfect(self.nova.kernel.now)
        return Response(200, {"aggregate": answer})

    def images(self, req: Request) -> Generator[Any, Any, Response]:
        """``POST /os-aggregates/{id}/images`` (2.81): 202 once every image is found."""
        if req.microversion < IMAGES:
            raise HttpError(404, "The resource could not be found.")
        body = self.service.body(req)
        _IMAGES.validate(body, req)
        self._authorize(req, AGGREGATE_IMAGES)
        self._check_id(req)
        ids = [entry["id"] for entry in body["cache"]]
        if len(set(ids)) != len(ids):
            raise HttpError(400, "Duplicate images in request")
        self._get(req)
        for image_id in ids:
            try:
                yield from self.nova.image_api.get(req.context, image_id, name_only=True)
            except exception.ImageNotFound as exc:
                raise HttpError(400, exc.format_message()) from None
        return Response(202)

    # -- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _invalid_is(status: int, check: Any, *args: Any) -> None:
        """Run `check`; its ``InvalidAggregateAction`` answers `status`."""
        try:
            check(*args)
        except exception.Invalid as exc:
            raise HttpError(status, exc.format_message()) from None

    def _moves(
        self, row: aggregates.Aggregate, host: str, reason: str, verb: str, old: Any, new: Any
    ) -> None:
        """``ensure_no_instances_need_to_move_az_when_host_added/removed`` (409)."""
        count = self.nova.db.host_load(host)
        if not count or old == new or (verb == "added to" and not new):
            return
        why = (
            f"The host cannot be {verb} the aggregate as the availability zone of the host "
            f"would change from '{old}' to '{new}' but the host already has {count} "
            "instance(s). Changing the AZ of an existing instance is not supported by this "
            "action. Move the instances away from this host then try again. If you need to "
            "move the instances between AZs then you can use shelve_offload and unshelve to "
            "achieve this."
        )
        raise HttpError(409, f"{reason} {row.id}. Reason: {why}.")

    @staticmethod
    def _update_metadata(row: aggregates.Aggregate, updates: dict[str, Any]) -> None:
        """``Aggregate.update_metadata``: a null value deletes its key."""
        for key, value in updates.items():
            if value is None:
                row.metadata.pop(key, None)
            else:
                row.metadata[key] = value


_ADD = "Cannot add host to aggregate"
_REMOVE = "Cannot remove host from aggregate"
_UPDATE_WHY = "Cannot update aggregate"
_META = "Cannot update metadata of aggregate"
