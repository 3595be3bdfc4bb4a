"""Nova under ``[quota] driver = nova.quota.UnifiedLimitsDriver`` (25.0.0 on,
`fakecloud.nova.limit`): its quotas are the limits Keystone holds for the compute endpoint's
service and region, read as oslo.limit reads them, and its refusals carry oslo.limit's words.
"""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv
from tests.nova.test_keypairs import SSH

UNIFIED = {"nova": {"quota_driver": "UnifiedLimitsDriver"}}
#: Registered limits that let the demo project boot two m1.tiny servers.
TWO_TINY = {
    "servers": 2,
    "class:VCPU": 2,
    "class:MEMORY_MB": 1024,
    "class:DISK_GB": 2,
    "server_key_pairs": 1,
    "server_metadata_items": 1,
    "server_groups": 0,
}


def _keystone(env, method, path, body=None):
    """Keystone's limits API as a system admin (every release's writer of limits)."""
    token = env.cloud.keystone.token_for("admin", scope="system").id
    return env.cloud.request(
        "identity", method, path, body, user=None, headers={"X-Auth-Token": token}
    )


def _register(env, limits, region="RegionOne"):
    """Registered limits of the compute service: ``{resource: default}``."""
    services = _keystone(env, "GET", "/v3/services").json()["services"]
    compute = next(s["id"] for s in services if s["type"] == "compute")
    regs = [
        {"service_id": compute, "region_id": region, "resource_name": name, "default_limit": value}
        for name, value in limits.items()
    ]
    made = _keystone(env, "POST", "/v3/registered_limits", {"registered_limits": regs})
    assert made.status == 201, made.json()
    return compute


def _boot(env, max_count=1, **extra):
    server = {"name": "vm", "imageRef": env.image.id, "flavorRef": "1", "networks": "none"}
    server.update(max_count=max_count)
    server.update(extra)
    return env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.90")


def _forbidden(resp):
    assert resp.status == 403, resp.json()
    return resp.json()["forbidden"]["message"]


@pytest.fixture(scope="module")
def upstream():
    env = NovaEnv("upstream", UNIFIED)
    _register(env, TWO_TINY)
    return env


def test_without_registered_limits_every_boot_is_refused_in_oslo_limits_words():
    env = NovaEnv("upstream", UNIFIED)
    project = env.cloud.context("demo").project_id
    assert _forbidden(_boot(env)) == (
        f"Project {project} is over a limit for [Resource class:DISK_GB is over limit of 0 due "
        "to current usage 0 and delta 1, Resource class:MEMORY_MB is over limit of 0 due to "
        "current usage 0 and delta 512, Resource class:VCPU is over limit of 0 due to current "
        "usage 0 and delta 1, Resource servers is over limit of 0 due to current usage 0 and "
        "delta 1]"
    )
    # a registered limit without the endpoint's region is none of Nova's
    _register(env, {"servers": 5}, region=None)
    assert "Resource servers is over limit of 0" in _forbidden(_boot(env))


def test_a_boot_fits_the_registered_and_project_limits_and_the_views_show_them(upstream):
    env = upstream.fork()
    project = env.cloud.context("demo").project_id
    created = _boot(env, max_count=3)  # two of the three fit: Nova asks one fewer each time
    assert created.status == 202
    env.cloud.run_until_idle()
    assert _forbidden(_boot(env)) == (
        f"Project {project} is over a limit for [Resource class:DISK_GB is over limit of 2 due "
        "to current usage 2 and delta 1, Resource class:MEMORY_MB is over limit of 1024 due to "
        "current usage 1024 and delta 512, Resource class:VCPU is over limit of 2 due to "
        "current usage 2 and delta 1, Resource servers is over limit of 2 due to current usage "
        "2 and delta 1]"
    )
    absolute = env.request("GET", "/v2.1/limits").json()["limits"]["absolute"]
    assert (absolute["maxTotalInstances"], absolute["totalInstancesUsed"]) == (2, 2)
    assert (absolute["maxTotalRAMSize"], absolute["totalRAMUsed"]) == (1024, 1024)
    assert (absolute["maxTotalKeypairs"], absolute["maxServerGroups"]) == (1, 0)
    assert absolute["maxSecurityGroups"] == -1  # neither a Keystone nor a local limit
    # a server being deleted leaves the servers count at once (its mapping queued for
    # deletion), its allocation only when its host has let it go
    doomed = env.request("GET", "/v2.1/servers").json()["servers"][0]["id"]
    assert env.request("DELETE", f"/v2.1/servers/{doomed}").status == 204
    assert "Resource servers" not in _forbidden(_boot(env))
    env.cloud.run_until_idle()
    assert _boot(env).status == 202
    # the project's own limit overrides the registered one (oslo.limit's _get_limit)
    compute = _register(env, {"class:SOMETHING": 1})
    own = {"service_id": compute, "region_id": "RegionOne", "resource_name": "servers",
           "resource_limit": 3, "project_id": project}  # fmt: skip
    assert _keystone(env, "POST", "/v3/limits", {"limits": [own]}).status == 201
    url = f"/v2.1/os-quota-sets/{project}"
    detail = env.request("GET", url + "/detail", user="admin").json()["quota_set"]
    assert detail["instances"] == {"in_use": 2, "limit": 3, "reserved": 0}
    defaults = env.request("GET", url + "/defaults", user="admin").json()["quota_set"]
    assert (defaults["instances"], defaults["cores"], defaults["metadata_items"]) == (2, 2, 1)
    # a quota-set update stores nothing; the limits stay Keystone's
    put = env.request("PUT", url, {"quota_set": {"instances": 50}}, user="admin")
    assert put.json()["quota_set"]["instances"] == 3


def test_key_pairs_metadata_and_server_groups_meet_the_registered_limits(upstream):
    env = upstream.fork()
    key = SSH
    first = env.request("POST", "/v2.1/os-keypairs",
                        {"keypair": {"name": "k1", "public_key": key}})  # fmt: skip
    assert first.status == 200, first.json()
    second = env.request("POST", "/v2.1/os-keypairs",
                         {"keypair": {"name": "k2", "public_key": key}})  # fmt: skip
    # a local limit is the registered one alone: "Project None"; without one it is ignored
    # (31.0.0 on: not in unified_limits_resource_list), one registered at 0 refuses
    assert _forbidden(second) == (
        "Project None is over a limit for [Resource server_key_pairs is over limit of 1 due "
        "to current usage 1 and delta 1]"
    )
    assert _forbidden(_boot(env, metadata={"a": "1", "b": "2"})) == (
        "Project None is over a limit for [Resource server_metadata_items is over limit of 1 "
        "due to current usage 0 and delta 2]"
    )
    group = env.request("POST", "/v2.1/os-server-groups",
                        {"server_group": {"name": "g", "policies": ["affinity"]}})  # fmt: skip
    assert _forbidden(group) == (
        "Project None is over a limit for [Resource server_groups is over limit of 0 due to "
        "current usage 0 and delta 1]"
    )


def test_a_resize_asks_room_for_one_more_server_of_the_new_flavor(upstream):
    env = upstream.fork()
    sid = env.boot(flavor="42")  # m1.nano: 128 MB
    env.boot(flavor="42")
    project = env.cloud.context("demo").project_id
    # createImage's image metadata is a legacy check only (limit_check: the driver's no-op)
    many = {f"k{i}": "v" for i in range(3)}
    assert env.create_image(sid, metadata=many, microversion="2.1").status == 202
    env.cloud.run_until_idle()
    # Placement will hold both flavors, and the check asks servers: 1 too (whatever the change)
    refused = env.action(sid, {"resize": {"flavorRef": "1"}})
    assert _forbidden(refused) == (
        f"Project {project} is over a limit for [Resource class:DISK_GB is over limit of 2 due "
        "to current usage 2 and delta 1, Resource class:VCPU is over limit of 2 due to current "
        "usage 2 and delta 1, Resource servers is over limit of 2 due to current usage 2 and "
        "delta 1]"
    )


@pytest.mark.parametrize(
    ("profile", "refused"),
    [("nova-30.0.0", True), ("nova-31.0.0", False)],
)
def test_unlimited_and_unregistered_classes_are_enforced_until_31(profile, refused):
    # nova/limit/utils.py should_enforce (31.0.0): a -1 is unlimited, and a resource without
    # a registered limit is 0 only if [quota] unified_limits_resource_list has it ("servers")
    env = NovaEnv(profile, UNIFIED)
    _register(env, {"servers": -1, "class:VCPU": 4, "class:MEMORY_MB": -1})
    resp = _boot(env)
    assert (resp.status == 403) == refused
    if refused:
        assert "Resource class:DISK_GB is over limit of 0" in _forbidden(resp)
        assert "Resource servers is over limit of -1" in _forbidden(resp)


def test_the_ignore_strategy_lets_a_listed_resource_go_unregistered():
    listed = "servers,class:VCPU,class:MEMORY_MB,class:DISK_GB"
    config = {
        "nova": {
            **UNIFIED["nova"],
            "unified_limits_resource_strategy": "ignore",
            "unified_limits_resource_list": listed,
        }
    }
    env = NovaEnv("nova-33.0.0", config)
    assert _boot(env).status == 202  # none has a registered limit: all ignored
    env.cloud.run_until_idle()
    _register(env, {"servers": 1})  # now it has one, and the project is at it
    assert "Resource servers is over limit of 1" in _forbidden(_boot(env))


@pytest.mark.parametrize(
    ("profile", "raised"),
    [
        ("nova-29.0.0", "openstack.exceptions.ResourceNotFound"),
        ("nova-30.0.0", "openstack.exceptions.NotFoundException"),
        ("upstream", "ValueError"),
    ],
)
def test_an_endpoint_id_naming_no_endpoint_is_novas_500(profile, raised):
    # oslo.limit 2.6.0 on _get_endpoint_by_id: "Can't find endpoint for X", a ValueError;
    # before, the SDK's 404 itself, named as the series' openstacksdk names it (oslo.limit
    # 2.4.0 with openstacksdk 3.0.0 and 2.5.0 with 4.0.1)
    config = {"nova": {**UNIFIED["nova"], "oslo_limit_endpoint_id": "nope"}}
    env = NovaEnv(profile, config)
    resp = _boot(env)
    assert resp.status == 500
    assert resp.json()["computeFault"]["message"].endswith(f"\n<class '{raised}'>")
    # real Nova's own 500, not a crash of fakecloud's (which answers the same body)
    assert not env.cloud.trace.filter(kind="api.error")


def test_a_flavors_resource_extra_specs_are_what_a_boot_asks(upstream):
    # ResourceRequest.from_request_spec's merged resources: resources:<class> extra specs and
    # hw:cpu_policy=dedicated's PCPU in place of VCPU
    env = upstream.fork()
    flavor = {"flavor": {"name": "gpu", "ram": 128, "vcpus": 1, "disk": 1, "id": "gpu"}}
    assert env.request("POST", "/v2.1/flavors", flavor, user="admin").status == 200
    specs = {"extra_specs": {"resources:CUSTOM_GPU": "1", "hw:cpu_policy": "dedicated"}}
    made = env.request("POST", "/v2.1/flavors/gpu/os-extra_specs", specs, user="admin")
    assert made.status == 200, made.json()
    _register(env, {"class:CUSTOM_GPU": 0})  # registered at 0: refused (31.0.0 on too)
    project = env.cloud.context("demo").project_id
    assert _forbidden(_boot(env, flavorRef="gpu")) == (
        f"Project {project} is over a limit for [Resource class:CUSTOM_GPU is over limit of 0 "
        "due to current usage 0 and delta 1, Resource class:PCPU is over limit of 0 due to "
        "current usage 0 and delta 1]"
    )


def test_a_pinned_flavor_asks_pcpu_but_is_allocated_the_fallbacks_vcpu(upstream):
    # _translate_pinning_policies: mixed asks PCPU for hw:cpu_dedicated_mask's vCPUs (one more
    # for isolated emulator threads), VCPU for the rest; the allocation of a dedicated one is
    # the scheduler's fallback query's VCPU (no compute reports PCPU), so PCPU usage stays 0
    env = upstream.fork()
    for fid, vcpus, specs in (
        ("pinned", 1, {"hw:cpu_policy": "dedicated"}),
        ("mixed", 4, {"hw:cpu_policy": "mixed", "hw:cpu_dedicated_mask": "^0",
                      "hw:emulator_threads_policy": "isolate"}),
    ):  # fmt: skip
        flavor = {"flavor": {"name": fid, "ram": 128, "vcpus": vcpus, "disk": 1, "id": fid}}
        assert env.request("POST", "/v2.1/flavors", flavor, user="admin").status == 200
        url = f"/v2.1/flavors/{fid}/os-extra_specs"
        assert env.request("POST", url, {"extra_specs": specs}, user="admin").status == 200
    _register(env, {"class:PCPU": 3})
    assert _boot(env, flavorRef="pinned").status == 202
    env.cloud.run_until_idle()
    project = env.cloud.context("demo").project_id
    detail = f"/v2.1/os-quota-sets/{project}/detail"
    cores = env.request("GET", detail, user="admin").json()["quota_set"]["cores"]
    assert cores == {"in_use": 1, "limit": 2, "reserved": 0}
    assert _forbidden(_boot(env, flavorRef="mixed")) == (
        f"Project {project} is over a limit for [Resource class:PCPU is over limit of 3 due to "
        "current usage 0 and delta 4]"
    )


def test_a_resource_extra_spec_nova_cannot_read_is_left_out_not_a_crash(upstream):
    # RequestGroup.add_resource skips (a warning) a class neither standard nor CUSTOM_ and an
    # amount that is no nonnegative integer; before 2.86 the API stores any value
    env = upstream.fork()
    flavor = {"flavor": {"name": "odd", "ram": 128, "vcpus": 1, "disk": 1, "id": "odd"}}
    assert env.request("POST", "/v2.1/flavors", flavor, user="admin").status == 200
    odd = {"resources:VCPU": "many", "resources1:NOT_A_CLASS": "1", "resources2:DISK_GB": "-1"}
    made = env.request(
        "POST", "/v2.1/flavors/odd/os-extra_specs", {"extra_specs": odd}, user="admin"
    )
    assert made.status == 200, made.json()
    project = env.cloud.context("demo").project_id
    over = "is over limit of 2 due to current usage 0 and delta 3"
    assert _forbidden(_boot(env, 3, min_count=3, flavorRef="odd")) == (
        f"Project {project} is over a limit for [Resource class:DISK_GB {over}, "
        f"Resource class:VCPU {over}, Resource servers {over}]"
    )


def test_a_server_stays_uncounted_once_queued_for_delete_until_a_restore(upstream):
    # compute/api.py _update_queued_for_deletion: the delete's cast queues the instance
    # mapping for deletion and only a restore takes it back, so a server whose delete never
    # happened (its cast lost, its task reset by an admin) is no server to the servers limit
    env = upstream.fork()
    assert _boot(env, max_count=2).status == 202
    env.cloud.run_until_idle()
    one, two = (s["id"] for s in env.request("GET", "/v2.1/servers").json()["servers"])
    env.cloud.faults.add("rpc.cast", "drop", times=1, match={"method": "terminate_instance"})
    assert env.request("DELETE", f"/v2.1/servers/{one}").status == 204
    env.cloud.run_until_idle()
    assert env.action(one, {"os-resetState": {"state": "active"}}, user="admin").status == 202
    shown = env.request("GET", f"/v2.1/servers/{one}").json()["server"]
    assert (shown["status"], shown["OS-EXT-STS:task_state"]) == ("ACTIVE", None)
    absolute = env.request("GET", "/v2.1/limits").json()["limits"]["absolute"]
    assert absolute["totalInstancesUsed"] == 1  # `two` alone; `one` still holds its cores
    assert absolute["totalCoresUsed"] == 2


def test_a_restore_counts_the_server_at_once():
    # the restore's API call unqueues the mapping before its host powers the guest on
    config = {"nova": {**UNIFIED["nova"], "reclaim_instance_interval_s": 3600}}
    env = NovaEnv("upstream", config)
    _register(env, {**TWO_TINY, "servers": 1})
    assert _boot(env).status == 202
    env.cloud.run_until_idle()
    vm = env.request("GET", "/v2.1/servers").json()["servers"][0]["id"]
    assert env.request("DELETE", f"/v2.1/servers/{vm}").status == 204
    env.cloud.run_until_idle()
    assert env.action(vm, {"restore": None}).status == 202
    assert env.request("GET", f"/v2.1/servers/{vm}").json()["server"]["status"] == "SOFT_DELETED"
    assert "Resource servers is over limit of 1 due to current usage 1" in _forbidden(_boot(env))


def test_keystone_unreachable_or_failing_while_enforcing_is_novas_500(upstream):
    # oslo.limit 2.6.1 driven against a closed port and a Keystone answering 500 (session
    # 37): keystoneauth's ConnectFailure and KeyError 'model' (_get_enforcement_model reads
    # the error's body) leave the Enforcer; Nova's API expects neither
    env = upstream.fork()
    env.cloud.faults.add("nova.oslo_limit", error="ConnectFailure", times=1)
    resp = _boot(env)
    assert resp.status == 500
    assert resp.json()["computeFault"]["message"].endswith(
        "\n<class 'keystoneauth1.exceptions.connection.ConnectFailure'>"
    )
    env.cloud.faults.add("nova.oslo_limit", error=503, times=1)
    made = env.request("POST", "/v2.1/os-keypairs", {"keypair": {"name": "k", "public_key": SSH}})
    assert made.status == 500
    assert made.json()["computeFault"]["message"].endswith("\n<class 'KeyError'>")
    assert env.request("GET", "/v2.1/servers").json()["servers"] == []
    assert env.request("GET", "/v2.1/os-keypairs").json()["keypairs"] == []
    assert not env.cloud.trace.filter(kind="api.error")  # real Nova's 500s, not crashes
    assert _boot(env).status == 202  # Keystone back: the next boot is checked and fits


def test_oslo_limits_own_token_refused_is_novas_500(upstream):
    # oslo.limit 2.12.0 driven against a Keystone refusing POST /v3/auth/tokens (session 38):
    # _get_keystone_connection wraps keystoneauth's Unauthorized in SessionInitError, which
    # Nova's local limits turn into KeystoneConnectionFailed and the rest let through
    env = upstream.fork()
    env.cloud.faults.add("nova.oslo_limit", error="SessionInitError", times=2)
    made = env.request("POST", "/v2.1/os-keypairs", {"keypair": {"name": "k", "public_key": SSH}})
    assert made.status == 500
    assert made.json()["computeFault"]["message"].endswith(
        "\n<class 'nova.exception.KeystoneConnectionFailed'>"
    )
    limits = env.request("GET", "/v2.1/limits")
    assert limits.status == 500
    assert limits.json()["computeFault"]["message"].endswith(
        "\n<class 'oslo_limit.exception.SessionInitError'>"
    )
    assert env.request("GET", "/v2.1/os-keypairs").json()["keypairs"] == []
    assert not env.cloud.trace.filter(kind="api.error")


def test_oslo_limits_token_asked_again_near_its_expiry_and_refused_is_keystoneauths_500(upstream):
    # oslo.limit keeps one session per Nova process (_SDK_CONNECTION) and keystoneauth renews
    # its token within 120 s of expiry (MIN_TOKEN_LIFE_SECONDS): only the first token
    # request's 401 is wrapped (SessionInitError); a 503 there, and a renewal's 401, are
    # keystoneauth's own, which neither oslo.limit nor Nova catches
    env = upstream.fork()
    keypair = {"keypair": {"name": "k", "public_key": SSH}}

    def message(resp):
        assert resp.status == 500, resp.json()
        return resp.json()["computeFault"]["message"].rsplit("\n", 1)[1]

    first = env.cloud.faults.add("nova.oslo_limit.token", error=503, times=1)
    assert message(_boot(env)) == "<class 'keystoneauth1.exceptions.http.ServiceUnavailable'>"
    assert first.fired == 1
    assert env.request("POST", "/v2.1/os-keypairs", keypair).status == 200  # token got
    t0 = env.cloud.now
    renewal = env.cloud.faults.add("nova.oslo_limit.token", error=401, match={"renewal": True})
    env.cloud.advance(3600 - 120 - 1)
    assert _boot(env).status == 202  # the token still lives: nothing asked
    assert renewal.matches == 0
    env.cloud.advance(2)
    assert env.cloud.now - t0 > 3600 - 120
    assert message(env.request("POST", "/v2.1/os-keypairs", keypair)) == (
        "<class 'keystoneauth1.exceptions.http.Unauthorized'>"
    )
    assert renewal.fired == 1
    assert [
        k["keypair"]["name"] for k in env.request("GET", "/v2.1/os-keypairs").json()["keypairs"]
    ] == ["k"]
    assert not env.cloud.trace.filter(kind="api.error")


@pytest.mark.parametrize("profile", ["nova-25.0.0", "upstream"])
def test_a_revoked_token_is_asked_again_and_the_call_sent_again(profile, upstream):
    # keystoneauth 5.12.0 session.py Session.request (the same since 1.x): a 401 to a request
    # with a token invalidates it, asks a new one and sends the request again, once;
    # openstacksdk's proxy (0.61.0-4.x) asks with raise_exc=False, so the second 401 reaches
    # _get_enforcement_model's .json()['model'] (oslo.limit 1.5.1, 2.12.0): KeyError
    if profile == "upstream":
        env = upstream.fork()
    else:
        env = NovaEnv(profile, UNIFIED)
        _register(env, TWO_TINY)
    asked = env.cloud.faults.add("nova.oslo_limit.token", action="delay", delay_s=0.0)
    assert _boot(env).status == 202
    first = asked.matches
    revoked = env.cloud.faults.add("nova.oslo_limit", error=401, times=1)
    assert _boot(env).status == 202  # nothing to see but a new token
    assert (revoked.fired, asked.matches - first) == (1, 1)
    env.cloud.faults.add("nova.oslo_limit", error=401, times=2)
    resp = _boot(env)
    assert resp.status == 500
    assert resp.json()["computeFault"]["message"].endswith("\n<class 'KeyError'>")
    env.cloud.faults.remove(asked)
    env.cloud.faults.add("nova.oslo_limit", error=401, times=1)
    env.cloud.faults.add("nova.oslo_limit.token", error=401, times=1)  # the password changed
    made = env.request("POST", "/v2.1/os-keypairs", {"keypair": {"name": "k", "public_key": SSH}})
    assert made.status == 500  # not KeystoneConnectionFailed: the session was made before
    assert made.json()["computeFault"]["message"].endswith(
        "\n<class 'keystoneauth1.exceptions.http.Unauthorized'>"
    )
    assert len(env.request("GET", "/v2.1/servers").json()["servers"]) == 2
    assert env.request("GET", "/v2.1/os-keypairs").json()["keypairs"] == []
    assert not env.cloud.trace.filter(kind="api.error")


@pytest.mark.parametrize("profile", ["nova-31.0.0", "nova-33.0.0", "upstream"])
def test_the_endpoint_looked_up_by_its_service_type(profile):
    # no [oslo_limit] endpoint_id: oslo.limit 2.6.1 (Nova 31.0.0's pin) and 2.8.0 take len() of
    # the SDK's generator of services (_get_endpoint_by_service_lookup), a TypeError whatever
    # the catalog holds; 2.10.0 (33.0.0) finds the endpoint, but should_enforce's read of the
    # registered limits, Nova's own _identity_client, takes len() of that generator in 33.x;
    # 34.0.0 lists them: with no region named, every region's and the region-less
    lookup = {"oslo_limit_endpoint_service_type": "compute", "unified_limits_resource_list": ""}
    env = NovaEnv(profile, {"nova": {**UNIFIED["nova"], **lookup}})
    resp = _boot(env)
    if profile != "upstream":
        assert resp.status == 500
        assert resp.json()["computeFault"]["message"].endswith("\n<class 'TypeError'>")
        assert not env.cloud.trace.filter(kind="api.error")
        return
    assert resp.status == 202  # nothing required, nothing registered: no limit at all
    # a limit registered without a region is none of oslo.limit's (it reads its endpoint's
    # region, RegionOne), but Nova's read with no region named lists it: the 0 stands
    compute = _register(env, {"servers": 0}, region=None)
    assert "Resource servers is over limit of 0 due to current usage 1" in _forbidden(_boot(env))
    again = {"service_id": compute, "interface": "public", "region_id": "RegionOne",
             "url": "http://compute2.fakecloud.test/v2.1"}  # fmt: skip
    assert _keystone(env, "POST", "/v3/endpoints", {"endpoint": again}).status == 201
    resp = _boot(env)  # "Multiple endpoints found"
    assert resp.status == 500
    assert resp.json()["computeFault"]["message"].endswith("\n<class 'ValueError'>")
    assert not env.cloud.trace.filter(kind="api.error")


def test_a_region_named_for_the_service_lookup_reads_that_regions_limits():
    # 34.0.0 _identity_client regions(id=endpoint_region_name): the other region's limit and
    # the region-less one are not Nova's, so a 0 without a limit of RegionOne is let through
    lookup = {"oslo_limit_endpoint_service_type": "compute", "unified_limits_resource_list": "",
              "oslo_limit_endpoint_region_name": "RegionOne"}  # fmt: skip
    env = NovaEnv("upstream", {"nova": {**UNIFIED["nova"], **lookup}})
    _register(env, {"servers": 0}, region=None)
    assert _boot(env).status == 202
