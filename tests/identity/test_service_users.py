"""The services' users in project ``service``, as each release's devstack makes them."""

import pytest

from fakecloud import Cloud


def _roles(cloud, name):
    admin = "admin"
    users = cloud.request("identity", "GET", f"/v3/users?name={name}", user=admin).json()
    (user,) = users["users"]
    path = f"/v3/role_assignments?user.id={user['id']}&include_names"
    grants = cloud.request("identity", "GET", path, user=admin).json()["role_assignments"]
    return sorted((g["role"]["name"], g["scope"]["project"]["name"]) for g in grants)


@pytest.mark.parametrize(
    ("profile", "roles"),
    [
        # create_service_user "glance": service alone (stable/queens to stable/2025.1)
        ("seed", [("service", "service")]),
        ("nova-24.0.0", [("service", "service")]),
        ("nova-31.0.0", [("service", "service")]),
        # 2df0d7ab, stable/2025.2 on: create_service_user "glance" "admin", Cinder's [glance]
        ("nova-32.0.0", [("admin", "service"), ("service", "service")]),
        ("upstream", [("admin", "service"), ("service", "service")]),
    ],
)
def test_glance_user_is_devstacks_of_the_release(profile, roles):
    cloud = Cloud(profile=profile)
    names = [
        u["name"]
        for u in cloud.request("identity", "GET", "/v3/users", user="admin").json()["users"]
    ]
    assert names == ["demo", "demo-reader", "admin", "nova", "cinder", "glance"]
    assert _roles(cloud, "glance") == roles


def test_glance_user_authenticates_with_its_password_before_2025_2():
    """The user is there to log in as (``openstack --os-username glance``) in every release."""
    cloud = Cloud(profile="seed")
    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {
                        "name": "glance",
                        "domain": {"id": "default"},
                        "password": "glance-secret",
                    }
                },
            },
            "scope": {"project": {"name": "service", "domain": {"id": "default"}}},
        }
    }
    resp = cloud.request("identity", "POST", "/v3/auth/tokens", body=body, user=None)
    assert resp.status == 201
    roles = [r["name"] for r in resp.json()["token"]["roles"]]
    assert roles == ["service"]
