"""Releases, profiles and switch provenance: every switch checked on both sides of every release
where it changes (master and each stable backport), against values written out by hand from
the release sources."""

import pytest

from fakecloud import Cloud
from fakecloud.errors import ConfigError
from fakecloud.profiles import RELEASES, SERIES, SWITCHES, Switches, release, resolve
from fakecloud.profiles.releases import in_series

#: Switch → {release: value}, on both sides of each change (read in each release's source).
EXPECTED = {
    "allow_instance_snapshots_option": {"17.0.13": True, "18.0.0": False},
    "glance_link_catalog_url": {"33.0.2": True, "34.0.0": False},
    "policy_before_lookup": {"20.6.1": True, "21.0.0": False},
    "metadata_quota_before_lookup": {"20.6.1": True, "21.0.0": False},
    "shelve_offload_policy_before_lookup": {"24.2.1": True, "25.0.0": False},
    "root_detach_bad_request": {"17.0.13": False, "18.0.0": True},
    "attach_rejects_mapped_volume": {"22.4.0": False, "23.0.0": True},
    "launched_on_cleared": {"20.6.1": False, "21.0.0": True},
    "availability_zone_cleared": {
        "17.0.9": False,
        "17.0.10": True,
        "18.0.1": False,
        "18.0.2": True,
        "18.3.0": True,
        "19.0.0": True,
    },
    "reset_state_action": {"22.2.0": False, "22.2.1": True, "22.4.0": True, "23.0.0": True},
    "hosts_update_any_of": {"29.4.0": False, "30.0.0": True},
    "hostname_periods_dashed": {"22.4.0": False, "23.0.0": True},
    "hostname_index_after": {"23.2.2": False, "24.0.0": True},
    "over_quota_usage_scope": {"33.0.2": False, "34.0.0": True},
    "boot_quota_user_scoped": {"21.1.2": False, "21.2.0": True, "21.2.4": True, "22.0.0": True},
    "list_skips_failed_cells": {"17.0.5": False, "17.0.6": True, "17.0.13": True, "18.0.0": True},
    "list_cell_error_rebuilt": {"18.3.0": False, "19.0.0": True},
    "service_token_roles_required": {"33.0.2": False, "34.0.0": True},
    "lp1987355": {"26.2.2": True, "26.3.0": False, "27.0.0": False},
    "duplicate_port_check": {
        "23.2.2": False,
        "24.0.0": False,
        "24.1.0": True,
        "24.2.1": True,
        "25.0.0": True,
    },
    "network_id_br_prefix": {"20.6.1": True, "21.0.0": False},
    "instance_hidden_filter": {
        "19.3.2": "ignored",
        "20.0.0": "exact",
        "20.1.0": "exact",
        "20.1.1": "flag",
        "20.6.1": "flag",
        "21.0.0": "flag",
    },
    "instance_compute_id": {"27.5.1": False, "28.0.0": True},
    "bdm_image_size_same_ref": {"19.3.0": False, "19.3.1": True, "19.3.2": True, "20.0.0": True},
    "bdm_volumes_read_first": {"20.6.1": False, "21.0.0": True},
    "bdm_disk_bus_check": {
        "20.4.0": False,
        "20.4.1": True,
        "21.1.0": False,
        "21.1.1": True,
        "21.2.4": True,
        "22.0.0": True,
    },
    "bdm_local_image_needs_ref": {
        "31.3.0": False,
        "31.3.1": True,
        "32.1.0": False,
        "32.2.0": True,
        "32.2.1": True,
        "33.0.0": True,
    },
    "legacy_policy_defaults": {"20.6.1": True, "21.0.0": False},
    "keypair_name_check": {
        "25.3.0": "compute",
        "26.0.0": "format",
        "31.3.1": "format",
        "32.0.0": "pattern",
    },
    "max_microversion": {
        "17.0.13": "2.60",
        "18.0.0": "2.65",
        "18.3.0": "2.65",
        "19.0.0": "2.72",
        "19.3.2": "2.72",
        "20.0.0": "2.79",
        "20.6.1": "2.79",
        "21.0.0": "2.87",
        "22.4.0": "2.87",
        "23.0.0": "2.88",
        "23.2.2": "2.88",
        "24.0.0": "2.90",
        "25.3.0": "2.90",
        "26.0.0": "2.93",
        "26.3.0": "2.93",
        "27.0.0": "2.95",
        "28.3.1": "2.95",
        "29.0.0": "2.96",
        "30.3.0": "2.96",
        "31.0.0": "2.100",
        "32.2.1": "2.100",
        "33.0.0": "2.103",
        "33.0.2": "2.103",
        "34.0.0": "2.104",
    },
    "v2_api_deprecated": {"31.3.1": False, "32.0.0": True},
    "versioned_discovery_public": {"20.6.1": False, "21.0.0": True},
    "api_support_string": {
        "33.0.2": "Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API "
        "log if possible.",
        "34.0.0": "Please contact the administrator",
    },
    "policy_new_defaults_enforced": {"26.3.0": False, "27.0.0": True},
    "jsonschema_non_empty_message": {"30.3.0": False, "31.0.0": True},
    "extend_reads_encryption": {"20.6.1": False, "21.0.0": True},
    "lp1843639": {
        "17.0.13": True,
        "18.2.3": True,
        "18.3.0": False,
        "19.0.3": True,
        "19.1.0": False,
        "20.0.0": True,
        "20.0.1": False,
        "20.6.1": False,
        "21.0.0": False,
    },
    "detach_volume_locked": {
        "17.0.9": False,
        "17.0.10": True,
        "18.1.0": False,
        "18.2.0": True,
        "18.3.0": True,
        "19.0.0": True,
    },
    "reboot_locked": {
        "17.0.13": False,
        "18.2.3": False,
        "18.3.0": True,
        "19.0.3": False,
        "19.1.0": True,
        "20.0.1": False,
        "20.1.0": True,
        "20.6.1": True,
        "21.0.0": True,
    },
    "swap_volume_locked": {
        "20.6.0": False,
        "20.6.1": True,
        "21.1.2": False,
        "21.2.0": True,
        "22.0.1": False,
        "22.1.0": True,
        "22.4.0": True,
        "23.0.0": True,
    },
    "jsonschema_ipv4_strict": {"25.3.0": False, "26.0.0": True},
    "images_query_schema": {"29.4.0": False, "30.0.0": True},
    "default_notification_format": {"19.3.2": "both", "20.0.0": "unversioned"},
    # [glance] num_retries as nova/conf/glance.py has it (pip download; 21.2.4 and master
    # from the git mirror), each side of 662af9fab6 and its 20.5.0 and 21.1.2 backports
    "default_glance_num_retries": {
        "17.0.7": 0,
        "18.3.0": 0,
        "19.3.2": 0,
        "20.4.1": 0,
        "20.5.0": 3,
        "21.1.1": 0,
        "21.1.2": 3,
        "21.2.4": 3,
        "22.0.0": 3,
        "34.0.0": 3,
    },
    "snapshot_payload_version": {
        "17.0.13": "1.6",
        "18.0.0": "1.8",
        "19.3.2": "1.8",
        "20.0.0": "1.9",
        "30.3.0": "1.9",
        "31.0.0": "1.10",
    },
    "action_payload_version": {
        "17.0.13": "1.5",
        "18.0.0": "1.7",
        "19.3.2": "1.7",
        "20.0.0": "1.8",
        "30.3.0": "1.8",
        "31.0.0": "1.9",
    },
    "exists_payload_version": {
        "17.0.13": None,
        "18.0.0": "1.1",
        "19.3.2": "1.1",
        "20.0.0": "1.2",
        "24.2.1": "1.2",
        "25.0.0": "2.0",
        "30.3.0": "2.0",
        "31.0.0": "2.1",
    },
    "usage_exists_bandwidth": {"24.2.1": True, "25.0.0": False},
    "exception_payload_version": {"17.0.13": "1.0", "18.0.0": "1.1"},
    "snapshot_hypervisor_time_log": {"17.0.13": False, "18.0.0": True},
    "instance_snapshot_branch": {"17.0.13": False, "34.0.0": False},
    "cinder_snapshot_delete_double_release": {"17.0.0": True, "34.0.0": True},
    "cinder_error_managing_delete_keeps_quota": {"17.0.0": True, "34.0.0": True},
    # keystone 24.0.0's 6730c761d1 and CVE-2022-2447's 8f999d1c1f (23.0.0), their keystone
    # 21.0.1/22.0.1(/23.0.1) backports at the next Nova point releases
    "keystone_secret_type_checked": {
        "25.2.1": False,
        "25.3.0": True,
        "26.2.0": False,
        "26.2.1": True,
        "26.3.0": True,
        "27.0.0": False,
        "27.1.0": False,
        "27.2.0": True,
        "27.5.1": True,
        "28.0.0": True,
    },
    # keystone 23.0.0's 3288af579d (54 characters), undone by 6730c761d1's 72 bytes
    "keystone_bcrypt_max_length": {
        "17.0.13": None,
        "25.2.1": None,
        "25.3.0": 72,
        "26.2.0": None,
        "26.2.1": 72,
        "26.3.0": 72,
        "27.0.0": 54,
        "27.1.0": 54,
        "27.2.0": 72,
        "27.5.1": 72,
        "28.0.0": 72,
    },
    # keystone 25.0.0's dd785ee692, backported in 23.0.2 and 24.1.0
    "keystone_list_domains_scoped": {
        "17.0.13": False,
        "27.5.0": False,
        "27.5.1": True,
        "28.3.0": False,
        "28.3.1": True,
        "28.0.0": False,
        "29.0.0": True,
    },
    # keystone 25.0.0's f2f1a5c388 (Secure RBAC phase 1), backported in 23.0.2 and 24.1.0
    "keystone_limits_admin_required": {
        "19.0.0": False,
        "27.5.0": False,
        "27.5.1": True,
        "28.3.0": False,
        "28.3.1": True,
        "29.0.0": True,
    },
    "keystone_app_cred_token_capped": {
        "17.0.13": False,
        "25.2.1": False,
        "25.3.0": True,
        "26.2.0": False,
        "26.2.1": True,
        "26.3.0": True,
        "27.0.0": True,
    },
    "glance_pending_delete_counted": {
        "17.0.0": True,
        "30.2.1": True,
        "30.3.0": False,
        "31.1.0": True,
        "31.2.0": False,
        "31.3.1": False,
        "32.0.0": False,
        "34.0.0": False,
    },
    "glance_schema_import_statuses": {
        "17.0.0": False,
        "17.0.2": False,
        "17.0.3": True,
        "17.0.13": True,
        "18.0.0": True,
    },
    "lp1860913": {
        "17.0.0": True,
        "21.2.2": True,
        "21.2.3": False,
        "22.2.2": True,
        "22.3.0": False,
        "23.0.2": True,
        "23.1.0": False,
        "23.2.2": False,
        "24.0.0": False,
    },
    "lp1989514": {
        "24.0.0": True,
        "28.3.0": True,
        "28.3.1": False,
        "29.2.0": True,
        "29.2.1": False,
        "30.0.0": True,
        "30.1.0": False,
        "30.3.0": False,
        "31.0.0": False,
    },
    "cinder_backup_parent_any_project": {
        "17.0.0": True,
        "19.3.1": True,
        "19.3.2": False,
        "20.4.0": True,
        "20.4.1": False,
        "21.1.0": True,
        "21.1.1": False,
        "21.2.4": False,
        "22.0.0": False,
    },
    "cinder_revert_any_size": {
        "17.0.13": True,
        "18.0.3": True,
        "18.1.0": False,
        "18.3.0": False,
        "19.0.0": False,
        "34.0.0": False,
    },
    "rbd_snapshot_busy_with_clones": {
        "17.0.13": True,
        "27.5.1": True,
        "28.3.0": True,
        "28.3.1": False,
        "29.0.0": False,
        "34.0.0": False,
    },
    "cinder_attachment_host_name": {
        "17.0.13": "all",
        "21.2.4": "all",
        "22.0.0": "admin",
        "31.3.1": "admin",
        "32.2.1": "admin",
        "33.0.0": "admin_or_service",
        "34.0.0": "admin_or_service",
    },
    "cinder_limits_precheck": {"17.0.0": False, "17.0.1": True, "17.0.13": True, "18.0.0": True},
    "snapshot_inline_in_rpc_worker": {"32.2.1": True, "33.0.0": False},
    "lp1731986": {"17.0.0": True, "17.0.1": False, "17.0.13": False, "18.0.0": False},
    "lp1754360": {"17.0.5": True, "17.0.6": False, "17.0.13": False, "18.0.0": False},
    "lp1980720": {"26.3.0": True, "27.0.0": False},
    "paused_snapshot_cold": {"21.2.4": True, "22.0.0": False},
    "lp1722571": {"17.0.1": True, "17.0.2": False, "17.0.13": False, "18.0.0": False},
    "lp1759473": {"20.6.1": True, "21.0.0": False},
    "lp1754071": {"17.0.13": True, "18.0.0": False},
    "snapshot_image_deleted_warning": {"28.3.1": False, "29.0.0": True},
    "snapshot_ami_disk_format": {
        "27.4.0": True,
        "27.5.0": False,
        "28.2.0": True,
        "28.3.0": False,
        "29.1.0": True,
        "29.2.0": False,
        "29.4.0": False,
        "30.0.0": False,
        "26.3.0": True,
    },
    "lp1675791": {"18.2.1": True, "18.2.2": False, "18.3.0": False, "19.0.0": False},
    "lp1852106": {"20.6.1": True, "21.0.0": False},
    "snapshot_drops_os_glance_properties": {"22.4.0": False, "23.0.0": True},
    "failed_rebuild_drops_allocation": {"18.3.0": False, "19.0.0": True, "34.0.0": True},
    "volume_backed_image_raw": {"30.3.0": False, "31.0.0": True},
    "deep_image_inspection": {
        "27.3.0": False,
        "27.4.0": True,
        "28.1.0": False,
        "28.2.0": True,
        "29.0.2": False,
        "29.1.0": True,
        "29.4.0": True,
        "30.0.0": True,
        "26.3.0": False,
    },
    "image_mismatch_unsupported": {
        "27.4.0": False,
        "27.5.0": True,
        "28.2.0": False,
        "28.3.0": True,
        "29.1.0": False,
        "29.2.0": True,
        "29.4.0": True,
        "30.0.0": True,
    },
    "live_snapshot_freeze_whole_copy": {"24.2.1": True, "25.0.0": False},
    "snapshot_semaphore": {"21.2.4": False, "22.0.0": True},
    "disk_ops_semaphore": {"18.3.0": False, "19.0.0": True},
    "glance_location_api": {"31.3.1": False, "32.0.0": True},
    "rpc_call_monitor": {"17.0.13": False, "18.0.0": True},
    "lp1837877": {
        "17.0.11": True,
        "17.0.12": False,
        "18.2.1": True,
        "18.2.2": False,
        "19.0.1": True,
        "19.0.2": False,
        "19.3.2": False,
        "20.0.0": False,
    },
    "lp1874032": {"21.2.4": True, "22.0.0": False},
    "compute_threading_mode": {"32.2.1": False, "33.0.0": True},
    "default_concurrency_backend": {"33.0.2": "eventlet", "34.0.0": "threading"},
    "lp1745529": {"17.0.4": True, "17.0.5": False, "17.0.13": False, "18.0.0": False},
    "lp1717547": {
        "17.0.10": True,
        "17.0.11": False,
        "18.2.0": True,
        "18.2.1": False,
        "18.3.0": False,
        "19.0.0": False,
    },
    "lp1878583": {
        "19.2.0": True,
        "19.3.0": False,
        "20.3.0": True,
        "20.4.0": False,
        "21.0.0": True,
        "21.1.0": False,
        "21.2.4": False,
        "22.0.0": False,
        "18.3.0": True,
        "17.0.13": True,
    },
    # the rescue image read by the API: 22.0.0 b9ff0ca94e, backport 42bfd50626 21.1.0
    # (nova 20.6.0/21.2.4 compute/api.py rescue).
    "rescue_image_checked_at_api": {
        "17.0.13": False,
        "21.0.0": False,
        "21.1.0": True,
        "21.2.4": True,
        "22.0.0": True,
        "34.0.0": True,
    },
    # BFV rescue without hw_rescue_* accepted: 21.0.0 (5b6f44efff) to 27.0.0 (6eed55bf55),
    # backports 25.1.1, 26.1.1 (nova 23.2.2/27.5.1 compute/api.py rescue).
    # an image of an encrypted volume refused at boot: 21.0.0 (963fd8c0f9, LP #1863611),
    # backports 19.2.0 and 20.2.0 (nova 19.1.0/19.2.0, 20.1.0/20.2.0 compute/api.py)
    "lp1863611": {
        "17.0.13": True,
        "19.1.0": True,
        "19.2.0": False,
        "20.1.1": True,
        "20.2.0": False,
        "20.6.1": False,
        "21.0.0": False,
        "34.0.0": False,
    },
    # ... and a boot from volume too until 22.0.0 (f9b67893ac), backport 21.1.2 (none before)
    "lp1895696": {
        "19.1.0": False,
        "19.2.0": True,
        "19.3.2": True,
        "20.1.1": False,
        "20.2.0": True,
        "20.6.1": True,
        "21.0.0": True,
        "21.1.1": True,
        "21.1.2": False,
        "21.2.4": False,
        "22.0.0": False,
    },
    "lp1926601": {
        "20.6.1": False,
        "21.0.0": True,
        "25.1.0": True,
        "25.1.1": False,
        "26.1.0": True,
        "26.1.1": False,
        "26.3.0": False,
        "27.0.0": False,
        "34.0.0": False,
    },
    # rebuild checks its volumes are in-use: 22.0.0 (10e9a9b9fc), backports 19.3.2, 20.4.1,
    # 21.1.1 (nova 19.3.2/20.4.1/21.1.1 compute/api.py rebuild).
    "lp1489304": {
        "19.3.1": True,
        "19.3.2": False,
        "20.4.0": True,
        "20.4.1": False,
        "21.1.0": True,
        "21.1.1": False,
        "21.2.4": False,
        "22.0.0": False,
        "17.0.13": True,
    },
    # the resource tracker's move claims count a volume-backed root: on with 18.0.0's
    # f63fd14975 (instance claims only), off with 19.0.0's a99722bb85, backport 18.1.0
    # (nova 18.0.0, 19.0.0 compute/resource_tracker.py _get_usage_dict).
    "lp1796737": {
        "17.0.13": False,
        "18.0.0": True,
        "18.0.3": True,
        "18.1.0": False,
        "18.3.0": False,
        "19.0.0": False,
    },
    # a volume-backed resize runs every image check: 19.0.0 (5e7b840e48) alone, fixed 20.0.0
    # (8aae3e39e5), backport 19.0.1 (nova 19.0.0, 19.3.2 compute/api.py resize).
    "lp1825020": {
        "18.3.0": False,
        "19.0.0": True,
        "19.0.1": False,
        "19.3.2": False,
        "20.0.0": False,
    },
    # a volume-backed resize checks min_ram: 30.0.0 (f3eb76e57b; 29.x none).
    "volume_backed_resize_min_ram": {
        "29.4.0": False,
        "30.0.0": True,
    },
    # an invalid mempage size named as given: 22.0.0 (f76d09b19d), backports 20.4.0, 21.1.0
    # (git show 20.3.0/20.4.0/21.0.0/21.1.0:nova/virt/hardware.py).
    "lp1879964": {
        "19.3.2": True,
        "20.3.0": True,
        "20.4.0": False,
        "21.0.0": True,
        "21.1.0": False,
        "21.2.4": False,
        "22.0.0": False,
    },
    # locked memory's refusals a 403 and a 500: 26.0.0 (572c2b18e2) to 33.x, fixed 34.0.0
    # (ca384766a7; no backport in 31.3.1, 32.2.1, 33.0.2 servers.py/exception.py).
    "lp2158972": {
        "25.3.0": False,
        "26.0.0": True,
        "33.0.2": True,
        "34.0.0": False,
    },
    # resize to unpermitted flavors: 34.0.0, backports 31.3.1, 32.2.1, 33.0.2.
    "lp2151256": {
        "31.3.0": True,
        "31.3.1": False,
        "32.2.0": True,
        "32.2.1": False,
        "33.0.1": True,
        "33.0.2": False,
        "17.0.13": True,
        "34.0.0": False,
    },
    # restrict swap volume to cinder: 32.0.0, backports 29.3.0, 30.1.0, 31.1.0.
    "swap_volume_cinder_only": {
        "29.2.2": False,
        "29.3.0": True,
        "30.0.0": False,
        "30.1.0": True,
        "31.0.1": False,
        "31.1.0": True,
        "31.3.1": True,
        "32.0.0": True,
        "17.0.13": False,
    },
    # Cinder's multiattach parameter removed: 27.0.0 (22.0.0), backports 25.2.0, 26.2.0; none
    # in a Nova 24 release.
    "cinder_multiattach_param": {
        "24.2.1": True,
        "25.1.1": True,
        "25.2.0": False,
        "26.1.1": True,
        "26.2.0": False,
        "26.3.0": False,
        "27.0.0": False,
    },
    # Cinder's reserved namespaces filtered in properties: 28.0.0, backports 25.3.0, 26.2.1,
    # 27.2.0.
    "cinder_upload_keeps_reserved_namespaces": {
        "25.2.1": True,
        "25.3.0": False,
        "26.2.0": True,
        "26.2.1": False,
        "27.1.0": True,
        "27.2.0": False,
        "27.5.1": False,
        "28.0.0": False,
    },
    # Cinder's 409 on an attachment update's conflicts: 32.0.0, backports 29.4.0, 30.2.0, 31.2.0.
    "cinder_attachment_update_conflict_500": {
        "29.3.0": True,
        "29.4.0": False,
        "30.1.0": True,
        "30.2.0": False,
        "31.1.0": True,
        "31.2.0": False,
        "31.3.1": False,
        "32.0.0": False,
    },
    # Cinder's default types under /v3/{project_id}/: 30.0.0, backports 28.3.1, 29.2.1 (none in
    # a Nova 27 release).
    "cinder_default_types_bare_paths": {
        "27.5.1": True,
        "28.3.0": True,
        "28.3.1": False,
        "29.2.0": True,
        "29.2.1": False,
        "29.4.0": False,
        "30.0.0": False,
    },
    # Cinder's snapshot list pops all_tenants for everyone: 22.0.0, backports 20.4.1, 21.1.1.
    "cinder_snapshot_all_tenants_kept": {
        "19.3.2": True,
        "20.4.0": True,
        "20.4.1": False,
        "21.1.0": True,
        "21.1.1": False,
        "21.2.4": False,
        "22.0.0": False,
    },
    # Cinder's default type logic: 22.0.0, backports 20.4.1, 21.1.1.
    "cinder_default_type_guard_by_name": {
        "20.4.0": True,
        "20.4.1": False,
        "21.1.0": True,
        "21.1.1": False,
        "21.2.4": False,
        "22.0.0": False,
    },
    # Cinder's default type set in the controller (LP #1879578): 20.0.0 (Cinder 15.0.0), fixed
    # 22.0.0, backports 20.4.1, 21.1.1.
    "lp1879578": {
        "19.3.2": False,
        "20.0.0": True,
        "20.4.0": True,
        "20.4.1": False,
        "20.6.1": False,
        "21.1.0": True,
        "21.1.1": False,
        "21.2.4": False,
        "22.0.0": False,
    },
    # Cinder's API checks an image's virtual size: 26.0.0, backport 25.3.0.
    "cinder_api_virtual_size_check": {
        "25.2.1": False,
        "25.3.0": True,
        "26.0.0": True,
    },
    # Cinder's attachment create schema fixed: 24.0.0, backport 23.1.0 (none in a Nova 22).
    "cinder_attachment_create_v12_schema": {
        "22.4.0": True,
        "23.0.2": True,
        "23.1.0": False,
        "23.2.2": False,
        "24.0.0": False,
    },
    # Glance's cache API answers: 26.0.0 (Glance 25.0.0), backports 25.0.1 (PUT), 25.1.1
    # (DELETE).
    "glance_cache_queue_200": {
        "25.0.0": True,
        "25.0.1": False,
        "25.3.0": False,
        "26.0.0": False,
    },
    "glance_image_api_2_16": {
        "25.0.0": False,
        "25.0.1": True,
        "25.3.0": True,
        "26.0.0": True,
    },
    "glance_cache_delete_200": {
        "25.1.0": True,
        "25.1.1": False,
        "25.3.0": False,
        "26.0.0": False,
    },
    # Cinder 12.0.0-12.0.6's 202 to an attachment create and os-complete: Nova 17.0.0-17.0.10.
    "cinder_attachment_answers_202": {
        "17.0.0": True,
        "17.0.10": True,
        "17.0.11": False,
        "17.0.13": False,
        "18.0.0": False,
    },
    # Cinder 12.0.5-12.0.10's re-read of a requested type by id: Nova 17.0.10-17.0.13 alone.
    "cinder_type_reread_as_caller": {
        "17.0.9": False,
        "17.0.10": True,
        "17.0.13": True,
        "18.0.0": False,
    },
    # Cinder 16.1.0's unguarded display_name (LP #1886222): on in Nova 21.1.0 alone.
    "lp1886222": {
        "21.0.0": False,
        "21.1.0": True,
        "21.1.1": False,
        "21.2.4": False,
        "22.0.0": False,
    },
    # Cinder's attachment create/update status check (LP #1805762): 19.0.0, backports 17.0.11
    # and 18.2.1.
    "lp1805762": {
        "17.0.10": True,
        "17.0.11": False,
        "17.0.13": False,
        "18.0.0": True,
        "18.2.0": True,
        "18.2.1": False,
        "18.3.0": False,
        "19.0.0": False,
    },
    # Glance 22.0.0's image tasks API leaves out tasks in progress (LP #1922928): Nova
    # 23.0.0-23.0.2.
    "lp1922928": {
        "22.4.0": False,
        "23.0.0": True,
        "23.0.2": True,
        "23.1.0": False,
        "23.2.2": False,
        "24.0.0": False,
    },
    # Cinder's multiattach refusal of an encrypted volume's create: the type's from 17.0.5
    # (12.0.2), the parameter's too from 17.0.10 (12.0.5), both from 18.0.0.
    "cinder_multiattach_encrypted_refused": {
        "17.0.4": None,
        "17.0.5": "type",
        "17.0.9": "type",
        "17.0.10": "type_or_parameter",
        "17.0.13": "type_or_parameter",
        "18.0.0": "type_or_parameter",
    },
    # A retype to an encrypted multiattach type refused: 20.0.0, backports 17.0.13, 18.3.0,
    # 19.0.3.
    "cinder_retype_encrypted_multiattach": {
        "17.0.12": True,
        "17.0.13": False,
        "18.2.3": True,
        "18.3.0": False,
        "19.0.2": True,
        "19.0.3": False,
        "19.3.2": False,
        "20.0.0": False,
    },
    # A manage to an encrypted type refused (LP #1944577): 25.0.0, backports 23.2.2, 24.2.0.
    "lp1944577": {
        "23.2.1": True,
        "23.2.2": False,
        "24.1.1": True,
        "24.2.0": False,
        "24.2.1": False,
        "25.0.0": False,
    },
    # Cinder's volume delete reads force from 3.2 (12.0.0-12.0.3): 18.0.0, backport 17.0.8.
    "cinder_delete_force_from_3_2": {
        "17.0.7": True,
        "17.0.8": False,
        "17.0.13": False,
        "18.0.0": False,
    },
    # A retype's target multiattach read as False (LP #1790840): 19.0.0, backports 17.0.11,
    # 18.1.0.
    "lp1790840": {
        "17.0.10": True,
        "17.0.11": False,
        "17.0.13": False,
        "18.0.0": True,
        "18.0.1": True,
        "18.0.3": True,
        "18.1.0": False,
        "18.3.0": False,
        "19.0.0": False,
    },
    # A refused backup import destroys the live backup (LP #1965847): from 18.0.0 (backport
    # 17.0.10) to 26.0.0 (backports 23.2.2, 24.2.0, 25.1.0).
    "lp1965847": {
        "17.0.9": False,
        "17.0.10": True,
        "17.0.13": True,
        "18.0.0": True,
        "23.2.1": True,
        "23.2.2": False,
        "24.1.1": True,
        "24.2.0": False,
        "25.0.1": True,
        "25.1.0": False,
        "25.3.0": False,
        "26.0.0": False,
    },
    # Cinder's extensions without OS-SCH-HNT: 13.0.0-13.0.6 and 14.0.0 (Nova 18.0.0-18.2.2,
    # 19.0.0-19.0.1).
    "cinder_extensions_skip_scheduler_hints": {
        "17.0.13": False,
        "18.0.0": True,
        "18.2.2": True,
        "18.2.3": False,
        "19.0.0": True,
        "19.0.1": True,
        "19.0.2": False,
        "19.3.2": False,
        "20.0.0": False,
    },
    # os-set_image_metadata values up to 65535 bytes: 29.0.0, backport 28.3.0 (none in 27).
    "cinder_image_metadata_value_255": {
        "27.5.1": True,
        "28.2.0": True,
        "28.3.0": False,
        "28.3.1": False,
        "29.0.0": False,
    },
    # A refused incremental backup rolls its reservation back (LP #1809323): 20.0.0, backport
    # 19.3.2.
    "lp1809323": {
        "19.0.0": True,
        "19.3.1": True,
        "19.3.2": False,
        "20.0.0": False,
    },
    # A managed volume takes its type's multiattach (LP #1783790): 19.0.0, backports 17.0.11,
    # 18.2.1.
    "lp1783790": {
        "17.0.10": True,
        "17.0.11": False,
        "18.0.0": True,
        "18.2.0": True,
        "18.2.1": False,
        "18.3.0": False,
        "19.0.0": False,
        "17.0.13": False,
    },
    # An admin's os-attach keeps readonly: 23.0.0, backport 22.4.0 (Cinder 17.3.0).
    "cinder_os_attach_drops_readonly": {
        "17.0.0": True,
        "22.0.0": True,
        "22.3.0": True,
        "22.4.0": False,
        "23.0.0": False,
    },
    # A '/' in a metadata key (LP #1798798): 19.0.0, backport 18.0.3 (Cinder 13.0.1); never
    # in Queens.
    "lp1798798": {
        "17.0.0": True,
        "17.0.13": True,
        "18.0.0": True,
        "18.0.2": True,
        "18.0.3": False,
        "18.3.0": False,
        "19.0.0": False,
    },
    # A backup import's quota (LP #1783525): 18.0.0, backport 17.0.10.
    "lp1783525": {
        "17.0.0": True,
        "17.0.9": True,
        "17.0.10": False,
        "17.0.13": False,
        "18.0.0": False,
    },
    # A transfer list's name filter (LP #1860100): 21.0.0, backport 20.2.0.
    "lp1860100": {
        "20.1.1": True,
        "20.2.0": False,
        "20.6.1": False,
        "21.0.0": False,
    },
    # _attachment_reserve's override (LP #1785050): 18.0.0, backport 17.0.8.
    "lp1785050": {
        "17.0.0": True,
        "17.0.7": True,
        "17.0.8": False,
        "17.0.13": False,
        "18.0.0": False,
    },
}


def _before(name: str) -> str:
    """The release a change is compared against: the one before it in its series, or for a
    new series' first release the last release of the series before."""
    r = release(name)
    same = [x for x in in_series(r.major) if x < r]
    return (same[-1] if same else in_series(r.major - 1)[-1]).name


def test_every_release_from_17_0_0_to_34_0_0_in_order():
    names = [r.name for r in RELEASES]
    assert (names[0], names[-1], len(names)) == ("17.0.0", "34.0.0", 128)
    assert names == sorted(names, key=lambda n: tuple(map(int, n.split("."))))
    assert {"17.0.6", "18.0.1", "20.6.1", "33.0.2"} <= set(names)
    assert [r.name for r in RELEASES if not r.on_pypi] == [
        *(f"17.0.{i}" for i in range(7)),
        "18.0.0",
        "18.0.1",
    ]
    assert (SERIES[17].name, SERIES[27].name, SERIES[34].name) == (
        "Queens",
        "2023.1 Antelope",
        "2026.2 Hibiscus",
    )
    assert (SERIES[17].cinder, SERIES[17].glance, SERIES[34].cinder) == (12, 16, 29)


def test_every_switch_has_its_changes_checked_on_both_sides():
    assert set(EXPECTED) == set(SWITCHES)
    for name, sw in SWITCHES.items():
        for rel, commit, _value, why in sw.timeline():
            assert rel in EXPECTED[name] and _before(rel) in EXPECTED[name], (name, rel, commit)
            assert why and len(commit) == 10


def test_switch_values_follow_the_release():
    # Every switch in one test (a test item costs more than a switch); the diff names the
    # switch and the release that differ.
    got = {
        name: {rel: resolve(f"nova-{rel}").values[name] for rel in releases}
        for name, releases in EXPECTED.items()
    }
    assert got == EXPECTED


def test_profile_names():
    assert resolve("upstream").release.name == "34.0.0"
    seed = resolve("seed")
    assert (seed.release.name, seed.vendor, seed.canonical) == (
        "17.0.13",
        True,
        "nova-17.0.13+vendor",
    )
    assert resolve("seed-17.0.4").values["instance_snapshot_branch"] is True
    assert resolve("seed-17.0.4").values["lp1754360"] is True  # fixed in 17.0.6
    assert resolve("nova-17.0.13").values["instance_snapshot_branch"] is False
    assert resolve("nova-20.6.0+vendor").values["instance_snapshot_branch"] is True
    every = [Switches.for_profile(f"nova-{r}") for r in RELEASES]
    assert [s.release for s in every] == list(RELEASES)


def test_a_cloud_is_any_release():
    cloud = Cloud(profile="nova-20.6.0")
    assert cloud.switches.max_microversion == "2.79"
    assert cloud.switches.release.series.name == "Train"
    top = cloud.request("compute", "GET", "/", user=None).json()["versions"]
    assert [v["version"] for v in top if v["id"] == "v2.1"] == ["2.79"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("nova-20.7.0", "unknown Nova release 20.7.0; the nearest are 20.6.1 and 21.0.0"),
        ("nova-35.0.0", "the nearest is 34.0.0"),
        ("nova-16.1.8", "the nearest is 17.0.0"),
        ("seed-18.0.0", "use 'nova-18.0.0+vendor'"),
        ("upstrem", "did you mean 'upstream'"),
        ("nova-20.6", "'20.6' is not a Nova release number"),
        ("nova-021.0.0", "'021.0.0' is not a Nova release number"),
        ("nova-" + "9" * 4400 + ".0.0", "is not a Nova release number"),  # int() refuses it
    ],
)
def test_unknown_profiles_name_the_nearest(name, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("+", r"\+")):
        Cloud(profile=name)


def test_a_bug_switch_can_be_turned_either_way_on_any_release():
    fixed = Switches.for_profile("nova-17.0.0", {"lp1731986": False})
    replay = Switches.for_profile("upstream", {"lp1731986": True})
    assert (fixed.lp1731986, replay.lp1731986) == (False, True)
    assert "lp1731986" in replay.bugs_on() and "lp1731986" not in fixed.bugs_on()
