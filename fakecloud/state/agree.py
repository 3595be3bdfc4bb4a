"""Does a saved file's header agree with its world? What a cloud's build takes from its settings
and keeps in its own objects (the compute hosts, Keystone's records, token lifetime and catalog
region, Glance's base images) is saved with the world, while the settings are the header's
alone: an edited header would load a world that kept what it was built with and reported the
edited settings. `boot_facts` reads what the header builds (from the template, before the saved
state is grafted onto it); `check` refuses a loaded world that is not that, naming both.

Only what no request can change is compared (not a base image's virtual size either: fakecloud
filled it in later than some files were saved): Keystone's records as the cloud was built (a
directory its admin API wrote to keeps those: `fakecloud.identity.writes.WrittenDirectory`'s
``origin``), and a base image keeps its id, creation time and data (its name, tags and owner may
be edited, its row stays when it is deleted).
"""

from __future__ import annotations

import reprlib
from random import Random
from typing import Any

from fakecloud.errors import StateError

#: Keystone's kinds of records, by the `Directory` table holding them.
_KINDS = ("domains", "roles", "projects", "users")
#: What a base image keeps whatever requests did to it (`Image` fields).
_IMAGE_KEPT = (
    "id",
    "created_at",
    "size",
    "checksum",
    "os_hash_value",
    "disk_format",
    "container_format",
)


def boot_facts(template: Any) -> dict[str, Any]:
    """What a cloud built from the header holds of its settings (read before the graft, which
    fills the template's objects with the saved ones)."""
    from fakecloud.sim.ids import uuid4_text

    keystone = template.keystone
    after = Random()
    after.setstate(template.kernel.ids._rng.getstate())
    return {
        "identity": _directory(keystone.directory),
        "identity.token_ttl_s": keystone.tokens.ttl_s,
        "identity.region": keystone.catalog.region,
        "base_images": [(i.name, _kept(i)) for i in template.glance.db.images.values()],
        # the id a base image more would have had: no request's object has it (each request
        # draws its request id first)
        "next_id": uuid4_text(after.getrandbits(128)),
    }


#: The roles every fakecloud before session 32 built, whatever the profile's Keystone:
#: keystone 24.0.0's bootstrap roles (`fakecloud.identity.config.bootstrap_roles`). A world
#: saved then, on a profile whose Keystone makes fewer, loads with them as it was built (its
#: other records have the ids a build today gives them: `BOOTSTRAP_ROLE_NAMES`).
_LEGACY_ROLES = {
    "admin": ("manager",),
    "manager": ("member",),
    "member": ("reader",),
    "reader": (),
    "service": (),
}


def _legacy_roles(directory: Any, facts: dict[str, tuple]) -> bool:
    """Whether `directory` holds the roles a fakecloud before session 32 built: `_LEGACY_ROLES`
    and the header's other roles (`facts`), each role of `facts` with its id there."""
    held = {r.name: r for r in directory.roles.values()}
    return (
        all(name in held and held[name].implies == imp for name, imp in _LEGACY_ROLES.items())
        and all(name in held and held[name].id == record[0] for name, record in facts.items())
        and all(name in facts or name in _LEGACY_ROLES for name in held)
    )


def _without_services(kind: str, records: dict[str, tuple], users: Any) -> dict[str, tuple]:
    """`records` of `kind` without what session 42 added to every world (the ``service``
    project, the services' `users`, their grants, and the ``service`` role of a Keystone
    whose bootstrap does not make it): what a world saved before then was built with."""
    from fakecloud.identity.config import SERVICE_PROJECT

    def added(name: str) -> bool:
        if kind == "projects":
            return name == SERVICE_PROJECT
        if kind == "users":
            return name in users
        if kind == "roles":
            return name == "service"
        return kind == "assignments" and name.split(" ", 1)[0] in users

    return {name: record for name, record in records.items() if not added(name)}


def _without_users(kind: str, records: dict[str, tuple], users: Any) -> dict[str, tuple]:
    """`records` of `kind` without the services' `users` and their grants: what a world saved
    before they were added was built with (``cinder``: session 43, where ``nova``, its
    project and roles were there)."""
    if kind == "users":
        return {name: record for name, record in records.items() if name not in users}
    if kind == "assignments":
        return {
            name: record for name, record in records.items() if name.split(" ", 1)[0] not in users
        }
    return records


def check(cloud: Any, facts: dict[str, Any]) -> None:
    """`StateError` if loaded `cloud` is not what its header (`facts`, `boot_facts` of the
    template) builds."""
    _check_hosts(cloud)
    keystone = cloud.keystone
    # a directory Keystone's API wrote to keeps the one it was built with (`WrittenDirectory`)
    built = getattr(keystone.directory, "origin", keystone.directory)
    world = _directory(built)
    services = cloud.kernel.config.identity.world()["service_users"]
    # the services' users a world saved before they existed lacks (its ids drawn before theirs)
    later = [name for name in services if name not in world["users"]]
    # the users before the projects: a user the header adds draws an id before the service
    # project's (`Directory.from_world`), and the user is what was edited
    for kind, records in sorted(facts["identity"].items(), key=lambda item: item[0] == "projects"):
        if kind == "roles" and records != world[kind] and _legacy_roles(built, records):
            continue  # saved before session 32: it keeps the roles it was built with
        if records != world[kind] and _without_services(kind, records, services) == world[kind]:
            continue  # saved before session 42: built without the services' users
        if records != world[kind] and later and _without_users(kind, records, later) == world[kind]:
            continue  # saved before session 43: built without ``cinder``
        if records != world[kind]:
            _refuse(
                f"identity {kind}", _names(records), _names(world[kind]), _why(records, world[kind])
            )
    for key, value in (
        ("identity.token_ttl_s", keystone.tokens.ttl_s),
        ("identity.region", keystone.catalog.region),
    ):
        if facts[key] != value:
            _refuse(key, repr(facts[key]), repr(value))
    _check_images(cloud, facts)


def check_header(header: dict[str, Any], built: dict[str, Any]) -> None:
    """`StateError` if the header's seed or profile (what the template is built with, its
    switches and release) is not the saved world's (`built`, what a save of the loaded world
    would write): an edited header loaded a world that said ``upstream`` and behaved as the
    header's ``nova-17.0.0``, or kept its own seed."""
    for key in ("profile", "seed"):
        if header[key] != built[key]:
            _refuse(key, reprlib.repr(header[key]), reprlib.repr(built[key]))


def _refuse(what: str, header: str, world: str, why: str = "") -> None:
    raise StateError(
        f'its "cloud" header says {what} {header}, its saved world {world}{why}: was the header '
        "edited? (what a world was built with cannot be changed in its file; build a new cloud)"
    )


def _check_hosts(cloud: Any) -> None:
    """The header's ``nova.compute_hosts`` (the hosts ``cmp-1`` ... a cloud is built with) is
    the saved world's: an edited header said 1 and the world kept cmp-1 and cmp-2, while its
    configuration said one. Hosts of other names are left alone."""
    count = cloud.kernel.config.nova.compute_hosts
    world = sorted(
        (h for h in cloud.nova.hosts if h.startswith("cmp-") and h[4:].isdigit()),
        key=lambda h: int(h[4:]),
    )
    if world != [f"cmp-{index}" for index in range(1, count + 1)]:
        _refuse(
            "nova.compute_hosts", str(count), f"has {len(world)} ({', '.join(world) or 'none'})"
        )


def _directory(directory: Any) -> dict[str, dict[str, tuple]]:
    """Keystone's records as values, by kind and name (users and projects by domain id and
    name); the assignments by the names they join."""
    out: dict[str, dict[str, tuple]] = {}
    for kind in _KINDS:
        table = getattr(directory, kind)
        out[kind] = {_name(record): tuple(vars(record).values()) for record in table.values()}
    names = {i: _name(r) for kind in _KINDS for i, r in getattr(directory, kind).items()}
    names[True] = "system"
    grants = [
        " ".join(names.get(v, v) for v in vars(a).values() if v is not None and v is not False)
        for a in directory.assignments
    ]
    out["assignments"] = {grant: (grants.count(grant),) for grant in grants}
    return out


def _name(record: Any) -> str:
    domain = getattr(record, "domain_id", "default")
    return record.name if domain == "default" else f"{record.name} (domain {domain})"


def _names(records: dict[str, tuple]) -> str:
    return "[" + ", ".join(sorted(records)) + "]"


def _why(header: dict[str, tuple], world: dict[str, tuple]) -> str:
    """Which records differ, and in which fields."""
    changed = [name for name in header if name in world and header[name] != world[name]]
    if not changed:
        return ""
    return " (" + ", ".join(changed[:5]) + ": not the same record)"


def _kept(image: Any) -> tuple:
    return tuple(getattr(image, name) for name in _IMAGE_KEPT)


def _check_images(cloud: Any, facts: dict[str, Any]) -> None:
    """The header's ``glance.base_images`` are the saved world's first images (Glance keeps
    every row, in the order made), and the image after them is not one the boot made."""
    header = facts["base_images"]
    images = list(cloud.glance.db.images.values())[: len(header) + 1]
    world = [_kept(image) for image in images[: len(header)]]
    if images[len(header) :] and images[-1].id != facts["next_id"]:
        images.pop()  # made later, by a request
    if world != [kept for _, kept in header] or len(images) > len(header):
        _refuse(
            "glance.base_images",
            f"[{', '.join(str(name) for name, _ in header)}]",
            f"made [{', '.join(str(image.name) for image in images)}]",
        )
