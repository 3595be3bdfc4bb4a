"""``openstack server migrate --host`` (2.56) of an anti-affinity member to the host another
member is being migrated to: the scheduler's filter reads the other's source host and lets it
through, ``prep_resize``'s late check refuses it (nova 34.0.0 ``_do_prep_resize``: a targeted
move has no retry, ``GroupAffinityViolation`` sets ERROR), and ``openstack server show``
shows the fault (tests/nova/test_move_reschedule.py has the cases by release)."""

from osc_inprocess import OpenStackCLI

from fakecloud import Cloud


def test_osc_migrate_to_a_members_destination_fails_the_late_check(tmp_path):
    cloud = Cloud(seed=5, profile="upstream", config={"nova": {"compute_hosts": 3}})
    req = cloud.request
    image = next(iter(cloud.glance.db.images.values())).id
    body = {"server_group": {"name": "apart", "policies": ["anti-affinity"]}}
    group = req("compute", "POST", "/v2.1/os-server-groups", body).json()["server_group"]["id"]
    ids = []
    for name in ("a", "b"):
        server = {"name": name, "flavorRef": "1", "imageRef": image, "networks": "none"}
        body = {"server": server, "os:scheduler_hints": {"group": group}}
        made = req("compute", "POST", "/v2.1/servers", body, microversion="2.37")
        ids.append(made.json()["server"]["id"])
        cloud.run_until_idle()
    a, b = ids
    with cloud.intercept():
        osc = OpenStackCLI(cloud, tmp_path)
        # a (cmp-1) is sent to cmp-3, the one host its group leaves it; b (cmp-2) follows
        moved = req("compute", "POST", f"/v2.1/servers/{a}/action", {"migrate": None}, user="admin")
        assert moved.status == 202
        osc(
            "--os-compute-api-version", "2.56", "server", "migrate", "--host", "cmp-3", b,
            cloud="fakecloud-admin", output=False,
        )  # fmt: skip
        cloud.run_until_idle()
    shown = req("compute", "GET", f"/v2.1/servers/{b}", user="admin").json()["server"]
    assert (shown["status"], shown["OS-EXT-SRV-ATTR:host"], shown["fault"]["message"]) == (
        "ERROR",
        "cmp-2",
        "Anti-affinity instance group policy was violated",
    )
