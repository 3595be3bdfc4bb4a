"""Glance's tasks (``glance/domain`` ``Task``, ``db/sqlalchemy/api.py tasks_get_by_image``):
the record an interoperable import (``api_image_import``) or the location API
(``location_import``) leaves behind, and
``GET /v2/images/{id}/tasks`` (Image API 2.12).

A task is born ``pending`` with its input (``image_id``, ``import_req``, ``backend``), moves
to ``processing`` when the import starts, and ends ``success`` (result ``{"image_id"}``) or
``failure`` (the error as its message); a finished task expires ``[task] task_time_to_live``
after it ended and is then no longer listed. Admins see every task, others their project's.
Times are shown as oslo's ``to_primitive`` shows datetimes: ``2026-01-01T00:00:04.000000``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fakecloud.glance.policy import is_admin

#: The task executor's message for a flow's failure it does not name.
INTERNAL_ERROR = "Task failed due to Internal Error"
TASK_STATUSES = ("pending", "processing", "success", "failure")
_TRANSITIONS = {
    "pending": ("processing", "failure"),
    "processing": ("success", "failure"),
    "success": (),
    "failure": (),
}


@dataclass
class Task:
    """One task row with its info (input, result, message)."""

    id: str
    type: str
    owner: str | None
    user_id: str | None
    request_id: str | None
    image_id: str
    input: dict[str, Any]
    created_at: float
    updated_at: float
    status: str = "pending"
    result: dict[str, Any] | None = None
    message: str = ""
    expires_at: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Tasks:
    """The tasks of one Glance."""

    _by_image: dict[str, list[Task]]

    def __init__(self, glance: Any):
        self._glance = glance
        self._kernel = glance.kernel
        self._by_image = {}

    def new_import(self, ctx: Any, image_id: str, body: dict[str, Any]) -> Task:
        """``task_factory.new_task('api_image_import', ...)`` for an import of `image_id`."""
        return self._new(ctx, "api_image_import", image_id, {"import_req": body, "backend": [None]})

    def new_location(
        self, ctx: Any, image_id: str, url: str, validation_data: dict[str, Any]
    ) -> Task:
        """``task_factory.new_task('location_import', ...)`` (``add_location``, glance 29.0.0)
        for a location added to `image_id`."""
        task_input = {"loc_url": url, "validation_data": validation_data}
        return self._new(ctx, "location_import", image_id, task_input)

    def new_task(self, ctx: Any, kind: str, task_input: Any, image_id: Any) -> Task:
        """``task_factory.new_task`` for ``POST /v2/tasks``: the input as given; `image_id`
        (``input.get('image_id')`` from Glance 22.0.0) may be None."""
        task = self._new(ctx, kind, image_id if isinstance(image_id, str) else "", {})
        task.input = task_input
        return task

    def _new(self, ctx: Any, kind: str, image_id: str, task_input: dict[str, Any]) -> Task:
        k = self._kernel
        now = k.now
        task = Task(
            id=k.ids.uuid(),
            type=kind,
            owner=getattr(ctx, "project_id", None),
            user_id=getattr(ctx, "user_id", None),
            request_id=getattr(ctx, "request_id", None) or None,
            image_id=image_id,
            input={"image_id": image_id, **task_input},
            created_at=now,
            updated_at=now,
        )
        self._by_image.setdefault(image_id, []).append(task)
        k.trace.emit("glance.task", "glance", task.id, image_id=image_id, status="pending")
        return task

    def move(self, task: Task, status: str, *, result: Any = None, message: str = "") -> None:
        """Change `task`'s status along Glance's table; a finished task starts to expire."""
        if status not in _TRANSITIONS[task.status]:
            raise AssertionError(f"glance task {task.id}: {task.status} -> {status} is illegal")
        k = self._kernel
        task.status = status
        task.updated_at = k.now
        if status in ("success", "failure"):
            task.result = result
            task.message = message
            task.expires_at = k.now + self._glance.config.task_time_to_live_s
        k.trace.emit("glance.task", "glance", task.id, image_id=task.image_id, status=status)

    def find(self, image_id: str, task_id: str) -> Task | None:
        """Task `task_id` of `image_id`, expired or not (the admin task repo's ``get``)."""
        return next((t for t in self._by_image.get(image_id, ()) if t.id == task_id), None)

    def every(self) -> list[Task]:
        """Every task, expired or not, image by image in order of creation."""
        return [t for tasks in self._by_image.values() for t in tasks]

    def for_image(self, ctx: Any, image_id: str) -> list[Task]:
        """``tasks_get_by_image``: the unexpired tasks of `image_id` that `ctx` may see
        (``_is_task_visible``: Glance's ``context.is_admin``, the operator's
        ``context_is_admin`` where given; with switch ``lp1922928``, Glance 22.0.0-22.0.x, not
        one in progress: no ``expires_at``)."""
        now = self._kernel.now
        ended_only = self._kernel.switches.lp1922928
        admin = is_admin(ctx, self._glance.policy_rules)
        out = []
        for task in self._by_image.get(image_id, ()):
            if task.expires_at is None:
                if ended_only:
                    continue
            elif task.expires_at < now:
                continue
            if admin or task.owner is None or task.owner == ctx.project_id:
                out.append(task)
        return out

    def view(self, task: Task) -> dict[str, Any]:
        """``_task_format`` with its info, serialized as Glance's JSON serializer does."""
        when = self._timestamp
        return {
            "id": task.id,
            "type": task.type,
            "status": task.status,
            "owner": task.owner,
            "expires_at": when(task.expires_at),
            "created_at": when(task.created_at),
            "updated_at": when(task.updated_at),
            "deleted_at": None,
            "deleted": False,
            "image_id": task.image_id,
            "request_id": task.request_id,
            "user_id": task.user_id,
            "input": task.input,
            "result": task.result,
            "message": task.message,
        }

    def _timestamp(self, t: float | None) -> str | None:
        if t is None:
            return None
        return self._kernel.clock.stored_strftime(t, "%Y-%m-%dT%H:%M:%S.%f")  # read back
