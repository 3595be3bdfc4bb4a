"""``/flavors/{flavor_id}/os-extra_specs`` (``nova/api/openstack/compute/flavors_extraspecs.py``):
a flavor's extra specs, all of them or one key — what ``openstack flavor show`` and the SDK's
``fetch_flavor_extra_specs`` read — and the admin's writes (``openstack flavor set --property``).

Reads: the policy (``os-flavor-extra-specs:index``/``show``, project readers) is checked
against the caller's own project before the flavor is looked up; from 2.102 unknown query
parameters are a 400. Values always come back as strings. Writes (admin) answer 200 with the
request's own body, as Nova does; a flavor is a per-cloud record, so a write replaces it
(servers keep the flavor they were booted with, as Nova embeds it in the instance). From 2.86
each written spec is validated against Nova's registry of known extra specs
(`fakecloud.nova.api.extra_spec_validators`): ``hw:cpu_policy=fast`` or ``hw:nope`` is a 400.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova import exception, flavors
from fakecloud.nova.api import extra_spec_validators, schemas
from fakecloud.nova.policies import FLAVOR_EXTRA_SPECS

#: From 2.102 the query schemas refuse unknown parameters.
STRICT_QUERY_VERSION = "2.102"
#: From 2.86 written extra specs are validated (``FLAVOR_EXTRA_SPEC_VALIDATION``).
VALIDATION_VERSION = "2.86"

_METADATA = copy.deepcopy(schemas.metadata)
_METADATA["patternProperties"]["^[a-zA-Z0-9-_:. ]{1,255}$"]["type"] = ["string", "number"]
CREATE = schemas.SchemaValidator(
    {
        "type": "object",
        "properties": {"extra_specs": _METADATA},
        "required": ["extra_specs"],
        "additionalProperties": False,
    }
)
UPDATE = schemas.SchemaValidator({**_METADATA, "minProperties": 1, "maxProperties": 1})


class FlavorExtraSpecsController:
    """List and show the extra specs of one flavor."""

    def __init__(self, nova: Any):
        self.nova = nova

    def _authorize(self, req: Request, action: str) -> None:
        schemas.query_validator(req.microversion < STRICT_QUERY_VERSION).validate(req.query)
        ctx = req.context
        self.nova.policy.authorize(ctx, FLAVOR_EXTRA_SPECS % action, {"project_id": ctx.project_id})

    def _flavor(self, req: Request) -> Any:
        """``common.get_flavor``: 404 ``Flavor <id> could not be found.``"""
        try:
            return flavors.get_by_flavor_id(self.nova, req.context, req.params["flavor_id"])
        except exception.FlavorNotFound as exc:
            raise HttpError(404, exc.format_message()) from None

    def index(self, req: Request) -> Response:
        """``GET /flavors/{flavor_id}/os-extra_specs``: ``{"extra_specs": {...}}``."""
        self._authorize(req, "index")
        specs = self._flavor(req).extra_specs
        return Response(200, {"extra_specs": {k: str(v) for k, v in specs.items()}})

    def show(self, req: Request) -> Response:
        """``GET /flavors/{flavor_id}/os-extra_specs/{key}``: ``{key: value}``, or 404."""
        self._authorize(req, "show")
        flavor = self._flavor(req)
        key = req.params["key"]
        if key not in flavor.extra_specs:
            raise HttpError(
                404, f"Flavor {req.params['flavor_id']} has no extra specs with key {key}."
            )
        return Response(200, {key: str(flavor.extra_specs[key])})

    # -- the admin's writes ------------------------------------------------------------------

    def _write(self, req: Request, action: str, body: Any, specs: dict[str, Any]) -> Response:
        """Replace the flavor with one whose extra specs are `specs`; answer `body`."""
        flavor = self._flavor(req)
        changed = specs != flavor.extra_specs
        flavor = dataclasses.replace(flavor, extra_specs=specs)
        self.nova.flavors[flavor.flavorid] = flavor
        self.nova.kernel.trace.emit(
            "nova.flavor", "nova-api", flavor.flavorid, action=f"extra_specs.{action}"
        )
        if changed:  # ``Flavor.save`` notifies only a change
            flavors.notify(self.nova, "update", flavor)
        return Response(200, body)

    def create(self, req: Request) -> Response:
        """``POST /flavors/{flavor_id}/os-extra_specs``: merge ``{"extra_specs": {...}}``."""
        body = _json(req)
        CREATE.validate(body, req)
        self.nova.policy.authorize(req.context, FLAVOR_EXTRA_SPECS % "create", {})
        specs = body["extra_specs"]
        _check_extra_specs_value(req, specs)
        merged = {**self._flavor(req).extra_specs, **{k: str(v) for k, v in specs.items()}}
        return self._write(req, "create", body, merged)

    def update(self, req: Request) -> Response:
        """``PUT /flavors/{flavor_id}/os-extra_specs/{key}``: one ``{key: value}``."""
        body = _json(req)
        UPDATE.validate(body, req)
        self.nova.policy.authorize(req.context, FLAVOR_EXTRA_SPECS % "update", {})
        _check_extra_specs_value(req, body)
        if req.params["key"] not in body:
            raise HttpError(400, "Request body and URI mismatch")
        merged = {**self._flavor(req).extra_specs, **{k: str(v) for k, v in body.items()}}
        return self._write(req, "update", body, merged)

    def delete(self, req: Request) -> Response:
        """``DELETE /flavors/{flavor_id}/os-extra_specs/{key}``: 200, no body."""
        self.nova.policy.authorize(req.context, FLAVOR_EXTRA_SPECS % "delete", {})
        flavor = self._flavor(req)
        key = req.params["key"]
        if key not in flavor.extra_specs:
            raise HttpError(
                404, f"Flavor {req.params['flavor_id']} has no extra specs with key {key}."
            )
        specs = {k: v for k, v in flavor.extra_specs.items() if k != key}
        return self._write(req, "delete", None, specs)


def _json(req: Request) -> Any:
    try:
        return req.json()
    except ValueError:
        raise HttpError(400, "Malformed request body") from None


def _check_extra_specs_value(req: Request, specs: dict[str, Any]) -> None:
    """``_check_extra_specs_value``: a number's text may not pass 255 characters, and from
    2.86 each spec must pass Nova's validator of its name, one spec after the other."""
    validating = req.microversion >= VALIDATION_VERSION
    for name, value in specs.items():
        if isinstance(value, (int, float)):
            value = str(value)
            if len(value) > 255:
                raise HttpError(
                    400, f"extra_specs value has {len(value)} characters, more than 255."
                )
        if validating:
            try:
                extra_spec_validators.validate(name, value)
            except extra_spec_validators.ValidationError as exc:
                raise HttpError(400, str(exc)) from None
