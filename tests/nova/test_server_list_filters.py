"""``GET /servers[/detail]`` filters as Nova applies them (``ServersController._get_servers``,
``compute.api.API.get_all`` and the database's ``instance_get_all_by_filters_sort``: the same in
nova 17.0.13, 20.6.0, 29.2.0 and 34.0.0). Found by driving the real clients (session 14):
fakecloud read only ``name``, ``status`` and an admin's ``project_id``, so ``openstack server
list --image X`` or ``--flavor Y`` listed every server."""

import functools

import pytest

from fakecloud import Cloud

DISK = "cirros-0.6.2-x86_64-disk"
IMAGES: dict[str, str] = {}  # name -> id (the same in every profile at one seed)


def _boot(cloud, name, image, flavor):
    body = {"server": {"name": name, "flavorRef": flavor, "imageRef": image, "networks": "none"}}
    resp = cloud.request("compute", "POST", "/v2.1/servers", body=body, microversion="2.37")
    assert resp.status == 202, resp.body
    cloud.run_until_idle()
    return resp.json()["server"]["id"]


@pytest.fixture(scope="module", params=["seed", "upstream"])
def cloud(request):
    """Two servers: ``a`` (image qga, flavor 1) at 0 s, ``b`` (image disk, flavor 42) later."""
    cloud = Cloud(seed=3, profile=request.param)
    images = cloud.request("image", "GET", "/v2/images").json()["images"]
    by_name = {i["name"]: i["id"] for i in images}
    _boot(cloud, "a", by_name["cirros-0.6.2-x86_64-qga"], "1")
    cloud.run(60)
    _boot(cloud, "b", by_name[DISK], "42")
    IMAGES.update(by_name)
    return cloud


def names(cloud, query, user="demo", microversion="2.60"):
    resp = cloud.request(
        "compute", "GET", f"/v2.1/servers/detail?{query}", user=user, microversion=microversion
    )
    assert resp.status == 200, resp.body
    return sorted(s["name"] for s in resp.json()["servers"])


def refused(cloud, query, status=400, user="demo", microversion="2.60"):
    resp = cloud.request(
        "compute", "GET", f"/v2.1/servers?{query}", user=user, microversion=microversion
    )
    assert resp.status == status, resp.body
    return next(iter(resp.json().values()))["message"]


def test_image_and_flavor_filters(cloud):
    assert names(cloud, f"image={IMAGES[DISK]}") == ["b"]
    assert names(cloud, "flavor=1") == ["a"]
    assert names(cloud, "flavor=42&image=nosuch") == []
    # An unknown flavor: Flavor.get_by_flavor_id's FlavorNotFound, caught: an empty list
    assert names(cloud, "flavor=999") == []


def test_no_server_has_an_address_so_an_ip_filter_finds_none(cloud):
    # fakecloud's servers have no ports: _ip_filter_using_neutron finds no instance
    assert names(cloud, "ip=10") == names(cloud, "ip6=fe80", microversion="2.5") == []
    assert names(cloud, "ip6=fe80", microversion="2.4") == ["a", "b"]  # dropped before 2.5


def test_changes_since_is_updated_at_and_brings_deleted_servers(cloud):
    born = cloud.kernel.clock.wall_time(30).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert names(cloud, f"changes-since={born}") == ["b"]
    assert names(cloud, "changes-since=2999-01-01T00:00:00Z") == []
    gone = Cloud(seed=3, profile=cloud.profile)
    sid = _boot(gone, "gone", IMAGES[DISK], "1")
    gone.request("compute", "DELETE", f"/v2.1/servers/{sid}")
    gone.run_until_idle()
    assert names(gone, "") == []
    assert names(gone, "changes-since=2000-01-01T00:00:00Z") == ["gone"]
    assert names(gone, "deleted=true&all_tenants=1", user="admin") == ["gone"]
    assert names(gone, "deleted=true") == []  # a user's `deleted` is dropped: live only


def test_times_are_the_whole_seconds_mysql_stores_a_half_rounded_up():
    # nova 34.0.0 db/main/api.py compares updated_at >= changes-since in the database, whose
    # DATETIME column MySQL rounds to the nearest second as it stores it
    cloud = Cloud(seed=3, profile="upstream")
    cloud.run(0.6)
    sid = _boot(cloud, "r", next(iter(cloud.glance.db.images)), "1")
    row = cloud.nova.db.instances[sid]
    assert cloud.kernel.clock.wall_time(row.updated_at).isoformat() == "2026-01-01T00:00:04.609000"
    shown = cloud.request("compute", "GET", f"/v2.1/servers/{sid}").json()["server"]
    assert (shown["created"], shown["updated"]) == ("2026-01-01T00:00:01Z", "2026-01-01T00:00:05Z")
    assert names(cloud, "changes-since=2026-01-01T00:00:04.9Z") == ["r"]
    assert names(cloud, "changes-since=2026-01-01T00:00:05.000001Z") == []
    before = "changes-before={}&changes-since=2026-01-01T00:00:00Z"
    assert names(cloud, before.format(shown["updated"]), microversion="2.66") == ["r"]
    assert names(cloud, before.format("2026-01-01T00:00:04.9Z"), microversion="2.66") == []


def test_actions_and_migrations_show_the_seconds_mysql_stored():
    # instance_actions(_events) and migrations are DATETIME columns too (nova 34.0.0
    # db/main/models.py); actions_get and migration_get_all_by_filters compare them in MySQL
    cloud = Cloud(seed=3, profile="upstream")
    cloud.run(0.6)
    sid = _boot(cloud, "r", next(iter(cloud.glance.db.images)), "1")  # 00:00:00.6 to 04.609
    compute = functools.partial(cloud.request, "compute", "GET", user="admin")
    actions = f"/v2.1/servers/{sid}/os-instance-actions"
    (act,) = compute(actions, microversion="2.58").json()["instanceActions"]
    assert (act["start_time"], act["updated_at"]) == (
        "2026-01-01T00:00:01.000000",
        "2026-01-01T00:00:05.000000",
    )
    (event,) = compute(f"{actions}/{act['request_id']}").json()["instanceAction"]["events"]
    assert (event["start_time"], event["finish_time"]) == (act["start_time"], act["updated_at"])
    window = actions + "?changes-{}=2026-01-01T00:00:04.9Z"
    assert len(compute(window.format("since"), microversion="2.58").json()["instanceActions"]) == 1
    assert compute(window.format("before"), microversion="2.66").json()["instanceActions"] == []
    resize = {"resize": {"flavorRef": "42"}}
    resp = cloud.request("compute", "POST", f"/v2.1/servers/{sid}/action", body=resize)
    assert resp.status == 202
    cloud.run_until_idle()  # the migration made at 00:00:04.6, finished at 07.6
    migrations = "/v2.1/os-migrations?changes-{}=2026-01-01T00:00:07.9Z"
    (moved,) = compute(migrations.format("since"), microversion="2.59").json()["migrations"]
    assert (moved["created_at"], moved["updated_at"]) == (
        "2026-01-01T00:00:05.000000",
        "2026-01-01T00:00:08.000000",
    )
    assert compute(migrations.format("before"), microversion="2.66").json()["migrations"] == []


def test_a_users_filters_are_those_of_the_microversion(cloud):
    if cloud.profile == "seed":  # Queens serves 2.60: tags only
        assert names(cloud, "tags=x", microversion="2.26") == []
        assert names(cloud, "not-tags=x", microversion="2.26") == ["a", "b"]
        assert names(cloud, "tags=x", microversion="2.25") == ["a", "b"]
        return
    assert names(cloud, "locked=true", microversion="2.73") == []
    assert names(cloud, "locked=true", microversion="2.72") == ["a", "b"]
    assert names(cloud, "key_name=x", microversion="2.83") == []
    assert names(cloud, "key_name=x", microversion="2.82") == ["a", "b"]
    assert names(cloud, "availability_zone=^no", microversion="2.83") == ["a", "b"]
    assert names(cloud, "host=cmp", microversion="2.83") == ["a", "b"]  # admins' only


def test_an_admin_filters_by_any_column(cloud):
    listed = cloud.request(
        "compute", "GET", "/v2.1/servers/detail?all_tenants", user="admin"
    ).json()
    hosts = {s["name"]: s["OS-EXT-SRV-ATTR:host"] for s in listed["servers"]}
    same = sorted(n for n, h in hosts.items() if h == hosts["a"])
    every = "all_tenants&"  # present and empty: true (common.is_all_tenants)
    assert names(cloud, f"{every}host={hosts['a']}", user="admin") == same  # exact
    assert names(cloud, f"{every}host=cmp", user="admin") == []
    assert names(cloud, f"{every}node=.&display_name=^b$", user="admin") == ["b"]  # regexes
    assert names(cloud, f"{every}no_such_column=x", user="admin") == ["a", "b"]  # ignored
    assert names(cloud, "host=cmp", user="admin") == []  # not all tenants: the admin's own


def test_nova_s_refusals(cloud):
    assert refused(cloud, "status=nope") == "Invalid status value"  # 2.38+
    assert names(cloud, "status=nope", microversion="2.37") == []
    assert refused(cloud, "status=DELETED", 403) == "Only administrators may list deleted instances"
    assert refused(cloud, "metadata=x", user="admin") == "Invalid filter field: metadata."
    assert names(cloud, "metadata=x") == ["a", "b"]  # a user's unknown option is dropped first
    message = refused(cloud, "all_tenants=maybe", user="admin")
    assert message.startswith("Invalid input received: Unrecognized value 'maybe', acceptable")
    if cloud.profile != "seed":
        message = refused(cloud, "locked=maybe", microversion="2.73")
        assert message.startswith("Invalid input received: Unrecognized value 'maybe'")
        assert refused(
            cloud, "changes-since=2026-02-01T00:00:00Z&changes-before=2026-01-01T00:00:00Z",
            microversion="2.66",
        ) == "The value of changes-since must be less than or equal to changes-before."  # fmt: skip


def listed(cloud, query, user="demo"):
    resp = cloud.request("compute", "GET", f"/v2.1/servers?{query}", user=user)
    assert resp.status == 200, resp.body
    return [s["name"] for s in resp.json()["servers"]]


def test_sort_keys_and_directions_as_nova_orders(cloud):
    # common.get_sort_params (default created_at desc), db.utils.process_sort_params (then
    # created_at and id, in the first direction given), remove_invalid_sort_keys
    assert listed(cloud, "") == ["b", "a"]
    assert listed(cloud, "sort_dir=asc") == ["a", "b"]
    assert listed(cloud, "sort_key=display_name") == ["b", "a"]  # desc unless asked
    assert listed(cloud, "sort_key=display_name&sort_dir=asc&limit=1") == ["a"]
    assert listed(cloud, "sort_key=instance_type_id&sort_key=vcpus&sort_dir=asc") == ["a", "b"]
    assert listed(cloud, "sort_key=vcpus&sort_dir=desc&sort_key=display_name&sort_dir=asc") == [
        "a",
        "b",
    ]  # an ignored key goes with its direction
    ids = {
        s["name"]: s["id"]
        for s in cloud.request("compute", "GET", "/v2.1/servers").json()["servers"]
    }
    by_id = sorted(ids, key=ids.get)
    assert listed(cloud, "sort_key=uuid&sort_dir=asc") == by_id
    assert listed(cloud, "sort_key=uuid") == by_id[::-1]
    assert refused(cloud, "sort_key=host", 403) == "Only administrators can sort servers by host"
    assert listed(cloud, "all_tenants&sort_key=host&sort_key=display_name", user="admin")
    message = "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'"
    assert refused(cloud, "sort_dir=up") == message
    message = "Invalid input received: Sort direction size exceeds sort key size"
    assert refused(cloud, "sort_key=uuid&sort_dir=asc&sort_dir=desc") == message
