"""How a client is told to reach a cloud: ``openstack.connect`` arguments and clouds.yaml.

Every user of the directory that has a default project gets a clouds.yaml entry named
``fakecloud-<user>``; ``credentials`` gives the same settings as keyword arguments for
``openstack.connect`` (with the environment and the user's own clouds.yaml switched off, so a
test talks to this cloud only).
"""

from __future__ import annotations

from typing import Any

from fakecloud import late
from fakecloud.transport.endpoints import auth_url


def auth_settings(cloud: Any, user: str, scope: str = "project") -> dict[str, Any]:
    """The ``auth`` part of a clouds.yaml entry for `user` (``scope``: project or system)."""
    keystone = cloud.keystone
    record = keystone.user(user)
    directory = keystone.directory
    out: dict[str, Any] = {
        "auth_url": auth_url(cloud.kernel.config),
        "username": record.name,
        "password": record.password,
        "user_domain_name": directory.domains[record.domain_id].name,
    }
    if scope == "system":
        out["system_scope"] = "all"
    elif scope == "project":
        if record.default_project_id is not None:
            project = directory.projects[record.default_project_id]
            out["project_name"] = project.name
            out["project_domain_name"] = directory.domains[project.domain_id].name
    else:
        raise ValueError(f"scope must be 'project' or 'system', not {scope!r}")
    return out


def _guard(cloud: Any) -> None:
    """Requests to this cloud's hosts outside ``intercept()`` get a clear error, not a DNS
    failure (`fakecloud.transport.outside`)."""
    config = cloud.kernel.config.endpoints
    outside = late.module("fakecloud.transport.outside")
    outside.install([config.identity, config.compute, config.image, config.volume])


def credentials(
    cloud: Any,
    user: str = "demo",
    scope: str = "project",
    application_credential: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Keyword arguments for ``openstack.connect(**credentials)`` as `user`, or with
    `application_credential` (its ``id`` and ``secret``, as its create answered) as
    ``auth_type: v3applicationcredential``."""
    _guard(cloud)
    if application_credential is not None:
        auth: dict[str, Any] = {
            "auth_type": "v3applicationcredential",
            "auth": {
                "auth_url": cloud.keystone.auth_url,
                "application_credential_id": application_credential["id"],
                "application_credential_secret": application_credential["secret"],
            },
        }
    else:
        auth = auth_settings(cloud, user, scope)
    return {
        **auth,
        "region_name": cloud.keystone.config.region,
        "identity_api_version": "3",
        "interface": "public",
        "load_yaml_config": False,
        "load_envvars": False,
    }


def clouds_config(cloud: Any) -> dict[str, Any]:
    """The clouds.yaml content as data: ``{"clouds": {...}}`` with one ``fakecloud-<user>``
    entry per user that has a project, and a system-scoped ``fakecloud-system-<user>`` for each
    user holding a role on the system; none for the services' users (``nova``), as devstack's
    clouds.yaml has none."""
    _guard(cloud)
    clouds: dict[str, Any] = {}
    services = cloud.config.identity.world()["service_users"]
    for record in cloud.keystone.directory.users.values():
        if record.default_project_id is None or record.name in services:
            continue
        clouds[f"fakecloud-{record.name}"] = {
            "auth": auth_settings(cloud, record.name),
            "region_name": cloud.keystone.config.region,
            "identity_api_version": 3,
            "interface": "public",
        }
        if cloud.keystone.directory.effective_roles(record.id, system=True):
            clouds[f"fakecloud-system-{record.name}"] = {
                "auth": auth_settings(cloud, record.name, scope="system"),
                "region_name": cloud.keystone.config.region,
                "identity_api_version": 3,
                "interface": "public",
            }
    return {"clouds": clouds}


def clouds_yaml(cloud: Any) -> str:
    """`clouds_config` as a clouds.yaml text, with a comment saying how to use it."""
    import yaml

    header = (
        f"# clouds.yaml for fakecloud (seed {cloud.seed}, profile {cloud.profile}).\n"
        "# Use: export OS_CLIENT_CONFIG_FILE=<this file>; openstack --os-cloud fakecloud-demo ...\n"
    )
    # libyaml's emitter writes the same text as PyYAML's pure-Python one, about five times
    # faster.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return header + yaml.dump(clouds_config(cloud), Dumper=dumper, sort_keys=False)


def connection(cloud: Any, user: str = "demo", scope: str = "project") -> Any:
    """An ``openstack.connection.Connection`` as `user` (lazy: no HTTP until first use).

    Made as ``openstack.connect(**credentials(...))`` makes it, with two pieces swapped: its
    configuration reads service type aliases from `ServiceTypes`, the same table without a
    deep copy of it per read, and its region reads openstacksdk's version for the user agent
    once a process (`fakecloud.transport.sdk_region`). Requests, answers and negotiated
    versions are unchanged."""
    openstack = require_openstacksdk()
    cloud_region = late.module("fakecloud.transport.sdk_region").cloud_region
    service_types = late.module("fakecloud.transport.service_types")

    region = cloud_region(**credentials(cloud, user, scope))
    region._service_type_manager = service_types.ServiceTypes()
    return openstack.connection.Connection(config=region, vendor_hook=None)


def require_openstacksdk() -> Any:
    """The ``openstack`` package, or `ClientsMissing` saying how to install it."""
    try:
        return late.module("openstack")
    except ImportError:
        from fakecloud.errors import ClientsMissing

        raise ClientsMissing(
            "this needs openstacksdk, which fakecloud installs as an extra: "
            "pip install 'fakecloud-openstack[clients]'"
        ) from None
