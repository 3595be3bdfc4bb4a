"""The cinder-volume service a freeze, thaw or failover names (``api/common.py``
``get_cluster_host``; ``volume/api.py`` ``_get_cluster_and_services_for_replication``):
one ``host`` (from 3.26 ``freeze``, ``thaw`` and ``failover`` may name a ``cluster`` instead:
fakecloud has none, so a cluster finds no service)."""

from __future__ import annotations

from typing import Any

from fakecloud.cinder import exception
from fakecloud.cinder.services_api import VOLUME_BINARY, host_matches, services


def cluster_host(body: dict, clustered: bool) -> tuple[str | None, str | None]:
    """``get_cluster_host``: ``(cluster, host)``, one and only one of them set (`clustered`:
    the request may name a cluster), else 400."""
    if clustered:
        cluster = body.get("cluster")
        missing = "One and only one of cluster and host must be set."
    else:
        cluster, missing = None, "Host field is missing."
    host = body.get("host")
    if bool(cluster) == bool(host):
        raise exception.InvalidInput(reason=missing)
    return cluster, host


def named_services(cinder: Any, host: str | None, cluster: str | None) -> list[tuple[str, str]]:
    """The ``(host, rpc target)`` of the cinder-volume services `host` matches: one host, else
    400 ("No service found with host=X", "Services from different clusters found.")."""
    found = [(name, target) for kind, name, target in services(cinder)
             if kind == VOLUME_BINARY and host and host_matches(name, host)]  # fmt: skip
    if not found:
        where = f"host={host}" if host else f"cluster={cluster}"
        # the controller turns ServiceNotFound into InvalidInput with its text alone
        raise exception.InvalidInput(message=f"No service found with {where}")
    if any(name != found[0][0] for name, _ in found):
        raise exception.InvalidParameterValue(err="Services from different clusters found.")
    return found
