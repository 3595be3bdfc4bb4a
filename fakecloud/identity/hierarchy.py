"""The project hierarchy's rules, as Keystone's resource manager keeps them.

A project made with a ``parent_id`` naming another project sits under it (its domain is its
parent's); a root project's parent is its domain, which Keystone stores as a project acting as
a domain, so a root project's parents are its domain. ``keystone/resource/core.py``
(``_enforce_project_constraints``, ``_assert_max_hierarchy_depth``, ``_update_project``,
``_delete_project``, ``get_project_parents_as_ids``, ``get_projects_in_subtree_as_ids``; the
same words from keystone 13.0.0 to 27.0.0): a parent in another domain or disabled is a 400,
deeper than ``identity.max_project_tree_depth`` projects a 403, and a project is deleted or
disabled only with no child (no enabled one) under it, a 403.
"""

from __future__ import annotations

from typing import Any

from fakecloud.identity import exception


def parents(d: Any, project: Any) -> list[Any]:
    """`project`'s parent projects, nearest first, and then its domain (Keystone's
    ``list_project_parents``: the domain is a project too)."""
    out = []
    parent_id = d.parent_of(project)
    while parent_id in d.projects:
        parent = d.projects[parent_id]
        out.append(parent)
        parent_id = d.parent_of(parent)
    out.append(d.domains[project.domain_id])
    return out


def subtree(d: Any, project_id: str) -> list[Any]:
    """The projects under project `project_id`, level by level."""
    out: list[Any] = []
    level = d.children_of(project_id)
    while level:
        out.extend(level)
        level = [c for p in level for c in d.children_of(p.id)]
    return out


def check_parent(d: Any, parent_id: str, domain_id: str, max_depth: int) -> Any:
    """The project `parent_id` a new project of domain `domain_id` is made under, once
    Keystone's constraints let it: the parent in the same domain, its branch enabled, the new
    project no deeper than `max_depth` projects."""
    parent = d.projects.get(parent_id)
    if parent is None:
        if parent_id in d.domains:
            raise exception.ValidationError(
                f"Cannot create project, the parent ({parent_id}) is acting as a domain, but "
                f"this project's domain id ({domain_id}) does not match the parent's id."
            )
        raise exception.ValidationError(f"Could not find project: {parent_id}.")
    if parent.domain_id != domain_id:
        raise exception.ValidationError(
            f"Cannot create project, since it specifies its domain_id {domain_id}, but "
            f"specifies a parent in a different domain ({parent.domain_id})."
        )
    branch = [*parents(d, parent), parent]
    for ref in branch:
        if not ref.enabled:
            raise exception.ValidationError(
                f"cannot create a project in a branch containing a disabled project: {ref.id}"
            )
    # keystone counts the domain as a level and allows one more for it
    if len(branch) + 1 > max_depth + 1:
        raise exception.Forbidden(f"Max hierarchy depth reached for {parent_id} branch.")
    return parent


def check_enabled_change(d: Any, project: Any, enabled: bool) -> None:
    """Keystone's refusals of enabling a project under a disabled one, and of disabling one
    whose subtree holds an enabled project."""
    if enabled and not project.enabled and any(not p.enabled for p in parents(d, project)):
        raise exception.Forbidden(
            f"Cannot enable project {project.id} since it has disabled parents"
        )
    if project.enabled and not enabled and any(p.enabled for p in subtree(d, project.id)):
        raise exception.Forbidden(
            f"Cannot disable project {project.id} since its subtree contains enabled projects."
        )


def check_leaf(d: Any, project_id: str) -> None:
    """Keystone's refusal to delete a project with children (without ``cascade``, which the
    API never asks)."""
    if d.children_of(project_id):
        raise exception.Forbidden(
            f"Cannot delete the project {project_id} since it is not a leaf in the hierarchy. "
            "Use the cascade option if you want to delete a whole subtree."
        )


def parents_as_ids(d: Any, project: Any) -> dict[str, Any] | None:
    """``get_project_parents_as_ids``: ``{parent: {grandparent: ... {domain: None}}}``."""
    out: dict[str, Any] | None = None
    for ref in reversed(parents(d, project)):
        out = {ref.id: out}
    return out


def subtree_as_ids(d: Any, project_id: str) -> dict[str, Any] | None:
    """``get_projects_in_subtree_as_ids``: ``{child: {grandchild: None}, ...}``, None for a
    leaf."""
    children = d.children_of(project_id)
    if not children:
        return None
    return {c.id: subtree_as_ids(d, c.id) for c in children}
