"""``GET /scheduler-stats/get_pools``: the scheduler's pools, one per enabled backend, with the
capabilities its volume driver reports (``api/contrib/scheduler_stats.py``,
``api/views/scheduler_stats.py``, ``scheduler/host_manager.py`` ``get_pools`` and
``_append_backend_info``, ``volume/manager.py`` ``_append_volume_stats``; the drivers'
``_update_volume_stats``: ``volume/drivers/lvm.py``, ``rbd.py``, ``nfs.py`` over
``remotefs.py``; read in cinder 12.0.10, 16.4.2, 20.3.2, 22.0.0 and 29.0.0).

The capacities come from fakecloud's own accounting (`fakecloud.cinder.backends.Driver`):
``total_capacity_gb`` the backend's ``capacity_gb``, ``free_capacity_gb`` what the
scheduler's capacity check sees free (``capacity_gb`` less the driver's allocation: volumes,
and on thick LVM the snapshots' reserved space), ``provisioned_capacity_gb`` what LVM reports
(thick: total less free; thin: the sizes of every logical volume but the pool, snapshots
included), ``allocated_capacity_gb`` the volume
manager's count (the sizes of the pool's volumes once created), ``total_volumes`` the logical
volumes of the volume group (the pool's volumes and snapshots, and a thin pool's own LV).
A volume left on the backend without a row (`fakecloud.cinder.backends.Driver.leftovers`: a
create that ended after an ``os-force_delete`` found nothing to delete) takes its space and
counts among the logical volumes, RBD's images and NFS's files, but not in
``allocated_capacity_gb`` (the create's increment undone by the delete's decrement).
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.api.microversion import Version
from fakecloud.cinder import list_filters, policy, replication
from fakecloud.cinder.controllers import get_bool_param
from fakecloud.sim.ids import stream, uuid4_text

POOL_FILTER = Version.parse("3.28")
RESOURCE_FILTER = Version.parse("3.31")
POOL_TYPE_FILTER = Version.parse("3.35")
#: ``resource_filters.json``'s ``pool`` entry (12.0.10 to 29.0.0), checked for admins too.
POOL_FILTERS = ("name", "volume_type")
#: ``backend_stats_polling_interval``: the volume services publish their stats every minute
#: (and at start), which the scheduler stamps as it receives them.
STATS_INTERVAL_S = 60
#: ``volume_group``, ``lvm_mirrors``, ``reserved_percentage``, ``max_over_subscription_ratio``
#: defaults; ``rbd_cluster_name``, ``rbd_ceph_conf``, ``rbd_user``, ``rbd_pool`` defaults.
VOLUME_GROUP = "cinder-volumes"
OVER_SUBSCRIPTION = "20.0"
RBD_LOCATION = ("ceph", "", "None", "rbd")
#: RBD: ``backend_state`` from 13.0.0 (12.0.10 has none); ``multiattach`` True from 14.0.0
#: (4bafdb942 "RBD: add support for multiattach"; 12.0.10 to 13.0.9 report False: read in each
#: series' tags); ``rbd_exclusive_cinder_pool`` True from 20.0.0 (16.4.2: False, so the driver
#: reports the pool's provisioned size itself; 17.x-19.x read as 16.4.2); ``qos_support`` and
#: driver 1.3.0 from 22.0.0.
RBD_BACKEND_STATE_FROM = 13
RBD_MULTIATTACH_FROM = 14
RBD_EXCLUSIVE_FROM = 20
RBD_QOS_FROM = 22
#: ``nfs.py``'s ``VERSION`` (12.0.10 to 29.0.0 and HEAD).
NFS_DRIVER_VERSION = "1.4.0"
_NOT_CREATED = ("creating", "downloading", "error")


def _lvm(cinder: Any, driver: Any, volumes: list, snapshots: list) -> tuple:
    name = driver.name
    thin = driver.spec.kind == "lvm-thin"
    total = float(driver.spec.capacity_gb)
    free = float(driver.free_gb)
    # thin: every logical volume's size but the pool's (os-brick's vg_provisioned_capacity)
    leftovers = driver.leftover_gb()
    lv_gb = sum(v.size for v in volumes) + sum(s.volume_size for s in snapshots) + sum(leftovers)
    provisioned = round(float(lv_gb), 2) if thin else round(total - free, 2)
    lvm_type = "thin" if thin else "default"
    return {
        "pool_name": name,
        "total_capacity_gb": total,
        "free_capacity_gb": free,
        "reserved_percentage": 0,
        "location_info": f"LVMVolumeDriver:{cinder.config.host}:{VOLUME_GROUP}:{lvm_type}:0",
        "QoS_support": False,
        "provisioned_capacity_gb": provisioned,
        "max_over_subscription_ratio": OVER_SUBSCRIPTION,
        "thin_provisioning_support": thin,
        "thick_provisioning_support": not thin,
        "total_volumes": len(volumes) + len(snapshots) + len(leftovers) + (1 if thin else 0),
        "filter_function": None,
        "goodness_function": None,
        "multiattach": True,
        "backend_state": "up",
    }, ("iSCSI", "3.0.0")


def _rbd(cinder: Any, driver: Any, volumes: list, snapshots: list) -> tuple:
    major = cinder.kernel.switches.series.cinder
    fsid = uuid4_text(stream(cinder.kernel.ids.seed, f"ceph-fsid:{driver.name}").getrandbits(128))
    cluster, conf, user, pool = RBD_LOCATION
    stats: dict[str, Any] = {
        "vendor_name": "Open Source",
        "driver_version": "1.3.0" if major >= RBD_QOS_FROM else "1.2.0",
        "storage_protocol": "ceph",
        "total_capacity_gb": round(float(driver.spec.capacity_gb), 2),
        "free_capacity_gb": round(float(driver.free_gb), 2),
        "reserved_percentage": 0,
        "multiattach": major >= RBD_MULTIATTACH_FROM,
        "thin_provisioning_support": True,
        "max_over_subscription_ratio": OVER_SUBSCRIPTION,
        "location_info": f"{cluster}:{conf}:{fsid}:{user}:{pool}",
    }
    if major >= RBD_BACKEND_STATE_FROM:
        stats["backend_state"] = "up"
    if major >= RBD_QOS_FROM:
        stats["qos_support"] = True
    stats["volume_backend_name"] = driver.name
    names = replication.targets(driver.spec)
    stats["replication_enabled"] = bool(names)
    if names:
        stats["replication_targets"] = replication.stats_targets(driver.spec)
    if major < RBD_EXCLUSIVE_FROM:  # every image of the pool (_get_usage_info)
        provisioned = sum(v.size for v in volumes) + sum(driver.leftover_gb())
        stats["provisioned_capacity_gb"] = round(float(provisioned), 2)
    # no pools reported: the volume manager adds its one pool's count, the functions
    stats["filter_function"] = None
    stats["goodness_function"] = None
    return stats, ("ceph", None)


def _copy(cinder: Any, driver: Any, volumes: list, snapshots: list) -> tuple:
    """fakecloud's ``copy`` kind stands for no one Cinder driver: the keys every pool has."""
    total = float(driver.spec.capacity_gb)
    free = float(driver.free_gb)
    return {
        "pool_name": driver.name,
        "total_capacity_gb": total,
        "free_capacity_gb": free,
        "reserved_percentage": 0,
        "QoS_support": False,
        "provisioned_capacity_gb": round(total - free, 2),
        "thin_provisioning_support": False,
        "thick_provisioning_support": True,
        "multiattach": False,
        "backend_state": "up",
    }, ("file", "1.0.0")


def _nfs(cinder: Any, driver: Any, volumes: list, snapshots: list) -> tuple:
    """``NfsDriver._update_volume_stats`` over ``RemoteFSDriver``'s (12.0.10 to HEAD): the
    share's capacity, sparse files (``nfs_sparsed_volumes``' default: thin), provisioned the
    share's ``du --bytes`` (the volume files' apparent sizes), the over-subscription ratio as
    ``get_max_over_subscription_ratio`` makes it a float; no pools (as RBD)."""
    stats: dict[str, Any] = {
        "volume_backend_name": driver.name,
        "vendor_name": "Open Source",
        "driver_version": NFS_DRIVER_VERSION,
        "storage_protocol": "nfs",
        "total_capacity_gb": float(driver.spec.capacity_gb),
        "free_capacity_gb": float(driver.free_gb),
        "reserved_percentage": 0,
        "QoS_support": False,
        "sparse_copy_volume": True,
        "provisioned_capacity_gb": round(
            float(sum(v.size for v in volumes) + sum(driver.leftover_gb())), 2
        ),
        "max_over_subscription_ratio": float(OVER_SUBSCRIPTION),
        "thin_provisioning_support": True,
        "thick_provisioning_support": False,
        # no pools reported: the volume manager adds its one pool's functions
        "filter_function": None,
        "goodness_function": None,
    }
    return stats, ("nfs", None)


_REPORTS = {"lvm-thin": _lvm, "lvm-thick": _lvm, "rbd": _rbd, "copy": _copy, "nfs": _nfs}


def capabilities(cinder: Any, name: str, driver: Any) -> dict[str, Any]:
    """The capabilities the scheduler holds for backend `name`'s one pool."""
    pool_host = f"{cinder.config.host}@{name}#{name}"
    store = cinder.store
    volumes = [v for v in store.volumes.values() if v.host == pool_host]
    snapshots = [s for v in volumes for s in store.volume_snapshots(v)]
    caps, (protocol, version) = _REPORTS[driver.spec.kind](cinder, driver, volumes, snapshots)
    caps["allocated_capacity_gb"] = sum(v.size for v in volumes if v.status not in _NOT_CREATED)
    # _append_backend_info
    caps.setdefault("volume_backend_name", name)
    caps["storage_protocol"] = protocol
    caps.setdefault("vendor_name", "Open Source")
    if version is not None:
        caps.setdefault("driver_version", version)
    reported = cinder.kernel.now // STATS_INTERVAL_S * STATS_INTERVAL_S
    caps["timestamp"] = cinder.written_timestamp(reported)  # the scheduler's, in memory
    return caps


def _equal_after_convert(capability: Any, value: str) -> bool:
    """``HostManager._equal_after_convert`` of a query value (a string)."""
    if isinstance(value, type(capability)) or capability is None:
        return value == capability
    if isinstance(capability, bool):
        from oslo_utils import strutils

        return capability == strutils.bool_from_string(value)
    return str(value) == str(capability)


def get_pools(service: Any, req: Request) -> Response:
    """``GET /scheduler-stats/get_pools[?detail=true]`` (admin): ``pools`` with each one's
    ``name`` (``host@backend#pool``), and with ``detail`` its ``capabilities``. Filters by
    microversion: none before 3.28, any capability 3.28-3.30, from 3.31 only ``name`` and (from
    3.35) ``volume_type`` (another key: 400, admins included)."""
    cinder = service.cinder
    ctx = req.context
    policy.authorize(
        ctx, "scheduler_extension:scheduler_stats:get_pools", None, cinder.policy_rules
    )
    params = service._query(req)
    detail = get_bool_param("detail", params)
    version = req.microversion
    major = service.cinder_major
    filters = list_filters.multidict(req.query, ("detail",))
    if version >= RESOURCE_FILTER:
        _reject(filters, version, major)
    elif not version >= POOL_FILTER:
        filters.clear()
    query = {k: filters[k] for k in filters}
    if not version >= POOL_TYPE_FILTER:
        query.pop("volume_type", None)
    name = query.pop("name", None)
    type_wanted = query.pop("volume_type", None)
    backend_of_type = None
    if type_wanted:
        vtype = cinder.type_by_name_or_id(type_wanted)
        backend_of_type = vtype.backend
    pools = []
    for backend, driver in cinder.enabled_drivers().items():
        pool = f"{cinder.config.host}@{backend}#{backend}"
        if name and pool != name:
            continue
        caps = capabilities(cinder, backend, driver)
        if any(not _equal_after_convert(caps.get(k), v) for k, v in query.items()):
            continue
        if type_wanted and backend_of_type is not None and backend_of_type != backend:
            continue
        pools.append({"name": pool, "capabilities": caps} if detail else {"name": pool})
    return Response(200, {"pools": pools})


def _reject(filters: Any, version: Version, major: int) -> None:
    """``reject_invalid_filters`` for ``pool``: admins are checked too."""
    like = version >= list_filters.LIKE_FILTER
    list_filters.reject_invalid_filters(filters, POOL_FILTERS, True, like, major)


#: The routes (method, path under ``/v3[/{project_id}]/``, handler).
ROUTES = (("GET", "scheduler-stats/get_pools", get_pools),)
