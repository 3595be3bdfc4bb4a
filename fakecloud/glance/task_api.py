"""Glance's tasks API, ``GET /v2/tasks`` and ``GET``/``DELETE /v2/tasks/{task_id}``
(glance/api/v2/tasks.py, 16.0.0-33.x; deprecated since 14.0.0 but served): the tasks an import
or the location API left behind (`fakecloud.glance.tasks`), for admins.

Every call first asks ``tasks_api_access`` (``role:admin`` in every release): before 23.0.0
a bare WebOb 403, from it ``TasksAPIPolicy``'s "You are not authorized to complete
tasks_api_access action.". The list reads ``limit``, ``marker``, ``sort_dir``, ``sort_key``
(default ``created_at``, ``desc``) and any other parameter as a filter (``status`` one of the
four, ``type`` only ``import``; unknown names ignored); it shows the stub view, the task
itself the full one (``image_id``, ``request_id``, ``user_id`` from 22.0.0's columns). A list
soft-deletes the caller's project's expired tasks first (``_task_soft_delete``), so they are
listed no more; an admin still reads them by id (``can_see_deleted``). ``POST /v2/tasks`` (the
legacy ``import`` task) is `fakecloud.glance.legacy_import`'s.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from oslo_utils import uuidutils

from fakecloud.glance.errors import HTTPBadRequest, HTTPForbidden, HTTPNotFound, policy_forbidden
from fakecloud.glance.listing import pop_first, validated_limit
from fakecloud.glance.policy import API_POLICY_SINCE, is_admin, out_of_scope, roles_of
from fakecloud.glance.tasks import TASK_STATUSES, Task
from fakecloud.glance.views import isotime, stored_isotime
from fakecloud.sim.clock import stored_time

#: The first Glance whose tasks table has ``image_id``, ``request_id`` and ``user_id``
#: (22.0.0, Wallaby: ``_format_task`` shows them when set; the columns are sort keys).
TASK_COLUMNS_SINCE = 22
_COLUMNS = ("id", "type", "status", "owner", "expires_at", "created_at", "updated_at")
_COLUMNS += ("deleted_at", "deleted")
_LATER_COLUMNS = ("image_id", "request_id", "user_id")

#: ``DELETE /v2/tasks/{id}``'s 405 (``body_template='${explanation}'``: the text alone).
DELETE_REFUSAL = (
    "This operation is currently not permitted on Glance Tasks. They are auto deleted after "
    "reaching the time based on their expires_at property."
)


def enforce_access(glance: Any, ctx: Any) -> None:
    """``_enforce_access_policy``: ``tasks_api_access`` (``role:admin``, from 27.0.0
    ``rule:context_is_admin``) on ``{}`` in every release: 16-22 ``policy_engine.enforce(
    context, 'tasks_api_access', {})``, 23.0.0-33.0.0 ``TasksAPIPolicy(context)``, whose
    target defaults to ``{}`` (api/v2/policy.py ``APIPolicyBase``: ``target or {}``); an
    operator's rule in oslo.policy (`fakecloud.glance.policy_file`). Its scope_types are
    ``['project']`` from 25.0.0: where scope is enforced a system-scoped token fails it
    whatever the rule says (oslo.policy's ``InvalidScope``, which Glance's ``Enforcer.enforce``
    raises as ``Forbidden``: the same 403)."""
    allowed = "admin" in roles_of(ctx)
    rules = glance.policy_rules
    if rules is not None and ctx is not None:  # the scope checked there (`GlanceRules.allows`)
        found = rules.allows(ctx, "tasks_api_access", {})
        allowed = allowed if found is None else found
    elif out_of_scope(ctx, glance.scope_enforced):
        allowed = False
    if allowed:
        return
    if glance.kernel.switches.series.glance >= API_POLICY_SINCE:
        raise policy_forbidden("tasks_api_access")
    raise HTTPForbidden()


def proxy_allows(glance: Any, ctx: Any, rule: str) -> bool:
    """Whether Glance 16-22's task repositories with the operator's rules let `ctx` through:
    the policy proxy's `rule` (``get_task``, ``get_tasks``, ``add_task``, ``modify_task``) on
    ``{}`` at the repository (glance 16.0.1-22.1.1 api/policy.py ``TaskRepoProxy``,
    ``TaskStubRepoProxy.list``); True where no proxy asks: 23.0.0-24.x read the repositories
    without the proxies (``authorization_layer=False``), 25.0.0 removed them."""
    rules = glance.policy_rules
    if rules is None or ctx is None or rules.major >= API_POLICY_SINCE:
        return True
    return rules.allows(ctx, rule, {}) is not False


def proxy_rule(glance: Any, ctx: Any, rule: str) -> None:
    """`proxy_allows` at a request: a refusal is ``exception.Forbidden``, a 403 naming it."""
    if not proxy_allows(glance, ctx, rule):
        raise policy_forbidden(rule)


def begin_processing(glance: Any, ctx: Any, task: Task) -> bool:
    """The task executor's ``begin_processing`` (16.0.1-33.0.0 async_/__init__.py): the task
    read and saved ``processing`` through the caller's task repository, which in Glance 16-22
    asks ``get_task`` and ``modify_task`` with the operator's rules (`proxy_allows`). A
    refusal is ``exception.Forbidden`` outside every ``try`` of ``Task.run``: the task stays
    ``pending``, nothing else runs (False, traced)."""
    for rule in ("get_task", "modify_task"):
        if not proxy_allows(glance, ctx, rule):
            glance.kernel.trace.emit("glance.task.stuck", "glance", task.id, error=rule)
            return False
    glance.tasks.move(task, "processing")
    return True


def _sees(glance: Any, ctx: Any, task: Task) -> bool:
    """``_is_task_visible`` (16.0.1-33.0.0 db/sqlalchemy/api.py): Glance's ``context.is_admin``
    (the operator's ``context_is_admin`` where given, `is_admin`), a task of no owner, or one
    of the caller's project."""
    return (
        is_admin(ctx, glance.policy_rules)
        or task.owner is None
        or (ctx.project_id is not None and task.owner == ctx.project_id)
    )


def show(glance: Any, ctx: Any, task_id: str) -> dict[str, Any]:
    """``TasksController.get``: the task's full view, or 404 (``TaskRepo.get`` words the
    database's ``TaskNotFound`` as "Could not find task X"; a list's marker is not rewritten;
    a soft-deleted task is shown to Glance's admins alone, ``can_see_deleted``), or the
    database's Forbidden for another project's task (`_sees`: 403 "Forbidding request, task
    X is not visible", ``_task_get``)."""
    enforce_access(glance, ctx)
    proxy_rule(glance, ctx, "get_task")
    task = _find(glance, task_id)
    if task is None or ("deleted_at" in task.extra and not is_admin(ctx, glance.policy_rules)):
        raise HTTPNotFound(explanation=f"Could not find task {task_id}")
    if not _sees(glance, ctx, task):
        raise HTTPForbidden(explanation=f"Forbidding request, task {task_id} is not visible")
    return full_view(glance, task)


def index(glance: Any, ctx: Any, query: dict[str, list[str]]) -> dict[str, Any]:
    """``RequestDeserializer.index`` then ``TasksController.index`` and the serializer."""
    enforce_access(glance, ctx)
    proxy_rule(glance, ctx, "get_tasks")
    params = {k: list(v) for k, v in query.items()}
    limit_text = pop_first(params, "limit")
    marker = pop_first(params, "marker")
    sort_dir = _or(pop_first(params, "sort_dir"), "desc")
    sort_key = _or(pop_first(params, "sort_key"), "created_at")
    if sort_dir not in ("asc", "desc"):
        raise HTTPBadRequest(explanation=f"Invalid sort direction: {sort_dir}")
    # a MultiDict: its ``get`` (what is checked) is a name's last value, while the database
    # filters on every value of it; ``deleted`` is the controller's own (False)
    params.pop("deleted", None)
    filters = {k: v[-1] for k, v in params.items() if v}
    status, kind = filters.get("status"), filters.get("type")
    if status and status not in TASK_STATUSES:
        raise HTTPBadRequest(explanation=f"Invalid status value: {status}")
    if kind and kind != "import":
        raise HTTPBadRequest(explanation=f"Invalid type value: {kind}")
    if marker and not uuidutils.is_uuid_like(marker):
        raise HTTPBadRequest(explanation="Invalid marker format")
    limit = glance.config.limit_param_default
    if limit_text is not None:
        limit = validated_limit(limit_text)
    limit = min(glance.config.api_limit_max, limit)
    tasks = _listed(glance, ctx, params, marker, sort_key, sort_dir, limit)
    shown = {k: v[-1] for k, v in query.items()}
    shown.pop("marker", None)
    body: dict[str, Any] = {
        "tasks": [_stub_view(glance, t) for t in tasks],
        "first": "/v2/tasks" + (f"?{urlencode(shown)}" if shown else ""),
        "schema": "/v2/schemas/tasks",
    }
    if tasks and len(tasks) == limit:
        body["next"] = "/v2/tasks?" + urlencode({**shown, "marker": tasks[-1].id})
    return body


def _listed(
    glance: Any,
    ctx: Any,
    filters: dict[str, list[str]],
    marker: str | None,
    sort_key: str,
    sort_dir: str,
    limit: int,
) -> list[Task]:
    """``_task_get_all``: soft-delete, filter (the caller's project's tasks unless it is
    Glance's admin, `is_admin`), order by (`sort_key`, created_at, id), page."""
    now = glance.kernel.now
    every = _all(glance)
    for task in every:  # _task_soft_delete: the caller's project's expired tasks
        expired = task.expires_at is not None and task.expires_at <= now
        if expired and task.owner == ctx.project_id and "deleted_at" not in task.extra:
            task.extra["deleted_at"] = now
    admin = is_admin(ctx, glance.policy_rules)
    columns = _columns(glance)
    keys = [sort_key] if sort_key not in ("created_at", "id") else []
    keys += ["created_at", "id"]
    if any(k not in columns for k in keys):
        raise HTTPBadRequest(explanation="Sort key supplied was not valid.")
    rows = [t for t in every if "deleted_at" not in t.extra]
    if not admin and ctx.project_id is not None:
        rows = [t for t in rows if t.owner == ctx.project_id]
    for name, values in filters.items():
        if name in columns:
            for value in values:
                rows = [t for t in rows if _text(_column(glance, t, name)) == value]
    start = None
    if marker is not None:
        found = _find(glance, marker)
        if found is not None and "deleted_at" in found.extra and not admin:
            found = None  # an admin's marker may be a soft-deleted task (can_see_deleted)
        if found is None:
            raise HTTPBadRequest(explanation=f"Task with the given id {marker} was not found")
        if not _sees(glance, ctx, found):  # _task_get's Forbidden, the index's 403
            raise HTTPForbidden(explanation=f"Forbidding request, task {marker} is not visible")
        start = _order(glance, found, keys)
    rows.sort(key=lambda t: _order(glance, t, keys), reverse=sort_dir == "desc")
    if start is not None:
        after = (lambda o: o < start) if sort_dir == "desc" else (lambda o: o > start)
        rows = [t for t in rows if after(_order(glance, t, keys))]
    return rows[:limit]


def _order(glance: Any, task: Task, keys: list[str]) -> tuple[Any, ...]:
    # MySQL orders NULL before any value, and keeps a DateTime column's whole second: tasks
    # made within one tie on created_at, and the id orders them.
    out: list[Any] = []
    wall_time = glance.kernel.clock.wall_time
    for key in keys:
        value = _column(glance, task, key)
        if value is not None and key in _TIME_COLUMNS:
            value = stored_time(wall_time(value))
        out += [value is not None, value if value is not None else 0]
    return tuple(out)


#: The ``tasks`` table's ``DateTime`` columns (glance 17.0.1-33.0.0 db/sqlalchemy/models.py).
_TIME_COLUMNS = frozenset(("created_at", "updated_at", "expires_at", "deleted_at"))


def _column(glance: Any, task: Task, name: str) -> Any:
    if name == "deleted":
        return "deleted_at" in task.extra
    if name == "deleted_at":
        return task.extra.get("deleted_at")
    return getattr(task, name)


def _columns(glance: Any) -> tuple[str, ...]:
    if glance.kernel.switches.series.glance >= TASK_COLUMNS_SINCE:
        return _COLUMNS + _LATER_COLUMNS
    return _COLUMNS


def _text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "1" if value else "0"
    return None if value is None else str(value)


def _all(glance: Any) -> list[Task]:
    return glance.tasks.every()


def _find(glance: Any, task_id: str) -> Task | None:
    return next((t for t in _all(glance) if t.id == task_id), None)


def _or(value: str | None, default: str) -> str:
    # MultiDict.pop(name, default): an empty value is kept, not the default.
    return default if value is None else value


def _stub_view(glance: Any, task: Task) -> dict[str, Any]:
    """``_format_task_stub``."""
    view: dict[str, Any] = {
        "id": task.id,
        "type": task.type,
        "status": task.status,
        "owner": task.owner,
        "created_at": stored_isotime(glance.kernel.clock, task.created_at),
        "updated_at": stored_isotime(glance.kernel.clock, task.updated_at),
        "self": f"/v2/tasks/{task.id}",
        "schema": "/v2/schemas/task",
    }
    if task.expires_at is not None:
        view["expires_at"] = stored_isotime(glance.kernel.clock, task.expires_at)
    return view


def full_view(glance: Any, task: Task, written: bool = False) -> dict[str, Any]:
    """``_format_task``; `written`: of the task just created (`isotime` of the object in
    memory), else one read back (`stored_isotime`)."""
    time = isotime if written else stored_isotime
    view: dict[str, Any] = {
        "id": task.id,
        "input": task.input,
        "type": task.type,
        "status": task.status,
        "owner": task.owner,
        "message": task.message,
        "result": task.result,
        "created_at": time(glance.kernel.clock, task.created_at),
        "updated_at": time(glance.kernel.clock, task.updated_at),
        "self": f"/v2/tasks/{task.id}",
        "schema": "/v2/schemas/task",
    }
    if glance.kernel.switches.series.glance >= TASK_COLUMNS_SINCE:
        for name in _LATER_COLUMNS:
            if getattr(task, name):
                view[name] = getattr(task, name)
    if task.expires_at is not None:
        view["expires_at"] = time(glance.kernel.clock, task.expires_at)
    return view
