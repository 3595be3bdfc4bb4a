"""``/os-simple-tenant-usage`` (``nova/api/openstack/compute/simple_tenant_usage.py``): what
each project's servers used over a period (``openstack usage list`` / ``usage show``).

``GET /os-simple-tenant-usage`` (admin: ``os-simple-tenant-usage:list``) sums every project's
servers; ``GET /os-simple-tenant-usage/{tenant_id}`` (``:show``, the project's readers) one
project's, always detailed. The period is ``start``/``end`` (``%Y-%m-%dT%H:%M:%S``, with
``.%f``, or ``%Y-%m-%d %H:%M:%S.%f``; "now" when absent, and an ``end`` after now is now). The
servers counted are ``instance_get_active_by_window_joined``'s: launched before the end, not
terminated before the start, deleted ones included, in (project, uuid) order; each is charged
the hours it ran inside the period (``_hours_for``) times its flavor's vCPUs, RAM and disk.
From 2.40 ``limit``/``marker`` page the servers (``tenant_usages_links``/``tenant_usage_links``
when a page is full); before, a page is ``[api] max_limit`` servers with no link. From 2.75
unknown query parameters are refused. The same in every release from 17.0.0 (Queens).

Time is virtual: "now" is the cloud's clock, so a server that ran for ten virtual minutes is
charged 0.1667 hours.
"""

from __future__ import annotations

import datetime
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.microversion import Version
from fakecloud.api.pagination import whole_param
from fakecloud.nova.api import schemas, views
from fakecloud.nova.policies import SIMPLE_TENANT_USAGE
from fakecloud.sim.clock import stored_time

#: 2.40 pages the servers (``limit``, ``marker``) and adds the ``next`` links.
PAGING = "2.40"
#: 2.75 refuses unknown query parameters.
STRICT_QUERY = "2.75"

#: ``_parse_datetime``'s formats, tried in this order.
_FORMATS = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%d %H:%M:%S.%f")
_PERFECT = "%Y-%m-%dT%H:%M:%S.%f"
_COLLECTION = "os-simple-tenant-usage"

_VALIDATORS: dict[tuple[bool, str], schemas.QueryValidator] = {}


def _query_validator(show: bool, version: Version) -> schemas.QueryValidator:
    """``schemas/simple_tenant_usage.py``: ``index_query``/``show_query`` (``start``, ``end``
    and, listing, ``detailed``), ``_v240`` with the pagination parameters, ``_v275`` strict."""
    key = "2.75" if version >= STRICT_QUERY else PAGING if version >= PAGING else "2.1"
    found = _VALIDATORS.get((show, key))
    if found is None:
        string = {"type": "array", "items": {"type": "string"}}
        properties: dict[str, Any] = {"start": string, "end": string}
        if not show:
            properties["detailed"] = string
        if key != "2.1":
            properties["limit"] = {"type": "array", "items": schemas.non_negative_integer}
            properties["marker"] = string
        schema = {"type": "object", "properties": properties}
        schema["additionalProperties"] = key != "2.75"
        found = _VALIDATORS[(show, key)] = schemas.QueryValidator(schema)
    return found


def _first(req: Request, name: str) -> str | None:
    """``urlparse.parse_qs(QUERY_STRING).get(name, [None])[0]``: the first non-blank value."""
    for value in req.query.get(name, ()):
        if value:
            return value
    return None


def _parse_datetime(text: str | None, now: datetime.datetime) -> datetime.datetime:
    """``_parse_datetime``: now when absent, else the first of Nova's formats that parses."""
    if not text:
        return now
    for fmt in _FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt)
        except ValueError:
            pass
    raise HttpError(400, "Invalid datetime string: Datetime is in invalid format")


class SimpleTenantUsageController:
    """Usage of the projects' servers over a period, in virtual time."""

    def __init__(self, nova: Any):
        self.nova = nova

    def index(self, req: Request) -> Response:
        """``GET /os-simple-tenant-usage``: every project's usage (admin)."""
        _query_validator(False, req.microversion).validate(req.query)
        self.nova.policy.authorize(req.context, SIMPLE_TENANT_USAGE % "list")
        start, stop = self._period(req)
        detailed = _first(req, "detailed") == "1"
        limit, marker = self._limit_and_marker(req)
        usages, server_usages = self._usages_for_period(start, stop, None, detailed, limit, marker)
        body: dict[str, Any] = {"tenant_usages": usages}
        if req.microversion >= PAGING:
            found = self._links(req, server_usages, _COLLECTION)
            if found:
                body["tenant_usages_links"] = found
        return Response(200, body)

    def show(self, req: Request) -> Response:
        """``GET /os-simple-tenant-usage/{tenant_id}``: one project's usage, detailed; ``{}``
        when none of its servers ran in the period."""
        _query_validator(True, req.microversion).validate(req.query)
        tenant_id = req.params["tenant_id"]
        self.nova.policy.authorize(
            req.context, SIMPLE_TENANT_USAGE % "show", {"project_id": tenant_id}
        )
        start, stop = self._period(req)
        limit, marker = self._limit_and_marker(req)
        usages, server_usages = self._usages_for_period(start, stop, tenant_id, True, limit, marker)
        body: dict[str, Any] = {"tenant_usage": usages[0] if usages else {}}
        if req.microversion >= PAGING:
            found = self._links(req, server_usages, f"{_COLLECTION}/{tenant_id}")
            if found:
                body["tenant_usage_links"] = found
        return Response(200, body)

    # -- the period and the page ---------------------------------------------------------------

    def _period(self, req: Request) -> tuple[datetime.datetime, datetime.datetime]:
        """``_parse_qs_params``, then the end capped at now.

        Nova reads the clock once for each absent bound, so a request without ``end`` has
        its end a moment after its start; on the virtual clock both are the same instant,
        and an absent ``end`` is taken as later than a start at now (no 400)."""
        now = self.nova.kernel.clock.wall_time()
        start = _parse_datetime(_first(req, "start"), now)
        end_text = _first(req, "end")
        stop = _parse_datetime(end_text, now)
        if not (start < stop or (end_text is None and start == stop)):
            raise HttpError(
                400, "Invalid start time. The start time cannot occur after the end time."
            )
        return start, min(stop, now)

    def _limit_and_marker(self, req: Request) -> tuple[int, str | None]:
        """``[api] max_limit`` and no marker before 2.40; ``common.get_limit_and_marker``
        from 2.40 (the last ``limit``, at most ``max_limit``, and the last ``marker``)."""
        max_limit = self.nova.config.max_limit
        if req.microversion < PAGING:
            return max_limit, None
        limit = req.arg("limit")
        count = whole_param(limit, "limit") if limit is not None else max_limit
        return min(max_limit, count), req.arg("marker")

    def _links(self, req: Request, server_usages: list[dict], collection: str) -> list[dict]:
        """``usages.ViewBuilder.get_links``: a ``next`` link after the page's last server."""
        return views.collection_links(
            req.link_prefix,
            req.query,
            server_usages,
            collection,
            self.nova.config.max_limit,
            lambda usage: usage["instance_id"],
        )

    # -- the usage --------------------------------------------------------------------------

    def _stored(self, t: float) -> datetime.datetime:
        """A server's ``launched_at``/``terminated_at`` as Nova reads it back from its
        database, the window's query too: MySQL's whole second (`stored_time`)."""
        return stored_time(self.nova.kernel.clock.wall_time(t))

    def _instances(
        self,
        start: datetime.datetime,
        stop: datetime.datetime,
        tenant_id: str | None,
        limit: int,
        marker: str | None,
    ) -> list[Any]:
        """``instance_get_active_by_window_joined``: rows (deleted ones too) not terminated
        before `start` and launched before `stop`, by (project, uuid), after the marker's
        row (400 "Marker X could not be found." when no row has that uuid), `limit` of them."""
        db = self.nova.db
        stored = self._stored
        rows = [
            row
            for row in db.instances.values()
            if (row.terminated_at is None or stored(row.terminated_at) > start)
            and row.launched_at is not None
            and stored(row.launched_at) < stop
            and (tenant_id is None or row.project_id == tenant_id)
        ]
        rows.sort(key=lambda row: (row.project_id or "", row.uuid))
        if marker is not None:
            found = db.instance_row(marker)
            if found is None or not db.was_built(marker):  # a build deleted early: in no cell
                raise HttpError(400, f"Marker {marker} could not be found.")
            after = (found.project_id or "", found.uuid)
            rows = [row for row in rows if (row.project_id or "", row.uuid) > after]
        return rows[:limit]

    def _usages_for_period(
        self,
        start: datetime.datetime,
        stop: datetime.datetime,
        tenant_id: str | None,
        detailed: bool,
        limit: int,
        marker: str | None,
    ) -> tuple[list[dict], list[dict]]:
        """``_tenant_usages_for_period``: one summary per project (in the rows' order) and
        every server's usage."""
        wall = self.nova.kernel.clock.wall_time
        now = wall()
        summaries: dict[str, dict[str, Any]] = {}
        server_usages = []
        for row in self._instances(start, stop, tenant_id, limit, marker):
            flavor = row.flavor
            launched = self._stored(row.launched_at)
            ended = self._stored(row.terminated_at) if row.terminated_at is not None else None
            hours = _hours_for(launched, ended, start, stop)
            info: dict[str, Any] = {
                "hours": hours,
                "flavor": flavor.name,
                "instance_id": row.uuid,
                "name": row.display_name,
                "tenant_id": row.project_id,
                "memory_mb": flavor.memory_mb,
                "local_gb": flavor.root_gb + flavor.ephemeral_gb,
                "vcpus": flavor.vcpus,
                "started_at": launched.strftime(_PERFECT),
                "ended_at": ended.strftime(_PERFECT) if ended is not None else None,
                "state": "terminated" if ended is not None else row.vm_state,
                "uptime": int(((ended or now) - launched).total_seconds()),
            }
            summary = summaries.get(row.project_id)
            if summary is None:
                summary = summaries[row.project_id] = {"tenant_id": row.project_id}
                if detailed:
                    summary["server_usages"] = []
                summary.update(
                    total_local_gb_usage=0,
                    total_vcpus_usage=0,
                    total_memory_mb_usage=0,
                    total_hours=0,
                    start=start.strftime(_PERFECT),
                    stop=stop.strftime(_PERFECT),
                )
            summary["total_local_gb_usage"] += info["local_gb"] * hours
            summary["total_vcpus_usage"] += info["vcpus"] * hours
            summary["total_memory_mb_usage"] += info["memory_mb"] * hours
            summary["total_hours"] += hours
            server_usages.append(info)
            if detailed:
                summary["server_usages"].append(info)
        return list(summaries.values()), server_usages


def _hours_for(
    launched: datetime.datetime,
    terminated: datetime.datetime | None,
    start: datetime.datetime,
    stop: datetime.datetime,
) -> float:
    """``_hours_for``: the hours between the later of launch and `start` and the earlier of
    termination and `stop` (0 outside the period)."""
    if terminated is not None and terminated < start:
        return 0
    if launched > stop:
        return 0
    begin = max(launched, start)
    end = min(stop, terminated) if terminated is not None else stop
    return (end - begin).total_seconds() / 3600.0
