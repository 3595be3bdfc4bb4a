"""Nova's request schemas (``nova/api/openstack/compute/schemas``) and its validator.

Validation is Nova's ``_SchemaValidator``: jsonschema Draft 2020-12 with number strings accepted
by ``minimum``/``maximum``, Nova's format checks (``name``, ``uuid``), the **first** error
reported, and Nova's wording — ``Invalid input for field/attribute <last path element>.
Value: <value>. <jsonschema message>`` when the error has a path, the bare message otherwise,
and the `InvalidName` message for the ``name`` format. Validators are compiled once per schema.

The ``name`` format is ``valid_name_regex`` computed directly rather than through the 64K-range
regex Nova builds: printable characters only (not ``C*``, not ``Z*`` except ``Zs``), code
points below U+FFFF, no leading or trailing non-printable or ``Zs``; like Python's ``$``, one
trailing newline is tolerated.

Nova's legacy v2 compatible pipeline (``/v2/...``; `fakecloud.api.http.Request.legacy_v2`)
validates with the schema of ``min_version`` None or ``'2.0'`` (``_schema_validation_helper``,
17.0.0-34.0.0): a `SchemaValidator` names it with ``v20`` where Nova keeps a ``_v20`` copy
(names with leading and trailing spaces). There ``additionalProperties: false`` is relaxed
(``_soft_validate_additional_properties``): unknown keys are stripped from the body, not
refused, except beside ``patternProperties`` (metadata), where they are refused in other words.
"""

from __future__ import annotations

import copy
import datetime
import functools
import re
import string
import unicodedata
import uuid
from collections.abc import Callable
from functools import cache
from typing import Any

import jsonschema
from jsonschema import exceptions as jsonschema_exc

from fakecloud.api.validation import before_4_21 as _before_4_21
from fakecloud.api.validation import error_detail, number_string_bounds
from fakecloud.nova import exception

NAME_REASON = "printable characters. Can not start or end with whitespace."

_FORMAT_CHECKER = jsonschema.FormatChecker(())


def _printable(char: str) -> bool:
    category = unicodedata.category(char)
    return not category.startswith("C") and (not category.startswith("Z") or category == "Zs")


def _edge_ok(char: str) -> bool:
    return ord(char) < 0xFFFF and _printable(char) and unicodedata.category(char) != "Zs"


def valid_name(value: str) -> bool:
    """Whether `value` matches Nova's ``valid_name_regex`` (see the module docstring)."""
    if value.endswith("\n"):
        value = value[:-1]
        if not value:
            return False
    if not value:
        return True
    if value.isascii() and value.isprintable():
        # U+0020-U+007E: every one printable, and only the space (Zs) is barred at an edge.
        return value[0] != " " and value[-1] != " "
    if not (_edge_ok(value[0]) and _edge_ok(value[-1])):
        return False
    return all(ord(c) < 0xFFFF and _printable(c) for c in value)


@_FORMAT_CHECKER.checks("name", raises=exception.InvalidName)
def _validate_name(instance: Any) -> bool:
    if isinstance(instance, str) and valid_name(instance):
        return True
    raise exception.InvalidName(reason=NAME_REASON)


AZ_NAME_REASON = "printable characters except :.Can not start or end with whitespace."


@_FORMAT_CHECKER.checks("az_name", raises=exception.InvalidName)
def _validate_az_name(instance: Any) -> bool:
    """``valid_az_name_regex``: a valid name without ``:``."""
    if isinstance(instance, str) and ":" not in instance and valid_name(instance):
        return True
    raise exception.InvalidName(reason=AZ_NAME_REASON)


SPACED_NAME_REASON = "printable characters with at least one non space character"
SPACED_AZ_NAME_REASON = "printable characters except :, with at least one non space character"


def valid_name_with_spaces(value: str) -> bool:
    """``valid_name_leading_trailing_spaces_regex``: printable characters below U+FFFF, at least
    one of them not a space (``Zs``); one trailing newline tolerated, as by ``$``."""
    if value.endswith("\n"):
        value = value[:-1]
    if value.isascii() and value.isprintable():
        return value.strip(" ") != ""
    return all(ord(c) < 0xFFFF and _printable(c) for c in value) and any(
        unicodedata.category(c) != "Zs" for c in value
    )


@_FORMAT_CHECKER.checks("name_with_leading_trailing_spaces", raises=exception.InvalidName)
def _validate_name_with_spaces(instance: Any) -> bool:
    if isinstance(instance, str) and valid_name_with_spaces(instance):
        return True
    raise exception.InvalidName(reason=SPACED_NAME_REASON)


@_FORMAT_CHECKER.checks("az_name_with_leading_trailing_spaces", raises=exception.InvalidName)
def _validate_az_name_with_spaces(instance: Any) -> bool:
    if isinstance(instance, str) and ":" not in instance and valid_name_with_spaces(instance):
        return True
    raise exception.InvalidName(reason=SPACED_AZ_NAME_REASON)


#: ``_validate_keypair_name_20``/``_292`` (26.0.0-31.x): a key pair name's characters.
KEYPAIR_SAFE_CHARS = {
    "keypair_name_20": "_- " + string.digits + string.ascii_letters,
    "keypair_name_292": "@._- " + string.digits + string.ascii_letters,
}


def _keypair_name_check(fmt: str) -> Callable[[Any], bool]:
    safe = KEYPAIR_SAFE_CHARS[fmt]

    def check(instance: Any) -> bool:
        if not isinstance(instance, str) or all(c in safe for c in instance):
            return True
        raise exception.InvalidName(reason=f"Only expected characters: [{safe}]")

    return check


for _fmt in KEYPAIR_SAFE_CHARS:
    _FORMAT_CHECKER.checks(_fmt, raises=exception.InvalidName)(_keypair_name_check(_fmt))


@_FORMAT_CHECKER.checks("regex")
def _validate_regex(instance: Any) -> bool:
    """``_validate_regex_format``: a non-empty pattern Python's ``re`` compiles."""
    if not isinstance(instance, str):
        return True
    if not instance:
        return False
    try:
        re.compile(instance)
    except re.error:
        return False
    return True


@_FORMAT_CHECKER.checks("date-time")
def _validate_datetime(instance: Any) -> bool:
    """``_validate_datetime_format``: what ``timeutils.parse_isotime`` reads."""
    return not isinstance(instance, str) or parse_isotime(instance) is not None


def parse_isotime(text: str) -> datetime.datetime | None:
    """``timeutils.parse_isotime`` (the ``iso8601`` library: ``2026`` and ``2026-12`` are
    times, a week date, a trailing space or an offset with seconds are not): an aware
    datetime, or None if `text` is not one."""
    from oslo_utils import timeutils  # on use: its import compiles ~400 regexes

    try:
        return timeutils.parse_isotime(text)
    except ValueError:
        return None


@_FORMAT_CHECKER.checks("uuid")
def _validate_uuid(instance: Any) -> bool:
    if not isinstance(instance, str):
        return True
    try:
        return str(uuid.UUID(instance)).replace("-", "") == instance.replace("-", "").lower()
    except ValueError:
        return False


@_FORMAT_CHECKER.checks("uri")
def _validate_uri(instance: Any) -> bool:
    """``validators._validate_uri``: rfc3986 with a scheme and an authority."""
    if not isinstance(instance, str):
        return True
    import warnings

    import rfc3986  # (15 ms to import; only os-agents' bodies need it)

    with warnings.catch_warnings():  # rfc3986 2.x deprecates is_valid_uri; Nova still calls it
        warnings.simplefilter("ignore", DeprecationWarning)
        return rfc3986.is_valid_uri(instance, require_scheme=True, require_authority=True)


@_FORMAT_CHECKER.checks("base64")
def _validate_base64(instance: Any) -> bool:
    if not isinstance(instance, str):
        return True
    import base64
    import binascii

    try:
        base64.b64decode(instance.encode("utf-8"), validate=False)
    except (binascii.Error, ValueError):
        return False
    return True


_BASE = jsonschema.Draft202012Validator
_NovaValidator = jsonschema.validators.extend(_BASE, number_string_bounds(_BASE))


#: ``_soft_validate_additional_properties`` strips every unknown key up to 32.x; from 33.0.0
#: (9fd431315c, a ``oneOf`` workaround) an object whose keys are all unknown is left whole.
SOFT_KEEP_ALL_UNKNOWN_SINCE = 33


def _soft_additional_properties(keep_all_unknown: bool) -> Callable[..., Any]:
    """``_soft_validate_additional_properties`` (``validators.py``) as `keep_all_unknown`
    says: unknown keys stripped in place, or beside ``patternProperties`` refused."""

    def soft(validator: Any, value: Any, instance: Any, schema: Any) -> Any:
        if not validator.is_type(instance, "object") or (
            value is True if keep_all_unknown else value
        ):
            return
        properties = schema.get("properties", {})
        patterns = "|".join(schema.get("patternProperties", {}))
        extra = [
            key
            for key in instance
            if key not in properties and not (patterns and re.search(patterns, key))
        ]
        if not extra or (keep_all_unknown and len(extra) == len(instance)):
            return
        if patterns:
            # Nova joins a set (its order is the hash seed's); fakecloud keeps the body's.
            verb = "was" if len(extra) == 1 else "were"
            unexpected = ", ".join(repr(key) for key in extra)
            yield jsonschema_exc.ValidationError(
                f"Additional properties are not allowed ({unexpected} {verb} unexpected)"
            )
        else:
            for key in extra:
                del instance[key]

    return soft


#: keep_all_unknown -> the relaxed validator class.
_RELAXED = {
    keep: jsonschema.validators.extend(
        _NovaValidator, {"additionalProperties": _soft_additional_properties(keep)}
    )
    for keep in (False, True)
}


class SchemaValidator:
    """One compiled schema that raises Nova's `ValidationError` with Nova's message."""

    _relaxed: dict[tuple[int, bool], Any]

    def __init__(
        self,
        schema: dict[str, Any],
        quick: Callable[[Any], bool] | None = None,
        v20: dict[str, Any] | Callable[[int], dict[str, Any]] | None = None,
    ):
        self.schema = schema
        self.quick = quick
        """A fast check that accepts only bodies the schema accepts (others get jsonschema)."""
        self.v20 = schema if v20 is None else v20
        """The schema Nova checks on ``/v2/`` (its ``min_version`` None or 2.0 one), relaxed,
        or a function of the release's major version giving it.
        (Where Nova's lowest is 2.1's, ``lock``, ``unlock``, ``unshelve``, none runs there;
        those check nothing but the action's name, which the relaxed check does too.)"""
        self._validator = _NovaValidator(schema, format_checker=_FORMAT_CHECKER)
        self._relaxed = {}

    def validate(self, body: Any, req: Any = None, loose_ipv4: bool = False) -> None:
        """Raise `ValidationError` for the first error of `body`, worded as Nova does (its
        ``legacy_detail``: as a release pinning jsonschema < 4.21.0 words it). A `req` of the
        legacy v2 pipeline has `v20` checked, relaxed: unknown keys are stripped from `body`.
        `loose_ipv4`: the ``ipv4`` format of jsonschema before 4.0.0 (leading zeros allowed)."""
        major = req.legacy_v2 if req is not None else 0
        if major:
            validator = self._relaxed.get((major, loose_ipv4))
            if validator is None:
                schema = self.v20(major) if callable(self.v20) else self.v20
                keep = major >= SOFT_KEEP_ALL_UNKNOWN_SINCE
                checker = _LOOSE_FORMAT_CHECKER if loose_ipv4 else _FORMAT_CHECKER
                validator = _RELAXED[keep](schema, format_checker=checker)
                self._relaxed[major, loose_ipv4] = validator
        elif self.quick is not None and self.quick(body):
            return  # (`quick` is stricter than either ipv4 format)
        elif loose_ipv4:
            validator = self._relaxed.get((0, True))
            if validator is None:
                validator = _NovaValidator(self.schema, format_checker=_LOOSE_FORMAT_CHECKER)
                self._relaxed[0, True] = validator
        else:
            validator = self._validator
        try:
            for error in validator.iter_errors(body):
                raise error
        except jsonschema_exc.ValidationError as ex:
            if isinstance(ex.cause, exception.InvalidName):
                raise exception.ValidationError(detail=ex.cause.format_message()) from None
            message = ex.message
            detail = error_detail(ex)
            error = exception.ValidationError(detail=detail)
            error.legacy_detail = _before_4_21(ex, detail, message)
            raise error from None
        except TypeError as ex:
            raise exception.ValidationError(detail=str(ex)) from None


class QueryValidator(SchemaValidator):
    """``@validation.query_schema``: the query as ``{name: [values]}`` (``dict_of_lists``),
    errors worded ``Invalid input for query parameters <name>. Value: <value>. <message>``."""

    def validate(self, query: Any) -> None:
        """Raise `ValidationError` for the first error of `query`, worded as Nova does."""
        for error in self._validator.iter_errors(query):
            if len(error.path) > 0:
                detail = (
                    f"Invalid input for query parameters {error.path.popleft()}. "
                    f"Value: {error.instance}. {error.message}"
                )
            else:
                detail = error.message
            exc = exception.ValidationError(detail=detail)
            exc.legacy_detail = _before_4_21(error, detail, error.message)
            raise exc


@cache
def query_validator(additional: bool, **params: str) -> QueryValidator:
    """A query schema: the named parameters (each ``multi_params`` of the named type
    ``"non_negative_integer"``, ``"positive_integer"`` or ``"string"``), others allowed when
    `additional`."""
    types = {
        "non_negative_integer": non_negative_integer,
        "positive_integer": positive_integer,
        "string": {"type": "string"},
    }
    schema = {
        "type": "object",
        "properties": {k: {"type": "array", "items": types[v]} for k, v in params.items()},
        "additionalProperties": additional,
    }
    return QueryValidator(schema)


#: 34.0.0's 2.102: a GET whose query schema names no parameter (``show_query_v2102`` of
#: servers, instance actions, server migrations...) refuses any.
STRICT_QUERY = "2.102"


def refuse_any_query(req: Any) -> None:
    """From 2.102 any query parameter of `req` is 400 ('Additional properties are not allowed
    (...)'); call it first, as ``@validation.query_schema`` runs before the method."""
    if req.query and req.microversion >= STRICT_QUERY:
        query_validator(False).validate(req.query)


@_FORMAT_CHECKER.checks("ipv4")
def _validate_ipv4(instance: Any) -> bool:
    """``_validate_ipv4_format`` (``netaddr.valid_ipv4``): a dotted-quad address."""
    if not isinstance(instance, str):
        return True
    import ipaddress

    try:
        ipaddress.IPv4Address(instance)
    except ValueError:
        return False
    return True


@_FORMAT_CHECKER.checks("ipv6")
def _validate_ipv6(instance: Any) -> bool:
    """``_validate_ipv6_format`` (``netaddr.valid_ipv6``)."""
    if not isinstance(instance, str):
        return True
    import ipaddress

    try:
        ipaddress.IPv6Address(instance)
    except ValueError:
        return False
    return True


#: jsonschema 2.6.0-3.2.0's ``is_ipv4`` pattern (``\d``: any Unicode digit; ``$`` lets one
#: newline end it).
_LOOSE_IPV4 = re.compile(r"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$")


def _validate_ipv4_loose(instance: Any) -> bool:
    """jsonschema 2.6.0-3.2.0's ``is_ipv4`` (Nova's upper constraints up to Yoga): four groups
    of one to three digits, each at most 255; leading zeros allowed (``10.0.0.01``)."""
    if not isinstance(instance, str):
        return True
    if not _LOOSE_IPV4.match(instance):
        return False
    return all(0 <= int(component) <= 255 for component in instance.split("."))


#: The format checker of a release before ``jsonschema_ipv4_strict`` (every other format the
#: same).
_LOOSE_FORMAT_CHECKER = jsonschema.FormatChecker(())
_LOOSE_FORMAT_CHECKER.checkers = {
    **_FORMAT_CHECKER.checkers,
    "ipv4": (_validate_ipv4_loose, ()),
}


# -- parameter types (``nova/api/validation/parameter_types.py``) -------------------------------

name = {"type": "string", "format": "name", "minLength": 1, "maxLength": 255}
metadata = {
    "type": "object",
    "patternProperties": {"^[a-zA-Z0-9-_:. ]{1,255}$": {"type": "string", "maxLength": 255}},
    "additionalProperties": False,
}
metadata_with_null = copy.deepcopy(metadata)
metadata_with_null["patternProperties"]["^[a-zA-Z0-9-_:. ]{1,255}$"]["type"] = ["string", "null"]
az_name = {"type": "string", "format": "az_name", "minLength": 1, "maxLength": 255}
uuid_param = {"type": "string", "format": "uuid"}
boolean = {
    "type": ["boolean", "string"],
    "enum": [
        True, "True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes",
        False, "False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no",
    ],
}  # fmt: skip
positive_integer = {
    "type": ["integer", "string"],
    "pattern": "^[0-9]*$",
    "minimum": 1,
    "minLength": 1,
}


def single_param(schema: dict[str, Any]) -> dict[str, Any]:
    """``parameter_types.single_param``: a query parameter given at most once."""
    return {"type": "array", "items": schema, "maxItems": 1}


non_negative_integer = {
    "type": ["integer", "string"],
    "pattern": "^[0-9]*$",
    "minimum": 0,
    "minLength": 1,
}
volume_size = {
    "type": ["integer", "string"],
    "pattern": "^[0-9]+$",
    "minimum": 1,
    "maximum": 0x7FFFFFFF,
}
description = {"type": ["string", "null"], "minLength": 0, "maxLength": 255}
#: ``parameter_types.ip_address``: a string, an IPv4 or an IPv6 address.
ip_address = {"type": "string", "oneOf": [{"format": "ipv4"}, {"format": "ipv6"}]}
user_data = {"type": "string", "format": "base64", "maxLength": 65535}
#: ``parameter_types.personality`` (nova 17.0.13-34.0.0): the injected files of a create or
#: rebuild before 2.57, each a path and base64 contents.
personality = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "path": {"type": "string"},
            "contents": {"type": "string", "format": "base64"},
        },
        "additionalProperties": False,
    },
}

#: 678bc4ae6e (32.0.0, "Only run format checks on strings"): a string schema that also takes
#: null is one schema of two types; before, a ``oneOf`` of it and null, which jsonschema words
#: "... is not valid under any of the given schemas".
FORMAT_TYPES_SINCE = 32


def nullable(schema: dict[str, Any], one_of: bool) -> dict[str, Any]:
    """String `schema` or null, as a release before 32.0.0 (`one_of`) or from it writes it."""
    if one_of:
        return {"oneOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


name_with_leading_trailing_spaces = {**name, "format": "name_with_leading_trailing_spaces"}
az_name_with_leading_trailing_spaces = {
    **name,
    "format": "az_name_with_leading_trailing_spaces",
}


def spaced_names(schema: dict[str, Any], entity: str, *names: str, **others: Any) -> Any:
    """Nova's ``_v20`` copy of `schema` (``copy.deepcopy`` and edit): the properties `names`
    of its `entity` object become ``name_with_leading_trailing_spaces``, `others` as given."""
    v20 = copy.deepcopy(schema)
    props = v20["properties"][entity]["properties"]
    props.update(dict.fromkeys(names, name_with_leading_trailing_spaces), **others)
    return v20


tag = {"type": "string", "maxLength": 60, "pattern": "^[^,/]*$"}

# -- createImage ---------------------------------------------------------------------------------

create_image = {
    "type": "object",
    "properties": {
        "createImage": {
            "type": "object",
            "properties": {"name": name, "metadata": metadata},
            "required": ["name"],
            "additionalProperties": False,
        }
    },
    "required": ["createImage"],
    "additionalProperties": False,
}

#: The vendor build's schema: ``snapshot_id`` names an instance snapshot.
create_image_vendor = copy.deepcopy(create_image)
create_image_vendor["properties"]["createImage"]["properties"]["snapshot_id"] = uuid_param


_METADATA_KEY = re.compile("[a-zA-Z0-9-_:. ]{1,255}")


def _create_image_ok(body: Any, vendor: bool = False) -> bool:
    """A quick check accepting only bodies `create_image` (or, `vendor`, `create_image_vendor`)
    accepts: the hot path of every snapshot. A property test holds it to jsonschema's answers."""
    if type(body) is not dict or len(body) != 1:
        return False
    entity = body.get("createImage")
    if type(entity) is not dict:
        return False
    name = entity.get("name")
    if type(name) is not str or not 1 <= len(name) <= 255 or not valid_name(name):
        return False
    extra = len(entity) - 1
    if "metadata" in entity:
        extra -= 1
        if not _metadata_ok(entity["metadata"]):
            return False
    if vendor and "snapshot_id" in entity:
        extra -= 1
        sid = entity["snapshot_id"]
        if type(sid) is not str or not _validate_uuid(sid):
            return False
    return extra == 0


def _action(action: str) -> dict[str, Any]:
    """The schema of an action whose value is not checked (``{"pause": null}``)."""
    return {
        "type": "object",
        "properties": {action: {}},
        "required": [action],
        "additionalProperties": False,
    }


lock_v273 = {
    "type": "object",
    "properties": {
        "lock": {
            "type": ["object", "null"],
            "properties": {"locked_reason": {"type": "string", "minLength": 1, "maxLength": 255}},
            "additionalProperties": False,
        }
    },
    "required": ["lock"],
    "additionalProperties": False,
}

#: ``schemas/rescue.py`` (17.0.13-34.0.0): null, or an ``adminPass`` (any string) and a
#: ``rescue_image_ref`` (a uuid).
rescue = {
    "type": "object",
    "properties": {
        "rescue": {
            "type": ["object", "null"],
            "properties": {"adminPass": {"type": "string"}, "rescue_image_ref": uuid_param},
            "additionalProperties": False,
        }
    },
    "required": ["rescue"],
    "additionalProperties": False,
}

reboot = {
    "type": "object",
    "properties": {
        "reboot": {
            "type": "object",
            "properties": {
                "type": {"type": "string", "enum": ["HARD", "Hard", "hard", "SOFT", "Soft", "soft"]}
            },
            "required": ["type"],
            "additionalProperties": False,
        }
    },
    "required": ["reboot"],
    "additionalProperties": False,
}


#: ``parameter_types.trusted_certs`` (create and rebuild, 2.63).
TRUSTED_CERTS = {
    "type": ["array", "null"],
    "minItems": 1,
    "maxItems": 50,
    "uniqueItems": True,
    "items": {"type": "string", "minLength": 1},
}


def rebuild(version: Any, one_of: bool = False) -> dict[str, Any]:
    """``schemas/servers.py``'s rebuild schemas at `version`: ``rebuild`` (2.1), 2.19
    ``description``, 2.54 ``key_name``, 2.57 ``user_data`` instead of ``personality``, 2.63
    ``trusted_image_certificates``, 2.90 ``hostname`` (2.94: an FQDN)."""
    props: dict[str, Any] = {
        "name": name,
        "imageRef": uuid_param,
        "adminPass": {"type": "string"},
        "metadata": metadata,
        "preserve_ephemeral": boolean,
        "OS-DCF:diskConfig": {"type": "string", "enum": ["AUTO", "MANUAL"]},
        "accessIPv4": {"type": "string", "format": "ipv4"},
        "accessIPv6": {"type": "string", "format": "ipv6"},
        "personality": personality,
    }
    if version >= "2.19":
        props["description"] = description
    if version >= "2.54":
        props["key_name"] = {
            "oneOf": [{"type": "string", "minLength": 1, "maxLength": 255}, {"type": "null"}]
        }
    if version >= "2.57":
        del props["personality"]
        props["user_data"] = nullable(user_data, one_of)
    if version >= "2.63":
        props["trusted_image_certificates"] = TRUSTED_CERTS
    if version >= "2.94":
        props["hostname"] = {
            "type": "string",
            "pattern": "^[a-zA-Z0-9-._]*$",
            "minLength": 1,
            "maxLength": 255,
        }
    elif version >= "2.90":
        props["hostname"] = {
            "type": "string",
            "pattern": "^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$",
            "minLength": 2,
            "maxLength": 63,
        }
    return {
        "type": "object",
        "properties": {
            "rebuild": {
                "type": "object",
                "properties": props,
                "required": ["imageRef"],
                "additionalProperties": False,
            }
        },
        "required": ["rebuild"],
        "additionalProperties": False,
    }


#: The microversions where the rebuild schema changes.
_REBUILD_EDGES = ("2.19", "2.54", "2.57", "2.63", "2.90", "2.94")


@cache
def _rebuild_validator(bucket: str, one_of: bool) -> SchemaValidator:
    from fakecloud.api.microversion import Version

    schema = rebuild(Version.parse(bucket), one_of)
    return SchemaValidator(schema, v20=spaced_names(schema, "rebuild", "name"))


def rebuild_validator(version: Any, one_of: bool = False) -> SchemaValidator:
    """The compiled rebuild schema for `version` (`one_of`: a release before 32.0.0's, see
    `nullable`)."""
    bucket = "2.1"
    for edge in _REBUILD_EDGES:
        if version >= edge:
            bucket = edge
    return _rebuild_validator(bucket, one_of)


def server_update(version: Any) -> dict[str, Any]:
    """``schemas/servers.py``'s update schemas at `version`: ``update`` (2.1: name, disk
    config, access IPs), 2.19 ``description``, 2.90 ``hostname`` (2.94: an FQDN), 2.104
    ``pinned_availability_zone`` (a name or null); the properties are the rebuild schema's."""
    rebuild_props = rebuild(version)["properties"]["rebuild"]["properties"]
    keys = ["name", "OS-DCF:diskConfig", "accessIPv4", "accessIPv6", "description", "hostname"]
    props = {key: rebuild_props[key] for key in keys if key in rebuild_props}
    if version >= "2.104":
        props["pinned_availability_zone"] = {"oneOf": [name, {"type": "null"}]}
    return {
        "type": "object",
        "properties": {
            "server": {"type": "object", "properties": props, "additionalProperties": False}
        },
        "required": ["server"],
        "additionalProperties": False,
    }


@cache
def _server_update_validator(bucket: str) -> SchemaValidator:
    from fakecloud.api.microversion import Version

    schema = server_update(Version.parse(bucket))
    return SchemaValidator(schema, v20=spaced_names(schema, "server", "name"))


def server_update_validator(version: Any) -> SchemaValidator:
    """The compiled server update schema for `version`."""
    bucket = "2.1"
    for edge in ("2.19", "2.90", "2.94", "2.104"):
        if version >= edge:
            bucket = edge
    return _server_update_validator(bucket)


reset_state = {
    "type": "object",
    "properties": {
        "os-resetState": {
            "type": "object",
            "properties": {"state": {"type": "string", "enum": ["active", "error"]}},
            "required": ["state"],
            "additionalProperties": False,
        }
    },
    "required": ["os-resetState"],
    "additionalProperties": False,
}

# -- server create -------------------------------------------------------------------------------

#: ``_legacy_block_device_mapping``: an item of ``block_device_mapping`` (the v2 item's base).
_bdm_legacy = {
    "type": "object",
    "properties": {
        "virtual_name": {"type": "string", "maxLength": 255},
        "volume_id": uuid_param,
        "snapshot_id": uuid_param,
        "volume_size": volume_size,
        "device_name": {
            "type": "string",
            "minLength": 1,
            "maxLength": 255,
            "pattern": "^[a-zA-Z0-9._/-]*$",
        },
        "delete_on_termination": boolean,
        "no_device": {},
        "connection_info": {"type": "string", "maxLength": 16777215},
    },
    "additionalProperties": False,
}

_bdm_v2 = {
    "type": "object",
    "properties": {
        **_bdm_legacy["properties"],
        "source_type": {"type": "string", "enum": ["volume", "image", "snapshot", "blank"]},
        "uuid": {
            "type": "string",
            "minLength": 1,
            "maxLength": 255,
            "pattern": "^[a-zA-Z0-9._-]*$",
        },
        "image_id": uuid_param,
        "destination_type": {"type": "string", "enum": ["local", "volume"]},
        "guest_format": {"type": "string", "maxLength": 255},
        "device_type": {"type": "string", "maxLength": 255},
        "disk_bus": {"type": "string", "maxLength": 255},
        "boot_index": {"type": ["integer", "string", "null"], "pattern": "^-?[0-9]+$"},
    },
    "additionalProperties": False,
}


def server_create(version: Any, one_of: bool = False) -> dict[str, Any]:
    """The ``POST /servers`` schema at `version` (the keys fakecloud acts on, as Nova names
    and constrains them; later microversions add description, tags, required networks;
    `one_of`: a release before 32.0.0's, see `nullable`)."""
    bdm = copy.deepcopy(_bdm_v2)
    networks: dict[str, Any] = {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "fixed_ip": ip_address,
                "port": nullable(uuid_param, one_of),
                "uuid": {"type": "string"},
            },
            "additionalProperties": False,
        },
    }
    props: dict[str, Any] = {
        "name": name,
        # ``image_id_or_empty_string`` (17.0.13-34.0.0): "" for boot-from-volume (what
        # openstacksdk and the CLI send), never null.
        "imageRef": {"oneOf": [uuid_param, {"type": "string", "maxLength": 0}]},
        "flavorRef": {"type": ["string", "integer"], "minLength": 1},
        "adminPass": {"type": "string"},
        "metadata": metadata,
        "networks": networks,
        "OS-DCF:diskConfig": {"type": "string", "enum": ["AUTO", "MANUAL"]},
        # ``parameter_types.accessIPv4``/``accessIPv6`` (17.0.13-34.0.0)
        "accessIPv4": {"type": "string", "format": "ipv4"},
        "accessIPv6": {"type": "string", "format": "ipv6"},
        "availability_zone": name,
        "block_device_mapping": {"type": "array", "items": _bdm_legacy},
        "block_device_mapping_v2": {"type": "array", "items": bdm},
        "config_drive": boolean,
        "key_name": name,
        "min_count": positive_integer,
        "max_count": positive_integer,
        "return_reservation_id": boolean,
        "security_groups": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": name},
                "additionalProperties": False,
            },
        },
        "user_data": user_data,
    }
    required = ["name", "flavorRef"]
    if version < "2.57":
        props["personality"] = personality
    if version >= "2.19":
        props["description"] = description
    if version >= "2.37":
        required.append("networks")
        networks["items"]["properties"]["uuid"] = uuid_param
        props["networks"] = {"oneOf": [networks, {"type": "string", "enum": ["none", "auto"]}]}
    if version >= "2.42" or version == "2.32":
        bdm["properties"]["tag"] = tag
    # ``create_v233`` keeps the networks' tag that 2.33 dropped from the block devices, until
    # 2.37 rewrites the networks (nova 17.0.13 servers.py ``schema_server_create_v232`` for
    # '2.32'-'2.36'; 20.6.1-34.0.0 schemas/servers.py ``create_v233``)
    if version >= "2.42" or "2.32" <= version < "2.37":
        networks["items"]["properties"]["tag"] = tag
    if version >= "2.52":
        props["tags"] = {"type": "array", "items": tag, "maxItems": 50}
    if version >= "2.63":
        props["trusted_image_certificates"] = TRUSTED_CERTS
    if version >= "2.67":
        bdm["properties"]["volume_type"] = {
            "type": ["string", "null"],
            "minLength": 0,
            "maxLength": 255,
        }
    if version >= "2.74":  # ``parameter_types.hostname``
        hostname = {
            "type": "string",
            "minLength": 1,
            "maxLength": 255,
            "pattern": "^[a-zA-Z0-9-._]*$",
        }
        props["host"] = hostname
        props["hypervisor_hostname"] = hostname
    if version >= "2.94":  # ``parameter_types.fqdn`` (nova 26.0.0-34.0.0 ``create_v294``)
        props["hostname"] = hostname
    elif version >= "2.90":  # ``parameter_types.hostname`` (``create_v290``, from 24.0.0)
        props["hostname"] = {
            "type": "string",
            "pattern": "^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$",
            "minLength": 2,
            "maxLength": 63,
        }
    hints = {"type": "object", "additionalProperties": True}
    return {
        "type": "object",
        "properties": {
            "server": {
                "type": "object",
                "properties": props,
                "required": required,
                "additionalProperties": False,
            },
            "os:scheduler_hints": hints,
            "OS-SCH-HNT:scheduler_hints": hints,
        },
        "required": ["server"],
        "additionalProperties": False,
    }


_SERVER_CREATE_EDGES = (
    "2.19",
    "2.32",
    "2.33",
    "2.37",
    "2.42",
    "2.52",
    "2.57",
    "2.63",
    "2.67",
    "2.74",
    "2.90",
    "2.94",
)


@cache
def _server_create_validator(bucket: str, one_of: bool) -> SchemaValidator:
    from fakecloud.api.microversion import Version

    version = Version.parse(bucket)
    schema = server_create(version, one_of)
    return SchemaValidator(
        schema,
        functools.partial(
            _server_create_ok,
            keys=_SERVER_KEYS | ({"description"} if version >= "2.19" else set()),
            network_words=version >= "2.37",
        ),
        v20=functools.partial(server_create_v20, schema),
    )


def server_create_v20(schema: dict[str, Any], major: int) -> Any:
    """``create_v20`` of release `major` from a create `schema`: the server, zone, key pair and
    security group names may have leading and trailing spaces, ``user_data`` may be null."""
    v20 = spaced_names(
        schema,
        "server",
        "name",
        "availability_zone",
        "key_name",
        user_data=nullable(user_data, major < FORMAT_TYPES_SINCE),
    )
    groups = v20["properties"]["server"]["properties"]["security_groups"]["items"]
    groups["properties"]["name"] = name_with_leading_trailing_spaces
    return v20


#: The server keys a quick create body may have (`_server_create_ok`).
_SERVER_KEYS = frozenset(
    ("name", "flavorRef", "imageRef", "networks", "block_device_mapping_v2", "metadata")
)
_NETWORK_KEYS = frozenset(("uuid", "fixed_ip", "port"))
_BDM_UUID = re.compile("[a-zA-Z0-9._-]{1,255}")
_DEVICE_NAME = re.compile("[a-zA-Z0-9._/-]{1,255}")
_BOOT_INDEX = re.compile("-?[0-9]+")


def _uuid_string(value: Any) -> bool:
    return type(value) is str and _validate_uuid(value)


def _ip_string(value: Any) -> bool:
    return type(value) is str and (_validate_ipv4(value) or _validate_ipv6(value))


def _short_string(value: Any) -> bool:
    return type(value) is str and len(value) <= 255


#: Each key a quick block_device_mapping_v2 entry may have, and its check.
_BDM_CHECKS: dict[str, Callable[[Any], bool]] = {
    "boot_index": lambda v: (
        v is None or type(v) is int or (type(v) is str and _BOOT_INDEX.fullmatch(v) is not None)
    ),
    "uuid": lambda v: type(v) is str and _BDM_UUID.fullmatch(v) is not None,
    "source_type": lambda v: type(v) is str and v in ("volume", "image", "snapshot", "blank"),
    "destination_type": lambda v: type(v) is str and v in ("local", "volume"),
    "volume_size": lambda v: type(v) is int and 1 <= v <= 0x7FFFFFFF,
    "delete_on_termination": lambda v: v is True or v is False,
    "volume_id": _uuid_string,
    "snapshot_id": _uuid_string,
    "image_id": _uuid_string,
    "device_name": lambda v: type(v) is str and _DEVICE_NAME.fullmatch(v) is not None,
    "guest_format": _short_string,
    "device_type": _short_string,
    "disk_bus": _short_string,
}


def _metadata_ok(meta: Any) -> bool:
    if type(meta) is not dict:
        return False
    for key, value in meta.items():
        if type(key) is not str or not _METADATA_KEY.fullmatch(key):
            return False
        if type(value) is not str or len(value) > 255:
            return False
    return True


def _networks_ok(networks: Any, words: bool) -> bool:
    if type(networks) is str:
        return words and networks in ("none", "auto")
    if type(networks) is not list:
        return False
    for net in networks:
        if type(net) is not dict or not net.keys() <= _NETWORK_KEYS or "uuid" not in net:
            return False
        if not _uuid_string(net["uuid"]):
            return False
        if "fixed_ip" in net and not _ip_string(net["fixed_ip"]):
            return False
        if "port" in net and not (net["port"] is None or _uuid_string(net["port"])):
            return False
    return True


def _bdms_ok(bdms: Any) -> bool:
    if type(bdms) is not list:
        return False
    for bdm in bdms:
        if type(bdm) is not dict:
            return False
        for key, value in bdm.items():
            check = _BDM_CHECKS.get(key)
            if check is None or not check(value):
                return False
    return True


def _server_create_ok(body: Any, keys: frozenset[str], network_words: bool) -> bool:
    """A quick check accepting only bodies the ``POST /servers`` schema accepts: `keys` are
    the server keys it knows at this microversion, `network_words` whether ``"none"`` and
    ``"auto"`` (2.37+, where ``networks`` is also required) are. Every boot takes it; a
    property test holds it to jsonschema's answers at each schema version."""
    if type(body) is not dict or len(body) != 1:
        return False
    server = body.get("server")
    if type(server) is not dict or not server.keys() <= keys:
        return False
    name = server.get("name")
    if type(name) is not str or not 1 <= len(name) <= 255 or not valid_name(name):
        return False
    flavor = server.get("flavorRef")
    if not ((type(flavor) is str and flavor) or type(flavor) is int):
        return False
    if "imageRef" in server:
        image = server["imageRef"]
        if not (image == "" or _uuid_string(image)):
            return False
    if "networks" in server:
        if not _networks_ok(server["networks"], network_words):
            return False
    elif network_words:
        return False
    if "block_device_mapping_v2" in server and not _bdms_ok(server["block_device_mapping_v2"]):
        return False
    if "metadata" in server and not _metadata_ok(server["metadata"]):
        return False
    if "description" in server:
        description = server["description"]
        if not (description is None or _short_string(description)):
            return False
    return True


def server_create_validator(version: Any, one_of: bool = False) -> SchemaValidator:
    """The compiled create schema for `version` (one per range between schema changes;
    `one_of`: a release before 32.0.0's, see `nullable`)."""
    key = (version.major, version.minor, one_of)
    found = _SERVER_CREATE_VALIDATORS.get(key)
    if found is None:
        bucket = "2.1"
        for edge in _SERVER_CREATE_EDGES:
            if version >= edge:
                bucket = edge
        if version == "2.32":
            bucket = "2.32"
        found = _server_create_validator(bucket, one_of)
        if len(_SERVER_CREATE_VALIDATORS) < 1024:
            _SERVER_CREATE_VALIDATORS[key] = found
    return found


#: (major, minor, one_of) -> its create validator: the schema's range worked out once per
#: microversion, not per request (a client boots at the same version each time).
_SERVER_CREATE_VALIDATORS: dict[tuple[int, int, bool], SchemaValidator] = {}


_VALIDATORS: dict[str, SchemaValidator] = {
    "create_image": SchemaValidator(create_image, _create_image_ok),
    "create_image_vendor": SchemaValidator(
        create_image_vendor, lambda body: _create_image_ok(body, vendor=True)
    ),
}
#: ``unshelve_v277`` (20.0.0): null, or an object with a zone name (required).
unshelve_v277 = {
    "type": "object",
    "properties": {
        "unshelve": {
            "type": ["object", "null"],
            "properties": {"availability_zone": name},
            "required": ["availability_zone"],
            "additionalProperties": False,
        }
    },
    "required": ["unshelve"],
    "additionalProperties": False,
}

#: ``unshelve_v291`` (26.0.0): null, or an object with a zone (a string or null: unpin)
#: and/or a host; one schema of two types from 32.0.0 (678bc4ae6e), ``unshelve_v291_one_of``
#: before (a ``oneOf`` of the object and null, and of the zone's two types).
unshelve_v291 = {
    "type": "object",
    "properties": {
        "unshelve": {
            "type": ["object", "null"],
            "properties": {
                "availability_zone": {"type": ["string", "null"]},
                "host": {"type": "string"},
            },
            "additionalProperties": False,
        }
    },
    "required": ["unshelve"],
    "additionalProperties": False,
}
unshelve_v291_one_of = copy.deepcopy(unshelve_v291)
_entity = unshelve_v291_one_of["properties"]["unshelve"]
_entity["properties"]["availability_zone"] = {"oneOf": [{"type": ["null"]}, {"type": "string"}]}
unshelve_v291_one_of["properties"]["unshelve"] = {
    "oneOf": [{**_entity, "type": ["object"]}, {"type": ["null"]}]
}

#: ``resize`` (``schemas/servers.py``, 17.0.13-34.0.0): a flavor reference, a disk config.
resize = {
    "type": "object",
    "properties": {
        "resize": {
            "type": "object",
            "properties": {
                "flavorRef": {"type": ["string", "integer"], "minLength": 1},
                "OS-DCF:diskConfig": {"type": "string", "enum": ["AUTO", "MANUAL"]},
            },
            "required": ["flavorRef"],
            "additionalProperties": False,
        }
    },
    "required": ["resize"],
    "additionalProperties": False,
}

#: ``migrate_v2_56`` (``schemas/migrate_server.py``): null, or an object with a ``host``
#: (``parameter_types.fqdn``, or null). Before 2.56 the value is not checked.
migrate_v256 = {
    "type": "object",
    "properties": {
        "migrate": {
            "type": ["object", "null"],
            "properties": {
                "host": {"type": ["string", "null"], "minLength": 1, "maxLength": 255},
            },
            "additionalProperties": False,
        }
    },
    "required": ["migrate"],
    "additionalProperties": False,
}

#: ``migrate_live`` (``schemas/migrate_server.py``, 17.0.13-34.0.0): ``block_migration`` and
#: ``disk_over_commit`` booleans and a ``host`` (``parameter_types.fqdn`` or null), all required.
migrate_live = {
    "type": "object",
    "properties": {
        "os-migrateLive": {
            "type": "object",
            "properties": {
                "block_migration": boolean,
                "disk_over_commit": boolean,
                "host": {"type": ["string", "null"], "minLength": 1, "maxLength": 255},
            },
            "required": ["block_migration", "disk_over_commit", "host"],
            "additionalProperties": False,
        }
    },
    "required": ["os-migrateLive"],
    "additionalProperties": False,
}
#: ``migrate_live_v2_25``: no ``disk_over_commit``; ``block_migration`` may be ``auto``
#: (v2.68 is the same again, 2.30's ``force`` gone).
migrate_live_v225 = copy.deepcopy(migrate_live)
_live = migrate_live_v225["properties"]["os-migrateLive"]
del _live["properties"]["disk_over_commit"]
_live["properties"]["block_migration"] = {**boolean, "enum": [*boolean["enum"], "auto"]}
_live["required"] = ["block_migration", "host"]
#: ``migrate_live_v2_30``: and a boolean ``force``.
migrate_live_v230 = copy.deepcopy(migrate_live_v225)
migrate_live_v230["properties"]["os-migrateLive"]["properties"]["force"] = boolean

#: ``force_complete`` (``schemas/server_migrations.py``, 17.0.13-34.0.0): null only.
force_complete = {
    "type": "object",
    "properties": {"force_complete": {"type": "null"}},
    "required": ["force_complete"],
    "additionalProperties": False,
}

#: ``change_password`` (``schemas/admin_password.py``, 17.0.13-34.0.0): ``adminPass``, any
#: string (``parameter_types.admin_password``).
change_password = {
    "type": "object",
    "properties": {
        "changePassword": {
            "type": "object",
            "properties": {"adminPass": {"type": "string"}},
            "required": ["adminPass"],
            "additionalProperties": False,
        }
    },
    "required": ["changePassword"],
    "additionalProperties": False,
}

#: ``get_console_output`` (``schemas/console_output.py``, 17.0.13-34.0.0): an optional
#: ``length``, an integer from -1 or a string of digits (the pattern applies to strings only).
get_console_output = {
    "type": "object",
    "properties": {
        "os-getConsoleOutput": {
            "type": "object",
            "properties": {
                "length": {
                    "type": ["integer", "string", "null"],
                    "pattern": "^-?[0-9]+$",
                    "minimum": -1,
                }
            },
            "additionalProperties": False,
        }
    },
    "required": ["os-getConsoleOutput"],
    "additionalProperties": False,
}

#: ``trigger_crash_dump`` (``schemas/servers.py``, 17.0.13-34.0.0): null only.
trigger_crash_dump = {
    "type": "object",
    "properties": {"trigger_crash_dump": {"type": "null"}},
    "required": ["trigger_crash_dump"],
    "additionalProperties": False,
}


def _security_group_action(action: str) -> dict[str, Any]:
    """``add_security_group``/``remove_security_group`` as 31.0.0 fixed them (55f5b175ba;
    30.x's schema checked a top-level ``name`` no body has): a non-empty ``name``."""
    return {
        "type": "object",
        "properties": {
            action: {
                "type": "object",
                "properties": {"name": {"type": "string", "minLength": 1}},
                "required": ["name"],
                "additionalProperties": False,
            }
        },
        "required": [action],
        "additionalProperties": True,
    }


#: ``multinic.add_fixed_ip`` and ``remove_fixed_ip`` (nova 17.0.13-34.0.0 schemas/multinic.py):
#: ``networkId`` a string or number of at most 36 characters (the ``networks.uuid`` column),
#: ``address`` an IP address.
add_fixed_ip = {
    "type": "object",
    "properties": {
        "addFixedIp": {
            "type": "object",
            "properties": {
                "networkId": {"type": ["string", "number"], "minLength": 1, "maxLength": 36},
            },
            "required": ["networkId"],
            "additionalProperties": False,
        },
    },
    "required": ["addFixedIp"],
    "additionalProperties": False,
}
remove_fixed_ip = {
    "type": "object",
    "properties": {
        "removeFixedIp": {
            "type": "object",
            "properties": {"address": ip_address},
            "required": ["address"],
            "additionalProperties": False,
        },
    },
    "required": ["removeFixedIp"],
    "additionalProperties": False,
}


_SCHEMAS = {
    "addFixedIp": add_fixed_ip,
    "removeFixedIp": remove_fixed_ip,
    "changePassword": change_password,
    "os-getConsoleOutput": get_console_output,
    "trigger_crash_dump": trigger_crash_dump,
    "addSecurityGroup": _security_group_action("addSecurityGroup"),
    "removeSecurityGroup": _security_group_action("removeSecurityGroup"),
    "resize": resize,
    "migrate_v256": migrate_v256,
    "force_complete": force_complete,
    "migrate_live": migrate_live,
    "migrate_live_v225": migrate_live_v225,
    "migrate_live_v230": migrate_live_v230,
    "unshelve_v277": unshelve_v277,
    "unshelve_v291": unshelve_v291,
    "unshelve_v291_one_of": unshelve_v291_one_of,
    "create_image": create_image,
    "create_image_vendor": create_image_vendor,
    "lock_v273": lock_v273,
    "reboot": reboot,
    "reset_state": reset_state,
    "rescue": rescue,
}


def validator(key: str) -> SchemaValidator:
    """The compiled validator of a named schema, or of the null-valued action `key`."""
    found = _VALIDATORS.get(key)
    if found is None:
        schema = _SCHEMAS.get(key) or _action(key)
        found = _VALIDATORS[key] = SchemaValidator(schema)
    return found
