"""The world a scenario starts from: named projects, users, images, volumes and servers.

    cloud:
      images:
        cirros: {as: admin, body: {disk_format: qcow2, visibility: public}}
      servers:
        web: {body: {imageRef: "${images.cirros.id}", flavorRef: "1"}}

Each kind is created by the REST request a user would make (so setup works with whatever the
services implement), in the order projects, users, images, volumes, servers, then the `setup:`
list, each once every named resource it refers to is ready (`fakecloud.scenario.readiness`);
the cloud is then run until idle and each resource nothing awaited must have reached its ready
status.
A created resource is reachable by name: ``${servers.web.id}``, ``${images.cirros.status}``
(any field of the create response, unwrapped from its ``{"server": ...}`` envelope).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Kind:
    """How one kind of named resource is created and awaited.

    A kind `via` ``"config"`` (projects, users) is added to the cloud's configuration before the
    cloud is built (they are part of Keystone's world); a kind `via` ``"rest"`` is created by
    its create request once the cloud exists.
    """

    name: str
    doc: str
    via: str
    service: str = ""
    path: str = ""
    envelope: str | None = None
    user: str = "demo"
    ready: str | None = None
    show: str = ""
    status_field: str = "status"
    defaults: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Callable[[Any], dict]] = field(default_factory=dict)


KINDS: tuple[Kind, ...] = (
    Kind(
        "projects",
        "Projects of Keystone's world, by name (added to config identity.projects): "
        "{description, domain}. ${projects.NAME.id} is the project's id.",
        "config",
        extra={
            "description": lambda b: b.string("Project description."),
            "domain": lambda b: b.string("Domain name (default Default)."),
        },
    ),
    Kind(
        "users",
        "Users of Keystone's world, by name (added to config identity.users): {project, "
        "roles, password, system_roles, domain}. Steps act as them with as: NAME; "
        "${users.NAME.id} and ${users.NAME.project_id} are known.",
        "config",
        defaults={"roles": ["member"]},
        extra={
            "project": lambda b: b.string("Default project (a name)."),
            "roles": lambda b: {"type": "array", "items": {"type": "string"}},
            "password": lambda b: b.string("Password (default NAME-secret)."),
            "system_roles": lambda b: {"type": "array", "items": {"type": "string"}},
            "domain": lambda b: b.string("Domain name (default Default)."),
        },
    ),
    Kind(
        "images",
        "Glance images to create (image POST /v2/images), by name; size_mb uploads that "
        "much simulated data (PUT /file) so the image becomes active; existing: NAME names "
        "an image the cloud already has (e.g. a base image) instead of creating one.",
        "rest",
        "image",
        "/v2/images",
        None,
        "admin",
        "active",
        "/v2/images/{id}",
        defaults={"disk_format": "qcow2", "container_format": "bare", "visibility": "public"},
        extra={
            "size_mb": lambda b: b.number("Simulated data to upload, in MB (10^6 bytes)."),
            "existing": lambda b: b.string("Name of an image that already exists."),
        },
    ),
    Kind(
        "volumes",
        "Cinder volumes to create (block-storage POST /v3/{project_id}/volumes), by name.",
        "rest",
        "block-storage",
        "/v3/{project_id}/volumes",
        "volume",
        "demo",
        "available",
        "/v3/{project_id}/volumes/{id}",
        defaults={"size": 1},
    ),
    Kind(
        "servers",
        "Nova servers to create (compute POST /v2.1/servers), by name.",
        "rest",
        "compute",
        "/v2.1/servers",
        "server",
        "demo",
        "ACTIVE",
        "/v2.1/servers/{id}",
    ),
)

BY_NAME = {kind.name: kind for kind in KINDS}


def identity_overrides(setup: list[Any]) -> dict[str, dict[str, Any]]:
    """The ``identity`` config the projects and users of `setup` add (by name)."""
    out: dict[str, dict[str, Any]] = {}
    for item in setup:
        kind = BY_NAME.get(item.kind)
        if kind is None or kind.via != "config":
            continue
        spec = {**kind.defaults, **dict(item.spec)}
        if kind.name == "users":
            spec.setdefault("password", f"{item.name}-secret")
            if not spec.get("project"):
                spec.pop("roles", None)
        out.setdefault(kind.name, {})[item.name] = spec
    return out
