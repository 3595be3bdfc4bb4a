"""Glance's location API (Image API 2.17, glance 29.0.0): the body of ``POST
/v2/images/{id}/locations`` checked as ``RequestDeserializer.add_location`` and
``ImagesController._validate_hashing_data`` check it.

The body is validated against Glance's ``location`` schema (``get_add_location_properties``,
a ``PermissiveSchema``: the body is the ``add_location`` object), so a bad body is 400
"Provided object does not match schema 'location': <jsonschema's text>".

    >>> check_location_body({"url": "rbd://a/b/c/snap"})
    'rbd://a/b/c/snap'
"""

from __future__ import annotations

import hashlib
from typing import Any

from fakecloud.glance.errors import HTTPBadRequest, HTTPConflict
from fakecloud.glance.schema import LATEST_GLANCE, schema_text

#: ``get_location_schema().raw()`` of glance 29.0.0 (the same in 33.0.0).
LOCATION_SCHEMA: dict[str, Any] = {
    "name": "location",
    "properties": {
        "add_location": {
            "type": "object",
            "description": "Values of location url, do_secure_hash and validation_data for new "
            "add location API",
            "properties": {
                "url": {
                    "type": "string",
                    "readOnly": True,
                    "description": "The URL of the new location to be added in the image.",
                },
                "validation_data": {
                    "description": "Values to be used to populate the corresponding image "
                    "properties.do_secure_hash is not True then image checksum and hash will "
                    "not be calculated so it is the responsibility of the consumer of location "
                    "ADD API to provide the correct values in the validation_data parameter",
                    "type": "object",
                    "writeOnly": True,
                    "additionalProperties": False,
                    "properties": {
                        "os_hash_algo": {
                            "type": "string",
                            "maxLength": 64,
                            "enum": ["sha1", "sha256", "sha512", "md5"],
                        },
                        "os_hash_value": {"type": "string", "maxLength": 128},
                    },
                    "dependentRequired": {
                        "os_hash_value": ["os_hash_algo"],
                        "os_hash_algo": ["os_hash_value"],
                    },
                },
            },
            "required": ["url"],
        }
    },
    "additionalProperties": {"type": "string"},
}


def _schema_message(obj: Any, glance: int) -> str | None:
    """jsonschema's text for `obj` against the location schema (``Schema.validate``), in the
    words of Glance `glance`'s jsonschema (`fakecloud.glance.schema.schema_text`)."""
    import jsonschema

    cls = jsonschema.validators.validator_for(LOCATION_SCHEMA)
    error = jsonschema.exceptions.best_match(cls(LOCATION_SCHEMA).iter_errors(obj))
    return None if error is None else schema_text(error, glance)


def check_location_body(body: Any, glance: int = LATEST_GLANCE) -> str:
    """The URL of a location API body, or Glance's 400 when the body does not match the
    location schema (``RequestDeserializer.add_location``, before the image is read) of
    Glance `glance`."""
    message = _schema_message({"add_location": body}, glance)
    if message is not None:
        raise HTTPBadRequest(
            explanation=f"Provided object does not match schema 'location': {message}"
        )
    return body["url"]


def check_hashing_data(body: dict[str, Any], hashing_algorithm: str) -> None:
    """``ImagesController._validate_hashing_data``: the hash of a location API body's
    ``validation_data`` checked for form and size against its algorithm (``[DEFAULT]
    hashing_algorithm`` when the body names none), Glance's 400 otherwise."""
    validation = body.get("validation_data") or {}
    if "os_hash_value" in validation:
        value = validation["os_hash_value"]
        try:
            digest = bytes.fromhex(value)
        except ValueError:
            raise HTTPBadRequest(
                explanation=f"os_hash_value ({value}) is not a valid hexadecimal value"
            ) from None
        algo = validation.get("os_hash_algo", hashing_algorithm)
        want = hashlib.new(algo).digest_size
        if len(digest) != want:
            raise HTTPBadRequest(
                explanation=f"os_hash_value: ({value}) is not the correct size for ({algo}) "
                f"(should be ({want}) bytes)"
            )


#: The first Glance that puts an HTTP(S) location through web-download's filter
#: (``validate_uri``, LP #2161330): the location API's 400 "URI for add location does not pass
#: filtering: URL" (``add_location``, before the lock), and a PATCH'd location's "Invalid
#: location" (``validate_external_location``, now before the store is asked). In no 29.x-32.x
#: point release (29.2.1, 30.2.0, 31.1.0, 32.0.0 and their stable branches read).
LOCATION_FILTER_SINCE = 33
#: The schemes the filter applies to (any other location URI is the store's to judge).
FILTERED_SCHEMES = ("http", "https")


#: ``store_utils.RESTRICTED_URI_SCHEMAS`` (every series): schemes ``validate_external_location``
#: refuses as a location, whatever the stores.
RESTRICTED_SCHEMES = frozenset({"file", "filesystem", "swift+config"})
#: Schemes no location of fakecloud's Glance can name: the restricted ones, and HTTP(S) (the
#: http store is not modelled: the location API refuses a normal user's URL for want of it).
UNREADABLE_SCHEMES = RESTRICTED_SCHEMES | set(FILTERED_SCHEMES)
#: ``_check_location_uri``'s BadStoreUri, a PATCH's 400 and the location task's failure.
INVALID = "Invalid location"


#: The first Glance that reads a PATCH'd location's ``validation_data`` (b25a80fcd, 18.0.0).
VALIDATION_DATA_SINCE = 18

#: The first Glance with the location API (``POST``/``GET /v2/images/{id}/locations``,
#: 29.0.0, Image API 2.17); before, the path is unknown (a plain 404).
LOCATION_API_SINCE = 29


def validation_data(image: Any, locations: list[dict[str, Any]], hashing_algorithm: str) -> dict:
    """``ImagesController._validate_validation_data`` (18.0.1 = 33.0.0): the checksum and
    hash the locations' ``validation_data`` give a queued image, or Glance's 409s (values that
    conflict, differ from the image's, come after ``queued``, or are malformed)."""
    given: dict[str, Any] = {}
    for loc in locations:
        for k, v in (loc.get("validation_data") or {}).items():
            if given.get(k, v) != v:
                raise HTTPConflict(explanation=f"Conflicting values for {k}")
            given[k] = v
    new = {}
    for k, v in given.items():
        current = getattr(image, k)
        if v == current:
            continue
        if current:
            raise HTTPConflict(explanation=f"{k} is already set with a different value")
        new[k] = v
    if not new:
        return {}
    if image.status != "queued":
        raise HTTPConflict(
            explanation=f"New value(s) for {', '.join(new)} may only be provided when image "
            "status is 'queued'"
        )
    if "checksum" in new:
        try:
            size = len(bytes.fromhex(new["checksum"]))
        except ValueError:
            raise HTTPConflict(
                explanation=f"checksum ({new['checksum']}) is not a valid hexadecimal value"
            ) from None
        if size != 16:
            raise HTTPConflict(
                explanation=f"checksum ({new['checksum']}) is not the correct size for md5 "
                "(should be 16 bytes)"
            )
    algo = new.get("os_hash_algo")
    if algo != hashing_algorithm:
        raise HTTPConflict(explanation=f"os_hash_algo must be {hashing_algorithm}, not {algo}")
    value = new.get("os_hash_value")
    try:
        digest = bytes.fromhex(value)
    except (TypeError, ValueError):
        raise HTTPConflict(explanation=f"os_hash_value ({value}) is not a valid hexadecimal value")
    want = hashlib.new(algo).digest_size
    if len(digest) != want:
        raise HTTPConflict(
            explanation=f"os_hash_value ({value}) is not the correct size for {algo} (should "
            f"be {want} bytes)"
        )
    return new


__all__ = [
    "FILTERED_SCHEMES",
    "INVALID",
    "LOCATION_API_SINCE",
    "LOCATION_FILTER_SINCE",
    "LOCATION_SCHEMA",
    "RESTRICTED_SCHEMES",
    "UNREADABLE_SCHEMES",
    "VALIDATION_DATA_SINCE",
    "check_hashing_data",
    "check_location_body",
    "validation_data",
]
