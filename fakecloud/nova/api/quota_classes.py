"""``/os-quota-class-sets/{id}`` (``nova/api/openstack/compute/quota_classes.py``, the same
code 17.0.13-34.0.0 but for the schema and policy notes below): quota classes, admin only.

The ``default`` class is the defaults every project's limits fall back to
(``DbQuotaDriver.get_defaults``): ``PUT /os-quota-class-sets/default`` changes
``/os-quota-sets/{p}/defaults``, ``/limits`` and every quota check of a project without a limit
of its own (`fakecloud.nova.quota`). Another class holds what was set for it, the ``[quota]``
defaults for the rest (``get_class_quotas``); no request context names a class, so nothing
else reads it. ``show`` answers the set with its ``id``, ``update`` without, no usage check.

Per microversion (show and update alike): 2.1-2.49 leave out ``server_groups`` and
``server_group_members`` (bug 1693168), 2.50 drops the nova-network quotas, 2.57 the injected
file ones; the update schema refuses what the answer hides, and below 2.50 takes (and drops)
``networks`` until 33.0.0 removed it. Under ``UnifiedLimitsDriver`` (25.0.0 on) an update
writes nothing; under ``NoopQuotaDriver`` every limit shows -1. Policy: ``...:show`` was
``is_admin:True or quota_class:%(quota_class)s`` before 21.0.0 (admin only in effect),
``...:update`` ``rule:admin_api``; the admin's from 21.0.0. A show's query is strict from 2.102.
"""

from __future__ import annotations

import functools
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova.api import schemas
from fakecloud.nova.api.quota_sets import COMMON_QUOTA, FILTERED_V236, FILTERED_V257, RESOURCES
from fakecloud.nova.api.wsgi import NovaApiService
from fakecloud.nova.policies import QUOTA_CLASS_SETS
from fakecloud.nova.quota import NOOP_DRIVER, class_limits

#: ``EXTENDED_QUOTAS``: not in a 2.1-2.49 answer.
EXTENDED_QUOTAS = frozenset({"server_groups", "server_group_members"})
#: 86df50b489 took ``networks`` out of ``quota_resources`` (and so the 2.1 schema) in 33.0.0.
NETWORKS_KEY_UNTIL = 33
#: 9c8d51fa0c: a show's query refuses unknown parameters from 2.102.
STRICT_QUERY = "2.102"
#: ``utils.check_string_length(id, 'quota_class_name', min_length=1, max_length=255)``.
MAX_NAME = 255


@functools.cache
def _update_validator(removed: frozenset[str], networks: bool) -> schemas.SchemaValidator:
    """``schemas/quota_classes.py`` ``update`` / ``update_v250`` / ``update_v257``: every
    resource but the `removed` ones."""
    props: dict[str, object] = {r: COMMON_QUOTA for r in RESOURCES if r not in removed}
    if networks:
        props["networks"] = COMMON_QUOTA
    quota_class_set = {"type": "object", "properties": props, "additionalProperties": False}
    schema = {
        "type": "object",
        "properties": {"quota_class_set": quota_class_set},
        "required": ["quota_class_set"],
        "additionalProperties": False,
    }
    return schemas.SchemaValidator(schema)


class QuotaClassSetsController:
    """A quota class's limits: show and the admin's update."""

    def __init__(self, nova: Any):
        self.nova = nova

    def show(self, req: Request) -> Response:
        """``GET /os-quota-class-sets/{id}``: the class's limits, with its id."""
        schemas.query_validator(req.microversion < STRICT_QUERY).validate(req.query)
        name = req.params["id"]
        self._authorize(req, "show", name)
        return Response(200, self._format(req, name, self._limits(name)))

    def update(self, req: Request) -> Response:
        """``PUT /os-quota-class-sets/{id}``: the schema, the policy, the name's length, then
        each limit stored (none under unified limits); 200 with the class's limits, no id."""
        body = NovaApiService.body(req)
        networks = (
            req.microversion < "2.50" and self.nova.kernel.switches.series.nova < NETWORKS_KEY_UNTIL
        )
        _update_validator(self._hidden(req) - EXTENDED_QUOTAS, networks).validate(body, req)
        name = req.params["id"]
        self._authorize(req, "update", name)
        if not 1 <= len(name) <= MAX_NAME:
            raise HttpError(400, f"quota_class_name has more than {MAX_NAME} characters.")
        limits = {k: int(v) for k, v in body["quota_class_set"].items() if k != "networks"}
        if limits and self.nova.config.quota_driver != "UnifiedLimitsDriver":
            self.nova.db.quota_class_set(name, limits)
        return Response(200, self._format(req, None, self._limits(name)))

    def _authorize(self, req: Request, action: str, name: str) -> None:
        """Queens' target names the class; 21.0.0 (1476367e09) passes an empty one."""
        policy = self.nova.policy
        target = {"quota_class": name} if policy.legacy else {}
        policy.authorize(req.context, QUOTA_CLASS_SETS % action, target)

    def _limits(self, name: str) -> dict[str, int]:
        """``QUOTAS.get_class_quotas`` of the configured driver."""
        limits = class_limits(self.nova, name)
        if self.nova.config.quota_driver == NOOP_DRIVER:
            return dict.fromkeys(limits, -1)
        return limits

    @staticmethod
    def _hidden(req: Request) -> frozenset[str]:
        """What the microversion leaves out of the answer (and the update schema)."""
        if req.microversion >= "2.57":
            return FILTERED_V257
        if req.microversion >= "2.50":
            return FILTERED_V236
        return EXTENDED_QUOTAS

    @classmethod
    def _format(cls, req: Request, name: str | None, limits: dict[str, int]) -> dict[str, Any]:
        """``_format_quota_set``: the id (none for an update's answer), then the resources."""
        hidden = cls._hidden(req)
        result: dict[str, Any] = {} if name is None else {"id": name}
        result.update((r, limits[r]) for r in RESOURCES if r not in hidden)
        return {"quota_class_set": result}
