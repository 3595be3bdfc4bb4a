"""``/os-quota-sets`` (``nova/api/openstack/compute/quota_sets.py``): a project's quotas, read.

``GET /os-quota-sets/{tenant_id}`` (``openstack quota show --compute``), ``.../detail`` (each
quota's ``limit``, ``in_use`` and ``reserved``: 0 since Nova counts rather than reserves, -1
under the Noop driver) and ``.../defaults``. Every resource Nova's ``QUOTAS`` engine knows is
listed, sorted, less the ones a microversion filters (2.36 the nova-network proxies, 2.57 the
personality files). The limits are the ones ``GET /limits`` reports; ``in_use`` counts the
project's servers, cores, RAM and server groups (the other resources count 0).

``PUT /os-quota-sets/{tenant_id}`` (admin; ``openstack quota set --compute``, novaclient's
``quotas.update``) sets the project's own limits (`fakecloud.nova.quota`), which every quota
check then reads; ``DELETE`` (admin) puts the project back at the defaults. With ``?user_id=``
each verb is the user's (``DbQuotaDriver``'s per-user quotas): a user's limits lie over the
project's, a user's limit must fit what the project has not given its other users, and a
project's must stay at or above the sum of its users' (``get_settable_quotas``); the
nova-network ones (``fixed_ips``, ``floating_ips``) stay per project even when a user is named.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova import identity
from fakecloud.nova.api import schemas
from fakecloud.nova.api.wsgi import NovaApiService
from fakecloud.nova.policies import QUOTA_SETS
from fakecloud.nova.quota import NOOP_DRIVER, project_quotas, settable_quotas, user_quotas

#: ``parameter_types`` ``_common_quota``: an integer (or its digits) from -1 to MAX_INT.
COMMON_QUOTA = {
    "type": ["integer", "string"],
    "pattern": "^-?[0-9]+$",
    "minimum": -1,
    "maximum": 0x7FFFFFFF,
}
#: The ``networks`` quota (nova-network's) left the update schema in 20.0.0 (Train).
NETWORKS_QUOTA_UNTIL = 20
#: From 2.75 the query of a read or a write refuses unknown parameters.
STRICT_QUERY_VERSION = "2.75"

#: ``PER_PROJECT_QUOTAS``: stored for the project even when a user is named.
PER_PROJECT = frozenset({"fixed_ips", "floating_ips", "networks"})

#: ``quota.QUOTAS.resources``: the engine's resources, sorted.
RESOURCES = (
    "cores",
    "fixed_ips",
    "floating_ips",
    "injected_file_content_bytes",
    "injected_file_path_bytes",
    "injected_files",
    "instances",
    "key_pairs",
    "metadata_items",
    "ram",
    "security_group_rules",
    "security_groups",
    "server_group_members",
    "server_groups",
)
#: ``FILTERED_QUOTAS_v236`` and ``FILTERED_QUOTAS_v257``.
FILTERED_V236 = frozenset({"fixed_ips", "floating_ips", "security_group_rules", "security_groups"})
FILTERED_V257 = FILTERED_V236 | {
    "injected_files",
    "injected_file_content_bytes",
    "injected_file_path_bytes",
}


@functools.cache
def _update_validator(filtered: frozenset[str], networks: bool) -> schemas.SchemaValidator:
    """``schemas/quota_sets.py`` ``update`` (``update_v236``, ``update_v257``): the resources
    less the ones the microversion filters, ``force``, and before Train ``networks`` below
    2.36."""
    props: dict[str, object] = {r: COMMON_QUOTA for r in RESOURCES if r not in filtered}
    if networks:
        props["networks"] = COMMON_QUOTA
    props["force"] = schemas.boolean
    schema = {
        "type": "object",
        "properties": {
            "quota_set": {
                "type": "object",
                "properties": copy.deepcopy(props),
                "additionalProperties": False,
            }
        },
        "required": ["quota_set"],
        "additionalProperties": False,
    }
    return schemas.SchemaValidator(schema)


def _bool_from_string(value: object) -> bool:
    """``strutils.bool_from_string`` of what the schema's boolean lets through."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "t", "true", "on", "y", "yes")


def _validate_quota_limit(resource: str, limit: int, minimum: int, maximum: int) -> None:
    """``QuotaSetsController._validate_quota_limit``: 400 unless `minimum` <= `limit` <=
    `maximum`, -1 standing for infinity on each side."""

    def inf(value: int) -> float:
        return float("inf") if value == -1 else value

    if inf(limit) < inf(minimum):
        raise HttpError(
            400,
            f"Quota limit {limit} for {resource} must be greater than or equal to already "
            f"used and reserved {minimum}.",
        )
    if inf(limit) > inf(maximum):
        raise HttpError(
            400,
            f"Quota limit {limit} for {resource} must be less than or equal to {maximum}.",
        )


class QuotaSetsController:
    """A project's compute quotas: show, detail, defaults, and the admin's update and delete."""

    def __init__(self, nova: Any):
        self.nova = nova

    def show(self, req: Request) -> Response:
        """``GET /os-quota-sets/{tenant_id}``: each quota's limit, and the project id."""
        self._check_query(req)
        project_id = self._authorize(req, "show")
        limits = {name: limit for name, (limit, _used) in self._quotas(req, project_id).items()}
        return Response(200, self._format(req, project_id, limits))

    def detail(self, req: Request) -> Response:
        """``GET /os-quota-sets/{tenant_id}/detail``: limit, in_use and reserved of each."""
        self._check_query(req)
        project_id = self._authorize(req, "detail")
        # ``QUOTAS.get_reserved``: -1 under the Noop driver ("Noop has always returned -1")
        reserved = -1 if self.nova.config.quota_driver == NOOP_DRIVER else 0
        quotas = {
            name: {"in_use": used, "limit": limit, "reserved": reserved}
            for name, (limit, used) in self._quotas(req, project_id).items()
        }
        return Response(200, self._format(req, project_id, quotas))

    def defaults(self, req: Request) -> Response:
        """``GET /os-quota-sets/{tenant_id}/defaults``: the configured defaults."""
        project_id = self._authorize(req, "defaults")
        limits = {name: limit for name, (limit, _used) in project_quotas(self.nova, None).items()}
        return Response(200, self._format(req, project_id, limits))

    def update(self, req: Request) -> Response:
        """``PUT /os-quota-sets/{tenant_id}``: the schema, the admin policy, then each limit
        checked against what the project uses (``_validate_quota_limit``: 400 below it, unless
        ``force``; -1 is unlimited) before any is stored; 200 with the limits, no ``id``."""
        body = NovaApiService.body(req)
        filtered = self._filtered(req)
        networks = not filtered and self.nova.kernel.switches.series.nova < NETWORKS_QUOTA_UNTIL
        _update_validator(filtered, networks).validate(body, req)
        self._check_query(req)
        project_id = self._authorize(req, "update")
        user_id = req.arg("user_id")
        quota_set = body["quota_set"]
        if "networks" in quota_set:
            # Queens: ``CONF.enable_network_quota`` (deprecated, off) gates nova-network's.
            raise HttpError(400, "The networks quota is disabled")
        force = _bool_from_string(quota_set.get("force", "False"))
        settable = settable_quotas(self.nova, project_id, user_id)
        unified = self.nova.config.quota_driver == "UnifiedLimitsDriver"
        valid: dict[str, int] = {}
        for key, value in () if unified else quota_set.items():
            if key == "force" or (not value and value != 0):
                continue
            limit = int(value)
            if not force:
                _validate_quota_limit(key, limit, *settable[key])
            valid[key] = limit
        db = self.nova.db
        if user_id:
            own = {k: v for k, v in valid.items() if k not in PER_PROJECT}
            if own:
                db.quota_user_set(project_id, user_id, own)
            valid = {k: v for k, v in valid.items() if k in PER_PROJECT}
        if valid:
            db.quota_set(project_id, valid)
        limits = {name: limit for name, (limit, _used) in self._quotas(req, project_id).items()}
        return Response(200, self._format(req, None, limits))

    def delete(self, req: Request) -> Response:
        """``DELETE /os-quota-sets/{tenant_id}``: the project's own limits dropped (back to
        the defaults); 202, no body."""
        self._check_query(req)
        project_id = self._authorize(req, "delete")
        user_id = req.arg("user_id")
        if self.nova.config.quota_driver == "UnifiedLimitsDriver":
            pass
        elif user_id:
            self.nova.db.quota_destroy_all_by_project_and_user(project_id, user_id)
        else:
            self.nova.db.quota_destroy_all_by_project(project_id)
        return Response(202)

    @staticmethod
    def _check_query(req: Request) -> None:
        """``show_query``, ``detail_query``, ``update_query``, ``delete_query`` (``_show``'s and
        ``_detail``'s before 30.0.0, every release from 2.75): ``user_id``; others refused from
        2.75, before anything else is read."""
        strict = req.microversion >= STRICT_QUERY_VERSION
        schemas.query_validator(not strict, user_id="string").validate(req.query)

    def _authorize(self, req: Request, action: str) -> str:
        """The policy on the URL's project, then (not for a delete) Keystone's word that it
        exists (``identity.verify_project_id``, nova 17.0.13-34.0.0)."""
        project_id = req.params["tenant_id"]
        self.nova.policy.authorize(req.context, QUOTA_SETS % action, {"project_id": project_id})
        if action != "delete":
            identity.verify_project_id(self.nova.kernel, req.context, project_id)
        return project_id

    def _quotas(self, req: Request, project_id: str) -> dict[str, tuple[int, int]]:
        """``_get_quotas``: (limit, in use) per resource, the query's user's if it names one
        (`user_quotas`), else the project's."""
        user_id = req.arg("user_id")
        if user_id:
            return user_quotas(self.nova, project_id, user_id)
        return project_quotas(self.nova, project_id)

    @staticmethod
    def _filtered(req: Request) -> frozenset[str]:
        """``_get_filtered_quotas``: the resources the request's microversion hides."""
        if req.microversion >= "2.57":
            return FILTERED_V257
        if req.microversion >= "2.36":
            return FILTERED_V236
        return frozenset()

    @classmethod
    def _format(
        cls, req: Request, project_id: str | None, values: dict[str, Any]
    ) -> dict[str, Any]:
        """``_format_quota_set``: the id (none for an update's answer), then the resources in
        the engine's order."""
        filtered = cls._filtered(req)
        result: dict[str, Any] = {} if project_id is None else {"id": project_id}
        for name in RESOURCES:
            if name not in filtered:
                result[name] = values[name]
        return {"quota_set": result}
