"""``/default-types``: a project's own default volume type (3.62, ``DEFAULT_TYPE_OVERRIDES``;
Cinder 17.0.0 on), as ``api/v3/default_types.py``, ``api/v3/views/default_types.py``,
``api/schemas/default_types.py``, ``api/api_utils.py`` ``validate_project_and_authorize``,
``policies/default_types.py`` and the ``project_default_volume_type_*`` functions of ``db``
serve it (read in 17.4.0, 20.3.2, 24.0.0 and 29.0.0).

``PUT /default-types/{project_id}`` sets it (200), ``GET`` shows one (404 "Default type for
project X not found.") or lists them all, ``DELETE`` unsets it (204). The target project is
looked up in Keystone first (404 "Project with id X not found."; from 29.0.0 a delete goes on
without it), then the policy (403 "You are not authorized to perform this operation."): from
20.0.0 an admin's (``rule:admin_api``, or the deprecated rules below); 17.x-19.x only the
system admin or an admin of the target project itself, and the list the system admin. A
volume created without a type, ``GET /types/default`` and the type delete's refusal read the
project's default (`fakecloud.cinder.service.Cinder.project_default_type`).
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.microversion import Version
from fakecloud.api.router import NoRoute
from fakecloud.cinder import controllers, exception, validation
from fakecloud.nova.identity import project_exists

DEFAULT_TYPE_OVERRIDES = Version.parse("3.62")
#: The first Cinder with the API.
DEFAULT_TYPES_FROM = 17
#: 20.0.0: ``rule:admin_api`` (with the deprecated persona rules ORed in while the new
#: defaults are not enforced); 17.x-19.x the persona rules alone.
ADMIN_API_FROM = 20
#: 29.0.0 unsets a default whose project Keystone no longer has (24.0.0 answers 404;
#: 25.x-28.x read as 24.0.0).
DELETE_MISSING_PROJECT_FROM = 29
FORBIDDEN = "You are not authorized to perform this operation."
#: ``policies/default_types.py``'s rule names.
SET_POLICY = "volume_extension:default_set_or_update"
GET_POLICY = "volume_extension:default_get"
GET_ALL_POLICY = "volume_extension:default_get_all"
UNSET_POLICY = "volume_extension:default_unset"

#: ``create_or_update``: no ``required`` nor ``additionalProperties`` at the top (a body
#: without ``default_type`` meets the controller's KeyError: FaultWrapper's 500).
SET = {
    "type": "object",
    "properties": {
        "default_type": validation._obj(
            {
                "volume_type": {
                    "type": "string",
                    "format": "name",
                    "minLength": 1,
                    "maxLength": 255,
                }
            },
            ["volume_type"],
        )
    },
}


def _gate(service: Any, req: Request) -> None:
    if service.cinder_major < DEFAULT_TYPES_FROM:
        raise NoRoute([])
    if not req.microversion >= DEFAULT_TYPE_OVERRIDES:
        raise controllers.not_found()


def _allowed(service: Any, ctx: Any, project_id: str | None, action: str) -> bool:
    """`action` (``volume_extension:default_*``) on `project_id` (None: the list's rule, whose
    target is the caller's own project): an operator's policy decides where one is given."""
    rules = service.cinder.policy_rules
    if rules is not True and rules is not False:
        return rules.allows(ctx, action, ctx.project_id if project_id is None else project_id)
    if not ctx.is_admin:
        return False
    if service.cinder_major >= ADMIN_API_FROM:
        return True
    return ctx.system_scope == "all" or (project_id is not None and ctx.project_id == project_id)


def _validate_project_and_authorize(
    service: Any, req: Request, project_id: str, action: str
) -> None:
    """Keystone's ``GET /v3/projects/{id}`` (with the caller's token: an admin reads any
    project, others their own), then the policy `action` on that project."""
    ctx = req.context
    reads = ctx.is_admin or ctx.project_id == project_id
    if reads and not project_exists(service.cinder.kernel, project_id):
        raise HttpError(404, f"Project with id {project_id} not found.")
    if not _allowed(service, ctx, project_id, action):
        raise HttpError(403, FORBIDDEN)


def _view(project_id: str, type_id: str) -> dict[str, str]:
    return {"project_id": project_id, "volume_type_id": type_id}


def set_default(service: Any, req: Request) -> Response:
    """``PUT /default-types/{project_id}``: 200 ``{"default_type": {...}}``."""
    _gate(service, req)
    body = service._body(req)
    validation.validate(SET, body)
    if "default_type" not in body:
        raise exception.CinderException()  # body['default_type']: KeyError
    project_id = req.params["id"]
    _validate_project_and_authorize(service, req, project_id, SET_POLICY)
    wanted = body["default_type"]["volume_type"]
    cinder = service.cinder
    try:
        vtype = cinder.type_by_name_or_id(wanted, req.context)
    except exception.VolumeTypeNotFound as error:
        raise HttpError(400, error.msg) from None
    if cinder.project_default_types is None:
        cinder.project_default_types = {}
    cinder.project_default_types[project_id] = vtype.id
    return Response(200, {"default_type": _view(project_id, vtype.id)})


def show(service: Any, req: Request) -> Response:
    """``GET /default-types/{project_id}``."""
    _gate(service, req)
    project_id = req.params["id"]
    _validate_project_and_authorize(service, req, project_id, GET_POLICY)
    type_id = (service.cinder.project_default_types or {}).get(project_id)
    if type_id is None:
        raise exception.VolumeTypeProjectDefaultNotFound(project_id=project_id)
    return Response(200, {"default_type": _view(project_id, type_id)})


def index(service: Any, req: Request) -> Response:
    """``GET /default-types``: every project's."""
    _gate(service, req)
    if not _allowed(service, req.context, None, GET_ALL_POLICY):
        raise HttpError(403, FORBIDDEN)
    rows = service.cinder.project_default_types or {}
    return Response(200, {"default_types": [_view(p, t) for p, t in rows.items()]})


def unset(service: Any, req: Request) -> Response:
    """``DELETE /default-types/{project_id}``: 204, whether one was set or not."""
    _gate(service, req)
    project_id = req.params["id"]
    try:
        _validate_project_and_authorize(service, req, project_id, UNSET_POLICY)
    except HttpError as error:
        if error.status != 404 or service.cinder_major < DELETE_MISSING_PROJECT_FROM:
            raise
    cinder = service.cinder
    rows = cinder.project_default_types
    if rows is not None:
        rows.pop(project_id, None)
        if not rows:
            del cinder.project_default_types  # back to the class's None
    return Response(204)


#: The routes (method, path under ``/v3/``, and ``/v3/{project_id}/`` where switch
#: ``cinder_default_types_bare_paths`` is off, handler).
ROUTES = (
    ("PUT", "default-types/{id}", set_default),
    ("GET", "default-types", index),
    ("GET", "default-types/{id}", show),
    ("DELETE", "default-types/{id}", unset),
)


def with_project_paths(service: Any) -> int:
    """1 where the routes are served under ``/v3/{project_id}/`` too (switch
    ``cinder_default_types_bare_paths`` off: Cinder 25.0.0 and its backports), else 0."""
    return int(not service.kernel.switches.cinder_default_types_bare_paths)
