"""``GET /scheduler-stats/get_pools`` (``openstack volume backend pool list [--long]``), as
cinder 12.0.10-29.0.0 answer it: one pool per enabled backend, the capabilities its driver
reports (LVM thin and thick, RBD) with capacities from fakecloud's own accounting, the filters
per microversion. It was a 404."""

from cinder_support import ADMIN, MEMBER, call, create_snapshot, create_volume, fault

from fakecloud import Cloud

BACKENDS = {
    "thin": {"kind": "lvm-thin", "capacity_gb": 50},
    "thick": {"kind": "lvm-thick", "capacity_gb": 40},
    "ceph": {"kind": "rbd", "capacity_gb": 30},
}
TYPES = {"__DEFAULT__": {"backend": "thin"}, "fat": {"backend": "thick"}}
CONFIG = {"cinder": {"backends": BACKENDS, "volume_types": TYPES}}


def _pools(cloud, version="3.71", **query):
    resp = call(cloud, "GET", "scheduler-stats/get_pools", ctx=ADMIN, version=version, query=query)
    assert resp.status == 200, resp.json()
    return resp.json()["pools"]


def test_pools_report_the_backends_capacity_as_fakecloud_accounts_it():
    cloud = Cloud(profile="upstream", config=CONFIG)
    thin = create_volume(cloud, size=2)
    create_snapshot(cloud, thin)
    thick = create_volume(cloud, size=3, volume_type="fat")
    create_snapshot(cloud, thick)
    assert _pools(cloud) == [{"name": f"cinder@{b}#{b}"} for b in BACKENDS]
    pools = {p["name"]: p["capabilities"] for p in _pools(cloud, detail="true")}
    lvm = pools["cinder@thin#thin"]
    assert lvm == {
        "pool_name": "thin", "total_capacity_gb": 50.0, "free_capacity_gb": 48.0,
        "reserved_percentage": 0, "location_info": "LVMVolumeDriver:cinder:cinder-volumes:thin:0",
        "QoS_support": False, "provisioned_capacity_gb": 4.0, "max_over_subscription_ratio": "20.0",
        "thin_provisioning_support": True, "thick_provisioning_support": False,
        "total_volumes": 3, "filter_function": None, "goodness_function": None,
        "multiattach": True, "backend_state": "up", "allocated_capacity_gb": 2,
        "volume_backend_name": "thin", "storage_protocol": "iSCSI", "vendor_name": "Open Source",
        "driver_version": "3.0.0", "timestamp": lvm["timestamp"],
    }  # fmt: skip
    # thick: the snapshot reserves the volume's size of the group
    fat = pools["cinder@thick#thick"]
    assert (fat["free_capacity_gb"], fat["provisioned_capacity_gb"], fat["total_volumes"]) == (
        34.0, 6.0, 2
    )  # fmt: skip
    assert (fat["allocated_capacity_gb"], fat["thick_provisioning_support"]) == (3, True)
    ceph = pools["cinder@ceph#ceph"]
    assert (ceph["storage_protocol"], ceph["total_capacity_gb"], ceph["driver_version"]) == (
        "ceph", 30.0, "1.3.0"
    )  # fmt: skip
    assert "provisioned_capacity_gb" not in ceph and ceph["qos_support"] is True
    assert ceph["location_info"].startswith("ceph::") and ceph["location_info"].endswith(
        ":None:rbd"
    )
    # the services publish their stats every minute
    cloud.advance(125 - cloud.now)
    assert _pools(cloud, detail="true")[0]["capabilities"]["timestamp"].endswith("02:00.000000")


def test_filters_per_microversion_and_the_admin_policy():
    cloud = Cloud(profile="upstream", config=CONFIG)
    assert fault(call(cloud, "GET", "scheduler-stats/get_pools", ctx=MEMBER))[1] == 403
    assert len(_pools(cloud, "3.27", volume_backend_name="ceph")) == 3  # no filter before 3.28
    assert _pools(cloud, "3.28", volume_backend_name="ceph") == [{"name": "cinder@ceph#ceph"}]
    assert _pools(cloud, "3.28", thin_provisioning_support="false") == [
        {"name": "cinder@thick#thick"}
    ]
    resp = call(cloud, "GET", "scheduler-stats/get_pools", ctx=ADMIN, version="3.31",
                query={"volume_backend_name": "ceph"})  # fmt: skip
    assert fault(resp)[2] == "Invalid filters volume_backend_name are found in query options."
    assert _pools(cloud, name="cinder@thin#thin") == [{"name": "cinder@thin#thin"}]
    assert _pools(cloud, volume_type="fat") == [{"name": "cinder@thick#thick"}]
    assert len(_pools(cloud, "3.34", volume_type="fat")) == 3  # 3.35 POOL_TYPE_FILTER
    resp = call(cloud, "GET", "scheduler-stats/get_pools", ctx=ADMIN, version="3.71",
                query={"volume_type": "nope"})  # fmt: skip
    assert fault(resp)[1] == 404
    resp = call(cloud, "GET", "scheduler-stats/get_pools", ctx=ADMIN, query={"detail": "x"})
    assert fault(resp)[2] == "Value 'x' for 'detail' is not a boolean."


def test_queens_rbd_and_a_disabled_backend():
    cloud = Cloud(profile="seed", config=CONFIG)
    ceph = _pools(cloud, "3.50", detail="1", name="cinder@ceph#ceph")[0]["capabilities"]
    assert (ceph["multiattach"], ceph["driver_version"], ceph["provisioned_capacity_gb"]) == (
        False, "1.2.0", 0.0
    )  # fmt: skip
    assert "backend_state" not in ceph
    body = {"host": "cinder@ceph", "binary": "cinder-volume", "disabled_reason": "m"}
    resp = call(cloud, "PUT", "os-services/disable-log-reason", body, ctx=ADMIN)
    assert resp.status == 200, resp.json()
    assert [p["name"] for p in _pools(cloud, "3.50")] == ["cinder@thin#thin", "cinder@thick#thick"]


def test_rbd_reports_multiattach_from_14_and_its_state_from_13():
    """RBD's ``_update_volume_stats`` (read in the tags): ``backend_state`` from 13.0.0,
    ``multiattach`` True from 14.0.0 (4bafdb942, not backported to 13.0.x), so Rocky's
    scheduler places no multiattach type on Ceph (CapabilitiesFilter: the volume ``error``)."""
    types = {**TYPES, "shared": {"backend": "ceph", "extra_specs": {"multiattach": "<is> True"}}}
    config = {"cinder": {"backends": BACKENDS, "volume_types": types}}
    for profile, multiattach, status in (
        ("nova-18.3.0", False, "error"),
        ("nova-19.0.0", True, "available"),
    ):
        cloud = Cloud(profile=profile, config=config)
        ceph = _pools(cloud, "3.50", detail="1", name="cinder@ceph#ceph")[0]["capabilities"]
        assert (ceph["multiattach"], ceph["backend_state"]) == (multiattach, "up"), profile
        body = {"volume": {"size": 1, "volume_type": "shared"}}
        volume_id = call(cloud, "POST", "volumes", body).json()["volume"]["id"]
        cloud.run_until_idle()
        assert call(cloud, "GET", f"volumes/{volume_id}").json()["volume"]["status"] == status


def test_capabilities_of_a_backend():
    """``GET /capabilities/{host}`` (``openstack volume backend capability show``): the
    driver's stats and the four standard properties, over an RPC call to the service."""
    cloud = Cloud(profile="upstream", config=CONFIG)
    resp = call(cloud, "GET", "capabilities/cinder@thick", ctx=ADMIN)
    assert resp.status == 200, resp.json()
    body = resp.json()
    props = body.pop("properties")
    assert body == {
        "namespace": "OS::Storage::Capabilities::cinder@thick", "vendor_name": "Open Source",
        "volume_backend_name": "thick", "pool_name": None, "driver_version": "3.0.0",
        "storage_protocol": "iSCSI", "display_name": None, "description": None,
        "visibility": None, "replication_targets": [],
    }  # fmt: skip
    assert props["qos"] == {"title": "QoS", "description": "Enables QoS.", "type": "boolean"}
    assert sorted(props) == ["compression", "qos", "replication_enabled", "thin_provisioning"]
    # "cinder" names the first backend; another host is none
    assert call(cloud, "GET", "capabilities/cinder", ctx=ADMIN).json()["volume_backend_name"] == (
        "thin"
    )
    assert fault(call(cloud, "GET", "capabilities/nope", ctx=ADMIN)) == (
        "itemNotFound", 404, "Can't find service: nope",
    )  # fmt: skip
    assert fault(call(cloud, "GET", "capabilities/cinder", ctx=MEMBER))[1] == 403
    cloud.kernel.rpc.set_up(cloud.cinder.volume_target("ceph"), False)
    start = cloud.now
    resp = call(cloud, "GET", "capabilities/cinder@ceph", ctx=ADMIN)
    assert fault(resp)[1:] == (502, "Bad gateway.") and cloud.now - start == 60


def test_an_nfs_share_reports_as_cinders_nfs_driver():
    """``NfsDriver._update_volume_stats`` over ``RemoteFSDriver``'s: sparse files, thin, the
    ratio a float. An nfs backend had no report: the pool list was an unexpected 500 and a
    group scheduled to it crashed the simulation (found by the robustness state machine)."""
    backends = {"share": {"kind": "nfs", "capacity_gb": 20}}
    config = {
        "cinder": {"backends": backends, "volume_types": {"__DEFAULT__": {"backend": "share"}}}
    }
    cloud = Cloud(profile="upstream", config=config)
    create_volume(cloud, size=2)
    (pool,) = _pools(cloud, detail="true")
    assert pool["capabilities"] == {
        "volume_backend_name": "share", "vendor_name": "Open Source", "driver_version": "1.4.0",
        "storage_protocol": "nfs", "total_capacity_gb": 20.0, "free_capacity_gb": 18.0,
        "reserved_percentage": 0, "QoS_support": False, "sparse_copy_volume": True,
        "provisioned_capacity_gb": 2.0, "max_over_subscription_ratio": 20.0,
        "thin_provisioning_support": True, "thick_provisioning_support": False,
        "filter_function": None, "goodness_function": None, "allocated_capacity_gb": 2,
        "timestamp": pool["capabilities"]["timestamp"],
    }  # fmt: skip


def test_a_backend_name_under_the_capabilities_scope_places_the_volume_there():
    """Tempest's ``VolumeMultiBackendTest`` makes its types with ``volume_backend_name`` and
    with ``capabilities:volume_backend_name``: ``CapabilitiesFilter`` matches the scoped key
    against each backend's reported name as it does any capability, so the volume goes to
    that backend, and a name no backend reports passes none (the volume ``error``). The scoped
    name was dropped: the capacity weigher chose (here the first backend, the most free)."""
    cloud = Cloud(profile="upstream", config=CONFIG)
    hosts = {}
    for name in ("thick", "ceph", "nosuch"):
        specs = {"capabilities:volume_backend_name": name}
        body = {"volume_type": {"name": f"on-{name}", "extra_specs": specs}}
        vtype = call(cloud, "POST", "types", body, ctx=ADMIN).json()["volume_type"]
        vid = create_volume(cloud, volume_type=vtype["id"])
        shown = call(cloud, "GET", f"volumes/{vid}", ctx=ADMIN).json()["volume"]
        hosts[name] = (shown["status"], shown["os-vol-host-attr:host"])
    assert hosts == {
        "thick": ("available", "cinder@thick#thick"),
        "ceph": ("available", "cinder@ceph#ceph"),
        "nosuch": ("error", None),
    }
