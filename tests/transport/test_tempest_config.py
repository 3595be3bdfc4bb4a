"""The Tempest workspace `fakecloud serve --tempest-config` writes (`fakecloud.tempest`): its
files parse as Tempest reads them, its microversions are the ones the served cloud announces,
its accounts get tokens, and its exclude lists are regular expressions each after its reason.
One cloud of `served_config` for the module (a few milliseconds); no Tempest run here."""

import configparser
import hashlib
import re

import pytest
import yaml

from fakecloud import Cloud
from fakecloud.errors import ConfigError
from fakecloud.tempest import register_nova_limits, served_config, write_files
from fakecloud.tempest.excludes import CINDER_PLUGIN, GLANCE_PLUGIN, IMAGE, exclude_list
from fakecloud.tempest.files import render
from fakecloud.tempest.limits import DEVSTACK_NOVA_LIMITS
from fakecloud.tempest.settings import settings

PROFILE = "nova-27.5.1"
UNIFIED = {"nova": {"quota_driver": "UnifiedLimitsDriver"}}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    cloud = Cloud(profile=PROFILE, config=served_config({"identity": {"token_ttl_s": 7200}}))
    root = tmp_path_factory.mktemp("tempest")
    write_files(cloud, root)
    conf = configparser.ConfigParser()
    assert conf.read(root / "etc" / "tempest.conf") == [str(root / "etc" / "tempest.conf")]
    return cloud, root, conf


def test_tempest_conf_has_the_microversions_and_world_the_cloud_serves(workspace):
    cloud, root, conf = workspace
    compute = cloud.request("compute", "GET", "/", user=None).json()["versions"]
    volume = cloud.request("block-storage", "GET", "/", user=None).json()["versions"]
    announced = {v["id"]: (v["min_version"], v["version"]) for v in compute + volume}
    assert (conf["compute"]["min_microversion"], conf["compute"]["max_microversion"]) == (
        announced["v2.1"]
    )
    assert announced["v2.1"] == ("2.1", "2.95")
    assert (conf["volume"]["min_microversion"], conf["volume"]["max_microversion"]) == (
        announced["v3.0"]
    )
    image = cloud.request("image", "GET", f"/v2/images/{conf['compute']['image_ref']}").json()
    assert image["hw_qemu_guest_agent"] == "yes" and image["status"] == "active"
    flavor = cloud.request("compute", "GET", f"/v2.1/flavors/{conf['compute']['flavor_ref_alt']}")
    assert flavor.status == 200
    assert conf["identity"]["uri_v3"] == cloud.auth_url
    assert conf["auth"]["test_accounts_file"] == str(root / "etc" / "accounts.yaml")
    assert conf.getboolean("image-feature-enabled", "os_glance_reserved") is True
    assert conf.getboolean("service_available", "neutron") is False
    # no key-manager API: Tempest's Barbican classes skip for it (Barbican is not available)
    assert conf.getboolean("service_available", "barbican") is False


def token(cloud, username, password, project, domain="Default"):
    user = {"name": username, "domain": {"name": domain}, "password": password}
    scope = {"project": {"name": project, "domain": {"name": "Default"}}}
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": user}},
                     "scope": scope}}  # fmt: skip
    return cloud.request("identity", "POST", "/v3/auth/tokens", body=body, user=None)


def test_accounts_of_each_kind_get_tokens_with_their_roles_members_first(workspace):
    cloud, root, _ = workspace
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    accounts = yaml.load((root / "etc" / "accounts.yaml").read_text(), Loader=loader)  # noqa: S506
    system = [a for a in accounts if "system" in a]
    accounts = [a for a in accounts if "system" not in a]
    # the identity admin tests' system_reader: a system-scoped reader, no project nor domain
    scope = {"system": {"all": True}}
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": system[0]["username"], "domain": {"name": system[0]["user_domain_name"]},
        "password": system[0]["password"]}}}, "scope": scope}}  # fmt: skip
    r = cloud.request("identity", "POST", "/v3/auth/tokens", body=body, user=None)
    assert r.status == 201 and system[0]["roles"] == ["reader"] and "project_name" not in system[0]
    assert r.json()["token"]["system"] == {"all": True}
    roles = [a["roles"] for a in accounts]
    assert roles[:8] == [["member"]] * 8 and ["reader"] in roles and ["manager"] in roles
    assert sum(a.get("types") == ["admin"] for a in accounts) == 8
    kinds = {(tuple(a["roles"]), tuple(a.get("types", ()))): a for a in reversed(accounts)}
    assert len(kinds) == 5  # member, reader, manager, admin, service: the last of each
    for a in kinds.values():
        r = token(cloud, a["username"], a["password"], a["project_name"], a["domain_name"])
        assert r.status == 201, (a["username"], r.json())
        assert set(a["roles"]) <= {role["name"] for role in r.json()["token"]["roles"]}
    # the config's own token_ttl_s wins over the year Tempest's users get by default
    assert cloud.config.identity.token_ttl_s == 7200


def test_exclude_lists_are_patterns_after_their_reasons(workspace):
    cloud, root, _ = workspace
    lines = (root / "exclude-compute.txt").read_text().splitlines()
    patterns = [line for line in lines if line and not line.startswith("#")]
    assert patterns and all(re.compile(p) for p in patterns)
    first = lines.index(patterns[0])
    assert lines[first - 1].startswith("# logs in to the guest over SSH")
    # 2.95 has 2.93's volume-backed rebuild (it logs in to the guest); Glance 22 its tasks,
    # so the backups' test is left out for --settle's calendar alone, with that reason
    assert any("test_rebuild_volume_backed_server" in p for p in patterns)
    (backup,) = [i for i, line in enumerate(lines) if "test_create_backup" in line]
    assert lines[backup - 1].startswith("# lists its two backups by created_at")
    assert "tasks" not in lines[backup - 1]
    assert "# none" in (root / "exclude-image.txt").read_text()
    identity = (root / "exclude-identity.txt").read_text()
    assert "# OS-OAUTH1 consumers" in identity and "test_application_credentials" not in identity
    tempest_conf = (root / "etc" / "tempest.conf").read_text()
    # keystone 23 (Nova 27) has access rules
    assert "\ntrust = false\n" in tempest_conf and "\naccess_rules = true\n" in tempest_conf
    assert "\napi_extensions = OS-INHERIT\n" in tempest_conf  # Tempest's test_inherits runs


def test_cinder_plugin_flags_and_what_queens_leaves_out(workspace):
    cloud, root, conf = workspace
    flags = conf["volume-feature-enabled"]
    assert flags.getboolean("volume_revert") and not flags.getboolean("consistency_group")
    plugin = (root / "exclude-cinder-plugin.txt").read_text()  # Cinder 22: only the guest's
    assert "SnapshotDataIntegrityTests" in plugin and "crossproject" not in plugin
    # Cinder 22's legacy policies: no reader clients, no RBAC tests; Cinder 29's new defaults
    assert conf.getboolean("enforce_scope", "cinder") is cloud.cinder.policy_new_defaults is False
    upstream = Cloud(profile="upstream", config=served_config(None))
    assert settings(upstream)["cinder_new_defaults"] is True
    assert conf.getboolean("enforce_scope", "glance") is True  # Glance 26 refuses system scope
    assert conf.getboolean("enforce_scope", "nova") is True  # Nova 27.0.0's default
    # Queens' Cinder: another project's backup may be the parent, a smaller snapshot reverts
    queens = exclude_list(CINDER_PLUGIN, Cloud(profile="seed"))
    patterns = [p for e in queens for p in e.patterns]
    assert any("test_backup_crossproject_" in p for p in patterns)
    # the fix's backports (Cinder 15.4.0) came beside Nova 20.4.1: the tests run from there
    for profile, left_out in (("nova-20.4.0", True), ("nova-20.4.1", False)):
        found = exclude_list(CINDER_PLUGIN, Cloud(profile=profile))
        assert any("crossproject" in p for e in found for p in e.patterns) is left_out
    assert any("after_extended_negative" in p for p in patterns)
    # the size check's backport (Cinder 13.0.2) came beside Nova 18.1.0: the test runs from there
    for profile, left_out in (("nova-18.0.3", True), ("nova-18.1.0", False)):
        found = exclude_list(CINDER_PLUGIN, Cloud(profile=profile))
        assert any("after_extended_negative" in p for e in found for p in e.patterns) is left_out


def test_personality_runs_and_the_vnc_console_as_the_served_nova_enables_it(workspace):
    _, _, conf = workspace
    compute = conf["compute-feature-enabled"]
    # the API side of personality files is served (their schema and quotas)
    assert compute.getboolean("personality") is True
    # Nova's [vnc] enabled (its default) gives the noVNC console URL; SPICE and serial stay off
    assert compute.getboolean("vnc_console") is True
    assert not compute.getboolean("spice_console") and not compute.getboolean("serial_console")
    no_vnc = Cloud(profile="seed", config=served_config({"nova": {"vnc_enabled": False}}))
    assert settings(no_vnc)["vnc_console"] is False


def test_feature_flags_follow_the_served_release_and_config(workspace):
    _, _, conf = workspace
    compute = conf["compute-feature-enabled"]
    assert compute.getboolean("stable_rescue") and compute.getboolean("hostname_fqdn_sanitization")
    # libvirt's stable device rescue from 21.0.0; a hostname's periods made '-' from 23.0.0
    # and Glance's format enforcement (require_image_format_match) from 30.0.0
    assert conf.getboolean("image-feature-enabled", "image_format_enforcement") is False
    # and an attached encrypted volume extended by its decrypted size from 21.0.0 (961df12393)
    flags = ("stable_rescue", "hostname_fqdn_sanitization", "image_format_enforcement",
             "extend_attached_encrypted_volume")  # fmt: skip
    for profile, values in [
        ("nova-20.6.1", (False, False, False, False)),
        ("nova-22.4.0", (True, False, False, True)),
        ("nova-23.2.2", (True, True, False, True)),
        ("nova-31.0.0", (True, True, True, True)),
    ]:
        told = settings(Cloud(profile=profile, config=served_config(None)))
        assert tuple(told[flag] for flag in flags) == values, profile
    # Nova's default machine type for x86_64 is still 'pc' (34.0.0 get_default_machine_type):
    # an IDE rescue disk attaches; Glance hashes an added location (do_secure_hash's default)
    assert compute.getboolean("ide_bus") and conf.getboolean("image-feature-enabled",
                                                              "do_secure_hash")  # fmt: skip
    # quota against Keystone's limits only where the served Nova's [quota] driver says so
    assert compute.getboolean("unified_limits") is False
    unified = served_config(UNIFIED)
    assert settings(Cloud(profile="nova-25.3.0", config=unified))["unified_limits"] is True
    # so ListUserImagesTest runs before Glance 30, but its os_hidden tests not before Glance 17
    (hidden,) = exclude_list(IMAGE, Cloud(profile="seed"))
    assert "os_hidden" in hidden.why and not exclude_list(IMAGE, workspace[0])


def test_a_nova_under_unified_limits_gets_devstacks_registered_limits(workspace):
    # devstack's configure_nova_unified_limits: Nova's defaults registered for service nova
    cloud = Cloud(profile=PROFILE, config=served_config(UNIFIED))
    assert register_nova_limits(cloud) == list(DEVSTACK_NOVA_LIMITS)
    assert register_nova_limits(cloud) == []  # a world that holds them (a --state) keeps them
    admin = {"X-Auth-Token": cloud.keystone.token_for("admin", scope="system").id}
    listed = cloud.request("identity", "GET", "/v3/registered_limits", user=None, headers=admin)
    (nova,) = {r["service_id"] for r in listed.json()["registered_limits"]}
    regs = {r["resource_name"]: (r["region_id"], r["default_limit"])
            for r in listed.json()["registered_limits"]}  # fmt: skip
    assert regs == {name: ("RegionOne", value) for name, value in DEVSTACK_NOVA_LIMITS.items()}
    project = cloud.context("demo").project_id
    quotas = cloud.request("compute", "GET", f"/v2.1/os-quota-sets/{project}", microversion="2.90")
    assert (quotas.json()["quota_set"]["instances"], quotas.json()["quota_set"]["ram"]) == (
        10,
        51200,
    )
    # what Tempest's ServersQuotaTest does first, refused (403) without a registered limit
    limit = {"service_id": nova, "region_id": "RegionOne", "project_id": project,
             "resource_name": "servers", "resource_limit": 1}  # fmt: skip
    made = cloud.request("identity", "POST", "/v3/limits", {"limits": [limit]}, user=None,
                         headers=admin)  # fmt: skip
    assert made.status == 201, made.json()
    # a Nova counting its own quotas gets none: devstack registers them only with the driver
    assert register_nova_limits(workspace[0]) == []


def test_the_hint_filters_are_devstacks_unless_the_config_names_its_own(workspace):
    """devstack's ``enabled_filters`` (Nova's defaults, ``SameHostFilter`` and
    ``DifferentHostFilter``), so Tempest's ``ServersOnMultiNodesTest`` runs its hint tests."""
    cloud, _, conf = workspace
    filters = conf["compute-feature-enabled"]["scheduler_enabled_filters"].split(",")
    assert filters[-2:] == ["SameHostFilter", "DifferentHostFilter"]
    assert filters[:5] == ["ComputeFilter", "ComputeCapabilitiesFilter", "ImagePropertiesFilter",
                           "ServerGroupAntiAffinityFilter",
                           "ServerGroupAffinityFilter"]  # fmt: skip
    assert set(cloud.nova.config.enabled_filters) == set(filters)
    own = served_config({"nova": {"enabled_filters": ["ComputeFilter"]}})
    assert own["nova"]["enabled_filters"] == ["ComputeFilter"]


def test_image_caching_runs_where_the_served_glance_has_a_cache_and_its_cache_api(workspace):
    """``ImageCachingTest`` where the config gives Glance its cache and its ``/v2/cache`` API
    answers a queue and a delete with the 202 and 204 Tempest's client wants (Glance 25.0.0 on,
    and 24.2.0 beside Nova 25.1.1; 24.0.0's 200s fail the test against the real Glance 24 too);
    no cache by default."""
    assert workspace[2].getboolean("image", "image_caching_enabled") is False
    cached = {"glance": {"image_cache": True}}
    for profile, runs in (("upstream", True), ("nova-25.1.0", False), ("nova-25.1.1", True)):
        assert settings(Cloud(profile=profile, config=cached))["image_caching_enabled"] is runs


def test_with_dynamic_credentials_the_admin_gets_a_token_and_no_accounts_file(workspace):
    cloud, root, _ = workspace
    files = {path.name: text for path, text in render(cloud, root, True).items()}
    assert "accounts.yaml" not in files
    conf = configparser.ConfigParser()
    conf.read_string(files["tempest.conf"])
    auth = conf["auth"]
    assert auth.getboolean("use_dynamic_credentials") and "test_accounts_file" not in auth
    r = token(cloud, auth["admin_username"], auth["admin_password"], auth["admin_project_name"])
    assert r.status == 201 and "admin" in {role["name"] for role in r.json()["token"]["roles"]}
    # the same lists as with the accounts file: the admin above serves both
    assert files["exclude-compute.txt"] == (root / "exclude-compute.txt").read_text()


def test_a_cloud_without_tempests_users_is_refused_for_an_accounts_file(tmp_path):
    plain = Cloud(profile=PROFILE)  # as a --state saved without --tempest-config loads it
    with pytest.raises(ConfigError, match="the cloud has none of Tempest's users"):
        render(plain, tmp_path)
    assert "tempest.conf" in {path.name for path in render(plain, tmp_path, True)}


def test_glance_plugin_leaves_out_the_reader_writes_of_a_scoped_legacy_glance(workspace):
    """Glance 25 with ``glance: enforce_scope`` alone: Tempest's ``[enforce_scope] glance``
    runs the plugin, whose image reader tests expect the new defaults a legacy Glance has not
    (its reader writes its project's images): left out there, nowhere else."""
    _, root, _ = workspace
    assert "# none" in (root / "exclude-glance-plugin.txt").read_text()  # Glance 26
    zed = Cloud(profile="nova-26.3.0", config={"glance": {"enforce_scope": True}})
    assert settings(zed)["glance_scope_enforced"] is True
    patterns = [p for e in exclude_list(GLANCE_PLUGIN, zed) for p in e.patterns]
    test_id = (
        "glance_tempest_plugin.tests.rbac.v2.test_project_reader_tests.ImagesProjectReaderTests"
        ".test_delete_image[id-{}]"
    )
    assert [bool(re.search(p, test_id)) for p in patterns] == [True]
    assert not re.search(patterns[0], test_id.replace("test_delete_image", "test_list_images"))


@pytest.mark.parametrize("dynamic", [False, True])
def test_tempests_manager_and_service_roles_are_made_where_bootstrap_does_not(dynamic):
    # keystone 13's bootstrap makes admin alone, 23's no manager or service (24.0.0's does)
    for profile, manager in (
        ("seed", ("manager", "member")),
        (PROFILE, ("manager", "member", "reader")),
    ):
        assert Cloud(profile=profile).keystone.directory.role_by_name("manager") is None
        cloud = Cloud(profile=profile, config=served_config(None, dynamic))
        d = cloud.keystone.directory
        assert (d.role_by_name("manager").implies, d.role_by_name("service").implies) == (
            ("member",),
            (),
        )
        assert d.implied(("manager",)) == manager


def test_nova_policy_roles_name_the_manager_from_32_and_live_migration_copies_the_disk(workspace):
    """devstack lib/tempest (stable/2025.2 on) names ``manager`` and ``service`` in
    ``nova_policy_roles`` for Nova 32.0.0's rules (06699f26a5, f914cb185c), so Tempest's
    migration tests act as the project manager; before 32 Tempest's default. No shared storage:
    Tempest's live migrations ask for the block migration a local disk needs."""
    _, _, conf = workspace
    compute = conf["compute-feature-enabled"]
    assert compute["nova_policy_roles"] == "admin,member,reader"  # Nova 27.5.1
    assert compute.getboolean("block_migration_for_live_migration") is True
    assert compute.getboolean("volume_backed_live_migration") is True
    upstream = Cloud(profile="upstream", config=served_config(None))
    assert settings(upstream)["nova_policy_roles"] == "admin,manager,member,reader,service"


def test_tempests_image_downloads_whole_and_a_default_cloud_refuses_it(workspace):
    # AttachSCSIVolumeTestJSON.test_attach_scsi_disk_with_config_drive downloads image_ref
    cloud, _, conf = workspace
    url = f"/v2/images/{conf['compute']['image_ref']}/file"
    got = cloud.request("image", "GET", url)
    image = cloud.request("image", "GET", url.removesuffix("/file")).json()
    assert (got.status, len(got.body)) == (200, image["size"]) and image["size"] > 20 << 20
    assert got.headers["Content-MD5"] and image["checksum"] == hashlib.md5(got.body).hexdigest()
    refused = Cloud(profile=PROFILE).request("image", "GET", url)
    assert refused.status == 400 and b"glance.downloadable_content_bytes (1048576" in refused.body


def test_devstacks_multiattach_type_attaches_one_volume_to_two_servers(workspace):
    """Swap, multiattach and encrypted attach on for every release; Tempest's multiattach tests
    make their volumes of ``[volume] volume_type_multiattach``, devstack's type, which the
    served cloud has. A second attach to the same server is Nova's 400 (what
    cinder-tempest-plugin's same-host test checks: left out, its setUp needs Neutron)."""
    cloud, root, conf = workspace
    compute = conf["compute-feature-enabled"]
    flags = ("swap_volume", "volume_multiattach", "attach_encrypted_volume")
    assert [compute.getboolean(flag) for flag in flags] == [True] * 3
    assert conf["volume"]["volume_type_multiattach"] == "multiattach"
    assert (
        "test_volume_multiattach_same_host_negative"
        in (root / "exclude-cinder-plugin.txt").read_text()
    )
    body = {"volume": {"size": 1, "volume_type": "multiattach"}}
    made = cloud.request("volumev3", "POST", "/v3/{project_id}/volumes", body)
    vid = made.json()["volume"]["id"]
    sids = []
    for name in ("multiattach-0", "multiattach-1"):
        server = {"name": name, "imageRef": conf["compute"]["image_ref"],
                  "flavorRef": conf["compute"]["flavor_ref"], "networks": "none"}  # fmt: skip
        booted = cloud.request("compute", "POST", "/v2.1/servers", {"server": server},
                               microversion="2.60")  # fmt: skip
        sids.append(booted.json()["server"]["id"])
    cloud.run_until_idle()

    def attach(sid):
        path = f"/v2.1/servers/{sid}/os-volume_attachments"
        answer = cloud.request("compute", "POST", path, {"volumeAttachment": {"volumeId": vid}},
                               microversion="2.60")  # fmt: skip
        cloud.run_until_idle()
        return answer

    assert [attach(sid).status for sid in sids] == [200, 200]
    volume = cloud.request("volumev3", "GET", f"/v3/{{project_id}}/volumes/{vid}").json()["volume"]
    assert (volume["status"], volume["multiattach"]) == ("in-use", True)
    assert sorted(a["server_id"] for a in volume["attachments"]) == sorted(sids)
    again = attach(sids[0])
    assert (again.status, again.json()["badRequest"]["message"]) == (
        400,
        f"Invalid volume: volume {vid} already attached",
    )
    # Queens' Cinder and Nova 17.0.0's compute 2.60 (the seed's newest) have it too; a config
    # that names its own multiattach type keeps it, and one without the spec turns it off
    assert settings(Cloud(profile="seed", config=served_config(None)))[
        "volume_type_multiattach"] == "multiattach"  # fmt: skip
    plain = {"cinder": {"volume_types": {"__DEFAULT__": {"backend": "lvmdriver-1"},
                                         "multiattach": {"backend": "lvmdriver-1"}}}}  # fmt: skip
    assert settings(Cloud(profile="seed", config=served_config(plain)))[
        "volume_type_multiattach"] == ""  # fmt: skip


def test_a_second_backend_runs_the_multi_backend_tests_and_a_replicating_one_replications(
    workspace, tmp_path
):
    """One LVM backend (devstack's default): Tempest's multi-backend and retype-with-migration
    classes and cinder-tempest-plugin's replication classes skip, and no ``backend_names`` is
    written (Tempest's default, two made-up names, would reach the plugin's backend count).
    Two backends in the config (devstack's ``CINDER_ENABLED_BACKENDS``): ``multi_backend`` on
    and their names; a replicating one (``rbd`` with ``replication_device``) among pools that
    all report ``replication_enabled``, which the plugin reads of each: ``replication`` on
    too, not beside an LVM pool (no such key). ``storage_protocol`` is what the default type's
    backend reports. Session 39: the classes they enable passed against such clouds."""
    conf = workspace[2]
    assert "backend_names" not in conf["volume"]
    assert (conf["volume"]["storage_protocol"], conf["volume"]["vendor_name"]) == (
        "iSCSI", "Open Source",
    )  # fmt: skip
    flags = conf["volume-feature-enabled"]
    assert not flags.getboolean("multi_backend") and not flags.getboolean("replication")
    two = {"cinder": {"backends": {"ceph": {"kind": "rbd"}, "ceph-replicated": {
        "kind": "rbd", "replication_device": [{"backend_id": "secondary"}]}},
        "volume_types": {"__DEFAULT__": {"backend": "ceph"}}}}  # fmt: skip
    cloud = Cloud(profile="upstream", config=served_config(two))
    served = configparser.ConfigParser()
    served.read_string(next(t for p, t in render(cloud, tmp_path).items() if p.suffix == ".conf"))
    assert served["volume"]["backend_names"] == "ceph,ceph-replicated"
    assert served["volume"]["storage_protocol"] == "ceph"  # its type tests' extra spec
    flags = served["volume-feature-enabled"]
    assert flags.getboolean("multi_backend") and flags.getboolean("replication")
    two["cinder"]["backends"]["ceph"] = {"kind": "lvm-thin"}
    mixed = settings(Cloud(profile="upstream", config=served_config(two)))
    assert (mixed["backend_names"], mixed["replication"]) == ("ceph,ceph-replicated", False)
