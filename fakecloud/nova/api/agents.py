"""``/os-agents[/{id}]`` before 23.0.0 (``nova/api/openstack/compute/agents.py``, the same code
17.0.13-22.x but for the query and policy notes below): the XenAPI guest agent builds, an admin
API over the ``agent_builds`` table. From 23.0.0 the routes are 410 (`removed`).

``GET`` lists the builds (``hypervisor`` filters, an empty one does not), ``POST`` creates one
(200, 409 ``AgentBuildExists`` for a live row of the same hypervisor, os and architecture),
``PUT {"para": ...}`` changes a build's version, url and md5hash (200, ``agent_id`` the URL's
string), ``DELETE`` soft-deletes it (200, no body); a non-integer id is 400, a missing or deleted
one 404 (``nova/db/sqlalchemy/api.py`` ``agent_build_*``). The body schemas run before the
policy, the id check after. The list's query is strict from 2.75 (20.0.0). Policy: one rule
``os_compute_api:os-agents`` (``rule:admin_api``) before 21.0.0, then ``...:list/create/update/
delete`` with it as their deprecated rule.
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova.api import schemas
from fakecloud.nova.api.wsgi import NovaApiService
from fakecloud.nova.policies import AGENTS

#: The first release whose controller answers 410 (``removed.GROUPS``).
REMOVED_SINCE = 23
#: ``index_query_275``: the list refuses unknown query parameters from 2.75.
STRICT_QUERY = "2.75"

_TOKEN = {"type": "string", "minLength": 0, "maxLength": 255, "pattern": "^[a-zA-Z0-9-._ ]*$"}
_URL = {"type": "string", "minLength": 0, "maxLength": 255, "format": "uri"}
_MD5 = {"type": "string", "minLength": 0, "maxLength": 255, "pattern": "^[a-fA-F0-9]*$"}
_CREATE_KEYS = ("hypervisor", "os", "architecture", "version", "url", "md5hash")
_UPDATE_KEYS = ("version", "url", "md5hash")


def _body_schema(key: str, fields: tuple[str, ...]) -> dict[str, Any]:
    """``schemas/agents.py`` ``create`` (``agent``) and ``update`` (``para``)."""
    props = {f: _URL if f == "url" else _MD5 if f == "md5hash" else _TOKEN for f in fields}
    inner = {
        "type": "object",
        "properties": props,
        "required": list(fields),
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {key: inner},
        "required": [key],
        "additionalProperties": False,
    }


CREATE = schemas.SchemaValidator(_body_schema("agent", _CREATE_KEYS))
UPDATE = schemas.SchemaValidator(_body_schema("para", _UPDATE_KEYS))


class AgentController:
    """The agent builds: list, create, update, delete."""

    def __init__(self, nova: Any):
        self.nova = nova

    def _authorize(self, req: Request, action: str) -> None:
        # 21.0.0 split the rule and passes an empty target; before, the caller's project.
        policy = self.nova.policy
        policy.authorize(req.context, AGENTS % action, None if policy.legacy else {})

    @staticmethod
    def _check_id(req: Request) -> int:
        """``utils.validate_integer(id, 'id')``."""
        try:
            return int(str(req.params["id"]))
        except ValueError:
            raise HttpError(400, "Invalid input received: id must be an integer") from None

    def index(self, req: Request) -> Response:
        """``GET /os-agents``: every live build, or those of the ``hypervisor`` given."""
        strict = req.microversion >= STRICT_QUERY
        schemas.query_validator(not strict, hypervisor="string").validate(req.query)
        self._authorize(req, "list")
        values = req.query.get("hypervisor") or [""]
        hypervisor = values[-1]
        rows = self.nova.db.agent_build_get_all(hypervisor or None)
        agents = [
            {
                "hypervisor": row["hypervisor"],
                "os": row["os"],
                "architecture": row["architecture"],
                "version": row["version"],
                "md5hash": row["md5hash"],
                "agent_id": row["id"],
                "url": row["url"],
            }
            for row in rows
        ]
        return Response(200, {"agents": agents})

    def create(self, req: Request) -> Response:
        """``POST /os-agents``: the new build with its ``agent_id`` (200; 409 if it exists)."""
        body = NovaApiService.body(req)
        CREATE.validate(body, req)
        self._authorize(req, "create")
        agent = body["agent"]
        values = {k: agent[k] for k in _CREATE_KEYS}
        ident = self.nova.db.agent_build_create(values)
        if ident is None:
            raise HttpError(
                409,
                f"Agent-build with hypervisor {agent['hypervisor']} os {agent['os']} "
                f"architecture {agent['architecture']} exists.",
            )
        agent["agent_id"] = ident
        return Response(200, {"agent": agent})

    def update(self, req: Request) -> Response:
        """``PUT /os-agents/{id}``: version, url and md5hash written (404 if no live row)."""
        body = NovaApiService.body(req)
        UPDATE.validate(body, req)
        self._authorize(req, "update")
        para = body["para"]
        ident = self._check_id(req)
        values = {k: para[k] for k in _UPDATE_KEYS}
        if not self.nova.db.agent_build_update(ident, values):
            raise HttpError(404, f"No agent-build associated with id {ident}.")
        answer = {"agent_id": req.params["id"], **values}
        return Response(200, {"agent": answer})

    def delete(self, req: Request) -> Response:
        """``DELETE /os-agents/{id}``: soft-deleted, 200 with no body (404 if no live row)."""
        self._authorize(req, "delete")
        ident = self._check_id(req)
        if not self.nova.db.agent_build_destroy(ident):
            raise HttpError(404, f"No agent-build associated with id {ident}.")
        return Response(200)
