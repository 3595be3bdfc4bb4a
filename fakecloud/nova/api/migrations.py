"""``GET /os-migrations`` (``migrations.py``) and ``GET /servers/{id}/migrations[/{id}]``
(``server_migrations.py``), as 17.0.13, 21.2.4, 29.2.0 and 34.0.0 answer them:
``openstack server migration list``, novaclient ``migrations.list``, openstacksdk
``compute.migrations()``.

``/os-migrations`` (policy ``os_compute_api:os-migrations:index``, the admin's; from 32.0.0 also
a project manager's, who must ask for the own ``project_id`` (else ``index:all_projects``, the
admin's: 403) and sees the hosts null unless ``index:host`` allows them, as in the server's own
list) lists every resize and cold migration record: the query's ``status``, ``host`` (source or
destination), ``source_compute``, ``migration_type``, ``instance_uuid``, ``hidden`` (2.80:
``user_id``, ``project_id``) filter it; before 2.59 the whole query is the database's filters,
so ``uuid``, ``user_id`` and ``project_id`` (from 20.0.0) and ``node`` (from 22.0.0) filter too,
other parameters are ignored, and the rows come in id order; from 2.59 other parameters are
refused (400), the rows come newest first (``created_at``, ``id`` descending) and
``limit``/``marker`` (a migration's uuid) and ``changes-since`` (2.66 ``changes-before``) page
them, a full page ending with ``migrations_links``. The view: 2.23 adds ``migration_type``, 2.59
``uuid``, 2.80 ``user_id`` and ``project_id``; times as ``2026-01-01T00:00:04.011000``.

``/servers/{id}/migrations`` (2.23) lists a server's live migrations in progress (queued,
preparing, running, post-migrating) with their memory and disk progress as the libvirt monitor
last saved it; ``show`` of a resize's or cold migration's id is Nova's 404 'Migration X for
server Y is not live-migration.', of a finished one 'Live migration X for server Y is not in
progress.'. Its ``force_complete`` (2.22) and abort (``DELETE``, 2.24; 2.65 also a queued or
preparing one) go to the compute API (``openstack server migration force complete/abort``).
"""

from __future__ import annotations

import re
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.pagination import page_after_marker, whole_param
from fakecloud.nova import exception, flavors
from fakecloud.nova.api import schemas, views
from fakecloud.nova.api.server_search import normalized_window
from fakecloud.nova.api.wsgi import raise_http_conflict_for_instance_invalid_state
from fakecloud.nova.policies import MIGRATIONS, SERVER_MIGRATIONS, SERVICE_ROLE_SINCE
from fakecloud.sim.clock import stored_time

TYPES = "2.23"
FORCE_COMPLETE = "2.22"
ABORT = "2.24"
#: ``support_abort_in_queue``: an abort also takes a queued or preparing live migration.
ABORT_IN_QUEUE = "2.65"
#: ``server_migrations.py``'s ``in_progress`` statuses.
IN_PROGRESS = ("queued", "preparing", "running", "post-migrating")
PAGED = "2.59"
CHANGES_BEFORE = "2.66"
USER_PROJECT = "2.80"
#: The releases whose ``migration_get_all_by_filters`` knows ``user_id``/``project_id``
#: (c65aabded2, 20.0.0) and ``node`` (255b3f2f91, 22.0.0).
USER_PROJECT_FILTER_SINCE = 20
NODE_FILTER_SINCE = 22

#: ``source_compute``/``source_node``/``dest_*``: nulled for a caller the host rule refuses
#: (32.0.0 ``index:host``; the keys stay).
_HOST_FIELDS = ("dest_compute", "dest_host", "dest_node", "source_compute", "source_node")

_FILTERS = ("hidden", "host", "instance_uuid", "source_compute", "status", "migration_type")
_COMMON = {"type": "array", "items": {"type": "string"}}


def _query_schema(version: Any) -> dict[str, Any]:
    """``index_query_v259``/``v266``/``v280`` of ``schemas/migrations.py``."""
    props: dict[str, Any] = {name: _COMMON for name in _FILTERS}
    props["limit"] = schemas.single_param(schemas.non_negative_integer)
    props["marker"] = schemas.single_param({"type": "string"})
    props["changes-since"] = schemas.single_param({"type": "string", "format": "date-time"})
    if version >= CHANGES_BEFORE:
        props["changes-before"] = schemas.single_param({"type": "string", "format": "date-time"})
    if version >= USER_PROJECT:
        props["user_id"] = schemas.single_param({"type": "string"})
        props["project_id"] = schemas.single_param({"type": "string"})
    return {"type": "object", "properties": props, "additionalProperties": False}


_VALIDATORS: dict[str, Any] = {}


def _validator(version: Any) -> Any:
    key = "v280" if version >= USER_PROJECT else "v266" if version >= CHANGES_BEFORE else "v259"
    if key not in _VALIDATORS:
        _VALIDATORS[key] = schemas.QueryValidator(_query_schema(version))
    return _VALIDATORS[key]


def _flavor_id(nova: Any, flavor: Any) -> int | None:
    """A flavor's row id (null for an evacuation's record, which names none)."""
    return None if flavor is None else flavors.row_id(nova, flavor.flavorid)


def migration_view(
    nova: Any, fmt: Any, migration: Any, version: Any, prefix: Any
) -> dict[str, Any]:
    """One migration as ``MigrationsController._output`` shows it at `version`: from 2.23 a
    live migration in progress also carries self and bookmark ``links`` to its
    ``servers/{uuid}/migrations/{id}`` (17.0.13 and 34.0.0 ``_output``), under `prefix` (the
    request's ``link_prefix``)."""
    out: dict[str, Any] = {
        "created_at": fmt.stored_perfect(migration.created_at),
        "dest_compute": migration.dest_compute,
        "dest_host": migration.dest_host,
        "dest_node": migration.dest_node,
        "id": migration.id,
        "instance_uuid": migration.instance_uuid,
        "new_instance_type_id": _flavor_id(nova, migration.new_flavor),
        "old_instance_type_id": _flavor_id(nova, migration.old_flavor),
        "source_compute": migration.source_compute,
        "source_node": migration.source_node,
        "status": migration.status,
        "updated_at": fmt.stored_perfect(migration.updated_at),
    }
    if version >= TYPES:
        out["migration_type"] = migration.migration_type
        if migration.migration_type == "live-migration" and migration.status in IN_PROGRESS:
            collection = f"servers/{migration.instance_uuid}/migrations"
            out["links"] = views.links(prefix, collection, str(migration.id))
    if version >= PAGED:
        out["uuid"] = migration.uuid
    if version >= USER_PROJECT:
        out["user_id"] = migration.user_id
        out["project_id"] = migration.project_id
    return out


class MigrationsController:
    """``/os-migrations``."""

    def __init__(self, nova: Any):
        self.nova = nova
        self.fmt = views.Formatter(nova.kernel)

    def index(self, req: Request) -> Response:
        """Every migration the query keeps."""
        version = req.microversion
        if version >= PAGED:
            _validator(version).validate(req.query)
        self.nova.policy.authorize(req.context, MIGRATIONS % "index")
        with_hosts = self._project_and_hosts(req)
        rows = list((self.nova.db.migrations or {}).values())
        rows = [m for m in rows if self._kept(m, req)]
        if version >= PAGED:
            rows = self._window(req, rows, version)
            rows.sort(key=lambda m: (m.created_at, m.id), reverse=True)
            max_limit = self.nova.config.max_limit
            rows = page_after_marker(
                rows, req.arg("marker") or None, req.arg("limit"), max_limit, key=lambda m: m.uuid
            )
        prefix = req.link_prefix
        items = [migration_view(self.nova, self.fmt, m, version, prefix) for m in rows]
        if not with_hosts:
            for item in items:
                item.update(dict.fromkeys(_HOST_FIELDS))
        body: dict[str, Any] = {"migrations": items}
        if version >= PAGED:
            found = views.collection_links(
                req.link_prefix,
                req.query,
                items,
                "os-migrations",
                self.nova.config.max_limit,
                lambda item: item["uuid"],
            )
            if found:
                body["migrations_links"] = found
        return Response(200, body)

    def _project_and_hosts(self, req: Request) -> bool:
        """32.0.0's two checks after ``index`` (a project manager's list, 06699f26a5): no
        ``project_id`` asked, or another project's, needs ``index:all_projects`` (403); whether
        the hosts are shown is ``index:host`` (nova 32.0.0 migrations.py ``_index``). Before,
        ``index`` is the admin's and the hosts always shown."""
        if self.nova.kernel.switches.release.major < SERVICE_ROLE_SINCE:
            return True
        ctx, policy = req.context, self.nova.policy
        project_id = req.arg("project_id") if "project_id" in req.query else None
        if not project_id or project_id != ctx.project_id:
            policy.authorize(ctx, MIGRATIONS % "index:all_projects")
        return policy.authorize(ctx, MIGRATIONS % "index:host", fatal=False)

    def _kept(self, migration: Any, req: Request) -> bool:
        """``migration_get_all_by_filters``' filters (the last value of a repeated one): SQL
        ``=``, which MySQL's default collation makes case-insensitive. Before 2.59 the schema
        lets any parameter through and the whole query is the filters, so the release's own
        database filters apply at every microversion: ``uuid``, ``user_id``/``project_id``
        from 20.0.0 (c65aabded2; 2.80 names them in the schema), ``node`` from 22.0.0
        (255b3f2f91), ``hidden`` compared as a number (MySQL's ``tinyint = 'text'``: no
        fakecloud migration is hidden, so a value worth 0 keeps them all, any other none)."""
        query, arg = req.query, req.arg
        major = self.nova.kernel.switches.release.major
        if "uuid" in query and not _same(migration.uuid, arg("uuid")):
            return False
        if "status" in query and not _same(migration.status, arg("status")):
            return False
        if "host" in query:
            host = arg("host")
            if not (_same(migration.source_compute, host) or _same(migration.dest_compute, host)):
                return False
        elif "source_compute" in query and not _same(
            migration.source_compute, arg("source_compute")
        ):
            return False
        if major >= NODE_FILTER_SINCE and "node" in query:
            node = arg("node")
            if not (_same(migration.source_node, node) or _same(migration.dest_node, node)):
                return False
        for name in ("migration_type", "instance_uuid"):
            if name in query and not _same(getattr(migration, name), arg(name)):
                return False
        if "hidden" in query and _mysql_number(arg("hidden") or "") != 0:
            return False
        if major >= USER_PROJECT_FILTER_SINCE:
            for name in ("user_id", "project_id"):
                if name in query and not _same(getattr(migration, name), arg(name)):
                    return False
        return True

    def _window(self, req: Request, rows: list[Any], version: Any) -> list[Any]:
        """``changes-since`` (2.59) and ``changes-before`` (2.66) on ``updated_at`` (or the
        creation time of a row never updated)."""
        since = before = None
        if "changes-since" in req.query:
            since = schemas.parse_isotime(req.arg("changes-since") or "")
        if version >= CHANGES_BEFORE and "changes-before" in req.query:
            before = schemas.parse_isotime(req.arg("changes-before") or "")
        if since is not None and before is not None and before < since:
            raise HttpError(
                400, "The value of changes-since must be less than or equal to changes-before."
            )
        # The multi-cell lister looks the marker up first, and a limit of 0 queries no cell
        # (nova 17.0.13 and 34.0.0 compute/migration_list.py get_marker_record,
        # multi_cell_list.py get_records_sorted): neither reaches the normalizing query.
        marker = req.arg("marker") or None
        known = (m.uuid for m in (self.nova.db.migrations or {}).values())
        if marker is not None and marker not in known:
            raise HttpError(400, f"Marker {marker} could not be found.")
        if whole_param(req.arg("limit") or "1", "limit") == 0:
            return []
        since, before = normalized_window(since, before, self.nova)
        wall = self.nova.kernel.clock.wall_time

        def changed(m: Any) -> Any:
            return stored_time(wall(m.updated_at if m.updated_at is not None else m.created_at))

        if since is not None:
            rows = [m for m in rows if changed(m) >= since]
        if before is not None:
            rows = [m for m in rows if changed(m) <= before]
        return rows


class ServerMigrationsController:
    """``/servers/{id}/migrations[/{migration_id}]`` (2.23): live migrations in progress."""

    def __init__(self, nova: Any, servers: Any, service: Any):
        self.nova = nova
        self.servers = servers
        self.service = service

    def _instance(self, req: Request, rule: str, since: str = TYPES, query: bool = False) -> Any:
        """The server as `rule` lets the caller see it; with `query` (list and show) the query
        checked first: from 2.102 no parameter is known (``index_query_v2102``/
        ``show_query_v2102``, 34.0.0), so any is 400."""
        if req.microversion < since:
            raise HttpError(404, "The resource could not be found.")
        if query:
            schemas.refuse_any_query(req)
        return self.servers.get_authorized_server(
            req.context, req.params["server_id"], SERVER_MIGRATIONS % rule
        )

    def index(self, req: Request) -> Response:
        """The server's live migrations in progress (``get_migrations_in_progress_by_instance``
        of type ``live-migration``: queued, preparing, running, post-migrating)."""
        instance = self._instance(req, "index", query=True)
        with_hosts = True
        if self.nova.kernel.switches.release.major >= SERVICE_ROLE_SINCE:
            # 32.0.0 server_migrations.py index: the hosts as the host rule allows
            target = {"project_id": instance.project_id}
            rule = SERVER_MIGRATIONS % "index:host"
            with_hosts = self.nova.policy.authorize(req.context, rule, target, fatal=False)
        rows = [
            m
            for m in (self.nova.db.migrations or {}).values()
            if m.instance_uuid == instance.uuid
            and m.migration_type == "live-migration"
            and m.status in IN_PROGRESS
        ]
        items = [self._view(m, req) for m in rows]
        if not with_hosts:
            for item in items:
                item.update(dict.fromkeys(_HOST_FIELDS))
        return Response(200, {"migrations": items})

    def _view(self, migration: Any, req: Request) -> dict[str, Any]:
        """``server_migrations.output``: the record with its memory and disk progress."""
        fmt = views.Formatter(self.nova.kernel)
        out: dict[str, Any] = {
            "created_at": fmt.stored_perfect(migration.created_at),
            "dest_compute": migration.dest_compute,
            "dest_host": migration.dest_host,
            "dest_node": migration.dest_node,
            "disk_processed_bytes": migration.disk_processed,
            "disk_remaining_bytes": migration.disk_remaining,
            "disk_total_bytes": migration.disk_total,
            "id": migration.id,
            "memory_processed_bytes": migration.memory_processed,
            "memory_remaining_bytes": migration.memory_remaining,
            "memory_total_bytes": migration.memory_total,
            "server_uuid": migration.instance_uuid,
            "source_compute": migration.source_compute,
            "source_node": migration.source_node,
            "status": migration.status,
            "updated_at": fmt.stored_perfect(migration.updated_at),
        }
        if req.microversion >= PAGED:
            out["uuid"] = migration.uuid
        if req.microversion >= USER_PROJECT:
            out["user_id"] = migration.user_id
            out["project_id"] = migration.project_id
        return out

    def show(self, req: Request) -> Response:
        """One live migration in progress, or Nova's 404s: no such migration of the server,
        not a live migration, not in progress."""
        instance = self._instance(req, "show", query=True)
        ident = req.params["migration_id"]
        server_id = req.params["server_id"]
        found = None
        if ident.isdigit():
            found = (self.nova.db.migrations or {}).get(int(ident))
        if found is None or found.instance_uuid != instance.uuid:
            raise HttpError(
                404, f"In-progress live migration {ident} is not found for server {server_id}."
            )
        if found.migration_type != "live-migration":
            raise HttpError(404, f"Migration {ident} for server {server_id} is not live-migration.")
        if found.status not in IN_PROGRESS:
            raise HttpError(
                404, f"Live migration {ident} for server {server_id} is not in progress."
            )
        return Response(200, {"migration": self._view(found, req)})

    def action(self, req: Request) -> Response:
        """``POST .../migrations/{id}/action`` ``force_complete`` (2.22): the compute API's
        ``live_migrate_force_complete`` (409 not active or not ``migrating``, locked; 400 no
        such migration of the server or not ``running``); 202."""
        name, body = self.service.action_peek(req)
        if name != "force_complete":
            raise HttpError(400, f"There is no such action: {name}")
        if req.microversion >= FORCE_COMPLETE:  # else the version's 404 below
            schemas.validator("force_complete").validate(body, req)
        instance = self._instance(req, "force_complete", FORCE_COMPLETE)
        ident = req.params["migration_id"]
        try:
            self.nova.compute_api.live_migrate_force_complete(req.context, instance, ident)
        except (exception.InvalidMigrationState, exception.MigrationNotFoundForInstance) as exc:
            raise HttpError(400, exc.format_message()) from None
        except exception.InstanceIsLocked as exc:
            raise HttpError(409, exc.format_message()) from None
        except exception.InstanceInvalidState as exc:
            raise_http_conflict_for_instance_invalid_state(
                exc, "force_complete", req.params["server_id"]
            )
        return Response(202)

    def delete(self, req: Request) -> Response:
        """``DELETE .../migrations/{id}`` (2.24), ``openstack server migration abort``: the
        compute API's ``live_migrate_abort`` (409 not ``migrating``, or locked; 404 no such
        migration of the server; 400 not running, or from 2.65 not queued, preparing or
        running); 202."""
        instance = self._instance(req, "delete", ABORT)
        ident = req.params["migration_id"]
        in_queue = req.microversion >= ABORT_IN_QUEUE
        try:
            self.nova.compute_api.live_migrate_abort(req.context, instance, ident, in_queue)
        except exception.InstanceInvalidState as exc:
            raise_http_conflict_for_instance_invalid_state(
                exc, "abort live migration", req.params["server_id"]
            )
        except exception.MigrationNotFoundForInstance as exc:
            raise HttpError(404, exc.format_message()) from None
        except exception.InvalidMigrationState as exc:
            raise HttpError(400, exc.format_message()) from None
        return Response(202)


def _same(value: Any, wanted: Any) -> bool:
    """``column = value`` under MySQL's default collation: text equal but for case matches."""
    if value == wanted:
        return True
    return isinstance(value, str) and isinstance(wanted, str) and value.lower() == wanted.lower()


_NUMBER_PREFIX = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _mysql_number(text: str) -> float:
    """A string's value as MySQL compares it with a number: its leading number, 0 without one
    (``'1abc'`` is 1, ``'true'`` 0)."""
    found = _NUMBER_PREFIX.match(text)
    return float(found.group(0)) if found else 0.0
