"""Switches of Cinder's own behaviour that a Nova-driven flow can see (known Cinder bugs)."""

from __future__ import annotations

from fakecloud.profiles.provenance import Backport, Change, Switch

SWITCHES = (
    Switch(
        "cinder_snapshot_delete_double_release",
        "bug: two deletes of one Cinder snapshot accepted while it is deleting (a DELETE "
        "and an admin os-force_delete, or two force deletes) release its quota twice: "
        "API.delete_snapshot adds its status condition only when not forcing, and the "
        "manager's delete_snapshot, serialized by a lock, does not look at the snapshot "
        "again (cinder/volume/api.py and cinder/volume/manager.py, read in cinder 12.0.10 "
        "and 29.0.0: present in every series here, no fix released). Off: the second delete "
        "finds the snapshot gone and does nothing.",
        True,
    ),
    Switch(
        "cinder_error_managing_delete_keeps_quota",
        "bug: a volume whose manage failed (error_managing) keeps the 'volumes' 1 its manage "
        "reserved after it is deleted: the API reserves and commits one volume of 0 GiB "
        "(volume/flows/api/manage_existing.py get_flow: QuotaReserveTask, QuotaCommitTask), no "
        "failure path gives it back, and delete_volume skips the quota of an "
        "error_managing_deleting volume (volume/api.py delete, volume/manager.py "
        "delete_volume; read in cinder 12.0.10, 16.4.2, 20.0.0 and 29.0.0: present in every "
        "series here, no fix released). Off: the delete gives it back as any volume's.",
        True,
    ),
    Switch(
        "cinder_backup_parent_any_project",
        "bug: an incremental backup's parent is the volume's latest backup of any project "
        "(API.create's BackupList.get_all_by_volume(context.elevated(), volume_id), cinder "
        "12.0.10 cinder/backup/api.py): an admin's incremental backup of a user's volume "
        "builds on the user's backup. Off: only the caller's project's backups count, and "
        "without one it is 400 'No backups available to do an incremental backup.'",
        True,
        (
            Change(
                "22.0.0",
                "8ebeafcbba",
                "Fix cross-project incremental backups (LP #1869746; Cinder 17.0.0, backports in "
                "Cinder 14.3.0, 15.4.0, 16.2.0)",
                # Cinder's backports were tagged 2020-09-30; the next Nova point releases of
                # those series, 2020-11-09. The Rocky backport (c4de3a8c83) is in no release.
                backports=(
                    Backport("19.3.2", "5983eee1c3"),
                    Backport("20.4.1", "f3cdc27563"),
                    Backport("21.1.1", "5358c996b4"),
                ),
            ),
        ),
    ),
    Switch(
        "cinder_revert_any_size",
        "bug: a volume reverts to its latest snapshot whatever their sizes (VolumeController."
        "revert, cinder 12.0.10 and 13.0.1 cinder/api/v3/volumes.py, has no size check): an "
        "extended volume reverts to its smaller snapshot. Off: 400 'Can't revert volume V to "
        "its latest snapshot S. The volume size must be equal to the snapshot size.'",
        True,
        (
            Change(
                "19.0.0",
                "bfc27c9aba",
                "Forbidden to revert volume to a different size snapshot (LP #1798503; Cinder "
                "14.0.0, backport in Cinder 13.0.2)",
                # Cinder 13.0.2 (8ef380c8ae) was tagged 2018-12-03; the next Nova 18 release,
                # 18.1.0, 2018-12-19 (18.0.3: 2018-11-06). No Queens backport.
                backports=(Backport("18.1.0", "8ef380c8ae"),),
            ),
        ),
    ),
    Switch(
        "rbd_snapshot_busy_with_clones",
        "an RBD snapshot that volumes were cloned from cannot be deleted: RBDDriver."
        "delete_snapshot's unprotect_snap raises ImageBusy, SnapshotIsBusy, and the manager "
        "puts the snapshot back to available (cinder 12.0.10-23.2.0 cinder/volume/drivers/"
        "rbd.py); a cascade delete of its volume ends error_deleting. Off: the driver "
        "flattens each clone (_flatten_children, a copy of the snapshot's data into it), waits "
        "rados_connection_interval and unprotects again, and the snapshot is deleted.",
        True,
        (
            Change(
                "29.0.0",
                "1a675c9aa1",
                "RBD: Flattening of child volumes during deletion (Cinder 24.0.0, backports in "
                "Cinder 22.3.0 and 23.3.0)",
                # Both backports were tagged 2024-10-31: after the last Nova 27 release (27.5.1,
                # 2024-10-15), before Nova 28.3.1 (2025-04-22). f56f9ed6d2 (22.3.0) reaches no
                # Nova release here.
                backports=(Backport("28.3.1", "ab92378c47"),),
            ),
        ),
    ),
    Switch(
        "cinder_attachment_host_name",
        "who sees an attachment's host_name in a volume's view (_get_attachments, cinder "
        "12.0.10 cinder/api/v2/views/volumes.py): 'all' (everyone, the attachments key after "
        "updated_at), 'admin' (others see null; the key after multiattach) or "
        "'admin_or_service' (admins and the service role, as Glance's cinder store asks).",
        "all",
        (
            Change(
                "22.0.0",
                "8bf454b0b5",
                "Don't show host_name to non-admins (LP #1740950; Cinder 17.0.0, no backport)",
                "admin",
            ),
            Change(
                "33.0.0",
                "abfb2c6061",
                "Show volume attachment host information for services (Cinder 28.0.0)",
                "admin_or_service",
                # Its backport f53d61ef0 is in Cinder 26.3.0 (tagged 2026-07-20), after the last
                # Nova 31 release (31.3.1, 2026-07-01); the 2025.2 one (1d59848eb) in no Cinder
                # release: no Nova release here carries either (override the switch for one).
            ),
        ),
    ),
    Switch(
        "lp1860913",
        "bug: an attached NFS volume's snapshot (made by Nova, _create_snapshot_online) leaves "
        "the attachment's connection_info naming the old file (remotefs.py _create_snapshot, "
        "cinder 12.0.10 to 16.4.0, 17.1.x, 18.0.x): a hard reboot would write under the "
        "snapshot. Off: 'name' is the new qcow2 file.",
        True,
        (
            Change(
                "24.0.0",
                "25eb0a7d76",
                "NFS: Update connection info on online snap create (Cinder 19.0.0, backports in "
                "Cinder 16.4.1, 17.2.0, 18.1.0)",
                # Tags' own dates (the release, not the tagged commit's): Cinder 16.4.1 was
                # tagged 2021-09-23, 17.2.0 2021-09-27, 18.1.0 2021-09-01; the next Nova point
                # releases of those series are 21.2.3, 22.3.0 and 23.1.0, all three tagged
                # 2021-10-07 (the one before each, 21.2.2, 22.2.2, 23.0.2: 2021-07-15). The
                # stable/train backport (3df664636) came after Cinder 15.6.0, the last Train one.
                backports=(
                    Backport("21.2.3", "a5e44127ff"),
                    Backport("22.3.0", "e7c5e7a7f6"),
                    Backport("23.1.0", "d4960fd597"),
                ),
            ),
        ),
    ),
    Switch(
        "lp1989514",
        "bug: an attached NFS volume's snapshot renames the attachment's file (lp1860913 "
        "fixed) but leaves its connection_info 'format' as it was, 'raw' for a volume's first "
        "snapshot (remotefs.py _create_snapshot, cinder 19.0.0 to 23.3.x, 24.2.x, 25.0.x): the "
        "guest, stopped and started, reads the qcow2 overlay as raw. Off: 'format' is 'qcow2' "
        "(and the volume's admin metadata 'format' too).",
        True,
        (
            Change(
                "31.0.0",
                "56abc9d5b9",
                "NFS update volume attachment format during volume snapshot (Cinder 26.0.0, "
                "backports in Cinder 23.4.0, 24.3.0, 25.1.0)",
                # The three backports were tagged 2025-02-24; the next Nova point releases of
                # those series: 28.3.1 (2025-04-22), 29.2.1 (2025-05-05), 30.1.0 (2025-08-25).
                backports=(
                    Backport("28.3.1", "0480073b9a"),
                    Backport("29.2.1", "a54442aef0"),
                    Backport("30.1.0", "9d1a7de850"),
                ),
            ),
        ),
    ),
    Switch(
        "cinder_multiattach_param",
        "a volume create's 'multiattach' parameter makes a multiattach volume whatever its "
        "type (VolumeController.create passes volume.get('multiattach', False), deprecated "
        "since Queens, cinder 12.0.10 to 21.1.x cinder/api/v3/volumes.py): any true value, "
        "even the string 'false'. Off: 400 'multiattach parameter has been removed. ...'.",
        True,
        (
            Change(
                "27.0.0",
                "32f1145b7d",
                "Remove multiatttach request parameter (OSSA-2023-002; Cinder 22.0.0 as "
                "e2c3bcc6e3, backports in Cinder 19.3.0, 20.2.0, 21.2.0)",
                # Tags' own dates: Cinder 20.2.0 and 21.2.0 were tagged 2023-05-02, the next
                # Nova 25 and 26 releases are 25.2.0 and 26.2.0 (2023-05-17; 25.1.1, 26.1.1:
                # 2023-04-27). Cinder 19.3.0 (75d778244d, 2023-04-27) came after the last Nova
                # 24 release (24.2.1, 2023-04-13): no Nova 24 release carries it.
                backports=(
                    Backport("25.2.0", "d4535c7749"),
                    Backport("26.2.0", "a8a4cdcb2e"),
                ),
            ),
        ),
    ),
    Switch(
        "cinder_upload_keeps_reserved_namespaces",
        "a volume uploaded to an image passes its os_glance* and img_signature* image "
        "metadata on in the image's properties (image_utils.filter_out_reserved_namespaces_"
        "metadata, from cinder 20.2.0/21.2.0/22.0.0's c43fb490b2, filters only the top-level "
        "keys, and _merge_volume_image_meta puts them under 'properties'): Glance 22.0.0 on "
        "refuses os_glance*, the upload fails. Off: left out (LP #1945500).",
        True,
        (
            Change(
                "28.0.0",
                "b3d3f31fa3",
                "Fix glance metadata properties filtering (LP #1945500; Cinder 23.0.0, "
                "backports in Cinder 20.3.1, 21.3.1, 22.1.1)",
                # The three backports were tagged 2023-09-14; the next Nova point releases of
                # those series: 25.3.0 (2023-12-14; 25.2.1: 2023-09-07), 26.2.1 (2024-01-19)
                # and 27.2.0 (2023-12-14). Nova 24's last release (24.2.1) has no Cinder 19 one.
                backports=(
                    Backport("25.3.0", "f99ad21b5b"),
                    Backport("26.2.1", "7dad93bff1"),
                    Backport("27.2.0", "f542dd07b0"),
                ),
            ),
        ),
    ),
    Switch(
        "cinder_attachment_update_conflict_500",
        "an attachment update of an error volume, or a second connector on a volume that is "
        "not multiattach, is API.attachment_update's InvalidVolume, which AttachmentsController"
        ".update answers as a 500 'Unable to update attachment.(...).', and an Invalid such as "
        "a connector the driver refuses likewise (cinder 12.0.10 to 26.1.x cinder/api/v3/"
        "attachments.py). Off: the conflicts are 409 ResourceConflict, an Invalid its own 400, "
        "other errors 500 'Unable to update attachment (...).'.",
        True,
        (
            Change(
                "32.0.0",
                "67ac0fca89",
                "Respond with HTTP 409 on resource conflict (Cinder 27.0.0, backports in Cinder "
                "24.5.0, 25.3.0, 26.2.0)",
                # The three backports were tagged 2025-10-23; the next Nova point releases of
                # those series, 29.4.0, 30.2.0 and 31.2.0, 2025-10-27 (29.3.0, 30.1.0, 31.1.0:
                # 2025-08-25).
                backports=(
                    Backport("29.4.0", "ccfcfb7450"),
                    Backport("30.2.0", "749a18e1d9"),
                    Backport("31.2.0", "324204e890"),
                ),
            ),
        ),
    ),
    Switch(
        "lp1886222",
        "bug: an NFS snapshot created without a name fails (remotefs.py _create_snapshot "
        "reads snapshot.display_name.startswith('tmp-snap-') unguarded, cinder 16.1.0 only: "
        "AttributeError, the snapshot error). Off: a nameless snapshot is made as any other.",
        False,
        (
            Change(
                "22.0.0",
                "e52ab1a3ad",
                "Creating image-volume cache on NFS backend fails (LP #1875570; Cinder 17.0.0, "
                "backports in Cinder 14.3.0, 15.4.0, 16.1.0): the check reads display_name",
                # Cinder 16.1.0 was tagged 2020-06-08, the next Nova 21 release is 21.1.0
                # (2020-08-27; 21.0.0: 2020-05-13). 14.3.0's and 15.4.0's backports (14f5a20dad,
                # 193f3e97ce) took the guard with them, and master had it before 17.0.0.
                True,
                backports=(Backport("21.1.0", "f68a64540f"),),
            ),
            Change(
                "22.0.0",
                "11b5c9d97b",
                "Creating snapshot on NFS backend fails (LP #1886222; Cinder 17.0.0, backport "
                "in Cinder 16.2.0)",
                # Cinder 16.2.0 was tagged 2020-09-30, the next Nova 21 release 21.1.1
                # (2020-11-09).
                False,
                backports=(Backport("21.1.1", "f23c7e8f85"),),
            ),
        ),
    ),
    Switch(
        "cinder_default_types_bare_paths",
        "Cinder serves the default types (3.62) at /v3/default-types[/{id}] alone, what "
        "python-cinderclient calls (api/v3/router.py, cinder 17.0.0 to 24.x): "
        "/v3/{project_id}/default-types, openstacksdk's and Tempest's, is the router's 404. "
        "Off: under /v3/{project_id}/ too, as every other path.",
        True,
        (
            Change(
                "30.0.0",
                "9afa19e9c9",
                "Make default-types APIs compatible with V3.67 (Cinder 25.0.0, backports in "
                "Cinder 22.3.0, 23.3.0, 24.2.0)",
                # The three backports were tagged 2024-11-07: the next Nova 28 and 29 releases
                # are 28.3.1 (2025-04-22) and 29.2.1 (2025-05-05); 22.3.0's (48d827b690) came
                # after the last Nova 27 release (27.5.1, 2024-10-24).
                backports=(
                    Backport("28.3.1", "ec37accf62"),
                    Backport("29.2.1", "2bb2f13de3"),
                ),
            ),
        ),
    ),
    Switch(
        "cinder_snapshot_all_tenants_kept",
        "a snapshot list's all_tenants is taken out of the filters only for an admin, who "
        "then lists every project whatever its value (API.get_all_snapshots, cinder 12.0.10 "
        "to 16.1.x volume/api.py); a non-admin's stays a filter no column matches. Off: "
        "popped for everyone and read with bool_from_string (an admin's all_tenants=0 lists "
        "the admin's own; a non-admin's is ignored).",
        True,
        (
            Change(
                "22.0.0",
                "71a080b226",
                "Fix revert to snapshot for non admins (Cinder 17.0.0, backports in Cinder "
                "14.3.1, 15.4.0, 16.2.0)",
                # 15.4.0 and 16.2.0 were tagged 2020-09-30: the next Nova 20 and 21 releases
                # are 20.4.1 and 21.1.1 (2020-11-09; 20.4.0: 2020-08-28, 21.1.0: 2020-08-27);
                # 14.3.1 (ca0ebb6c92, 2020-11-11) came after Nova 19's last (19.3.2, 11-09).
                backports=(
                    Backport("20.4.1", "54433cb8c0"),
                    Backport("21.1.1", "d51dc099a3"),
                ),
            ),
        ),
    ),
    Switch(
        "cinder_default_type_guard_by_name",
        "Cinder's volume_types.destroy guards the name __DEFAULT__ alone (VolumeTypeDefault, "
        "which no controller catches: a 500; cinder 15.0.0 to 15.3.x, 16.0.x-16.1.x), and "
        "get_default_volume_type answers {} when the configured default is gone: a volume "
        "created without a type has none. Off: the configured default type is a 400 to delete "
        "(VolumeTypeDefaultDeletionError) and a missing one is "
        "VolumeTypeDefaultMisconfiguredError, a 500 to a create or a type delete.",
        True,
        (
            Change(
                "22.0.0",
                "e5d842eb1b",
                "Modify default/delete volume type logic (Cinder 17.0.0, backports in Cinder "
                "15.4.0, 16.2.0)",
                # Both backports were tagged 2020-09-30: the next Nova 20 and 21 releases are
                # 20.4.1 and 21.1.1 (2020-11-09; 20.4.0, 21.1.0: 2020-08-28, 2020-08-27).
                backports=(
                    Backport("20.4.1", "e62ac18085"),
                    Backport("21.1.1", "b46f5becda"),
                ),
            ),
        ),
    ),
    Switch(
        "lp1879578",
        "bug: a volume asked without a type gets the default type in Cinder's controller "
        "(api/v3/volumes.py create: get_default_volume_type, cinder 15.0.0 to 15.3.x, "
        "16.0.x-16.1.x), so the create flow never takes the type of the source volume, "
        "snapshot or image (cinder_img_volume_type): a volume from a snapshot or a clone is "
        "__DEFAULT__, or 400 'Invalid volume_type provided: ... (requested type is not "
        "compatible; ...)' when the source's type is on another backend. Off: the flow takes "
        "the source's type, and a source type the caller cannot see is its 404.",
        False,
        (
            Change(
                "20.0.0",
                "a550ade303",
                "Untyped to Default Volume Type (Cinder 15.0.0)",
            ),
            Change(
                "22.0.0",
                "674c8e7286",
                "Default volume_type set too early (LP #1879578; Cinder 17.0.0, backports in "
                "Cinder 15.4.0, 16.2.0)",
                # Both backports were tagged 2020-09-30: the next Nova 20 and 21 releases are
                # 20.4.1 and 21.1.1 (2020-11-09; 20.4.0, 21.1.0: 2020-08-28, 2020-08-27).
                backports=(
                    Backport("20.4.1", "5122b14658"),
                    Backport("21.1.1", "c1bdb233cf"),
                ),
            ),
        ),
    ),
    Switch(
        "cinder_api_virtual_size_check",
        "Cinder's API checks an image's virtual size against the volume at create and "
        "re-image time (volume_utils.check_image_metadata): a 400 'Image X is unacceptable: "
        "Image virtual size is NGB and doesn't fit in a volume of size MGB.'. Off (cinder "
        "12.0.10 to 20.3.0): only cinder-volume's create flow checks it, the volume goes to "
        "error.",
        False,
        (
            Change(
                "26.0.0",
                "75d5fabff0",
                "Add a check for virtual_size at API layer (Cinder 21.0.0, backport in Cinder "
                "20.3.1)",
                # Cinder 20.3.1 was tagged 2023-09-14: the next Nova 25 release is 25.3.0
                # (2023-12-14; 25.2.1: 2023-09-07).
                backports=(Backport("25.3.0", "626f29a89a"),),
            ),
        ),
    ),
    Switch(
        "cinder_attachment_create_v12_schema",
        "Cinder's attachment create schema (api/schemas/attachments.py, cinder 12.0.10 to "
        "18.0.x) requires instance_uuid and knows no mode, so a 3.54 'mode' is refused by the "
        "schema of the microversion that added it. Off: instance_uuid optional, mode taken.",
        True,
        (
            Change(
                "24.0.0",
                "560318c82e",
                "Fix: Schema validation for attachment create API (Cinder 19.0.0, backports in "
                "Cinder 17.4.0, 18.1.0)",
                # Cinder 18.1.0 was tagged 2021-09-01: the next Nova 23 release is 23.1.0
                # (2021-10-07; 23.0.2: 2021-07-15). 17.4.0 (d7bb194d09, 2022-04-27) came after
                # the last Nova 22 release (22.4.0, 2022-03-10).
                backports=(Backport("23.1.0", "58250aae06"),),
            ),
        ),
    ),
    Switch(
        "cinder_attachment_answers_202",
        "Cinder's attachments API answers an attachment create and its os-complete 202 "
        "(AttachmentsController.create and .complete, @wsgi.response(202), cinder 12.0.0 to "
        "12.0.6 cinder/api/v3/attachments.py). Off (12.0.7 on): the create 200, os-complete "
        "204. Nova's cinderclient takes either.",
        True,
        (
            Change(
                "18.0.0",
                "fa353b2804",
                "Correct attachment create success response code (LP #1747481; Cinder 13.0.0, "
                "backport in Cinder 12.0.7)",
                # Cinder 12.0.7 was tagged 2019-05-09: the next Nova 17 release is 17.0.11
                # (2019-07-10; 17.0.10: 2019-03-24).
                backports=(Backport("17.0.11", "2627b2f63f"),),
            ),
        ),
    ),
    Switch(
        "cinder_type_reread_as_caller",
        "Cinder's ExtractVolumeRequestTask reads a requested volume type again by its id as "
        "the caller (objects.VolumeType.get_by_name_or_id(context, volume_type_id), cinder "
        "12.0.5 to 12.0.10 create_volume.py): a private type a member names is found by name, "
        "then its id is the member's 404. Off (12.0.0 to 12.0.4, and 13.0.0 on, whose "
        "_get_volume_type takes the type as found): the volume is made.",
        False,
        (
            Change(
                "18.0.0",
                "23f26555b3",
                "Handling type's multiattach extra specs in API task flow (Cinder 13.0.0; its "
                "Queens backport reads the type again by id)",
                # Cinder 12.0.5 was tagged 2019-01-29: the next Nova 17 release is 17.0.10
                # (2019-03-24; 17.0.9: 2018-12-19).
                True,
                backports=(Backport("17.0.10", "302e46d0c2"),),
            ),
            Change(
                "18.0.0",
                "23f26555b3",
                "master's form of the same change (Cinder 13.0.0): _get_volume_type returns the "
                "requested type as found",
                False,
            ),
        ),
    ),
    Switch(
        "lp1805762",
        "bug: Cinder's attachment create and update do not look at the volume's status "
        "(API.attachment_create, API.attachment_update, cinder 12.0.6 and 13.0.4 cinder/volume/"
        "api.py): an error volume's attachment is updated and connected (the volume "
        "'attaching'), and its create is refused only by _attachment_reserve's status check. "
        "Off: 'Volume attachments can not be created (updated) if the volume is in an error "
        "state. ...', an InvalidVolume before the reservation (before the connection).",
        True,
        (
            Change(
                "19.0.0",
                "7d7dc2659d",
                "Check Volume Status on attachment create/update (LP #1805762; Cinder 14.0.0, "
                "backports in Cinder 12.0.7, 13.0.5)",
                # Cinder 12.0.7 and 13.0.5 were tagged 2019-05-09: the next Nova 17 release is
                # 17.0.11 (2019-07-10; 17.0.10: 2019-03-24), the next Nova 18 one 18.2.1
                # (2019-06-18; 18.2.0: 2019-03-24).
                backports=(
                    Backport("17.0.11", "38b4e4e3b8"),
                    Backport("18.2.1", "b9a9492bac"),
                ),
            ),
        ),
    ),
    Switch(
        "lp1785050",
        "bug: _attachment_reserve lets a server's attachment through whatever the volume's "
        "status unless the volume has an attachment of another server (override starts True "
        "and only another instance_uuid clears it, cinder 12.0.3 cinder/volume/api.py): a "
        "volume with no attachment at all is reserved in any status, which it keeps (an "
        "'error' one with lp1805762, a 'creating' or 'maintenance' one), while one that has the "
        "same server's and another's is refused. Off: the same server's attachment must be "
        "there (override starts False, any row of the same instance_uuid sets it).",
        True,
        (
            Change(
                "18.0.0",
                "9c0123eb70",
                "Fix _attachment_reserve to not allow attaching an invalid status volume (LP "
                "#1785050; Cinder 13.0.0, backport in Cinder 12.0.4)",
                # Cinder 12.0.4 was tagged 2018-10-09: the next Nova 17 release is 17.0.8
                # (2018-12-19; 17.0.7: 2018-10-08).
                backports=(Backport("17.0.8", "1c06339d6a"),),
            ),
        ),
    ),
    Switch(
        "cinder_multiattach_encrypted_refused",
        "which multiattach a volume create of an encrypted type refuses, 400 'Invalid volume: "
        "Multiattach cannot be used with encrypted volumes.' (ExtractVolumeRequestTask."
        "extract_volume_request, cinder/volume/flows/api/create_volume.py): None (cinder "
        "12.0.0-12.0.1: the volume is made, multiattach and encrypted), 'type' (12.0.2-12.0.4: "
        "the type's multiattach extra spec) or 'type_or_parameter' (12.0.5 on and 13.0.0 on: "
        "the type's, or the deprecated multiattach parameter).",
        None,
        (
            Change(
                "18.0.0",
                "18327971ca",
                "Disallow multiattach for encrypted volumes (LP #1770689; Cinder 13.0.0, "
                "backport in Cinder 12.0.2): the type's extra spec",
                # Cinder 12.0.2 was tagged 2018-06-04 12:30: the next Nova 17 release is 17.0.5
                # (2018-06-04 13:52; 17.0.4: 2018-05-15).
                "type",
                backports=(Backport("17.0.5", "d8d9e1cce7"),),
            ),
            Change(
                "18.0.0",
                "23f26555b3",
                "Handling type's multiattach extra specs in API task flow (Cinder 13.0.0, "
                "backport in Cinder 12.0.5): the parameter counts too",
                # Cinder 12.0.5 was tagged 2019-01-29: the next Nova 17 release is 17.0.10
                # (2019-03-24), as for cinder_type_reread_as_caller.
                "type_or_parameter",
                backports=(Backport("17.0.10", "302e46d0c2"),),
            ),
        ),
    ),
    Switch(
        "cinder_retype_encrypted_multiattach",
        "bug: a retype to a type both encrypted and multiattach is accepted (API.retype, "
        "cinder 12.0.9, 13.0.7, 14.0.1 cinder/volume/api.py, checks the multiattach side "
        "alone). Off: 400 'Invalid input received: Retype requested both encryption and "
        "multi-attach, which is not supported.'",
        True,
        (
            Change(
                "20.0.0",
                "293be4f81b",
                "Don't allow retype to encrypted+multiattach type (Cinder 15.0.0, backports in "
                "Cinder 12.0.10, 13.0.8, 14.0.2)",
                # Cinder 12.0.10 was tagged 2019-10-24, the next Nova 17 release 17.0.13
                # (2019-10-30); 13.0.8 2020-01-06, Nova 18.3.0 (2020-02-25; 18.2.3:
                # 2019-10-10); 14.0.2 2019-10-04 08:51, Nova 19.0.3 five minutes later.
                backports=(
                    Backport("17.0.13", "c0f4374be8"),
                    Backport("18.3.0", "4adaa86f90"),
                    Backport("19.0.3", "f6224a84a1"),
                ),
            ),
        ),
    ),
    Switch(
        "lp1944577",
        "bug: a volume manage takes an encrypted volume type (API.manage_existing, cinder "
        "12.0.10 to 19.1.0 cinder/volume/api.py, keeps no type when none is asked: the row's "
        "create gives it the configured default), though the volume has no key and an "
        "encrypted volume cannot be unmanaged. Off: the API takes get_default_volume_type("
        "context), the project's default, and refuses an encrypted type, 400 'Managing to an "
        "encrypted volume type is not supported.' (InvalidVolumeType given its text)",
        True,
        (
            Change(
                "25.0.0",
                "9c1aa92b95",
                "Prohibit volume manage to an encrypted volume type (LP #1944577; master "
                "8088dc9580 in Cinder 21.0.0, its stable/yoga twin in 20.0.0, backports in "
                "Cinder 18.2.1, 19.1.1)",
                # Cinder 18.2.1 was tagged 2022-11-03: the next Nova 23 release is 23.2.2
                # (2022-11-04; 23.2.1: 2022-06-23). 19.1.1 2022-07-28: Nova 24.2.0
                # (2023-01-26; 24.1.1: 2022-06-23).
                backports=(
                    Backport("23.2.2", "ba947e6d7d"),
                    Backport("24.2.0", "dd12492f32"),
                ),
            ),
        ),
    ),
    Switch(
        "cinder_delete_force_from_3_2",
        "Cinder's volume delete reads its force parameter from microversion 3.2 "
        "(VolumeController.delete's req_version.matches(mv.VOLUME_LIST_BOOTABLE), cinder "
        "12.0.0-12.0.3 cinder/api/v3/volumes.py): an admin's DELETE /volumes/X?force=true at "
        "3.2-3.22 force-deletes. Off: from 3.23 (VOLUME_DELETE_FORCE), below it force is "
        "ignored.",
        True,
        (
            Change(
                "18.0.0",
                "bd0fc76aba",
                "Update microversion for force delete volume parameter (Cinder 13.0.0, backport "
                "in Cinder 12.0.4)",
                # Cinder 12.0.4 was tagged 2018-10-09: the next Nova 17 release is 17.0.8
                # (2018-12-19; 17.0.7: 2018-10-08).
                backports=(Backport("17.0.8", "d402747547"),),
            ),
        ),
    ),
    Switch(
        "lp1790840",
        "bug: a retype reads the new type's multiattach as False whatever its extra specs "
        "(API.retype's volume_types.get_by_name_or_id returns a dict, whose extra_specs "
        "_is_multiattach's getattr() does not find: cinder 12.0.0-12.0.5, 13.0.0-13.0.1 "
        "cinder/volume/api.py): a retype to a multiattach type leaves the volume not "
        "multiattach, and one of a multiattach volume counts as a multiattach change (the volume "
        "must be available) and makes it not multiattach. Off: the type's extra spec.",
        True,
        (
            Change(
                "19.0.0",
                "7f85be4186",
                "Fix multiattach set to false after retype (LP #1790840; Cinder 14.0.0, "
                "backports in Cinder 12.0.6, 13.0.2)",
                # Cinder 12.0.6 was tagged 2019-03-26: the next Nova 17 release is 17.0.11
                # (2019-07-10; 17.0.10: 2019-03-24). 13.0.2 2018-12-03: Nova 18.1.0
                # (2018-12-19; 18.0.3: 2018-11-06).
                backports=(
                    Backport("17.0.11", "2d8f2dc117"),
                    Backport("18.1.0", "f4e3d58869"),
                ),
            ),
        ),
    ),
    Switch(
        "lp1783525",
        "bug: a backup import reserves no quota (API._get_import_backup, cinder 12.0.0-12.0.4 "
        "cinder/backup/api.py): over the backups or backup_gigabytes quota it is taken, the "
        "imported backup counts nowhere, and its delete gives back a backup and its size it "
        "never took; a record without 'size' is taken too (cinder-backup then fails it for the "
        "missing field, and its delete gives nothing back). Off: 400 'Invalid input received: "
        "Provided backup record is missing size attribute', then backups 1 and "
        "backup_gigabytes the record's size reserved (413 over quota) and committed.",
        True,
        (
            Change(
                "18.0.0",
                "4b4fbd35da",
                "Consume quota when importing backup resource (LP #1783525; Cinder 13.0.0, "
                "backport in Cinder 12.0.5)",
                # Cinder 12.0.5 was tagged 2019-01-29: the next Nova 17 release is 17.0.10
                # (2019-03-24; 17.0.9: 2018-12-19).
                backports=(Backport("17.0.10", "acf16280a4"),),
            ),
        ),
    ),
    Switch(
        "lp1965847",
        "bug: an import of a record whose backup exists destroys that backup (API."
        "import_record, cinder 12.0.5 to 18.2.0, 19.1.0, 20.0.0 cinder/backup/api.py: the "
        "'Backup already exists in database.' InvalidBackup is raised inside the try whose "
        "except destroys the backup it found, then rolls back the import's own reservation): "
        "the 400 as before, the live backup gone, its usage still counted; the quota is "
        "reserved before the check. Off: the check first, nothing reserved or destroyed.",
        False,
        (
            Change(
                "18.0.0",
                "4b4fbd35da",
                "Consume quota when importing backup resource (Cinder 13.0.0, backport in "
                "Cinder 12.0.5): the refusal moves into the try",
                # Cinder 12.0.5 was tagged 2019-01-29: the next Nova 17 release is 17.0.10.
                True,
                backports=(Backport("17.0.10", "acf16280a4"),),
            ),
            Change(
                "26.0.0",
                "6386cbb0a0",
                "Don't destroy existing backup by mistake on import (LP #1965847; Cinder "
                "21.0.0, backports in Cinder 18.2.1, 19.1.1, 20.0.1)",
                # Tagged 2022-11-03, 2022-07-28 and 2022-07-07: the next Nova 23, 24 and 25
                # releases are 23.2.2 (2022-11-04), 24.2.0 (2023-01-26) and 25.1.0
                # (2023-01-26; 25.0.1: 2022-06-23). No Victoria backport (Cinder 17.4.0,
                # Victoria's last, imports as 20.0.0 does: read), so Nova 22 keeps the bug.
                False,
                backports=(
                    Backport("23.2.2", "741d0ce546"),
                    Backport("24.2.0", "332aa33404"),
                    Backport("25.1.0", "753c022463"),
                ),
            ),
        ),
    ),
    Switch(
        "cinder_extensions_skip_scheduler_hints",
        "Cinder's GET /extensions lists no OS-SCH-HNT (api/extensions.py FILES_TO_SKIP names "
        "scheduler_hints.py, whose descriptor class the jsonschema work took out: cinder "
        "13.0.0-13.0.6, 14.0.0), and GET /extensions/OS-SCH-HNT is a 404. Off (12.x, and the "
        "descriptor back): listed after os-quota-sets.",
        False,
        (
            Change(
                "18.0.0",
                "48b8973aed",
                "V3 jsonschema validation: Volumes (Cinder 13.0.0): scheduler_hints.py skipped",
                True,
            ),
            Change(
                "20.0.0",
                "9a5bdb308a",
                "Add OS-SCH-HNT in extensions list (Cinder 15.0.0, backports in Cinder 13.0.7, "
                "14.0.1)",
                # Cinder 13.0.7 was tagged 2019-10-04: the next Nova 18 release is 18.2.3
                # (2019-10-10; 18.2.2: 2019-08-12). 14.0.1 2019-07-11: Nova 19.0.2
                # (2019-08-12; 19.0.1: 2019-06-06).
                False,
                backports=(
                    Backport("18.2.3", "a02fa540e8"),
                    Backport("19.0.2", "bd07e5b87a"),
                ),
            ),
        ),
    ),
    Switch(
        "cinder_image_metadata_value_255",
        "Cinder's os-set_image_metadata schema takes a value of 255 characters at most "
        "(api/schemas/volume_image_metadata.py's parameter_types.extra_specs, cinder 13.0.0 to "
        "23.1.x): a longer one is the schema's 400. Off: up to MySQL TEXT's 65535 bytes "
        "(parameter_types.image_metadata, format mysql_text), as Glance's image properties. "
        "Queens' action (no schema) is as fakecloud models it either way.",
        True,
        (
            Change(
                "29.0.0",
                "0bd1bd699d",
                "Increase size of volume image metadata values (Cinder 24.0.0, backports in "
                "Cinder 22.3.0, 23.2.0)",
                # Cinder 23.2.0 was tagged 2024-07-10 15:00: the next Nova 28 release is 28.3.0
                # (2024-08-09; 28.2.0: 2024-07-09). 22.3.0 (80dc87cd89, 2024-11-07) came after
                # the last Nova 27 release (27.5.1, 2024-10-24).
                backports=(Backport("28.3.0", "2fb2ff99b4"),),
            ),
        ),
    ),
    Switch(
        "lp1809323",
        "bug: an incremental backup refused for want of a parent (none, or not available) keeps "
        "its quota reservation (API.create raises InvalidBackup without QUOTAS.rollback, cinder "
        "12.0.10 to 14.2.x cinder/backup/api.py): each refusal leaves 'backups' and "
        "'backup_gigabytes' reserved until the reservation expires. Off: rolled back.",
        True,
        (
            Change(
                "20.0.0",
                "a62fabfa65",
                "Rollback the quota_usages table when failed to create a incremental backup (LP "
                "#1809323; Cinder 15.0.0, backport in Cinder 14.3.0)",
                # Cinder 14.3.0 was tagged 2020-09-30: the next Nova 19 release is 19.3.2
                # (2020-11-09; 19.3.1: 2020-09-07). It replaces INCREMENTAL_ROLLBACK_FROM (14),
                # read in 14.3.x: 14.0.0-14.2.x do not roll back.
                backports=(Backport("19.3.2", "ef07bc9547"),),
            ),
        ),
    ),
    Switch(
        "lp1783790",
        "bug: a managed volume is not multiattach whatever its type (manage_existing.py "
        "EntryCreateTask's volume_properties have no multiattach, cinder 12.0.0-12.0.6, "
        "13.0.0-13.0.4). Off: the type's multiattach extra spec.",
        True,
        (
            Change(
                "19.0.0",
                "fa1b8b399a",
                "Handle multiattach attribute when managing volumes (LP #1783790; Cinder "
                "14.0.0, backports in Cinder 12.0.7, 13.0.5)",
                # Cinder 12.0.7 and 13.0.5 were tagged 2019-05-09: the next Nova 17 release is
                # 17.0.11 (2019-07-10), the next Nova 18 one 18.2.1 (2019-06-18).
                backports=(
                    Backport("17.0.11", "22db1a6f22"),
                    Backport("18.2.1", "721500aa7f"),
                ),
            ),
        ),
    ),
    Switch(
        "cinder_os_attach_drops_readonly",
        "an admin's os-attach of a volume without a 'readonly' admin metadata row leaves it "
        "without one: API.attach adds readonly False through the DB, and the manager's "
        "Volume.begin_attach saves the admin metadata of the volume the API read for the admin "
        "(loaded before that row) with delete=True (cinder 12.0.0-17.2.x volume/api.py and "
        "objects/volume.py): the volume's shown metadata has attached_mode alone. A non-admin's "
        "volume carries no admin metadata, which the manager then loads from the DB. Off: "
        "API.attach writes through the volume object (Volume.admin_metadata_update): readonly "
        "'False' kept beside attached_mode.",
        True,
        (
            Change(
                "23.0.0",
                "779b0249fa",
                "Fix old attach method (Cinder 18.0.0, backport in Cinder 17.3.0)",
                # Cinder 17.3.0 was tagged 2022-03-07: the next Nova 22 release is 22.4.0
                # (2022-03-10; 22.3.0: 2021-10-07). No earlier backport.
                backports=(Backport("22.4.0", "2aa799bbfb"),),
            ),
        ),
    ),
    Switch(
        "lp1798798",
        "bug: a metadata key holding a '/' is refused by every schema built from parameter_"
        "types.extra_specs (its key pattern '^[a-zA-Z0-9-_:. ]{1,255}$', cinder 12.0.0-12.0.10 "
        "and 13.0.0 cinder/api/validation/parameter_types.py): the volume, snapshot, volume "
        "manage and snapshot manage create bodies' metadata, a volume update's, the volume "
        "metadata routes, a backup's metadata, a group type's group_specs, QoS specs, a volume "
        "type's extra_specs at create and os-set_image_metadata, each where that release has a "
        'schema: the schema\'s 400 "... does not match any of the regexes". Off: '
        "'^[a-zA-Z0-9-_:. /]{1,255}$'.",
        True,
        (
            Change(
                "19.0.0",
                "534fa38f4c",
                "Allow using forward slashes in metadata (LP #1798798; Cinder 14.0.0, backport "
                "in Cinder 13.0.1)",
                # Cinder 13.0.1 was tagged 2018-10-24: the next Nova 18 release is 18.0.3
                # (2018-11-06; 18.0.2: 2018-10-08). No Queens backport (12.0.10 refuses).
                backports=(Backport("18.0.3", "d59b432ddd"),),
            ),
        ),
    ),
    Switch(
        "lp1860100",
        "bug: a volume transfer list's name filter is no filter Cinder knows (the transfer's "
        "column is display_name; cinder 13.0.0 to 15.0.x api/contrib and api/v3 "
        "volume_transfer.py pass it as it is, and a key no column has lists nothing). Off: "
        "name is display_name (display_name itself still works). Queens filters nothing.",
        True,
        (
            Change(
                "21.0.0",
                "41b0eb2351",
                "Support volume transfer `name` filters (LP #1860100; Cinder 16.0.0, backport in "
                "Cinder 15.1.0)",
                # Cinder 15.1.0 was tagged 2020-04-03: the next Nova 20 release is 20.2.0
                # (2020-04-23; 20.1.1: 2020-02-10).
                backports=(Backport("20.2.0", "205bed13fc"),),
            ),
        ),
    ),
)
