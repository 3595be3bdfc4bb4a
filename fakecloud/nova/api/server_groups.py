"""``/os-server-groups[/{id}]`` (``nova/api/openstack/compute/server_groups.py`` and its
schemas, nova 17.0.13-34.0.0): ``openstack server group create --policy P NAME``, ``server
group list/show/delete``, novaclient's ``server_groups.*``, openstacksdk's
``create_server_group``/``server_groups()``.

Per microversion: 2.13 shows ``project_id`` and ``user_id``; 2.15 adds the soft policies; 2.64
takes and shows one ``policy`` (with ``rules``: ``max_server_per_host``, anti-affinity only)
in place of the ``policies`` list and the always-empty ``metadata``; 2.75 refuses unknown
query parameters of the list, 2.102 of show. The list is the caller's project's (an admin's
``all_projects`` lists every project's), paged by ``limit``/``offset`` (``common.limited``).
A create is counted against the project's ``server_groups`` quota, and the caller's groups
against the caller's own limit if it has one (403 'Quota exceeded, too many server groups.').
Deleting a group with members is allowed: its servers stay.

Policies (``os_compute_api:os-server-groups:*``): before 21.0.0 ``rule:admin_or_owner``
checked against the caller's own project (any project's group can be read and deleted by id,
as the API database is not filtered); from 21.0.0 against the group's project, with
``index:all_projects`` for an admin's ``all_projects``.
"""

from __future__ import annotations

import functools
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.pagination import limited
from fakecloud.api.refusals import QUOTA
from fakecloud.nova import exception, quota, server_groups
from fakecloud.nova.api import schemas
from fakecloud.nova.limit import local as local_limit
from fakecloud.nova.policies import SERVER_GROUPS

#: The releases whose ``policies`` schema has ``minItems``/``maxItems`` 1 (22.0.0, backported
#: to 21.2.0 and 20.5.0; not in 17.0.13, 18.3.0, 19.3.2, 20.0.0-20.4.0, 21.0.0-21.1.0).
_MIN_ITEMS = (((20, 5, 0), (21, 0, 0)), ((21, 2, 0), (99, 0, 0)))
#: 17.0.x stores the list as given (``sg.policies = vals.get('policies')``): ``[]`` makes a
#: group without a policy; 18.0.0 on read ``policies[0]`` (an ``IndexError``, a 500, where the
#: schema lets ``[]`` through).
_POLICY_FIELD_UNTIL = 18


#: Queens' and Rocky's base rule, the default of each ``os-server-groups:*`` rule (17.0.13,
#: 18.3.0 ``nova/policies/server_groups.py``; 19.0.0 defaults each to admin_or_owner).
_BASE_RULE = "os_compute_api:os-server-groups"
_BASE_RULE_UNTIL = 19


def _empty_policies_pass(version: tuple[int, int, int]) -> bool:
    return not any(low <= version < high for low, high in _MIN_ITEMS)


def _create_schema(bucket: str, empty_policies: bool) -> dict[str, Any]:
    """``schemas/server_groups.py``: ``create`` (2.1), ``create_v215``, ``create_v264``."""
    if bucket == "2.64":
        props: dict[str, Any] = {
            "name": schemas.name,
            "policy": {"type": "string", "enum": list(server_groups.POLICIES)},
            "rules": {
                "type": "object",
                "properties": {"max_server_per_host": schemas.positive_integer},
                "additionalProperties": False,
            },
        }
        required = ["name", "policy"]
    else:
        names = list(server_groups.POLICIES[: 2 if bucket == "2.1" else 4])
        policies: dict[str, Any] = {
            "type": "array",
            "prefixItems": [{"type": "string", "enum": names}],
            "uniqueItems": True,
            "items": False,
        }
        if not empty_policies:
            policies.update(minItems=1, maxItems=1)
        props = {"name": schemas.name, "policies": policies}
        required = ["name", "policies"]
    group = {
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {"server_group": group},
        "required": ["server_group"],
        "additionalProperties": False,
    }


@functools.cache
def _create_validator(bucket: str, empty_policies: bool) -> schemas.SchemaValidator:
    return schemas.SchemaValidator(_create_schema(bucket, empty_policies))


def _bucket(version: Any) -> str:
    if version >= "2.64":
        return "2.64"
    return "2.15" if version >= "2.15" else "2.1"


#: The first release whose ``group`` scheduler hint may be a list of uuids as well (33.0.0
#: ``schemas/servers.py`` ``_hints``, fc089c4824; 17.0.13-32.2.1: one uuid string).
_GROUP_LIST_SINCE = 33
#: The first release whose ``cidr`` hint pattern is written without the escaped slash
#: (20.0.0, dc6fc82c14 "hacking: Resolve W605"): the same pattern, but a refusal quotes it.
_CIDR_UNESCAPED_SINCE = 20


@functools.cache
def _hint_validator(lists: bool, cidr_unescaped: bool) -> schemas.SchemaValidator:
    group: dict[str, Any] = schemas.uuid_param
    if lists:
        group = {"oneOf": [{"type": "array", "items": schemas.uuid_param}, schemas.uuid_param]}
    uuid = schemas.uuid_param
    hints = {
        "type": "object",
        "properties": {
            "group": group,
            # the hosts hints of `fakecloud.nova.affinity_filter`, the same in every release
            "different_host": {"oneOf": [uuid, {"type": "array", "items": uuid}]},
            "same_host": {"type": ["string", "array"], "items": uuid},
            # checked only: no filter of fakecloud's reads them (JsonFilter, the cells v1
            # and SimpleCIDRAffinityFilter ones)
            "query": {"type": ["string", "object"]},
            "target_cell": schemas.name,
            "different_cell": {"type": ["string", "array"], "items": {"type": "string"}},
            "build_near_host_ip": schemas.ip_address,
            "cidr": {
                "type": "string",
                "pattern": "^/[0-9a-f.:]+$" if cidr_unescaped else "^\\/[0-9a-f.:]+$",
            },
        },
    }
    return schemas.SchemaValidator(
        {
            "type": "object",
            "properties": {"os:scheduler_hints": hints, "OS-SCH-HNT:scheduler_hints": hints},
        }
    )


def check_group_hint(nova: Any, body: Any, loose_ipv4: bool = False) -> None:
    """The server create schema's scheduler hints (``_hints``: 17.0.13
    ``schemas/scheduler_hints.py``, 34.0.0 ``schemas/servers.py``), else Nova's 400
    ``Invalid input for field/attribute <hint>. ...``: ``group`` a uuid (from 33.0.0 or a
    list of them), ``different_host`` a uuid or a list of them, ``same_host`` a string or a
    list of uuids, ``query`` a string or an object, ``target_cell`` a name,
    ``different_cell`` a string or a list of strings, ``build_near_host_ip`` an IPv4 or IPv6
    address (`loose_ipv4`: jsonschema's ipv4 format before 4.0.0), ``cidr`` ``/`` and hex
    digits, dots or colons; any other hint as it is."""
    major = nova.kernel.switches.release.major
    validator = _hint_validator(major >= _GROUP_LIST_SINCE, major >= _CIDR_UNESCAPED_SINCE)
    validator.validate(body, None, loose_ipv4)


class ServerGroupsController:
    """The caller's project's server groups."""

    def __init__(self, nova: Any, service: Any):
        self.nova = nova
        self.service = service

    def _authorize(self, req: Request, rule: str, project_id: str | None) -> None:
        policy = self.nova.policy
        target = None if policy.legacy else {"project_id": project_id}
        name = SERVER_GROUPS % rule
        if policy.legacy and self.nova.kernel.switches.release.major < _BASE_RULE_UNTIL:
            # 17.x-18.x: each rule defaults to ``rule:os_compute_api:os-server-groups``, so
            # an operator's override of that one decides those not overridden themselves.
            overrides = policy.overrides()
            if _BASE_RULE in overrides and name not in overrides:
                name = _BASE_RULE
        policy.authorize(req.context, name, target)

    def _view(self, req: Request, group: Any, live: set[str] | None = None) -> dict[str, Any]:
        """``_format_server_group``: only the members that are not deleted, in
        `server_groups.live_members`' order."""
        version = req.microversion
        out: dict[str, Any] = {"id": group.uuid, "name": group.name}
        if version >= "2.64":
            out["policy"] = group.policy
            out["rules"] = dict(group.rules)
        else:
            out["policies"] = [group.policy] if group.policy else []
            out["metadata"] = {}
        out["members"] = server_groups.live_members(self.nova, group, live)
        if version >= "2.13":
            out["project_id"] = group.project_id
            out["user_id"] = group.user_id
        return out

    def _get(self, req: Request, rule: str) -> Any:
        legacy = self.nova.policy.legacy
        if legacy:  # 17.0.x-20.x: ``_authorize_context`` before the look-up
            self._authorize(req, rule, None)
        try:
            group = server_groups.get(self.nova, req.params["id"], req.context)
        except server_groups.InstanceGroupNotFound as exc:
            raise HttpError(404, exc.format_message()) from None
        if not legacy:
            self._authorize(req, rule, group.project_id)
        return group

    def _check_server_groups_quota(self, project_id: str, user_id: str) -> None:
        """``check_deltas(server_groups: 1)``: the project's groups, then (a user with a
        limit of its own) the user's."""
        limit = quota.project_limits(self.nova, project_id)["server_groups"]
        over = limit >= 0 and server_groups.count(self.nova, project_id) + 1 > limit
        if not over and "server_groups" in self.nova.db.quota_user(project_id, user_id):
            limit = quota.user_limits(self.nova, project_id, user_id)["server_groups"]
            over = limit >= 0 and server_groups.count(self.nova, project_id, user_id) >= limit
        if over:
            raise HttpError(403, "Quota exceeded, too many server groups.", refusal=QUOTA)

    def create(self, req: Request) -> Response:
        """``POST /os-server-groups``: 200 with the new group."""
        version = req.microversion
        body = self.service.body(req)
        release = self.nova.kernel.switches.release
        empty = _empty_policies_pass(release.version)
        _create_validator(_bucket(version), empty).validate(body, req)
        ctx = req.context
        project_id = ctx.project_id
        self._authorize(req, "create", project_id)
        if quota.legacy_checks(self.nova):
            self._check_server_groups_quota(project_id, ctx.user_id)
        try:
            local_limit.enforce_db_limit(self.nova, local_limit.SERVER_GROUPS, project_id, 1)
        except exception.ServerGroupLimitExceeded as exc:  # the API answers its ``str``
            raise HttpError(403, str(exc), refusal=QUOTA) from None
        vals = body["server_group"]
        rules: dict[str, int] = {}
        if version >= "2.64":
            policy = vals["policy"]
            given = vals.get("rules", {})
            if policy != "anti-affinity" and given:
                raise HttpError(400, "Only anti-affinity policy supports rules.")
            if "max_server_per_host" in given:
                rules["max_server_per_host"] = int(given["max_server_per_host"])
        elif release.major < _POLICY_FIELD_UNTIL:
            policy = (vals["policies"] or [None])[0]
        else:
            policy = vals["policies"][0]
        group = server_groups.create(
            self.nova, project_id, ctx.user_id, vals["name"], policy, rules, version >= "2.64"
        )
        return Response(200, {"server_group": self._view(req, group)})

    def index(self, req: Request) -> Response:
        """``GET /os-server-groups[?all_projects&limit&offset]``."""
        strict = req.microversion >= "2.75"
        schemas.query_validator(
            not strict,
            all_projects="string",
            limit="non_negative_integer",
            offset="non_negative_integer",
        ).validate(req.query)
        ctx = req.context
        self._authorize(req, "index", ctx.project_id)
        if "all_projects" in req.query and ctx.is_admin:
            if not self.nova.policy.legacy:
                self._authorize(req, "index:all_projects", ctx.project_id)
            groups = server_groups.listed(self.nova)
        else:
            groups = server_groups.listed(self.nova, ctx.project_id)
        page = limited(groups, req.arg("offset"), req.arg("limit"), self.nova.config.max_limit)
        db = self.nova.db
        live = {m for g in page for m in g.members if server_groups.shown_member(db, m)}
        return Response(200, {"server_groups": [self._view(req, g, live) for g in page]})

    def show(self, req: Request) -> Response:
        """``GET /os-server-groups/{id}``: 404 'Instance group X could not be found.'"""
        if req.microversion >= "2.102":
            schemas.query_validator(False).validate(req.query)
        group = self._get(req, "show")
        return Response(200, {"server_group": self._view(req, group)})

    def delete(self, req: Request) -> Response:
        """``DELETE /os-server-groups/{id}``: 204; the members stay as they are."""
        group = self._get(req, "delete")
        server_groups.destroy(self.nova, group)
        return Response(204)


def declare(add: Any) -> None:
    """The routes, on `NovaRoutes.add`."""
    c = ServerGroupsController
    add("GET", "/os-server-groups", "server_groups", c.index)
    add("POST", "/os-server-groups", "server_groups", c.create)
    add("GET", "/os-server-groups/{id}", "server_groups", c.show)
    add("DELETE", "/os-server-groups/{id}", "server_groups", c.delete)
