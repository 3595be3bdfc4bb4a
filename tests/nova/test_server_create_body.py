"""What ``POST /servers`` makes of the rest of its body (nova 17.0.13 and 34.0.0
``ServersController.create``, ``compute.api.API._create_instance``)."""

import pytest

from fakecloud.nova.network import group_id
from tests.nova.conftest import NovaEnv


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_before_2_19_the_description_is_the_name(profile):
    """``description = name``; only from 2.19 is it the body's ``description``."""
    env = NovaEnv(profile)
    server = {"name": "old", "flavorRef": "1", "imageRef": env.image.id}
    sid = env.request("POST", "/v2.1/servers", {"server": server}).json()["server"]["id"]
    new = dict(server, name="new", networks="none")
    sid2 = env.request("POST", "/v2.1/servers", {"server": new}, microversion="2.45")
    shown = [
        env.server(s, microversion="2.19")["description"]
        for s in (sid, sid2.json()["server"]["id"])
    ]
    assert shown == ["old", None]


def test_one_reservation_id_for_the_whole_request():
    """``_create_instance``: ``reservation_id`` made once, shared by every server of a
    min_count/max_count request (``return_reservation_id`` answers it)."""
    env = NovaEnv("upstream")
    server = {"name": "many", "flavorRef": "1", "imageRef": env.image.id, "networks": "none",
              "min_count": 3, "return_reservation_id": True}  # fmt: skip
    resp = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.45")
    assert resp.status == 202, resp.json()
    reservation = resp.json()["reservation_id"]
    path = "/v2.1/servers/detail?all_tenants=1"
    listed = env.request("GET", path, user="admin", microversion="2.45")
    names = {s["name"]: s["OS-EXT-SRV-ATTR:reservation_id"] for s in listed.json()["servers"]}
    assert names == {f"many-{i}": reservation for i in (1, 2, 3)}


@pytest.mark.parametrize(
    ("profile", "path", "groups", "answered"),
    [
        ("upstream", "/v2.1/servers", None, [{"name": "default"}]),
        ("upstream", "/v2.1/servers", [{"name": "default"}] * 2, [{"name": "default"}] * 2),
        # /v2: before 33.0.0 the request's own JSON, from 33.0.0 the body as validated
        ("nova-32.2.1", "/v2/{project_id}/servers", [{"name": "default", "x": 1}], None),
        ("upstream", "/v2/{project_id}/servers", [{"name": "default", "x": 1}], None),
    ],
)
def test_the_create_answer_echoes_the_requested_groups(profile, path, groups, answered):
    """A server asked for with ``networks: "none"`` has no port, so a GET shows no
    ``security_groups`` (one on ``/v2``'s network its port's ``default``); the create answer
    shows the body's groups as sent, or ``default``
    (``_add_security_grps`` for a POST before 33.0.0, the create view's from 1e8489510c)."""
    env = NovaEnv(profile)
    server = {"name": "n", "flavorRef": "1", "imageRef": env.image.id}
    if path.startswith("/v2.1"):
        server["networks"] = "none"  # 2.37's; /v2's schema takes only a list
    if groups is not None:
        server["security_groups"] = groups
    resp = env.request("POST", path, {"server": server}, microversion="2.37")
    assert resp.status == 202, resp.json()
    if answered is None:  # stripped on /v2 from 33.0.0 only
        keep = profile == "nova-32.2.1"
        answered = [{"name": "default", **({"x": 1} if keep else {})}]
    assert resp.json()["server"]["security_groups"] == answered
    env.cloud.run_until_idle()
    shown = env.request("GET", "/v2.1/servers/" + resp.json()["server"]["id"]).json()
    port = None if path.startswith("/v2.1") else [{"name": "default"}]
    assert shown["server"].get("security_groups") == port


def test_a_group_neutron_does_not_have_is_refused_at_create():
    """``_check_requested_secgroups``: each group but ``default`` is looked up in Neutron by
    name or id, and neutronclient's NotFound is Nova's 400 (a project has only ``default``
    here)."""
    env = NovaEnv("upstream")
    server = {"name": "n", "flavorRef": "1", "imageRef": env.image.id, "networks": "none"}
    server["security_groups"] = [{"name": "default"}, {"name": "web"}]
    resp = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.37")
    assert (resp.status, resp.json()["badRequest"]["message"]) == (
        400,
        "Unable to find security_group with name or id 'web'",
    )


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_the_default_group_named_by_its_id_is_the_ports_default(profile):
    """``_check_requested_secgroups`` finds a group by name or id in the caller's project
    (``find_resourceid_by_name_or_id``) and ``_process_security_groups`` gives the port the
    group of that id: the create answer echoes the id as sent, a later GET shows the port's
    group by its name; another project's ``default`` is not found (17.0.13, 34.0.0)."""
    env = NovaEnv(profile)
    own, other = (group_id(env.cloud.context(u).project_id, "default") for u in ("demo", "admin"))
    server = {"name": "n", "flavorRef": "1", "imageRef": env.image.id}
    refused = env.request(
        "POST", "/v2.1/servers", {"server": server | {"security_groups": [{"name": other}]}}
    )
    assert (refused.status, refused.json()["badRequest"]["message"]) == (
        400,
        f"Unable to find security_group with name or id '{other}'",
    )
    resp = env.request(
        "POST", "/v2.1/servers", {"server": server | {"security_groups": [{"name": own}]}}
    )
    assert resp.json()["server"]["security_groups"] == [{"name": own}]
    env.cloud.run_until_idle()
    shown = env.request("GET", "/v2.1/servers/" + resp.json()["server"]["id"]).json()
    assert shown["server"]["security_groups"] == [{"name": "default"}]


PORT = "9a2c1e7e-0000-4000-8000-00000000000a"


@pytest.mark.parametrize(
    ("profile", "networks", "message"),
    [
        (
            "nova-24.1.0",  # d4c92bc231 (9fe4654273, 25.0.0)
            [{"port": PORT}, {"port": PORT}],
            f"Port ID '{PORT}' was specified twice: you cannot attach a port multiple times.",
        ),
        # passed: the flavor is looked up next
        ("nova-24.0.0", [{"port": PORT}, {"port": PORT}], "Flavor 999 could not be found."),
        (
            "seed",
            [{"port": PORT, "fixed_ip": "10.0.0.5"}],
            f"Specified Fixed IP '10.0.0.5' cannot be used with port '{PORT}': the two cannot be "
            "specified together.",
        ),
        ("upstream", [{"fixed_ip": "10.0.0.5"}], "Bad network format: missing 'uuid'"),
        (
            "nova-21.0.0",  # 42e65eea6c
            [{"uuid": "br-" + PORT}],
            f"Bad networks format: network uuid is not in proper format (br-{PORT})",
        ),
        ("nova-20.6.1", [{"uuid": "br-" + PORT}], "Flavor 999 could not be found."),
    ],
)
def test_the_api_checks_the_networks_list_before_neutron(profile, networks, message):
    """``_get_requested_networks`` (17.0.13-34.0.0): a port twice (from 24.1.0), a port with a
    fixed address, a network without a ``uuid`` or with one that is not (``br-<uuid>`` taken
    before 21.0.0), each a 400 before the flavor, the image or Neutron is looked up."""
    env = NovaEnv(profile)
    server = {"name": "n", "flavorRef": "999", "imageRef": PORT, "networks": networks}
    resp = env.request("POST", "/v2.1/servers", {"server": server})
    assert (resp.status, resp.json()["badRequest"]["message"]) == (400, message)
