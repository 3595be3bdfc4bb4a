"""A boot into an anti-affinity group while another member's resize awaits its confirm (found by
the robustness soak, session 17): the compute's late check counts members with a move in
progress from or to its host from nova 24.0.0 and its backports 21.2.2, 22.2.2, 23.0.2
(33c8af1f8c "Error anti-affinity violation on migrations", LP #1821755,
``ComputeManager._validate_instance_group_policy``: ``MigrationList.
get_in_progress_by_host_and_node``). Before, the new member lands on the mover's source host
and a revert brings the mover back beside it."""

import pytest

from fakecloud import Cloud

IMAGE = "cirros-0.6.2-x86_64-qga"


def _moved_then_joined(profile: str) -> tuple[Cloud, dict, dict]:
    cloud = Cloud(seed=3, profile=profile)
    req = cloud.request
    image = req("image", "GET", f"/v2/images?name={IMAGE}").json()["images"][0]["id"]
    group = {"server_group": {"name": "g", "policies": ["anti-affinity"]}}
    group_id = req("compute", "POST", "/v2.1/os-server-groups", group).json()["server_group"]["id"]

    def boot(name: str) -> str:
        server = {"name": name, "flavorRef": "1", "imageRef": image, "networks": "none"}
        body = {"server": server, "os:scheduler_hints": {"group": group_id}}
        made = req("compute", "POST", "/v2.1/servers", body, microversion="2.37")
        cloud.run_until_idle()
        return made.json()["server"]["id"]

    mover = boot("a")
    path = f"/v2.1/servers/{mover}/action"
    assert req("compute", "POST", path, {"resize": {"flavorRef": "2"}}).status == 202
    cloud.run_until_idle()
    joined = boot("b")

    def shown(uuid: str) -> dict:
        return req("compute", "GET", f"/v2.1/servers/{uuid}", user="admin").json()["server"]

    return cloud, shown(mover), shown(joined)


@pytest.mark.parametrize(
    ("profile", "counted"), [("nova-21.2.1", False), ("nova-21.2.2", True), ("upstream", True)]
)
def test_a_member_resizing_away_still_counts_on_its_source_host(profile, counted):
    cloud, mover, joined = _moved_then_joined(profile)
    assert mover["status"] == "VERIFY_RESIZE"
    source = cloud.nova.db.migrations[1].source_compute
    assert mover["OS-EXT-SRV-ATTR:host"] != source
    if counted:
        # rescheduled: the only other host holds the mover, so no alternate is left
        assert joined["status"] == "ERROR"
        assert joined["fault"]["message"].startswith("Exceeded maximum number of retries.")
    else:
        assert (joined["status"], joined["OS-EXT-SRV-ATTR:host"]) == ("ACTIVE", source)
    path = f"/v2.1/servers/{mover['id']}/action"
    assert cloud.request("compute", "POST", path, {"revertResize": None}).status == 202
    cloud.run_until_idle()
    broken = cloud.check_invariants(["server_group_policy_holds"])
    assert bool(broken) is not counted  # before the fix, both members end on the source


def test_a_moving_members_side_counts_once_its_node_is_written():
    """``migration_get_in_progress_by_host_and_node`` matches (compute, node) pairs and leaves
    out confirmed, reverted, error, failed, completed, cancelled and done (nova 24.0.0-34.0.0
    db api; 21.2.2-23.0.2 backports alike): an evacuation ``accepted`` for a named host has no
    ``dest_node`` until that host's claim (``_claim_existing_migration``: ``pre-migrating``),
    so it does not count there yet; an ``error`` one never does."""
    from fakecloud.nova import server_groups
    from fakecloud.nova.objects import Migration

    cloud = Cloud(seed=3, profile="upstream")
    req = cloud.request
    group = {"server_group": {"name": "g", "policies": ["anti-affinity"]}}
    group_id = req("compute", "POST", "/v2.1/os-server-groups", group).json()["server_group"]["id"]
    image = req("image", "GET", f"/v2/images?name={IMAGE}").json()["images"][0]["id"]
    server = {"name": "a", "flavorRef": "1", "imageRef": image, "networks": "none"}
    body = {"server": server, "os:scheduler_hints": {"group": group_id}}
    member = req("compute", "POST", "/v2.1/servers", body, microversion="2.37").json()["server"]
    cloud.run_until_idle()
    nova = cloud.nova
    source = nova.db.instances[member["id"]].host
    target = next(h for h in nova.hosts if h != source)
    migration = Migration(
        id=0, uuid="m-1", instance_uuid=member["id"], migration_type="evacuation",
        status="accepted", source_compute=source, source_node=source, old_flavor=None,
        new_flavor=None, user_id="u", project_id="p", created_at=0.0, dest_compute=target,
    )  # fmt: skip
    nova.db.migration_create(migration, "test")
    group = server_groups.group_of(nova, member["id"])
    newcomer = "00000000-0000-0000-0000-000000000001"

    def seen() -> str | None:
        return server_groups.late_violation(nova, group, newcomer, target)

    assert seen() is None
    migration.status, migration.dest_node = "pre-migrating", target
    assert seen() == "Anti-affinity"
    migration.status = "error"
    assert seen() is None
