"""``POST /v2/tasks``: Glance's legacy ``import`` task (glance/api/v2/tasks.py ``create``, the
taskflow executor's ``_get_flow`` and ``glance/async_/flows/base_import.py``), deprecated since
Glance 14.0.0 but served, to admins only (``tasks_api_access``).

The request: the access check, a body ("Body expected in request."), ``type`` and ``input``
("Task 'type' is required"), the task schema of the release with no other key ("Provided
object does not match schema 'task': ..."). From Glance 22.0.0 the controller reads
``input.get('image_id')``, so a null ``input`` is a 500. From 33.0.0 (ea7f6c3e1) an ``import``
task's ``import_from`` must pass at once what the flow checked before: a URL ("Invalid
location: X"; "File based imports are not allowed. ..."; "The given uri is not valid. ...")
that passes web-download's filter ("URI for legacy import task does not pass filtering: X";
`fakecloud.glance.import_methods.uri_passes`). The answer is 201 with the task ``pending``.

The task then runs at once (``pool.spawn(new_task.run)``): ``processing``; ``_get_flow`` fails
it with the input's fault ("Input does not contain 'import_from' field", the URL's as above);
then the flow: ``_CreateImage`` (an image from ``image_properties``, ``queued``), ``_ImportToFS``
(the URL's bytes over the web link, `fakecloud.glance.import_methods.SimulatedWeb`: there is no
network, so a URL the cloud's web does not serve fails, as ``urlopen`` fails with no route),
``_ImportToStore`` (``saving``, then ``active`` with the data) and ``_CompleteTask`` (``success``,
result ``{"image_id": ...}``). A failed flow reverts: the image is deleted and the task fails
"Task failed due to Internal Error". An exception ``_get_flow`` does not name (a null input
before 22.0.0, an ``api_image_import`` or ``location_import`` task given through this API)
leaves the task ``processing`` until 33.0.0 (978b32f86 fails it with the same words).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.glance.errors import GlanceHttpError, HTTPBadRequest, HTTPInternalServerError
from fakecloud.glance.import_methods import uri_passes
from fakecloud.glance.schema import schema_text
from fakecloud.glance.states import FormatsNotSet, check_status, set_status
from fakecloud.glance.task_api import begin_processing, proxy_rule
from fakecloud.glance.task_schemas import task_schema
from fakecloud.glance.tasks import INTERNAL_ERROR, Task
from fakecloud.sim.io import gbit_per_s

#: The first Glance whose controller reads ``input.get('image_id')`` (d54449af4, 22.0.0).
INPUT_READ_SINCE = 22
#: The first Glance that filters ``import_from`` when the task is created (ea7f6c3e1, 33.0.0).
FILTER_AT_CREATE_SINCE = 33
#: The first Glance whose executor fails a task ``_get_flow`` raised for (978b32f86, 33.0.0).
FLOW_ERRORS_FAIL_SINCE = 33
_SUPPORTED = "['http']"


class _Refused(Exception):
    """What ``validate_location_uri`` or ``unpack_task_input`` raises: the task's message."""


class _Stuck(Exception):
    """An exception ``_get_flow`` lets through (before 33.0.0 the task stays processing)."""


def create(glance: Any, ctx: Any, body: Any) -> Task:
    """The deserializer's and the controller's checks, then the task, its flow started."""
    major = glance.kernel.switches.series.glance
    for name in ("type", "input"):
        try:
            missing = name not in body
        except TypeError:  # a JSON number or null body
            raise HTTPInternalServerError() from None
        if missing:
            raise HTTPBadRequest(explanation=f"Task '{name}' is required")
    _validate(body, major)
    kind, task_input = body["type"], body["input"]
    if kind == "import" and major >= FILTER_AT_CREATE_SINCE:
        try:
            uri = _location((task_input or {}).get("import_from"))
        except _Refused as exc:
            raise HTTPBadRequest(explanation=str(exc)) from None
        except _Stuck:  # validate_location_uri's AttributeError, in the controller: its 500
            raise HTTPInternalServerError() from None
        opts, release = glance.import_filtering, glance.kernel.switches.release
        if not uri_passes(uri, opts, release, glance.web):
            raise HTTPBadRequest(
                explanation=f"URI for legacy import task does not pass filtering: {uri}"
            )
    image_id = None
    if major >= INPUT_READ_SINCE:
        if not isinstance(task_input, dict):
            raise HTTPInternalServerError()  # None.get: AttributeError
        image_id = task_input.get("image_id")
    proxy_rule(glance, ctx, "add_task")  # 16-22: the task repository's add (its 403)
    task = glance.tasks.new_task(ctx, kind, task_input, image_id)
    glance.kernel.spawn(_run(glance, ctx, task), name=f"glance task {task.id}")
    return task


def _validate(body: Any, major: int) -> None:
    """``schema.validate(body)``: the release's task schema, ``raw()`` (no other key)."""
    import jsonschema

    raw = {"name": "task", "properties": task_schema("task", major)["properties"]}
    raw["additionalProperties"] = False
    cls = jsonschema.validators.validator_for(raw)
    error = jsonschema.exceptions.best_match(cls(raw).iter_errors(body))
    if error is not None:
        text = schema_text(error, major)
        raise HTTPBadRequest(explanation=f"Provided object does not match schema 'task': {text}")


def _location(location: Any) -> str:
    """``validate_location_uri``."""
    if not location:
        raise _Refused(f"Invalid location: {location}")
    if not isinstance(location, str):
        raise _Stuck("'startswith' of a JSON value that is no string")
    if location.startswith(("http://", "https://")):
        return location
    if location.startswith(("file:///", "filesystem:///")):
        raise _Refused(
            "File based imports are not allowed. Please use a non-local source of image data."
        )
    raise _Refused(
        "The given uri is not valid. Please specify a valid uri from the following list of "
        f"supported uri {_SUPPORTED}"
    )


def _flow_uri(glance: Any, task: Task) -> str:
    """``_get_flow``: ``unpack_task_input``, then the ``import_from`` URL (and from 33.0.0 the
    filter again); `_Refused` fails the task with its words."""
    major = glance.kernel.switches.series.glance
    task_input = task.input
    if task.type == "api_image_import":
        if not task_input:
            raise _Refused("Input to api_image_import task is empty.")
        if "image_id" not in task_input:
            raise _Refused("Missing required 'image_id' field")
        raise _Stuck("import_req")
    if task.type == "location_import":
        if not task_input:
            raise _Refused("Input to location_import task is empty.")
        for key in ("image_id", "loc_url", "validation_data"):
            if key not in task_input:
                raise _Refused(f"Input does not contain '{key}' field")
        raise _Stuck("a location import through the tasks API")
    if not isinstance(task_input, dict):
        raise _Stuck("'in' of a JSON value that is no object")
    for key in ("import_from", "import_from_format", "image_properties"):
        if key not in task_input:
            raise _Refused(f"Input does not contain '{key}' field")
    uri = _location(task_input.get("import_from"))
    opts, release = glance.import_filtering, glance.kernel.switches.release
    if major >= FILTER_AT_CREATE_SINCE and not uri_passes(uri, opts, release, glance.web):
        raise _Refused(f"URI for legacy import task does not pass filtering: {uri}")
    return uri


def _run(glance: Any, ctx: Any, task: Task) -> Generator[Any, Any, None]:
    """``Task.run``: ``begin_processing`` (`task_api.begin_processing`), ``_get_flow``, the
    flow."""
    tasks, k = glance.tasks, glance.kernel
    if not begin_processing(glance, ctx, task):
        return
    try:
        uri = _flow_uri(glance, task)
    except _Refused as exc:
        tasks.move(task, "failure", message=str(exc))
        return
    except _Stuck as exc:
        k.trace.emit("glance.task.stuck", "glance", task.id, error=str(exc))
        if glance.kernel.switches.series.glance >= FLOW_ERRORS_FAIL_SINCE:
            tasks.move(task, "failure", message=INTERNAL_ERROR)
        return
    properties = task.input["image_properties"]
    if not isinstance(properties, dict):  # create_image's image_properties.pop(): the flow fails
        tasks.move(task, "failure", message=INTERNAL_ERROR)
        return
    try:
        image = glance.images.create(ctx, dict(properties))
    except GlanceHttpError:  # new_image refused the properties: the flow fails
        tasks.move(task, "failure", message=INTERNAL_ERROR)
        return
    data = glance.web.fetch(uri)
    if data is None:  # urlopen: no route to the host, or its 404
        k.trace.emit("glance.import.fail", "glance", image.id, error=f"cannot fetch {uri}")
        _revert(glance, ctx, image.id)
        tasks.move(task, "failure", message=INTERNAL_ERROR)
        return
    config = glance.config
    link = k.io.resources.get(config.web_link) or k.io.resource(
        config.web_link, gbit_per_s(config.web_link_gbit_per_s)
    )
    label = "glance.task_import"
    yield k.io.transfer(data.size, [link, glance.store.staging], label=label).done  # work_dir
    if image.status != "queued":  # deleted meanwhile: set_data fails, the flow reverts
        tasks.move(task, "failure", message=INTERNAL_ERROR)
        return
    try:
        check_status(image, "saving")
    except FormatsNotSet:
        # no disk or container format: set_data stores the data, then the image's status
        # setter refuses 'active' (a ValueError) and the flow reverts
        yield k.io.transfer(
            data.size, [glance.store.staging, glance.store.resource], label=label
        ).done
        _revert(glance, ctx, image.id)
        tasks.move(task, "failure", message=INTERNAL_ERROR)
        return
    set_status(k, image, "saving")
    yield k.io.transfer(data.size, [glance.store.staging, glance.store.resource], label=label).done
    try:
        virtual_size = glance.image_data._inspect(image, data)
    except Exception as exc:  # the format refused: the flow reverts
        k.trace.emit("glance.import.fail", "glance", image.id, error=str(exc))
        _revert(glance, ctx, image.id)
        tasks.move(task, "failure", message=INTERNAL_ERROR)
        return
    glance.store.put(image.id, data)
    glance.image_data._activate(image, data, virtual_size)
    tasks.move(task, "success", result={"image_id": image.id})


def _revert(glance: Any, ctx: Any, image_id: str) -> None:
    """``_CreateImage.revert``: the image deleted."""
    try:
        glance.images.delete(ctx, image_id)
    except GlanceHttpError:
        pass
