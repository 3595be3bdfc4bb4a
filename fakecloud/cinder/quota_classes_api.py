"""``/os-quota-class-sets/{class}``: quota classes (``api/contrib/quota_classes.py``,
``QuotaSetsController``'s neighbour; read in cinder 12.0.10, 18.0.0, 19.0.0 and 2026.1).

The ``default`` class is the defaults every project's limits fall back to
(``DbQuotaDriver.get_defaults`` with ``use_default_quota_class``): updating it changes
``os-quota-sets/{p}/defaults`` and every limit a project has not set itself. Another class
holds only what was set for it, the defaults for the rest (``get_class_quotas``); no request
context names a class, so nothing else reads it. ``show`` answers the set with its ``id``,
``update`` without.

Admin only: ``volume_extension:quota_classes`` before 19.0.0, ``...:get`` and ``...:update``
after. The update body: Queens' ``assert_valid_body``, then each known key's integer (unknown
keys ignored); from 13.0.0 the schema first (its ``quota_class_set`` format's unknown keys,
"Bad key(s) in quota class set: ...", before the values' checks), then the policy.
"""

from __future__ import annotations

from typing import Any

from fakecloud import late
from fakecloud.api.http import HttpError, Request, Response
from fakecloud.cinder import exception, policy
from fakecloud.cinder.validation import (
    DB_MAX_INT,
    QUEENS,
    assert_valid_body,
    validate,
    validate_integer,
)

#: 19.0.0 split ``volume_extension:quota_classes`` into ``:get`` and ``:update``.
SPLIT_POLICY_FROM = 19
_VALUE = {
    "type": ["integer", "string"],
    "pattern": "^[0-9]*$",
    "minimum": -1,
    "minLength": 1,
    "maximum": DB_MAX_INT,
}
#: ``cinder/api/schemas/quota_classes.py`` ``update_quota_class`` (13.0.0 on).
UPDATE = {
    "type": "object",
    "properties": {
        "quota_class_set": {
            "type": "object",
            "patternProperties": {"^[a-zA-Z0-9-_:. ]{1,300}$": _VALUE},
            "additionalProperties": False,
        }
    },
    "required": ["quota_class_set"],
    "additionalProperties": False,
}


def _authorize(service: Any, req: Request, action: str) -> None:
    name = "volume_extension:quota_classes"
    if service.cinder_major >= SPLIT_POLICY_FROM:
        name = f"{name}:{action}"
    policy.authorize(req.context, name, None, service.cinder.policy_rules)


def show(service: Any, req: Request) -> Response:
    """``GET /os-quota-class-sets/{class}``: the class's limits, the defaults for the rest."""
    _authorize(service, req, "get")
    name = req.params["class"]
    return Response(
        200, {"quota_class_set": {**service.cinder.quotas.class_limits(name), "id": name}}
    )


def update(service: Any, req: Request) -> Response:
    """``PUT /os-quota-class-sets/{class}``: set some of the class's limits."""
    body = service._body(req)
    quotas = service.cinder.quotas
    known = quotas.resources
    if service.cinder_major > QUEENS:
        given = body.get("quota_class_set") if isinstance(body, dict) else None
        if isinstance(given, dict):
            bad = [key for key in given if key not in known]
            if bad:
                raise exception.InvalidInput(
                    reason=f"Bad key(s) in quota class set: {', '.join(bad)}"
                )
        validate(UPDATE, body)
    _authorize(service, req, "update")
    name = req.params["class"]
    try:
        late.module("oslo_utils.strutils").check_string_length(
            name, "quota_class_name", min_length=1, max_length=255
        )
    except ValueError as exc:
        raise HttpError(400, f"Invalid input received: {exc}") from None
    if service.cinder_major <= QUEENS:
        assert_valid_body(body, "quota_class_set")
    for key, value in body["quota_class_set"].items():
        if key in known:
            # written as each is checked (``quota_class_update`` in the loop): a bad value, which
            # only Queens has no schema to refuse first, leaves the keys before it written
            limit = validate_integer(value, key, -1, DB_MAX_INT)
            quotas.set_class_limits(name, **{key: limit})
    return Response(200, {"quota_class_set": quotas.class_limits(name)})


ROUTES = (
    ("GET", "os-quota-class-sets/{class}", show),
    ("PUT", "os-quota-class-sets/{class}", update),
)
