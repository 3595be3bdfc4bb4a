"""Nova's host aggregates and the availability zones they make (``nova/objects/aggregate.py``,
``AggregateAPI`` of ``nova/compute/api.py``, ``nova/availability_zones.py``, the scheduler's
zone filters; 17.0.13/20.6.0/25.2.1/29.2.0/34.0.0).

An aggregate is a named set of compute hosts with metadata; the metadata key
``availability_zone`` puts its hosts in that zone (``get_host_availability_zone``: the first such
aggregate's by id; a host in none is in ``[DEFAULT] default_availability_zone``, config
``nova.availability_zone``). Ids are the API database's autoincrement (never reused); each
aggregate's uuid (2.41) is drawn from the cloud's seed in a stream of its own, so no other id
shifts. Only what an operator made is stored (`NovaDB.aggregates`, None until the first
aggregate): a cloud without any saves as before.

Scheduling into a requested zone (`zone_filter`): before 24.0.0 the ``AvailabilityZoneFilter``
(in the default ``enabled_filters``) passes a host whose zone is the one asked for; from 24.0.0
the ``map_az_to_placement_aggregate`` request filter (``query_placement_for_availability_zone``
on by default, the filter gone from the defaults) limits the candidates to the members of the
aggregates with that zone, and to nothing else: a zone no aggregate names (the default zone)
leaves every host a candidate, hosts of other zones included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fakecloud.sim.ids import stream, uuid4_text

ZONE_KEY = "availability_zone"
#: The first release scheduling by zone through placement aggregates (24.0.0 made
#: ``query_placement_for_availability_zone`` default True and dropped the filter).
PLACEMENT_ZONES_SINCE = 24


@dataclass
class Aggregate:
    """One row of the API database's ``aggregates`` with its hosts and metadata."""

    id: int
    uuid: str
    name: str
    created_at: float
    updated_at: float | None = None
    hosts: list[str] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def availability_zone(self) -> str | None:
        """The ``availability_zone`` metadata (``obj_extra_fields``), or None."""
        return self.metadata.get(ZONE_KEY)


@dataclass
class AggregateTable:
    """The aggregates an operator made, by id, and the table's autoincrement."""

    rows: dict[int, Aggregate] = field(default_factory=dict)
    last_id: int = 0


def aggregate_get_all(nova: Any) -> list[Aggregate]:
    """``AggregateList.get_all``: by id."""
    table = nova.db.aggregates
    return [] if table is None else list(table.rows.values())


def aggregate_get(nova: Any, ident: Any) -> Aggregate | None:
    """``Aggregate.get_by_id``, or None."""
    table = nova.db.aggregates
    if table is None:
        return None
    try:
        return table.rows.get(int(str(ident)))
    except ValueError:
        return None


def aggregate_create(nova: Any, name: str, zone: str | None) -> Aggregate | None:
    """``Aggregate.create``: the new row, or None when the name is taken
    (``AggregateNameExists``)."""
    if any(a.name == name for a in aggregate_get_all(nova)):
        return None
    if nova.db.aggregates is None:
        nova.db.aggregates = AggregateTable()
    table = nova.db.aggregates
    table.last_id += 1
    ident = table.last_id
    bits = stream(nova.kernel.ids.seed, f"nova.aggregate:{ident}").getrandbits(128)
    row = Aggregate(ident, uuid4_text(bits), name, nova.kernel.now)
    if zone:
        row.metadata[ZONE_KEY] = zone
    table.rows[ident] = row
    return row


def aggregate_destroy(nova: Any, row: Aggregate) -> None:
    """``Aggregate.destroy`` (the autoincrement goes on: an id is never given twice)."""
    del nova.db.aggregates.rows[row.id]


def remove_host_everywhere(nova: Any, host: str) -> None:
    """A deleted nova-compute's host leaves every aggregate (``ServiceController.delete``:
    ``remove_host_from_aggregate`` for each of ``get_aggregates_by_host``)."""
    for row in aggregate_get_all(nova):
        if host in row.hosts:
            row.hosts.remove(host)


def host_zones(nova: Any, host: str) -> list[str]:
    """The zones of the aggregates `host` is in, by aggregate id (one, as the API keeps it)."""
    return list(
        dict.fromkeys(
            a.metadata[ZONE_KEY]
            for a in aggregate_get_all(nova)
            if ZONE_KEY in a.metadata and host in a.hosts
        )
    )


def host_zone(nova: Any, host: str) -> str:
    """``get_host_availability_zone`` / ``set_availability_zones``: `host`'s zone."""
    if nova.db.aggregates is None:
        return nova.config.availability_zone
    zones = host_zones(nova, host)
    return ",".join(zones) if zones else nova.config.availability_zone


def zone_filter(nova: Any, zone: str | None) -> Callable[[str], bool] | None:
    """Which hosts may take a server asked into `zone` (None: any, no zone filter)."""
    if not zone:
        return None
    if nova.kernel.switches.release.major >= PLACEMENT_ZONES_SINCE:
        members = {
            h for a in aggregate_get_all(nova) if a.metadata.get(ZONE_KEY) == zone for h in a.hosts
        }
        if not members and not any(
            a.metadata.get(ZONE_KEY) == zone for a in aggregate_get_all(nova)
        ):
            return None
        return members.__contains__
    if nova.db.aggregates is None:
        # every host is in the default zone
        return None if zone == nova.config.availability_zone else (lambda name: False)
    return lambda name: (
        zone in host_zones(nova, name)
        or (not host_zones(nova, name) and zone == nova.config.availability_zone)
    )
