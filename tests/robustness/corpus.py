"""Valid requests of every served route, and Hypothesis strategies that bend them.

A body drawn from nothing is refused at its first key; one bent from a valid body reaches the
code behind the schema. `CORPUS` holds, per route, bodies and query strings a real client
sends (ids as ``{name}`` of the world's `ids`); `mutated` changes one to three places of such
a body (a value replaced by an odd one, a key dropped or added, a value wrapped), and
`queries` bends the route's query parameters (repeated, empty, odd values).
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

_CONNECTOR = {"host": "cmp-1", "initiator": "iqn.2026-01.test:cmp-1"}
_TOKEN = {
    "auth": {
        "identity": {
            "methods": ["password"],
            "password": {
                "user": {"name": "demo", "password": "secret", "domain": {"name": "Default"}}
            },
        },
        "scope": {"project": {"name": "demo", "domain": {"id": "default"}}},
    }
}
_SERVER = {"name": "n", "flavorRef": "1", "imageRef": "{base_image_id}", "networks": "none"}
_BDM = {
    "boot_index": 0,
    "uuid": "{base_image_id}",
    "source_type": "image",
    "destination_type": "volume",
    "volume_size": 1,
    "delete_on_termination": True,
}
_SERVER_ACTIONS: list[Any] = [
    {"createImage": {"name": "s", "metadata": {"k": "v"}}},
    {"createBackup": {"name": "b", "backup_type": "daily", "rotation": 1}},
    {"os-start": None},
    {"os-stop": None},
    {"pause": None},
    {"unpause": None},
    {"suspend": None},
    {"resume": None},
    {"shelve": None},
    {"shelveOffload": None},
    {"unshelve": None},
    {"unshelve": {"availability_zone": "nova"}},
    {"unshelve": {"availability_zone": "z1", "host": "{compute_host}"}},
    {"unshelve": {"availability_zone": None}},
    {"lock": {"locked_reason": "r"}},
    {"unlock": None},
    {"os-resetState": {"state": "active"}},
    {"reboot": {"type": "HARD"}},
    {"rebuild": {"imageRef": "{base_image_id}", "name": "r", "metadata": {"k": "v"}}},
    {"resize": {"flavorRef": "2", "OS-DCF:diskConfig": "AUTO"}},
    {"confirmResize": None},
    {"revertResize": None},
    {"migrate": None},
    {"migrate": {"host": "{compute_host}"}},
    *[
        # Session 18 (t1, t3): each microversion's body of a live migration and an evacuation.
        {"os-migrateLive": {"host": None, "block_migration": False, "disk_over_commit": False}},
        {"os-migrateLive": {"host": "{compute_host}", "block_migration": "auto"}},
        {"os-migrateLive": {"host": "{compute_host}", "block_migration": "auto", "force": True}},
        {"evacuate": {"onSharedStorage": False, "adminPass": "p4ss"}},
        {"evacuate": {"host": "{compute_host}", "onSharedStorage": "true"}},
        {"evacuate": {"host": "{compute_host}", "force": True}},
        {"evacuate": {"adminPass": "p4ss"}},
    ],
    *[
        # Session 19 (t1, t2): rescue (a password, an image: 2.87's volume-backed rescue takes
        # the same body), unrescue, and deferred delete's restore and forceDelete.
        {"rescue": None},
        {"rescue": {"adminPass": "p4ss"}},
        {"rescue": {"rescue_image_ref": "{base_image_id}"}},
        {"rescue": {"adminPass": "p4ss", "rescue_image_ref": "{snapshot_image_id}"}},
        {"unrescue": None},
        {"restore": None},
        {"forceDelete": None},
    ],
]
_VOLUME_ACTIONS: list[Any] = [
    {"os-extend": {"new_size": 2}},
    {"os-reset_status": {"status": "available", "attach_status": "detached"}},
    {"os-force_delete": {}},
    {"os-set_image_metadata": {"metadata": {"k": "v"}}},
    {"os-unset_image_metadata": {"key": "k"}},
    {"os-show_image_metadata": {}},
    {"os-update_readonly_flag": {"readonly": True}},
    {"os-set_bootable": {"bootable": True}},
    {"os-retype": {"new_type": "__DEFAULT__", "migration_policy": "never"}},
    {"os-reserve": {}},
    {"os-unreserve": {}},
    {"os-begin_detaching": {}},
    {"os-roll_detaching": {}},
    {"os-attach": {"instance_uuid": "{server_id}", "mountpoint": "/dev/vdc"}},
    {"os-detach": {"attachment_id": "{attachment_id}"}},
    {"os-volume_upload_image": {"image_name": "up", "disk_format": "raw", "force": True}},
]
_PATCH = [
    {"op": "replace", "path": "/name", "value": "n"},
    {"op": "add", "path": "/k", "value": "v"},
    {"op": "add", "path": "/tags/-", "value": "t"},
]

_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAT1gK83ruUidhGETF5lkrWWgfbW7DHFfcuJm1iJGvO+ r1@x"
_PUBLIC_NET = "6fc476ad-fc56-566c-8a31-4f5bd2e4075d"  # fakecloud.nova.network's ``public``
_HOST = {"host": "{compute_host}", "binary": "nova-compute"}
#: The routes sessions 15 and 16 added (flavor writes and access, key pairs, services,
#: hypervisors, aggregates, server groups, a server's addresses), as clients send them.
_SESSION15: dict[tuple[str, str, str], tuple[list[Any], list[str]]] = {
    ("compute", "POST", "/v2.1/flavors"): (
        [
            {"flavor": {"name": "f", "ram": 256, "vcpus": 1, "disk": 0, "id": "f9"}},
            {
                "flavor": {
                    "name": "g",
                    "ram": 512,
                    "vcpus": 2,
                    "disk": 1,
                    "swap": 0,
                    "OS-FLV-EXT-DATA:ephemeral": 0,
                    "rxtx_factor": 1.0,
                    "os-flavor-access:is_public": False,
                    "description": "d",
                }
            },
        ],
        [],
    ),
    ("compute", "PUT", "/v2.1/flavors/{flavor_id}"): ([{"flavor": {"description": "d"}}], []),
    ("compute", "POST", "/v2.1/flavors/{flavor_id}/action"): (
        [
            {"addTenantAccess": {"tenant": "{other_project_id}"}},
            {"removeTenantAccess": {"tenant": "{project_id}"}},
        ],
        [],
    ),
    ("compute", "GET", "/v2.1/flavors"): ([], ["is_public=false&limit=1&marker=1"]),
    ("compute", "POST", "/v2.1/os-keypairs"): (
        [
            {"keypair": {"name": "k2", "public_key": _KEY}},
            {"keypair": {"name": "k3", "public_key": _KEY, "type": "ssh"}},
            {"keypair": {"name": "k4", "public_key": _KEY, "user_id": "{other_user_id}"}},
        ],
        [],
    ),
    ("compute", "GET", "/v2.1/os-keypairs"): (
        [],
        ["user_id={user_id}", "limit=1&marker={keypair_name}"],
    ),
    ("compute", "GET", "/v2.1/os-keypairs/{name}"): ([], ["user_id={user_id}"]),
    ("compute", "DELETE", "/v2.1/os-keypairs/{name}"): ([], ["user_id={user_id}"]),
    ("compute", "GET", "/v2.1/os-services"): ([], ["host={compute_host}&binary=nova-compute"]),
    ("compute", "PUT", "/v2.1/os-services/{id}"): (
        [
            _HOST,
            {**_HOST, "disabled_reason": "maintenance"},
            {**_HOST, "forced_down": True},
            {"status": "disabled", "disabled_reason": "maintenance"},
            {"forced_down": True},
            {"status": "enabled"},
        ],
        [],
    ),
    ("compute", "GET", "/v2.1/os-hypervisors"): (
        [],
        ["limit=1&marker={hypervisor_id_uuid}", "hypervisor_hostname_pattern=cmp&with_servers=1"],
    ),
    ("compute", "GET", "/v2.1/os-hypervisors/detail"): (
        [],
        ["limit=1&marker={hypervisor_id}", "hypervisor_hostname_pattern=cmp-_&with_servers=true"],
    ),
    ("compute", "GET", "/v2.1/os-hypervisors/{id}"): ([], ["with_servers=true"]),
    ("compute", "POST", "/v2.1/os-aggregates"): (
        [
            {"aggregate": {"name": "n", "availability_zone": "z2"}},
            {"aggregate": {"name": "m", "availability_zone": None}},
        ],
        [],
    ),
    ("compute", "PUT", "/v2.1/os-aggregates/{id}"): (
        [{"aggregate": {"name": "fast2", "availability_zone": "z1"}}],
        [],
    ),
    ("compute", "POST", "/v2.1/os-aggregates/{id}/action"): (
        [
            {"add_host": {"host": "cmp-1"}},
            {"remove_host": {"host": "{compute_host}"}},
            {"set_metadata": {"metadata": {"k": "v", "availability_zone": "z3", "gone": None}}},
        ],
        [],
    ),
    ("compute", "POST", "/v2.1/os-aggregates/{id}/images"): (
        [{"cache": [{"id": "{base_image_id}"}]}],
        [],
    ),
    ("compute", "POST", "/v2.1/os-server-groups"): (
        [
            {"server_group": {"name": "g", "policies": ["affinity"]}},
            {
                "server_group": {
                    "name": "h",
                    "policy": "anti-affinity",
                    "rules": {"max_server_per_host": 2},
                }
            },
        ],
        [],
    ),
    ("compute", "GET", "/v2.1/os-server-groups"): ([], ["all_projects=true&limit=1&offset=0"]),
}
#: Session 16's Cinder routes: backups and volume type writes.
_SESSION16: dict[tuple[str, str, str], tuple[list[Any], list[str]]] = {
    ("volume", "POST", "/v3/backups"): (
        [
            {"backup": {"volume_id": "{volume_id}", "name": "b", "description": "d"}},
            {"backup": {"volume_id": "{volume_id}", "incremental": True, "metadata": {"k": "v"}}},
            {"backup": {"volume_id": "{attached_volume_id}", "force": True}},
            {"backup": {"volume_id": "{volume_id}", "snapshot_id": "{volume_snapshot_id}"}},
        ],
        [],
    ),
    ("volume", "GET", "/v3/backups/detail"): (
        [],
        [
            "all_tenants=1&limit=1&marker={backup_id}&sort=name:asc",
            "volume_id={volume_id}&status=available&with_count=true",
        ],
    ),
    ("volume", "GET", "/v3/backups"): ([], ["limit=1&offset=0&sort_key=created_at"]),
    ("volume", "PUT", "/v3/backups/{id}"): (
        [{"backup": {"name": "n", "description": "d", "metadata": {"k": "v"}}}],
        [],
    ),
    ("volume", "POST", "/v3/backups/{id}/restore"): (
        [{"restore": {"volume_id": "{volume_id}"}}, {"restore": {"name": "restored"}}],
        [],
    ),
    ("volume", "POST", "/v3/backups/{id}/action"): (
        [{"os-reset_status": {"status": "available"}}, {"os-force_delete": {}}],
        [],
    ),
    ("volume", "POST", "/v3/types"): (
        [
            {"volume_type": {"name": "t", "description": "d", "extra_specs": {"k": "v"}}},
            {"volume_type": {"name": "p", "os-volume-type-access:is_public": False}},
        ],
        [],
    ),
    ("volume", "PUT", "/v3/types/{id}"): (
        [{"volume_type": {"name": "t2", "description": "d", "is_public": True}}],
        [],
    ),
    ("volume", "POST", "/v3/types/{id}/action"): (
        [
            {"addProjectAccess": {"project": "{other_project_id}"}},
            {"removeProjectAccess": {"project": "{project_id}"}},
        ],
        [],
    ),
    ("volume", "POST", "/v3/types/{id}/extra_specs"): (
        [{"extra_specs": {"volume_backend_name": "lvm", "k": "v2"}}],
        [],
    ),
    ("volume", "PUT", "/v3/types/{id}/extra_specs/{key}"): ([{"k": "v3"}], []),
    ("volume", "GET", "/v3/types"): ([], ["is_public=none", "is_public=false&sort=name"]),
    ("volume", "GET", "/v3/os-services"): (
        [],
        ["host=cinder@lvmdriver-1&binary=cinder-volume", "backend_state=true"],
    ),
    ("volume", "PUT", "/v3/os-services/{action}"): (
        [
            {"host": "cinder@lvmdriver-1", "binary": "cinder-volume"},
            {"host": "cinder", "binary": "cinder-scheduler", "disabled_reason": "maintenance"},
        ],
        [],
    ),
}
#: Session 17's volume transfers (t2): both paths; a transfer's id and key are the world's
#: ``{transfer_id}`` and ``{transfer_auth_key}`` where it has them.
_TRANSFER = {"transfer": {"volume_id": "{volume_id}", "name": "t"}}
_TRANSFERS: dict[tuple[str, str, str], tuple[list[Any], list[str]]] = {
    ("volume", "POST", "/v3/os-volume-transfer"): ([_TRANSFER], []),
    ("volume", "POST", "/v3/volume-transfers"): (
        [_TRANSFER, {"transfer": {"volume_id": "{volume_id}", "no_snapshots": True}}],
        [],
    ),
    ("volume", "POST", "/v3/os-volume-transfer/{id}/accept"): (
        [{"accept": {"auth_key": "{transfer_auth_key}"}}],
        [],
    ),
    ("volume", "POST", "/v3/volume-transfers/{id}/accept"): (
        [{"accept": {"auth_key": "{transfer_auth_key}"}}, {"accept": {"auth_key": 12345}}],
        [],
    ),
    ("volume", "GET", "/v3/os-volume-transfer/detail"): ([], ["all_tenants=1", "name=t"]),
    ("volume", "GET", "/v3/volume-transfers/detail"): (
        [],
        ["all_tenants=true&limit=1&marker={transfer_id}&sort=created_at:asc", "volume_id=x"],
    ),
    ("volume", "GET", "/v3/volume-transfers"): ([], ["limit=1&offset=1", "sort_key=display_name"]),
    ("volume", "PUT", "/v3/default-types/{id}"): (
        [{"default_type": {"volume_type": "__DEFAULT__"}}, {"default_type": {"volume_type": "x"}}],
        [],
    ),
    ("volume", "GET", "/v3/capabilities/{host}"): ([], ["", "x=1"]),
    ("volume", "GET", "/v3/scheduler-stats/get_pools"): (
        [],
        ["detail=true&name=cinder@lvmdriver-1#lvmdriver-1", "volume_type=__DEFAULT__&detail=1"],
    ),
}
#: Session 17's routes of one migration of a server (show, abort, force_complete), reached with
#: the world's completed live migration (``{migration_id}``).
_SERVER_MIGRATION = "/v2.1/servers/{server_id}/migrations/{migration_id}"
_MIGRATIONS: dict[tuple[str, str, str], tuple[list[Any], list[str]]] = {
    ("compute", "GET", _SERVER_MIGRATION): ([], []),
    ("compute", "DELETE", _SERVER_MIGRATION): ([], []),
    ("compute", "POST", _SERVER_MIGRATION + "/action"): ([{"force_complete": None}], []),
}
#: Older routes with a body that had no row yet: a server's update, metadata and tags.
_SERVER_WRITES: dict[tuple[str, str, str], tuple[list[Any], list[str]]] = {
    ("compute", "PUT", "/v2.1/servers/{server_id}"): (
        [{"server": {"name": "n", "description": "d", "accessIPv4": "10.0.0.1"}}],
        [],
    ),
    ("compute", "POST", "/v2.1/servers/{server_id}/metadata"): ([{"metadata": {"k": "v"}}], []),
    ("compute", "PUT", "/v2.1/servers/{server_id}/metadata"): ([{"metadata": {"k": "v"}}], []),
    ("compute", "PUT", "/v2.1/servers/{server_id}/metadata/{key}"): ([{"meta": {"k": "v"}}], []),
    ("compute", "PUT", "/v2.1/servers/{server_id}/tags"): ([{"tags": ["a", "b"]}], []),
}
#: Session 29: Keystone's groups, project trees and tags, implied roles; Cinder's consistency
#: groups, cgsnapshots and group replication.
_SESSION29: dict[tuple[str, str, str], tuple[list[Any], list[str]]] = {
    ("identity", "POST", "/v3/groups"): ([{"group": {"name": "g2", "description": "d"}}], []),
    ("identity", "PATCH", "/v3/groups/{group_id}"): ([{"group": {"name": "g3"}}], []),
    ("identity", "GET", "/v3/groups"): ([], ["name=ops", "domain_id=default"]),
    ("identity", "GET", "/v3/groups/{group_id}/users"): (
        [],
        ["password_expires_at=lt:2027-01-01T00:00:00Z"],
    ),
    ("identity", "POST", "/v3/projects"): (
        [
            {"project": {"name": "c2", "parent_id": "{project_id}", "tags": ["a", "b"]}},
            {"project": {"name": "d2", "is_domain": True}},
        ],
        [],
    ),
    ("identity", "PATCH", "/v3/projects/{project_id}"): (
        [{"project": {"enabled": False}}, {"project": {"tags": ["x"]}}],
        [],
    ),
    ("identity", "GET", "/v3/projects/{project_id}"): (
        [],
        ["parents_as_list&subtree_as_list", "parents_as_ids&subtree_as_ids"],
    ),
    ("identity", "PUT", "/v3/projects/{project_id}/tags"): ([{"tags": ["a", "b"]}], []),
    ("volume", "POST", "/v3/consistencygroups"): (
        [{"consistencygroup": {"name": "c", "volume_types": "{volume_type_id}"}}],
        [],
    ),
    ("volume", "POST", "/v3/consistencygroups/create_from_src"): (
        [{"consistencygroup-from-src": {"name": "c", "source_cgid": "{consistencygroup_id}"}}],
        [],
    ),
    ("volume", "PUT", "/v3/consistencygroups/{id}/update"): (
        [{"consistencygroup": {"add_volumes": "{volume_id}", "remove_volumes": ""}}],
        [],
    ),
    ("volume", "POST", "/v3/consistencygroups/{id}/delete"): (
        [{"consistencygroup": {"force": True}}],
        [],
    ),
    ("volume", "POST", "/v3/cgsnapshots"): (
        [{"cgsnapshot": {"consistencygroup_id": "{consistencygroup_id}", "name": "s"}}],
        [],
    ),
    ("volume", "POST", "/v3/groups/{id}/action"): (
        [
            {"enable_replication": {}},
            {"failover_replication": {"allow_attached_volume": True, "secondary_backend_id": "x"}},
            {"list_replication_targets": {}},
            {"delete": {"delete-volumes": True}},
        ],
        [],
    ),
}
_CREATE_INFO = {"snapshot_id": "{volume_snapshot_id}", "type": "qcow2", "new_file": "v.s1"}
#: ``delete_info`` of an assisted snapshot delete, as Cinder's NFS driver sends it (URL-encoded
#: JSON naming the attached volume, the file to merge and the merge target).
_DELETE_INFO = (
    "delete_info=%7B%22volume_id%22%3A%22{attached_volume_id}%22%2C%22type%22%3A%22qcow2%22%2C"
    "%22file_to_merge%22%3A%22v.s1%22%2C%22merge_target_file%22%3Anull%7D"
)
#: Session 30: the rest of session 29's routes: Keystone's catalog writes, project tags in
#: lists, OS-INHERIT in role assignments; Nova's assisted snapshots and power-update (the
#: server external events' row); Cinder's cgsnapshot and consistency group lists, a group made
#: from a source and its replication's other actions.
_SESSION30: dict[tuple[str, str, str], tuple[list[Any], list[str]]] = {
    ("identity", "POST", "/v3/regions"): (
        [
            {"region": {"id": "R3", "description": "d", "parent_region_id": "{region_id}"}},
            {"region": {}},
        ],
        [],
    ),
    ("identity", "PUT", "/v3/regions/{region_id}"): ([{"region": {"description": "d"}}], []),
    ("identity", "PATCH", "/v3/regions/{region_id}"): (
        [{"region": {"description": "d", "parent_region_id": None}}],
        [],
    ),
    ("identity", "GET", "/v3/regions"): ([], ["parent_region_id={region_id}"]),
    ("identity", "POST", "/v3/services"): (
        [{"service": {"type": "volumev3", "name": "c", "enabled": False, "description": "d"}}],
        [],
    ),
    ("identity", "PATCH", "/v3/services/{service_id}"): (
        [{"service": {"enabled": False}}, {"service": {"type": "t2", "name": "n"}}],
        [],
    ),
    ("identity", "GET", "/v3/services"): ([], ["type=compute", "name=swift"]),
    ("identity", "POST", "/v3/endpoints"): (
        [
            {
                "endpoint": {
                    "service_id": "{catalog_service_id}",
                    "interface": "internal",
                    "url": "http://x.test/$(project_id)s",
                    "region_id": "{region_id}",
                    "enabled": True,
                }
            },
            {
                "endpoint": {
                    "service_id": "{catalog_service_id}",
                    "interface": "admin",
                    "url": "http://x.test",
                    "region": "R9",
                }
            },
        ],
        [],
    ),  # fmt: skip
    ("identity", "PATCH", "/v3/endpoints/{endpoint_id}"): (
        [
            {"endpoint": {"url": "http://y.test/$(tenant_id)s", "interface": "admin"}},
            {"endpoint": {"region_id": "RegionOne", "enabled": False}},
        ],
        [],
    ),
    ("identity", "GET", "/v3/endpoints"): (
        [],
        ["interface=public&service_id={catalog_service_id}", "region_id={region_id}"],
    ),
    ("identity", "GET", "/v3/projects/{project_id}/tags"): ([], []),
    ("compute", "POST", "/v2.1/os-assisted-volume-snapshots"): (
        [
            {"snapshot": {"volume_id": "{attached_volume_id}", "create_info": _CREATE_INFO}},
            {
                "snapshot": {
                    "volume_id": "{volume_id}",
                    "create_info": {**_CREATE_INFO, "id": "{volume_snapshot_id}"},
                }
            },
        ],
        [],
    ),  # fmt: skip
    ("compute", "DELETE", "/v2.1/os-assisted-volume-snapshots/{id}"): ([], [_DELETE_INFO]),
    ("volume", "GET", "/v3/cgsnapshots/detail"): ([], ["all_tenants=1", "limit=1&offset=0"]),
    ("volume", "GET", "/v3/consistencygroups/detail"): (
        [],
        ["all_tenants=1&limit=1", "name=cg&status=error&sort=name:asc"],
    ),
    ("volume", "POST", "/v3/groups/action"): (
        [{"create-from-src": {"name": "g2", "source_group_id": "{group_id}"}}],
        [],
    ),
}
_APP_CRED_AUTH = {"methods": ["application_credential"]}
_RULE = {"service": "compute", "method": "GET", "path": "/v2.1/servers/*"}
_EC2 = '{"access": "a2", "secret": "s2"}'
_NAMESPACE = {
    "namespace": "fz2",
    "display_name": "F",
    "description": "d",
    "visibility": "private",
    "protected": False,
    "resource_type_associations": [{"name": "OS::Cinder::Volume", "prefix": "v_"}],
    "properties": {"q": {"type": "string", "title": "Q", "enum": ["a", "b"]}},
    "objects": [{"name": "o2", "properties": {}}],
    "tags": [{"name": "t2"}],
}
#: Session 31: session 30's surfaces: Keystone's application credentials (and their access
#: rules and auth method), ``/v3/credentials``, role updates, domain-specific roles, endpoint
#: groups, projects acting as domains, a system-scoped token; Cinder's failover_host, failover
#: and replicated volumes, group snapshots (of an empty group too); Glance's metadefs.
_SESSION31: dict[tuple[str, str, str], tuple[list[Any], list[str]]] = {
    ("identity", "POST", "/v3/users/{user_id}/application_credentials"): (
        [
            {
                "application_credential": {
                    "name": "a2",
                    "description": "d",
                    "expires_at": "2027-01-01T00:00:00Z",
                    "roles": [{"name": "member"}],
                    "unrestricted": False,
                    "access_rules": [_RULE],
                }
            },
            {
                "application_credential": {
                    "name": "a3",
                    "secret": "s3",
                    "roles": [{"id": "{member_role_id}"}],
                    "unrestricted": True,
                }
            },
            {
                "application_credential": {
                    "name": "a4",
                    "access_rules": [{"id": "{access_rule_id}"}],
                }
            },
        ],
        [],
    ),  # fmt: skip
    ("identity", "GET", "/v3/users/{user_id}/application_credentials"): ([], ["name=ac"]),
    ("identity", "GET", "/v3/users/{user_id}/access_rules"): (
        [],
        ["service=compute&method=GET&path=/v2.1/servers"],
    ),
    ("identity", "POST", "/v3/credentials"): (
        [
            {
                "credential": {
                    "type": "ec2",
                    "user_id": "{user_id}",
                    "project_id": "{project_id}",
                    "blob": _EC2,
                }
            },
            {"credential": {"type": "totp", "user_id": "{user_id}", "blob": "abc"}},
            {"credential": {"type": "cert", "user_id": "{other_user_id}", "blob": "c", "id": "x"}},
        ],
        [],
    ),  # fmt: skip
    ("identity", "PATCH", "/v3/credentials/{credential_id}"): (
        [
            {"credential": {"blob": '{"access": "a31", "secret": "s3"}'}},
            {"credential": {"type": "cert", "project_id": "{other_project_id}"}},
        ],
        [],
    ),
    ("identity", "GET", "/v3/credentials"): ([], ["user_id={user_id}", "type=ec2"]),
    ("identity", "POST", "/v3/roles"): (
        [
            {"role": {"name": "r2", "domain_id": "default", "description": "d"}},
            {"role": {"name": "r3", "options": {"immutable": True}}},
        ],
        [],
    ),
    ("identity", "PATCH", "/v3/roles/{role_id}"): (
        [
            {"role": {"name": "r4", "description": "d"}},
            {"role": {"options": {"immutable": False}}},
            {"role": {"domain_id": "default"}},
        ],
        [],
    ),
    ("identity", "GET", "/v3/roles"): ([], ["domain_id=default", "name=member"]),
    ("identity", "POST", "/v3/OS-EP-FILTER/endpoint_groups"): (
        [
            {
                "endpoint_group": {
                    "name": "e2",
                    "description": "d",
                    "filters": {
                        "service_id": "{catalog_service_id}",
                        "region_id": "{region_id}",
                        "interface": "public",
                    },
                }
            },
        ],
        [],
    ),  # fmt: skip
    ("identity", "PATCH", "/v3/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}"): (
        [
            {"endpoint_group": {"filters": {"interface": "admin"}}},
            {"endpoint_group": {"name": "e3", "description": None}},
        ],
        [],
    ),
    ("identity", "GET", "/v3/OS-EP-FILTER/endpoint_groups"): ([], ["name=eg"]),
    ("volume", "POST", "/v3/group_snapshots"): (
        [
            {"group_snapshot": {"group_id": "{group_id}", "name": "gs", "description": "d"}},
            {"group_snapshot": {"group_id": "{consistencygroup_id}"}},
        ],
        [],
    ),
    ("volume", "POST", "/v3/group_snapshots/{id}/action"): (
        [{"reset_status": {"status": "error"}}, {"reset_status": {"status": "available"}}],
        [],
    ),
    ("volume", "GET", "/v3/group_snapshots/detail"): (
        [],
        ["all_tenants=1&group_id={group_id}", "limit=1&sort=name:asc&status=available"],
    ),
    ("image", "POST", "/v2/metadefs/namespaces"): ([_NAMESPACE], []),
    ("image", "PUT", "/v2/metadefs/namespaces/{namespace}"): (
        [{"namespace": "{metadef_namespace}", "visibility": "private", "description": "d2"}],
        [],
    ),
    ("image", "GET", "/v2/metadefs/namespaces"): (
        [],
        ["visibility=public&resource_types=OS::Glance::Image", "limit=1&sort_key=namespace"],
    ),
    ("image", "POST", "/v2/metadefs/namespaces/{namespace}/objects"): (
        [
            {
                "name": "o3",
                "description": "d",
                "required": ["x"],
                "properties": {"x": {"type": "integer", "title": "X", "minimum": 0}},
            }
        ],
        [],
    ),  # fmt: skip
    ("image", "PUT", "/v2/metadefs/namespaces/{namespace}/objects/{name}"): (
        [{"name": "{metadef_object}", "description": "d3", "properties": {}}],
        [],
    ),
    ("image", "GET", "/v2/metadefs/namespaces/{namespace}/objects"): (
        [],
        ["limit=1&sort_dir=asc&visibility=public"],
    ),
    ("image", "POST", "/v2/metadefs/namespaces/{namespace}/properties"): (
        [{"name": "p2", "title": "P2", "type": "string", "enum": ["a", "b"]}],
        [],
    ),
    ("image", "PUT", "/v2/metadefs/namespaces/{namespace}/properties/{name}"): (
        [{"name": "{metadef_property}", "title": "T", "type": "boolean"}],
        [],
    ),
    ("image", "POST", "/v2/metadefs/namespaces/{namespace}/resource_types"): (
        [{"name": "OS::Cinder::Volume", "prefix": "p_", "properties_target": "image"}],
        [],
    ),
    ("image", "POST", "/v2/metadefs/namespaces/{namespace}/tags"): (
        [{"tags": [{"name": "a"}, {"name": "b"}]}],
        [],
    ),
    ("image", "POST", "/v2/metadefs/namespaces/{namespace}/tags/{name}"): ([{}], []),
    ("image", "PUT", "/v2/metadefs/namespaces/{namespace}/tags/{name}"): ([{"name": "t3"}], []),
    ("image", "GET", "/v2/metadefs/namespaces/{namespace}/tags"): (
        [],
        ["limit=1&sort_key=name&sort_dir=desc"],
    ),
}
_SESSION29[("identity", "POST", "/v3/auth/tokens")] = (
    [
        _TOKEN,
        {"auth": {"identity": {**_APP_CRED_AUTH, "application_credential": {
            "id": "{app_cred_id}", "secret": "{app_cred_secret}"}}}},
        {"auth": {"identity": {**_APP_CRED_AUTH, "application_credential": {
            "name": "ac", "secret": "{app_cred_secret}", "user": {"id": "{user_id}"}}}}},
        {"auth": {"identity": _TOKEN["auth"]["identity"],
                  "scope": {"domain": {"id": "{domain_project_id}"}}}},
        {"auth": {"identity": _TOKEN["auth"]["identity"], "scope": {"system": {"all": True}}}},
    ],
    ["nocatalog=1"],
)  # fmt: skip
_SESSION29[("identity", "POST", "/v3/projects")][0].extend(
    [
        {"project": {"name": "c3", "parent_id": "{domain_project_id}"}},
        {"project": {"name": "c4", "domain_id": "{domain_project_id}", "is_domain": False}},
    ]
)
_SESSION29[("identity", "PATCH", "/v3/projects/{project_id}")][0].append(
    {"project": {"enabled": False, "is_domain": True}}
)
_SESSION16[("volume", "PUT", "/v3/os-services/{action}")][0].extend(
    [
        {"host": "{replicated_host}"},
        {"host": "{replicated_host}", "backend_id": "dr"},
        {"host": "{replicated_host}", "backend_id": "default"},
        {"cluster": "c", "backend_id": "dr"},
        {"host": "{replicated_host}", "backend_id": "nowhere", "cluster": None},
    ]
)
_SESSION29[("identity", "GET", "/v3/projects")] = (
    [],
    ["name=demo", "domain_id=default&enabled=true", "tags=blue", "tags-any=blue,x&not-tags=y"],
)
_SESSION29[("identity", "GET", "/v3/role_assignments")] = (
    [],
    [
        "user.id=x&scope.project.id=y",
        "include_names=1",
        "effective&include_subtree=1",
        "scope.OS-INHERIT:inherited_to=projects&group.id={ks_group_id}",
        "effective&scope.project.id={child_project_id}&include_names",
    ],
)
_SESSION29[("volume", "POST", "/v3/groups/{id}/action")][0].extend(
    [{"disable_replication": {}}, {"reset_status": {"status": "available"}}]
)
#: (host, method, template without the project prefix) → (bodies, query strings).
CORPUS: dict[tuple[str, str, str], tuple[list[Any], list[str]]] = {
    ("identity", "GET", "/v3/users"): ([], ["name=demo", "domain_id=default"]),
    ("compute", "POST", "/v2.1/servers"): (
        [
            {"server": {**_SERVER, "metadata": {"k": "v"}, "min_count": 1, "max_count": 2}},
            {"server": {**_SERVER, "imageRef": "", "block_device_mapping_v2": [_BDM]}},
            {
                "server": {
                    **_SERVER,
                    "flavorRef": "{private_flavor_id}",
                    "key_name": "{keypair_name}",
                    "availability_zone": "z1",
                    "networks": [{"uuid": _PUBLIC_NET}],
                },
                "os:scheduler_hints": {"group": "{server_group_id}"},
            },
            # An admin's forced host (``zone:host``), and the 2.74 requested destination.
            {"server": {**_SERVER, "availability_zone": "z1:{compute_host}"}},
            {"server": {**_SERVER, "host": "{compute_host}", "hypervisor_hostname": "cmp-1"}},
        ],
        [],
    ),
    ("compute", "GET", "/v2.1/servers"): (
        [],
        [
            "limit=1&marker={server_id}",
            "all_tenants=1&name=w",
            "sort_key=name&sort_dir=asc",
            "availability_zone=z1&ip=172.24&key_name={keypair_name}",
        ],
    ),
    ("compute", "GET", "/v2.1/servers/detail"): (
        [],
        ["status=ACTIVE&changes-since=2026-01-01T00:00:00Z", "deleted=true&all_tenants=1"],
    ),
    ("compute", "POST", "/v2.1/servers/{server_id}/action"): (_SERVER_ACTIONS, []),
    ("compute", "GET", "/v2.1/os-migrations"): (
        [],
        ["status=finished&host={compute_host}", "limit=1&changes-since=2026-01-01T00:00:00Z"],
    ),
    ("compute", "GET", "/v2.1/servers/{server_id}/migrations"): ([], []),
    ("compute", "GET", "/v2.1/servers/{server_id}/os-instance-actions"): (
        [],
        ["limit=1", "changes-since=2026-01-01T00:00:00Z&changes-before=2027-01-01T00:00:00Z"],
    ),
    ("compute", "POST", "/v2.1/servers/{server_id}/os-volume_attachments"): (
        [{"volumeAttachment": {"volumeId": "{volume_id}", "device": "/dev/vdb", "tag": "t"}}],
        [],
    ),
    ("compute", "PUT", "/v2.1/servers/{server_id}/os-volume_attachments/{volume_id}"): (
        [
            {"volumeAttachment": {"volumeId": "{volume_id}"}},
            {"volumeAttachment": {"volumeId": "{attached_volume_id}", "delete_on_termination": 1}},
        ],
        [],
    ),
    ("compute", "POST", "/v2.1/os-server-external-events"): (
        [
            {
                "events": [
                    {"name": "volume-extended", "server_uuid": "{server_id}", "tag": "{volume_id}"}
                ]
            }
        ],
        [],
    ),
    ("compute", "POST", "/v2.1/flavors/{flavor_id}/os-extra_specs"): (
        [{"extra_specs": {"hw:cpu_policy": "dedicated", "k": "v"}}],
        [],
    ),
    ("compute", "PUT", "/v2.1/flavors/{flavor_id}/os-extra_specs/{key}"): (
        [{"hw:cpu_policy": "shared"}],
        [],
    ),
    ("compute", "GET", "/v2.1/flavors/detail"): (
        [],
        ["minRam=0&minDisk=1&is_public=none", "sort_key=memory_mb&sort_dir=desc&limit=1"],
    ),
    ("compute", "POST", "/v2.1/images/{image_id}/metadata"): ([{"metadata": {"k": "v"}}], []),
    ("compute", "PUT", "/v2.1/images/{image_id}/metadata"): ([{"metadata": {"k": "v"}}], []),
    ("compute", "PUT", "/v2.1/images/{image_id}/metadata/{key}"): ([{"meta": {"k": "v"}}], []),
    ("compute", "GET", "/v2.1/images/detail"): ([], ["limit=1&page_size=1", "status=ACTIVE"]),
    ("compute", "PUT", "/v2.1/os-quota-sets/{tenant_id}"): (
        [{"quota_set": {"instances": 20, "cores": -1, "metadata_items": "9", "force": True}}],
        ["user_id=x"],
    ),
    ("compute", "GET", "/v2.1/os-simple-tenant-usage"): (
        [],
        ["detailed=1&start=2026-01-01T00:00:00&end=2027-01-01T00:00:00.000000", "limit=1"],
    ),
    ("compute", "GET", "/v2.1/os-simple-tenant-usage/{tenant_id}"): (
        [],
        ["start=2026-01-01 00:00:00&end=2027-01-01T00:00:00"],
    ),
    ("compute", "POST", "/v2.1/servers/{server_id}/snapshots"): ([{"snapshot": {"name": "s"}}], []),
    ("compute", "POST", "/v2.1/servers/{server_id}/snapshots/{snapshot_id}/revert"): ([{}], []),
    ("volume", "POST", "/v3/volumes"): (
        [
            {"volume": {"size": 1, "name": "v", "metadata": {"k": "v"}, "multiattach": False}},
            {"volume": {"snapshot_id": "{volume_snapshot_id}", "name": "c"}},
            {"volume": {"size": 1, "imageRef": "{base_image_id}", "volume_type": "__DEFAULT__"}},
            {"volume": {"source_volid": "{volume_id}"}},
            {"volume": {"size": 1, "volume_type": "replicated", "name": "r"}},
        ],
        [],
    ),
    ("volume", "GET", "/v3/volumes/detail"): (
        [],
        ["all_tenants=1&status=available", "limit=1&marker={volume_id}&sort=name:asc&with_count"],
    ),
    ("volume", "PUT", "/v3/volumes/{id}"): (
        [{"volume": {"name": "n", "description": "d", "metadata": {"k": "v"}}}],
        [],
    ),
    ("volume", "POST", "/v3/volumes/{id}/action"): (_VOLUME_ACTIONS, []),
    ("volume", "POST", "/v3/volumes/{id}/metadata"): ([{"metadata": {"k": "v"}}], []),
    ("volume", "PUT", "/v3/volumes/{id}/metadata"): ([{"metadata": {"k": "v"}}], []),
    ("volume", "PUT", "/v3/volumes/{id}/metadata/{key}"): ([{"meta": {"k": "v"}}], []),
    ("volume", "POST", "/v3/snapshots"): (
        [{"snapshot": {"volume_id": "{attached_volume_id}", "name": "s", "force": True}}],
        [],
    ),
    ("volume", "GET", "/v3/snapshots/detail"): ([], ["all_tenants=1", "volume_id={volume_id}"]),
    ("volume", "PUT", "/v3/snapshots/{id}"): ([{"snapshot": {"name": "n"}}], []),
    ("volume", "POST", "/v3/snapshots/{id}/action"): (
        [
            {"os-reset_status": {"status": "error"}},
            {"os-force_delete": {}},
            {"os-update_snapshot_status": {"status": "error", "progress": "90%"}},
        ],
        [],
    ),
    ("volume", "POST", "/v3/snapshots/{id}/metadata"): ([{"metadata": {"k": "v"}}], []),
    ("volume", "PUT", "/v3/snapshots/{id}/metadata"): ([{"metadata": {"k": "v"}}], []),
    ("volume", "PUT", "/v3/snapshots/{id}/metadata/{key}"): ([{"meta": {"k": "v"}}], []),
    ("volume", "POST", "/v3/attachments"): (
        [
            {
                "attachment": {
                    "volume_uuid": "{volume_id}",
                    "instance_uuid": "{server_id}",
                    "connector": _CONNECTOR,
                    "mode": "rw",
                }
            }
        ],
        [],
    ),
    ("volume", "PUT", "/v3/attachments/{id}"): ([{"attachment": {"connector": _CONNECTOR}}], []),
    ("volume", "POST", "/v3/attachments/{id}/action"): ([{"os-complete": {}}], []),
    ("volume", "PUT", "/v3/os-quota-sets/{tenant}"): (
        [{"quota_set": {"volumes": 5, "gigabytes": -1, "snapshots___DEFAULT__": 3}}],
        [],
    ),
    ("volume", "GET", "/v3/os-quota-sets/{tenant}"): ([], ["usage=true"]),
    ("image", "POST", "/v2/images"): (
        [
            {
                "name": "i",
                "disk_format": "raw",
                "container_format": "bare",
                "visibility": "shared",
                "tags": ["a"],
                "min_disk": 0,
                "protected": False,
                "k": "v",
            }
        ],
        [],
    ),
    ("image", "GET", "/v2/images"): (
        [],
        [
            "limit=1&marker={private_image_id}&sort=name:asc,created_at:desc",
            "visibility=all&member_status=all&owner={project_id}",
            "tag=a&tag=b&size_min=0&size_max=9&status=active&name=in:x,y",
            "sort_key=name&sort_key=size&sort_dir=asc&os_hidden=true",
        ],
    ),
    ("image", "PATCH", "/v2/images/{image_id}"): ([_PATCH], []),
    ("image", "POST", "/v2/images/{image_id}/members"): ([{"member": "{other_project_id}"}], []),
    ("image", "GET", "/v2/images/{image_id}/members"): ([], []),
    ("image", "PUT", "/v2/images/{image_id}/members/{member_id}"): (
        [{"status": "accepted"}],
        [],
    ),
    ("image", "POST", "/v2/images/{image_id}/import"): (
        [
            {"method": {"name": "glance-direct"}},
            {"method": {"name": "web-download", "uri": "http://example.com/x.img"}},
            {"method": {"name": "copy-image"}, "stores": ["file"], "all_stores_must_succeed": 1},
        ],
        [],
    ),
    **_SESSION15,
    **_SESSION16,
    **_TRANSFERS,
    **_MIGRATIONS,
    **_SERVER_WRITES,
    **_SESSION29,
    **_SESSION30,
    **_SESSION31,
}

#: Odd values a body's leaf may become.
ODD = st.sampled_from(
    [
        None,
        True,
        0,
        -1,
        2**31,
        2**63,
        -(2**64),
        10**30,
        0.5,
        -0.0,
        1e308,
        "",
        " ",
        "x" * 300,
        "\u4e2d" * 256,  # over a 255-character limit, 768 bytes of UTF-8
        "\u00e9\u4e2d\U0001f600",
        "\u0000",
        "\ud800",
        "../../etc",
        "%00",
        "1 OR 1=1",
        "-1",
        "2147483648",
        "true",
        "null",
        "00000000-0000-0000-0000-000000000000",
        "2026-13-45T99:99:99Z",
        [],
        {},
        [None],
        {"": None},
    ]
)
#: Raw JSON texts Python's json reads but json.dumps never writes.
RAW_NUMBERS = st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])


def fill(value: Any, ids: dict[str, str]) -> Any:
    """`value` with every ``{name}`` in its strings replaced by the world's id."""
    if isinstance(value, str):
        for name, real in ids.items():
            value = value.replace("{" + name + "}", real)
        return value
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {fill(k, ids): fill(v, ids) for k, v in value.items()}
    return value


def _places(value: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(value, dict):
        for key, inner in value.items():
            out += _places(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            out += _places(inner, (*path, index))
    return out


def _set(value: Any, path: tuple, op: str, new: Any) -> Any:
    if not path:
        if op == "wrap":
            return [value]
        if op == "add" and isinstance(value, dict):
            return {**value, "fuzz_extra": new}
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        copy = dict(value)
        if not rest and op == "drop":
            copy.pop(head, None)
        else:
            copy[head] = _set(value[head], rest, op, new)
        return copy
    copy = list(value)
    if not rest and op == "drop":
        del copy[head]
    else:
        copy[head] = _set(value[head], rest, op, new)
    return copy


@st.composite
def mutated(draw: Any, body: Any) -> bytes:
    """`body` (JSON data) with one to three places bent, encoded; now and then a number
    spelled as Python's json reads it and no JSON encoder writes it (NaN, 1e999)."""
    for _ in range(draw(st.integers(0, 3))):
        # The whole body now and then; mostly a place inside it, where the schema ends.
        places = _places(body)[1:] or [()]
        path = () if draw(st.integers(0, 19)) == 0 else draw(st.sampled_from(places))
        op = draw(st.sampled_from(["replace", "replace", "drop", "add", "wrap"]))
        body = _set(body, path, op, draw(ODD))
    text = json.dumps(body)
    if draw(st.integers(0, 9)) == 0 and '": 1' in text:
        text = text.replace('": 1', '": ' + draw(RAW_NUMBERS) + "  ", 1)
    return text.encode()


def bare(template: str) -> str:
    """`template` without Nova's or Cinder's project prefix."""
    for prefix in ("/v2.1/{project_id}", "/v3/{project_id}"):
        if template.startswith(prefix + "/"):
            return template[: len(prefix) - len("/{project_id}")] + template[len(prefix) :]
    return template


@st.composite
def queries(draw: Any, known: list[str], ids: dict[str, str]) -> str:
    """A query string: one a client sends, bent (a value oddly replaced, a parameter
    repeated or emptied), or none."""
    if not known or draw(st.integers(0, 3)) == 0:
        return ""
    pairs = [p.partition("=") for p in fill(draw(st.sampled_from(known)), ids).split("&")]
    pairs = [[k, sep, v] for k, sep, v in pairs]
    for _ in range(draw(st.integers(0, 2))):
        index = draw(st.integers(0, len(pairs) - 1))
        how = draw(st.sampled_from(["repeat", "empty", "bare", "odd"]))
        if how == "repeat":
            pairs.insert(index, list(pairs[index]))
        elif how == "empty":
            pairs[index][1:] = ["=", ""]
        elif how == "bare":
            pairs[index][1:] = ["", ""]
        else:
            odd = draw(st.sampled_from(["-1", "0", "abc", "99999999999999999999", "%FF", "a%00"]))
            pairs[index][1:] = ["=", odd]
    return "&".join("".join(p) for p in pairs)
