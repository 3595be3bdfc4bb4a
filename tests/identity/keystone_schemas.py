"""JSON Schemas of every Keystone response fakecloud serves, strict where clients are strict.

Written from Keystone's api-ref and from what keystoneauth, openstacksdk and Tempest read
(shared/spec/clients.md §1): a token needs ``expires_at`` and the ``X-Subject-Token`` header,
Tempest reads ``user``/``project`` with their domains, and every catalog endpoint needs both
``region`` and ``region_id``.
"""

import jsonschema

HEX32 = {"type": "string", "pattern": "^[0-9a-f]{32}$"}
TIMESTAMP = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$"}
LINK_SELF = {
    "type": "object",
    "required": ["self"],
    "properties": {"self": {"type": "string", "pattern": "^https?://"}},
}
DOMAIN_REF = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
    "additionalProperties": False,
}

ENDPOINT = {
    "type": "object",
    "required": ["id", "interface", "region", "region_id", "url"],
    "properties": {
        "id": HEX32,
        "interface": {"enum": ["public", "internal", "admin"]},
        "region": {"type": "string"},
        "region_id": {"type": "string"},
        "url": {"type": "string", "pattern": "^https?://[^/]+(/.*)?$"},
    },
    "additionalProperties": False,
}

CATALOG = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["endpoints", "id", "type", "name"],
        "properties": {
            # a service whose URL needs a project has none in a system or domain token
            "endpoints": {"type": "array", "items": ENDPOINT},
            "id": HEX32,
            "type": {"type": "string"},
            "name": {"type": "string"},
        },
        "additionalProperties": False,
    },
}

TOKEN = {
    "type": "object",
    "required": ["token"],
    "additionalProperties": False,
    "properties": {
        "token": {
            "type": "object",
            "required": ["methods", "user", "audit_ids", "expires_at", "issued_at"],
            "additionalProperties": False,
            "properties": {
                "methods": {
                    "type": "array",
                    "items": {"enum": ["password", "token", "application_credential"]},
                    "minItems": 1,
                },
                "user": {
                    "type": "object",
                    "required": ["domain", "id", "name", "password_expires_at"],
                    "properties": {
                        "domain": DOMAIN_REF,
                        "id": HEX32,
                        "name": {"type": "string"},
                        "password_expires_at": {"type": ["string", "null"]},
                    },
                    "additionalProperties": False,
                },
                "audit_ids": {
                    "type": "array",
                    "items": {"type": "string", "pattern": "^[A-Za-z0-9_-]{22}$"},
                    "minItems": 1,
                    "maxItems": 2,
                },
                "expires_at": TIMESTAMP,
                "issued_at": TIMESTAMP,
                "project": {
                    "type": "object",
                    "required": ["domain", "id", "name"],
                    "properties": {"domain": DOMAIN_REF, "id": HEX32, "name": {"type": "string"}},
                    "additionalProperties": False,
                },
                "is_domain": {"const": False},
                "domain": DOMAIN_REF,
                "system": {
                    "type": "object",
                    "required": ["all"],
                    "properties": {"all": {"const": True}},
                },
                "roles": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["id", "name"],
                        "properties": {"id": HEX32, "name": {"type": "string"}},
                        "additionalProperties": False,
                    },
                    "minItems": 1,
                },
                "catalog": CATALOG,
                "application_credential": {
                    "type": "object",
                    "required": ["id", "name", "restricted"],
                    "properties": {
                        "id": HEX32,
                        "name": {"type": "string"},
                        "restricted": {"type": "boolean"},
                        "access_rules": {"type": "array"},
                    },
                    "additionalProperties": False,
                },
            },
            # A scoped token has roles; project, domain and system scope exclude each other.
            "dependentRequired": {"project": ["roles", "is_domain"], "system": ["roles"]},
            "not": {
                "anyOf": [
                    {"required": ["project", "system"]},
                    {"required": ["project", "domain"]},
                    {"required": ["domain", "system"]},
                ]
            },
        }
    },
}

VERSION = {
    "type": "object",
    "required": ["id", "status", "updated", "links", "media-types"],
    "properties": {
        "id": {"type": "string", "pattern": r"^v3\.\d+$"},
        "status": {"enum": ["stable", "CURRENT", "SUPPORTED"]},
        "updated": {"type": "string"},
        "links": {
            "type": "array",
            "contains": {
                "type": "object",
                "required": ["rel", "href"],
                "properties": {"rel": {"const": "self"}, "href": {"type": "string"}},
            },
        },
        "media-types": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["base", "type"],
                "properties": {"base": {"type": "string"}, "type": {"type": "string"}},
            },
        },
    },
    "additionalProperties": False,
}
VERSION_DOC = {
    "type": "object",
    "required": ["version"],
    "properties": {"version": VERSION},
    "additionalProperties": False,
}
#: 13.x's root document also lists v2.0, deprecated (with a ``describedby`` link).
VERSION_V2 = {
    **VERSION,
    "properties": {
        **VERSION["properties"],
        "id": {"const": "v2.0"},
        "status": {"const": "deprecated"},
    },
}
VERSIONS_DOC = {
    "type": "object",
    "required": ["versions"],
    "properties": {
        "versions": {
            "type": "object",
            "required": ["values"],
            "properties": {
                "values": {
                    "type": "array",
                    "items": {"anyOf": [VERSION, VERSION_V2]},
                    "minItems": 1,
                }
            },
            "additionalProperties": False,
        }
    },
    "additionalProperties": False,
}

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "title"],
            "properties": {
                "code": {"type": "integer"},
                "message": {"type": "string", "minLength": 1},
                "title": {"type": "string", "minLength": 1},
            },
        }
    },
    "additionalProperties": False,
}

LIST_LINKS = {
    "type": "object",
    "required": ["self", "previous", "next"],
    "properties": {
        "self": {"type": "string"},
        "previous": {"type": "null"},
        "next": {"type": "null"},
    },
}

PROJECT = {
    "type": "object",
    "required": ["id", "name", "domain_id", "description", "enabled", "is_domain", "links"],
    "properties": {
        "id": HEX32,
        "name": {"type": "string"},
        "domain_id": {"type": "string"},
        "description": {"type": "string"},
        "enabled": {"type": "boolean"},
        "parent_id": {"type": ["string", "null"]},
        "is_domain": {"const": False},
        "tags": {"type": "array"},
        "options": {"type": "object"},
        "extra": {"type": "object"},  # a PATCH's answer (to_dict(include_extra_dict=True))
        "links": LINK_SELF,
    },
    "additionalProperties": False,
}
USER = {
    "type": "object",
    "required": ["id", "name", "domain_id", "enabled", "password_expires_at", "links"],
    "properties": {
        "id": HEX32,
        "name": {"type": "string"},
        "domain_id": {"type": "string"},
        "enabled": {"type": "boolean"},
        "password_expires_at": {"type": "null"},
        "default_project_id": HEX32,
        "options": {"type": "object"},
        "extra": {"type": "object"},  # a PATCH's answer, as a project's
        "links": LINK_SELF,
    },
    "additionalProperties": False,
}
ROLE = {
    "type": "object",
    "required": ["id", "name", "links"],
    "properties": {
        "id": HEX32,
        "name": {"type": "string"},
        "domain_id": {"type": "null"},
        "description": {"type": ["string", "null"]},
        "options": {"type": "object"},
        "links": LINK_SELF,
    },
    "additionalProperties": False,
}
GROUP = {
    "type": "object",
    "required": ["id", "name", "domain_id", "description", "links"],
    "properties": {
        "id": HEX32,
        "name": {"type": "string"},
        "domain_id": {"type": "string"},
        "description": {"type": "string"},
        "membership_expires_at": {"type": "null"},
        "links": LINK_SELF,
    },
    "additionalProperties": False,
}
#: ``/v3/projects/{id}/tags``: the tags and the link to them.
TAGS = {
    "type": "object",
    "required": ["tags", "links"],
    "properties": {"tags": {"type": "array", "items": {"type": "string"}}, "links": LINK_SELF},
    "additionalProperties": False,
}
DOMAIN = {
    "type": "object",
    "required": ["id", "name", "description", "enabled", "links"],
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string"},
        "description": {"type": "string"},
        "enabled": {"type": "boolean"},
        "tags": {"type": "array"},
        "options": {"type": "object"},
        "links": LINK_SELF,
    },
    "additionalProperties": False,
}


#: keystone 30.0.0 ``application_credential_schema`` (``secret`` on create only).
APP_CRED = {
    "type": "object",
    "required": ["id", "name", "description", "expires_at", "project_id", "roles", "links"],
    "properties": {
        "id": HEX32,
        "name": {"type": "string"},
        "description": {"type": ["string", "null"]},
        "expires_at": {"type": ["string", "null"]},
        "project_id": HEX32,
        "roles": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {
                    "id": HEX32,
                    "name": {"type": "string"},
                    "domain_id": {"type": ["string", "null"]},
                    "description": {"type": ["string", "null"]},
                    "options": {"type": ["object", "null"]},
                },
                "additionalProperties": False,
            },
        },
        "unrestricted": {"type": ["boolean", "null"]},
        "access_rules": {"type": "array"},
        "links": LINK_SELF,
        "secret": {"type": "string"},
        "user_id": HEX32,
        "system": {"type": ["string", "null"]},
    },
    "additionalProperties": False,
}
#: keystone 30.0.0 ``access_rule_schema``.
ACCESS_RULE = {
    "type": "object",
    "required": ["id", "path", "service", "method", "links"],
    "properties": {
        "id": HEX32,
        "path": {"type": "string"},
        "service": {"type": "string"},
        "method": {"enum": ["DELETE", "GET", "HEAD", "PATCH", "POST", "PUT"]},
        "links": LINK_SELF,
    },
    "additionalProperties": False,
}
#: keystone 30.0.0 ``credential_schema`` (its extra attributes allowed).
CREDENTIAL = {
    "type": "object",
    "required": ["id", "user_id", "type", "blob", "links"],
    "properties": {
        "id": {"type": "string"},
        "blob": {"type": "string"},
        "project_id": {"type": ["string", "null"]},
        "type": {"type": "string"},
        "user_id": HEX32,
        "links": LINK_SELF,
    },
}


#: keystone 30.0.0 ``registered_limit_schema`` (``keystone/limit/schema.py``).
REGISTERED_LIMIT = {
    "type": "object",
    "required": ["id", "service_id", "region_id", "resource_name", "default_limit", "links"],
    "properties": {
        "id": HEX32,
        "service_id": HEX32,
        "region_id": {"type": ["string", "null"]},
        "resource_name": {"type": "string"},
        "default_limit": {"type": "integer", "minimum": -1},
        "description": {"type": ["string", "null"]},
        "links": LINK_SELF,
    },
    "additionalProperties": False,
}
#: keystone 30.0.0 ``limit_schema``.
LIMIT = {
    "type": "object",
    "required": ["id", "project_id", "domain_id", "service_id", "resource_name", "links"],
    "properties": {
        **REGISTERED_LIMIT["properties"],
        "project_id": {"type": ["string", "null"]},
        "domain_id": {"type": ["string", "null"]},
        "resource_limit": {"type": "integer", "minimum": -1},
    },
    "additionalProperties": False,
}
del LIMIT["properties"]["default_limit"]


def listing(key, item):
    """The schema of ``{key: [item...], "links": {...}}``."""
    return {
        "type": "object",
        "required": [key, "links"],
        "properties": {key: {"type": "array", "items": item}, "links": LIST_LINKS},
        "additionalProperties": False,
    }


def single(key, item):
    """The schema of ``{key: item}``."""
    return {
        "type": "object",
        "required": [key],
        "properties": {key: item},
        "additionalProperties": False,
    }


def check(instance, schema):
    """Validate with the 2020-12 draft (``dependentRequired``, ``contains``)."""
    jsonschema.Draft202012Validator(schema).validate(instance)
