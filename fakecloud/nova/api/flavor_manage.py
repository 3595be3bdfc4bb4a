"""``POST /flavors``, ``PUT /flavors/{id}`` (2.55) and ``DELETE /flavors/{id}``: the admin's
flavor writes (``nova/api/openstack/compute/flavor_manage.py`` 17.0.13-29.2.0, merged into
``flavors.py`` by 34.0.0) — ``openstack flavor create/delete/set --description``,
novaclient's ``flavors.create/delete``, openstacksdk's ``create_flavor``/``delete_flavor``.

Create: the body checked against the microversion's schema (``create``; 2.55 adds
``description``, 2.102 drops ``rxtx_factor``), then ``os_compute_api:os-flavor-manage:create``
(the admin's in every release), then `fakecloud.nova.flavors.create` (409 for a taken id or
name). 200 with the flavor as ``GET /flavors/{id}`` shows it (``extra_specs`` ``{}`` from 2.61
when the caller may read them). Update: only the description, 200. Delete: 202, no body; the
servers booted with the flavor keep it (Nova embeds the flavor in each instance). A created
flavor is private to nobody: Nova does not give the creating project access to a private
flavor (bug 1209101).
"""

from __future__ import annotations

import copy
import re
import unicodedata
from functools import cache
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova import exception, flavors
from fakecloud.nova.api import schemas, views
from fakecloud.nova.policies import FLAVOR_EXTRA_SPECS, FLAVOR_MANAGE, FLAVOR_MANAGE_BASE

#: From 2.55 a flavor has a description (``FLAVOR_DESCRIPTION_MICROVERSION``).
DESCRIPTION_VERSION = "2.55"

#: ``parameter_types.flavor_param_positive`` / ``flavor_param_non_negative``.
_POSITIVE = dict(schemas.volume_size)
_NON_NEGATIVE = {**schemas.volume_size, "minimum": 0}

_CREATE = {
    "type": "object",
    "properties": {
        "flavor": {
            "type": "object",
            "properties": {
                "name": schemas.name,
                "id": {
                    "type": ["string", "number", "null"],
                    "minLength": 1,
                    "maxLength": 255,
                    "pattern": "^(?! )[a-zA-Z0-9. _-]+(?<! )$",
                },
                "ram": _POSITIVE,
                "vcpus": _POSITIVE,
                "disk": _NON_NEGATIVE,
                "OS-FLV-EXT-DATA:ephemeral": _NON_NEGATIVE,
                "swap": _NON_NEGATIVE,
                "rxtx_factor": {
                    "type": ["number", "string"],
                    "pattern": r"^[0-9]+(\.[0-9]+)?$",
                    "exclusiveMinimum": 0,
                    "maximum": flavors.SQL_SP_FLOAT_MAX,
                },
                "os-flavor-access:is_public": schemas.boolean,
            },
            "required": ["name", "ram", "vcpus", "disk"],
            "additionalProperties": False,
        }
    },
    "required": ["flavor"],
    "additionalProperties": False,
}


def _is_printable(char: str) -> bool:
    category = unicodedata.category(char)
    return not category.startswith("C") and (not category.startswith("Z") or category == "Zs")


@cache
def _description() -> dict[str, Any]:
    """``_flavor_description``: ``valid_description_regex`` is Nova's range expression of
    every printable character below U+FFFF (``_build_regex_range``), built here the same way,
    so a refusal quotes the pattern Nova quotes."""
    regex = ""
    in_range = False
    last = last_added = None
    c = ""
    for c in map(chr, range(0xFFFF)):
        if _is_printable(c):
            if not in_range:
                regex += re.escape(c)
                last_added = c
            in_range = True
        else:
            if in_range and last != last_added:
                regex += "-" + re.escape(last)
            in_range = False
        last = c
    if in_range:
        regex += "-" + re.escape(c)
    return {
        "type": ["string", "null"],
        "minLength": 0,
        "maxLength": 65535,
        "pattern": f"^[{regex}]*$",
    }


@cache
def create_validator(bucket: str) -> schemas.SchemaValidator:
    """``create`` (2.1-2.54; ``create_v20`` on ``/v2/``: a name with leading and trailing
    spaces), ``create_v2_55`` (+ ``description``), ``create_v2102`` (no ``rxtx_factor``)."""
    schema = copy.deepcopy(_CREATE)
    props = schema["properties"]["flavor"]["properties"]
    if bucket != "2.1":
        props["description"] = _description()
    if bucket == "2.102":
        del props["rxtx_factor"]
    return schemas.SchemaValidator(schema, v20=schemas.spaced_names(schema, "flavor", "name"))


@cache
def update_validator() -> schemas.SchemaValidator:
    """``update_v2_55``: ``{"flavor": {"description": ...}}``, nothing else."""
    flavor = {
        "type": "object",
        "properties": {"description": _description()},
        "required": ["description"],
        "additionalProperties": False,
    }
    return schemas.SchemaValidator(
        {
            "type": "object",
            "properties": {"flavor": flavor},
            "required": ["flavor"],
            "additionalProperties": False,
        }
    )


def _draft4_rxtx_minimum(major: int, body: dict[str, Any]) -> None:
    """Before 30.0.0 (7491417323 moved the API to Draft 2020-12) Nova validated with Draft 4,
    whose ``exclusiveMinimum: True`` sits in ``minimum``, which Nova's validator also reads
    for number strings: ``"rxtx_factor": "0"`` was the schema's 400, not ``flavors.create``'s."""
    value = body["flavor"].get("rxtx_factor")
    if major < 30 and isinstance(value, str) and float(value) <= 0:
        raise HttpError(
            400,
            f"Invalid input for field/attribute rxtx_factor. Value: {value}. "
            f"{float(value)!r} is less than or equal to the minimum of 0",
        )


class FlavorManageController:
    """The admin's flavor create, description update and delete."""

    def __init__(self, nova: Any, service: Any):
        self.nova = nova
        self.service = service

    def _authorize(self, req: Request, action: str) -> None:
        """``os-flavor-manage:<action>``; in 17.x-18.x ``verify_deprecated_policy`` first: an
        operator's own ``os_compute_api:os-flavor-manage`` (the deprecated rule create and
        delete default to) is checked instead."""
        policy = self.nova.policy
        if self.nova.kernel.switches.release.major < 19:
            old = policy.overrides().get(FLAVOR_MANAGE_BASE)
            if old is not None and old != "rule:admin_api":
                policy.authorize(req.context, FLAVOR_MANAGE_BASE, {})
                return
        policy.authorize(req.context, FLAVOR_MANAGE % action, {})

    def _show(self, req: Request, flavor: Any) -> Response:
        """The flavor as ``show`` answers it; ``extra_specs`` from 2.61 when the caller may
        read them (``os-flavor-extra-specs:index``, not fatal)."""
        specs = req.microversion >= "2.61" and self.nova.policy.authorize(
            req.context, FLAVOR_EXTRA_SPECS % "index", fatal=False
        )
        item = views.flavor_detail(req.link_prefix, flavor, req.microversion, specs)
        return Response(200, {"flavor": item})

    def create(self, req: Request) -> Response:
        """``POST /flavors``."""
        version = req.microversion
        body = self.service.body(req)
        bucket = "2.102" if version >= "2.102" else "2.55" if version >= "2.55" else "2.1"
        create_validator(bucket).validate(body, req)
        _draft4_rxtx_minimum(self.nova.kernel.switches.release.major, body)
        self._authorize(req, "create")
        vals = body["flavor"]
        try:
            flavor = flavors.create(
                self.nova,
                vals["name"],
                vals["ram"],
                vals["vcpus"],
                vals["disk"],
                ephemeral_gb=vals.get("OS-FLV-EXT-DATA:ephemeral", 0),
                flavorid=vals.get("id"),
                swap=vals.get("swap", 0),
                rxtx_factor=vals.get("rxtx_factor", 1.0),
                is_public=vals.get("os-flavor-access:is_public", True),
                description=vals.get("description") if version >= DESCRIPTION_VERSION else None,
            )
        except (flavors.FlavorExists, flavors.FlavorIdExists) as exc:
            raise HttpError(409, exc.format_message()) from None
        except exception.Invalid as exc:
            raise HttpError(400, exc.format_message()) from None
        self.nova.kernel.trace.emit("nova.flavor", "nova-api", flavor.flavorid, action="create")
        flavors.notify(self.nova, "create", flavor, specs=False)
        return self._show(req, flavor)

    def update(self, req: Request) -> Response:
        """``PUT /flavors/{flavor_id}`` (2.55): a new description; 404 before 2.55."""
        if req.microversion < DESCRIPTION_VERSION:
            raise HttpError(404, "The resource could not be found.")
        body = self.service.body(req)
        update_validator().validate(body, req)
        ctx = req.context
        self.nova.policy.authorize(ctx, FLAVOR_MANAGE % "update", {})
        try:
            flavor = flavors.get_by_flavor_id(self.nova, ctx, req.params["flavor_id"])
        except exception.FlavorNotFound as exc:
            raise HttpError(404, exc.format_message()) from None
        flavor = flavors.update_description(self.nova, flavor, body["flavor"]["description"])
        self.nova.kernel.trace.emit("nova.flavor", "nova-api", flavor.flavorid, action="update")
        flavors.notify(self.nova, "update", flavor)
        return self._show(req, flavor)

    def delete(self, req: Request) -> Response:
        """``DELETE /flavors/{flavor_id}``: 202."""
        self._authorize(req, "delete")
        try:
            flavor = flavors.destroy(self.nova, req.params["flavor_id"])
        except exception.FlavorNotFound as exc:
            raise HttpError(404, exc.format_message()) from None
        self.nova.kernel.trace.emit("nova.flavor", "nova-api", flavor.flavorid, action="delete")
        flavors.notify(self.nova, "delete", flavor, specs=False)
        return Response(202)
