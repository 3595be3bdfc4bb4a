"""Switches of Nova's API layer: createImage's checks, policy defaults, microversions, the
version document and the 500 body. Each records where it changed (see `provenance`)."""

from __future__ import annotations

from fakecloud.profiles.provenance import Backport, Change, Switch

#: The highest compute microversion of each release line, and the commit that raised it.
_MICROVERSIONS = (
    ("18.0.0", "4cae503767", "2.65", "abort a queued live migration"),
    ("19.0.0", "3225fb61f9", "2.72", "server create with ports having a resource request"),
    ("20.0.0", "e5b47543cf", "2.79", "delete_on_termination in volume-attach"),
    ("21.0.0", "24106290e6", "2.87", "boot-from-volume rescue"),
    ("23.0.0", "1f67ce2496", "2.88", "statistics fields dropped from os-hypervisors"),
    ("24.0.0", "5e2c31ab78", "2.90", "the hostname parameter"),
    ("26.0.0", "45c5b80fd0", "2.93", "rebuild of volume-backed servers"),
    ("27.0.0", "d732ee38a1", "2.95", "evacuate to a target state"),
    ("29.0.0", "c98c8d84ee", "2.96", "the requested availability zone shown"),
    ("31.0.0", "2db8af71dd", "2.100", "scheduler hints shown in server details"),
    ("33.0.0", "da0482aad8", "2.103", "os-volumes_boot deprecated"),
    ("34.0.0", "4bb7256f60", "2.104", "unpin a server's availability zone"),
)
#: LP #1863611's fix in the stable series (each release's ``compute/api.py`` has
#: ``_detect_nonbootable_image_from_properties``, without 22.0.0's image id test, from them on:
#: nova 19.2.0, 19.3.2, 20.2.0, 20.6.1; 19.1.0 and 20.1.0 have none). Its Queens and Rocky
#: backports (418b9450e4, 02551d6d6a) are in no release, only in the -eol tags.
_LP1863611_BACKPORTS = (Backport("19.2.0", "6e71909b0b"), Backport("20.2.0", "240d030902"))

SWITCHES = (
    Switch(
        "allow_instance_snapshots_option",
        "[api] allow_instance_snapshots is honoured: False makes createImage a 400 "
        "(check_snapshots_enabled runs before the body is validated).",
        True,
        (
            Change(
                "18.0.0",
                "1b112acb34",
                "the option (deprecated in 16.0.0) and the check_snapshots_enabled decorator "
                "were removed; operators deny the create_image policy instead",
            ),
        ),
    ),
    Switch(
        "glance_link_catalog_url",
        "Nova links to Glance (the pre-2.45 createImage Location, the image proxy's alternate "
        "link) at the catalog's image URL as written: nova/utils.py get_endpoint returns "
        "get_endpoint_data().catalog_url for the image service (LP #1707995), so "
        "http://image.fakecloud.test/images/<id>; otherwise at the URL keystoneauth discovers "
        "for versions 2.0-2.latest (Glance's v2 link), whose version cut leaves its slash: "
        "http://image.fakecloud.test//images/<id>.",
        True,
        (
            Change(
                "34.0.0",
                "12d8f57c6f",
                "drop workaround for old keystoneauth: get_api_servers asks "
                "ksa_adap.get_endpoint() (nova/image/glance.py); utils.get_endpoint removed",
            ),
        ),
    ),
    Switch(
        "policy_before_lookup",
        "createImage's (and createBackup's, os-resetState's) policy is checked before the "
        "server is loaded, with the caller's own project as target (otherwise: load first, "
        "404, target = the server's project; createBackup: 30bcb43ca5, os-resetState: "
        "b6a310000e, both also 21.0.0).",
        True,
        (
            Change(
                "21.0.0",
                "2a4a716209",
                "LP #1871665: servers policies take the server's project as target, so "
                "_action_create_image loads the server first",
            ),
        ),
    ),
    Switch(
        "shelve_offload_policy_before_lookup",
        "shelveOffload's admin-only policy is checked before the server is loaded (a "
        "non-admin of another project gets the 403; otherwise: load first, 404, target = the "
        "server's project).",
        True,
        (
            Change(
                "25.0.0",
                "20a07ee9a6",
                "server actions scoped to project scope: the shelve-offload policy gets the "
                "instance's project as target, so the server is loaded first",
            ),
        ),
    ),
    Switch(
        "metadata_quota_before_lookup",
        "the metadata-items quota (< 2.39) is checked before the server is loaded.",
        True,
        (
            Change(
                "21.0.0",
                "2a4a716209",
                "the same commit moved the server lookup ahead of the metadata quota check",
            ),
        ),
    ),
    Switch(
        "legacy_policy_defaults",
        "Nova's policies are the legacy defaults under Queens' rule names (rule:admin_or_owner, "
        "rule:admin_api); otherwise the new personas (project member/reader, admin), with "
        "admin_or_owner as the deprecated fallback.",
        True,
        (
            Change(
                "21.0.0",
                "c3fcc31d5f",
                "new default roles in the servers policies (policy-defaults-refresh); the old "
                "defaults stay as deprecated rules",
            ),
        ),
    ),
    Switch(
        "max_microversion",
        "the highest compute API microversion served.",
        "2.60",
        tuple(
            Change(rel, commit, f"microversion {value}: {what}", value)
            for rel, commit, value, what in _MICROVERSIONS
        ),
    ),
    Switch(
        "v2_api_deprecated",
        "the version document lists the legacy v2.0 API as DEPRECATED (updated "
        "2025-07-04T12:00:00Z); before, SUPPORTED (updated 2011-01-21T11:33:21Z).",
        False,
        (Change("32.0.0", "df630cd1b2", "api: the v2 API is deprecated"),),
    ),
    Switch(
        "versioned_discovery_public",
        "GET /v2 and /v2.1 (and with a final /), the version documents, need no token: their own "
        "paste pipelines (oscomputeversion_v2, _legacy_v2); before, they were served by the API "
        "pipeline behind keystonemiddleware, and without a token were its 401; with one, the "
        "bare /v2 and /v2.1 by any method were the router's 302 to the path with a final /.",
        False,
        (
            Change(
                "21.0.0",
                "1e907602e3",
                "Allow versioned discovery unauthenticated (LP #1845530, #1728732)",
            ),
        ),
    ),
    Switch(
        "api_support_string",
        "the middle sentence of the 500 'Unexpected API Error.' body (version.support_string(); "
        "configurable since 23.0.0, d23cf26ec7, with the same default text until 34.0.0).",
        "Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if "
        "possible.",
        (
            Change(
                "34.0.0",
                "bd2042c5ef",
                "stop asking for bug reports upstream: the default support string is "
                "'Please contact the administrator'",
                "Please contact the administrator",
            ),
        ),
    ),
    Switch(
        "jsonschema_non_empty_message",
        "a Nova request body failing a minLength/minItems/minProperties of 1 (an empty "
        "createImage, createBackup or server name) is worded \"'' should be non-empty\" "
        "(jsonschema >= 4.21.0); before, the release's pinned jsonschema (2.6.0 ... 4.19.2) "
        'says "\'\' is too short" ("does not have enough properties"; a max* of 0: \'is too '
        "long', 'has too many properties', not 'is expected to be empty').",
        False,
        (
            Change(
                "31.0.0",
                "b469d9059b",
                "openstack/requirements (not Nova): upper-constraints bumps jsonschema 4.19.2 -> "
                "4.23.0 (97a8cf2456, merged 2025-01-12 after stable/2024.2 branched: 2024.2-eol "
                "still pins 4.19.2), so 2025.1 is the first series past 4.21.0's new wording",
            ),
        ),
    ),
    Switch(
        "jsonschema_ipv4_strict",
        "an accessIPv4 (or a network's fixed_ip) is an ipv4 format only as Python's "
        "ipaddress.IPv4Address reads one (jsonschema >= 4.0.0): 10.0.0.01 is a 400; before, the "
        "release's pinned jsonschema (2.6.0 ... 3.2.0) takes four groups of one to three digits "
        "up to 255, and netaddr's inet_aton keeps a group with a leading zero as octal "
        "(10.0.0.010 is shown 10.0.0.8; 10.0.0.08 is Nova's 500 <class 'ValueError'>).",
        False,
        (
            Change(
                "26.0.0",
                "0f0b7024ec",
                "openstack/requirements (not Nova): upper-constraints bumps jsonschema 3.2.0 -> "
                "4.7.2 for Zed (4.14.0 at its end), whose ipv4 is ipaddress.IPv4Address",
            ),
        ),
    ),
    Switch(
        "images_query_schema",
        "the image proxy's GET /images[/detail] checks a query schema (limit, page_size, offset: "
        "positive integers); before, get_pagination_params' integer checks (at least 0, "
        "'Invalid input received: limit must be an integer').",
        False,
        (
            Change(
                "30.0.0",
                "41b436bff7",
                "api: Add remaining missing query parameter schema",
            ),
        ),
    ),
    Switch(
        "policy_new_defaults_enforced",
        "[oslo_policy] enforce_new_defaults and enforce_scope default to True (readers are "
        "denied createImage); otherwise the deprecated admin_or_owner rules still allow.",
        False,
        (
            Change(
                "27.0.0",
                "d97af33c06",
                "Nova enables the new defaults and scope checks by default",
            ),
        ),
    ),
    Switch(
        "root_detach_bad_request",
        "DELETE /servers/{id}/os-volume_attachments/{root volume} answers 400 'Cannot detach "
        "a root device volume' (otherwise 403).",
        False,
        (
            Change(
                "18.0.0",
                "d2e40a3e49",
                "a 403 read as 'not allowed' where the request cannot be done: 400 instead",
            ),
        ),
    ),
    Switch(
        "attach_rejects_mapped_volume",
        "volume attach refuses a volume any server has a mapping of (unless multiattach), "
        "after reading the volume ('volume <id> is already attached to instances: <uuids>'); "
        "otherwise only a mapping of this server is refused, before the read.",
        False,
        (
            Change(
                "23.0.0",
                "1252588d4e",
                "LP #1908075: a volume reset to available by an admin could be attached twice "
                "(message merged into one check by 81b689e5bb, also 23.0.0)",
            ),
        ),
    ),
    Switch(
        "swap_volume_cinder_only",
        "a volume attachment update that swaps the volume (PUT os-volume_attachments with "
        "another volumeId, or any PUT before 2.85) is refused with 409 unless the old volume "
        "is migrating ('volume <id> is not migrating; this API should only be called by "
        "Cinder'); otherwise any admin may swap an attached volume for an available one.",
        False,
        (
            Change(
                "32.0.0",
                "93c0f9bc74",
                "LP #2112187, restrict swap volume to cinder: a user's swap left the guest's "
                "domain XML out of step with the mappings",
                backports=(
                    Backport("29.3.0", "5a92bb594f"),
                    Backport("30.1.0", "6fcc9e2dd9"),
                    Backport("31.1.0", "76fe0294ff"),
                ),
            ),
        ),
    ),
    Switch(
        "boot_quota_user_scoped",
        "a server create's instances/cores/ram check defaults its user to the caller's and, "
        "where the caller has limits of its own among the three, counts the caller's servers "
        "against them (the project's against the project's); before, the create passed no "
        "user: the project's servers were counted against the lower of the project's and the "
        "caller's limits (a caller's -1 the lower, unlimited).",
        False,
        (
            Change(
                "22.0.0",
                "4c11d5467a",
                "Default user_id when not specified in check_num_instances_quota",
                backports=(Backport("21.2.0", "aec1c42bd3"),),
            ),
        ),
    ),
    Switch(
        "over_quota_usage_scope",
        "an instances/cores/ram quota refusal counted for both a project and a user reports the "
        "usage of the one whose limit was broken; before, the user's whenever the user was "
        "counted, so a project over its limit while the user is not got a headroom from the "
        "user's usage: a create whose retry then asks for as many as before recursed until "
        "Nova's 500 <class 'RecursionError'>.",
        False,
        (Change("34.0.0", "25bdd9c2cf", "Fix usage count when user-scoped quota is set"),),
    ),
    Switch(
        "hosts_update_any_of",
        "PUT /os-hosts/{host}'s schema asks for status or maintenance_mode (its anyOf at the "
        "schema's top); before, the anyOf sat inside properties, where it checks nothing: a "
        "body with neither is 200 {'host': id}, no host looked up, and only an unknown key is "
        "refused ('Additional properties are not allowed').",
        False,
        (Change("30.0.0", "7e78623ac5", "api: Fix bugs in schemas (hosts' anyOf moved up)"),),
    ),
    Switch(
        "reset_state_action",
        "os-resetState records a resetState instance action (os-instance-actions lists it); "
        "before, the API changed the states and left no action: the action never reached the "
        "compute API, where actions are recorded.",
        False,
        (
            Change(
                "23.0.0",
                "534b4f3895",
                "api: Log os-resetState as an instance action (LP #1911924)",
                backports=(Backport("22.2.1", "3d84097eab"),),
            ),
        ),
    ),
    Switch(
        "hostname_periods_dashed",
        "a new server's hostname (sanitize_hostname of its name) makes periods '-' as it "
        "does spaces and underscores; before, they were kept: a server named "
        "'db.example' has the hostname 'db.example', not 'db-example'.",
        False,
        (Change("23.0.0", "9046f0fff4", "utils: Remove periods from instance hostnames"),),
    ),
    Switch(
        "hostname_index_after",
        "each server of a multiple create has its name's hostname and '-<n>' (the name left "
        "nothing: Server-<uuid>); before, the hostname of its display name '<name>-<n>', cut "
        "to 63 characters with the suffix (a 63-character name: its servers' hostnames the "
        "same).",
        False,
        (Change("24.0.0", "5e2c31ab78", "api: Add support for 'hostname' parameter"),),
    ),
    Switch(
        "list_skips_failed_cells",
        "a server list whose query fails in every cell (a sort key that is no column of the "
        "instances table, asked on /v2 where no schema checks it) answers the cells that "
        "answered: an empty list; before, scatter_gather's raised_exception_sentinel reached "
        "heapq.merge, Nova's 500 <class 'TypeError'>.",
        False,
        (
            Change(
                "18.0.0",
                "ee461b5bf6",
                "Make nova list and migration-list ignore down cells (LP #1726301)",
                backports=(Backport("17.0.6", "0626dd0f5b"),),
            ),
        ),
    ),
    Switch(
        "list_cell_error_rebuilt",
        "a cell's exception in a server list is rebuilt as e.__class__(e.args) (a database "
        "OperationalError, such as a /v2 name filter the database cannot compile as a "
        "regular expression, cannot be: Nova's 500 <class 'TypeError'>); before, "
        "scatter_gather turned every exception into its sentinel, and the cell was left out "
        "or crashed the merge as list_skips_failed_cells says.",
        False,
        (
            Change(
                "19.0.0",
                "031314b6d8",
                "Refactor scatter-gather utility to return exception objects",
            ),
        ),
    ),
    Switch(
        "service_token_roles_required",
        "keystonemiddleware's [keystone_authtoken] service_token_roles_required is on (its "
        "default from keystonemiddleware 13.0.0): a valid X-Service-Token without the service "
        "role is refused, 401; before, it is taken (a warning in the log), though only one with "
        "the role lets an expired user token through.",
        False,
        (
            Change(
                "34.0.0",
                "f050c0425a",
                "openstack/requirements (not Nova): upper-constraints bumps keystonemiddleware "
                "to 13.0.0 for 2026.2, whose service_token_roles_required defaults to True",
            ),
        ),
    ),
    Switch(
        "lp1987355",
        "bug: a service's auth_token middleware caches a token Keystone refused as invalid for "
        "token_cache_time: a request with it, even one whose service token would let an "
        "expired user token through, is refused from the cache without asking Keystone "
        "(fixed: a refused token is not cached, each request asks Keystone again).",
        True,
        (
            Change(
                "27.0.0",
                "e9a56ee55e",
                "openstack/requirements (not Nova): upper-constraints takes keystonemiddleware "
                "10.2.0, with e05466c5f4 'Remove cache invalidation when using expired token' "
                "(Closes-Bug #1987355)",
                backports=(Backport("26.3.0", "daf596f65a"),),
            ),
        ),
    ),
    Switch(
        "duplicate_port_check",
        "server create refuses a port named twice in its networks, 400 \"Port ID 'X' was "
        'specified twice: you cannot attach a port multiple times.", before Neutron is asked; '
        "before, Neutron's look-up of the port answered.",
        False,
        (
            Change(
                "25.0.0",
                "9fe4654273",
                "api: Reject duplicate port IDs in server create",
                backports=(Backport("24.1.0", "d4c92bc231"),),
            ),
        ),
    ),
    Switch(
        "network_id_br_prefix",
        "server create takes a network uuid whose text after its first '-' is a uuid (the "
        "Folsom br-<uuid> form) as well formed; Neutron's look-up of it answers.",
        True,
        (Change("21.0.0", "42e65eea6c", "Remove super old br-<uuid> neutron network id compat"),),
    ),
    Switch(
        "instance_hidden_filter",
        "what the database makes of a server list's hidden filter (an admin's, on /v2 where no "
        "schema strips it): ignored (no such column); exact, the query's text compared with "
        "the boolean column, which the database refuses in every cell (Nova's 500 <class "
        "'TypeError'>, as list_cell_error_rebuilt says); flag, popped as a truth value: any "
        "non-empty text lists only hidden servers (none), an empty one filters nothing.",
        "ignored",
        (
            Change("20.0.0", "2d2cfc4aa5", "Add Instance.hidden field (cross-cell move)", "exact"),
            Change(
                "21.0.0",
                "001f3a7bfe",
                "Fix instance.hidden migration and querying (LP #1862205)",
                "flag",
                backports=(Backport("20.1.1", "8363905a6a"),),
            ),
        ),
    ),
    Switch(
        "launched_on_cleared",
        "a server that leaves its host (_nil_out_instance_obj_host_and_node: shelve offload, "
        "an aborted build) loses launched_on with host and node, so an admin's /v2 list "
        "filter on launched_on no longer finds it; before, the column kept its last claim's "
        "host.",
        False,
        (Change("21.0.0", "0e67e71974", "Clear instance.launched_on when build fails"),),
    ),
    Switch(
        "availability_zone_cleared",
        "a server that leaves its host (_nil_out_instance_obj_host_and_node: shelve offload, "
        "an aborted or rescheduled build, a failed unshelve) loses its availability zone with "
        "host and node: OS-EXT-AZ:availability_zone is '' while it has no host; before, it "
        "kept its last host's zone.",
        False,
        (
            Change(
                "19.0.0",
                "771b9eaa71",
                "Null out instance.availability_zone on shelve offload",
                backports=(Backport("17.0.10", "437211bf37"), Backport("18.0.2", "b3060a9d31")),
            ),
        ),
    ),
    Switch(
        "instance_compute_id",
        "the instances table has compute_id (the node's id, set when a host claims the "
        "server): an admin's /v2 list filter on it searches the id's text; before, no such "
        "column, the filter is ignored.",
        False,
        (Change("28.0.0", "a47fdef1bf", "Add compute_id columns to instances, migrations"),),
    ),
    Switch(
        "bdm_image_size_same_ref",
        "server create: an image-to-volume mapping of the imageRef's own image needs a "
        "volume_size too (otherwise _validate_bdm skipped every check of a mapping whose "
        "image_id was the imageRef).",
        False,
        (
            Change(
                "20.0.0",
                "24fe74d126",
                "should not skip volume_size check for bdm.image_id == image_ref case",
                backports=(Backport("19.3.1", "33c8e5473d"),),
            ),
        ),
    ),
    Switch(
        "bdm_volumes_read_first",
        "server create reads every existing volume of the mappings before _validate_bdm "
        "(_get_volumes_for_bdms), so a missing non-root one is Cinder's 404 as 400 'Volume "
        "<id> could not be found.' (otherwise 'Block Device Mapping is Invalid: failed to get "
        "volume <id>.').",
        False,
        (
            Change(
                "21.0.0",
                "07a24dcef7",
                "default the instance's AZ to the volumes' when cross_az_attach=False: the "
                "volumes are read up front",
            ),
        ),
    ),
    Switch(
        "bdm_disk_bus_check",
        "server create refuses a mapping whose disk_bus is not one of fields.DiskBus.ALL "
        "(InvalidBDMDiskBus; its msg_fmr typo leaves InvalidBDM's 'Block Device Mapping is "
        "Invalid.').",
        False,
        (
            Change(
                "22.0.0",
                "5913bd889f",
                "LP #1876301: a virtio-scsi disk_bus was silently ignored by libvirt",
                backports=(Backport("20.4.1", "bbc562c572"), Backport("21.1.1", "fb31ae430a")),
            ),
        ),
    ),
    Switch(
        "keypair_name_check",
        "how a key pair's name is checked (POST /os-keypairs): 'compute': the schema's printable "
        "'name' format, then KeypairAPI._validate_new_key_pair's safe characters (400 'Keypair "
        "data is invalid: Keypair name contains unsafe characters'); 'format': the schema's "
        "keypair_name_20/_292 formats (400 \"An invalid 'name' value was provided. The name "
        "must be: Only expected characters: [...]\"); 'pattern': the schema's regex (400 "
        "\"... does not match '^[_\\- a-zA-Z0-9]+$'\").",
        "compute",
        (
            Change(
                "26.0.0",
                "a755e5d9f2",
                "api: Drop generating a keypair and add special chars to naming (microversion "
                "2.92): the safe characters move into the schema as formats",
                "format",
            ),
            Change(
                "32.0.0",
                "baf310ac28",
                "api: Simplify parameter types: the key pair name formats become regexes",
                "pattern",
            ),
        ),
    ),
    Switch(
        "bdm_local_image_needs_ref",
        "server create: an image-to-local root mapping needs a non-empty imageRef (otherwise "
        "only a present one: imageRef '' let it through).",
        False,
        (
            Change(
                "33.0.0",
                "53eb2cdeab",
                "LP #2077980: the check meant to keep the root disk the flavor's looked for a "
                "null imageRef, which the schema refuses, not the empty one of a BFV boot",
                backports=(Backport("31.3.1", "80551125dd"), Backport("32.2.0", "96b0126895")),
            ),
        ),
    ),
    Switch(
        "lp2151256",
        "bug: a resize looks its flavor up with an admin context (get_flavor_by_flavor_id "
        "without the caller's), so any user may resize into another project's private "
        "flavor; fixed: the caller's context, 400 'Flavor X could not be found.'.",
        True,
        (
            Change(
                "34.0.0",
                "ef7ddda106",
                "Closes-Bug #2151256: fix resize to unpermitted flavors",
                backports=(
                    Backport("31.3.1", "6b109f597d"),
                    Backport("32.2.1", "07deedd552"),
                    Backport("33.0.2", "36dd74f681"),
                ),
            ),
        ),
    ),
    Switch(
        "rescue_image_checked_at_api",
        "rescue reads its rescue_image_ref from Glance in the API: an image Glance does not "
        "have (or a volume snapshot's image, img_block_device_mapping) is 400 'Requested "
        "rescue image X is not supported' (UnsupportedRescueImage); before, the compute read "
        "it and a missing one ended the rescue there (a fault, the server left as it was).",
        False,
        (
            Change(
                "22.0.0",
                "b9ff0ca94e",
                "compute: Do not allow rescue attempts using volume snapshot images",
                backports=(Backport("21.1.0", "42bfd50626"),),
            ),
        ),
    ),
    Switch(
        "lp1926601",
        "bug: a volume-backed rescue (2.87) whose rescue image lacks hw_rescue_device and "
        "hw_rescue_bus is accepted; the compute's legacy rescue then finds no local root disk "
        "and the server goes to ERROR (fixed: 400 'Cannot rescue a volume-backed instance', "
        "the server untouched).",
        False,
        (
            Change(
                "21.0.0",
                "5b6f44efff",
                "2.87: volume-backed servers rescued when the host reports COMPUTE_RESCUE_BFV, "
                "whatever the rescue image",
            ),
            Change(
                "27.0.0",
                "6eed55bf55",
                "Closes-Bug #1926601: fix rescue volume-based instance",
                backports=(Backport("25.1.1", "4073aa51f7"), Backport("26.1.1", "d00a848a73")),
            ),
        ),
    ),
    Switch(
        "lp1863611",
        "bug: a server create or rebuild from an image Cinder uploaded from an encrypted volume "
        "(its cinder_encryption_key_id set) is accepted, and the server goes ACTIVE with a disk "
        "its guest cannot read (fixed: 400 'Image X is unacceptable: Direct booting of an image "
        "uploaded from an encrypted volume is unsupported.').",
        True,
        (
            Change(
                "21.0.0",
                "963fd8c0f9",
                "Closes-Bug #1863611: reject boot request for unsupported images "
                "(_detect_nonbootable_image_from_properties)",
                backports=_LP1863611_BACKPORTS,
            ),
        ),
    ),
    Switch(
        "lp1895696",
        "bug: lp1863611's check also reads a boot from volume's image metadata, so a server "
        "cannot boot from a volume Cinder made from such an image (400 'Image None is "
        "unacceptable: ...'; fixed: only an image boot is checked).",
        False,
        (
            Change(
                "21.0.0",
                "963fd8c0f9",
                "the check of LP #1863611's fix, image id or not",
                backports=_LP1863611_BACKPORTS,
            ),
            Change(
                "22.0.0",
                "f9b67893ac",
                "Closes-Bug #1895696: skip the cinder_encryption_key_id check when booting "
                "from volume",
                backports=(Backport("21.1.2", "297435ad9e"),),
            ),
        ),
    ),
    Switch(
        "lp1489304",
        "bug: a rebuild does not check its server's volumes, so one whose volume is not in-use "
        "(retyping, detaching, reserved) is accepted (fixed: ``_check_volume_status`` before "
        "the task state, 400 'Invalid volume: volume 'X' status must be 'in-use'...').",
        True,
        (
            Change(
                "22.0.0",
                "10e9a9b9fc",
                "Closes-Bug #1489304: add checks for volume status when rebuilding",
                backports=(
                    Backport("19.3.2", "4130ef8af0"),
                    Backport("20.4.1", "683005df39"),
                    Backport("21.1.1", "bcbeae2c60"),
                ),
            ),
        ),
    ),
    Switch(
        "lp1825020",
        "bug: a volume-backed server's resize runs _validate_flavor_image_nostatus with no root "
        "mapping, so its root is read as the new flavor's local disk: a disk below the image "
        "min_disk its system metadata keeps (at least the boot flavor's root_gb) is "
        "FlavorDiskSmallerThanMinDisk, a zero disk asks create:zero_disk_flavor, and the "
        "image's min_ram is checked (fixed: the NUMA and PCI checks alone).",
        False,
        (
            Change(
                "19.0.0",
                "5e7b840e48",
                "flavor extra spec and image properties validation from the API: resize calls "
                "_validate_flavor_image_nostatus(root_bdm=None)",
            ),
            Change(
                "20.0.0",
                "8aae3e39e5",
                "Closes-Bug #1825020: fix volume-backed resize with a smaller disk flavor",
                backports=(Backport("19.0.1", "3285210add"),),
            ),
        ),
    ),
    Switch(
        "volume_backed_resize_min_ram",
        "a volume-backed server's resize checks the new flavor's memory against its image's "
        "min_ram (FlavorMemoryTooSmall, a 400); before, only while lp1825020 ran every image "
        "check (19.0.0).",
        False,
        (
            Change(
                "30.0.0",
                "f3eb76e57b",
                "validate flavor image min ram when resize volume-backed instance",
            ),
        ),
    ),
    Switch(
        "lp1796737",
        "bug: the resource tracker counts no root disk for a volume-backed server's own usage "
        "(LP #1782393) but still its flavor's root_gb in a move's claims (a resize's or cold "
        "migration's old and new flavor, _get_usage_dict of a Flavor): os-hypervisors' "
        "local_gb_used grows by it on both hosts until the move ends (fixed: 0 there too).",
        False,
        (
            Change(
                "18.0.0",
                "f63fd14975",
                "Closes-Bug #1782393: report 0 root_gb in the resource tracker if the instance "
                "is volume-backed (its instance claims only)",
            ),
            Change(
                "19.0.0",
                "a99722bb85",
                "Closes-Bug #1796737: properly track local root disk usage during moves",
                backports=(Backport("18.1.0", "980013d700"),),
            ),
        ),
    ),
    Switch(
        "lp1879964",
        "bug: a hw:mem_page_size that is no alias, number or size string is refused naming "
        "what it was read as, 'Invalid memory page size '0'', and a number below 1 is refused "
        "(fixed: the text as given, and a number read as it is, 0 passing).",
        True,
        (
            Change(
                "22.0.0",
                "f76d09b19d",
                "Closes-Bug #1879964: raise a useful error for an invalid mempage size",
                backports=(Backport("20.4.0", "58c9c3f238"), Backport("21.1.0", "eedc0b5ff3")),
            ),
        ),
    ),
    Switch(
        "lp2158972",
        "bug: locked memory (hw:locked_memory, hw_locked_memory) without a page size is "
        "LockMemoryForbidden, a Forbidden the API answers with a 403, and the flavor's and "
        "the image's values disagreeing FlavorImageLockedMemoryConflict, a bare NovaException "
        "(Nova's 500); fixed: both 400s.",
        False,
        (
            Change(
                "26.0.0",
                "572c2b18e2",
                "add the locked_memory extra spec and image property",
            ),
            Change(
                "34.0.0",
                "ca384766a7",
                "Closes-Bug #2158972: return 400 for invalid properties for locked memory",
            ),
        ),
    ),
    Switch(
        "failed_rebuild_drops_allocation",
        "bug: a rebuild that fails on its own host (rebuild_instance's `except Exception`) "
        "calls delete_allocation_for_evacuated_instance for scheduled_node, which a plain "
        "rebuild set to instance.node: the server's own allocation is removed, so the server "
        "(ERROR) holds nothing in placement until it is deleted, while os-hypervisors still "
        "counts it; before, the same-host subtraction left an empty resources dict, which "
        "placement refused (400), the allocation kept and 'Failed to clean allocation' logged. "
        "Never fixed (master's rebuild_instance is the same).",
        False,
        (
            Change(
                "19.0.0",
                "66297f0c4a",
                "remove_provider_tree_from_instance_allocation: the cleanup pops the node's "
                "allocation and PUTs the rest (empty: placement 1.28 deletes), Change-Id "
                "I2af45a9540e7ccd60ace80d9fcadc79972da7df7",
            ),
        ),
    ),
)
