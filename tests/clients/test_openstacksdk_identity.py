"""openstacksdk against fakecloud's identity: connect, authorize, read, fail as the SDK fails."""

import time

import openstack
import pytest
from openstack import exceptions

from fakecloud.transport.clients import credentials


def test_connect_and_authorize(intercepted):
    conn = intercepted.connection()
    token = conn.authorize()
    assert intercepted.keystone.validate(token).user.name == "demo"
    assert conn.current_project_id == intercepted.context("demo").project_id
    assert conn.current_user_id == intercepted.context("demo").user_id
    assert conn.identity.get_project(conn.current_project_id).name == "demo"


def test_identity_version_discovery(intercepted):
    data = intercepted.connection().identity.get_endpoint_data()
    assert data.api_version == (3, 10)  # Queens (the intercepted world): keystone 13.0.4's v3.10
    assert data.url == "http://identity.fakecloud.test/v3/"


def test_admin_reads_the_directory_and_demo_is_forbidden(intercepted):
    admin = intercepted.connection("admin")
    assert [p.name for p in admin.identity.projects()] == ["demo", "admin", "service"]
    assert [u.name for u in admin.identity.users()] == [
        "demo",
        "demo-reader",
        "admin",
        "nova",
        "cinder",
        "glance",  # devstack's create_glance_accounts, every branch
    ]
    # Queens: bootstrap's admin, and the member, reader and service the world's users hold
    roles = sorted(r.name for r in admin.identity.roles())
    assert roles == ["admin", "member", "reader", "service"]
    with pytest.raises(exceptions.ForbiddenException, match="identity:list_projects"):
        list(intercepted.connection().identity.projects())


def test_glances_service_user_holds_what_the_releases_devstack_grants(intercepted):
    """devstack's ``create_glance_accounts`` (stable/queens to stable/2025.1):
    ``create_service_user "glance"``, the ``service`` role alone on project ``service``."""
    admin = intercepted.connection("admin").identity
    glance = admin.find_user("glance")
    grants = admin.role_assignments(user_id=glance.id, include_names=True)
    assert sorted((g.role["name"], g.scope["project"]["name"]) for g in grants) == [
        ("service", "service")
    ]


def test_admin_creates_and_deletes_a_project_and_its_member(intercepted):
    admin = intercepted.connection("admin").identity
    project = admin.create_project(name="sdk-p", domain_id="default")
    user = admin.create_user(name="sdk-u", password="pw", default_project_id=project.id)
    member = admin.find_role("member")
    admin.assign_project_role_to_user(project, user, member)
    assert admin.validate_user_has_project_role(project, user, member)
    admin.delete_user(user)
    admin.delete_project(project)
    with pytest.raises(exceptions.NotFoundException, match=f"Could not find project: {project.id}"):
        admin.get_project(project.id)


def test_a_system_scoped_connection(intercepted):
    conn = openstack.connect(**credentials(intercepted, "admin", scope="system"))
    token = intercepted.keystone.validate(conn.authorize())
    assert token.system and token.project is None


def test_a_wrong_password_is_an_sdk_exception(intercepted):
    conn = openstack.connect(**{**intercepted.credentials(), "password": "wrong"})
    with pytest.raises(exceptions.SDKException, match="HTTP 401"):
        conn.authorize()


def test_a_401_from_a_service_is_the_sdks_http_exception(intercepted):
    conn = openstack.connect(
        auth_type="admin_token",
        auth={"token": "not-a-token", "endpoint": intercepted.auth_url},
        load_yaml_config=False,
        load_envvars=False,
    )
    with pytest.raises(exceptions.HttpException) as caught:
        conn.identity.get_project("anything")
    assert caught.value.status_code == 401
    assert "requires authentication" in str(caught.value)


def test_after_one_virtual_hour_the_sdk_gets_a_new_token(intercepted):
    conn = intercepted.connection()
    first = conn.authorize()
    time.sleep(3600)  # virtual: the clock is bound inside intercept
    assert intercepted.now == 3600.0
    assert conn.identity.get_project(conn.current_project_id).name == "demo"
    assert conn.authorize() != first
    assert len(intercepted.trace.filter(kind="identity.token_issued")) == 2


def test_connection_settings_are_hermetic(cloud):
    creds = cloud.credentials("demo-reader")
    assert creds["load_yaml_config"] is False and creds["load_envvars"] is False
    assert creds["auth_url"] == cloud.auth_url == "http://identity.fakecloud.test/v3"
    assert creds["project_name"] == "demo" and creds["password"] == "reader-secret"


def test_the_clouds_yaml_works_for_the_sdk(intercepted, tmp_path):
    from openstack import config as sdk_config
    from openstack import connection

    path = tmp_path / "clouds.yaml"
    path.write_text(intercepted.clouds_yaml())
    loader = sdk_config.OpenStackConfig(config_files=[str(path)], vendor_files=[])
    for name, user in [("fakecloud-demo-reader", "demo-reader"), ("fakecloud-admin", "admin")]:
        conn = connection.Connection(config=loader.get_one(name))
        assert intercepted.keystone.validate(conn.authorize()).user.name == user
    system = connection.Connection(config=loader.get_one("fakecloud-system-admin"))
    assert intercepted.keystone.validate(system.authorize()).system
