"""The resource options of a Keystone project or domain (keystone 16.0.0-30.0.0
``keystone/common/resource_options`` and ``resource/backends/resource_options.py``): one
option, ``immutable``, checked as ``Project.from_dict`` (``resource/backends/sql_model.py``)
checks a body's ``options`` and kept as ``resource_options_ref_to_mapper`` keeps them
(`merged`), and the ``immutable`` option's checks of an update and a delete
(``common/resource_options/options/immutable.py``), for the project and domain writes.
"""

from __future__ import annotations

from typing import Any

from fakecloud.identity import exception

#: ``PROJECT_OPTIONS_REGISTRY``'s option names.
PROJECT_OPTIONS = ("immutable",)


def boolean_validator(value: Any) -> None:
    """``resource_options.core.boolean_validator``: ``value not in (True, False)`` (so 1 and
    0.0 pass) is a ``TypeError``."""
    if value not in (True, False):
        raise TypeError(f"Expected boolean value, got {type(value)!r}")


def merged(options: Any, old: dict[str, Any]) -> dict[str, Any]:
    """The options `old` becomes with a body's `options`: each registered option the body
    names is checked (None is always valid) and set, None unsetting it; any other name is
    ignored. Before 27.0.0 no schema checks `options` (the keystone oracle, 25.0.0): a
    ``TypeError`` on the way (the validator's, or Python's own for `options` no mapping:
    ``argument of type 'int' is not iterable``, ``list indices must be integers or slices,
    not str``) is Keystone's 400 in its words (keystone ``server/flask/application.py``
    renders a ``TypeError`` as a ``ValidationError``); a string is searched as text."""
    out = dict(old)
    try:
        for name in PROJECT_OPTIONS:
            if name in options:
                value = options[name]
                if value is not None:
                    boolean_validator(value)
                out[name] = value
    except TypeError as exc:
        raise exception.ValidationError(str(exc)) from None
    return {name: value for name, value in out.items() if value is not None}


def _immutable(options: Any) -> bool:
    """``check_resource_immutable``: the kept ``immutable`` option, taken as a truth value."""
    return isinstance(options, dict) and bool(options.get("immutable", False))


def check_immutable_update(options: Any, ref: dict[str, Any], kind: str, resource_id: str) -> None:
    """``check_immutable_update``: a resource whose kept `options` make it immutable changes
    only by an update `ref` that sets ``options.immutable`` to false or null and nothing else
    (403 ``ResourceUpdateForbidden``)."""
    if not _immutable(options):
        return
    new = ref.get("options", {})
    if len(ref) > 1 or not isinstance(new, dict) or new.get("immutable", True) not in (False, None):
        raise exception.ResourceUpdateForbidden(type=kind, resource_id=resource_id)


def check_tags_mutable(options: Any, verb: str, project_id: str) -> None:
    """``create_project_tag``, ``update_project_tags`` (also the ``DELETE`` of them all) and
    ``delete_project_tag``'s own check (keystone 16.0.0-30.0.0 resource/core.py): an
    immutable project's tags are not written (403 ``ResourceUpdateForbidden``, its words for
    `verb` ``create``, ``update`` or ``delete``, each ending "before creating project tags.")."""
    if _immutable(options):
        raise exception.ResourceUpdateForbidden(
            f"Cannot {verb} project tags for {project_id}, project is immutable. Set "
            '"immutable" option to false before creating project tags.'
        )


def check_immutable_delete(options: Any, kind: str, resource_id: str) -> None:
    """``check_immutable_delete``: an immutable resource is not deleted (403
    ``ResourceDeleteForbidden``)."""
    if _immutable(options):
        raise exception.ResourceDeleteForbidden(type=kind, resource_id=resource_id)


def updated(options: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    """A user's options `old` as a body's `options` (its schema's: each a registered name,
    checked) leave them: set, or unset by null (keystone 13.0.0-30.0.0
    identity/backends/sql_model.py ``User.from_dict``, ``resource_options_ref_to_mapper``)."""
    out = {**old, **options}
    return {name: value for name, value in out.items() if value is not None}
