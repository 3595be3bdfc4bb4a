"""The service catalog: types, interfaces, regions, URLs, and its configuration."""

import pytest
from keystone_schemas import CATALOG, check, listing

from fakecloud import Cloud
from fakecloud.sim.ids import stream

#: The seed's catalog, in Keystone's order: Nova's legacy v2 entry before `compute` (devstack's
#: lib/nova registers it on every release), Cinder's v2 API while the release serves it (before
#: Cinder 19.0.0: devstack registered volumev2 through stable/wallaby), and the seed's Cinder 12
#: has the dead v1 entry `volume` too (devstack registered it through stable/rocky).
TYPES_BEFORE_CINDER_19 = [
    "identity",
    "compute_legacy",
    "compute",
    "image",
    "volumev2",
    "volumev3",
    "block-storage",
]
TYPES_BEFORE_CINDER_14 = TYPES_BEFORE_CINDER_19[:4] + ["volume"] + TYPES_BEFORE_CINDER_19[4:]


def catalog_of(cloud, user="demo"):
    resp = cloud.request("identity", "GET", "/v3/auth/catalog", user=user)
    assert resp.status == 200
    check(resp.json()["catalog"], CATALOG)
    return {entry["type"]: entry for entry in resp.json()["catalog"]}


def urls(entry):
    return {ep["interface"]: ep["url"] for ep in entry["endpoints"]}


def test_every_service_type_clients_look_for_is_listed():
    # The v2 entry's ids leave the others' as they were.
    catalog = catalog_of(Cloud())
    assert list(catalog) == TYPES_BEFORE_CINDER_14
    assert catalog["block-storage"]["name"] == "cinder"
    assert catalog["volumev3"]["name"] == "cinderv3"
    assert catalog["volumev2"]["name"] == "cinderv2"
    project_id = Cloud().context("demo").project_id
    assert urls(catalog["volumev2"])["public"] == f"http://volume.fakecloud.test/v2/{project_id}"
    assert catalog["volume"]["name"] == "cinder"
    assert urls(catalog["volume"])["public"] == f"http://volume.fakecloud.test/v1/{project_id}"
    stein = catalog_of(Cloud(profile="nova-19.0.0"))  # Cinder 14: devstack bfd2a54c
    assert list(stein) == TYPES_BEFORE_CINDER_19
    assert stein["volumev2"]["id"] == catalog["volumev2"]["id"]
    newer = catalog_of(Cloud(profile="nova-24.2.1"))  # Cinder 19
    assert list(newer) == [
        "identity",
        "compute_legacy",
        "compute",
        "image",
        "volumev3",
        "block-storage",
    ]
    assert newer["volumev3"]["id"] == catalog["volumev3"]["id"]
    assert newer["compute_legacy"]["name"] == "nova_legacy"


def test_each_service_has_devstacks_public_endpoint_in_one_region_under_both_keys():
    # devstack registers public endpoints only (since Pike), and Keystone's admin endpoint
    # too before Yoga: the seed profile is Train, upstream is after Yoga.
    for profile, identity in (("seed", ["admin", "public"]), ("upstream", ["public"])):
        for kind, entry in catalog_of(Cloud(profile=profile)).items():
            interfaces = sorted(ep["interface"] for ep in entry["endpoints"])
            assert interfaces == (identity if kind == "identity" else ["public"]), (profile, kind)
            for ep in entry["endpoints"]:
                assert ep["region"] == ep["region_id"] == "RegionOne"


def test_service_and_endpoint_ids_are_drawn_from_the_clouds_own_seed():
    # Each service's id, then its endpoints', in catalog order (volumev2's, volume's last) from the
    # seed's own stream (`first_hex_ids` remembers a seed's draws: a cloud of another seed
    # built in between must not get them, nor a Train cloud, whose identity service has two
    # endpoints, the upstream one's).
    for seed, profile in ((5, "seed"), (6, "seed"), (5, "upstream"), (5, "seed")):
        rng = stream(seed, "identity.catalog")
        drawn = []
        for kind, entry in catalog_of(Cloud(seed=seed, profile=profile)).items():
            drawn.append((kind, entry["id"], [ep["id"] for ep in entry["endpoints"]]))
        # Cinder's volumev2 (before Cinder 19) and volume (before 14), listed before
        # volumev3, are drawn last, in that order, then Nova's compute_legacy (session 46).
        late = ("volumev2", "volume", "compute_legacy")
        drawn.sort(key=lambda service: late.index(service[0]) + 1 if service[0] in late else 0)
        expected = [
            (kind, f"{rng.getrandbits(128):032x}", [f"{rng.getrandbits(128):032x}" for _ in eps])
            for kind, _, eps in drawn
        ]
        assert drawn == expected, (seed, profile)


def test_urls_follow_devstack_one_host_per_service():
    cloud = Cloud()
    project_id = cloud.context("demo").project_id
    catalog = catalog_of(cloud)
    assert urls(catalog["identity"])["public"] == "http://identity.fakecloud.test/v3"
    assert urls(catalog["compute"])["public"] == "http://compute.fakecloud.test/v2.1"
    assert urls(catalog["image"])["public"] == "http://image.fakecloud.test"
    volume = f"http://volume.fakecloud.test/v3/{project_id}"
    assert set(urls(catalog["volumev3"]).values()) == {volume}
    assert set(urls(catalog["block-storage"]).values()) == {volume}


def test_nova_legacy_v2_entry_is_devstacks():
    # devstack's lib/nova create_nova_accounts registers nova_legacy (compute_legacy) at
    # <nova>/v2/$(project_id)s before nova (compute), queens-eol to master (8349aff5); a real
    # client reaching Nova's legacy API there: tests/clients/test_keystoneauth.py.
    for profile in ("seed", "upstream"):
        cloud = Cloud(profile=profile)
        project_id = cloud.context("demo").project_id
        entry = catalog_of(cloud)["compute_legacy"]
        assert entry["name"] == "nova_legacy"
        assert urls(entry) == {"public": f"http://compute.fakecloud.test/v2/{project_id}"}


def test_the_catalog_is_per_project():
    cloud = Cloud()
    demo = urls(catalog_of(cloud, "demo")["volumev3"])["public"]
    admin = urls(catalog_of(cloud, "admin")["volumev3"])["public"]
    assert demo.endswith(cloud.context("demo").project_id)
    assert admin.endswith(cloud.context("admin").project_id)


def test_the_token_catalog_and_auth_catalog_agree():
    cloud = Cloud()
    token_id = cloud.keystone.token_for("demo").id
    token = cloud.request(
        "identity", "GET", "/v3/auth/tokens", headers={"X-Subject-Token": token_id}
    ).json()["token"]
    assert {e["type"]: e for e in token["catalog"]} == catalog_of(cloud)


def test_hosts_and_region_are_configuration():
    cloud = Cloud(
        config={
            "endpoints": {"compute": "http://nova.example.test:8774", "image": "https://img.test/"},
            "identity": {"region": "RegionTwo"},
        }
    )
    catalog = catalog_of(cloud)
    assert urls(catalog["compute"])["public"] == "http://nova.example.test:8774/v2.1"
    assert urls(catalog["image"])["public"] == "https://img.test"
    assert {ep["region_id"] for e in catalog.values() for ep in e["endpoints"]} == {"RegionTwo"}
    assert cloud.credentials()["region_name"] == "RegionTwo"


def test_admin_reads_services_endpoints_and_regions():
    cloud = Cloud()
    services = cloud.request("identity", "GET", "/v3/services", user="admin").json()
    assert [s["type"] for s in services["services"]] == TYPES_BEFORE_CINDER_14
    endpoints = cloud.request("identity", "GET", "/v3/endpoints?interface=public", user="admin")
    volume = [
        e["url"] for e in endpoints.json()["endpoints"] if e["url"].startswith("http://volume")
    ]
    assert (
        volume
        == ["http://volume.fakecloud.test/v1/$(project_id)s"]
        + ["http://volume.fakecloud.test/v2/$(project_id)s"]
        + ["http://volume.fakecloud.test/v3/$(project_id)s"] * 2
    )
    one = cloud.request("identity", "GET", f"/v3/services/{services['services'][1]['id']}")
    assert one.status == 403
    regions = cloud.request("identity", "GET", "/v3/regions")
    check(
        regions.json(),
        listing("regions", {"type": "object", "required": ["id", "parent_region_id"]}),
    )
    assert [r["id"] for r in regions.json()["regions"]] == ["RegionOne"]


@pytest.mark.parametrize("path", ["/v3/services", "/v3/endpoints"])
def test_catalog_records_are_admin_only(path):
    assert Cloud().request("identity", "GET", path).status == 403
