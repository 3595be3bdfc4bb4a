"""Keystone's project tags: ``GET|PUT|DELETE /v3/projects/{id}/tags`` and ``GET|HEAD|PUT|DELETE
/v3/projects/{id}/tags/{tag}`` (``keystone/api/projects.py``, ``keystone/resource/core.py``;
served by every Keystone from 13.0.0, Queens, which made them).

A project's tags are stored beside its fields, as ``tags`` of a create or an update are
(`fakecloud.identity.writes.WrittenDirectory.tags_of`), and filter ``GET /v3/projects``
(``?tags=``, ``?tags-any=``, ``?not-tags=``, ``?not-tags-any=``). A tag is 1 to 255 characters
without ``/`` or ``,``, a project holds at most 80, checked by ``lazy_validate`` in its words
(400; from 27.0.0 a ``PUT`` of the whole list is checked first by its body schema, in the new
words). Policy: reading the caller's own project's tags (from 15.0.0), or an admin's; writing them,
an admin or
(from keystone 26.0.0) a manager of the project's domain; from 16.0.0 an immutable project's
tags are not written (403, `resource_options.check_tags_mutable`).

Before 15.0.0 the legacy controller (keystone 13.0.4 and 14.0.0 ``resource/controllers.py``
``ProjectTagV3``) serves them: its ``get_member_from_driver`` is looked up by ``tags_id``, which
no route has, so ``RULE_ADMIN_OR_TARGET_PROJECT``'s ``target.project.id`` is never set and only
an admin reads a project's tags (a member's own project: 403); a tag's ``PUT`` answers
``wrap_header``'s ``Location`` (``full_url`` of the ``projects`` collection, so with
``/projects``) and no ``Content-Type`` (``wsgi.render_response`` of no body).
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.identity import admin_schema, exception, resource_options, sql_text
from fakecloud.identity.admin_api import KeystoneWritesApi
from fakecloud.identity.api import _is_admin, _json, _mapped
from fakecloud.identity.models import Project
from fakecloud.profiles.series import (
    KEYSTONE_BODY_SCHEMA_SINCE,
    KEYSTONE_FLASK_CATALOG_SINCE,
    KEYSTONE_PROJECT_OPTIONS_SINCE,
)

#: ``keystone/resource/schema.py`` ``project_tag_create`` and ``project_tags_update``.
TAG = admin_schema._PROJECT["tags"]["items"]
TAGS = admin_schema._PROJECT["tags"]
#: keystone 27.0.0 ``tags_update_request_body``.
TAGS_BODY = {
    "type": "object",
    "properties": {"tags": {"type": "array", "items": TAG}},
    "additionalProperties": False,
}


class KeystoneTagsApi(KeystoneWritesApi):
    """Keystone's v3 API with the routes of project tags."""

    @classmethod
    def declare_routes(cls, router: Any, variant: Any) -> None:
        """The routes before, then those of project tags."""
        super().declare_routes(router, variant)
        every = "/v3/projects/{project_id}/tags"
        one = every + "/{tag}"
        for method, template, handler in (
            ("GET", every, cls.list_project_tags),
            ("PUT", every, cls.update_project_tags),
            ("DELETE", every, cls.delete_project_tags),
            ("GET", one, cls.check_project_tag),
            ("PUT", one, cls.create_project_tag),
            ("DELETE", one, cls.delete_project_tag),
        ):
            router.add(method, template, _mapped(handler))

    def _tagged(self, req: Request, action: str, read: bool = False) -> Project:
        """The project the path names, once the policy lets the caller on."""
        project_id = req.params["project_id"]
        own = project_id == req.context.project_id and self._release >= KEYSTONE_FLASK_CATALOG_SINCE
        if read and (own or _is_admin(req.context)):
            project = self.directory.projects.get(project_id)
        else:
            project = self._named(req, "project", action)
        if project is None:
            raise exception.ProjectNotFound(project_id=project_id)
        return project

    def _mutable(self, project: Project, verb: str) -> None:
        """From 16.0.0, `resource_options.check_tags_mutable` of `project`'s kept options."""
        if self._release >= KEYSTONE_PROJECT_OPTIONS_SINCE:
            options = self.directory.extra_of(project.id).get("options", {})
            resource_options.check_tags_mutable(options, verb, project.id)

    def _store(self, project: Project, tags: list[str]) -> None:
        self.keystone.writable().put_project(project, {"tags": tags})
        self._traced("project_updated", project.name, project.id)

    def _listed(self, req: Request, tags: list[str]) -> dict[str, Any]:
        return {"links": {"self": f"{req.base_url}{req.path}"}, "tags": tags}

    def list_project_tags(self, req: Request) -> Response:
        """``GET /v3/projects/{id}/tags``: 200 and the tags."""
        project = self._tagged(req, "identity:list_project_tags", read=True)
        return Response(200, self._listed(req, self.directory.tags_of(project.id)))

    def update_project_tags(self, req: Request) -> Response:
        """``PUT /v3/projects/{id}/tags`` ``{"tags": [...]}``: 200 and the tags, all replaced.
        From 27.0.0 the body passes ``tags_update_request_body`` first (before the policy, in
        the new words); the list's own checks (at most 80, no repeat) are ``lazy_validate``'s
        in every release."""
        body = _json(req)
        if self._release >= KEYSTONE_BODY_SCHEMA_SINCE:
            admin_schema.validate(TAGS_BODY, body)
        project = self._tagged(req, "identity:update_project_tags")
        if self._release < KEYSTONE_FLASK_CATALOG_SINCE and "tags" not in body:
            # 13.x-14.x: protected()'s policy, then the controller's call without the list
            # (keystone 14.2.0 resource/controllers.py ProjectTagV3): wsgi's TypeError 400
            raise exception.MissingArgument(method="update_project_tags", name="tags")
        tags = body.get("tags", {})
        admin_schema.lazy_validate(TAGS, tags, self._release)
        self._mutable(project, "update")
        sql_text.check(body, "tags")  # the project_tag rows' names
        tags = [t.strip() for t in tags]
        self._store(project, tags)
        return Response(200, self._listed(req, tags))

    def delete_project_tags(self, req: Request) -> Response:
        """``DELETE /v3/projects/{id}/tags``: 204, no tag left."""
        project = self._tagged(req, "identity:delete_project_tags")
        self._mutable(project, "update")  # update_project_tags(project_id, [])
        self._store(project, [])
        return Response(204)

    def check_project_tag(self, req: Request) -> Response:
        """``GET|HEAD /v3/projects/{id}/tags/{tag}``: 204 if the project has it."""
        project = self._tagged(req, "identity:get_project_tag", read=True)
        if req.params["tag"] not in self.directory.tags_of(project.id):
            raise exception.ProjectTagNotFound(project_tag=req.params["tag"])
        return Response(204)

    def create_project_tag(self, req: Request) -> Response:
        """``PUT /v3/projects/{id}/tags/{tag}``: 201, no body, ``Location`` as Keystone
        builds it (without ``/projects`` from 15.0.0, Flask's ``Content-Type`` then)."""
        project = self._tagged(req, "identity:create_project_tag")
        tag = req.params["tag"]
        admin_schema.lazy_validate(TAG, tag, self._release)
        tags = self.directory.tags_of(project.id)
        admin_schema.lazy_validate(TAGS, [*tags, tag], self._release)
        self._mutable(project, "create")
        self._store(project, [*tags, tag.strip()])
        if self._release < KEYSTONE_FLASK_CATALOG_SINCE:
            return Response(
                201, None, {"Location": f"{req.base_url}/v3/projects/{project.id}/tags/{tag}"}
            )
        location = f"{req.base_url}/v3/{project.id}/tags/{tag}"
        return Response(
            201, b"", {"Location": location, "Content-Type": "text/html; charset=utf-8"}
        )

    def delete_project_tag(self, req: Request) -> Response:
        """``DELETE /v3/projects/{id}/tags/{tag}``: 204, or a 404 for a tag it lacks."""
        project = self._tagged(req, "identity:delete_project_tag")
        self._mutable(project, "delete")  # before the tag's 404
        tags = self.directory.tags_of(project.id)
        if req.params["tag"] not in tags:
            raise exception.ProjectTagNotFound(project_tag=req.params["tag"])
        tags.remove(req.params["tag"])
        self._store(project, tags)
        return Response(204)
