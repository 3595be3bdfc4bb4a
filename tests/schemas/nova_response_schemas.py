"""Nova's own response-body JSON schemas, per microversion, vendored for the shape tests.

Copied from nova 34.0.0 (Apache-2.0, (c) OpenStack Foundation and contributors), files
``nova/api/validation/parameter_types.py`` (the names used here),
``nova/api/validation/response_types.py`` and the response-schema part of
``nova/api/openstack/compute/schemas/{servers,flavors,limits,versions,images,
instance_actions,pause_server,suspend_server,rescue,shelve,lock_server,admin_actions,
create_backup,deferred_delete,admin_password,console_output,security_groups,
image_metadata,flavors_extraspecs,volume_attachments,simple_tenant_usage,
server_diagnostics,server_topology,server_password,server_external_events,server_metadata,server_tags,ips,networks,
volumes,snapshots,availability_zone,keypairs,services,hypervisors,flavor_access,aggregates,server_groups,
assisted_volume_snapshots}.py``.
Each module's text is kept verbatim inside a class of the module's name, so ``servers.X`` here
is ``nova.api.openstack.compute.schemas.servers.X`` there; nothing is imported from nova.

`ROUTES` maps ``(method, path template)`` to ``[(min, max, schema)]`` exactly as the
``@validation.response_body_schema(schema, min, max)`` decorators in
``nova/api/openstack/compute/*.py`` say (``None`` = open end); `ACTIONS` does the same for the
``POST /servers/{server_id}/action`` bodies, keyed by action name.
"""

# ruff: noqa: E501

import copy


class parameter_types:
    """nova/api/validation/parameter_types.py (the names the schemas below use)."""

    name = {
        # NOTE: Nova v2.1 API contains some 'name' parameters such
        # as server, flavor, aggregate and so on. They are
        # stored in the DB and Nova specific parameters.
        # This definition is used for all their parameters.
        "type": "string",
        "format": "name",
        "minLength": 1,
        "maxLength": 255,
    }

    ip_address = {"type": "string", "oneOf": [{"format": "ipv4"}, {"format": "ipv6"}]}

    server_id = {
        "type": "string",
        "format": "uuid",
    }

    project_id = {
        "type": "string",
        "pattern": "^[a-zA-Z0-9-]*$",
        "minLength": 1,
        "maxLength": 255,
    }

    user_id = {
        "type": "string",
        "pattern": "^[a-zA-Z0-9-]*$",
        "minLength": 1,
        "maxLength": 255,
    }

    metadata = {
        "type": "object",
        "patternProperties": {"^[a-zA-Z0-9-_:. ]{1,255}$": {"type": "string", "maxLength": 255}},
        "additionalProperties": False,
    }

    boolean = {
        "type": ["boolean", "string"],
        "enum": [True, "True", "TRUE", "true", "1", "ON", "On", "on",
                 "YES", "Yes", "yes",
                 False, "False", "FALSE", "false", "0", "OFF", "Off", "off",
                 "NO", "No", "no"],
    }  # fmt: skip

    volume_id = {"type": "string", "format": "uuid"}

    attachment_id = {"type": "string", "format": "uuid"}

    tag = {
        "type": "string",
        "pattern": "^[^,/]*$",
        "minLength": 1,
        "maxLength": 60,  # nova/objects/tag.py MAX_TAG_LENGTH
    }


class response_types:
    """nova/api/validation/response_types.py."""

    metadata = {
        "type": "object",
        "patternProperties": {
            "^[a-zA-Z0-9-_:. ]{1,255}$": {
                "type": ["string", "null"],
                "maxLength": 255,
            }
        },
        "additionalProperties": False,
    }

    meta = copy.deepcopy(metadata)
    meta["minProperties"] = 1
    meta["maxProperties"] = 1

    links = {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "rel": {
                    "type": "string",
                    "enum": ["self", "bookmark"],
                },
                "href": {
                    "type": "string",
                    "format": "uri",
                },
            },
            "required": ["rel", "href"],
            "additionalProperties": False,
        },
    }

    collection_links = {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "rel": {
                    "const": "next",
                },
                "href": {
                    "type": "string",
                    "format": "uri",
                },
            },
            "required": ["rel", "href"],
            "additionalProperties": False,
        },
        # there should be one and only one link object
        "minItems": 1,
        "maxItems": 1,
    }


class servers:
    """nova/api/openstack/compute/schemas/servers.py (response schemas)."""

    _hints = {
        "type": "object",
        "properties": {
            "group": {
                "oneOf": [
                    {
                        "type": "array",
                        "items": {"type": "string", "format": "uuid"},
                    },
                    {"type": "string", "format": "uuid"},
                ],
            },
            "different_host": {
                # NOTE: The value of 'different_host' is the set of server
                # uuids where a new server is scheduled on a different host.
                # A user can specify one server as string parameter and should
                # specify multiple servers as array parameter instead.
                "oneOf": [
                    {"type": "string", "format": "uuid"},
                    {"type": "array", "items": parameter_types.server_id},
                ]
            },
            "same_host": {
                # NOTE: The value of 'same_host' is the set of server
                # uuids where a new server is scheduled on the same host.
                "type": ["string", "array"],
                "items": parameter_types.server_id,
            },
            "query": {
                # NOTE: The value of 'query' is converted to dict data with
                # jsonutils.loads() and used for filtering hosts.
                "type": ["string", "object"],
            },
            # NOTE: The value of 'target_cell' is the cell name what cell
            # a new server is scheduled on.
            "target_cell": parameter_types.name,
            "different_cell": {"type": ["string", "array"], "items": {"type": "string"}},
            "build_near_host_ip": parameter_types.ip_address,
            "cidr": {"type": "string", "pattern": "^/[0-9a-f.:]+$"},
        },
        # NOTE: As this Mail:
        # http://lists.openstack.org/pipermail/openstack-dev/2015-June/067996.html
        # pointed out the limit the scheduler-hints in the API is problematic. So
        # relax it.
        "additionalProperties": True,
    }

    _server_status = {
        "type": "string",
        "enum": [
            "ACTIVE",
            "BUILD",
            "DELETED",
            "ERROR",
            "HARD_REBOOT",
            "MIGRATING",
            "PASSWORD",
            "PAUSED",
            "REBOOT",
            "REBUILD",
            "RESCUE",
            "RESIZE",
            "REVERT_RESIZE",
            "SHELVED",
            "SHELVED_OFFLOADED",
            "SHUTOFF",
            "SOFT_DELETED",
            "SUSPENDED",
            # UNKNOWN can be returned if the DB is corrupt
            "UNKNOWN",
            "VERIFY_RESIZE",
        ],
    }

    index_response = {
        "type": "object",
        "properties": {
            "servers": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string", "format": "uuid"},
                        "links": response_types.links,
                        "name": {"type": "string"},
                    },
                    "required": ["id", "links", "name"],
                    "additionalProperties": False,
                },
            },
            "servers_links": response_types.collection_links,
        },
        "required": ["servers"],
        "additionalProperties": False,
    }

    # v2.69 add an alternative representation for instances from down cells. name
    # is gone, status is in.
    index_response_v269 = copy.deepcopy(index_response)
    index_response_v269["properties"]["servers"]["items"] = {
        "oneOf": [
            index_response_v269["properties"]["servers"]["items"],
            {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "links": response_types.links,
                    "status": {"type": "string", "const": "UNKNOWN"},
                },
                "required": ["id", "links", "status"],
                "additionalProperties": False,
            },
        ],
    }

    _server_cell_down_response = {
        "type": "object",
        "properties": {
            "created": {"type": "string", "format": "date-time"},
            "flavor": {
                "type": "object",
                "properties": {
                    "disk": {"type": "integer"},
                    "ephemeral": {"type": "integer"},
                    "extra_specs": {
                        "type": "object",
                        "patternProperties": {
                            "^.+$": {"type": "string"},
                        },
                        "additionalProperties": False,
                    },
                    "original_name": {"type": "string"},
                    "ram": {"type": "integer"},
                    "swap": {"type": "integer"},
                    "vcpus": {"type": "integer"},
                },
                # extra_specs is only show if policy allows
                "required": ["disk", "ephemeral", "original_name", "ram", "swap", "vcpus"],
                "additionalProperties": False,
            },
            "id": {"type": "string", "format": "uuid"},
            "image": {
                "oneOf": [
                    {"type": "string", "const": ""},
                    {
                        "type": "object",
                        "properties": {
                            "id": {"type": "string", "format": "uuid"},
                            "links": response_types.links,
                        },
                        "additionalProperties": False,
                    },
                ],
            },
            "links": response_types.links,
            "status": {"type": "string", "const": "UNKNOWN"},
            "tenant_id": parameter_types.project_id,
            "user_id": parameter_types.user_id,
            "OS-EXT-AZ:availability_zone": {"type": "string"},
            "OS-EXT-STS:power_state": {
                "type": ["integer", "null"],
                "enum": [0, 1, 3, 4, 6, 7, None],
            },
        },
        "required": [
            "created",
            "flavor",
            "id",
            "image",
            "links",
            "status",
            "tenant_id",
            "user_id",
            "OS-EXT-AZ:availability_zone",
            "OS-EXT-STS:power_state",
        ],
        "additionalProperties": False,
    }

    _server_detail_cell_down_response = copy.deepcopy(_server_cell_down_response)
    del _server_detail_cell_down_response["properties"]["flavor"]
    del _server_detail_cell_down_response["properties"]["image"]
    del _server_detail_cell_down_response["properties"]["user_id"]
    del _server_detail_cell_down_response["properties"]["OS-EXT-AZ:availability_zone"]
    del _server_detail_cell_down_response["properties"]["OS-EXT-STS:power_state"]
    _server_detail_cell_down_response["required"].remove("flavor")
    _server_detail_cell_down_response["required"].remove("image")
    _server_detail_cell_down_response["required"].remove("user_id")
    _server_detail_cell_down_response["required"].remove("OS-EXT-AZ:availability_zone")
    _server_detail_cell_down_response["required"].remove("OS-EXT-STS:power_state")

    _server_cell_down_response_v271 = copy.deepcopy(_server_cell_down_response)
    _server_cell_down_response_v271["properties"].update(
        {
            "server_groups": {
                "type": "array",
                "items": {"type": "string", "format": "uuid"},
                "maxLength": 1,
            },
        }
    )
    _server_cell_down_response_v271["required"].append("server_groups")

    _server_response = {
        "type": "object",
        "properties": {
            "accessIPv4": {
                "type": "string",
                "oneOf": [{"format": "ipv4"}, {"const": ""}],
            },
            "accessIPv6": {
                "type": "string",
                "oneOf": [{"format": "ipv6"}, {"const": ""}],
            },
            "addresses": {
                "type": "object",
                "patternProperties": {
                    "^.*$": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "addr": {
                                    "type": "string",
                                    "oneOf": [
                                        {"format": "ipv4"},
                                        {"format": "ipv6"},
                                    ],
                                },
                                "version": {
                                    "type": "number",
                                    "enum": [4, 6],
                                },
                                "OS-EXT-IPS:type": {
                                    "type": "string",
                                    "enum": ["fixed", "floating"],
                                },
                                "OS-EXT-IPS-MAC:mac_addr": {
                                    "type": "string",
                                    "format": "mac-address",
                                },
                            },
                            "required": [
                                "addr",
                                "version",
                                "OS-EXT-IPS:type",
                                "OS-EXT-IPS-MAC:mac_addr",
                            ],
                            "additionalProperties": False,
                        },
                    },
                },
                "additionalProperties": False,
            },
            "config_drive": {
                "type": ["string", "null"],
                "enum": ["", "True", "False", None],
            },
            "created": {"type": "string", "format": "date-time"},
            "fault": {
                "type": "object",
                "properties": {
                    "code": {"type": "integer"},
                    "created": {"type": "string", "format": "date-time"},
                    "details": {"type": "string"},
                    "message": {"type": "string"},
                },
                "required": ["code", "created", "message"],
                "additionalProperties": False,
            },
            "flavor": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "links": response_types.links,
                },
                "additionalProperties": False,
            },
            "hostId": {"type": "string"},
            "id": {"type": "string", "format": "uuid"},
            "image": {
                "oneOf": [
                    {"type": "string", "const": ""},
                    {
                        "type": "object",
                        "properties": {
                            "id": {"type": "string", "format": "uuid"},
                            "links": response_types.links,
                        },
                        "additionalProperties": False,
                    },
                ],
            },
            "key_name": {"type": ["null", "string"]},
            "links": response_types.links,
            "metadata": {
                "type": "object",
                "patternProperties": {
                    "^.+$": {"type": "string"},
                },
                "additionalProperties": False,
            },
            "name": {"type": ["string", "null"]},
            "os-extended-volumes:volumes_attached": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                    },
                    "required": ["id"],
                    "additionalProperties": False,
                },
            },
            "progress": {"type": ["null", "number"]},
            "security_groups": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                    },
                    "required": ["name"],
                    "additionalProperties": False,
                },
            },
            "status": _server_status,
            "tenant_id": parameter_types.project_id,
            "updated": {"type": "string", "format": "date-time"},
            "user_id": parameter_types.user_id,
            "OS-DCF:diskConfig": {"type": "string"},
            "OS-EXT-AZ:availability_zone": {"type": "string"},
            "OS-EXT-SRV-ATTR:host": {"type": ["string", "null"]},
            "OS-EXT-SRV-ATTR:hypervisor_hostname": {"type": ["string", "null"]},
            "OS-EXT-SRV-ATTR:instance_name": {"type": "string"},
            "OS-EXT-STS:power_state": {
                "type": ["integer", "null"],
                "enum": [0, 1, 3, 4, 6, 7, None],
            },
            "OS-EXT-STS:task_state": {"type": ["string", "null"]},
            "OS-EXT-STS:vm_state": {"type": ["string", "null"]},
            "OS-SRV-USG:launched_at": {
                "type": ["string", "null"],
                "format": "date-time",
            },
            "OS-SRV-USG:terminated_at": {
                "type": ["string", "null"],
                "format": "date-time",
            },
        },
        "required": [
            # fault, progress depend on server state
            "accessIPv4",
            "accessIPv6",
            "addresses",
            "config_drive",
            "created",
            "flavor",
            "hostId",
            "id",
            "image",
            "key_name",
            "links",
            "metadata",
            "name",
            "os-extended-volumes:volumes_attached",
            "status",
            "tenant_id",
            "updated",
            "user_id",
            "OS-DCF:diskConfig",
            "OS-EXT-AZ:availability_zone",
            "OS-EXT-STS:power_state",
            "OS-EXT-STS:task_state",
            "OS-EXT-STS:vm_state",
            "OS-SRV-USG:launched_at",
            "OS-SRV-USG:terminated_at",
        ],
        "additionalProperties": False,
    }

    _server_response_v23 = copy.deepcopy(_server_response)
    # all of these are behind policy, so we don't need to update 'required'
    _server_response_v23["properties"].update(
        {
            "OS-EXT-SRV-ATTR:hostname": {"type": "string"},
            "OS-EXT-SRV-ATTR:kernel_id": {"type": ["string", "null"]},
            "OS-EXT-SRV-ATTR:launch_index": {"type": ["integer", "null"]},
            "OS-EXT-SRV-ATTR:ramdisk_id": {"type": ["string", "null"]},
            "OS-EXT-SRV-ATTR:reservation_id": {"type": ["string", "null"]},
            "OS-EXT-SRV-ATTR:root_device_name": {"type": ["string", "null"]},
            "OS-EXT-SRV-ATTR:user_data": {
                "type": ["string", "null"],
                "format": "base64",
                "maxLength": 65535,
            },
        }
    )
    _server_response_v23["properties"]["os-extended-volumes:volumes_attached"] = {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "delete_on_termination": {
                    "type": "boolean",
                    "default": False,
                },
            },
            "required": ["id", "delete_on_termination"],
            "additionalProperties": False,
        },
    }

    _server_response_v29 = copy.deepcopy(_server_response_v23)
    _server_response_v29["properties"].update(
        {
            "locked": {"type": "boolean"},
        }
    )
    _server_response_v29["required"].append("locked")

    _server_response_v216 = copy.deepcopy(_server_response_v29)
    _server_response_v216["properties"].update(
        {
            "host_status": {"type": "string", "enum": ["UP", "DOWN", "MAINTENANCE", "UNKNOWN", ""]},
        }
    )

    _server_response_v219 = copy.deepcopy(_server_response_v216)
    _server_response_v219["properties"].update(
        {
            "description": {"type": ["string", "null"]},
        }
    )
    _server_response_v219["required"].append("description")

    _server_response_v226 = copy.deepcopy(_server_response_v219)
    _server_response_v226["properties"].update(
        {
            "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 50},
        }
    )
    _server_response_v226["required"].append("tags")

    _server_response_v247 = copy.deepcopy(_server_response_v226)
    _server_response_v247["properties"]["flavor"] = {
        "type": "object",
        "properties": {
            "disk": {"type": "integer"},
            "ephemeral": {"type": "integer"},
            "extra_specs": {
                "type": "object",
                "patternProperties": {
                    "^.+$": {"type": "string"},
                },
                "additionalProperties": False,
            },
            "original_name": {"type": "string"},
            "ram": {"type": "integer"},
            "swap": {"type": "integer"},
            "vcpus": {"type": "integer"},
        },
        # extra_specs is only show if policy allows
        "required": ["disk", "ephemeral", "original_name", "ram", "swap", "vcpus"],
        "additionalProperties": False,
    }

    _server_response_v263 = copy.deepcopy(_server_response_v247)
    _server_response_v263["properties"].update(
        {
            "trusted_image_certificates": {
                "type": ["array", "null"],
                "items": {"type": "string"},
            },
        }
    )
    _server_response_v263["required"].append("trusted_image_certificates")

    # Unfortunately from here the server show and server detail list views differ
    # since server_groups are not shown for the latter. We should remedy that but
    # for now, we need to take different paths.
    _server_response_v271 = copy.deepcopy(_server_response_v263)
    _server_response_v271["properties"].update(
        {
            "server_groups": {
                "type": "array",
                "items": {"type": "string", "format": "uuid"},
                "maxLength": 1,
            },
        }
    )
    _server_response_v271["required"].append("server_groups")

    _server_response_v273 = copy.deepcopy(_server_response_v271)
    _server_response_v273["properties"].update(
        {
            "locked_reason": {"type": ["null", "string"]},
        }
    )
    _server_response_v273["required"].append("locked_reason")

    # Note that we based on v2.63 to exclude the server_groups addition
    _server_detail_response_v273 = copy.deepcopy(_server_response_v263)
    _server_detail_response_v273["properties"].update(
        {
            "locked_reason": {"type": ["null", "string"]},
        }
    )
    _server_detail_response_v273["required"].append("locked_reason")

    _server_response_v290 = copy.deepcopy(_server_response_v273)
    _server_response_v290["required"].append("OS-EXT-SRV-ATTR:hostname")

    _server_detail_response_v290 = copy.deepcopy(_server_detail_response_v273)
    _server_detail_response_v290["required"].append("OS-EXT-SRV-ATTR:hostname")

    _server_response_v296 = copy.deepcopy(_server_response_v290)
    _server_response_v296["properties"].update(
        {
            "pinned_availability_zone": {"type": ["string", "null"]},
        }
    )
    _server_response_v296["required"].append("pinned_availability_zone")

    _server_detail_response_v296 = copy.deepcopy(_server_detail_response_v290)
    _server_detail_response_v296["properties"].update(
        {
            "pinned_availability_zone": {"type": ["string", "null"]},
        }
    )
    _server_detail_response_v296["required"].append("pinned_availability_zone")

    _server_response_v298 = copy.deepcopy(_server_response_v296)
    _server_response_v298["properties"]["image"]["oneOf"][1]["properties"].update(
        {
            "properties": {
                "type": "object",
                "patternProperties": {
                    "^[a-zA-Z0-9_:. ]{1,255}$": {
                        "type": ["string", "null"],
                        "maxLength": 255,
                    },
                },
                "additionalProperties": False,
            },
        }
    )

    _server_detail_response_v298 = copy.deepcopy(_server_detail_response_v296)
    _server_detail_response_v298["properties"]["image"]["oneOf"][1]["properties"].update(
        {
            "properties": {
                "type": "object",
                "patternProperties": {
                    "^[a-zA-Z0-9_:. ]{1,255}$": {
                        "type": ["string", "null"],
                        "maxLength": 255,
                    },
                },
                "additionalProperties": False,
            },
        }
    )

    _server_response_v2100 = copy.deepcopy(_server_response_v298)
    _server_response_v2100["properties"].update(
        {
            "scheduler_hints": _hints,
        }
    )
    _server_response_v2100["required"].append("scheduler_hints")

    _server_detail_response_v2100 = copy.deepcopy(_server_detail_response_v298)
    _server_detail_response_v2100["properties"].update(
        {
            "scheduler_hints": _hints,
        }
    )
    _server_detail_response_v2100["required"].append("scheduler_hints")

    detail_response = {
        "type": "object",
        "properties": {
            "servers": {
                "type": "array",
                "items": _server_response,
            },
            "servers_links": response_types.collection_links,
        },
        "required": ["servers"],
        "additionalProperties": False,
    }

    detail_response_v23 = copy.deepcopy(detail_response)
    detail_response_v23["properties"]["servers"]["items"] = _server_response_v23

    detail_response_v29 = copy.deepcopy(detail_response_v23)
    detail_response_v29["properties"]["servers"]["items"] = _server_response_v29

    detail_response_v216 = copy.deepcopy(detail_response_v29)
    detail_response_v216["properties"]["servers"]["items"] = _server_response_v216

    detail_response_v219 = copy.deepcopy(detail_response_v216)
    detail_response_v219["properties"]["servers"]["items"] = _server_response_v219

    detail_response_v226 = copy.deepcopy(detail_response_v219)
    detail_response_v226["properties"]["servers"]["items"] = _server_response_v226

    detail_response_v247 = copy.deepcopy(detail_response_v226)
    detail_response_v247["properties"]["servers"]["items"] = _server_response_v247

    detail_response_v263 = copy.deepcopy(detail_response_v247)
    detail_response_v263["properties"]["servers"]["items"] = _server_response_v263

    # this is the first version to introduce down cell support. We model this as an
    # entirely different schema rather than making most of the fields optional
    detail_response_v269 = copy.deepcopy(detail_response_v263)
    detail_response_v269["properties"]["servers"]["items"] = {
        "oneOf": [_server_response_v263, _server_detail_cell_down_response],
    }

    detail_response_v273 = copy.deepcopy(detail_response_v263)
    detail_response_v273["properties"]["servers"]["items"] = {
        "oneOf": [_server_detail_response_v273, _server_detail_cell_down_response],
    }

    detail_response_v290 = copy.deepcopy(detail_response_v273)
    detail_response_v290["properties"]["servers"]["items"] = {
        "oneOf": [_server_detail_response_v290, _server_detail_cell_down_response],
    }

    detail_response_v296 = copy.deepcopy(detail_response_v290)
    detail_response_v296["properties"]["servers"]["items"] = {
        "oneOf": [_server_detail_response_v296, _server_detail_cell_down_response],
    }

    detail_response_v298 = copy.deepcopy(detail_response_v296)
    detail_response_v298["properties"]["servers"]["items"] = {
        "oneOf": [_server_detail_response_v298, _server_detail_cell_down_response],
    }

    detail_response_v2100 = copy.deepcopy(detail_response_v298)
    detail_response_v2100["properties"]["servers"]["items"] = {
        "oneOf": [_server_detail_response_v2100, _server_detail_cell_down_response],
    }

    show_response = {
        "type": "object",
        "properties": {
            "server": _server_response,
        },
        "required": ["server"],
        "additionalProperties": False,
    }

    show_response_v23 = copy.deepcopy(show_response)
    show_response_v23["properties"]["server"] = _server_response_v23

    show_response_v29 = copy.deepcopy(show_response_v23)
    show_response_v29["properties"]["server"] = _server_response_v29

    show_response_v216 = copy.deepcopy(show_response_v29)
    show_response_v216["properties"]["server"] = _server_response_v216

    show_response_v219 = copy.deepcopy(show_response_v216)
    show_response_v219["properties"]["server"] = _server_response_v219

    show_response_v226 = copy.deepcopy(show_response_v219)
    show_response_v226["properties"]["server"] = _server_response_v226

    show_response_v247 = copy.deepcopy(show_response_v226)
    show_response_v247["properties"]["server"] = _server_response_v247

    show_response_v263 = copy.deepcopy(show_response_v247)
    show_response_v263["properties"]["server"] = _server_response_v263

    # this is the first version to introduce down cell support. We model this as an
    # entirely different schema rather than making most of the fields optional
    show_response_v269 = copy.deepcopy(show_response_v263)
    show_response_v269["properties"]["server"] = {
        "oneOf": [_server_response_v263, _server_cell_down_response],
    }

    show_response_v271 = copy.deepcopy(show_response_v269)
    show_response_v271["properties"]["server"] = {
        "oneOf": [_server_response_v271, _server_cell_down_response_v271],
    }

    show_response_v273 = copy.deepcopy(show_response_v271)
    show_response_v273["properties"]["server"] = {
        "oneOf": [_server_response_v273, _server_cell_down_response_v271],
    }

    show_response_v290 = copy.deepcopy(show_response_v273)
    show_response_v290["properties"]["server"] = {
        "oneOf": [_server_response_v290, _server_cell_down_response_v271],
    }

    show_response_v296 = copy.deepcopy(show_response_v290)
    show_response_v296["properties"]["server"] = {
        "oneOf": [_server_response_v296, _server_cell_down_response_v271],
    }

    show_response_v298 = copy.deepcopy(show_response_v290)
    show_response_v298["properties"]["server"] = {
        "oneOf": [_server_response_v298, _server_cell_down_response_v271],
    }

    show_response_v2100 = copy.deepcopy(show_response_v298)
    show_response_v2100["properties"]["server"] = {
        "oneOf": [_server_response_v2100, _server_cell_down_response_v271],
    }

    create_response = {
        "type": "object",
        "oneOf": [
            {
                "properties": {
                    "reservation_id": {"type": "string"},
                },
                "required": ["reservation_id"],
                "additionalProperties": False,
            },
            {
                "properties": {
                    "server": {
                        "type": "object",
                        "properties": {
                            "adminPass": {"type": "string"},
                            "id": {"type": "string", "format": "uuid"},
                            "links": response_types.links,
                            "security_groups": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "name": {"type": "string"},
                                    },
                                    "required": ["name"],
                                    "additionalProperties": False,
                                },
                            },
                            "OS-DCF:diskConfig": {
                                "type": "string",
                                "enum": ["AUTO", "MANUAL"],
                            },
                        },
                        "required": [
                            # adminPass is an unfortunate example of config-driven
                            # API behavior and isn't present unless enabled
                            "id",
                            "links",
                            "security_groups",
                            "OS-DCF:diskConfig",
                        ],
                        "additionalProperties": False,
                    },
                },
                "required": ["server"],
                "additionalProperties": False,
            },
        ],
    }

    update_response = {
        "type": "object",
        "properties": {
            "server": {
                "type": "object",
                "properties": {
                    "accessIPv4": {
                        "type": "string",
                        "oneOf": [{"format": "ipv4"}, {"const": ""}],
                    },
                    "accessIPv6": {
                        "type": "string",
                        "oneOf": [{"format": "ipv6"}, {"const": ""}],
                    },
                    "addresses": {
                        "type": "object",
                        "patternProperties": {
                            "^.+$": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "addr": {
                                            "type": "string",
                                            "oneOf": [
                                                {"format": "ipv4"},
                                                {"format": "ipv6"},
                                            ],
                                        },
                                        "version": {
                                            "type": "number",
                                            "enum": [4, 6],
                                        },
                                    },
                                    "required": ["addr", "version"],
                                    "additionalProperties": False,
                                },
                            },
                        },
                        "additionalProperties": False,
                    },
                    "created": {"type": "string", "format": "date-time"},
                    "fault": {
                        "type": "object",
                        "properties": {
                            "code": {"type": "integer"},
                            "created": {"type": "string", "format": "date-time"},
                            "details": {"type": "string"},
                            "message": {"type": "string"},
                        },
                        "required": ["code", "created", "message"],
                        "additionalProperties": False,
                    },
                    "flavor": {
                        "type": "object",
                        "properties": {
                            "id": {"type": "string"},
                            "links": response_types.links,
                        },
                        "additionalProperties": False,
                    },
                    "hostId": {"type": "string"},
                    "id": {"type": "string"},
                    "image": {
                        "oneOf": [
                            {"type": "string", "const": ""},
                            {
                                "type": "object",
                                "properties": {
                                    "id": {"type": "string", "format": "uuid"},
                                    "links": response_types.links,
                                },
                                "additionalProperties": False,
                            },
                        ],
                    },
                    "links": response_types.links,
                    "metadata": {
                        "type": "object",
                        "patternProperties": {
                            "^.+$": {"type": "string"},
                        },
                        "additionalProperties": False,
                    },
                    "name": {"type": ["string", "null"]},
                    "progress": {"type": ["null", "number"]},
                    "status": _server_status,
                    "tenant_id": parameter_types.project_id,
                    "updated": {"type": "string", "format": "date-time"},
                    "user_id": parameter_types.user_id,
                    "OS-DCF:diskConfig": {"type": "string"},
                },
                "required": [
                    # fault, progress depend on server state
                    "accessIPv4",
                    "accessIPv6",
                    "addresses",
                    "created",
                    "flavor",
                    "hostId",
                    "id",
                    "image",
                    "links",
                    "metadata",
                    "name",
                    "status",
                    "tenant_id",
                    "updated",
                    "user_id",
                    "OS-DCF:diskConfig",
                ],
                "additionalProperties": False,
            },
        },
        "required": ["server"],
        "additionalProperties": False,
    }

    update_response_v29 = copy.deepcopy(update_response)
    update_response_v29["properties"]["server"]["properties"]["locked"] = {
        "type": "boolean",
    }
    update_response_v29["properties"]["server"]["required"].append("locked")

    update_response_v219 = copy.deepcopy(update_response_v29)
    update_response_v219["properties"]["server"]["properties"]["description"] = {
        "type": ["null", "string"],
    }
    update_response_v219["properties"]["server"]["required"].append("description")

    update_response_v226 = copy.deepcopy(update_response_v219)
    update_response_v226["properties"]["server"]["properties"]["tags"] = {
        "type": "array",
        "items": {"type": "string"},
        "maxItems": 50,
    }
    update_response_v226["properties"]["server"]["required"].append("tags")

    # NOTE(stephenfin): We overwrite rather than extend 'flavor', since we now
    # embed the flavor in this version
    update_response_v247 = copy.deepcopy(update_response_v226)
    update_response_v247["properties"]["server"]["properties"]["flavor"] = {
        "type": "object",
        "properties": {
            "disk": {"type": "integer"},
            "ephemeral": {"type": "integer"},
            "extra_specs": {
                "type": "object",
                "patternProperties": {
                    "^.+$": {"type": "string"},
                },
                "additionalProperties": False,
            },
            "original_name": {"type": "string"},
            "ram": {"type": "integer"},
            "swap": {"type": "integer"},
            "vcpus": {"type": "integer"},
        },
        "required": ["disk", "ephemeral", "original_name", "ram", "swap", "vcpus"],
        "additionalProperties": False,
    }

    update_response_v263 = copy.deepcopy(update_response_v247)
    update_response_v263["properties"]["server"]["properties"].update(
        {
            "trusted_image_certificates": {
                "type": ["array", "null"],
                "items": {"type": "string"},
            },
        },
    )
    update_response_v263["properties"]["server"]["required"].append("trusted_image_certificates")

    update_response_v271 = copy.deepcopy(update_response_v263)
    update_response_v271["properties"]["server"]["properties"].update(
        {
            "server_groups": {
                "type": "array",
                "items": {"type": "string", "format": "uuid"},
                "maxLength": 1,
            },
        },
    )
    update_response_v271["properties"]["server"]["required"].append("server_groups")

    update_response_v273 = copy.deepcopy(update_response_v271)
    update_response_v273["properties"]["server"]["properties"].update(
        {
            "locked_reason": {"type": ["null", "string"]},
        },
    )
    update_response_v273["properties"]["server"]["required"].append("locked_reason")

    update_response_v275 = copy.deepcopy(update_response_v273)
    update_response_v275["properties"]["server"]["properties"].update(
        {
            "config_drive": {
                # TODO(stephenfin): Our tests return null but this shouldn't happen
                # in practice, apparently?
                "type": ["string", "boolean", "null"],
            },
            "host_status": {"type": "string"},
            "key_name": {"type": ["null", "string"]},
            "os-extended-volumes:volumes_attached": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "delete_on_termination": {
                            "type": "boolean",
                            "default": False,
                        },
                    },
                    "required": ["id", "delete_on_termination"],
                    "additionalProperties": False,
                },
            },
            "security_groups": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                    },
                    "required": ["name"],
                    "additionalProperties": False,
                },
            },
            "OS-EXT-AZ:availability_zone": {"type": "string"},
            "OS-EXT-SRV-ATTR:host": {"type": ["string", "null"]},
            "OS-EXT-SRV-ATTR:hostname": {"type": "string"},
            "OS-EXT-SRV-ATTR:hypervisor_hostname": {"type": ["string", "null"]},
            "OS-EXT-SRV-ATTR:instance_name": {"type": "string"},
            "OS-EXT-SRV-ATTR:kernel_id": {"type": ["string", "null"]},
            "OS-EXT-SRV-ATTR:launch_index": {"type": "integer"},
            "OS-EXT-SRV-ATTR:ramdisk_id": {"type": ["string", "null"]},
            "OS-EXT-SRV-ATTR:reservation_id": {"type": ["string", "null"]},
            "OS-EXT-SRV-ATTR:root_device_name": {"type": ["string", "null"]},
            "OS-EXT-SRV-ATTR:user_data": {
                "type": ["string", "null"],
                "format": "base64",
                "maxLength": 65535,
            },
            "OS-EXT-STS:power_state": {
                "type": ["integer", "null"],
                "enum": [0, 1, 3, 4, 6, 7, None],
            },
            "OS-EXT-STS:task_state": {"type": ["string", "null"]},
            "OS-EXT-STS:vm_state": {"type": ["string", "null"]},
            "OS-SRV-USG:launched_at": {
                "type": ["string", "null"],
                "format": "date-time",
            },
            "OS-SRV-USG:terminated_at": {
                "type": ["string", "null"],
                "format": "date-time",
            },
        },
    )

    update_response_v275["properties"]["server"]["required"].extend(
        [
            "config_drive",
            "OS-EXT-AZ:availability_zone",
            "OS-EXT-STS:power_state",
            "OS-EXT-STS:task_state",
            "OS-EXT-STS:vm_state",
            "os-extended-volumes:volumes_attached",
            "OS-SRV-USG:launched_at",
            "OS-SRV-USG:terminated_at",
        ]
    )

    update_response_v275["properties"]["server"]["properties"]["addresses"]["patternProperties"][
        "^.+$"
    ]["items"]["properties"].update(
        {
            "OS-EXT-IPS-MAC:mac_addr": {"type": "string", "format": "mac-address"},
            "OS-EXT-IPS:type": {"type": "string", "enum": ["fixed", "floating"]},
        }
    )
    update_response_v275["properties"]["server"]["properties"]["addresses"]["patternProperties"][
        "^.+$"
    ]["items"]["required"].extend(["OS-EXT-IPS-MAC:mac_addr", "OS-EXT-IPS:type"])

    update_response_v296 = copy.deepcopy(update_response_v275)
    update_response_v296["properties"]["server"]["properties"].update(
        {
            "pinned_availability_zone": {
                "type": ["null", "string"],
            },
        }
    )
    update_response_v296["properties"]["server"]["required"].append("pinned_availability_zone")

    update_response_v298 = copy.deepcopy(update_response_v296)
    update_response_v298["properties"]["server"]["properties"]["image"]["oneOf"][1][
        "properties"
    ].update(
        {
            "properties": {
                "type": "object",
                "patternProperties": {
                    "^[a-zA-Z0-9_:. ]{1,255}$": {
                        "type": ["string", "null"],
                        "maxLength": 255,
                    },
                },
                "additionalProperties": False,
            },
        }
    )

    update_response_v2100 = copy.deepcopy(update_response_v298)
    update_response_v2100["properties"]["server"]["properties"].update(
        {
            "scheduler_hints": _hints,
        }
    )
    update_response_v2100["properties"]["server"]["required"].append("scheduler_hints")

    resize_response = {"type": "null"}

    confirm_resize_response = {"type": "null"}

    revert_resize_response = {"type": "null"}

    reboot_response = {"type": "null"}

    delete_response = {"type": "null"}

    start_server_response = {"type": "null"}

    stop_server_response = {"type": "null"}

    reboot_response = {"type": "null"}

    trigger_crash_dump_response = {"type": "null"}

    create_image_response = {"type": "null"}

    create_image_response_v245 = {
        "type": "object",
        "properties": {
            "image_id": {"type": ["string", "null"], "format": "uuid"},
        },
        "required": ["image_id"],
        "additionalProperties": False,
    }

    rebuild_response = {
        "type": "object",
        "properties": {
            "server": {
                "type": "object",
                "properties": {
                    "accessIPv4": {
                        "type": "string",
                        "oneOf": [{"format": "ipv4"}, {"const": ""}],
                    },
                    "accessIPv6": {
                        "type": "string",
                        "oneOf": [{"format": "ipv6"}, {"const": ""}],
                    },
                    "addresses": {
                        "type": "object",
                        "patternProperties": {
                            "^.+$": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "addr": {
                                            "type": "string",
                                            "oneOf": [
                                                {"format": "ipv4"},
                                                {"format": "ipv6"},
                                            ],
                                        },
                                        "version": {
                                            "type": "number",
                                            "enum": [4, 6],
                                        },
                                    },
                                    "required": ["addr", "version"],
                                    "additionalProperties": False,
                                },
                            },
                        },
                        "additionalProperties": False,
                    },
                    "adminPass": {"type": ["null", "string"]},
                    "created": {"type": "string", "format": "date-time"},
                    "fault": {
                        "type": "object",
                        "properties": {
                            "code": {"type": "integer"},
                            "created": {"type": "string", "format": "date-time"},
                            "details": {"type": "string"},
                            "message": {"type": "string"},
                        },
                        "required": ["code", "created", "message"],
                        "additionalProperties": False,
                    },
                    "flavor": {
                        "type": "object",
                        "properties": {
                            "id": {"type": "string"},
                            "links": response_types.links,
                        },
                        "additionalProperties": False,
                    },
                    "hostId": {"type": "string"},
                    "id": {"type": "string"},
                    "image": {
                        "oneOf": [
                            {"type": "string", "const": ""},
                            {
                                "type": "object",
                                "properties": {
                                    "id": {"type": "string", "format": "uuid"},
                                    "links": response_types.links,
                                },
                                "additionalProperties": False,
                            },
                        ],
                    },
                    "links": response_types.links,
                    "metadata": {
                        "type": "object",
                        "patternProperties": {
                            "^.+$": {"type": "string"},
                        },
                        "additionalProperties": False,
                    },
                    "name": {"type": ["string", "null"]},
                    "progress": {"type": ["null", "number"]},
                    "status": _server_status,
                    "tenant_id": parameter_types.project_id,
                    "updated": {"type": "string", "format": "date-time"},
                    "user_id": parameter_types.user_id,
                    "OS-DCF:diskConfig": {"type": "string"},
                },
                "required": [
                    # adminPass is an unfortunate example of config-driven
                    # API behavior and isn't present unless enabled
                    "accessIPv4",
                    "accessIPv6",
                    "addresses",
                    "created",
                    "flavor",
                    "hostId",
                    "id",
                    "image",
                    "links",
                    "metadata",
                    "name",
                    "progress",
                    "status",
                    "tenant_id",
                    "updated",
                    "user_id",
                    "OS-DCF:diskConfig",
                ],
                "additionalProperties": False,
            },
        },
        "required": ["server"],
        "additionalProperties": False,
    }

    rebuild_response_v29 = copy.deepcopy(rebuild_response)
    rebuild_response_v29["properties"]["server"]["properties"]["locked"] = {
        "type": "boolean",
    }
    rebuild_response_v29["properties"]["server"]["required"].append("locked")

    rebuild_response_v219 = copy.deepcopy(rebuild_response_v29)
    rebuild_response_v219["properties"]["server"]["properties"]["description"] = {
        "type": ["null", "string"],
    }
    rebuild_response_v219["properties"]["server"]["required"].append("description")

    rebuild_response_v226 = copy.deepcopy(rebuild_response_v219)
    rebuild_response_v226["properties"]["server"]["properties"]["tags"] = {
        "type": "array",
        "items": {"type": "string"},
        "maxItems": 50,
    }
    rebuild_response_v226["properties"]["server"]["required"].append("tags")

    # NOTE(stephenfin): We overwrite rather than extend 'flavor', since we now
    # embed the flavor in this version
    rebuild_response_v247 = copy.deepcopy(rebuild_response_v226)
    rebuild_response_v247["properties"]["server"]["properties"]["flavor"] = {
        "type": "object",
        "properties": {
            "disk": {"type": "integer"},
            "ephemeral": {"type": "integer"},
            "extra_specs": {
                "type": "object",
                "patternProperties": {"^.+$": {"type": "string"}},
                "additionalProperties": False,
            },
            "original_name": {"type": "string"},
            "ram": {"type": "integer"},
            "swap": {"type": "integer"},
            "vcpus": {"type": "integer"},
        },
        "required": ["disk", "ephemeral", "original_name", "ram", "swap", "vcpus"],
        "additionalProperties": False,
    }

    rebuild_response_v254 = copy.deepcopy(rebuild_response_v247)
    rebuild_response_v254["properties"]["server"]["properties"]["key_name"] = {
        "type": ["null", "string"],
    }
    rebuild_response_v254["properties"]["server"]["required"].append("key_name")

    rebuild_response_v257 = copy.deepcopy(rebuild_response_v254)
    rebuild_response_v257["properties"]["server"]["properties"]["user_data"] = {
        "type": ["string", "null"],
        "format": "base64",
        "maxLength": 65535,
    }
    rebuild_response_v257["properties"]["server"]["required"].append("user_data")

    rebuild_response_v263 = copy.deepcopy(rebuild_response_v257)
    rebuild_response_v263["properties"]["server"]["properties"].update(
        {
            "trusted_image_certificates": {
                "type": ["array", "null"],
                "items": {"type": "string"},
            },
        },
    )
    rebuild_response_v263["properties"]["server"]["required"].append("trusted_image_certificates")

    rebuild_response_v271 = copy.deepcopy(rebuild_response_v263)
    rebuild_response_v271["properties"]["server"]["properties"].update(
        {
            "server_groups": {
                "type": "array",
                "items": {"type": "string", "format": "uuid"},
                "maxLength": 1,
            },
        },
    )
    rebuild_response_v271["properties"]["server"]["required"].append("server_groups")

    rebuild_response_v273 = copy.deepcopy(rebuild_response_v271)
    rebuild_response_v273["properties"]["server"]["properties"].update(
        {
            "locked_reason": {"type": ["null", "string"]},
        },
    )
    rebuild_response_v273["properties"]["server"]["required"].append("locked_reason")

    rebuild_response_v275 = copy.deepcopy(rebuild_response_v273)
    rebuild_response_v275["properties"]["server"]["properties"].update(
        {
            "config_drive": {
                # TODO(stephenfin): Our tests return null but this shouldn't happen
                # in practice, apparently?
                "type": ["string", "boolean", "null"],
            },
            "OS-EXT-AZ:availability_zone": {"type": "string"},
            "OS-EXT-SRV-ATTR:host": {"type": ["string", "null"]},
            "OS-EXT-SRV-ATTR:hostname": {"type": "string"},
            "OS-EXT-SRV-ATTR:hypervisor_hostname": {"type": ["string", "null"]},
            "OS-EXT-SRV-ATTR:instance_name": {"type": "string"},
            "OS-EXT-SRV-ATTR:kernel_id": {"type": ["string", "null"]},
            "OS-EXT-SRV-ATTR:launch_index": {"type": ["integer", "null"]},
            "OS-EXT-SRV-ATTR:ramdisk_id": {"type": ["string", "null"]},
            "OS-EXT-SRV-ATTR:reservation_id": {"type": ["string", "null"]},
            "OS-EXT-SRV-ATTR:root_device_name": {"type": ["string", "null"]},
            "OS-EXT-STS:power_state": {
                "type": ["integer", "null"],
                "enum": [0, 1, 3, 4, 6, 7, None],
            },
            "OS-EXT-STS:task_state": {"type": ["string", "null"]},
            "OS-EXT-STS:vm_state": {"type": ["string", "null"]},
            "os-extended-volumes:volumes_attached": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "delete_on_termination": {
                            "type": "boolean",
                            "default": False,
                        },
                    },
                    "required": ["id", "delete_on_termination"],
                    "additionalProperties": False,
                },
            },
            "OS-SRV-USG:launched_at": {
                "type": ["string", "null"],
                "format": "date-time",
            },
            "OS-SRV-USG:terminated_at": {
                "type": ["string", "null"],
                "format": "date-time",
            },
            "security_groups": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                    },
                    "required": ["name"],
                    "additionalProperties": False,
                },
            },
            "host_status": {"type": "string"},
        },
    )
    rebuild_response_v275["properties"]["server"]["required"].extend(
        [
            "config_drive",
            "OS-EXT-AZ:availability_zone",
            "OS-EXT-STS:power_state",
            "OS-EXT-STS:task_state",
            "OS-EXT-STS:vm_state",
            "os-extended-volumes:volumes_attached",
            "OS-SRV-USG:launched_at",
            "OS-SRV-USG:terminated_at",
        ]
    )
    rebuild_response_v275["properties"]["server"]["properties"]["addresses"]["patternProperties"][
        "^.+$"
    ]["items"]["properties"].update(
        {
            "OS-EXT-IPS-MAC:mac_addr": {"type": "string", "format": "mac-address"},
            "OS-EXT-IPS:type": {"type": "string", "enum": ["fixed", "floating"]},
        }
    )
    rebuild_response_v275["properties"]["server"]["properties"]["addresses"]["patternProperties"][
        "^.+$"
    ]["items"]["required"].extend(["OS-EXT-IPS-MAC:mac_addr", "OS-EXT-IPS:type"])

    rebuild_response_v296 = copy.deepcopy(rebuild_response_v275)
    rebuild_response_v296["properties"]["server"]["properties"].update(
        {
            "pinned_availability_zone": {
                "type": ["null", "string"],
            },
        }
    )
    rebuild_response_v296["properties"]["server"]["required"].append("pinned_availability_zone")

    rebuild_response_v298 = copy.deepcopy(rebuild_response_v296)
    rebuild_response_v298["properties"]["server"]["properties"]["image"]["oneOf"][1][
        "properties"
    ].update(
        {
            "properties": {
                "type": "object",
                "patternProperties": {
                    "^[a-zA-Z0-9_:. ]{1,255}$": {"type": ["string", "null"], "maxLength": 255},
                },
                "additionalProperties": False,
            },
        }
    )

    rebuild_response_v2100 = copy.deepcopy(rebuild_response_v298)
    rebuild_response_v2100["properties"]["server"]["properties"].update(
        {
            "scheduler_hints": _hints,
        }
    )
    rebuild_response_v2100["properties"]["server"]["required"].append("scheduler_hints")


class flavors:
    """nova/api/openstack/compute/schemas/flavors.py (response schemas)."""

    _flavor_basic = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "links": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "href": {"type": "string", "format": "uri"},
                        "rel": {"type": "string"},
                    },
                    "required": ["href", "rel"],
                    "additionalProperties": False,
                },
            },
            "name": {"type": "string"},
        },
        "required": ["id", "links", "name"],
        "additionalProperties": False,
    }

    _flavor_basic_v255 = copy.deepcopy(_flavor_basic)
    _flavor_basic_v255["properties"]["description"] = {"type": ["string", "null"]}
    _flavor_basic_v255["required"].append("description")

    _flavor = {
        "type": "object",
        "properties": {
            "disk": {"type": "integer"},
            "id": {"type": "string"},
            "links": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "href": {"type": "string", "format": "uri"},
                        "rel": {"type": "string"},
                    },
                    "required": ["href", "rel"],
                },
            },
            "name": {"type": "string"},
            "os-flavor-access:is_public": {},
            "ram": {"type": "integer"},
            "rxtx_factor": {},
            "swap": {
                "anyOf": [
                    {"type": "integer"},
                    {"const": ""},
                ],
            },
            "vcpus": {"type": "integer"},
            "OS-FLV-EXT-DATA:ephemeral": {"type": "integer"},
            "OS-FLV-DISABLED:disabled": {"type": "boolean"},
        },
        "required": [
            "disk",
            "id",
            "links",
            "name",
            "os-flavor-access:is_public",
            "ram",
            "rxtx_factor",
            "swap",
            "vcpus",
            "OS-FLV-DISABLED:disabled",
            "OS-FLV-EXT-DATA:ephemeral",
        ],
        "additionalProperties": False,
    }

    _flavor_v255 = copy.deepcopy(_flavor)
    _flavor_v255["properties"]["description"] = {"type": ["string", "null"]}
    _flavor_v255["required"].append("description")

    _flavor_v261 = copy.deepcopy(_flavor_v255)
    _flavor_v261["properties"]["extra_specs"] = {
        "type": "object",
        "patternProperties": {
            "^[a-zA-Z0-9-_:. ]{1,255}$": {"type": "string", "maxLength": 255},
        },
        "additionalProperties": False,
    }

    _flavor_v275 = copy.deepcopy(_flavor_v261)
    # we completely overwrite this since the new variant is much simpler
    _flavor_v275["properties"]["swap"] = {"type": "integer"}

    _flavor_v2102 = copy.deepcopy(_flavor_v275)
    del _flavor_v2102["properties"]["rxtx_factor"]
    del _flavor_v2102["properties"]["OS-FLV-DISABLED:disabled"]
    _flavor_v2102["required"].remove("rxtx_factor")
    _flavor_v2102["required"].remove("OS-FLV-DISABLED:disabled")

    _flavors_links = {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "href": {"type": "string", "format": "uri"},
                "rel": {"type": "string"},
            },
            "required": ["href", "rel"],
            "additionalProperties": False,
        },
    }

    delete_response = {
        "type": "null",
    }

    create_response = {
        "type": "object",
        "properties": {
            "flavor": copy.deepcopy(_flavor),
        },
        "required": ["flavor"],
        "additionalProperties": False,
    }

    create_response_v255 = copy.deepcopy(create_response)
    create_response_v255["properties"]["flavor"] = copy.deepcopy(_flavor_v255)

    create_response_v261 = copy.deepcopy(create_response_v255)
    create_response_v261["properties"]["flavor"] = copy.deepcopy(_flavor_v261)

    create_response_v275 = copy.deepcopy(create_response_v261)
    create_response_v275["properties"]["flavor"] = copy.deepcopy(_flavor_v275)

    create_response_v2102 = copy.deepcopy(create_response_v261)
    create_response_v2102["properties"]["flavor"] = copy.deepcopy(_flavor_v2102)

    # NOTE(stephenfin): update is only available from 2.55 and the response is
    # identical to the create and show response from that point forward
    update_response = {
        "type": "object",
        "properties": {
            "flavor": copy.deepcopy(_flavor_v255),
        },
        "required": ["flavor"],
        "additionalProperties": False,
    }

    update_response_v261 = copy.deepcopy(update_response)
    update_response_v261["properties"]["flavor"] = copy.deepcopy(_flavor_v261)

    update_response_v275 = copy.deepcopy(update_response_v261)
    update_response_v275["properties"]["flavor"] = copy.deepcopy(_flavor_v275)

    update_response_v2102 = copy.deepcopy(update_response_v261)
    update_response_v2102["properties"]["flavor"] = copy.deepcopy(_flavor_v2102)

    index_response = {
        "type": "object",
        "properties": {
            "flavors": {
                "type": "array",
                "items": _flavor_basic,
            },
            "flavors_links": _flavors_links,
        },
        "required": ["flavors"],
        "additionalProperties": False,
    }

    index_response_v255 = copy.deepcopy(index_response)
    index_response_v255["properties"]["flavors"]["items"] = _flavor_basic_v255

    detail_response = {
        "type": "object",
        "properties": {
            "flavors": {
                "type": "array",
                "items": _flavor,
            },
            "flavors_links": _flavors_links,
        },
        "required": ["flavors"],
        "additionalProperties": False,
    }

    detail_response_v255 = copy.deepcopy(detail_response)
    detail_response_v255["properties"]["flavors"]["items"] = _flavor_v255

    detail_response_v261 = copy.deepcopy(detail_response_v255)
    detail_response_v261["properties"]["flavors"]["items"] = _flavor_v261

    detail_response_v275 = copy.deepcopy(detail_response_v261)
    detail_response_v275["properties"]["flavors"]["items"] = _flavor_v275

    detail_response_v2102 = copy.deepcopy(detail_response_v261)
    detail_response_v2102["properties"]["flavors"]["items"] = _flavor_v2102

    show_response = {
        "type": "object",
        "properties": {
            "flavor": copy.deepcopy(_flavor),
        },
        "required": ["flavor"],
        "additionalProperties": False,
    }

    show_response_v255 = copy.deepcopy(show_response)
    show_response_v255["properties"]["flavor"] = copy.deepcopy(_flavor_v255)

    show_response_v261 = copy.deepcopy(show_response_v255)
    show_response_v261["properties"]["flavor"] = copy.deepcopy(_flavor_v261)

    show_response_v275 = copy.deepcopy(show_response_v261)
    show_response_v275["properties"]["flavor"] = copy.deepcopy(_flavor_v275)

    show_response_v2102 = copy.deepcopy(show_response_v261)
    show_response_v2102["properties"]["flavor"] = copy.deepcopy(_flavor_v2102)


class quota_sets:
    """nova/api/openstack/compute/schemas/quota_sets.py (response schemas)."""

    _int = {"type": "integer", "minimum": -1}
    _quota_response = {
        "type": "object",
        "properties": dict.fromkeys(
            (
                "cores",
                "fixed_ips",
                "floating_ips",
                "injected_file_content_bytes",
                "injected_file_path_bytes",
                "injected_files",
                "instances",
                "key_pairs",
                "metadata_items",
                "ram",
                "security_groups",
                "security_group_rules",
                "server_groups",
                "server_group_members",
            ),
            _int,
        ),
        "additionalProperties": False,
    }
    _quota_response["required"] = list(_quota_response["properties"])
    _v236_gone = ("fixed_ips", "floating_ips", "security_group_rules", "security_groups")
    _v257_gone = ("injected_files", "injected_file_content_bytes", "injected_file_path_bytes")

    @staticmethod
    def _without(schema: dict, names: tuple) -> dict:
        out = copy.deepcopy(schema)
        for name in names:
            del out["properties"][name]
            out["required"].remove(name)
        return out

    @staticmethod
    def _show(quota: dict) -> dict:
        quota = copy.deepcopy(quota)
        quota["properties"]["id"] = {"type": "string"}
        quota["required"].append("id")
        body = {"quota_set": quota}
        return {
            "type": "object",
            "properties": body,
            "required": ["quota_set"],
            "additionalProperties": False,
        }

    _quota_response_v236 = _without(_quota_response, _v236_gone)
    _quota_response_v257 = _without(_quota_response_v236, _v257_gone)
    show_response = _show(_quota_response)
    show_response_v236 = _show(_quota_response_v236)
    show_response_v257 = _show(_quota_response_v257)
    _detail_quota = {
        "type": "object",
        "properties": {"in_use": _int, "limit": _int, "reserved": _int},
        "required": ["in_use", "limit", "reserved"],
        "additionalProperties": False,
    }
    _detail_quota_response = copy.deepcopy(_quota_response)
    _detail_quota_response["properties"] = dict.fromkeys(
        _quota_response["properties"], _detail_quota
    )
    detail_response = _show(_detail_quota_response)
    detail_response_v236 = _show(_without(_detail_quota_response, _v236_gone))
    detail_response_v257 = _show(_without(_without(_detail_quota_response, _v236_gone), _v257_gone))
    defaults_response = copy.deepcopy(show_response)
    defaults_response_v236 = copy.deepcopy(show_response_v236)
    defaults_response_v257 = copy.deepcopy(show_response_v257)
    update_response = {
        "type": "object",
        "properties": {"quota_set": _quota_response},
        "required": ["quota_set"],
        "additionalProperties": False,
    }
    update_response_v236 = copy.deepcopy(update_response)
    update_response_v236["properties"]["quota_set"] = _quota_response_v236
    update_response_v257 = copy.deepcopy(update_response_v236)
    update_response_v257["properties"]["quota_set"] = _quota_response_v257
    delete_response = {"type": "null"}


class extension_info:
    """nova/api/openstack/compute/schemas/extension_info.py (response schemas)."""

    _link = {
        "type": "object",
        "properties": {"href": {"type": "string", "format": "url"}, "rel": {"type": "string"}},
    }
    _extension_obj = {
        "type": "object",
        "properties": {
            "alias": {"type": "string"},
            "description": {"type": "string"},
            "links": {"type": "array", "items": _link},
            "name": {"type": "string"},
            "namespace": {"type": "string"},
            "updated": {"type": "string", "format": "date-time"},
        },
        "required": ["alias", "description", "links", "name", "namespace", "updated"],
        "additionalProperties": False,
    }
    index_response = {
        "type": "object",
        "properties": {"extensions": {"type": "array", "items": _extension_obj}},
        "required": ["extensions"],
        "additionalProperties": False,
    }
    show_response = {
        "type": "object",
        "properties": {"extension": _extension_obj},
        "required": ["extension"],
        "additionalProperties": False,
    }


class hosts:
    """nova/api/openstack/compute/schemas/hosts.py (response schemas; the power actions and
    ``maintenance_mode`` only ever answer 501 on libvirt, ``status`` too before 20.0.0, walked
    in ``test_route_walk``)."""

    index_response = {
        "type": "object",
        "properties": {
            "hosts": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "host_name": {"type": "string"},
                        "service": {"type": "string"},
                        "zone": {"type": "string"},
                    },
                    "required": ["host_name", "service", "zone"],
                    "additionalProperties": False,
                },
            }
        },
        "required": ["hosts"],
        "additionalProperties": False,
    }
    _resource = {
        "type": "object",
        "properties": {
            "cpu": {"type": "integer"},
            "disk_gb": {"type": "integer"},
            "host": {"type": "string"},
            "memory_mb": {"type": "integer"},
            "project": {"type": "string"},
        },
        "required": ["cpu", "disk_gb", "host", "memory_mb", "project"],
        "additionalProperties": False,
    }
    show_response = {
        "type": "object",
        "properties": {
            "host": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"resource": _resource},
                    "required": ["resource"],
                    "additionalProperties": False,
                },
            }
        },
        "required": ["host"],
        "additionalProperties": False,
    }
    update_response = {
        "type": "object",
        "properties": {
            "host": {"type": "string"},
            "maintenance_mode": {"enum": ["on_maintenance", "off_maintenance"]},
            "status": {"enum": ["enabled", "disabled"]},
        },
        "required": ["host"],
        "additionalProperties": False,
    }


class instance_usage_audit_log:
    """nova/api/openstack/compute/schemas/instance_usage_audit_log.py (response schemas)."""

    _int = {"type": "integer", "minimum": 0}
    _log = {
        "type": "object",
        "properties": {
            # Nova's says ``"format": "uuid"``, but the list holds host names (``hosts -
            # seen_hosts``): Nova checks response schemas only in its own tests, whose audit
            # logs name every host, so none is left to fail it. Dropped here.
            "hosts_not_run": {"type": "array", "items": {"type": "string"}},
            "log": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "properties": {
                        "instances": _int,
                        "errors": _int,
                        "message": {"type": "string"},
                        "state": {"type": "string", "enum": ["RUNNING", "DONE"]},
                    },
                    "additionalProperties": False,
                },
            },
            "num_hosts": _int,
            "num_hosts_done": _int,
            "num_hosts_not_run": _int,
            "num_hosts_running": _int,
            "overall_status": {"type": "string"},
            "period_beginning": {"type": "string", "format": "date-time"},
            "period_ending": {"type": "string", "format": "date-time"},
            "total_errors": _int,
            "total_instances": _int,
        },
        "additionalProperties": False,
    }
    _log["required"] = sorted(_log["properties"])
    index_response = {
        "type": "object",
        "properties": {"instance_usage_audit_logs": _log},
        "required": ["instance_usage_audit_logs"],
        "additionalProperties": False,
    }
    show_response = {
        "type": "object",
        "properties": {"instance_usage_audit_log": _log},
        "required": ["instance_usage_audit_log"],
        "additionalProperties": False,
    }


class quota_classes:
    """nova/api/openstack/compute/schemas/quota_classes.py (response schemas): the quota-set
    resources less ``server_groups``/``server_group_members`` to 2.49, less the nova-network
    ones from 2.50 and the injected-file ones from 2.57; ``show`` with an ``id``."""

    _int = {"type": "integer", "minimum": -1}
    _groups = ("server_groups", "server_group_members")
    _quota_response = quota_sets._without(quota_sets._quota_response, _groups)
    _quota_response_v250 = quota_sets._quota_response_v236
    _quota_response_v257 = quota_sets._quota_response_v257

    @staticmethod
    def _body(quota: dict, with_id: bool) -> dict:
        quota = copy.deepcopy(quota)
        if with_id:
            quota["properties"]["id"] = {"type": "string"}
            quota["required"].append("id")
        return {
            "type": "object",
            "properties": {"quota_class_set": quota},
            "required": ["quota_class_set"],
            "additionalProperties": False,
        }

    show_response = _body(_quota_response, True)
    show_response_v250 = _body(_quota_response_v250, True)
    show_response_v257 = _body(_quota_response_v257, True)
    update_response = _body(_quota_response, False)
    update_response_v250 = _body(_quota_response_v250, False)
    update_response_v257 = _body(_quota_response_v257, False)


class limits:
    """nova/api/openstack/compute/schemas/limits.py (response schemas)."""

    _absolute_quota_response = {
        "type": "object",
        "properties": {
            "maxImageMeta": {"type": "integer", "minimum": -1},
            "maxPersonality": {"type": "integer", "minimum": -1},
            "maxPersonalitySize": {"type": "integer", "minimum": -1},
            "maxSecurityGroups": {"type": "integer", "minimum": -1},
            "maxSecurityGroupRules": {"type": "integer", "minimum": -1},
            "maxServerMeta": {"type": "integer", "minimum": -1},
            "maxServerGroups": {"type": "integer", "minimum": -1},
            "maxServerGroupMembers": {"type": "integer", "minimum": -1},
            "maxTotalCores": {"type": "integer", "minimum": -1},
            "maxTotalFloatingIps": {"type": "integer", "minimum": -1},
            "maxTotalInstances": {"type": "integer", "minimum": -1},
            "maxTotalKeypairs": {"type": "integer", "minimum": -1},
            "maxTotalRAMSize": {"type": "integer", "minimum": -1},
            "totalCoresUsed": {"type": "integer", "minimum": -1},
            "totalFloatingIpsUsed": {"type": "integer", "minimum": -1},
            "totalInstancesUsed": {"type": "integer", "minimum": -1},
            "totalRAMUsed": {"type": "integer", "minimum": -1},
            "totalSecurityGroupsUsed": {"type": "integer", "minimum": -1},
            "totalServerGroupsUsed": {"type": "integer", "minimum": -1},
        },
        "required": [
            "maxImageMeta",
            "maxPersonality",
            "maxPersonalitySize",
            "maxSecurityGroups",
            "maxSecurityGroupRules",
            "maxServerMeta",
            "maxServerGroups",
            "maxServerGroupMembers",
            "maxTotalCores",
            "maxTotalFloatingIps",
            "maxTotalInstances",
            "maxTotalKeypairs",
            "maxTotalRAMSize",
            "totalCoresUsed",
            "totalFloatingIpsUsed",
            "totalInstancesUsed",
            "totalRAMUsed",
            "totalSecurityGroupsUsed",
            "totalServerGroupsUsed",
        ],
        "additionalProperties": False,
    }

    _absolute_quota_response_v236 = copy.deepcopy(_absolute_quota_response)
    del _absolute_quota_response_v236["properties"]["maxSecurityGroups"]
    del _absolute_quota_response_v236["properties"]["maxSecurityGroupRules"]
    del _absolute_quota_response_v236["properties"]["maxTotalFloatingIps"]
    del _absolute_quota_response_v236["properties"]["totalFloatingIpsUsed"]
    del _absolute_quota_response_v236["properties"]["totalSecurityGroupsUsed"]
    _absolute_quota_response_v236["required"].pop(
        _absolute_quota_response_v236["required"].index("maxSecurityGroups")
    )
    _absolute_quota_response_v236["required"].pop(
        _absolute_quota_response_v236["required"].index("maxSecurityGroupRules")
    )
    _absolute_quota_response_v236["required"].pop(
        _absolute_quota_response_v236["required"].index("maxTotalFloatingIps")
    )
    _absolute_quota_response_v236["required"].pop(
        _absolute_quota_response_v236["required"].index("totalFloatingIpsUsed")
    )
    _absolute_quota_response_v236["required"].pop(
        _absolute_quota_response_v236["required"].index("totalSecurityGroupsUsed")
    )

    _absolute_quota_response_v239 = copy.deepcopy(_absolute_quota_response_v236)
    del _absolute_quota_response_v239["properties"]["maxImageMeta"]
    _absolute_quota_response_v239["required"].pop(
        _absolute_quota_response_v239["required"].index("maxImageMeta")
    )

    _absolute_quota_response_v257 = copy.deepcopy(_absolute_quota_response_v239)
    del _absolute_quota_response_v257["properties"]["maxPersonality"]
    del _absolute_quota_response_v257["properties"]["maxPersonalitySize"]
    _absolute_quota_response_v257["required"].pop(
        _absolute_quota_response_v257["required"].index("maxPersonality")
    )
    _absolute_quota_response_v257["required"].pop(
        _absolute_quota_response_v257["required"].index("maxPersonalitySize")
    )

    index_response = {
        "type": "object",
        "properties": {
            "limits": {
                "type": "object",
                "properties": {
                    "absolute": _absolute_quota_response,
                    "rate": {
                        "type": "array",
                        # Yes, this is an empty array
                        "items": {},
                        "maxItems": 0,
                        "additionalItems": False,
                    },
                },
                "required": ["absolute", "rate"],
                "additionalProperties": False,
            },
        },
        "required": ["limits"],
        "additionalProperties": False,
    }

    index_response_v236 = copy.deepcopy(index_response)
    index_response_v236["properties"]["limits"]["properties"]["absolute"] = (
        _absolute_quota_response_v236
    )

    index_response_v239 = copy.deepcopy(index_response)
    index_response_v239["properties"]["limits"]["properties"]["absolute"] = (
        _absolute_quota_response_v239
    )

    index_response_v257 = copy.deepcopy(index_response_v236)
    index_response_v257["properties"]["limits"]["properties"]["absolute"] = (
        _absolute_quota_response_v257
    )


class versions:
    """nova/api/openstack/compute/schemas/versions.py (response schemas)."""

    _version_obj = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "status": {
                "type": "string",
                "enum": ["CURRENT", "SUPPORTED", "DEPRECATED"],
            },
            "links": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "href": {"type": "string"},
                        "rel": {"type": "string"},
                        "type": {"type": "string"},
                    },
                    "required": ["rel", "href"],
                    "additionalProperties": False,
                },
            },
            "min_version": {"type": "string"},
            "updated": {"type": "string", "format": "date-time"},
            "version": {"type": "string"},
        },
        "required": ["id", "status", "links", "min_version", "updated"],
        "additionalProperties": False,
    }

    index_response = {
        "type": "object",
        "properties": {"versions": {"type": "array", "items": _version_obj}},
        "required": ["versions"],
        "additionalProperties": False,
    }

    _version_obj_with_media_types = _version_obj
    _version_obj_with_media_types["properties"].update(
        {
            "media-types": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "base": {"type": "string"},
                        "type": {"type": "string"},
                    },
                    "required": ["base", "type"],
                    "additionalProperties": False,
                },
            }
        }
    )

    show_response = {
        "type": "object",
        "properties": {"version": _version_obj_with_media_types},
        "required": ["version"],
        "additionalProperties": False,
    }

    _legacy_version_obj = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "status": {"type": "string"},
            "links": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "href": {"type": "string"},
                        "rel": {"type": "string"},
                        "type": {"type": "string"},
                    },
                    "required": ["rel", "href"],
                    "additionalProperties": False,
                },
            },
            "media-types": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "base": {"type": "string"},
                        "type": {"type": "string"},
                    },
                    "required": ["base", "type"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["id", "status", "links", "media-types"],
        "additionalProperties": False,
    }

    multi_response = {
        "type": "object",
        "properties": {"choices": {"type": "array", "items": _legacy_version_obj}},
        "required": ["choices"],
        "additionalProperties": False,
    }


class images:
    """nova/api/openstack/compute/schemas/images.py (response schemas)."""

    _links_response = {
        "type": "array",
        "prefixItems": [
            {
                "type": "object",
                "properties": {
                    "href": {"type": "string", "format": "uri"},
                    "rel": {"const": "self"},
                },
                "required": ["href", "rel"],
                "additionalProperties": False,
            },
            {
                "type": "object",
                "properties": {
                    "href": {"type": "string", "format": "uri"},
                    "rel": {"const": "bookmark"},
                },
                "required": ["href", "rel"],
                "additionalProperties": False,
            },
            {
                "type": "object",
                "properties": {
                    "href": {"type": "string", "format": "uri"},
                    "rel": {"const": "alternate"},
                    "type": {"const": "application/vnd.openstack.image"},
                },
                "required": ["href", "rel", "type"],
                "additionalProperties": False,
            },
        ],
        "minItems": 3,
        "maxItems": 3,
    }

    _image_response = {
        "type": "object",
        "properties": {
            "created": {"type": "string", "format": "date-time"},
            "id": {"type": "string", "format": "uuid"},
            "links": _links_response,
            "metadata": {
                "type": "object",
                "patternProperties": {
                    # unlike nova's metadata, glance doesn't have a maximum length
                    # on property values. Also, while glance serializes all
                    # non-null values as strings, nova's image API deserializes
                    # these again, so we can expected practically any primitive
                    # type here. Listing all these is effectively the same as
                    # providing an empty schema so we're mainly doing it for the
                    # benefit of tooling.
                    "^[a-zA-Z0-9-_:. ]{1,255}$": {
                        "type": [
                            "array",
                            "boolean",
                            "integer",
                            "number",
                            "object",
                            "string",
                            "null",
                        ]
                    },
                },
                "additionalProperties": False,
            },
            "minDisk": {"type": "integer", "minimum": 0},
            "minRam": {"type": "integer", "minimum": 0},
            "name": {"type": ["string", "null"]},
            "progress": {
                "type": "integer",
                "enum": [0, 25, 50, 100],
            },
            "server": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "links": {
                        "type": "array",
                        "prefixItems": [
                            {
                                "type": "object",
                                "properties": {
                                    "href": {"type": "string", "format": "uri"},
                                    "rel": {"const": "self"},
                                },
                                "required": ["href", "rel"],
                                "additionalProperties": False,
                            },
                            {
                                "type": "object",
                                "properties": {
                                    "href": {"type": "string", "format": "uri"},
                                    "rel": {"const": "bookmark"},
                                },
                                "required": ["href", "rel"],
                                "additionalProperties": False,
                            },
                        ],
                        "minItems": 2,
                        "maxItems": 2,
                    },
                },
                "required": ["id", "links"],
                "additionalProperties": False,
            },
            "status": {
                "type": "string",
                "enum": ["ACTIVE", "SAVING", "DELETED", "ERROR", "UNKNOWN"],
            },
            "updated": {"type": ["string", "null"], "format": "date-time"},
            "OS-DCF:diskConfig": {"type": "string", "enum": ["AUTO", "MANUAL"]},
            "OS-EXT-IMG-SIZE:size": {"type": "integer"},
        },
        "required": [
            "created",
            "id",
            "links",
            "metadata",
            "minDisk",
            "minRam",
            "name",
            "progress",
            "status",
            "updated",
            "OS-EXT-IMG-SIZE:size",
        ],
        "additionalProperties": False,
    }

    show_response = {
        "type": "object",
        "properties": {
            "image": copy.deepcopy(_image_response),
        },
        "required": ["image"],
        "additionalProperties": False,
    }

    delete_response = {"type": "null"}

    index_response = {
        "type": "object",
        "properties": {
            "images": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string", "format": "uuid"},
                        "links": _links_response,
                        "name": {"type": ["string", "null"]},
                    },
                    "required": ["id", "links", "name"],
                    "additionalProperties": False,
                },
            },
            "images_links": response_types.collection_links,
        },
        "required": ["images"],
        "additionalProperties": False,
    }

    detail_response = {
        "type": "object",
        "properties": {
            "images": {
                "type": "array",
                "items": copy.deepcopy(_image_response),
            },
            "images_links": response_types.collection_links,
        },
        "required": ["images"],
        "additionalProperties": False,
    }


class instance_actions:
    """nova/api/openstack/compute/schemas/instance_actions.py (response schemas)."""

    index_response = {
        "type": "object",
        "properties": {
            "instanceActions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "action": {"type": "string"},
                        "instance_uuid": {"type": "string", "format": "uuid"},
                        "message": {"type": ["null", "string"]},
                        # NOTE(stephenfin): While this will always be set for
                        # API-initiated actions, it will not be set for e.g.
                        # `nova-manage`-initiated actions
                        "project_id": {
                            "type": ["null", "string"],
                            "pattern": "^[a-zA-Z0-9-]*$",
                            "minLength": 1,
                            "maxLength": 255,
                        },
                        "request_id": {"type": "string"},
                        "start_time": {"type": "string", "format": "date-time"},
                        # NOTE(stephenfin): As with project_id, this can be null
                        # under select circumstances.
                        "user_id": {
                            "type": ["null", "string"],
                            "pattern": "^[a-zA-Z0-9-]*$",
                            "minLength": 1,
                            "maxLength": 255,
                        },
                    },
                    "required": [
                        "action",
                        "instance_uuid",
                        "message",
                        "project_id",
                        "request_id",
                        "start_time",
                        "user_id",
                    ],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["instanceActions"],
        "additionalProperties": False,
    }

    index_response_v258 = copy.deepcopy(index_response)
    index_response_v258["properties"]["instanceActions"]["items"]["properties"].update(
        {
            "updated_at": {"type": ["null", "string"], "format": "date-time"},
        }
    )
    index_response_v258["properties"]["instanceActions"]["items"]["required"].append("updated_at")
    index_response_v258["properties"]["links"] = response_types.collection_links

    show_response = {
        "type": "object",
        "properties": {
            "instanceAction": {
                "type": "object",
                "properties": {
                    "action": {"type": "string"},
                    "instance_uuid": {"type": "string", "format": "uuid"},
                    "events": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "event": {"type": "string"},
                                "finish_time": {
                                    "type": ["string", "null"],
                                    "format": "date-time",
                                },
                                "result": {"type": ["string", "null"]},
                                "start_time": {
                                    "type": "string",
                                    "format": "date-time",
                                },
                                "traceback": {"type": ["null", "string"]},
                            },
                            "required": [
                                "event",
                                "finish_time",
                                "result",
                                "start_time",
                            ],
                            "additionalProperties": False,
                        },
                    },
                    "message": {"type": ["null", "string"]},
                    "project_id": {
                        "type": ["null", "string"],
                        "pattern": "^[a-zA-Z0-9-]*$",
                        "minLength": 1,
                        "maxLength": 255,
                    },
                    "request_id": {"type": "string"},
                    "start_time": {"type": "string", "format": "date-time"},
                    "user_id": {
                        "type": ["null", "string"],
                        "pattern": "^[a-zA-Z0-9-]*$",
                        "minLength": 1,
                        "maxLength": 255,
                    },
                },
                "required": [
                    "action",
                    "instance_uuid",
                    "message",
                    "project_id",
                    "request_id",
                    "start_time",
                    "user_id",
                ],
                "additionalProperties": False,
            },
        },
        "required": ["instanceAction"],
        "additionalProperties": False,
    }

    show_response_v251 = copy.deepcopy(show_response)
    show_response_v251["properties"]["instanceAction"]["required"].append("events")

    show_response_v258 = copy.deepcopy(show_response_v251)
    show_response_v258["properties"]["instanceAction"]["properties"].update(
        {
            "updated_at": {"type": ["null", "string"], "format": "date-time"},
        }
    )
    show_response_v258["properties"]["instanceAction"]["required"].append("updated_at")

    show_response_v262 = copy.deepcopy(show_response_v258)
    show_response_v262["properties"]["instanceAction"]["properties"]["events"]["items"][
        "properties"
    ].update(
        {
            "hostId": {"type": "string"},
            "host": {"type": "string"},
        }
    )
    show_response_v262["properties"]["instanceAction"]["properties"]["events"]["items"][
        "required"
    ].append("hostId")

    show_response_v284 = copy.deepcopy(show_response_v262)
    show_response_v284["properties"]["instanceAction"]["properties"]["events"]["items"][
        "properties"
    ].update(
        {
            "details": {"type": ["string", "null"]},
        }
    )


class pause_server:
    """nova/api/openstack/compute/schemas/pause_server.py (response schemas)."""

    pause_response = {
        "type": "null",
    }

    unpause_response = {
        "type": "null",
    }


class rescue:
    """nova/api/openstack/compute/schemas/rescue.py (response schemas)."""

    rescue_response = {
        "type": "object",
        "properties": {
            "adminPass": {
                "type": "string",
            },
        },
        "additionalProperties": False,
    }

    unrescue_response = {
        "type": "null",
    }


class suspend_server:
    """nova/api/openstack/compute/schemas/suspend_server.py (response schemas)."""

    suspend_response = {
        "type": "null",
    }

    resume_response = {
        "type": "null",
    }


class shelve:
    """nova/api/openstack/compute/schemas/shelve.py (response schemas)."""

    shelve_response = {
        "type": "null",
    }

    shelve_offload_response = {
        "type": "null",
    }

    unshelve_response = {
        "type": "null",
    }


class deferred_delete:
    """nova/api/openstack/compute/schemas/deferred_delete.py (response schemas)."""

    restore_response = {
        "type": "null",
    }

    force_delete_response = {
        "type": "null",
    }


class lock_server:
    """nova/api/openstack/compute/schemas/lock_server.py (response schemas)."""

    lock_response = {
        "type": "null",
    }

    unlock_response = {
        "type": "null",
    }


class admin_password:
    """nova/api/openstack/compute/schemas/admin_password.py (response schemas)."""

    change_password_response = {
        "type": "null",
    }


class console_output:
    """nova/api/openstack/compute/schemas/console_output.py (response schemas)."""

    get_console_output_response = {
        "type": "object",
        "properties": {
            "output": {"type": "string"},
        },
        "required": ["output"],
        "additionalProperties": False,
    }


def _console_action_response(types: list[str]) -> dict:
    return {
        "type": "object",
        "properties": {
            "console": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": types},
                    "url": {"type": "string", "format": "uri"},
                },
                "required": ["type", "url"],
                "additionalProperties": False,
            },
        },
        "required": ["console"],
        "additionalProperties": False,
    }


def _remote_console_response(protocols: list[str], types: list[str]) -> dict:
    return {
        "type": "object",
        "properties": {
            "remote_console": {
                "type": "object",
                "properties": {
                    "protocol": {"type": "string", "enum": protocols},
                    "type": {"type": "string", "enum": types},
                    "url": {"type": "string", "format": "uri"},
                },
                "required": ["protocol", "type", "url"],
                "additionalProperties": False,
            },
        },
        "required": ["remote_console"],
        "additionalProperties": False,
    }


class remote_consoles:
    """nova/api/openstack/compute/schemas/remote_consoles.py (response schemas, nova 32.0.0)."""

    get_vnc_console_response = _console_action_response(["novnc", "xvpvnc"])
    get_spice_console_response = _console_action_response(["spice-html5"])
    get_serial_console_response = _console_action_response(["serial"])
    _types = ["novnc", "xvpvnc", "spice-html5", "serial", "rdp-html5"]
    create_response = _remote_console_response(["vnc", "spice", "serial", "rdp"], _types)
    create_response_v28 = _remote_console_response(
        ["vnc", "spice", "serial", "rdp", "mks"], [*_types, "webmks"]
    )
    create_response_v299 = _remote_console_response(
        ["vnc", "spice", "serial", "rdp", "mks"], [*_types, "webmks", "spice-direct"]
    )


class security_groups:
    """nova/api/openstack/compute/schemas/security_groups.py (the action responses and the
    server's list)."""

    _security_group_rule_response = {
        "type": "object",
        "properties": {
            "from_port": {"type": ["integer", "null"], "minimum": -1},
            "group": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "tenant_id": parameter_types.project_id,
                },
                "required": [],
                "additionalProperties": False,
            },
            "id": {"type": "string", "format": "uuid"},
            "ip_protocol": {"type": ["string", "null"]},
            "ip_range": {
                "type": "object",
                "properties": {
                    "cidr": {"type": "string", "format": "cidr"},
                },
                "required": [],
                "additionalProperties": False,
            },
            "parent_group_id": {"type": "string", "format": "uuid"},
            "to_port": {"type": ["integer", "null"], "minimum": -1},
        },
        "required": [
            "from_port",
            "group",
            "id",
            "ip_protocol",
            "ip_range",
            "parent_group_id",
            "to_port",
        ],
        "additionalProperties": False,
    }

    _security_group_response = {
        "type": "object",
        "properties": {
            "description": {"type": ["string", "null"]},
            "id": {"type": "string", "format": "uuid"},
            "name": {"type": "string"},
            "rules": {"type": "array", "items": _security_group_rule_response},
            "tenant_id": parameter_types.project_id,
        },
        "required": ["description", "id", "name", "rules", "tenant_id"],
        "additionalProperties": False,
    }

    index_server_response = {
        "type": "object",
        "properties": {
            "security_groups": {
                "type": "array",
                "items": _security_group_response,
            },
        },
        "required": ["security_groups"],
        "additionalProperties": False,
    }

    add_security_group_response = {
        "type": "null",
    }

    remove_security_group_response = {
        "type": "null",
    }


class multinic:
    """nova/api/openstack/compute/schemas/multinic.py (response schemas)."""

    add_fixed_ip_response = {
        "type": "null",
    }

    remove_fixed_ip_response = {
        "type": "null",
    }


class admin_actions:
    """nova/api/openstack/compute/schemas/admin_actions.py (response schemas)."""

    reset_network_response = {}

    inject_network_info_response = {
        "type": "null",
    }

    reset_state_response = {
        "type": "null",
    }


# -- which schema answers which request: the decorators of nova/api/openstack/compute/*.py ----


class migrate_server:
    """nova/api/openstack/compute/schemas/migrate_server.py (response schemas)."""

    migrate_response = {"type": "null"}
    migrate_live_response = {"type": "null"}


class evacuate:
    """nova/api/openstack/compute/schemas/evacuate.py (response schemas)."""

    evacuate_response = {
        "type": ["object", "null"],
        "properties": {"adminPass": {"type": ["null", "string"]}},
        "required": [],
        "additionalProperties": False,
    }
    evacuate_response_v214 = {"type": "null"}


class create_backup:
    """nova/api/openstack/compute/schemas/create_backup.py (response schemas)."""

    create_backup_response = {
        "type": "null",
    }

    create_backup_response_v245 = {
        "type": "object",
        "properties": {
            "image_id": {"type": "string", "format": "uuid"},
        },
        "required": ["image_id"],
        "additionalProperties": False,
    }


class image_metadata:
    """nova/api/openstack/compute/schemas/image_metadata.py (response schemas)."""

    index_response = {
        "type": "object",
        "properties": {
            "metadata": response_types.metadata,
        },
        "required": ["metadata"],
        "additionalProperties": False,
    }

    show_response = {
        "type": "object",
        "properties": {
            "meta": response_types.meta,
        },
        "required": ["meta"],
        "additionalProperties": False,
    }

    create_response = copy.deepcopy(index_response)

    update_response = copy.deepcopy(show_response)

    update_all_response = copy.deepcopy(index_response)

    delete_response = {"type": "null"}


class server_metadata:
    """nova/api/openstack/compute/schemas/server_metadata.py (34.0.0; response schemas)."""

    index_response = {
        "type": "object",
        "properties": {
            "metadata": response_types.metadata,
        },
        "required": ["metadata"],
        "additionalProperties": False,
    }

    create_response = copy.deepcopy(index_response)

    update_response = {
        "type": "object",
        "properties": {
            "meta": response_types.meta,
        },
        "required": ["meta"],
        "additionalProperties": False,
    }

    update_all_response = copy.deepcopy(index_response)

    show_response = copy.deepcopy(update_response)

    delete_response = {"type": "null"}


class availability_zone:
    """nova/api/openstack/compute/schemas/availability_zone.py (34.0.0; response schemas)."""

    index_response = {
        "type": "object",
        "properties": {
            "availabilityZoneInfo": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "hosts": {"type": "null"},
                        "zoneName": {"type": "string"},
                        "zoneState": {
                            "type": "object",
                            "properties": {
                                "available": {"type": "boolean"},
                            },
                        },
                    },
                    "required": ["hosts", "zoneName", "zoneState"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["availabilityZoneInfo"],
        "additionalProperties": False,
    }

    detail_response = copy.deepcopy(index_response)
    detail_response["properties"]["availabilityZoneInfo"]["items"]["properties"]["hosts"] = {
        "type": ["null", "object"],
        "patternProperties": {
            "^.+$": {
                "type": "object",
                "patternProperties": {
                    "^.+$": {
                        "type": "object",
                        "properties": {
                            "active": {"type": "boolean"},
                            "available": {"type": "boolean"},
                            "updated_at": {
                                "type": ["string", "null"],
                                "format": "date-time",
                            },
                        },
                        "required": ["active", "available", "updated_at"],
                        "additionalProperties": False,
                    },
                },
                "additionalProperties": False,
            },
        },
        "additionalProperties": False,
    }


class ips:
    """nova/api/openstack/compute/schemas/ips.py (34.0.0; response schemas)."""

    _ip_address = {
        "type": "object",
        "properties": {
            "addr": {
                "type": "string",
                "oneOf": [
                    {"format": "ipv4"},
                    {"format": "ipv6"},
                ],
            },
            "version": {
                "enum": [4, 6],
            },
        },
        "required": ["addr", "version"],
        "additionalProperties": False,
    }

    index_response = {
        "type": "object",
        "properties": {
            "addresses": {
                "type": "object",
                "patternProperties": {
                    "^.+$": {
                        "type": "array",
                        "items": copy.deepcopy(_ip_address),
                    },
                },
                "additionalProperties": False,
            },
        },
        "required": ["addresses"],
        "additionalProperties": False,
    }

    show_response = {
        "type": "object",
        "patternProperties": {
            "^.+$": {
                "type": "array",
                "items": copy.deepcopy(_ip_address),
            },
        },
        "additionalProperties": False,
    }


class keypairs:
    """nova/api/openstack/compute/schemas/keypairs.py (34.0.0; response schemas)."""

    # parameter_types' names these schemas use
    keypair_name_special_chars = {
        "allOf": [
            parameter_types.name,
            {
                "type": "string",
                "pattern": r"^[_\- a-zA-Z0-9]+$",
                "minLength": 1,
                "maxLength": 255,
            },
        ]
    }

    keypair_name_special_chars_v292 = {
        "allOf": [
            parameter_types.name,
            {
                "type": "string",
                "pattern": r"^[_\-\@\. a-zA-Z0-9]+$",
                "minLength": 1,
                "maxLength": 255,
            },
        ]
    }

    create_response = {
        "type": "object",
        "properties": {
            "keypair": {
                "type": "object",
                "properties": {
                    "fingerprint": {"type": "string"},
                    "name": keypair_name_special_chars,
                    "private_key": {"type": "string"},
                    "public_key": {"type": "string"},
                    "user_id": parameter_types.user_id,
                },
                "required": ["fingerprint", "name", "public_key", "user_id"],
                "additionalProperties": False,
            }
        },
        "required": ["keypair"],
        "additionalProperties": False,
    }

    create_response_v22 = copy.deepcopy(create_response)
    create_response_v22["properties"]["keypair"]["properties"].update(
        {
            "type": {"type": "string", "enum": ["ssh", "x509"]},
        }
    )
    create_response_v22["properties"]["keypair"]["required"].append("type")

    create_response_v292 = copy.deepcopy(create_response_v22)
    del create_response_v292["properties"]["keypair"]["properties"]["private_key"]
    create_response_v292["properties"]["keypair"]["properties"]["name"] = (
        keypair_name_special_chars_v292
    )

    delete_response = {
        "type": "null",
    }

    show_response = {
        "type": "object",
        "properties": {
            "keypair": {
                "type": "object",
                "properties": {
                    "created_at": {"type": "string", "format": "date-time"},
                    # NOTE(stephenfin): While we expose these soft delete fields,
                    # we don't provide a mechanism to show actual soft deleted
                    # entries. As such, they're never populated.
                    "deleted": {"type": "boolean", "const": False},
                    "deleted_at": {"type": "null"},
                    "fingerprint": {"type": "string"},
                    "id": {"type": "integer"},
                    "name": keypair_name_special_chars,
                    "public_key": {"type": "string"},
                    # NOTE(stephenfin): There is no way to update an existing
                    # keypair, so this is never populated.
                    "updated_at": {"type": "null"},
                    "user_id": parameter_types.user_id,
                },
                "required": [
                    "created_at",
                    "deleted",
                    "deleted_at",
                    "fingerprint",
                    "id",
                    "name",
                    "public_key",
                    "updated_at",
                    "user_id",
                ],
                "additionalProperties": False,
            }
        },
        "required": ["keypair"],
        "additionalProperties": False,
    }

    show_response_v22 = copy.deepcopy(show_response)
    show_response_v22["properties"]["keypair"]["properties"].update(
        {
            "type": {"type": "string", "enum": ["ssh", "x509"]},
        }
    )
    show_response_v22["properties"]["keypair"]["required"].append("type")

    index_response = {
        "type": "object",
        "properties": {
            "keypairs": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "keypair": {
                            "type": "object",
                            "properties": {
                                "fingerprint": {"type": "string"},
                                "name": keypair_name_special_chars,  # noqa: E501
                                "public_key": {"type": "string"},
                            },
                            "required": ["fingerprint", "name", "public_key"],
                            "additionalProperties": False,
                        },
                    },
                    "required": ["keypair"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["keypairs"],
        "additionalProperties": False,
    }

    index_response_v22 = copy.deepcopy(index_response)
    index_response_v22["properties"]["keypairs"]["items"]["properties"]["keypair"][
        "properties"
    ].update(
        {
            "type": {"type": "string", "enum": ["ssh", "x509"]},
        }
    )
    index_response_v22["properties"]["keypairs"]["items"]["properties"]["keypair"][
        "required"
    ].append("type")

    index_response_v235 = copy.deepcopy(index_response_v22)
    index_response_v235["properties"].update(
        {
            "keypairs_links": response_types.collection_links,
        }
    )


class server_groups:
    """nova/api/openstack/compute/schemas/server_groups.py (34.0.0; response schemas)."""

    _server_group_response = {
        "type": "object",
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "members": {
                "type": "array",
                "items": {
                    "type": "string",
                    "format": "uuid",
                },
            },
            # Why yes, this is a **totally empty object**. It's removed later
            "metadata": {
                "type": "object",
                "properties": {},
                "required": [],
                "additionalProperties": False,
            },
            "name": {"type": "string"},
            "policies": {
                "type": "array",
                "prefixItems": [
                    {
                        "type": "string",
                        "enum": [
                            "affinity",
                            "anti-affinity",
                        ],
                    },
                ],
                "minItems": 0,
                "maxItems": 1,
            },
        },
        "required": ["id", "members", "metadata", "name", "policies"],
        "additionalProperties": False,
    }

    _server_group_response_v213 = copy.deepcopy(_server_group_response)
    _server_group_response_v213["properties"].update(
        {
            "project_id": parameter_types.project_id,
            "user_id": parameter_types.user_id,
        }
    )
    _server_group_response_v213["required"].extend(["project_id", "user_id"])

    _server_group_response_v215 = copy.deepcopy(_server_group_response_v213)
    _server_group_response_v215["properties"]["policies"]["prefixItems"][0]["enum"].extend(
        ["soft-affinity", "soft-anti-affinity"]
    )

    _server_group_response_v264 = copy.deepcopy(_server_group_response_v215)
    del _server_group_response_v264["properties"]["metadata"]
    del _server_group_response_v264["properties"]["policies"]
    _server_group_response_v264["properties"].update(
        {
            "policy": {
                "type": "string",
                "enum": [
                    "affinity",
                    "anti-affinity",
                    "soft-affinity",
                    "soft-anti-affinity",
                ],
            },
            "rules": {
                "type": "object",
                "properties": {
                    "max_server_per_host": {"type": "integer"},
                },
                "required": [],
                "additionalProperties": False,
            },
        }
    )
    _server_group_response_v264["required"].remove("metadata")
    _server_group_response_v264["required"].remove("policies")
    _server_group_response_v264["required"].extend(["policy", "rules"])

    show_response = {
        "type": "object",
        "properties": {
            "server_group": copy.deepcopy(_server_group_response),
        },
        "required": ["server_group"],
        "additionalProperties": False,
    }

    show_response_v213 = copy.deepcopy(show_response)
    show_response_v213["properties"]["server_group"] = _server_group_response_v213

    show_response_v215 = copy.deepcopy(show_response_v213)
    show_response_v215["properties"]["server_group"] = _server_group_response_v215

    show_response_v264 = copy.deepcopy(show_response_v215)
    show_response_v264["properties"]["server_group"] = _server_group_response_v264

    delete_response = {"type": "null"}

    index_response = {
        "type": "object",
        "properties": {
            "server_groups": {
                "type": "array",
                "items": copy.deepcopy(_server_group_response),
            },
        },
        "required": ["server_groups"],
        "additionalProperties": False,
    }

    index_response_v213 = copy.deepcopy(index_response)
    index_response_v213["properties"]["server_groups"]["items"] = _server_group_response_v213

    index_response_v215 = copy.deepcopy(index_response_v213)
    index_response_v215["properties"]["server_groups"]["items"] = _server_group_response_v215

    index_response_v264 = copy.deepcopy(index_response_v215)
    index_response_v264["properties"]["server_groups"]["items"] = _server_group_response_v264

    create_response = copy.deepcopy(show_response)

    create_response_v213 = copy.deepcopy(show_response_v213)

    create_response_v215 = copy.deepcopy(show_response_v215)

    create_response_v264 = copy.deepcopy(show_response_v264)


class server_tags:
    """nova/api/openstack/compute/schemas/server_tags.py (34.0.0; response schemas)."""

    show_response = {"type": "null"}

    index_response = {
        "type": "object",
        "properties": {
            "tags": {
                "type": "array",
                "items": parameter_types.tag,
                "additionalItems": False,
            },
        },
        "required": ["tags"],
        "additionalProperties": False,
    }

    update_response = {"type": "null"}

    update_all_response = {
        "type": "object",
        "properties": {
            "tags": {
                "type": "array",
                "items": parameter_types.tag,
                "additionalItems": False,
            },
        },
        "required": ["tags"],
        "additionalProperties": False,
    }

    delete_response = {"type": "null"}

    delete_all_response = {"type": "null"}


class flavor_access:
    """nova/api/openstack/compute/schemas/flavor_access.py (34.0.0; response schemas)."""

    _common_response = {
        "type": "object",
        "properties": {
            "flavor_access": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "flavor_id": {"type": "string"},
                        "tenant_id": parameter_types.project_id,
                    },
                    "required": ["flavor_id", "tenant_id"],
                    "additionalProperties": True,
                },
            },
        },
        "required": ["flavor_access"],
        "additionalProperties": True,
    }

    index_response = copy.deepcopy(_common_response)

    add_tenant_access_response = copy.deepcopy(_common_response)

    remove_tenant_access_response = copy.deepcopy(_common_response)


class flavors_extraspecs:
    """nova/api/openstack/compute/schemas/flavors_extraspecs.py (request schemas the responses
    copy, and the response schemas)."""

    _metadata_key = "^[a-zA-Z0-9-_:. ]{1,255}$"
    # NOTE(oomichi): The metadata of flavor_extraspecs should accept numbers
    # as its values.
    _metadata = copy.deepcopy(parameter_types.metadata)
    _metadata["patternProperties"][_metadata_key]["type"] = ["string", "number"]

    create = {
        "type": "object",
        "properties": {"extra_specs": _metadata},
        "required": ["extra_specs"],
        "additionalProperties": False,
    }

    update = copy.deepcopy(_metadata)
    update.update({"minProperties": 1, "maxProperties": 1})

    index_response = {
        "type": "object",
        "properties": {
            # NOTE(stephenfin): While we accept numbers as values, we always return
            # strings
            "extra_specs": parameter_types.metadata,
        },
        "required": ["extra_specs"],
        "additionalProperties": False,
    }

    # NOTE(stephenfin): We return the request back to the user unmodified, meaning
    # if the user provided a number key then they'll get a number key back, even
    # though later requests will return a string
    create_response = copy.deepcopy(create)

    # NOTE(stephenfin): As above
    update_response = copy.deepcopy(update)

    # NOTE(stephenfin): Since we are retrieving here, we always return string keys
    # (like index)
    show_response = copy.deepcopy(parameter_types.metadata)

    delete_response = {"type": "null"}


class volume_attachments:
    """nova/api/openstack/compute/schemas/volume_attachments.py (index/show/update responses)."""

    _volume_attachment_response = {
        "type": "object",
        "properties": {
            "id": parameter_types.volume_id,
            "device": {
                "type": ["string", "null"],
                # NOTE: The validation pattern from match_device() in
                # nova/block_device.py.
                "pattern": "(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$",
            },
            "serverId": parameter_types.server_id,
            "volumeId": parameter_types.volume_id,
        },
        "required": ["id", "serverId", "volumeId"],
        "additionalProperties": False,
    }

    _volume_attachment_response_v270 = copy.deepcopy(_volume_attachment_response)
    _volume_attachment_response_v270["properties"].update(
        {
            "tag": {
                "oneOf": [
                    parameter_types.tag,
                    {"type": "null"},
                ],
            },
        }
    )
    _volume_attachment_response_v270["required"].append("tag")

    _volume_attachment_response_v279 = copy.deepcopy(_volume_attachment_response_v270)
    _volume_attachment_response_v279["properties"].update(
        {
            "delete_on_termination": parameter_types.boolean,
        }
    )
    _volume_attachment_response_v279["required"].append("delete_on_termination")

    _volume_attachment_response_v289 = copy.deepcopy(_volume_attachment_response_v279)
    del _volume_attachment_response_v289["properties"]["id"]
    _volume_attachment_response_v289["properties"].update(
        {
            "attachment_id": parameter_types.attachment_id,
            "bdm_uuid": {"type": "string", "format": "uuid"},
        }
    )
    _volume_attachment_response_v289["required"].pop(
        _volume_attachment_response_v289["required"].index("id")
    )
    _volume_attachment_response_v289["required"].extend(["attachment_id", "bdm_uuid"])

    index_response = {
        "type": "object",
        "properties": {
            "volumeAttachments": {
                "type": "array",
                "items": _volume_attachment_response,
            },
        },
        "required": ["volumeAttachments"],
        "additionalProperties": False,
    }

    index_response_v270 = copy.deepcopy(index_response)
    index_response_v270["properties"]["volumeAttachments"]["items"] = (
        _volume_attachment_response_v270
    )

    index_response_v279 = copy.deepcopy(index_response_v270)
    index_response_v279["properties"]["volumeAttachments"]["items"] = (
        _volume_attachment_response_v279
    )

    index_response_v289 = copy.deepcopy(index_response_v279)
    index_response_v289["properties"]["volumeAttachments"]["items"] = (
        _volume_attachment_response_v289
    )

    show_response = {
        "type": "object",
        "properties": {
            "volumeAttachment": _volume_attachment_response,
        },
        "required": ["volumeAttachment"],
        "additionalProperties": False,
    }

    show_response_v270 = copy.deepcopy(show_response)
    show_response_v270["properties"]["volumeAttachment"] = _volume_attachment_response_v270

    show_response_v279 = copy.deepcopy(show_response_v270)
    show_response_v279["properties"]["volumeAttachment"] = _volume_attachment_response_v279

    show_response_v289 = copy.deepcopy(show_response_v279)
    show_response_v289["properties"]["volumeAttachment"] = _volume_attachment_response_v289

    update_response = {"type": "null"}


class assisted_volume_snapshots:
    """nova/api/openstack/compute/schemas/assisted_volume_snapshots.py (response schemas)."""

    create_response = {
        "type": "object",
        "properties": {
            "snapshot": {
                "type": "object",
                "properties": {
                    "id": {"type": ["null", "string"], "format": "uuid"},
                    "volumeId": {"type": "string", "format": "uuid"},
                },
                "required": ["id", "volumeId"],
                "additionalProperties": False,
            },
        },
        "required": ["snapshot"],
        "additionalProperties": False,
    }

    delete_response = {
        "type": "null",
    }


class server_external_events:
    """nova/api/openstack/compute/schemas/server_external_events.py (response schemas;
    ``external_event_obj.EVENT_STATUSES`` from nova/objects/external_event.py)."""

    class external_event_obj:
        EVENT_STATUSES = ["failed", "completed", "in-progress"]

    create_response = {
        "type": "object",
        "properties": {
            "events": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "code": {
                            "type": "integer",
                            "enum": [200, 400, 404, 422],
                        },
                        "name": {
                            "type": "string",
                            "enum": [
                                "network-changed",
                                "network-vif-plugged",
                                "network-vif-unplugged",
                                "network-vif-deleted",
                            ],
                        },
                        "server_uuid": {"type": "string", "format": "uuid"},
                        "status": {
                            "type": "string",
                            "enum": external_event_obj.EVENT_STATUSES,
                        },
                        "tag": {
                            "type": "string",
                            "maxLength": 255,
                        },
                    },
                    "required": [
                        "code",
                        "name",
                        "server_uuid",
                        "status",
                        # tag is not required in responses, although omitting it
                        # from requests will result in a failed event response
                    ],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["events"],
        "additionalProperties": False,
    }

    create_response_v251 = copy.deepcopy(create_response)
    name = create_response_v251["properties"]["events"]["items"]["properties"]["name"]
    name["enum"].append("volume-extended")

    create_response_v276 = copy.deepcopy(create_response_v251)
    name = create_response_v276["properties"]["events"]["items"]["properties"]["name"]
    name["enum"].append("power-update")

    create_response_v282 = copy.deepcopy(create_response_v276)
    name = create_response_v282["properties"]["events"]["items"]["properties"]["name"]
    name["enum"].append("accelerator-request-bound")

    create_response_v293 = copy.deepcopy(create_response_v282)
    name = create_response_v293["properties"]["events"]["items"]["properties"]["name"]
    name["enum"].append("volume-reimaged")


class simple_tenant_usage:
    """nova/api/openstack/compute/schemas/simple_tenant_usage.py (responses; ``vm_states.X``
    written as its value)."""

    _server_usage_response = {
        "type": "object",
        "properties": {
            "ended_at": {"type": ["string", "null"], "format": "date-time"},
            "flavor": {"type": "string"},
            "hours": {"type": "number"},
            "instance_id": {"type": "string", "format": "uuid"},
            "local_gb": {"type": "integer", "minimum": 0},
            "memory_mb": {"type": "integer", "minimum": 1},
            "name": {"type": "string"},
            "started_at": {"type": "string", "format": "date-time"},
            "state": {
                "type": "string",
                "enum": [
                    "active",
                    "building",
                    # vm_states.DELETED is ignored in favour of 'terminated'
                    "error",
                    "paused",
                    "rescued",
                    "resized",
                    "shelved",
                    "shelved_offloaded",
                    # vm_states.SOFT_DELETED is ignored in favour of 'terminated'
                    "stopped",
                    "suspended",
                    "terminated",
                ],
            },
            "tenant_id": parameter_types.project_id,
            "uptime": {"type": "integer", "minimum": 0},
            "vcpus": {"type": "integer", "minimum": 1},
        },
        "required": [
            # local_gb, memory_mb and vcpus can be omitted if the instance is not
            # found
            "ended_at",
            "flavor",
            "hours",
            "instance_id",
            "name",
            "state",
            "started_at",
            "tenant_id",
            "uptime",
        ],
        "additionalProperties": False,
    }

    _usage_response = {
        "type": "object",
        "properties": {
            "server_usages": {
                "type": "array",
                "items": _server_usage_response,
            },
            "start": {"type": "string", "format": "date-time"},
            "stop": {"type": "string", "format": "date-time"},
            "tenant_id": parameter_types.project_id,
            # these are number instead of integer since the underlying values are
            # floats after multiplication by hours (a float)
            "total_hours": {"type": "number", "minimum": 0},
            "total_local_gb_usage": {"type": "number", "minimum": 0},
            "total_memory_mb_usage": {"type": "number", "minimum": 0},
            "total_vcpus_usage": {"type": "number", "minimum": 0},
        },
        "required": [
            "start",
            "stop",
            "tenant_id",
            "total_hours",
            "total_local_gb_usage",
            "total_memory_mb_usage",
            "total_vcpus_usage",
        ],
        "additionalProperties": False,
    }

    index_response = {
        "type": "object",
        "properties": {
            "tenant_usages": {
                "type": "array",
                "items": _usage_response,
            },
        },
        "required": ["tenant_usages"],
        "additionalProperties": False,
    }

    index_response_v240 = copy.deepcopy(index_response)
    index_response_v240["properties"]["tenant_usages_links"] = response_types.collection_links

    show_response = {
        "type": "object",
        # if there are no usages for the tenant, we return an empty object rather
        # than an object with all zero values, thus, oneOf
        "properties": {
            "tenant_usage": {
                "oneOf": [
                    copy.deepcopy(_usage_response),
                    {
                        "type": "object",
                        "properties": {},
                        "required": [],
                        "additionalProperties": False,
                    },
                ],
            },
        },
        "required": ["tenant_usage"],
        "additionalProperties": False,
    }
    show_response["properties"]["tenant_usage"]["oneOf"][0]["required"].append("server_usages")

    show_response_v240 = copy.deepcopy(show_response)
    show_response_v240["properties"]["tenant_usage_links"] = response_types.collection_links


class server_topology:
    """nova/api/openstack/compute/schemas/server_topology.py (responses)."""

    index_response = {
        "type": "object",
        "properties": {
            "nodes": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "cpu_pinning": {
                            "type": "object",
                            "patternProperties": {
                                "^[0-9]+$": {"type": "integer"},
                            },
                            "additionalProperties": False,
                        },
                        "host_node": {"type": "integer"},
                        "memory_mb": {"type": "integer"},
                        "siblings": {
                            "type": "array",
                            "items": {
                                "type": "array",
                                "items": {"type": "integer"},
                            },
                        },
                        "vcpu_set": {
                            "type": "array",
                            "items": {"type": "integer"},
                        },
                    },
                    "required": ["memory_mb", "siblings", "vcpu_set"],
                    "additionalProperties": False,
                },
            },
            "pagesize_kb": {"type": ["integer", "null"]},
        },
        "required": ["nodes", "pagesize_kb"],
        "additionalProperties": False,
    }


class server_password:
    """nova/api/openstack/compute/schemas/server_password.py (responses)."""

    index_response = {
        "type": "object",
        "properties": {
            "password": {"type": "string"},
        },
        "required": ["password"],
        "additionalProperties": False,
    }

    clear_response = {"type": "null"}


class server_diagnostics:
    """nova/api/openstack/compute/schemas/server_diagnostics.py (responses)."""

    # NOTE(stephenfin): We could define all available response types for the
    # various virt drivers, but we'd need to be able to do this (accurately) for
    # every virt driver including those we once supported but no longer do. Seems
    # like a lot of work with very little in return.
    index_response = {
        "type": "object",
        "properties": {},
        "required": [],
        "additionalProperties": True,
    }

    index_response_v248 = {
        "type": "object",
        "properties": {
            "config_drive": {"type": "boolean"},
            "cpu_details": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": ["integer", "null"]},
                        "time": {"type": ["integer", "null"]},
                        "utilisation": {"type": ["integer", "null"]},
                    },
                    "required": ["id", "time", "utilisation"],
                    "additionalProperties": False,
                },
            },
            "disk_details": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "errors_count": {"type": ["integer", "null"]},
                        "read_bytes": {"type": ["integer", "null"]},
                        "read_requests": {"type": ["integer", "null"]},
                        "write_bytes": {"type": ["integer", "null"]},
                        "write_requests": {"type": ["integer", "null"]},
                    },
                    "required": [
                        "errors_count",
                        "read_bytes",
                        "read_requests",
                        "write_bytes",
                        "write_requests",
                    ],
                    "additionalProperties": False,
                },
            },
            "driver": {
                "type": "string",
                "enum": [
                    "ironic",
                    "libvirt",
                    "vmwareapi",
                    "xenapi",
                ],
            },
            "hypervisor": {"type": ["string", "null"]},
            "hypervisor_os": {"type": ["string", "null"]},
            "memory_details": {
                "type": "object",
                "properties": {
                    "maximum": {"type": ["integer", "null"]},
                    "used": {"type": ["integer", "null"]},
                },
                "required": ["maximum", "used"],
                "additionalProperties": False,
            },
            "nic_details": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "mac_address": {"type": ["string", "null"]},
                        "rx_drop": {"type": ["integer", "null"]},
                        "rx_errors": {"type": ["integer", "null"]},
                        "rx_octets": {"type": ["integer", "null"]},
                        "rx_packets": {"type": ["integer", "null"]},
                        "rx_rate": {"type": ["integer", "null"]},
                        "tx_drop": {"type": ["integer", "null"]},
                        "tx_errors": {"type": ["integer", "null"]},
                        "tx_octets": {"type": ["integer", "null"]},
                        "tx_packets": {"type": ["integer", "null"]},
                        "tx_rate": {"type": ["integer", "null"]},
                    },
                    "required": [
                        "mac_address",
                        "rx_drop",
                        "rx_errors",
                        "rx_octets",
                        "rx_packets",
                        "rx_rate",
                        "tx_drop",
                        "tx_errors",
                        "tx_octets",
                        "tx_packets",
                        "tx_rate",
                    ],
                    "additionalProperties": False,
                },
            },
            "num_cpus": {"type": ["integer", "null"]},
            "num_disks": {"type": ["integer", "null"]},
            "num_nics": {"type": ["integer", "null"]},
            "state": {
                "type": "string",
                "enum": [
                    "pending",
                    "running",
                    "paused",
                    "shutdown",
                    "crashed",
                    "suspended",
                ],
            },
            "uptime": {"type": ["integer", "null"]},
        },
        "required": [
            "config_drive",
            "cpu_details",
            "disk_details",
            "driver",
            "hypervisor",
            "hypervisor_os",
            "memory_details",
            "nic_details",
            "num_cpus",
            "num_disks",
            "num_nics",
            "state",
            "uptime",
        ],
        "additionalProperties": False,
    }


class services:
    """nova/api/openstack/compute/schemas/services.py (the response schemas)."""

    _service_response = {
        "type": "object",
        "properties": {
            "binary": {"type": "string"},
            "disabled_reason": {"type": ["string", "null"]},
            "host": {"type": "string"},
            "id": {"type": "integer"},
            "state": {"type": "string", "enum": ["up", "down"]},
            "status": {"type": "string", "enum": ["enabled", "disabled"]},
            "updated_at": {"type": ["string", "null"], "format": "date-time"},
            "zone": {"type": "string"},
        },
        "required": [
            "binary",
            "disabled_reason",
            "host",
            "id",
            "state",
            "status",
            "updated_at",
            "zone",
        ],
        "additionalProperties": False,
    }

    _service_response_v211 = copy.deepcopy(_service_response)
    _service_response_v211["properties"]["forced_down"] = {"type": "boolean"}
    _service_response_v211["required"].append("forced_down")

    _service_response_v253 = copy.deepcopy(_service_response_v211)
    _service_response_v253["properties"]["id"] = {
        "type": "string",
        "format": "uuid",
    }

    _service_response_v269 = copy.deepcopy(_service_response_v253)
    _service_response_v269["properties"]["status"] = {
        "type": "string",
        "enum": ["enabled", "disabled", "UNKNOWN"],
    }
    _service_response_v269["required"] = ["binary", "host", "status"]

    delete_response = {"type": "null"}

    index_response = {
        "type": "object",
        "properties": {
            "services": {
                "type": "array",
                "items": _service_response,
            },
        },
        "required": ["services"],
        "additionalProperties": False,
    }

    index_response_v211 = copy.deepcopy(index_response)
    index_response_v211["properties"]["services"]["items"] = _service_response_v211

    index_response_v253 = copy.deepcopy(index_response_v211)
    index_response_v253["properties"]["services"]["items"] = _service_response_v253

    index_response_v269 = copy.deepcopy(index_response_v253)
    index_response_v269["properties"]["services"]["items"] = _service_response_v269

    update_response = {
        "type": "object",
        "properties": {
            "service": {
                "type": "object",
                "oneOf": [
                    {
                        "properties": {
                            "binary": {"type": "string"},
                            "disabled_reason": {"type": ["string", "null"]},
                            "host": {"type": "string"},
                            "status": {"type": "string", "enum": ["enabled", "disabled"]},
                        },
                        "required": ["binary", "host", "status"],
                        # pardon the duplication but this must go *inside* the
                        # sub-schemas
                        # https://github.com/python-jsonschema/jsonschema/issues/193
                        "additionalProperties": False,
                    },
                    {
                        "properties": {
                            "binary": {"type": "string"},
                            "forced_down": {"type": "boolean"},
                            "host": {"type": "string"},
                        },
                        "required": ["binary", "forced_down", "host"],
                        "additionalProperties": False,
                    },
                ],
            },
        },
        "required": ["service"],
        "additionalProperties": False,
    }

    update_response_v253 = copy.deepcopy(update_response)
    update_response_v253["properties"]["service"] = copy.deepcopy(_service_response_v253)
    update_response_v253["properties"]["service"]["properties"].update(
        {
            "forced_down": {"type": "boolean"},
        }
    )

    update_response_v269 = copy.deepcopy(update_response_v253)
    update_response_v269["properties"]["service"] = copy.deepcopy(_service_response_v269)
    update_response_v269["properties"]["service"]["properties"].update(
        {
            "forced_down": {"type": "boolean"},
        }
    )


class hypervisors:
    """nova/api/openstack/compute/schemas/hypervisors.py (the response schemas)."""

    _servers_response = {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "uuid": {"type": "string", "format": "uuid"},
            },
            "required": ["name", "uuid"],
            "additionalProperties": False,
        },
    }

    _hypervisor_response = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "hypervisor_hostname": {"type": "string"},
            "state": {"enum": ["up", "down"]},
            "status": {"enum": ["enabled", "disabled"]},
        },
        "required": ["id", "hypervisor_hostname", "state", "status"],
        "additionalProperties": False,
    }

    _hypervisor_response_v253 = copy.deepcopy(_hypervisor_response)
    _hypervisor_response_v253["properties"].update(
        {
            "id": {"type": "string", "format": "uuid"},
            "servers": copy.deepcopy(_servers_response),
        }
    )

    _hypervisor_detail_response = {
        "type": "object",
        "properties": {
            "cpu_info": {"type": "string"},
            "current_workload": {"type": ["null", "integer"]},
            "disk_available_least": {"type": ["null", "integer"]},
            "free_disk_gb": {"type": ["null", "integer"]},
            "free_ram_mb": {"type": ["null", "integer"]},
            "host_ip": {"type": ["null", "string"]},
            "hypervisor_hostname": {"type": "string"},
            "hypervisor_type": {"type": "string"},
            "hypervisor_version": {"type": ["string", "integer"]},
            "id": {"type": "integer"},
            "local_gb": {"type": "integer"},
            "local_gb_used": {"type": "integer"},
            "memory_mb": {"type": "integer"},
            "memory_mb_used": {"type": "integer"},
            "running_vms": {"type": ["null", "integer"]},
            "service": {
                "type": "object",
                "properties": {
                    "disabled_reason": {"type": ["null", "string"]},
                    "host": {"type": "string"},
                    "id": {"type": "integer"},
                },
                "required": ["disabled_reason", "host", "id"],
                "additionalProperties": False,
            },
            "state": {"enum": ["up", "down"]},
            "status": {"enum": ["enabled", "disabled"]},
            "vcpus": {"type": "integer"},
            "vcpus_used": {"type": "integer"},
        },
        "required": [
            "cpu_info",
            "current_workload",
            "free_disk_gb",
            "free_ram_mb",
            "host_ip",
            "hypervisor_hostname",
            "hypervisor_type",
            "hypervisor_version",
            "id",
            "local_gb",
            "local_gb_used",
            "memory_mb",
            "memory_mb_used",
            "running_vms",
            "service",
            "state",
            "status",
            "vcpus",
            "vcpus_used",
        ],
        "additionalProperties": False,
    }

    _hypervisor_detail_response_v228 = copy.deepcopy(_hypervisor_detail_response)
    _hypervisor_detail_response_v228["properties"].update(
        {
            "cpu_info": {
                # NOTE(stephenfin): This is virt-driver specific hence no schema
                "type": "object",
                "properties": {},
                "required": [],
                "additionalProperties": True,
            },
        }
    )

    _hypervisor_detail_response_v253 = copy.deepcopy(_hypervisor_detail_response_v228)
    _hypervisor_detail_response_v253["properties"].update(
        {
            "id": {"type": "string", "format": "uuid"},
            "servers": copy.deepcopy(_servers_response),
        }
    )
    _hypervisor_detail_response_v253["properties"]["service"]["properties"].update(
        {
            "id": {"type": "string", "format": "uuid"},
        }
    )

    _hypervisor_detail_response_v288 = copy.deepcopy(_hypervisor_detail_response_v253)
    for field in {
        "cpu_info",
        "current_workload",
        "free_disk_gb",
        "free_ram_mb",
        "local_gb",
        "local_gb_used",
        "memory_mb",
        "memory_mb_used",
        "running_vms",
        "vcpus",
        "vcpus_used",
    }:
        del _hypervisor_detail_response_v288["properties"][field]
        _hypervisor_detail_response_v288["required"].remove(field)

    _hypervisor_detail_response_v288["properties"].update({"uptime": {"type": ["string", "null"]}})
    _hypervisor_detail_response_v288["required"].append("uptime")

    index_response = {
        "type": "object",
        "properties": {
            "hypervisors": {
                "type": "array",
                "items": copy.deepcopy(_hypervisor_response),
            },
        },
        "required": ["hypervisors"],
        "additionalProperties": False,
    }

    # v2.33 adds the hypervisors_links field
    index_response_v233 = copy.deepcopy(index_response)
    index_response_v233["properties"].update(
        {
            "hypervisors_links": response_types.collection_links,
        }
    )

    # v2.53 adds the 'servers' field but only if a user requests it via the
    # 'with_servers' query arg. It also changes the 'id' field to a UUID. Note that
    # v2.75 makes the 'servers' property always present even if empty *unless* the
    # 'with_servers' query parameter is 'false'. This dependency between a query
    # parameter and a response parameter is not something we can capture with
    # jsonschema and we can't update 'required' as a result
    index_response_v253 = copy.deepcopy(index_response_v233)
    index_response_v253["properties"]["hypervisors"]["items"] = _hypervisor_response_v253

    search_response = copy.deepcopy(index_response)

    servers_response = copy.deepcopy(index_response)
    servers_response["properties"]["hypervisors"]["items"]["properties"].update(
        {
            "servers": copy.deepcopy(_servers_response),
        }
    )

    detail_response = copy.deepcopy(index_response)
    detail_response["properties"]["hypervisors"]["items"] = _hypervisor_detail_response

    # v2.28 changes the 'cpu_info' field from a stringified object to a real object
    detail_response_v228 = copy.deepcopy(detail_response)
    detail_response_v228["properties"]["hypervisors"]["items"] = _hypervisor_detail_response_v228

    # v2.33 adds the hypervisors_links field
    detail_response_v233 = copy.deepcopy(detail_response_v228)
    detail_response_v233["properties"].update(
        {
            "hypervisors_links": response_types.collection_links,
        }
    )

    # v2.53 adds the 'servers' field but only if a user requests it via the
    # 'with_servers' query arg. It also changes the 'id' field to a UUID. Note that
    # v2.75 makes the 'servers' property always present even if empty *unless* the
    # 'with_servers' query parameter is 'false'. This dependency between a query
    # parameter and a response parameter is not something we can capture with
    # jsonschema and we can't update 'required' as a result
    detail_response_v253 = copy.deepcopy(detail_response_v233)
    detail_response_v253["properties"]["hypervisors"]["items"] = _hypervisor_detail_response_v253

    # v2.88 drops a whole lot of fields that were now duplicated in placement. It
    # also adds the uptime field into the response rather than a separate API
    detail_response_v288 = copy.deepcopy(detail_response_v253)
    detail_response_v288["properties"]["hypervisors"]["items"] = _hypervisor_detail_response_v288

    show_response = {
        "type": "object",
        "properties": {
            "hypervisor": copy.deepcopy(_hypervisor_detail_response),
        },
        "required": ["hypervisor"],
        "additionalProperties": False,
    }

    show_response_v228 = copy.deepcopy(show_response)
    show_response_v228["properties"]["hypervisor"] = copy.deepcopy(_hypervisor_detail_response_v228)

    show_response_v253 = copy.deepcopy(show_response_v228)
    show_response_v253["properties"]["hypervisor"] = copy.deepcopy(_hypervisor_detail_response_v253)

    show_response_v288 = copy.deepcopy(show_response_v253)
    show_response_v288["properties"]["hypervisor"] = copy.deepcopy(_hypervisor_detail_response_v288)

    uptime_response = {
        "type": "object",
        "properties": {
            "hypervisor": copy.deepcopy(_hypervisor_response),
        },
        "required": ["hypervisor"],
        "additionalProperties": False,
    }
    uptime_response["properties"]["hypervisor"]["properties"].update(
        {"uptime": {"type": ["string", "null"]}}
    )
    uptime_response["properties"]["hypervisor"]["required"].append("uptime")

    uptime_response_v253 = copy.deepcopy(uptime_response)
    uptime_response_v253["properties"]["hypervisor"] = copy.deepcopy(_hypervisor_response_v253)
    uptime_response_v253["properties"]["hypervisor"]["properties"].update(
        {"uptime": {"type": ["string", "null"]}}
    )
    uptime_response_v253["properties"]["hypervisor"]["required"].append("uptime")

    statistics_response = {
        "type": "object",
        "properties": {
            "hypervisor_statistics": {
                "type": "object",
                "properties": {
                    "count": {"type": "integer"},
                    "current_workload": {"type": ["null", "integer"]},
                    "disk_available_least": {"type": ["null", "integer"]},
                    "free_disk_gb": {"type": ["null", "integer"]},
                    "free_ram_mb": {"type": ["null", "integer"]},
                    "local_gb": {"type": "integer"},
                    "local_gb_used": {"type": "integer"},
                    "memory_mb": {"type": "integer"},
                    "memory_mb_used": {"type": "integer"},
                    "running_vms": {"type": ["null", "integer"]},
                    "vcpus": {"type": "integer"},
                    "vcpus_used": {"type": "integer"},
                },
                "required": [
                    "count",
                    "current_workload",
                    "disk_available_least",
                    "free_disk_gb",
                    "free_ram_mb",
                    "local_gb",
                    "local_gb_used",
                    "memory_mb",
                    "memory_mb_used",
                    "running_vms",
                    "vcpus",
                    "vcpus_used",
                ],
                "additionalProperties": False,
            },
        },
        "required": ["hypervisor_statistics"],
        "additionalProperties": False,
    }


#: ``(method, path template under /v2.1)`` -> ``[(min, max, schema)]``; the version documents
#: (``versions.py``, ``versionsV21.py``) are reached without the ``/v2.1`` prefix.


class aggregates:
    """nova/api/openstack/compute/schemas/aggregates.py (the response schemas) and
    aggregate_images.py's ``aggregate_images_response``."""

    _aggregate_response = {
        "type": "object",
        "properties": {
            "availability_zone": {"type": ["null", "string"]},
            "created_at": {"type": "string", "format": "date-time"},
            "deleted": {"type": "boolean"},
            "deleted_at": {"type": ["string", "null"], "format": "date-time"},
            "hosts": {
                "type": ["array", "null"],
                "items": {
                    "type": "string",
                },
            },
            "id": {"type": "integer"},
            # TODO(stephenfin): This could be stricter
            "metadata": {
                "type": ["null", "object"],
                "properties": {},
                "additionalProperties": True,
            },
            "name": {"type": "string"},
            "updated_at": {"type": ["string", "null"], "format": "date-time"},
        },
        "required": [
            "availability_zone",
            "created_at",
            "deleted",
            "deleted_at",
            "hosts",
            "id",
            "metadata",
            "name",
            "updated_at",
        ],
        "additionalProperties": False,
    }

    _aggregate_response_v241 = copy.deepcopy(_aggregate_response)
    _aggregate_response_v241["properties"].update(
        {"uuid": {"type": "string", "format": "uuid"}},
    )
    _aggregate_response_v241["required"].append("uuid")

    index_response = {
        "type": "object",
        "properties": {
            "aggregates": {
                "type": "array",
                "items": copy.deepcopy(_aggregate_response),
            },
        },
        "required": ["aggregates"],
        "additionalProperties": False,
    }
    index_response_v241 = copy.deepcopy(index_response)
    index_response_v241["properties"]["aggregates"]["items"] = copy.deepcopy(
        _aggregate_response_v241
    )

    create_response = {
        "type": "object",
        "properties": {
            "aggregate": copy.deepcopy(_aggregate_response),
        },
        "required": ["aggregate"],
        "additionalProperties": False,
    }
    del create_response["properties"]["aggregate"]["properties"]["hosts"]
    del create_response["properties"]["aggregate"]["properties"]["metadata"]
    create_response["properties"]["aggregate"]["required"].remove("hosts")
    create_response["properties"]["aggregate"]["required"].remove("metadata")
    create_response_v241 = copy.deepcopy(create_response)
    create_response_v241["properties"]["aggregate"] = copy.deepcopy(_aggregate_response_v241)
    del create_response_v241["properties"]["aggregate"]["properties"]["hosts"]
    del create_response_v241["properties"]["aggregate"]["properties"]["metadata"]
    create_response_v241["properties"]["aggregate"]["required"].remove("hosts")
    create_response_v241["properties"]["aggregate"]["required"].remove("metadata")

    show_response = {
        "type": "object",
        "properties": {
            "aggregate": copy.deepcopy(_aggregate_response),
        },
        "required": ["aggregate"],
        "additionalProperties": False,
    }
    show_response_v241 = copy.deepcopy(show_response)
    show_response_v241["properties"]["aggregate"] = copy.deepcopy(_aggregate_response_v241)

    update_response = copy.deepcopy(show_response)
    update_response_v241 = copy.deepcopy(show_response_v241)

    delete_response = {"type": "null"}

    add_host_response = copy.deepcopy(show_response)
    add_host_response_v241 = copy.deepcopy(show_response_v241)

    remove_host_response = copy.deepcopy(show_response)
    remove_host_response_v241 = copy.deepcopy(show_response_v241)

    set_metadata_response = copy.deepcopy(show_response)
    set_metadata_response_v241 = copy.deepcopy(show_response_v241)

    aggregate_images_response = {
        "type": "null",
    }


class networks:
    """nova/api/openstack/compute/schemas/networks.py (33.0.0, unchanged at master; response
    schemas)."""

    # NOTE(stephenfin): These schemas are intentionally empty since these APIs have
    # been removed

    create = {}
    add = {}
    disassociate = {}

    index_query = {}
    show_query = {}

    # NOTE(stephenfin): This is a *very* loose schema since this is a deprecated
    # API and only the id and label fields are populated with non-null values these
    # days.
    _network_response = {
        "type": "object",
        "properties": {
            "bridge": {"type": ["string", "null"]},
            "bridge_interface": {"type": ["string", "null"]},
            "broadcast": {"type": ["string", "null"]},
            "cidr": {"type": ["string", "null"]},
            "cidr_v6": {"type": ["string", "null"]},
            "created_at": {"type": ["string", "null"]},
            "deleted": {"type": ["string", "null"]},
            "deleted_at": {"type": ["string", "null"]},
            "dhcp_server": {"type": ["string", "null"]},
            "dhcp_start": {"type": ["string", "null"]},
            "dns1": {"type": ["string", "null"]},
            "dns2": {"type": ["string", "null"]},
            "enable_dhcp": {"type": ["string", "null"]},
            "gateway": {"type": ["string", "null"]},
            "gateway_v6": {"type": ["string", "null"]},
            "host": {"type": ["string", "null"]},
            "id": {"type": "string", "format": "string"},
            "injected": {"type": ["string", "null"]},
            "label": {"type": "string"},
            "multi_host": {"type": ["string", "null"]},
            "mtu": {"type": ["integer", "null"]},
            "netmask": {"type": ["string", "null"]},
            "netmask_v6": {"type": ["string", "null"]},
            "priority": {"type": ["string", "null"]},
            "project_id": {"type": ["string", "null"]},
            "rxtx_base": {"type": ["string", "null"]},
            "share_address": {"type": ["string", "null"]},
            "updated_at": {"type": ["string", "null"]},
            "vlan": {"type": ["string", "null"]},
            "vpn_private_address": {"type": ["string", "null"]},
            "vpn_public_address": {"type": ["string", "null"]},
            "vpn_public_port": {"type": ["integer", "null"]},
        },
        "required": [
            # admin fields are optional, but the rest will always be shown
            "broadcast",
            "cidr",
            "cidr_v6",
            "dns1",
            "dns2",
            "gateway",
            "gateway_v6",
            "id",
            "label",
            "netmask",
            "netmask_v6",
        ],
        "additionalProperties": False,
    }

    index_response = {
        "type": "object",
        "properties": {
            "networks": {
                "type": "array",
                "items": _network_response,
            },
        },
        "required": ["networks"],
        "additionalProperties": False,
    }

    show_response = {
        "type": "object",
        "properties": {
            "network": _network_response,
        },
        "required": ["network"],
        "additionalProperties": False,
    }


class volumes:
    """nova/api/openstack/compute/schemas/volumes.py (33.0.0, unchanged at master; response
    schemas): the ``/os-volumes`` proxy."""

    _volume_response = {
        "type": "object",
        "properties": {
            "attachments": {
                "type": "array",
                # either a list of attachments or a list with a single empty object
                "oneOf": [
                    {
                        "items": {
                            "type": "object",
                            "properties": {
                                "id": {"type": "string", "format": "uuid"},
                                "device": {"type": "string"},
                                "serverId": {"type": "string", "format": "uuid"},
                                "volumeId": {"type": "string", "format": "uuid"},
                            },
                            "required": ["id", "serverId", "volumeId"],
                            "additionalProperties": False,
                        },
                    },
                    {
                        "prefixItems": [
                            {
                                "type": "object",
                                "properties": {},
                                "required": [],
                                "additionalProperties": False,
                            }
                        ],
                    },
                ],
                "additionalItems": False,
            },
            "availabilityZone": {"type": ["string", "null"]},
            "createdAt": {"type": "string", "format": "date-time"},
            "displayDescription": {"type": ["string", "null"]},
            "displayName": {"type": ["string", "null"]},
            "id": {"type": "string", "format": "uuid"},
            "metadata": response_types.metadata,
            "size": {"type": "integer"},
            "snapshotId": {
                "oneOf": [
                    {"type": "string", "format": "uuid"},
                    {"type": "null"},
                ],
            },
            "status": {
                "type": "string",
                # https://github.com/openstack/cinder/blob/26.0.0/cinder/objects/fields.py#L168-L190
                "enum": [
                    "creating",
                    "available",
                    "deleting",
                    "error",
                    "error_deleting",
                    # 'error_managing' is mapped to 'error'
                    # 'managing' is mapped to 'creating'
                    "attaching",
                    "in-use",
                    "detaching",
                    "maintenance",
                    "restoring-backup",
                    "error_restoring",
                    "reserved",
                    "awaiting-transfer",
                    "backing-up",
                    "error_backing-up",
                    "error_extending",
                    "downloading",
                    "uploading",
                    "retyping",
                    "extending",
                ],
            },
            "volumeType": {"type": ["string", "null"]},
        },
        "required": [
            "attachments",
            "availabilityZone",
            "createdAt",
            "displayDescription",
            "displayName",
            "id",
            "metadata",
            "size",
            "snapshotId",
            "status",
            "volumeType",
        ],
        "additionalProperties": False,
    }

    show_response = {
        "type": "object",
        "properties": {
            "volume": _volume_response,
        },
        "required": ["volume"],
        "additionalProperties": False,
    }

    delete_response = {"type": "null"}

    # NOTE(stephenfin): Yes, the index and detail responses are exactly the same
    index_response = {
        "type": "object",
        "properties": {
            "volumes": {
                "type": "array",
                "items": _volume_response,
            },
        },
        "required": ["volumes"],
        "additionalProperties": False,
    }

    detail_response = {
        "type": "object",
        "properties": {
            "volumes": {
                "type": "array",
                "items": _volume_response,
            },
        },
        "required": ["volumes"],
        "additionalProperties": False,
    }

    create_response = {
        "type": "object",
        "properties": {
            "volume": _volume_response,
        },
        "required": ["volume"],
        "additionalProperties": False,
    }


class snapshots:
    """nova/api/openstack/compute/schemas/snapshots.py (33.0.0, unchanged at master; response
    schemas): the ``/os-snapshots`` proxy."""

    _snapshot_response = {
        "type": "object",
        "properties": {
            "createdAt": {"type": "string", "format": "date-time"},
            "displayDescription": {"type": ["string", "null"]},
            "displayName": {"type": ["string", "null"]},
            "id": {"type": "string", "format": "uuid"},
            "volumeId": {"type": "string", "format": "uuid"},
            "size": {"type": "integer"},
            "status": {
                "type": "string",
                # https://github.com/openstack/cinder/blob/26.0.0/cinder/objects/fields.py#L120-L129
                "enum": [
                    "error",
                    "available",
                    "creating",
                    "deleting",
                    "deleted",
                    # 'updating' is omitted since it is unused in Cinder
                    "error_deleting",
                    "unmanaging",
                    "backing-up",
                    "restoring",
                ],
            },
        },
        "required": [
            "createdAt",
            "displayDescription",
            "displayName",
            "id",
            "volumeId",
            "size",
            "status",
        ],
        "additionalProperties": False,
    }

    show_response = {
        "type": "object",
        "properties": {
            "snapshot": _snapshot_response,
        },
        "required": ["snapshot"],
        "additionalProperties": False,
    }

    delete_response = {"type": "null"}

    index_response = {
        "type": "object",
        "properties": {
            "snapshots": {
                "type": "array",
                "items": _snapshot_response,
            },
        },
        "required": ["snapshots"],
        "additionalProperties": False,
    }

    detail_response = {
        "type": "object",
        "properties": {
            "snapshots": {
                "type": "array",
                "items": _snapshot_response,
            },
        },
        "required": ["snapshots"],
        "additionalProperties": False,
    }

    create_response = {
        "type": "object",
        "properties": {
            "snapshot": _snapshot_response,
        },
        "required": ["snapshot"],
        "additionalProperties": False,
    }


ROUTES = {
    ("GET", "/"): [(None, None, versions.index_response)],
    ("GET", "/v2.1"): [(None, None, versions.show_response)],
    # versionsV21.py show: the legacy /v2 endpoint answers the v2.0 version with this schema.
    ("GET", "/v2"): [(None, None, versions.show_response)],
    # versionsV21.py show under the API router's /versions/{id} (17.0.0-34.0.0).
    ("GET", "/versions/{id}"): [(None, None, versions.show_response)],
    ("GET", "/servers"): [
        ("2.1", "2.68", servers.index_response),
        ("2.69", None, servers.index_response_v269),
    ],
    ("GET", "/servers/detail"): [
        ("2.1", "2.2", servers.detail_response),
        ("2.3", "2.8", servers.detail_response_v23),
        ("2.9", "2.15", servers.detail_response_v29),
        ("2.16", "2.18", servers.detail_response_v216),
        ("2.19", "2.25", servers.detail_response_v219),
        ("2.26", "2.46", servers.detail_response_v226),
        ("2.47", "2.62", servers.detail_response_v247),
        ("2.63", "2.68", servers.detail_response_v263),
        ("2.69", "2.72", servers.detail_response_v269),
        ("2.73", "2.89", servers.detail_response_v273),
        ("2.90", "2.95", servers.detail_response_v290),
        ("2.96", "2.97", servers.detail_response_v296),
        ("2.98", "2.99", servers.detail_response_v298),
        ("2.100", None, servers.detail_response_v2100),
    ],
    ("GET", "/servers/{server_id}"): [
        ("2.0", "2.2", servers.show_response),
        ("2.3", "2.8", servers.show_response_v23),
        ("2.9", "2.15", servers.show_response_v29),
        ("2.16", "2.18", servers.show_response_v216),
        ("2.19", "2.25", servers.show_response_v219),
        ("2.26", "2.46", servers.show_response_v226),
        ("2.47", "2.62", servers.show_response_v247),
        ("2.63", "2.68", servers.show_response_v263),
        ("2.69", "2.70", servers.show_response_v269),
        ("2.71", "2.72", servers.show_response_v271),
        ("2.73", "2.89", servers.show_response_v273),
        ("2.90", "2.95", servers.show_response_v290),
        ("2.96", "2.97", servers.show_response_v296),
        ("2.98", "2.99", servers.show_response_v298),
        ("2.100", None, servers.show_response_v2100),
    ],
    ("POST", "/servers"): [(None, None, servers.create_response)],
    ("PUT", "/servers/{server_id}"): [
        ("2.0", "2.8", servers.update_response),
        ("2.9", "2.18", servers.update_response_v29),
        ("2.19", "2.25", servers.update_response_v219),
        ("2.26", "2.46", servers.update_response_v226),
        ("2.47", "2.62", servers.update_response_v247),
        ("2.63", "2.70", servers.update_response_v263),
        ("2.71", "2.72", servers.update_response_v271),
        ("2.73", "2.74", servers.update_response_v273),
        ("2.75", "2.95", servers.update_response_v275),
        ("2.96", "2.97", servers.update_response_v296),
        ("2.98", "2.99", servers.update_response_v298),
        ("2.100", None, servers.update_response_v2100),
    ],
    ("DELETE", "/servers/{server_id}"): [(None, None, servers.delete_response)],
    ("GET", "/servers/{server_id}/os-security-groups"): [
        (None, None, security_groups.index_server_response)
    ],
    ("GET", "/servers/{server_id}/os-instance-actions"): [
        ("2.1", "2.57", instance_actions.index_response),
        ("2.58", None, instance_actions.index_response_v258),
    ],
    ("GET", "/servers/{server_id}/os-instance-actions/{request_id}"): [
        ("2.1", "2.50", instance_actions.show_response),
        ("2.51", "2.57", instance_actions.show_response_v251),
        ("2.58", "2.61", instance_actions.show_response_v258),
        ("2.62", "2.83", instance_actions.show_response_v262),
        ("2.84", None, instance_actions.show_response_v284),
    ],
    ("GET", "/flavors"): [
        ("2.0", "2.54", flavors.index_response),
        ("2.55", None, flavors.index_response_v255),
    ],
    ("GET", "/flavors/detail"): [
        ("2.0", "2.54", flavors.detail_response),
        ("2.55", "2.60", flavors.detail_response_v255),
        ("2.61", "2.101", flavors.detail_response_v261),
        ("2.102", None, flavors.detail_response_v2102),
    ],
    ("GET", "/flavors/{flavor_id}"): [
        ("2.0", "2.54", flavors.show_response),
        ("2.55", "2.60", flavors.show_response_v255),
        ("2.61", "2.74", flavors.show_response_v261),
        ("2.75", "2.101", flavors.show_response_v275),
        ("2.102", None, flavors.show_response_v2102),
    ],
    # flavors.py (34.0.0; flavor_manage.py before): create, update (2.55), delete
    ("POST", "/flavors"): [
        ("2.0", "2.54", flavors.create_response),
        ("2.55", "2.60", flavors.create_response_v255),
        ("2.61", "2.74", flavors.create_response_v261),
        ("2.75", "2.101", flavors.create_response_v275),
        ("2.102", None, flavors.create_response_v2102),
    ],
    ("PUT", "/flavors/{flavor_id}"): [
        ("2.55", "2.60", flavors.update_response),
        ("2.61", "2.74", flavors.update_response_v261),
        ("2.75", "2.101", flavors.update_response_v275),
        ("2.102", None, flavors.update_response_v2102),
    ],
    ("DELETE", "/flavors/{flavor_id}"): [(None, None, flavors.delete_response)],
    # flavor_access.py: the list, and both actions (one schema: add's is remove's)
    ("GET", "/flavors/{flavor_id}/os-flavor-access"): [(None, None, flavor_access.index_response)],
    ("POST", "/flavors/{flavor_id}/action"): [
        (None, None, flavor_access.add_tenant_access_response)
    ],
    ("GET", "/limits"): [
        ("2.1", "2.35", limits.index_response),
        ("2.36", "2.38", limits.index_response_v236),
        ("2.39", "2.56", limits.index_response_v239),
        ("2.57", None, limits.index_response_v257),
    ],
    ("GET", "/os-quota-sets/{tenant_id}"): [
        ("2.0", "2.35", quota_sets.show_response),
        ("2.36", "2.56", quota_sets.show_response_v236),
        ("2.57", None, quota_sets.show_response_v257),
    ],
    ("GET", "/os-quota-sets/{tenant_id}/detail"): [
        ("2.0", "2.35", quota_sets.detail_response),
        ("2.36", "2.56", quota_sets.detail_response_v236),
        ("2.57", None, quota_sets.detail_response_v257),
    ],
    ("GET", "/os-quota-sets/{tenant_id}/defaults"): [
        ("2.0", "2.35", quota_sets.defaults_response),
        ("2.36", "2.56", quota_sets.defaults_response_v236),
        ("2.57", None, quota_sets.defaults_response_v257),
    ],
    ("PUT", "/os-quota-sets/{tenant_id}"): [
        ("2.0", "2.35", quota_sets.update_response),
        ("2.36", "2.56", quota_sets.update_response_v236),
        ("2.57", None, quota_sets.update_response_v257),
    ],
    ("DELETE", "/os-quota-sets/{tenant_id}"): [(None, None, quota_sets.delete_response)],
    ("GET", "/os-hosts"): [("2.1", "2.42", hosts.index_response)],
    ("GET", "/os-hosts/{host}"): [("2.1", "2.42", hosts.show_response)],
    ("GET", "/os-instance_usage_audit_log"): [
        (None, None, instance_usage_audit_log.index_response)
    ],
    ("GET", "/os-instance_usage_audit_log/{before}"): [
        (None, None, instance_usage_audit_log.show_response)
    ],
    ("GET", "/extensions"): [(None, None, extension_info.index_response)],
    ("GET", "/extensions/{alias}"): [(None, None, extension_info.show_response)],
    ("GET", "/os-quota-class-sets/{id}"): [
        ("2.1", "2.49", quota_classes.show_response),
        ("2.50", "2.56", quota_classes.show_response_v250),
        ("2.57", None, quota_classes.show_response_v257),
    ],
    ("PUT", "/os-quota-class-sets/{id}"): [
        ("2.1", "2.49", quota_classes.update_response),
        ("2.50", "2.56", quota_classes.update_response_v250),
        ("2.57", None, quota_classes.update_response_v257),
    ],
    ("GET", "/servers/{server_id}/diagnostics"): [
        ("2.1", "2.47", server_diagnostics.index_response),
        ("2.48", None, server_diagnostics.index_response_v248),
    ],
    ("GET", "/servers/{server_id}/topology"): [("2.78", None, server_topology.index_response)],
    ("GET", "/servers/{server_id}/os-server-password"): [
        (None, None, server_password.index_response)
    ],
    ("DELETE", "/servers/{server_id}/os-server-password"): [
        (None, None, server_password.clear_response)
    ],
    ("POST", "/servers/{server_id}/remote-consoles"): [
        ("2.6", "2.7", remote_consoles.create_response),
        ("2.8", "2.98", remote_consoles.create_response_v28),
        ("2.99", None, remote_consoles.create_response_v299),
    ],
    ("POST", "/os-assisted-volume-snapshots"): [
        (None, None, assisted_volume_snapshots.create_response)
    ],
    ("DELETE", "/os-assisted-volume-snapshots/{id}"): [
        (None, None, assisted_volume_snapshots.delete_response)
    ],
    ("POST", "/os-server-external-events"): [
        ("2.0", "2.50", server_external_events.create_response),
        ("2.51", "2.75", server_external_events.create_response_v251),
        ("2.76", "2.81", server_external_events.create_response_v276),
        ("2.82", "2.92", server_external_events.create_response_v282),
        ("2.93", None, server_external_events.create_response_v293),
    ],
    ("GET", "/os-simple-tenant-usage"): [
        ("2.1", "2.39", simple_tenant_usage.index_response),
        ("2.40", None, simple_tenant_usage.index_response_v240),
    ],
    ("GET", "/os-simple-tenant-usage/{tenant_id}"): [
        ("2.1", "2.39", simple_tenant_usage.show_response),
        ("2.40", None, simple_tenant_usage.show_response_v240),
    ],
    ("GET", "/os-networks"): [(None, None, networks.index_response)],
    ("GET", "/os-networks/{network_id}"): [(None, None, networks.show_response)],
    # volumes.py, snapshots.py: @wsgi.api_version("2.1", MAX_PROXY_API_SUPPORT_VERSION)
    ("GET", "/os-volumes"): [(None, None, volumes.index_response)],
    ("GET", "/os-volumes/detail"): [(None, None, volumes.detail_response)],
    ("GET", "/os-volumes/{volume_id}"): [(None, None, volumes.show_response)],
    ("POST", "/os-volumes"): [(None, None, volumes.create_response)],
    ("DELETE", "/os-volumes/{volume_id}"): [(None, None, volumes.delete_response)],
    ("GET", "/os-snapshots"): [(None, None, snapshots.index_response)],
    ("GET", "/os-snapshots/detail"): [(None, None, snapshots.detail_response)],
    ("GET", "/os-snapshots/{snapshot_id}"): [(None, None, snapshots.show_response)],
    ("POST", "/os-snapshots"): [(None, None, snapshots.create_response)],
    ("DELETE", "/os-snapshots/{snapshot_id}"): [(None, None, snapshots.delete_response)],
    ("GET", "/images"): [(None, None, images.index_response)],
    ("GET", "/images/detail"): [(None, None, images.detail_response)],
    ("GET", "/images/{image_id}"): [(None, None, images.show_response)],
    ("DELETE", "/images/{image_id}"): [(None, None, images.delete_response)],
    # image_metadata.py: @wsgi.api_version('2.1', '2.38') on every method.
    ("GET", "/images/{image_id}/metadata"): [(None, None, image_metadata.index_response)],
    ("GET", "/images/{image_id}/metadata/{key}"): [(None, None, image_metadata.show_response)],
    ("POST", "/images/{image_id}/metadata"): [(None, None, image_metadata.create_response)],
    ("PUT", "/images/{image_id}/metadata"): [(None, None, image_metadata.update_all_response)],
    ("PUT", "/images/{image_id}/metadata/{key}"): [(None, None, image_metadata.update_response)],
    ("DELETE", "/images/{image_id}/metadata/{key}"): [(None, None, image_metadata.delete_response)],
    # server_metadata.py
    ("GET", "/servers/{server_id}/metadata"): [(None, None, server_metadata.index_response)],
    ("GET", "/servers/{server_id}/metadata/{key}"): [(None, None, server_metadata.show_response)],
    ("POST", "/servers/{server_id}/metadata"): [(None, None, server_metadata.create_response)],
    ("PUT", "/servers/{server_id}/metadata"): [(None, None, server_metadata.update_all_response)],
    ("PUT", "/servers/{server_id}/metadata/{key}"): [(None, None, server_metadata.update_response)],
    ("DELETE", "/servers/{server_id}/metadata/{key}"): [
        (None, None, server_metadata.delete_response)
    ],
    # availability_zone.py
    ("GET", "/os-availability-zone"): [(None, None, availability_zone.index_response)],
    ("GET", "/os-availability-zone/detail"): [(None, None, availability_zone.detail_response)],
    # ips.py
    ("GET", "/servers/{server_id}/ips"): [(None, None, ips.index_response)],
    ("GET", "/servers/{server_id}/ips/{network}"): [(None, None, ips.show_response)],
    # keypairs.py
    ("POST", "/os-keypairs"): [
        ("2.0", "2.1", keypairs.create_response),
        ("2.2", "2.91", keypairs.create_response_v22),
        ("2.92", None, keypairs.create_response_v292),
    ],
    ("GET", "/os-keypairs"): [
        ("2.0", "2.1", keypairs.index_response),
        ("2.2", "2.34", keypairs.index_response_v22),
        ("2.35", None, keypairs.index_response_v235),
    ],
    ("GET", "/os-keypairs/{name}"): [
        ("2.0", "2.1", keypairs.show_response),
        ("2.2", None, keypairs.show_response_v22),
    ],
    ("DELETE", "/os-keypairs/{name}"): [(None, None, keypairs.delete_response)],
    # server_groups.py
    ("POST", "/os-server-groups"): [
        ("2.1", "2.12", server_groups.create_response),
        ("2.13", "2.14", server_groups.create_response_v213),
        ("2.15", "2.63", server_groups.create_response_v215),
        ("2.64", None, server_groups.create_response_v264),
    ],
    ("GET", "/os-server-groups"): [
        ("2.1", "2.12", server_groups.index_response),
        ("2.13", "2.14", server_groups.index_response_v213),
        ("2.15", "2.63", server_groups.index_response_v215),
        ("2.64", None, server_groups.index_response_v264),
    ],
    ("GET", "/os-server-groups/{id}"): [
        ("2.1", "2.12", server_groups.show_response),
        ("2.13", "2.14", server_groups.show_response_v213),
        ("2.15", "2.63", server_groups.show_response_v215),
        ("2.64", None, server_groups.show_response_v264),
    ],
    ("DELETE", "/os-server-groups/{id}"): [(None, None, server_groups.delete_response)],
    # server_tags.py
    ("GET", "/servers/{server_id}/tags"): [("2.26", None, server_tags.index_response)],
    ("GET", "/servers/{server_id}/tags/{tag}"): [("2.26", None, server_tags.show_response)],
    ("PUT", "/servers/{server_id}/tags"): [("2.26", None, server_tags.update_all_response)],
    ("PUT", "/servers/{server_id}/tags/{tag}"): [("2.26", None, server_tags.update_response)],
    ("DELETE", "/servers/{server_id}/tags"): [("2.26", None, server_tags.delete_all_response)],
    ("DELETE", "/servers/{server_id}/tags/{tag}"): [("2.26", None, server_tags.delete_response)],
    # flavors_extraspecs.py
    ("GET", "/flavors/{flavor_id}/os-extra_specs"): [
        (None, None, flavors_extraspecs.index_response)
    ],
    ("GET", "/flavors/{flavor_id}/os-extra_specs/{key}"): [
        (None, None, flavors_extraspecs.show_response)
    ],
    ("POST", "/flavors/{flavor_id}/os-extra_specs"): [
        (None, None, flavors_extraspecs.create_response)
    ],
    ("PUT", "/flavors/{flavor_id}/os-extra_specs/{key}"): [
        (None, None, flavors_extraspecs.update_response)
    ],
    ("DELETE", "/flavors/{flavor_id}/os-extra_specs/{key}"): [
        (None, None, flavors_extraspecs.delete_response)
    ],
    # volume_attachments.py (index and show)
    ("GET", "/servers/{server_id}/os-volume_attachments"): [
        ("2.0", "2.69", volume_attachments.index_response),
        ("2.70", "2.78", volume_attachments.index_response_v270),
        ("2.79", "2.88", volume_attachments.index_response_v279),
        ("2.89", None, volume_attachments.index_response_v289),
    ],
    ("GET", "/servers/{server_id}/os-volume_attachments/{volume_id}"): [
        ("2.0", "2.69", volume_attachments.show_response),
        ("2.70", "2.78", volume_attachments.show_response_v270),
        ("2.79", "2.88", volume_attachments.show_response_v279),
        ("2.89", None, volume_attachments.show_response_v289),
    ],
    ("PUT", "/servers/{server_id}/os-volume_attachments/{volume_id}"): [
        (None, None, volume_attachments.update_response)
    ],
}

#: ``POST /servers/{server_id}/action``: action name -> ``[(min, max, schema)]``.
ACTIONS = {
    "createImage": [
        ("2.0", "2.44", servers.create_image_response),
        ("2.45", None, servers.create_image_response_v245),
    ],
    "os-start": [(None, None, servers.start_server_response)],
    "os-stop": [(None, None, servers.stop_server_response)],
    "reboot": [(None, None, servers.reboot_response)],
    "rebuild": [
        ("2.0", "2.8", servers.rebuild_response),
        ("2.9", "2.18", servers.rebuild_response_v29),
        ("2.19", "2.25", servers.rebuild_response_v219),
        ("2.26", "2.46", servers.rebuild_response_v226),
        ("2.47", "2.53", servers.rebuild_response_v247),
        ("2.54", "2.56", servers.rebuild_response_v254),
        ("2.57", "2.62", servers.rebuild_response_v257),
        ("2.63", "2.70", servers.rebuild_response_v263),
        ("2.71", "2.72", servers.rebuild_response_v271),
        ("2.73", "2.74", servers.rebuild_response_v273),
        ("2.75", "2.95", servers.rebuild_response_v275),
        ("2.96", "2.97", servers.rebuild_response_v296),
        ("2.98", "2.99", servers.rebuild_response_v298),
        ("2.100", None, servers.rebuild_response_v2100),
    ],
    "pause": [(None, None, pause_server.pause_response)],
    "unpause": [(None, None, pause_server.unpause_response)],
    "suspend": [(None, None, suspend_server.suspend_response)],
    "resume": [(None, None, suspend_server.resume_response)],
    "rescue": [(None, None, rescue.rescue_response)],
    "unrescue": [(None, None, rescue.unrescue_response)],
    "shelve": [(None, None, shelve.shelve_response)],
    "shelveOffload": [(None, None, shelve.shelve_offload_response)],
    "unshelve": [(None, None, shelve.unshelve_response)],
    "lock": [(None, None, lock_server.lock_response)],
    "unlock": [(None, None, lock_server.unlock_response)],
    "os-resetState": [(None, None, admin_actions.reset_state_response)],
    "injectNetworkInfo": [(None, None, admin_actions.inject_network_info_response)],
    "addFixedIp": [("2.1", "2.43", multinic.add_fixed_ip_response)],
    "removeFixedIp": [("2.1", "2.43", multinic.remove_fixed_ip_response)],
    "restore": [(None, None, deferred_delete.restore_response)],
    "forceDelete": [(None, None, deferred_delete.force_delete_response)],
    "createBackup": [
        ("2.1", "2.44", create_backup.create_backup_response),
        ("2.45", None, create_backup.create_backup_response_v245),
    ],
    "resize": [(None, None, servers.resize_response)],
    "confirmResize": [(None, None, servers.confirm_resize_response)],
    "revertResize": [(None, None, servers.revert_resize_response)],
    "migrate": [(None, None, migrate_server.migrate_response)],
    "os-migrateLive": [(None, None, migrate_server.migrate_live_response)],
    "evacuate": [
        ("2.1", "2.13", evacuate.evacuate_response),
        ("2.14", None, evacuate.evacuate_response_v214),
    ],
    "changePassword": [(None, None, admin_password.change_password_response)],
    "os-getConsoleOutput": [(None, None, console_output.get_console_output_response)],
    "os-getVNCConsole": [("2.1", "2.5", remote_consoles.get_vnc_console_response)],
    "os-getSPICEConsole": [("2.1", "2.5", remote_consoles.get_spice_console_response)],
    "os-getSerialConsole": [("2.1", "2.5", remote_consoles.get_serial_console_response)],
    "trigger_crash_dump": [("2.17", None, servers.trigger_crash_dump_response)],
    "addSecurityGroup": [(None, None, security_groups.add_security_group_response)],
    "removeSecurityGroup": [(None, None, security_groups.remove_security_group_response)],
}
