"""``openstack server group create`` and ``server create --hint group=UUID`` (an admin's
forced host past the group failing the compute's late check), and
openstacksdk's cloud layer ``create_server(group=...)``, against Nova's ``/os-server-groups``
and the ``group`` scheduler hint (tests/nova/test_server_groups.py), and novaclient's
``server_groups``: they were 404s."""

from client_helpers import novaclient_as
from osc_inprocess import OpenStackCLI

from fakecloud import Cloud


def test_osc_anti_affinity_member_finds_no_host_and_sdk_boots_into_a_group(tmp_path):
    cloud = Cloud(seed=15, profile="upstream", config={"nova": {"compute_hosts": 1}})
    image = next(iter(cloud.glance.db.images.values())).name
    with cloud.intercept():
        osc = OpenStackCLI(cloud, tmp_path)
        group = osc("server", "group", "create", "--policy", "anti-affinity", "apart")
        assert (group["name"], group["policy"]) == ("apart", "anti-affinity")
        ids = []
        for name in ("a", "b"):
            created = osc(
                "server", "create", "--flavor", "1", "--image", image, "--no-network",
                "--hint", f"group={group['id']}", name,
            )  # fmt: skip
            ids.append(created["id"])
            cloud.run_until_idle()
        # the one host holds a member: the second finds no valid host
        conn = cloud.connection()
        shown = conn.compute.get_server(ids[1])
        assert (shown.status, shown.fault["message"]) == (
            "ERROR",
            "No valid host was found. There are not enough hosts available.",
        )
        # an admin's forced host skips the filters; the compute's late check refuses it
        # (GroupAffinityViolation, not retried: tests/nova/test_reschedule.py)
        osc(
            "server", "create", "--flavor", "1", "--image", image, "--no-network",
            "--availability-zone", "nova:cmp-1", "--hint", f"group={group['id']}", "forced",
            cloud="fakecloud-admin",
        )  # fmt: skip
        cloud.run_until_idle()
        forced = osc("server", "show", "forced", cloud="fakecloud-admin")
        assert (forced["status"], forced["fault"]["message"]) == (
            "ERROR",
            "Anti-affinity instance group policy was violated",
        )
        together = conn.create_server_group("together", ["affinity"])
        server = conn.create_server(
            "c", image=image, flavor="1", network=[], group=together.id, wait=False
        )
        assert conn.compute.get_server_group(together.id).member_ids == [server.id]
        nova = novaclient_as(cloud, "2.64", "demo")
        soft = nova.server_groups.create(name="soft", policy="soft-affinity")
        assert (soft.policy, soft.rules) == ("soft-affinity", {})
        listed = {g.name: g.members for g in nova.server_groups.list()}
        assert sorted(listed) == ["apart", "soft", "together"]
        # the cell's members newest first, then cell0's (the one no host was found for)
        apart = [forced["id"], ids[0], ids[1]]
        assert (listed["together"], listed["apart"]) == ([server.id], apart)
