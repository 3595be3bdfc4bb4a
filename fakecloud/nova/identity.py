"""``nova/api/openstack/identity.py`` ``verify_project_id`` (17.0.13-34.0.0): before it gives
a project access to a flavor, Nova asks Keystone (``GET /v3/projects/{id}`` with the caller's
token) whether the project exists. A 404 is a 400 ``Project ID X is not a valid project.``;
Keystone's 403 (a caller who may not read that project) and any other answer let the request
on ("default to everything being ok").

Keystone's directory is built from the cloud's configuration and seed
(`fakecloud.identity.models.Directory.seeded`), so until Keystone's admin API writes to it the
projects it holds are read here from the same two, without a link from Nova to Keystone (which
every saved cloud would carry); its first write leaves the cloud's own directory on the kernel
(`fakecloud.identity.keystone.Keystone.writable`).
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import HttpError


def project_exists(kernel: Any, project_id: str) -> bool:
    """Whether the cloud's Keystone has a project with the id `project_id`."""
    from fakecloud.identity.models import Directory

    written = getattr(kernel, "written_directory", None)
    if written is not None:
        return project_id in written.projects
    directory = Directory.seeded(
        kernel.config.identity, kernel.seed, kernel.switches.series.keystone
    )
    return project_id in directory.projects


def verify_project_id(kernel: Any, context: Any, project_id: str) -> None:
    """400 unless Keystone would show `project_id` to `context` or refuse it with a 403 (an
    admin, or a system reader, reads any project; others their own)."""
    reads_any = "admin" in context.roles or (
        context.system_scope == "all" and "reader" in context.roles
    )
    if not reads_any and project_id != context.project_id:
        return  # Keystone's 403: "we don't have enough permission to verify this"
    if not project_exists(kernel, project_id):
        raise HttpError(400, f"Project ID {project_id} is not a valid project.")
