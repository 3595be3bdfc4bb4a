"""Cinder's quotas: per-project limits, usage (in use + reserved), and reservations.

Mirrors ``cinder/quota.py`` (``QuotaEngine``, ``add_volume_type_opts``), the quota part of
``cinder/db/api.py`` (``quota_reserve``, ``reservation_commit``, ``reservation_rollback``) and
``cinder/quota_utils.py`` (``process_reserve_over_quota``). A request reserves its deltas, then
commits them (``in_use`` grows) or rolls them back; a positive delta is over quota when
``limit >= 0 and limit < delta + in_use + reserved``. Over-quota resources are sorted by name and
the first one picks the 413 error, so gigabytes beats snapshots.

Limits come from, in order: `set_limits` (what ``os-quota-sets`` PUT would store), the
``cinder.project_quotas`` config for that project, the ``cinder.quota_*`` defaults. Per-type
resources (``snapshots_<type>`` …) default to -1 (unlimited).

    >>> engine.set_limits("p1", snapshots=2, gigabytes_ceph=100)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fakecloud.cinder import exception
from fakecloud.errors import ConfigError
from fakecloud.suggest import did_you_mean

#: The quota resources of a project; the per-type ones are added per volume type.
BASE_RESOURCES = (
    "volumes",
    "snapshots",
    "gigabytes",
    "backups",
    "backup_gigabytes",
    "groups",
    "per_volume_gigabytes",
)
PER_TYPE_RESOURCES = ("volumes", "snapshots", "gigabytes")
#: Resources that are only checked (``limit_check``), never reserved.
LIMIT_ONLY = ("per_volume_gigabytes",)


@dataclass(slots=True)
class Usage:
    """How much of one resource a project uses, and how much is reserved by requests in flight."""

    in_use: int = 0
    reserved: int = 0

    @property
    def total(self) -> int:
        """``in_use + reserved``: what counts against the limit."""
        return self.in_use + self.reserved


@dataclass(slots=True)
class Reservation:
    """Deltas reserved for one request, to be committed or rolled back exactly once."""

    project_id: str
    deltas: dict[str, int]
    done: bool = False


class QuotaEngine:
    """The quota limits and usages of every project of one Cinder."""

    _limits: dict[str, dict[str, int]]
    _usages: dict[str, dict[str, Usage]]

    def __init__(self, config: Any, type_names: list[str]):
        self._config = config
        self._defaults = {
            "volumes": config.quota_volumes,
            "snapshots": config.quota_snapshots,
            "gigabytes": config.quota_gigabytes,
            "backups": config.quota_backups,
            "backup_gigabytes": config.quota_backup_gigabytes,
            "groups": config.quota_groups,
            "per_volume_gigabytes": config.per_volume_size_limit,
        }
        self.resources = list(BASE_RESOURCES)
        for name in type_names:
            self.resources.extend(f"{res}_{name}" for res in PER_TYPE_RESOURCES)
        self._known = set(self.resources)
        self._limits = {}
        self._usages = {}
        for project_id, limits in (config.project_quotas or {}).items():
            self.set_limits(project_id, **limits)

    # -- limits ------------------------------------------------------------------------------

    def set_limits(self, project_id: str, **limits: int) -> None:
        """Set some limits of one project (-1 = unlimited); unknown names are errors."""
        for name, value in limits.items():
            if name not in self._known:
                raise ConfigError(
                    f"unknown Cinder quota resource {name!r}{did_you_mean(name, self._known)}; "
                    f"known: {', '.join(self.resources)}"
                )
            if isinstance(value, bool) or not isinstance(value, int) or value < -1:
                raise ConfigError(f"Cinder quota {name} must be an integer >= -1, got {value!r}")
        self._limits.setdefault(project_id, {}).update(limits)

    def class_limits(self, name: str) -> dict[str, int]:
        """Every limit of quota class `name` (``get_class_quotas``): what was set for it, the
        defaults (the ``default`` class) for the rest."""
        own = self.__dict__.get("_classes", {}).get(name, {})
        return {r: own.get(r, self._defaults.get(r, -1)) for r in self.resources}

    def set_class_limits(self, name: str, **limits: int) -> None:
        """Set some limits of quota class `name`; the ``default`` class's are the defaults."""
        if name == "default":
            self._defaults.update(limits)
            return
        # made on first use, so a cloud that never names another class saves as before
        self.__dict__.setdefault("_classes", {}).setdefault(name, {}).update(limits)

    def clear_limits(self, project_id: str) -> None:
        """Drop the limits set for this project itself: the defaults apply again."""
        self._limits.pop(project_id, None)

    def overrides(self, project_id: str) -> dict[str, int]:
        """The limits set for this project itself (``quota_get_all_by_project``), defaults
        aside."""
        return dict(self._limits.get(project_id, {}))

    def limit(self, project_id: str, resource: str) -> int:
        """The limit of one resource for one project."""
        own = self._limits.get(project_id)
        if own is not None and resource in own:
            return own[resource]
        return self._defaults.get(resource, -1)

    def defaults(self) -> dict[str, int]:
        """The default limit of every resource (``os-quota-sets/{p}/defaults``)."""
        return {r: self._defaults.get(r, -1) for r in self.resources}

    def limits(self, project_id: str) -> dict[str, int]:
        """Every limit of one project (``get_project_quotas(usages=False)``)."""
        return {r: self.limit(project_id, r) for r in self.resources}

    def add_type(self, name: str) -> None:
        """A new volume type's resources (``volumes_<name>`` …; ``VolumeTypeQuotaEngine``
        reads the types on each use): limits and usage kept under those names come back."""
        self.resources.extend(f"{res}_{name}" for res in PER_TYPE_RESOURCES)
        self._known = set(self.resources)

    def remove_type(self, name: str) -> None:
        """A deleted type's resources leave the quota sets (their rows stay, as Cinder's)."""
        gone = {f"{res}_{name}" for res in PER_TYPE_RESOURCES}
        self.resources = [r for r in self.resources if r not in gone]
        self._known = set(self.resources)

    def rename_type(self, old: str, new: str) -> None:
        """``QUOTAS.update_quota_resource``: a renamed type's limits and usage move to the new
        resource names."""
        renamed = {f"{res}_{old}": f"{res}_{new}" for res in PER_TYPE_RESOURCES}
        self.resources = [renamed.get(r, r) for r in self.resources]
        self._known = set(self.resources)
        for table in (*self._limits.values(), *self._usages.values()):
            for before, after in renamed.items():
                if before in table:
                    table[after] = table.pop(before)

    # -- usage -------------------------------------------------------------------------------

    def usage(self, project_id: str, resource: str) -> Usage:
        """The usage record of one resource (created at zero on first use)."""
        per_project = self._usages.get(project_id)
        if per_project is None:
            per_project = self._usages[project_id] = {}
        usage = per_project.get(resource)
        if usage is None:
            usage = per_project[resource] = Usage()
        return usage

    def recorded(self, project_id: str) -> dict[str, Usage] | None:
        """The project's usage records by resource, as kept (None: none yet); for reading:
        `usage` makes the missing ones."""
        return self._usages.get(project_id)

    def recorded_projects(self) -> list[str]:
        """The projects that have usage records (a project with nothing left may have some)."""
        return list(self._usages)

    def usages(self, project_id: str) -> dict[str, dict[str, int]]:
        """``{resource: {"limit", "in_use", "reserved"}}`` for every resource of a project."""
        out = {}
        for r in self.resources:
            u = self._usages.get(project_id, {}).get(r) or Usage()
            out[r] = {
                "limit": self.limit(project_id, r),
                "in_use": u.in_use,
                "reserved": u.reserved,
            }
        return out

    def in_use(self, project_id: str) -> dict[str, tuple[int, int]]:
        """``{resource: (in_use, reserved)}`` for every resource of a project: `usages`
        without the limits (what the quota invariant compares)."""
        recorded = self._usages.get(project_id) or {}
        zero = (0, 0)
        return {
            r: zero if (u := recorded.get(r)) is None else (u.in_use, u.reserved)
            for r in self.resources
        }

    # -- reservations ------------------------------------------------------------------------

    @staticmethod
    def add_volume_type_opts(deltas: dict[str, int], type_name: str | None) -> dict[str, int]:
        """Add the per-type copies (``snapshots_<type>`` …) of `deltas` (in place)."""
        if type_name:
            for res in list(deltas):
                if res in PER_TYPE_RESOURCES:
                    deltas[f"{res}_{type_name}"] = deltas[res]
        return deltas

    def limit_check(self, project_id: str, **values: int) -> None:
        """Check limit-only resources (``per_volume_gigabytes``); raise OverQuota if exceeded."""
        overs = [r for r, v in values.items() if 0 <= self.limit(project_id, r) < v]
        if overs:
            quotas = {r: self.limit(project_id, r) for r in values}
            raise exception.OverQuota(overs=sorted(overs), quotas=quotas, usages={})

    def reserve(self, project_id: str, **deltas: int) -> Reservation:
        """Reserve `deltas` for `project_id`, or raise `OverQuota` naming the resources over."""
        return self.reserve_deltas(project_id, deltas)

    def reserve_deltas(self, project_id: str, deltas: dict[str, int]) -> Reservation:
        """`reserve` with the deltas as a dict the reservation keeps (no copy): for callers
        that built it, so no resource name passes through a ``**`` parameter."""
        usages = self._project_usages(project_id)
        own = self._limits.get(project_id) or {}
        defaults = self._defaults
        limits = {}
        overs = []
        for r, delta in deltas.items():
            u = usages.get(r)
            if u is None:
                u = usages[r] = Usage()
            limit = limits[r] = own[r] if r in own else defaults.get(r, -1)
            if limit >= 0 and delta >= 0 and limit < delta + u.in_use + u.reserved:
                overs.append(r)
        if overs:
            raise exception.OverQuota(
                overs=sorted(overs),
                quotas=limits,
                usages={
                    r: {"in_use": usages[r].in_use, "reserved": usages[r].reserved} for r in deltas
                },
            )
        for r, delta in deltas.items():
            if delta > 0:
                usages[r].reserved += delta
        return Reservation(project_id, deltas)

    def _project_usages(self, project_id: str) -> dict[str, Usage]:
        per_project = self._usages.get(project_id)
        if per_project is None:
            per_project = self._usages[project_id] = {}
        return per_project

    def commit(self, reservation: Reservation) -> None:
        """Turn a reservation into usage (negative deltas never take usage below zero)."""
        if reservation.done:
            return
        reservation.done = True
        usages = self._project_usages(reservation.project_id)
        for r, delta in reservation.deltas.items():
            usage = usages.get(r)
            if usage is None:
                usage = usages[r] = Usage()
            if delta >= 0:
                reserved = usage.reserved
                usage.reserved = reserved - delta if delta < reserved else 0
            elif -delta > usage.in_use:
                delta = -usage.in_use
            usage.in_use += delta

    def rollback(self, reservation: Reservation) -> None:
        """Release a reservation that will not be committed."""
        if reservation.done:
            return
        reservation.done = True
        for r, delta in reservation.deltas.items():
            usage = self.usage(reservation.project_id, r)
            if delta >= 0:
                usage.reserved -= min(delta, usage.reserved)

    def release(self, project_id: str, **deltas: int) -> None:
        """Give usage back (a deleted resource): reserve the negative deltas and commit them."""
        self.commit(self.reserve_deltas(project_id, {r: -d for r, d in deltas.items() if d}))


def process_reserve_over_quota(error: exception.OverQuota, resource: str, size: int) -> None:
    """Raise the 413 error Cinder answers for `error` (``quota_utils``); `resource` is what was
    being created (``volumes``, ``snapshots`` or ``backups``), `size` its gigabytes."""
    overs = error.kwargs["overs"]
    usages = error.kwargs["usages"]
    quotas = error.kwargs["quotas"]
    invalid = []
    for over in overs:
        if "gigabytes" in over:
            consumed = usages[over]["reserved"] + usages[over]["in_use"]
            error_class = (
                exception.VolumeBackupSizeExceedsAvailableQuota
                if resource == "backups"
                else exception.VolumeSizeExceedsAvailableQuota
            )
            raise error_class(name=over, requested=size, consumed=consumed, quota=quotas[over])
        if resource in over:
            if resource == "snapshots":
                raise exception.SnapshotLimitExceeded(allowed=quotas[over], name=over)
            if resource == "backups":
                raise exception.BackupLimitExceeded(allowed=quotas[over], name=over)
            raise exception.VolumeLimitExceeded(allowed=quotas[over], name=over)
        invalid.append(over)
    if invalid:
        raise exception.UnexpectedOverQuota(name=", ".join(invalid))
