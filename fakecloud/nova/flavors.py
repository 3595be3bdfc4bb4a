"""The flavors table: Nova's ``nova/compute/flavors.py`` ``create`` and the database half of
``nova/objects/flavor.py`` (17.0.13-34.0.0) — who sees a flavor, creating and destroying one,
and a private flavor's access list.

A project's caller sees the public flavors and the private ones its project was given access
to (``_flavor_get_query_from_db``); an admin sees them all. A flavor is looked up by its
``flavorid``; the row's autoincrement ``id`` (what servers' ``instance_type_id`` and the
flavor list's ``sort_key=id`` read) is the creation order: devstack's flavors are 1-7, created
ones count on from there.

The state is kept on `fakecloud.nova.Nova`: ``flavors`` (flavorid -> `Flavor`, in creation
order), and, once a flavor is created or given access, ``flavor_ids`` (flavorid -> row id) and
``flavor_projects`` (flavorid -> projects). The last two are class defaults until then, so a
cloud that never writes a flavor saves the same bytes as before they existed.
"""

from __future__ import annotations

from typing import Any

from fakecloud.nova import exception
from fakecloud.nova.objects import DEFAULT_FLAVORS, Flavor

#: ``db.constants.MAX_INT``: the largest size (a signed 32-bit column).
MAX_INT = 0x7FFFFFFF
#: ``db.constants.SQL_SP_FLOAT_MAX``: the largest ``rxtx_factor`` (a MySQL FLOAT column).
SQL_SP_FLOAT_MAX = 3.40282e38

_DEFAULT_IDS = {f.flavorid: number for number, f in enumerate(DEFAULT_FLAVORS, 1)}


class FlavorExists(exception.NovaException):
    """Nova's ``FlavorExists`` (409 on create)."""

    msg_fmt = "Flavor with name %(name)s already exists."


class FlavorIdExists(exception.NovaException):
    """Nova's ``FlavorIdExists`` (409 on create)."""

    msg_fmt = "Flavor with ID %(flavor_id)s already exists."


class FlavorAccessExists(exception.NovaException):
    """Nova's ``FlavorAccessExists`` (409 on addTenantAccess)."""

    msg_fmt = (
        "Flavor access already exists for flavor %(flavor_id)s and project %(project_id)s "
        "combination."
    )


class FlavorAccessNotFound(exception.NotFound):
    """Nova's ``FlavorAccessNotFound`` (404 on removeTenantAccess)."""

    msg_fmt = "Flavor access not found for %(flavor_id)s / %(project_id)s combination."


def notify(nova: Any, action: str, flavor: Flavor, specs: bool = True) -> None:
    """``Flavor._send_notification`` after a write: ``flavor.create`` (specs not loaded),
    ``flavor.update`` (specs and projects loaded), ``flavor.delete`` (neither)."""
    extra_specs = {k: str(v) for k, v in flavor.extra_specs.items()} if specs else None
    access = None if action == "delete" else list(projects(nova, flavor.flavorid))
    nova.notifier.flavor(nova.config.api_host, action, flavor, extra_specs, access)


def projects(nova: Any, flavorid: str) -> tuple[str, ...]:
    """The projects given access to the flavor `flavorid` (``Flavor.projects``)."""
    table = nova.flavor_projects
    return table.get(flavorid, ()) if table else ()


def visible(nova: Any, context: Any, flavor: Flavor) -> bool:
    """``_flavor_get_query_from_db``: an admin sees every flavor, others the public ones and
    those their project has access to."""
    return (
        context.is_admin
        or flavor.is_public
        or context.project_id in projects(nova, flavor.flavorid)
    )


def get_by_flavor_id(nova: Any, context: Any, flavorid: str) -> Flavor:
    """``Flavor.get_by_flavor_id``: the flavor `context` may see, else `FlavorNotFound`."""
    flavor = nova.flavors.get(flavorid)
    if flavor is None or not (flavor.is_public or visible(nova, context, flavor)):
        raise exception.FlavorNotFound(flavor_id=flavorid)
    return flavor


def row_id(nova: Any, flavorid: str) -> int:
    """The autoincrement ``id`` of the flavor row `flavorid` (kept after the flavor is
    deleted: servers booted with it still carry it; until a flavor with the same flavorid is
    created again, whose new id its servers then share here)."""
    ids = nova.flavor_ids
    if ids and flavorid in ids:
        return ids[flavorid]
    return _DEFAULT_IDS.get(flavorid, 0)


def create(
    nova: Any,
    name: str,
    memory: Any,
    vcpus: Any,
    root_gb: Any,
    ephemeral_gb: Any = 0,
    flavorid: Any = None,
    swap: Any = 0,
    rxtx_factor: Any = 1.0,
    is_public: Any = True,
    description: str | None = None,
) -> Flavor:
    """``flavors.create`` (after the API's schema): a missing or empty ``flavorid`` is a new
    UUID (from the cloud's seeded source), a number is its text; before 20.0.0 (c19c3d9760
    removed them) the name and id are checked again (`exception.InvalidInput`), as are the
    sizes (``validate_integer``) and ``rxtx_factor`` in every release; `FlavorIdExists` /
    `FlavorExists` for a taken id / name (the id's unique key first, as MySQL reports it)."""
    if not flavorid:
        flavorid = nova.kernel.ids.uuid()
    if isinstance(name, str):
        name = name.strip()
    flavorid = _id_text(flavorid)
    if nova.kernel.switches.release.major < 20:
        _queens_checks(name, flavorid)
    sizes = {
        "ram": (memory, 1),
        "vcpus": (vcpus, 1),
        "disk": (root_gb, 0),
        "ephemeral": (ephemeral_gb, 0),
        "swap": (swap, 0),
    }
    ram, cpus, disk, ephemeral, swap_mb = (_integer(n, v, low) for n, (v, low) in sizes.items())
    try:
        rxtx = float(rxtx_factor)
        if rxtx <= 0 or rxtx > SQL_SP_FLOAT_MAX:
            raise ValueError
    except ValueError:
        raise exception.InvalidInput(
            reason=f"'rxtx_factor' argument must be a float between 0 and {SQL_SP_FLOAT_MAX:g}"
        ) from None
    flavor = Flavor(
        flavorid,
        name,
        ram,
        cpus,
        disk,
        ephemeral_gb=ephemeral,
        swap=swap_mb,
        rxtx_factor=rxtx,
        is_public=_bool(is_public),
        description=description,
    )
    if flavorid in nova.flavors:
        raise FlavorIdExists(flavor_id=flavorid)
    if any(f.name == name for f in nova.flavors.values()):
        raise FlavorExists(name=name)
    ids = nova.flavor_ids
    if ids is None:
        ids = nova.flavor_ids = {}
    # Autoincrement: one past the highest id handed out (deleted rows keep theirs).
    ids[flavorid] = max((*ids.values(), len(DEFAULT_FLAVORS))) + 1
    nova.flavors[flavorid] = flavor
    return flavor


def update_description(nova: Any, flavor: Flavor, description: str | None) -> Flavor:
    """``Flavor.save`` of a new description (2.55): the row replaced by its new version."""
    import dataclasses

    new = dataclasses.replace(flavor, description=description)
    nova.flavors[flavor.flavorid] = new
    return new


def destroy(nova: Any, flavorid: str) -> Flavor:
    """``_flavor_destroy`` by flavorid (no visibility filter: the admin's): the row and its
    access list go; servers keep the flavor they were booted with (embedded in them)."""
    flavor = nova.flavors.pop(flavorid, None)
    if flavor is None:
        raise exception.FlavorNotFound(flavor_id=flavorid)
    if nova.flavor_projects and flavorid in nova.flavor_projects:
        del nova.flavor_projects[flavorid]
    return flavor


def add_access(nova: Any, flavorid: str, project_id: str) -> tuple[str, ...]:
    """``_flavor_add_project``: `FlavorAccessExists` if the project has access already."""
    found = projects(nova, flavorid)
    if project_id in found:
        raise FlavorAccessExists(flavor_id=flavorid, project_id=project_id)
    if nova.flavor_projects is None:
        nova.flavor_projects = {}
    nova.flavor_projects[flavorid] = (*found, project_id)
    return nova.flavor_projects[flavorid]


def remove_access(nova: Any, flavorid: str, project_id: str) -> tuple[str, ...]:
    """``_flavor_del_project``: `FlavorAccessNotFound` if the project has no access."""
    found = projects(nova, flavorid)
    if project_id not in found:
        raise FlavorAccessNotFound(flavor_id=flavorid, project_id=project_id)
    left = tuple(p for p in found if p != project_id)
    nova.flavor_projects[flavorid] = left
    return left


def _integer(name: str, value: Any, minimum: int) -> int:
    """``utils.validate_integer`` (oslo.utils ``strutils.validate_integer``): ``int(str(v))``,
    so a JSON ``1.0`` the schema took for an integer is ``ram must be an integer``."""
    try:
        number = int(str(value))
    except ValueError:
        raise exception.InvalidInput(reason=f"{name} must be an integer") from None
    if number < minimum:
        raise exception.InvalidInput(reason=f"{name} must be >= {minimum}")
    if number > MAX_INT:
        raise exception.InvalidInput(reason=f"{name} must be <= {MAX_INT}")
    return number


def _id_text(flavorid: Any) -> str:
    """``six.text_type(flavorid)``: JSON numbers as Python writes them (``5``, ``1.5``)."""
    return flavorid if isinstance(flavorid, str) else str(flavorid)


_TRUE = {"1", "t", "true", "on", "y", "yes"}


def _bool(value: Any) -> bool:
    """``strutils.bool_from_string(strict=True)`` of a value the schema let through."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in _TRUE


def _queens_checks(name: str, flavorid: str) -> None:
    """17.x's ``flavors.create`` checks of what the API's schema let through (a number id
    such as ``1e+100``, which its pattern does not read)."""
    from fakecloud.nova.api.schemas import valid_name

    if not valid_name(name):
        raise exception.InvalidInput(
            reason="Flavor names can only contain printable characters and horizontal spaces."
        )
    if flavorid.strip() != flavorid:
        raise exception.InvalidInput(
            reason="id cannot contain leading and/or trailing whitespace(s)"
        )
    if len(flavorid) > 255:  # ``check_string_length``: a message of its own, no prefix
        raise exception.InvalidInput(message="id has more than 255 characters.")
    if not all(c.isalnum() or c in "_.- " for c in flavorid):
        raise exception.InvalidInput(
            reason="Flavor id can only contain letters from A-Z (both cases), periods, "
            "dashes, underscores and spaces."
        )
