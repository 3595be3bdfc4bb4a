"""The world a cloud starts with: documented users, passwords, projects and roles, seeded ids,
and configuration that adds, removes or changes them."""

import pickle

import pytest

from fakecloud import Cloud
from fakecloud.errors import ConfigError
from fakecloud.identity.models import Directory
from fakecloud.sim.ids import stream

DOCUMENTED = {
    # user: (password, project, roles in its token on upstream)
    "demo": ("demo-secret", "demo", ["member", "reader"]),
    "demo-reader": ("reader-secret", "demo", ["reader"]),
    "admin": ("admin-secret", "admin", ["admin", "manager", "member", "reader"]),
}


def issue(cloud, user, password, project=None, domain="Default"):
    auth = {
        "identity": {
            "methods": ["password"],
            "password": {"user": {"name": user, "password": password, "domain": {"name": domain}}},
        }
    }
    if project is not None:
        auth["scope"] = {"project": {"name": project, "domain": {"name": domain}}}
    return cloud.request("identity", "POST", "/v3/auth/tokens", body={"auth": auth}, user=None)


@pytest.mark.parametrize("user", sorted(DOCUMENTED))
def test_each_documented_user_logs_in_with_its_documented_password(user):
    password, project, roles = DOCUMENTED[user]
    resp = issue(Cloud(profile="upstream"), user, password, project)
    assert resp.status == 201
    token = resp.json()["token"]
    assert token["user"]["name"] == user
    assert token["user"]["domain"] == {"id": "default", "name": "Default"}
    assert token["project"]["name"] == project
    assert [r["name"] for r in token["roles"]] == roles


def test_ids_come_from_the_seed():
    a, b, c = Cloud(seed=1), Cloud(seed=1), Cloud(seed=2)

    def ids(cloud):
        return [cloud.context(u).project_id for u in DOCUMENTED] + [
            cloud.context(u).user_id for u in DOCUMENTED
        ]

    assert ids(a) == ids(b)
    assert set(ids(a)).isdisjoint({x for x in ids(c) if x is not None}), (
        "another seed must give other ids"
    )
    assert all(len(x) == 32 and int(x, 16) >= 0 for x in ids(a))


def test_the_two_demo_users_share_the_demo_project_and_admin_has_its_own():
    cloud = Cloud()
    assert cloud.context("demo").project_id == cloud.context("demo-reader").project_id
    assert cloud.context("admin").project_id != cloud.context("demo").project_id
    assert cloud.context("demo").project_name == "demo"
    assert cloud.context("admin").project_name == "admin"


def test_config_adds_a_user_and_keeps_the_defaults():
    cloud = Cloud(
        profile="upstream",
        config={
            "identity": {
                "users": {"alice": {"password": "pw", "project": "demo", "roles": ["manager"]}}
            }
        },
    )
    assert issue(cloud, "alice", "pw", "demo").json()["token"]["roles"] == [
        {"id": cloud.keystone.directory.role_by_name(n).id, "name": n}
        for n in ("manager", "member", "reader")
    ]
    assert issue(cloud, "demo", "demo-secret", "demo").status == 201


def test_config_removes_a_user_and_changes_a_password():
    cloud = Cloud(
        config={
            "identity": {
                "users": {
                    "demo-reader": None,
                    "demo": {"password": "changed", "project": "demo", "roles": ["member"]},
                }
            }
        }
    )
    assert issue(cloud, "demo-reader", "reader-secret", "demo").status == 401
    assert issue(cloud, "demo", "demo-secret", "demo").status == 401
    assert issue(cloud, "demo", "changed", "demo").status == 201


def test_config_adds_a_domain_and_a_project_in_it():
    cloud = Cloud(
        config={
            "identity": {
                "domains": {"Acme": {"description": "a customer"}},
                "projects": {"web": {"domain": "Acme"}},
                "users": {
                    "bob": {
                        "password": "pw",
                        "domain": "Acme",
                        "project": "web",
                        "roles": ["reader"],
                    }
                },
            }
        }
    )
    token = issue(cloud, "bob", "pw", "web", domain="Acme").json()["token"]
    assert token["project"]["domain"]["name"] == "Acme"
    assert token["project"]["domain"]["id"] != "default"
    # The same user name in the default domain does not exist.
    assert issue(cloud, "bob", "pw", "web").status == 401


def test_a_custom_role_with_an_implied_role():
    cloud = Cloud(
        profile="nova-18.0.0",
        config={
            "identity": {
                "roles": {"operator": ["member"]},
                "users": {"op": {"password": "pw", "project": "demo", "roles": ["operator"]}},
            }
        },
    )
    assert cloud.context("op").roles == ("operator", "member", "reader")


@pytest.mark.parametrize(
    ("identity", "message"),
    [
        ({"users": {"x": {"password": "p", "project": "demo", "roles": ["membr"]}}}, "'membr'"),
        ({"users": {"x": {"password": "p", "project": "nope"}}}, "unknown project 'nope'"),
        ({"users": {"x": {"pasword": "p"}}}, "did you mean 'password'"),
        ({"users": {"x": {"project": "demo"}}}, "needs a password"),
        ({"roles": {"a": ["b"], "b": ["a"]}}, "implies itself"),
        ({"roles": {"a": ["ghost"]}}, "unknown role 'ghost'"),
        ({"projects": {"p": {"domain": "Nowhere"}}}, "unknown domain 'Nowhere'"),
        ({"users": ["demo"]}, "config identity.users: expected a mapping, got list"),
    ],
)
def test_bad_identity_config_is_an_error_that_says_what_is_wrong(identity, message):
    with pytest.raises(ConfigError, match=message):
        Cloud(config={"identity": identity})


def test_the_default_world_is_the_directory_its_seed_builds_and_no_cloud_shares_its_parts():
    # A default world is copied from one built per process (`Directory.seeded`): it must be
    # what `from_world` builds for the cloud's seed, record for record, in the same order,
    # each id the same string wherever `from_world` shares it (pickle's bytes say all three),
    # and two clouds' directories must hold no dict, list or record in common.
    a, b = Cloud(seed=3), Cloud(seed=3)
    world = a.kernel.config.identity.world(a.kernel.switches.series.keystone)
    built = Directory.from_world(world, stream(3, "identity"))
    mine, theirs = a.keystone.directory, b.keystone.directory
    assert pickle.dumps(mine) == pickle.dumps(built) == pickle.dumps(theirs)

    def parts(d):
        held = list(vars(d).values())
        return held + [r for t in held for r in (t.values() if isinstance(t, dict) else t)]

    assert not {id(x) for x in parts(mine)} & {id(x) for x in parts(theirs)}


#: What ``keystone-manage bootstrap`` makes, by release (keystone 13.0.0 ``cmd/cli.py``,
#: 14.0.0 and 24.0.0 ``cmd/bootstrap.py``): each role and the roles it implies; 13.x's world
#: makes the member and reader its users hold, implying nothing, and before 24.0.0 the
#: ``service`` role its services' users hold (devstack's ``create_keystone_accounts``).
BOOTSTRAPS = {
    "seed": {"admin": (), "member": (), "reader": (), "service": ()},
    "nova-18.0.0": {"admin": ("member",), "member": ("reader",), "reader": (), "service": ()},
    "nova-27.5.1": {"admin": ("member",), "member": ("reader",), "reader": (), "service": ()},
    "nova-28.0.0": {
        "admin": ("manager",),
        "manager": ("member",),
        "member": ("reader",),
        "reader": (),
        "service": (),
    },
}


@pytest.mark.parametrize("profile", sorted(BOOTSTRAPS))
def test_each_release_has_the_roles_its_bootstrap_makes_and_the_same_other_ids(profile):
    cloud, newest = Cloud(profile=profile), Cloud(profile="upstream")
    roles = cloud.request("identity", "GET", "/v3/roles", user="admin").json()["roles"]
    assert {r["name"] for r in roles} == set(BOOTSTRAPS[profile])
    rules = cloud.request("identity", "GET", "/v3/role_inferences", user="admin").json()
    implied = {
        rule["prior_role"]["name"]: tuple(r["name"] for r in rule["implies"])
        for rule in rules["role_inferences"]
    }
    assert implied == {n: i for n, i in BOOTSTRAPS[profile].items() if i}
    # a role a release does not make leaves every other record's id as in the newest
    assert {r["name"]: r["id"] for r in roles}.items() <= {
        r.name: r.id for r in newest.keystone.directory.roles.values()
    }.items()
    assert [cloud.context(u).user_id for u in DOCUMENTED] == [
        newest.context(u).user_id for u in DOCUMENTED
    ]


def test_a_role_the_release_does_not_make_is_not_granted_by_config():
    with pytest.raises(ConfigError, match="unknown role 'manager'; roles: admin, member, reader"):
        Cloud(
            profile="nova-27.5.1",
            config={"identity": {"users": {"m": {"password": "p", "project": "demo",
                                                 "roles": ["manager"]}}}},
        )  # fmt: skip
