"""``GET /v3/role_assignments``: the role assignments of a directory as Keystone lists them.

Keystone's ``assignment_api.list_role_assignments`` and ``RoleAssignmentsResource._format_entity``
(keystone 27.0.0, the same shape from 13.0.0): a user's and a group's grants on projects,
domains and the system, filtered by actor, scope (a project with its subtree for
``include_subtree``) and role. In ``effective`` mode a group's grant becomes one per member
(``links.membership``) and every role brings the roles it implies (``links.prior_role``), so no
group appears; ``include_names`` adds the names of the user or group, the role and the scope.

    >>> [a["role"]["name"] for a in listing(directory, base, Filters(user_id=demo.id,
    ...                                                               effective=True, names=True))]
    ['member', 'reader']
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from fakecloud.identity import hierarchy


@dataclass(frozen=True)
class Filters:
    """What a listing asks for (each None: any)."""

    user_id: str | None = None
    group_id: str | None = None
    project_ids: frozenset[str] | None = None
    domain_id: str | None = None
    role_id: str | None = None
    system: bool = False
    effective: bool = False
    names: bool = False
    #: ``scope.OS-INHERIT:inherited_to``: True for ``projects`` (OS-INHERIT's grants only),
    #: False for any other value (none of them), None when not given (both).
    inherited: bool | None = None


@dataclass(frozen=True)
class _Entity:
    """One assignment as Keystone's driver returns it: an actor, a target, a role, and what
    it came through (a group, a prior role)."""

    role_id: str
    user_id: str | None = None
    group_id: str | None = None
    project_id: str | None = None
    domain_id: str | None = None
    system: bool = False
    via_group: str | None = None
    prior_role: str | None = None
    #: An OS-INHERIT grant's target (``/domains/<id>`` or ``/projects/<id>``): its link's.
    inherited_from: str | None = None


def _grants(d: Any, f: Filters) -> list[_Entity]:
    """The stored grants the filters' actor and scope keep (a user's own, and in effective
    mode its groups' as its own, and OS-INHERIT's as one per project below its target)."""
    out: list[_Entity] = []
    if f.inherited is not True:
        for a in d.assignments:
            out += _actors(d, f, _Entity(a.role_id, a.user_id, None, a.project_id, a.domain_id,
                                         a.system))  # fmt: skip
        for g in d.group_grants:
            system = g.project_id is None and g.domain_id is None
            out += _actors(d, f, _Entity(g.role_id, None, g.group_id, g.project_id, g.domain_id,
                                         system))  # fmt: skip
    if f.inherited is not False:
        for g in getattr(d, "inherited_grants", ()):
            source = f"/projects/{g.project_id}" if g.project_id else f"/domains/{g.domain_id}"
            e = _Entity(g.role_id, getattr(g, "user_id", None), getattr(g, "group_id", None),
                        g.project_id, g.domain_id, inherited_from=source)  # fmt: skip
            for kept in _actors(d, f, e):
                if not f.effective:
                    out.append(kept)
                    continue
                for project in _below(d, g):  # held on each project below, not on its target
                    out.append(replace(kept, project_id=project.id, domain_id=None))
        if f.inherited is True and not f.effective:
            # the system's grants whatever `inherited` asks, after the others (Keystone's
            # `_list_direct_role_assignments`, 13.0.4 to 30.0.0)
            for a in d.assignments:
                if a.system:
                    out += _actors(d, f, _Entity(a.role_id, a.user_id, system=True))
    return [e for e in out if _in_scope(e, f)]


def _actors(d: Any, f: Filters, e: _Entity) -> list[_Entity]:
    """`e` if the filters' actor keeps it; a group's, in effective mode, one per member."""
    if e.user_id is not None:
        return [] if f.group_id is not None or f.user_id not in (None, e.user_id) else [e]
    if f.group_id is not None and e.group_id != f.group_id:
        return []
    if not f.effective:
        return [e] if f.user_id is None else []
    return [
        replace(e, user_id=user_id, group_id=None, via_group=e.group_id)
        # an OS-INHERIT grant's group may not exist: no members (`expand_group_assignment`)
        for user_id in d.members.get(e.group_id, ())
        if f.user_id is None or user_id == f.user_id
    ]


def _below(d: Any, g: Any) -> list[Any]:
    """The projects an OS-INHERIT grant reaches: its domain's, or its project's subtree."""
    if g.project_id is not None:
        return hierarchy.subtree(d, g.project_id)
    return [p for p in d.projects.values() if p.domain_id == g.domain_id]


def _in_scope(e: _Entity, f: Filters) -> bool:
    if f.system:
        return e.system
    if f.project_ids is not None:
        return e.project_id in f.project_ids
    if f.domain_id is not None:
        return e.domain_id == f.domain_id
    return True


def _implied(d: Any, entities: list[_Entity]) -> list[_Entity]:
    """Each entity, then one per role its role implies, named by the role it came through
    (Keystone's ``add_implied_roles``); a domain-specific role only brings what it implies
    (``_strip_domain_roles``)."""
    out: list[_Entity] = []
    for e in entities:
        prior = d.roles[e.role_id]
        key = d.role_key(prior)
        implied = d.implied([key])
        if implied[:1] == (key,):
            out.append(e)
            implied = implied[1:]
        for name in implied:
            out.append(replace(e, role_id=d.role_of(name).id, prior_role=prior.id))
    return out


def listing(d: Any, base: str, f: Filters) -> list[dict[str, Any]]:
    """The ``role_assignments`` of directory `d` for filters `f`, links under `base`
    (``.../v3``)."""
    entities = _grants(d, f)
    if f.effective:
        entities = _implied(d, entities)
    if f.role_id is not None:
        entities = [e for e in entities if e.role_id == f.role_id]
    return [_formatted(d, base, e, f.names) for e in entities]


def _named(record: Any, domain: Any) -> dict[str, Any]:
    return {"id": record.id, "name": record.name,
            "domain": {"id": domain.id, "name": domain.name}}  # fmt: skip


def _actor(d: Any, record: Any, actor_id: str, names: bool) -> dict[str, Any]:
    """An assignment's user or group; one that does not exist (an OS-INHERIT grant's, 15.0.0
    on) named with empty strings (``_get_names_from_role_assignments``)."""
    if not names:
        return {"id": actor_id}
    if record is None:
        return {"id": actor_id, "name": "", "domain": {"id": "", "name": ""}}
    return _named(record, d.domains[record.domain_id])


def _formatted(d: Any, base: str, e: _Entity, names: bool) -> dict[str, Any]:
    """``_format_entity``: the scope, the actor, the role, and the links."""
    out: dict[str, Any] = {"links": {}}
    if e.project_id is not None:
        project = d.projects[e.project_id]
        scope: dict[str, Any] = {"id": project.id}
        if names:
            scope = _named(project, d.domains[project.domain_id])
        out["scope"] = {"project": scope}
        link = e.inherited_from or f"/projects/{e.project_id}"
    elif e.domain_id is not None:
        domain = d.domains[e.domain_id]
        out["scope"] = {"domain": {"id": domain.id, "name": domain.name} if names else
                        {"id": domain.id}}  # fmt: skip
        link = f"/domains/{e.domain_id}"
    else:
        out["scope"] = {"system": {"all": True}}
        link = "/system"
    if e.user_id is not None:
        out["user"] = _actor(d, d.users.get(e.user_id), e.user_id, names)
        if e.via_group is not None:
            out["links"]["membership"] = f"{base}/groups/{e.via_group}/users/{e.user_id}"
            link += f"/groups/{e.via_group}"
        else:
            link += f"/users/{e.user_id}"
    else:
        out["group"] = _actor(d, d.groups.get(e.group_id), e.group_id, names)
        link += f"/groups/{e.group_id}"
    role = d.roles[e.role_id]
    out["role"] = {"id": role.id, "name": role.name} if names else {"id": role.id}
    role_domain = d.extra_of(role.id).get("domain_id") if names else None
    if role_domain in d.domains:  # a domain-specific role's domain, named (13.0.0-30.0.0)
        out["role"]["domain"] = {"id": role_domain, "name": d.domains[role_domain].name}
    if e.prior_role is not None:
        # keystone names the prior role in the assignment's link, and swaps the two in
        # ``prior_role``'s (``/prior_role/<implied>/implies/<prior>``)
        link += f"/roles/{e.prior_role}"
        out["links"]["prior_role"] = f"{base}/prior_role/{role.id}/implies/{e.prior_role}"
    else:
        link += f"/roles/{role.id}"
    if e.inherited_from is not None:
        out["scope"]["OS-INHERIT:inherited_to"] = "projects"
        link = f"/OS-INHERIT{link}/inherited_to_projects"
    out["links"]["assignment"] = base + link
    return out
