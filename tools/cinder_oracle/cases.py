"""The requests the cinder oracle sends to real Cinder (run_cinder.py) and to fakecloud
(run_fakecloud.py), and the one driver both use, so the two see the same requests in the same
order: `play(send, settle)`.

A case is ``(name, method, path, microversion, body, user)``: `path` is formatted with the ids
the setup made (``{pid}`` the member's project, ``{vid}`` an available 1 GiB volume with a
snapshot ``{sid}``, ``{avid}`` one attached through the attachments API (``{aid}``), ``{evid}``
one reset to ``error``, ``{tid}`` a volume type); `body` is a dict (sent as JSON), bytes (sent
raw) or None; `microversion` is the ``volume X.Y`` value of ``OpenStack-API-Version`` (None: no
header); `user` is member, admin, reader, other (a member of another project), service (the
member's request with Nova's service token) or svcrole (a member whose own token holds the
``service`` role, with no service token).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

SERVER = "11111111-2222-4333-8444-555555555555"
MISSING = "deadbeef-0000-4000-8000-000000000000"
#: The server the Cinder side's stub Nova holds the "held" volume for (`HELD_CASES`).
HELD_SERVER = "22222222-3333-4444-8555-666666666666"
CONNECTOR = {
    "host": "oracle-host",
    "initiator": "iqn.1993-08.org.debian:01:oracle",
    "ip": "10.0.0.9",
}

V = "/v3/{pid}/volumes"
S = "/v3/{pid}/snapshots"
VID = V + "/{vid}"
ACT = VID + "/action"
AACT = V + "/{avid}/action"

CASES: list[tuple[str, str, str, str | None, Any, str]] = [
    # -- create: sizes and sources ------------------------------------------------------
    ("create size 0", "POST", V, "3.0", {"volume": {"size": 0}}, "member"),
    ("create size -1", "POST", V, "3.0", {"volume": {"size": -1}}, "member"),
    ("create size abc", "POST", V, "3.0", {"volume": {"size": "abc"}}, "member"),
    ("create size 1.5", "POST", V, "3.0", {"volume": {"size": 1.5}}, "member"),
    ("create size string 2", "POST", V, "3.0", {"volume": {"size": "2"}}, "member"),
    ("create no size", "POST", V, "3.0", {"volume": {"name": "n"}}, "member"),
    ("create empty body", "POST", V, "3.0", {}, "member"),
    ("create body not a dict", "POST", V, "3.0", {"volume": "x"}, "member"),
    ("create bad json", "POST", V, "3.0", b"{not json", "member"),
    ("create unknown key", "POST", V, "3.0", {"volume": {"size": 1, "frob": 1}}, "member"),
    ("create over quota", "POST", V, "3.0", {"volume": {"size": 5000}}, "member"),
    ("create missing snapshot", "POST", V, "3.0", {"volume": {"snapshot_id": MISSING}}, "member"),
    ("create bad snapshot id", "POST", V, "3.0", {"volume": {"snapshot_id": "nope"}}, "member"),
    ("create from snapshot", "POST", V, "3.0", {"volume": {"snapshot_id": "{sid}"}}, "member"),
    (
        "create from snapshot smaller",
        "POST",
        V,
        "3.0",
        {"volume": {"snapshot_id": "{sid}", "size": 0}},
        "member",
    ),
    ("create missing source", "POST", V, "3.0", {"volume": {"source_volid": MISSING}}, "member"),
    ("create from source", "POST", V, "3.0", {"volume": {"source_volid": "{vid}"}}, "member"),
    (
        "create from source smaller",
        "POST",
        V,
        "3.0",
        {"volume": {"source_volid": "{vid}", "size": 0}},
        "member",
    ),
    (
        "create missing image",
        "POST",
        V,
        "3.0",
        {"volume": {"size": 1, "imageRef": MISSING}},
        "member",
    ),
    (
        "create missing type",
        "POST",
        V,
        "3.0",
        {"volume": {"size": 1, "volume_type": "nope"}},
        "member",
    ),
    (
        "create bad az",
        "POST",
        V,
        "3.0",
        {"volume": {"size": 1, "availability_zone": "mars"}},
        "member",
    ),
    (
        "create name too long",
        "POST",
        V,
        "3.0",
        {"volume": {"size": 1, "name": "x" * 256}},
        "member",
    ),
    (
        "create bad metadata",
        "POST",
        V,
        "3.0",
        {"volume": {"size": 1, "metadata": {"a": 1}}},
        "member",
    ),
    # -- show, list, filters, sort, pagination ------------------------------------------
    ("show", "GET", VID, "3.0", None, "member"),
    ("show 3.64", "GET", VID, "3.64", None, "member"),
    ("show missing", "GET", V + "/" + MISSING, "3.0", None, "member"),
    ("show bad id", "GET", V + "/nope", "3.0", None, "member"),
    ("show other project", "GET", VID, "3.0", None, "other"),
    ("show admin", "GET", VID, "3.0", None, "admin"),
    ("show reader", "GET", VID, "3.0", None, "reader"),
    ("list", "GET", V, "3.0", None, "member"),
    ("list detail", "GET", V + "/detail", "3.0", None, "member"),
    ("list limit 1", "GET", V + "?limit=1", "3.0", None, "member"),
    ("list limit -1", "GET", V + "?limit=-1", "3.0", None, "member"),
    ("list limit abc", "GET", V + "?limit=abc", "3.0", None, "member"),
    ("list marker missing", "GET", V + "?marker=" + MISSING, "3.0", None, "member"),
    ("list marker vid", "GET", V + "?marker={vid}", "3.0", None, "member"),
    ("list sort name", "GET", V + "?sort=name:asc", "3.0", None, "member"),
    ("list sort bad dir", "GET", V + "?sort=name:up", "3.0", None, "member"),
    ("list sort_key bad", "GET", V + "?sort_key=frob", "3.0", None, "member"),
    ("list sort_dir bad", "GET", V + "?sort_key=size&sort_dir=up", "3.0", None, "member"),
    ("list status available", "GET", V + "?status=available", "3.0", None, "member"),
    ("list name v1", "GET", V + "/detail?name=v1", "3.0", None, "member"),
    ("list unknown filter", "GET", V + "?frob=1", "3.0", None, "member"),
    ("list unknown filter 3.34", "GET", V + "?frob=1", "3.34", None, "member"),
    ("list name like 3.34", "GET", V + "?name~=v", "3.34", None, "member"),
    ("list all_tenants member", "GET", V + "/detail?all_tenants=1", "3.0", None, "member"),
    ("list with_count 3.45", "GET", V + "?with_count=true", "3.45", None, "member"),
    ("list with_count 3.44", "GET", V + "?with_count=true", "3.44", None, "member"),
    ("summary 3.12", "GET", V + "/summary", "3.12", None, "member"),
    ("summary 3.11", "GET", V + "/summary", "3.11", None, "member"),
    # -- update ---------------------------------------------------------------------------
    ("update name", "PUT", VID, "3.0", {"volume": {"name": "v1"}}, "member"),
    ("update size", "PUT", VID, "3.0", {"volume": {"size": 5}}, "member"),
    ("update empty", "PUT", VID, "3.0", {"volume": {}}, "member"),
    ("update no body", "PUT", VID, "3.0", {}, "member"),
    ("update missing", "PUT", V + "/" + MISSING, "3.0", {"volume": {"name": "x"}}, "member"),
    ("update reader", "PUT", VID, "3.0", {"volume": {"name": "x"}}, "reader"),
    # -- metadata -------------------------------------------------------------------------
    ("metadata create", "POST", VID + "/metadata", "3.0", {"metadata": {"a": "b"}}, "member"),
    ("metadata show all", "GET", VID + "/metadata", "3.0", None, "member"),
    ("metadata show key", "GET", VID + "/metadata/a", "3.0", None, "member"),
    ("metadata show missing key", "GET", VID + "/metadata/zz", "3.0", None, "member"),
    ("metadata put key", "PUT", VID + "/metadata/a", "3.0", {"meta": {"a": "c"}}, "member"),
    (
        "metadata put key mismatch",
        "PUT",
        VID + "/metadata/a",
        "3.0",
        {"meta": {"b": "c"}},
        "member",
    ),
    (
        "metadata put two keys",
        "PUT",
        VID + "/metadata/a",
        "3.0",
        {"meta": {"a": "c", "b": "d"}},
        "member",
    ),
    ("metadata non-string", "POST", VID + "/metadata", "3.0", {"metadata": {"a": 1}}, "member"),
    (
        "metadata key too long",
        "POST",
        VID + "/metadata",
        "3.0",
        {"metadata": {"k" * 256: "v"}},
        "member",
    ),
    ("metadata no body", "POST", VID + "/metadata", "3.0", {}, "member"),
    ("metadata replace", "PUT", VID + "/metadata", "3.0", {"metadata": {"x": "y"}}, "member"),
    ("metadata delete missing", "DELETE", VID + "/metadata/zz", "3.0", None, "member"),
    ("metadata delete", "DELETE", VID + "/metadata/x", "3.0", None, "member"),
    # -- extend -------------------------------------------------------------------------
    ("extend not larger", "POST", ACT, "3.0", {"os-extend": {"new_size": 1}}, "member"),
    ("extend bad size", "POST", ACT, "3.0", {"os-extend": {"new_size": "x"}}, "member"),
    ("extend no new_size", "POST", ACT, "3.0", {"os-extend": {}}, "member"),
    ("extend in-use 3.41", "POST", AACT, "3.41", {"os-extend": {"new_size": 2}}, "member"),
    ("extend over quota", "POST", ACT, "3.0", {"os-extend": {"new_size": 5000}}, "member"),
    ("extend", "POST", ACT, "3.0", {"os-extend": {"new_size": 2}}, "member"),
    (
        "extend error volume",
        "POST",
        V + "/{evid}/action",
        "3.0",
        {"os-extend": {"new_size": 3}},
        "member",
    ),
    # -- actions ------------------------------------------------------------------------
    ("unknown action", "POST", ACT, "3.0", {"os-frobnicate": {}}, "member"),
    ("action bad json", "POST", ACT, "3.0", b"{", "member"),
    ("action empty body", "POST", ACT, "3.0", {}, "member"),
    ("reset_status member", "POST", ACT, "3.0", {"os-reset_status": {"status": "error"}}, "member"),
    ("reset_status bad", "POST", ACT, "3.0", {"os-reset_status": {"status": "frob"}}, "admin"),
    (
        "readonly flag bad",
        "POST",
        ACT,
        "3.0",
        {"os-update_readonly_flag": {"readonly": "x"}},
        "member",
    ),
    ("set bootable bad", "POST", ACT, "3.0", {"os-set_bootable": {"bootable": "x"}}, "member"),
    ("set bootable", "POST", ACT, "3.0", {"os-set_bootable": {"bootable": True}}, "member"),
    ("upload no name", "POST", ACT, "3.0", {"os-volume_upload_image": {}}, "member"),
    (
        "upload bad disk_format",
        "POST",
        ACT,
        "3.0",
        {"os-volume_upload_image": {"image_name": "i", "disk_format": "frob"}},
        "member",
    ),
    (
        "upload in-use no force",
        "POST",
        AACT,
        "3.0",
        {"os-volume_upload_image": {"image_name": "i"}},
        "member",
    ),
    (
        "upload visibility 3.0",
        "POST",
        ACT,
        "3.0",
        {"os-volume_upload_image": {"image_name": "i", "visibility": "public"}},
        "member",
    ),
    # -- snapshots ------------------------------------------------------------------------
    ("snapshot no volume_id", "POST", S, "3.0", {"snapshot": {"name": "s"}}, "member"),
    ("snapshot missing volume", "POST", S, "3.0", {"snapshot": {"volume_id": MISSING}}, "member"),
    ("snapshot in-use 3.0", "POST", S, "3.0", {"snapshot": {"volume_id": "{avid}"}}, "member"),
    (
        "snapshot in-use force bad",
        "POST",
        S,
        "3.0",
        {"snapshot": {"volume_id": "{avid}", "force": "frob"}},
        "member",
    ),
    (
        "snapshot in-use force false 3.66",
        "POST",
        S,
        "3.66",
        {"snapshot": {"volume_id": "{avid}", "force": False}},
        "member",
    ),
    (
        "snapshot in-use force bad 3.66",
        "POST",
        S,
        "3.66",
        {"snapshot": {"volume_id": "{avid}", "force": "frob"}},
        "member",
    ),
    ("snapshot error volume", "POST", S, "3.0", {"snapshot": {"volume_id": "{evid}"}}, "member"),
    ("snapshot show", "GET", S + "/{sid}", "3.0", None, "member"),
    ("snapshot show missing", "GET", S + "/" + MISSING, "3.0", None, "member"),
    ("snapshot list", "GET", S, "3.0", None, "member"),
    ("snapshot list limit bad", "GET", S + "?limit=x", "3.0", None, "member"),
    ("snapshot update bad", "PUT", S + "/{sid}", "3.0", {"snapshot": {"size": 3}}, "member"),
    ("snapshot delete missing", "DELETE", S + "/" + MISSING, "3.0", None, "member"),
    # -- volume types ---------------------------------------------------------------------
    ("types list", "GET", "/v3/{pid}/types", "3.0", None, "member"),
    ("type show", "GET", "/v3/{pid}/types/{tid}", "3.0", None, "member"),
    ("type show missing", "GET", "/v3/{pid}/types/" + MISSING, "3.0", None, "member"),
    (
        "type create member",
        "POST",
        "/v3/{pid}/types",
        "3.0",
        {"volume_type": {"name": "t"}},
        "member",
    ),
    (
        "type create dup",
        "POST",
        "/v3/{pid}/types",
        "3.0",
        {"volume_type": {"name": "gold"}},
        "admin",
    ),
    ("type create no name", "POST", "/v3/{pid}/types", "3.0", {"volume_type": {}}, "admin"),
    ("type extra_specs", "GET", "/v3/{pid}/types/{tid}/extra_specs", "3.0", None, "admin"),
    (
        "type extra_specs bad",
        "POST",
        "/v3/{pid}/types/{tid}/extra_specs",
        "3.0",
        {"extra_specs": {"a": 1}},
        "admin",
    ),
    # -- quotas ---------------------------------------------------------------------------
    ("quota show", "GET", "/v3/{pid}/os-quota-sets/{pid}", "3.0", None, "member"),
    ("quota usage", "GET", "/v3/{pid}/os-quota-sets/{pid}?usage=true", "3.0", None, "member"),
    ("quota defaults", "GET", "/v3/{pid}/os-quota-sets/{pid}/defaults", "3.0", None, "member"),
    (
        "quota update member",
        "PUT",
        "/v3/{pid}/os-quota-sets/{pid}",
        "3.0",
        {"quota_set": {"volumes": 5}},
        "member",
    ),
    (
        "quota update bad",
        "PUT",
        "/v3/{pid}/os-quota-sets/{pid}",
        "3.0",
        {"quota_set": {"volumes": "x"}},
        "admin",
    ),
    (
        "quota update unknown",
        "PUT",
        "/v3/{pid}/os-quota-sets/{pid}",
        "3.0",
        {"quota_set": {"frob": 1}},
        "admin",
    ),
    (
        "quota update below usage",
        "PUT",
        "/v3/{pid}/os-quota-sets/{pid}",
        "3.0",
        {"quota_set": {"gigabytes": 1}},
        "admin",
    ),
    # -- attachments ----------------------------------------------------------------------
    ("attachments 3.26", "GET", "/v3/{pid}/attachments", "3.26", None, "member"),
    ("attachments list", "GET", "/v3/{pid}/attachments", "3.27", None, "member"),
    ("attachments detail", "GET", "/v3/{pid}/attachments/detail", "3.27", None, "member"),
    ("attachment show", "GET", "/v3/{pid}/attachments/{aid}", "3.27", None, "member"),
    ("attachment show missing", "GET", "/v3/{pid}/attachments/" + MISSING, "3.27", None, "member"),
    (
        "attachment create missing volume",
        "POST",
        "/v3/{pid}/attachments",
        "3.27",
        {"attachment": {"volume_uuid": MISSING, "instance_uuid": SERVER}},
        "member",
    ),
    (
        "attachment create no instance",
        "POST",
        "/v3/{pid}/attachments",
        "3.27",
        {"attachment": {"volume_uuid": "{vid}"}},
        "member",
    ),
    (
        "attachment create bad mode",
        "POST",
        "/v3/{pid}/attachments",
        "3.54",
        {"attachment": {"volume_uuid": "{vid}", "instance_uuid": SERVER, "mode": "frob"}},
        "member",
    ),
    (
        "attachment create in-use",
        "POST",
        "/v3/{pid}/attachments",
        "3.27",
        {"attachment": {"volume_uuid": "{avid}", "instance_uuid": MISSING}},
        "member",
    ),
    (
        "attachment delete missing",
        "DELETE",
        "/v3/{pid}/attachments/" + MISSING,
        "3.27",
        None,
        "member",
    ),
    # -- microversions --------------------------------------------------------------------
    ("mv 3.999", "GET", V, "3.999", None, "member"),
    ("mv 2.0", "GET", V, "2.0", None, "member"),
    ("mv abc", "GET", V, "abc", None, "member"),
    ("mv latest", "GET", V, "latest", None, "member"),
    ("mv none", "GET", V, None, None, "member"),
    # malformed ``volume`` entries: split in two on white space (a ValueError's 500 when not
    # two words), the second read as MajorNum.MinorNum (400), the first entry naming volume
    ("mv q-value", "GET", V, "2.1 ; q=1", None, "member"),
    ("mv 3.0 q-value", "GET", V, "3.0 ; q=1", None, "member"),
    ("mv three words", "GET", V, "3.0 3.1", None, "member"),
    ("mv empty", "GET", V, "", None, "member"),
    ("mv major only", "GET", V, "3", None, "member"),
    ("mv 3.00", "GET", V, "3.00", None, "member"),
    ("mv LATEST", "GET", V, "LATEST", None, "member"),
    ("mv two entries", "GET", V, "3.0, volume 3.5", None, "member"),
    ("mv q-value second", "GET", V, "3.0,volume 2.1 ; q=1", None, "member"),
    ("mv q-value post", "POST", V, "2.1 ; q=1", {"volume": {"size": 1}}, "member"),
    # -- more volume and snapshot edges -------------------------------------------------
    ("create size null", "POST", V, "3.0", {"volume": {"size": None}}, "member"),
    ("create size true", "POST", V, "3.0", {"volume": {"size": True}}, "member"),
    (
        "create multiattach bad",
        "POST",
        V,
        "3.0",
        {"volume": {"size": 1, "multiattach": "x"}},
        "member",
    ),
    (
        "create type by id",
        "POST",
        V,
        "3.0",
        {"volume": {"size": 1, "volume_type": "{tid}"}},
        "member",
    ),
    ("create reader", "POST", V, "3.0", {"volume": {"size": 1}}, "reader"),
    (
        "create description too long",
        "POST",
        V,
        "3.0",
        {"volume": {"size": 1, "description": "d" * 256}},
        "member",
    ),
    (
        "create az nova",
        "POST",
        V,
        "3.0",
        {"volume": {"size": 1, "availability_zone": "nova"}},
        "member",
    ),
    ("create other snapshot", "POST", V, "3.0", {"volume": {"snapshot_id": "{sid}"}}, "other"),
    ("list offset", "GET", V + "?offset=1&limit=1", "3.0", None, "member"),
    ("list offset bad", "GET", V + "?offset=x", "3.0", None, "member"),
    ("list limit 0", "GET", V + "?limit=0", "3.0", None, "member"),
    ("list sort two", "GET", V + "/detail?sort=size:desc,name", "3.0", None, "member"),
    ("list metadata filter", "GET", V + "?metadata={'a':'c'}", "3.0", None, "member"),
    ("list bootable filter", "GET", V + "?bootable=true", "3.0", None, "member"),
    ("list admin all_tenants", "GET", V + "?all_tenants=1", "3.0", None, "admin"),
    ("list reader", "GET", V, "3.0", None, "reader"),
    ("list other", "GET", V, "3.0", None, "other"),
    (
        "snapshot in-use force 3.0",
        "POST",
        S,
        "3.0",
        {"snapshot": {"volume_id": "{avid}", "force": True}},
        "member",
    ),
    ("snapshot in-use 3.66", "POST", S, "3.66", {"snapshot": {"volume_id": "{avid}"}}, "member"),
    (
        "snapshot in-use force 3.66",
        "POST",
        S,
        "3.66",
        {"snapshot": {"volume_id": "{avid}", "force": True}},
        "member",
    ),
    (
        "snapshot in-use force 3.71",
        "POST",
        S,
        "3.71",
        {"snapshot": {"volume_id": "{avid}", "force": True}},
        "member",
    ),
    ("snapshot reader", "POST", S, "3.0", {"snapshot": {"volume_id": "{vid}"}}, "reader"),
    (
        "snapshot name too long",
        "POST",
        S,
        "3.0",
        {"snapshot": {"volume_id": "{vid}", "name": "n" * 256}},
        "member",
    ),
    (
        "snapshot metadata bad",
        "POST",
        S,
        "3.0",
        {"snapshot": {"volume_id": "{vid}", "metadata": {"a": 1}}},
        "member",
    ),
    ("snapshot list detail", "GET", S + "/detail", "3.0", None, "member"),
    ("snapshot list sort 3.30", "GET", S + "?sort=name:asc", "3.30", None, "member"),
    ("snapshot update", "PUT", S + "/{sid}", "3.0", {"snapshot": {"name": "s2"}}, "member"),
    ("snapshot metadata", "POST", S + "/{sid}/metadata", "3.0", {"metadata": {"k": "v"}}, "member"),
    (
        "snapshot reset member",
        "POST",
        S + "/{sid}/action",
        "3.0",
        {"os-reset_status": {"status": "error"}},
        "member",
    ),
    ("snapshot unknown action", "POST", S + "/{sid}/action", "3.0", {"os-frob": {}}, "member"),
    ("retype missing type", "POST", ACT, "3.0", {"os-retype": {"new_type": "nope"}}, "member"),
    ("retype same type", "POST", ACT, "3.0", {"os-retype": {"new_type": "__DEFAULT__"}}, "member"),
    ("retype no body", "POST", ACT, "3.0", {"os-retype": {}}, "member"),
    ("extend in-use 3.42", "POST", AACT, "3.42", {"os-extend": {"new_size": 2}}, "member"),
    ("detach no attachment", "POST", ACT, "3.0", {"os-detach": {}}, "member"),
    ("reserve attached", "POST", AACT, "3.0", {"os-reserve": None}, "member"),
    ("begin_detaching available", "POST", ACT, "3.0", {"os-begin_detaching": None}, "member"),
    ("force_delete member", "POST", ACT, "3.0", {"os-force_delete": None}, "member"),
    ("migrate member", "POST", ACT, "3.0", {"os-migrate_volume": {"host": "x"}}, "member"),
    (
        "upload image",
        "POST",
        ACT,
        "3.0",
        {"os-volume_upload_image": {"image_name": "img"}},
        "member",
    ),
    (
        "upload in-use force",
        "POST",
        AACT,
        "3.0",
        {"os-volume_upload_image": {"image_name": "i", "force": True}},
        "member",
    ),
    (
        "quota show other project",
        "GET",
        "/v3/{pid}/os-quota-sets/" + MISSING.replace("-", ""),
        "3.0",
        None,
        "member",
    ),
    (
        "quota update admin",
        "PUT",
        "/v3/{pid}/os-quota-sets/{pid}",
        "3.0",
        {"quota_set": {"snapshots": 20}},
        "admin",
    ),
    (
        "quota update -2",
        "PUT",
        "/v3/{pid}/os-quota-sets/{pid}",
        "3.0",
        {"quota_set": {"volumes": -2}},
        "admin",
    ),
    ("limits", "GET", "/v3/{pid}/limits", "3.0", None, "member"),
    (
        "type update admin",
        "PUT",
        "/v3/{pid}/types/{tid}",
        "3.0",
        {"volume_type": {"description": "d"}},
        "admin",
    ),
    (
        "type create admin",
        "POST",
        "/v3/{pid}/types",
        "3.0",
        {"volume_type": {"name": "silver"}},
        "admin",
    ),
    ("type show admin", "GET", "/v3/{pid}/types/{tid}", "3.0", None, "admin"),
    ("type delete member", "DELETE", "/v3/{pid}/types/{tid}", "3.0", None, "member"),
    (
        "type access list public",
        "GET",
        "/v3/{pid}/types/{tid}/os-volume-type-access",
        "3.0",
        None,
        "admin",
    ),
    (
        "attachment update no connector",
        "PUT",
        "/v3/{pid}/attachments/{aid}",
        "3.27",
        {"attachment": {}},
        "member",
    ),
    (
        "attachment complete 3.43",
        "POST",
        "/v3/{pid}/attachments/{aid}/action",
        "3.43",
        {"os-complete": None},
        "member",
    ),
    ("attachment other", "GET", "/v3/{pid}/attachments/{aid}", "3.27", None, "other"),
    ("messages 3.3", "GET", "/v3/{pid}/messages", "3.3", None, "member"),
    ("not json content-type", "POST", V, "3.0", b"size=1", "member"),
    ("unknown path", "GET", "/v3/{pid}/frobs", "3.0", None, "member"),
    ("wrong project in url", "GET", "/v3/" + "ab" * 16 + "/volumes", "3.0", None, "member"),
    # -- delete in each state (last: they change the world) ---------------------------------
    ("delete cascade 3.0", "DELETE", V + "/{cvid}?cascade=true", "3.0", None, "member"),
    ("delete force reader", "DELETE", VID + "?force=true", "3.23", None, "reader"),
    ("delete attached", "DELETE", V + "/{avid}", "3.0", None, "member"),
    ("delete with snapshots", "DELETE", VID, "3.0", None, "member"),
    ("delete missing", "DELETE", V + "/" + MISSING, "3.0", None, "member"),
    ("delete other project", "DELETE", VID, "3.0", None, "other"),
    ("delete error", "DELETE", V + "/{evid}", "3.0", None, "member"),
    ("delete error again", "DELETE", V + "/{evid}", "3.0", None, "member"),
    ("delete bad cascade", "DELETE", VID + "?cascade=frob", "3.0", None, "member"),
    ("snapshot delete", "DELETE", S + "/{sid}", "3.0", None, "member"),
    ("delete vid", "DELETE", VID, "3.0", None, "member"),
]

MACT = V + "/{mvid}/action"
_MIG = "os-migrate_volume"

#: os-migrate_volume as each persona, its body checks per microversion, the service and
#: volume refusals, then a scheduler refusal (a pool that is not there) and a locked migration
#: of the "mover" volume to its own backend without the pool (the fixture's fake driver
#: reports no ``location_info``: a host-assisted copy, as fakecloud's).
MIGRATION_CASES: list[tuple[str, str, str, str | None, Any, str]] = [
    ("migrate member bad body", "POST", ACT, "3.0", {_MIG: {}}, "member"),
    ("migrate member 3.16", "POST", ACT, "3.16", {_MIG: {"cluster": "c"}}, "member"),
    ("migrate reader", "POST", ACT, "3.0", {_MIG: {"host": "x"}}, "reader"),
    ("migrate other project", "POST", ACT, "3.0", {_MIG: {"host": "x"}}, "other"),
    (
        "migrate member missing",
        "POST",
        V + "/" + MISSING + "/action",
        "3.0",
        {_MIG: {"host": "x"}},
        "member",
    ),
    (
        "migrate admin missing",
        "POST",
        V + "/" + MISSING + "/action",
        "3.0",
        {_MIG: {"host": "x"}},
        "admin",
    ),
    ("migrate admin no host", "POST", ACT, "3.0", {_MIG: {}}, "admin"),
    ("migrate admin host null", "POST", ACT, "3.0", {_MIG: {"host": None}}, "admin"),
    ("migrate admin host int", "POST", ACT, "3.0", {_MIG: {"host": 1}}, "admin"),
    ("migrate admin not a dict", "POST", ACT, "3.0", {_MIG: "x"}, "admin"),
    ("migrate admin unknown key", "POST", ACT, "3.0", {_MIG: {"host": "x", "frob": 1}}, "admin"),
    (
        "migrate admin bad force",
        "POST",
        ACT,
        "3.0",
        {_MIG: {"host": "x", "force_host_copy": "frob"}},
        "admin",
    ),
    (
        "migrate admin bad lock",
        "POST",
        ACT,
        "3.0",
        {_MIG: {"host": "x", "lock_volume": 2}},
        "admin",
    ),
    ("migrate admin host too long", "POST", ACT, "3.0", {_MIG: {"host": "x" * 256}}, "admin"),
    ("migrate admin empty host", "POST", ACT, "3.0", {_MIG: {"host": ""}}, "admin"),
    (
        "migrate admin cluster 3.15",
        "POST",
        ACT,
        "3.15",
        {_MIG: {"host": "x", "cluster": "c"}},
        "admin",
    ),
    ("migrate admin none 3.16", "POST", ACT, "3.16", {_MIG: {}}, "admin"),
    (
        "migrate admin both 3.16",
        "POST",
        ACT,
        "3.16",
        {_MIG: {"host": "x", "cluster": "c"}},
        "admin",
    ),
    ("migrate admin cluster 3.16", "POST", ACT, "3.16", {_MIG: {"cluster": "c"}}, "admin"),
    (
        "migrate admin host null cluster",
        "POST",
        ACT,
        "3.16",
        {_MIG: {"host": None, "cluster": "c"}},
        "admin",
    ),
    (
        "migrate admin empty cluster",
        "POST",
        ACT,
        "3.16",
        {_MIG: {"host": "x", "cluster": ""}},
        "admin",
    ),
    (
        "migrate admin unknown host",
        "POST",
        ACT,
        "3.0",
        {_MIG: {"host": "nohost@nobackend"}},
        "admin",
    ),
    ("migrate admin with snapshots", "POST", ACT, "3.0", {_MIG: {"host": "{vhost}"}}, "admin"),
    (
        "migrate admin error volume",
        "POST",
        V + "/{evid}/action",
        "3.0",
        {_MIG: {"host": "{vhost}"}},
        "admin",
    ),
    ("migrate admin same host", "POST", MACT, "3.0", {_MIG: {"host": "{vfullhost}"}}, "admin"),
    (
        "migrate admin no such pool",
        "POST",
        MACT,
        "3.0",
        {_MIG: {"host": "{vhost}#nopool"}},
        "admin",
    ),
    ("mover after no pool", "GET", V + "/{mvid}", "3.0", None, "admin"),
    (
        "migrate admin lock",
        "POST",
        MACT,
        "3.0",
        {_MIG: {"host": "{vhost}", "lock_volume": True}},
        "admin",
    ),
    ("mover after lock", "GET", V + "/{mvid}", "3.0", None, "admin"),
    ("mover after lock member", "GET", V + "/{mvid}", "3.0", None, "member"),
    (
        "migrate_volume_completion admin",
        "POST",
        MACT,
        "3.0",
        {"os-migrate_volume_completion": {"new_volume": "{fvid}"}},
        "admin",
    ),
    (
        "migrate_volume_completion bad",
        "POST",
        MACT,
        "3.0",
        {"os-migrate_volume_completion": {"new_volume": "x"}},
        "admin",
    ),
    (
        "migrate_volume_completion missing new",
        "POST",
        MACT,
        "3.0",
        {"os-migrate_volume_completion": {"new_volume": MISSING}},
        "admin",
    ),
    (
        "migrate_volume_completion member",
        "POST",
        MACT,
        "3.0",
        {"os-migrate_volume_completion": {"new_volume": MISSING}},
        "member",
    ),
]

FA = "/v3/{pid}/attachments"
FS = S + "/{fsid}/action"
_USS = "os-update_snapshot_status"
#: What Nova's snapshot flow calls on Cinder, in its order, on the "flow" volume: an attachment
#: reserved (3.27), given a connector, completed (3.44); a snapshot of the in-use volume with
#: force; the snapshot's status updates (Nova's assisted snapshots), an admin's reset and force
#: delete; the attachment deleted; quota usage and limits as each persona.
FLOW_CASES: list[tuple[str, str, str, str | None, Any, str]] = [
    (
        "flow quota room",
        "PUT",
        "/v3/{pid}/os-quota-sets/{pid}",
        "3.44",
        {"quota_set": {"gigabytes": 1000, "volumes": 50}},
        "admin",
    ),
    (
        "flow attachment reserve",
        "POST",
        FA,
        "3.27",
        {"attachment": {"volume_uuid": "{fvid}", "instance_uuid": SERVER}},
        "member",
    ),
    ("flow volume reserved", "GET", V + "/{fvid}", "3.27", None, "member"),
    ("flow attachment show reserved", "GET", FA + "/{faid}", "3.27", None, "member"),
    (
        "flow attachment update",
        "PUT",
        FA + "/{faid}",
        "3.27",
        {"attachment": {"connector": CONNECTOR}},
        "member",
    ),
    ("flow volume attaching", "GET", V + "/{fvid}", "3.27", None, "member"),
    (
        "flow attachment complete 3.44",
        "POST",
        FA + "/{faid}/action",
        "3.44",
        {"os-complete": None},
        "member",
    ),
    ("flow attachment show", "GET", FA + "/{faid}", "3.44", None, "member"),
    ("flow attachments by volume", "GET", FA + "?volume_id={fvid}", "3.44", None, "member"),
    ("flow volume in-use", "GET", V + "/{fvid}", "3.44", None, "member"),
    ("flow snapshot no force", "POST", S, "3.44", {"snapshot": {"volume_id": "{fvid}"}}, "member"),
    (
        "flow snapshot force",
        "POST",
        S,
        "3.44",
        {"snapshot": {"volume_id": "{fvid}", "force": True, "name": "nova-snap"}},
        "member",
    ),
    ("flow snapshot show", "GET", S + "/{fsid}", "3.44", None, "member"),
    ("flow uss available", "POST", FS, "3.44", {_USS: {"status": "available"}}, "member"),
    ("flow uss bad status", "POST", FS, "3.44", {_USS: {"status": "frob"}}, "member"),
    ("flow uss no status", "POST", FS, "3.44", {_USS: {"progress": "50%"}}, "member"),
    (
        "flow uss bad progress",
        "POST",
        FS,
        "3.44",
        {_USS: {"status": "error", "progress": 5}},
        "member",
    ),
    ("flow uss reader", "POST", FS, "3.44", {_USS: {"status": "error"}}, "reader"),
    ("flow uss other", "POST", FS, "3.44", {_USS: {"status": "error"}}, "other"),
    (
        "flow snapshot reset member",
        "POST",
        FS,
        "3.44",
        {"os-reset_status": {"status": "creating"}},
        "member",
    ),
    (
        "flow snapshot reset bad",
        "POST",
        FS,
        "3.44",
        {"os-reset_status": {"status": "frob"}},
        "admin",
    ),
    ("flow snapshot reset no status", "POST", FS, "3.44", {"os-reset_status": {}}, "admin"),
    (
        "flow snapshot reset creating",
        "POST",
        FS,
        "3.44",
        {"os-reset_status": {"status": "creating"}},
        "admin",
    ),
    ("flow snapshot creating", "GET", S + "/{fsid}", "3.44", None, "member"),
    (
        "flow uss progress",
        "POST",
        FS,
        "3.44",
        {_USS: {"status": "creating", "progress": "90%"}},
        "member",
    ),
    ("flow snapshot progress", "GET", S + "/{fsid}", "3.44", None, "admin"),
    (
        "flow uss done",
        "POST",
        FS,
        "3.44",
        {_USS: {"status": "available", "progress": "100%"}},
        "member",
    ),
    ("flow snapshot done", "GET", S + "/{fsid}", "3.44", None, "member"),
    ("flow snapshot force_delete member", "POST", FS, "3.44", {"os-force_delete": {}}, "member"),
    (
        "flow snapshot force_delete missing",
        "POST",
        S + "/" + MISSING + "/action",
        "3.44",
        {"os-force_delete": {}},
        "admin",
    ),
    ("flow snapshot force_delete", "POST", FS, "3.44", {"os-force_delete": {}}, "admin"),
    ("flow snapshot gone", "GET", S + "/{fsid}", "3.44", None, "member"),
    ("flow attachment delete", "DELETE", FA + "/{faid}", "3.44", None, "member"),
    ("flow attachment delete again", "DELETE", FA + "/{faid}", "3.44", None, "member"),
    ("flow volume detached", "GET", V + "/{fvid}", "3.44", None, "member"),
    (
        "flow quota usage admin",
        "GET",
        "/v3/{pid}/os-quota-sets/{pid}?usage=true",
        "3.44",
        None,
        "admin",
    ),
    (
        "flow quota usage reader",
        "GET",
        "/v3/{pid}/os-quota-sets/{pid}?usage=true",
        "3.44",
        None,
        "reader",
    ),
    (
        "flow quota usage false",
        "GET",
        "/v3/{pid}/os-quota-sets/{pid}?usage=false",
        "3.44",
        None,
        "member",
    ),
    (
        "flow quota usage frob",
        "GET",
        "/v3/{pid}/os-quota-sets/{pid}?usage=frob",
        "3.44",
        None,
        "member",
    ),
    ("flow limits 3.44", "GET", "/v3/{pid}/limits", "3.44", None, "member"),
    ("flow limits admin", "GET", "/v3/{pid}/limits", "3.44", None, "admin"),
    ("flow limits reader", "GET", "/v3/{pid}/limits", "3.44", None, "reader"),
]

HA = FA + "/{haid}"
HACT = V + "/{hvid}/action"
_COMPLETE = {"os-complete": None}
_TC = "os-terminate_connection"
_DETACH_HELD = {"os-detach": {"attachment_id": "{haid}"}}
#: An attachment Nova holds: a server ``{hsid}`` whose mapping of the volume ``{hvid}`` has the
#: attachment ``{haid}`` (made by `play`'s `hold` before the first of these). A user's delete is
#: refused from Cinder 23.0.0 (``attachment_deletion_allowed`` asks Nova, bug #2004555), by the
#: attachments API and the legacy actions alike; completing it again is allowed; an extend
#: sends Nova ``volume-extended`` for the server (2.51), which Nova accepts.
HELD_CASES: list[tuple[str, str, str, str | None, Any, str]] = [
    ("held attachment show", "GET", HA, "3.44", None, "member"),
    ("held attachment complete 3.27", "POST", HA + "/action", "3.27", _COMPLETE, "member"),
    ("held attachment complete member", "POST", HA + "/action", "3.44", _COMPLETE, "member"),
    ("held attachment complete admin", "POST", HA + "/action", "3.44", _COMPLETE, "admin"),
    ("held attachment complete reader", "POST", HA + "/action", "3.44", _COMPLETE, "reader"),
    ("held attachment delete member 3.27", "DELETE", HA, "3.27", None, "member"),
    ("held attachment delete member", "DELETE", HA, "3.44", None, "member"),
    ("held attachment delete admin 3.27", "DELETE", HA, "3.27", None, "admin"),
    ("held attachment delete admin", "DELETE", HA, "3.44", None, "admin"),
    ("held attachment delete reader", "DELETE", HA, "3.44", None, "reader"),
    ("held attachment delete other", "DELETE", HA, "3.44", None, "other"),
    ("held detach member", "POST", HACT, "3.0", _DETACH_HELD, "member"),
    ("held detach admin", "POST", HACT, "3.0", _DETACH_HELD, "admin"),
    ("held detach no id", "POST", HACT, "3.0", {"os-detach": {}}, "member"),
    (
        "held terminate_connection",
        "POST",
        HACT,
        "3.0",
        {"os-terminate_connection": {"connector": CONNECTOR}},
        "member",
    ),
    ("held attachment still", "GET", HA, "3.44", None, "member"),
    ("held volume still", "GET", V + "/{hvid}", "3.44", None, "member"),
    ("held extend 3.42", "POST", HACT, "3.42", {"os-extend": {"new_size": 2}}, "member"),
    ("held volume extended", "GET", V + "/{hvid}", "3.44", None, "member"),
    ("held messages", "GET", "/v3/{pid}/messages", "3.3", None, "member"),
    # session 27: the check reads the service token's roles, never the caller's own (a user
    # holding ``service``), and os-force_detach goes through it (an admin alone: 409)
    ("held attachment delete svcrole", "DELETE", HA, "3.44", None, "svcrole"),
    ("held detach svcrole", "POST", HACT, "3.0", _DETACH_HELD, "svcrole"),
    ("held force_detach admin", "POST", HACT, "3.0", {"os-force_detach": {}}, "admin"),
    ("held attachment delete service", "DELETE", HA, "3.44", None, "service"),
    ("held volume after service delete", "GET", V + "/{hvid}", "3.44", None, "member"),
    ("terminate_connection no connector", "POST", ACT, "3.0", {_TC: {}}, "member"),
    ("terminate_connection bad", "POST", ACT, "3.0", {_TC: {"connector": 1}}, "member"),
    ("terminate_connection", "POST", ACT, "3.0", {_TC: {"connector": CONNECTOR}}, "member"),
    ("terminate_connection reader", "POST", ACT, "3.0", {_TC: {"connector": {}}}, "reader"),
]

SV = V + "/{spvid}"
SACT = SV + "/action"
SPS = S + "/{spsid}"
SPA = FA + "/{spaid}"
_IC = "os-initialize_connection"
_RESET = "os-reset_status"
_OVER = {"snapshot": {"volume_id": "{spvid}"}}
_QUOTA = "/v3/{pid}/os-quota-sets/{pid}"


def _snap(mv: str, force: Any, user: str = "member") -> tuple:
    """A snapshot of the "sp" volume at `mv` with `force` (left out when ``...``)."""
    body = {"volume_id": "{spvid}"} if force is ... else {"volume_id": "{spvid}", "force": force}
    return ("POST", S, mv, {"snapshot": body}, user)


def _reset(snapshot: str, status: str) -> tuple:
    """An admin's ``os-reset_status`` of `snapshot` (a path) to `status`."""
    return ("POST", snapshot + "/action", "3.0", {_RESET: {"status": status}}, "admin")


def _from(snapshot: str, **more: Any) -> tuple:
    """A member's volume made from `snapshot` (an id template), with `more` in the body."""
    return ("POST", V, "3.0", {"volume": {"snapshot_id": snapshot, **more}}, "member")


#: The legacy connection action, then what the snapshot path does to Cinder (session 25), on a
#: volume "sp" of their own (last, after the deletes: the earlier answers' counts stay): a
#: snapshot with metadata and its metadata API; volumes from it; a snapshot stuck ``creating``
#: (an admin's ``os-reset_status``), ``error_deleting`` and ``error``, deleted in each; an
#: admin's ``os-force_delete``; the ``snapshots`` and ``gigabytes`` quotas exceeded; the
#: attachments API at 3.27, 3.44 and 3.54 and snapshots of the volume attaching and in use,
#: ``force`` per microversion.
SNAPSHOT_PATH_CASES: list[tuple[str, str, str, str | None, Any, str]] = [
    ("sp volume", "POST", V, "3.0", {"volume": {"size": 1, "name": "sp"}}, "member"),
    ("init_connection", "POST", SACT, "3.0", {_IC: {"connector": CONNECTOR}}, "member"),
    ("init_connection no connector", "POST", SACT, "3.0", {_IC: {}}, "member"),
    ("init_connection connector int", "POST", SACT, "3.0", {_IC: {"connector": 1}}, "member"),
    ("init_connection connector string", "POST", SACT, "3.0", {_IC: {"connector": "x"}}, "member"),
    (
        "init_connection no initiator",
        "POST",
        SACT,
        "3.0",
        {_IC: {"connector": {"host": "h"}}},
        "member",
    ),
    ("init_connection extra key", "POST", SACT, "3.0", {_IC: {"connector": {}, "x": 1}}, "member"),
    ("init_connection null", "POST", SACT, "3.0", {_IC: None}, "member"),
    ("init_connection reader", "POST", SACT, "3.0", {_IC: {"connector": CONNECTOR}}, "reader"),
    ("init_connection other", "POST", SACT, "3.0", {_IC: {"connector": CONNECTOR}}, "other"),
    (
        "init_connection missing volume",
        "POST",
        V + "/" + MISSING + "/action",
        "3.0",
        {_IC: {"connector": CONNECTOR}},
        "member",
    ),
    ("init_connection volume after", "GET", SV, "3.0", None, "member"),
    (
        "sp snapshot",
        "POST",
        S,
        "3.0",
        {"snapshot": {"volume_id": "{spvid}", "name": "sps", "metadata": {"a": "b"}}},
        "member",
    ),
    ("sp snapshot metadata show", "GET", SPS + "/metadata", "3.0", None, "member"),
    ("sp snapshot metadata key", "GET", SPS + "/metadata/a", "3.0", None, "member"),
    ("sp snapshot metadata missing key", "GET", SPS + "/metadata/zz", "3.0", None, "member"),
    (
        "sp snapshot metadata put key",
        "PUT",
        SPS + "/metadata/a",
        "3.0",
        {"meta": {"a": "c"}},
        "member",
    ),
    (
        "sp snapshot metadata put mismatch",
        "PUT",
        SPS + "/metadata/a",
        "3.0",
        {"meta": {"b": "c"}},
        "member",
    ),
    (
        "sp snapshot metadata put two",
        "PUT",
        SPS + "/metadata/a",
        "3.0",
        {"meta": {"a": "c", "b": "d"}},
        "member",
    ),
    (
        "sp snapshot metadata add",
        "POST",
        SPS + "/metadata",
        "3.0",
        {"metadata": {"k": "v"}},
        "member",
    ),
    (
        "sp snapshot metadata replace",
        "PUT",
        SPS + "/metadata",
        "3.0",
        {"metadata": {"x": "y"}},
        "member",
    ),
    (
        "sp snapshot metadata non-string",
        "POST",
        SPS + "/metadata",
        "3.0",
        {"metadata": {"a": 1}},
        "member",
    ),
    ("sp snapshot metadata no body", "POST", SPS + "/metadata", "3.0", {}, "member"),
    ("sp snapshot metadata delete missing", "DELETE", SPS + "/metadata/zz", "3.0", None, "member"),
    ("sp snapshot metadata delete", "DELETE", SPS + "/metadata/x", "3.0", None, "member"),
    (
        "sp snapshot metadata reader",
        "POST",
        SPS + "/metadata",
        "3.0",
        {"metadata": {"r": "1"}},
        "reader",
    ),
    ("sp snapshot metadata other", "GET", SPS + "/metadata", "3.0", None, "other"),
    (
        "sp snapshot metadata missing snapshot",
        "GET",
        S + "/" + MISSING + "/metadata",
        "3.0",
        None,
        "member",
    ),
    ("sp snapshot metadata after", "GET", SPS + "/metadata", "3.0", None, "member"),
    ("sp snapshot show", "GET", SPS, "3.0", None, "member"),
    ("sp from snapshot larger", *_from("{spsid}", size=2)),
    ("sp from snapshot other type", *_from("{spsid}", volume_type="{tid}")),
    ("sp snapshot reset creating", *_reset(SPS, "creating")),
    ("sp snapshot delete creating", "DELETE", SPS, "3.0", None, "member"),
    ("sp from snapshot creating", *_from("{spsid}")),
    ("sp volume delete snapshot creating", "DELETE", SV + "?cascade=true", "3.0", None, "member"),
    ("sp snapshot reset error_deleting", *_reset(SPS, "error_deleting")),
    ("sp snapshot delete error_deleting", "DELETE", SPS, "3.0", None, "member"),
    ("sp snapshot reset error", *_reset(SPS, "error")),
    ("sp snapshot show error", "GET", SPS, "3.0", None, "member"),
    ("sp from snapshot error", *_from("{spsid}")),
    ("sp snapshot delete error", "DELETE", SPS, "3.0", None, "member"),
    ("sp snapshot gone", "GET", SPS, "3.0", None, "member"),
    ("sp snapshot reset gone", *_reset(SPS, "error")),
    (
        "sp snapshot 2",
        "POST",
        S,
        "3.0",
        {"snapshot": {"volume_id": "{spvid}", "name": "two"}},
        "member",
    ),
    ("sp snapshot 2 reset creating", *_reset(S + "/{sp2sid}", "creating")),
    (
        "sp snapshot 2 force_delete member",
        "POST",
        S + "/{sp2sid}/action",
        "3.0",
        {"os-force_delete": {}},
        "member",
    ),
    (
        "sp snapshot 2 force_delete",
        "POST",
        S + "/{sp2sid}/action",
        "3.0",
        {"os-force_delete": {}},
        "admin",
    ),
    ("sp snapshot 2 gone", "GET", S + "/{sp2sid}", "3.0", None, "member"),
    (
        "sp snapshot 3",
        "POST",
        S,
        "3.0",
        {"snapshot": {"volume_id": "{spvid}", "name": "three"}},
        "member",
    ),
    ("sp volume force_delete with snapshot", "POST", SACT, "3.0", {"os-force_delete": {}}, "admin"),
    ("sp volume delete with snapshot", "DELETE", SV, "3.0", None, "member"),
    ("sp big volume", "POST", V, "3.0", {"volume": {"size": 100, "name": "big"}}, "member"),
    ("sp quota snapshots 1", "PUT", _QUOTA, "3.0", {"quota_set": {"snapshots": 1}}, "admin"),
    ("sp snapshot over snapshots quota", "POST", S, "3.0", _OVER, "member"),
    (
        "sp quota gigabytes 150",
        "PUT",
        _QUOTA,
        "3.0",
        {"quota_set": {"snapshots": 10, "gigabytes": 150}},
        "admin",
    ),
    (
        "sp snapshot over gigabytes quota",
        "POST",
        S,
        "3.0",
        {"snapshot": {"volume_id": "{bigvid}"}},
        "member",
    ),
    ("sp from snapshot over gigabytes quota", *_from("{sp3sid}", size=100)),
    ("sp quota usage", "GET", _QUOTA + "?usage=true", "3.0", None, "admin"),
    (
        "sp quota restore",
        "PUT",
        _QUOTA,
        "3.0",
        {"quota_set": {"snapshots": 10, "gigabytes": 1000}},
        "admin",
    ),
    ("sp big volume delete", "DELETE", V + "/{bigvid}", "3.0", None, "member"),
    (
        "sp attach 3.27",
        "POST",
        FA,
        "3.27",
        {"attachment": {"volume_uuid": "{spvid}", "instance_uuid": SERVER, "connector": CONNECTOR}},
        "member",
    ),
    ("sp attachment show 3.27", "GET", SPA, "3.27", None, "member"),
    ("sp volume attaching", "GET", SV, "3.27", None, "member"),
    ("sp snapshot attaching force", *_snap("3.0", True)),
    ("sp attachment complete", "POST", SPA + "/action", "3.44", _COMPLETE, "member"),
    ("sp attachment show 3.54", "GET", SPA, "3.54", None, "member"),
    ("sp attachments list 3.54", "GET", FA + "?volume_id={spvid}", "3.54", None, "member"),
    ("sp attachments detail 3.27", "GET", FA + "/detail", "3.27", None, "member"),
    ("sp snapshot in-use force string 3.0", *_snap("3.0", "true")),
    ("sp snapshot in-use force false 3.65", *_snap("3.65", False)),
    ("sp snapshot in-use no force 3.65", *_snap("3.65", ...)),
    ("sp snapshot in-use force null 3.66", *_snap("3.66", None)),
    ("sp snapshot in-use force string 3.66", *_snap("3.66", "true")),
    ("sp snapshot in-use force False string 3.66", *_snap("3.66", "False")),
    ("sp snapshot in-use reader 3.66", *_snap("3.66", ..., "reader")),
    (
        "sp attach second 3.54",
        "POST",
        FA,
        "3.54",
        {"attachment": {"volume_uuid": "{spvid}", "instance_uuid": MISSING, "mode": "ro"}},
        "member",
    ),
    (
        "sp attachment update attached",
        "PUT",
        SPA,
        "3.27",
        {"attachment": {"connector": CONNECTOR}},
        "member",
    ),
    ("sp attachment delete 3.27", "DELETE", SPA, "3.27", None, "member"),
    ("sp volume detached", "GET", SV, "3.27", None, "member"),
    (
        "sp attach ro 3.54",
        "POST",
        FA,
        "3.54",
        {
            "attachment": {
                "volume_uuid": "{spvid}",
                "instance_uuid": SERVER,
                "connector": CONNECTOR,
                "mode": "ro",
            }
        },
        "member",
    ),
    ("sp attachment ro show", "GET", FA + "/{spa2id}", "3.54", None, "member"),
    ("sp volume ro attaching", "GET", SV, "3.54", None, "member"),
    ("sp attachment ro delete", "DELETE", FA + "/{spa2id}", "3.54", None, "member"),
    ("sp snapshot 3 delete", "DELETE", S + "/{sp3sid}", "3.0", None, "member"),
    ("sp volume delete", "DELETE", SV, "3.0", None, "member"),
]
QS = S + "/{sqsid}"
#: Quotas of a volume type of its own (``snapshots_sqt``, ``gigabytes_sqt``) and
#: ``per_volume_gigabytes`` exceeded on the snapshot path, a snapshot reset to ``deleting``
#: (delete 400, an admin's force delete), a reader's delete (after `SNAPSHOT_PATH_CASES`).
TYPE_QUOTA_CASES: list[tuple[str, str, str, str | None, Any, str]] = [
    ("sq type", "POST", "/v3/{pid}/types", "3.0", {"volume_type": {"name": "sqt"}}, "admin"),
    ("sq volume", "POST", V, "3.0", {"volume": {"size": 1, "volume_type": "sqt"}}, "member"),
    ("sq snapshot", "POST", S, "3.0", {"snapshot": {"volume_id": "{sqvid}"}}, "member"),
    (
        "sq quota snapshots_sqt 1",
        "PUT",
        _QUOTA,
        "3.0",
        {"quota_set": {"snapshots_sqt": 1}},
        "admin",
    ),
    (
        "sq snapshot over type quota",
        "POST",
        S,
        "3.0",
        {"snapshot": {"volume_id": "{sqvid}"}},
        "member",
    ),
    (
        "sq quota gigabytes_sqt 2",
        "PUT",
        _QUOTA,
        "3.0",
        {"quota_set": {"snapshots_sqt": -1, "gigabytes_sqt": 2}},
        "admin",
    ),
    (
        "sq snapshot over type gigabytes",
        "POST",
        S,
        "3.0",
        {"snapshot": {"volume_id": "{sqvid}"}},
        "member",
    ),
    ("sq from snapshot over type gigabytes", *_from("{sqsid}")),
    ("sq quota usage", "GET", _QUOTA + "?usage=true", "3.0", None, "admin"),
    (
        "sq quota per_volume_gigabytes 1",
        "PUT",
        _QUOTA,
        "3.0",
        {"quota_set": {"gigabytes_sqt": -1, "per_volume_gigabytes": 1}},
        "admin",
    ),
    ("sq from snapshot over per volume", *_from("{sqsid}", size=2)),
    (
        "sq quota restore",
        "PUT",
        _QUOTA,
        "3.0",
        {"quota_set": {"per_volume_gigabytes": -1}},
        "admin",
    ),
    ("sq snapshot delete reader", "DELETE", QS, "3.0", None, "reader"),
    ("sq snapshot reset deleting", *_reset(QS, "deleting")),
    ("sq snapshot delete deleting", "DELETE", QS, "3.0", None, "member"),
    ("sq snapshot update deleting", "PUT", QS, "3.0", {"snapshot": {"name": "n"}}, "member"),
    (
        "sq snapshot force_delete deleting",
        "POST",
        QS + "/action",
        "3.0",
        {"os-force_delete": {}},
        "admin",
    ),
    ("sq snapshot gone", "GET", QS, "3.0", None, "member"),
    ("sq quota usage after", "GET", _QUOTA + "?usage=true", "3.0", None, "member"),
]
RV = V + "/{rovid}"
RACT = RV + "/action"
_RO_ATTACH = {"volume_uuid": "{rovid}", "instance_uuid": SERVER, "connector": CONNECTOR}

#: A read-only volume's connections (session 26), last: ``access_mode`` as a member's and an
#: admin's context load the admin metadata, the legacy ``os-attach`` refused in ``rw`` and its
#: ``readonly``/``attached_mode`` rows, an attachment create whose connector lacks the
#: initiator (the controller's 500), then one made ``ro``.
READONLY_CASES: list[tuple[str, str, str, str | None, Any, str]] = [
    ("ro volume", "POST", V, "3.0", {"volume": {"size": 1, "name": "ro"}}, "member"),
    ("ro flag", "POST", RACT, "3.0", {"os-update_readonly_flag": {"readonly": True}}, "member"),
    ("ro init member", "POST", RACT, "3.0", {_IC: {"connector": CONNECTOR}}, "member"),
    ("ro init admin", "POST", RACT, "3.0", {_IC: {"connector": CONNECTOR}}, "admin"),
    (
        "ro os-attach rw",
        "POST",
        RACT,
        "3.0",
        {"os-attach": {"instance_uuid": SERVER, "mountpoint": "/dev/vdc", "mode": "rw"}},
        "member",
    ),
    ("ro volume after os-attach", "GET", RV, "3.0", None, "member"),
    (
        "ro attachment no initiator",
        "POST",
        FA,
        "3.44",
        {"attachment": {**_RO_ATTACH, "connector": {"host": "h"}}},
        "member",
    ),
    ("ro attachment", "POST", FA, "3.44", {"attachment": _RO_ATTACH}, "member"),
    ("ro volume attached", "GET", RV, "3.0", None, "admin"),
]
CASES += SNAPSHOT_PATH_CASES + TYPE_QUOTA_CASES

#: Session 26: ``os-reimage``, ``os-extend_volume_completion``, ``os-force_detach`` and
#: ``os-unmanage`` on volumes of their own (the last two end them), after everything else.
_UACT = V + "/{uvid}/action"
_U2ACT = V + "/{uv2id}/action"
_RI = "os-reimage"
_EVC = "os-extend_volume_completion"
_FD = "os-force_detach"
ADMIN_ACTION_CASES: list[tuple[str, str, str, str | None, Any, str]] = [
    ("aa volume", "POST", V, "3.0", {"volume": {"size": 1, "name": "aa"}}, "member"),
    ("aa volume 2", "POST", V, "3.0", {"volume": {"size": 1, "name": "aa2"}}, "member"),
    (
        "aa attach",
        "POST",
        "/v3/{pid}/attachments",
        "3.44",
        {"attachment": {"volume_uuid": "{uv2id}", "instance_uuid": SERVER, "connector": CONNECTOR}},
        "member",
    ),
    (
        "aa complete",
        "POST",
        "/v3/{pid}/attachments/{uaid}/action",
        "3.44",
        {"os-complete": None},
        "member",
    ),
    ("aa reimage 3.67", "POST", _UACT, "3.67", {_RI: {"image_id": MISSING}}, "member"),
    ("aa reimage bad id", "POST", _UACT, "3.68", {_RI: {"image_id": "x"}}, "member"),
    (
        "aa reimage bad reserved",
        "POST",
        _UACT,
        "3.68",
        {_RI: {"image_id": MISSING, "reimage_reserved": "maybe"}},
        "member",
    ),
    ("aa reimage missing image", "POST", _UACT, "3.68", {_RI: {"image_id": MISSING}}, "member"),
    ("aa reimage other", "POST", _UACT, "3.68", {_RI: {"image_id": MISSING}}, "other"),
    ("aa extend completion member", "POST", _UACT, "3.71", {_EVC: {}}, "member"),
    ("aa extend completion admin 3.0", "POST", _UACT, "3.0", {_EVC: {"error": False}}, "admin"),
    ("aa extend completion bad", "POST", _UACT, "3.71", {_EVC: {"error": 1}}, "admin"),
    ("aa force_detach member", "POST", _U2ACT, "3.0", {_FD: {}}, "member"),
    ("aa force_detach extra", "POST", _U2ACT, "3.0", {_FD: {"x": 1}}, "admin"),
    ("aa force_detach string", "POST", _U2ACT, "3.0", {_FD: "x"}, "admin"),
    ("aa unmanage member", "POST", _UACT, "3.0", {"os-unmanage": {}}, "member"),
    ("aa unmanage attached", "POST", _U2ACT, "3.0", {"os-unmanage": {}}, "admin"),
    (
        "aa force_detach",
        "POST",
        _U2ACT,
        "3.0",
        {_FD: {"attachment_id": "{uaid}", "connector": CONNECTOR}},
        "admin",
    ),
    ("aa volume detached", "GET", V + "/{uv2id}", "3.0", None, "member"),
    ("aa unmanage", "POST", _UACT, "3.0", {"os-unmanage": None}, "admin"),
    ("aa volume unmanaged", "GET", V + "/{uvid}", "3.0", None, "member"),
]
CASES += ADMIN_ACTION_CASES + READONLY_CASES

_KACT = V + "/{kvid}/action"
_K2ACT = V + "/{kv2id}/action"
_KA = FA + "/{kaid}"
_K_ATTACH = {"volume_uuid": "{kv2id}", "instance_uuid": SERVER, "connector": CONNECTOR}
#: Session 27: the admin volume actions' states (a volume with a snapshot, one reset to
#: ``extending`` with no admin metadata, force detaches naming no or a missing attachment, a
#: snapshot's own ``os-unmanage``), the readers' policies, and an attachment update whose
#: connector has no ``host``; after everything else, on volumes of their own ("k", "k2").
STATE_CASES: list[tuple[str, str, str, str | None, Any, str]] = [
    ("k volume", "POST", V, "3.0", {"volume": {"size": 1, "name": "k"}}, "member"),
    ("k volume 2", "POST", V, "3.0", {"volume": {"size": 1, "name": "k2"}}, "member"),
    ("k snapshot", "POST", S, "3.0", {"snapshot": {"volume_id": "{kvid}"}}, "member"),
    ("k unmanage with snapshot", "POST", _KACT, "3.0", {"os-unmanage": {}}, "admin"),
    ("k unmanage reader", "POST", _KACT, "3.0", {"os-unmanage": {}}, "reader"),
    ("k force_detach reader", "POST", _KACT, "3.0", {_FD: {}}, "reader"),
    ("k extend completion reader", "POST", _KACT, "3.71", {_EVC: {"error": False}}, "reader"),
    ("k extend completion available", "POST", _KACT, "3.71", {_EVC: {"error": False}}, "admin"),
    ("k reset extending", "POST", _KACT, "3.0", {_RESET: {"status": "extending"}}, "admin"),
    ("k extend completion no metadata", "POST", _KACT, "3.71", {_EVC: {"error": False}}, "admin"),
    ("k extend completion error", "POST", _KACT, "3.71", {_EVC: {"error": True}}, "admin"),
    ("k volume extending", "GET", V + "/{kvid}", "3.0", None, "member"),
    ("k reset available", "POST", _KACT, "3.0", {_RESET: {"status": "available"}}, "admin"),
    ("k force_detach detached", "POST", _KACT, "3.0", {_FD: {}}, "admin"),
    (
        "k force_detach missing attachment",
        "POST",
        _KACT,
        "3.0",
        {_FD: {"attachment_id": MISSING}},
        "admin",
    ),
    ("k volume after force_detach", "GET", V + "/{kvid}", "3.0", None, "member"),
    (
        "k snapshot unmanage member",
        "POST",
        S + "/{ksid}/action",
        "3.0",
        {"os-unmanage": {}},
        "member",
    ),
    ("k snapshot unmanage", "POST", S + "/{ksid}/action", "3.0", {"os-unmanage": {}}, "admin"),
    ("k snapshot unmanaged", "GET", S + "/{ksid}", "3.0", None, "member"),
    ("k attachment", "POST", FA, "3.44", {"attachment": _K_ATTACH}, "member"),
    (
        "k attachment update no host",
        "PUT",
        _KA,
        "3.44",
        {"attachment": {"connector": {"initiator": CONNECTOR["initiator"]}}},
        "member",
    ),
    ("k attachment after update", "GET", _KA, "3.44", None, "member"),
    ("k unmanage attaching", "POST", _K2ACT, "3.0", {"os-unmanage": {}}, "admin"),
    ("k reset error", "POST", _KACT, "3.0", {_RESET: {"status": "error"}}, "admin"),
    ("k unmanage error", "POST", _KACT, "3.0", {"os-unmanage": {}}, "admin"),
    ("k volume unmanaged", "GET", V + "/{kvid}", "3.0", None, "member"),
]
CASES += STATE_CASES

_QACT = V + "/{qvid}/action"
_QC = "/v3/{pid}/os-quota-class-sets/default"
#: Session 28: session 27's surfaces, built from the source and never compared: a type whose
#: extra spec no backend reports (CapabilitiesFilter: the volume in ``error`` with a user
#: message, a retype to it refused), a legacy ``os-attach`` force-detached, the version
#: documents, the quota classes and a project's quota deleted (last: they move the defaults).
CAPABILITY_CASES: list[tuple[str, str, str, str | None, Any, str]] = [
    ("q versions v2", "GET", "/v2/", None, None, "member"),
    ("q versions v3", "GET", "/v3/", None, None, "member"),
    # Session 32: OPTIONS through api-paste.ini's ``cors`` (no allowed_origin): a 2xx as it is,
    # anything else the filter's bare 200 (from 20.0.0 with ``request_id``'s id).
    ("o options root", "OPTIONS", "/", None, None, "member"),
    ("o options v3", "OPTIONS", "/v3/", None, None, "member"),
    ("o options volumes", "OPTIONS", "/v3/{pid}/volumes", None, None, "member"),
    ("o options unknown", "OPTIONS", "/v3/{pid}/nothing-here", None, None, "member"),
    (
        "q type nocap",
        "POST",
        "/v3/{pid}/types",
        "3.0",
        {"volume_type": {"name": "nocap", "extra_specs": {"oracle_nope": "x"}}},
        "admin",
    ),
    ("q volume nocap", "POST", V, "3.0", {"volume": {"size": 1, "volume_type": "nocap"}}, "member"),
    ("q volume nocap after", "GET", V + "/{qnvid}", "3.0", None, "member"),
    ("q messages nocap", "GET", "/v3/{pid}/messages", "3.3", None, "member"),
    ("q volume", "POST", V, "3.0", {"volume": {"size": 1, "name": "q"}}, "member"),
    (
        "q retype nocap",
        "POST",
        _QACT,
        "3.0",
        {"os-retype": {"new_type": "nocap", "migration_policy": "on-demand"}},
        "member",
    ),
    ("q volume after retype", "GET", V + "/{qvid}", "3.0", None, "member"),
    ("q messages retype", "GET", "/v3/{pid}/messages", "3.3", None, "member"),
    ("q reserve", "POST", _QACT, "3.0", {"os-reserve": None}, "member"),
    (
        "q os-attach",
        "POST",
        _QACT,
        "3.0",
        {"os-attach": {"instance_uuid": SERVER, "mountpoint": "/dev/vdc", "mode": "rw"}},
        "member",
    ),
    ("q volume os-attached", "GET", V + "/{qvid}", "3.0", None, "member"),
    ("q force_detach os-attached", "POST", _QACT, "3.0", {_FD: {}}, "admin"),
    ("q volume force-detached", "GET", V + "/{qvid}", "3.0", None, "member"),
    ("q quota class member", "GET", _QC, "3.0", None, "member"),
    ("q quota class", "GET", _QC, "3.0", None, "admin"),
    ("q quota class other", "GET", "/v3/{pid}/os-quota-class-sets/gold", "3.0", None, "admin"),
    (
        "q quota class bad key",
        "PUT",
        _QC,
        "3.0",
        {"quota_class_set": {"frob": 1}},
        "admin",
    ),
    (
        "q quota class bad value",
        "PUT",
        _QC,
        "3.0",
        {"quota_class_set": {"volumes": -2}},
        "admin",
    ),
    ("q quota class no body", "PUT", _QC, "3.0", {"quota_class_set": "x"}, "admin"),
    (
        "q quota class update member",
        "PUT",
        _QC,
        "3.0",
        {"quota_class_set": {"volumes": 30}},
        "member",
    ),
    (
        "q quota class update",
        "PUT",
        _QC,
        "3.0",
        {"quota_class_set": {"volumes": 30, "snapshots": 25}},
        "admin",
    ),
    ("q quota class after", "GET", _QC, "3.0", None, "admin"),
    ("q quota defaults after", "GET", _QUOTA + "/defaults", "3.0", None, "member"),
    ("q quota set", "PUT", _QUOTA, "3.0", {"quota_set": {"backups": 3}}, "admin"),
    ("q quota delete member", "DELETE", _QUOTA, "3.0", None, "member"),
    ("q quota delete", "DELETE", _QUOTA, "3.0", None, "admin"),
    ("q quota after delete", "GET", _QUOTA, "3.0", None, "member"),
    ("q quota delete missing", "DELETE", "/v3/{pid}/os-quota-sets/nope", "3.0", None, "admin"),
]
CASES += CAPABILITY_CASES

_QS = "/v3/{pid}/qos-specs"
_ENC = "/v3/{pid}/types/{etid}/encryption"
_GT = "/v3/{pid}/group_types"
_G = "/v3/{pid}/groups"
_GS = "/v3/{pid}/group_snapshots"
_ENC_BODY = {"provider": "luks", "control_location": "front-end", "cipher": "aes-xts-plain64"}
#: Session 29: session 28's surfaces, built from the source and Tempest and never compared:
#: QoS specs, a type's encryption, os-hosts, the extensions, freeze and thaw, group types and
#: their specs, generic volume groups, a member volume and a group snapshot. Not here: the
#: migration of an attached volume (it asks Nova's swap_volume, which the stub lacks).
GROUP_CASES: list[tuple[str, str, str, str | None, Any, str]] = [
    ("g qos create", "POST", _QS, "3.0",
     {"qos_specs": {"name": "q1", "consumer": "back-end", "read_iops_sec": "100"}}, "admin"),
    ("g qos create dup", "POST", _QS, "3.0", {"qos_specs": {"name": "q1"}}, "admin"),
    ("g qos create bad consumer", "POST", _QS, "3.0",
     {"qos_specs": {"name": "q2", "consumer": "nope"}}, "admin"),
    ("g qos create no name", "POST", _QS, "3.0", {"qos_specs": {"consumer": "both"}}, "admin"),
    ("g qos create member", "POST", _QS, "3.0", {"qos_specs": {"name": "q3"}}, "member"),
    ("g qos list", "GET", _QS, "3.0", None, "admin"),
    ("g qos list member", "GET", _QS, "3.0", None, "member"),
    ("g qos show", "GET", _QS + "/{qosid}", "3.0", None, "admin"),
    ("g qos show missing", "GET", _QS + "/" + MISSING, "3.0", None, "admin"),
    ("g qos set", "PUT", _QS + "/{qosid}", "3.0", {"qos_specs": {"write_iops_sec": "200"}},
     "admin"),
    ("g qos set bad", "PUT", _QS + "/{qosid}", "3.0", {"qos_specs": "x"}, "admin"),
    ("g qos unset", "PUT", _QS + "/{qosid}/delete_keys", "3.0", {"keys": ["read_iops_sec"]},
     "admin"),
    ("g qos unset missing key", "PUT", _QS + "/{qosid}/delete_keys", "3.0", {"keys": ["nope"]},
     "admin"),
    ("g qos associate", "GET", _QS + "/{qosid}/associate?vol_type_id={tid}", "3.0", None,
     "admin"),
    ("g qos associate missing type", "GET", _QS + "/{qosid}/associate?vol_type_id=" + MISSING,
     "3.0", None, "admin"),
    ("g qos associate no type", "GET", _QS + "/{qosid}/associate", "3.0", None, "admin"),
    ("g qos associations", "GET", _QS + "/{qosid}/associations", "3.0", None, "admin"),
    ("g qos delete in use", "DELETE", _QS + "/{qosid}", "3.0", None, "admin"),
    ("g qos disassociate", "GET", _QS + "/{qosid}/disassociate?vol_type_id={tid}", "3.0", None,
     "admin"),
    ("g qos disassociate all", "GET", _QS + "/{qosid}/disassociate_all", "3.0", None, "admin"),
    ("g qos show after", "GET", _QS + "/{qosid}", "3.0", None, "admin"),
    ("g qos delete", "DELETE", _QS + "/{qosid}", "3.0", None, "admin"),
    ("g qos delete again", "DELETE", _QS + "/{qosid}", "3.0", None, "admin"),
    ("g type enc", "POST", "/v3/{pid}/types", "3.0", {"volume_type": {"name": "enc"}}, "admin"),
    ("g enc create", "POST", _ENC, "3.0", {"encryption": {**_ENC_BODY, "key_size": 256}},
     "admin"),
    ("g enc create again", "POST", _ENC, "3.0", {"encryption": _ENC_BODY}, "admin"),
    ("g enc create bad location", "POST", "/v3/{pid}/types/{tid}/encryption", "3.0",
     {"encryption": {"provider": "luks", "control_location": "nope"}}, "admin"),
    ("g enc create no provider", "POST", "/v3/{pid}/types/{tid}/encryption", "3.0",
     {"encryption": {"control_location": "front-end"}}, "admin"),
    ("g enc create member", "POST", "/v3/{pid}/types/{tid}/encryption", "3.0",
     {"encryption": _ENC_BODY}, "member"),
    ("g enc show", "GET", _ENC, "3.0", None, "admin"),
    ("g enc show member", "GET", _ENC, "3.0", None, "member"),
    ("g enc show key", "GET", _ENC + "/provider", "3.0", None, "admin"),
    ("g enc show missing key", "GET", _ENC + "/nope", "3.0", None, "admin"),
    ("g enc show none", "GET", "/v3/{pid}/types/{tid}/encryption", "3.0", None, "admin"),
    ("g enc update", "PUT", _ENC + "/{etid}", "3.0", {"encryption": {"key_size": 512}}, "admin"),
    ("g enc update bad", "PUT", _ENC + "/{etid}", "3.0", {"encryption": {"key_size": "x"}},
     "admin"),
    ("g enc delete", "DELETE", _ENC + "/provider", "3.0", None, "admin"),
    ("g enc delete again", "DELETE", _ENC + "/provider", "3.0", None, "admin"),
    ("g hosts", "GET", "/v3/{pid}/os-hosts", "3.0", None, "admin"),
    ("g hosts member", "GET", "/v3/{pid}/os-hosts", "3.0", None, "member"),
    ("g host show", "GET", "/v3/{pid}/os-hosts/{vhost}", "3.0", None, "admin"),
    ("g host show missing", "GET", "/v3/{pid}/os-hosts/nohost", "3.0", None, "admin"),
    ("g extensions", "GET", "/v3/{pid}/extensions", "3.0", None, "member"),
    ("g freeze member", "PUT", "/v3/{pid}/os-services/freeze", "3.0", {"host": "{vhost}"},
     "member"),
    ("g freeze missing", "PUT", "/v3/{pid}/os-services/freeze", "3.0", {"host": "nohost"},
     "admin"),
    ("g freeze no host", "PUT", "/v3/{pid}/os-services/freeze", "3.0", {}, "admin"),
    ("g freeze", "PUT", "/v3/{pid}/os-services/freeze", "3.0", {"host": "{vhost}"}, "admin"),
    ("g services frozen", "GET", "/v3/{pid}/os-services?binary=cinder-volume", "3.0", None,
     "admin"),
    ("g thaw", "PUT", "/v3/{pid}/os-services/thaw", "3.0", {"host": "{vhost}"}, "admin"),
    ("g group type", "POST", _GT, "3.11", {"group_type": {"name": "gt1"}}, "admin"),
    ("g group type dup", "POST", _GT, "3.11", {"group_type": {"name": "gt1"}}, "admin"),
    ("g group type member", "POST", _GT, "3.11", {"group_type": {"name": "gt2"}}, "member"),
    ("g group type 3.10", "POST", _GT, "3.10", {"group_type": {"name": "gt3"}}, "admin"),
    ("g group types", "GET", _GT, "3.11", None, "admin"),
    ("g group type show", "GET", _GT + "/{gtid}", "3.11", None, "member"),
    ("g group specs set", "POST", _GT + "/{gtid}/group_specs", "3.11",
     {"group_specs": {"k1": "v1", "k2": "v2"}}, "admin"),
    ("g group specs", "GET", _GT + "/{gtid}/group_specs", "3.11", None, "admin"),
    ("g group spec update", "PUT", _GT + "/{gtid}/group_specs/k1", "3.11", {"k1": "v9"}, "admin"),
    ("g group spec update mismatch", "PUT", _GT + "/{gtid}/group_specs/k1", "3.11", {"k2": "v"},
     "admin"),
    ("g group spec delete", "DELETE", _GT + "/{gtid}/group_specs/k2", "3.11", None, "admin"),
    ("g group spec missing", "GET", _GT + "/{gtid}/group_specs/k2", "3.11", None, "admin"),
    ("g group", "POST", _G, "3.13",
     {"group": {"name": "g1", "group_type": "{gtid}", "volume_types": ["{tid}"]}}, "member"),
    ("g group no types", "POST", _G, "3.13",
     {"group": {"name": "g2", "group_type": "{gtid}"}}, "member"),
    ("g group missing type", "POST", _G, "3.13",
     {"group": {"name": "g3", "group_type": MISSING, "volume_types": ["{tid}"]}}, "member"),
    ("g group 3.12", "POST", _G, "3.12",
     {"group": {"name": "g4", "group_type": "{gtid}", "volume_types": ["{tid}"]}}, "member"),
    ("g group show", "GET", _G + "/{gid}", "3.13", None, "member"),
    ("g groups", "GET", _G, "3.13", None, "member"),
    ("g groups detail", "GET", _G + "/detail", "3.13", None, "member"),
    ("g group volume", "POST", V, "3.13",
     {"volume": {"size": 1, "group_id": "{gid}", "volume_type": "{tid}"}}, "member"),
    ("g group volume show", "GET", V + "/{gvid}", "3.13", None, "member"),
    ("g group update", "PUT", _G + "/{gid}", "3.13", {"group": {"name": "g1b"}}, "member"),
    ("g group update empty", "PUT", _G + "/{gid}", "3.13", {"group": {}}, "member"),
    ("g group snapshot", "POST", _GS, "3.14",
     {"group_snapshot": {"group_id": "{gid}", "name": "gs1"}}, "member"),
    ("g group snapshot missing group", "POST", _GS, "3.14",
     {"group_snapshot": {"group_id": MISSING}}, "member"),
    ("g group snapshot show", "GET", _GS + "/{gsid}", "3.14", None, "member"),
    ("g group snapshots", "GET", _GS + "/detail", "3.14", None, "member"),
    ("g group snapshot members", "GET", S + "/detail?group_snapshot_id={gsid}", "3.14", None,
     "member"),
    ("g group delete with snapshot", "POST", _G + "/{gid}/action", "3.13",
     {"delete": {"delete-volumes": True}}, "member"),
    ("g group snapshot delete", "DELETE", _GS + "/{gsid}", "3.14", None, "member"),
    ("g group delete no volumes flag", "POST", _G + "/{gid}/action", "3.13", {"delete": {}},
     "member"),
    ("g group type delete in use", "DELETE", _GT + "/{gtid}", "3.11", None, "admin"),
    ("g group delete", "POST", _G + "/{gid}/action", "3.13",
     {"delete": {"delete-volumes": True}}, "member"),
    ("g group after delete", "GET", _G + "/{gid}", "3.13", None, "member"),
    ("g group volume after delete", "GET", V + "/{gvid}", "3.13", None, "member"),
]  # fmt: skip
CASES += GROUP_CASES

_CG = "/v3/{pid}/consistencygroups"
_CGS = "/v3/{pid}/cgsnapshots"
_GR = _G + "/{grid}/action"
#: Session 30: session 29's surfaces. Consistency groups and cgsnapshots (deprecated, mapped
#: onto generic groups of the default cgsnapshot type), group replication (3.38) on a backend
#: that cannot replicate, and the group list's filters.
CG_CASES: list[tuple[str, str, str, str | None, Any, str]] = [
    ("cg create", "POST", _CG, "3.0",
     {"consistencygroup": {"name": "cg1", "volume_types": "{tid},"}}, "member"),
    ("cg create no types", "POST", _CG, "3.0", {"consistencygroup": {"name": "cg2"}}, "member"),
    ("cg create missing type", "POST", _CG, "3.0",
     {"consistencygroup": {"name": "cg3", "volume_types": MISSING}}, "member"),
    ("cg create bad body", "POST", _CG, "3.0", {"consistencygroup": {"name": 5}}, "member"),
    ("cg show", "GET", _CG + "/{cgid}", "3.0", None, "member"),
    ("cg show missing", "GET", _CG + "/" + MISSING, "3.0", None, "member"),
    ("cg list", "GET", _CG, "3.0", None, "member"),
    ("cg detail", "GET", _CG + "/detail", "3.0", None, "member"),
    ("cg list by name", "GET", _CG + "?name=cg1", "3.0", None, "member"),
    ("cg update", "PUT", _CG + "/{cgid}/update", "3.0",
     {"consistencygroup": {"name": "cg1b", "description": "d"}}, "member"),
    ("cg update empty", "PUT", _CG + "/{cgid}/update", "3.0", {"consistencygroup": {}},
     "member"),
    ("cg update missing", "PUT", _CG + "/" + MISSING + "/update", "3.0",
     {"consistencygroup": {"name": "x"}}, "member"),
    ("cgsnapshot create", "POST", _CGS, "3.0",
     {"cgsnapshot": {"consistencygroup_id": "{cgid}", "name": "cs1"}}, "member"),
    ("cgsnapshot create missing cg", "POST", _CGS, "3.0",
     {"cgsnapshot": {"consistencygroup_id": MISSING}}, "member"),
    ("cgsnapshot create no cg", "POST", _CGS, "3.0", {"cgsnapshot": {"name": "x"}}, "member"),
    ("cgsnapshot show", "GET", _CGS + "/{cgsid}", "3.0", None, "member"),
    ("cgsnapshot show missing", "GET", _CGS + "/" + MISSING, "3.0", None, "member"),
    ("cgsnapshots", "GET", _CGS, "3.0", None, "member"),
    ("cgsnapshots detail", "GET", _CGS + "/detail", "3.0", None, "member"),
    ("cg from src none", "POST", _CG + "/create_from_src", "3.0",
     {"consistencygroup-from-src": {"name": "x"}}, "member"),
    ("cg from src both", "POST", _CG + "/create_from_src", "3.0",
     {"consistencygroup-from-src": {"cgsnapshot_id": "{cgsid}", "source_cgid": "{cgid}"}},
     "member"),
    ("cg from src missing cg", "POST", _CG + "/create_from_src", "3.0",
     {"consistencygroup-from-src": {"source_cgid": MISSING}}, "member"),
    ("cg from src missing snapshot", "POST", _CG + "/create_from_src", "3.0",
     {"consistencygroup-from-src": {"cgsnapshot_id": MISSING}}, "member"),
    ("cg from src cg", "POST", _CG + "/create_from_src", "3.0",
     {"consistencygroup-from-src": {"name": "cg4", "source_cgid": "{cgid}"}}, "member"),
    ("cg delete bad force", "POST", _CG + "/{cgid}/delete", "3.0",
     {"consistencygroup": {"force": "maybe"}}, "member"),
    ("cgsnapshot delete", "DELETE", _CGS + "/{cgsid}", "3.0", None, "member"),
    ("cgsnapshot delete again", "DELETE", _CGS + "/{cgsid}", "3.0", None, "member"),
    ("cg delete", "POST", _CG + "/{cgid}/delete", "3.0", {"consistencygroup": {"force": True}},
     "member"),
    ("cg delete missing", "POST", _CG + "/" + MISSING + "/delete", "3.0",
     {"consistencygroup": {}}, "member"),
    ("cg show after delete", "GET", _CG + "/{cgid}", "3.0", None, "member"),
    ("gr group", "POST", _G, "3.38",
     {"group": {"name": "gr1", "group_type": "{gtid}", "volume_types": ["{tid}"]}}, "member"),
    ("gr enable 3.37", "POST", _GR, "3.37", {"enable_replication": {}}, "member"),
    ("gr enable", "POST", _GR, "3.38", {"enable_replication": {}}, "member"),
    ("gr disable", "POST", _GR, "3.38", {"disable_replication": {}}, "member"),
    ("gr failover", "POST", _GR, "3.38",
     {"failover_replication": {"allow_attached_volume": True}}, "member"),
    ("gr targets", "POST", _GR, "3.38", {"list_replication_targets": {}}, "member"),
    ("gr enable missing", "POST", _G + "/" + MISSING + "/action", "3.38",
     {"enable_replication": {}}, "member"),
    ("gr groups by name", "GET", _G + "?name=gr1", "3.38", None, "member"),
    ("gr groups by type", "GET", _G + "/detail?group_type={gtid}", "3.38", None, "member"),
    ("gr groups unknown filter", "GET", _G + "?nope=1", "3.38", None, "member"),
    ("gr groups bad sort", "GET", _G + "?sort=nope", "3.38", None, "member"),
    ("gr groups limit", "GET", _G + "?limit=1", "3.38", None, "member"),
    ("gr group delete", "POST", _GR, "3.38", {"delete": {"delete-volumes": True}}, "member"),
]  # fmt: skip
CASES += CG_CASES

_SV = "/v3/{pid}/os-services"
_SCHED = {"host": "{shost}", "binary": "cinder-scheduler"}
#: Session 32: os-services enable, disable and disable-log-reason and what the list shows
#: after each (28.0.0 on: enable and disable save the row unchanged), on the scheduler's
#: service (which places work whatever its own row says, so later cases are not moved).
SERVICE_CASES: list[tuple[str, str, str, str | None, Any, str]] = [
    # before the scheduler's host is an id: fakecloud's, "cinder", is in the 404's words
    ("sv disable missing", "PUT", _SV + "/disable", "3.0",
     {"host": "nohost", "binary": "cinder-scheduler"}, "admin"),
    ("sv scheduler", "GET", _SV + "?binary=cinder-scheduler", "3.0", None, "admin"),
    ("sv disable member", "PUT", _SV + "/disable", "3.0", _SCHED, "member"),
    ("sv disable", "PUT", _SV + "/disable", "3.0", _SCHED, "admin"),
    ("sv after disable", "GET", _SV + "?binary=cinder-scheduler", "3.0", None, "admin"),
    ("sv disable reason", "PUT", _SV + "/disable-log-reason", "3.0",
     {**_SCHED, "disabled_reason": "maintenance"}, "admin"),
    ("sv after reason", "GET", _SV + "?binary=cinder-scheduler", "3.0", None, "admin"),
    ("sv enable", "PUT", _SV + "/enable", "3.0", _SCHED, "admin"),
    ("sv after enable", "GET", _SV + "?binary=cinder-scheduler", "3.0", None, "admin"),
    ("sv disable reason empty", "PUT", _SV + "/disable-log-reason", "3.0",
     {**_SCHED, "disabled_reason": ""}, "admin"),
    ("sv enable extra key", "PUT", _SV + "/enable", "3.0", {**_SCHED, "nope": 1}, "admin"),
    ("sv after all", "GET", _SV + "?binary=cinder-scheduler", "3.0", None, "admin"),
]  # fmt: skip
CASES += SERVICE_CASES

#: Session 33: ``POST /workers/cleanup`` (3.24). The fixture's services are all up (its
#: service_down_time is a day) and it has no cinder-backup, so only the refusals and the lists
#: of one binary compare.
_WC = "/v3/{pid}/workers/cleanup"
WORKER_CASES: list[tuple[str, str, str, str | None, Any, str]] = [
    ("w cleanup 3.23", "POST", _WC, "3.23", {}, "admin"),
    ("w cleanup member", "POST", _WC, "3.24", {}, "member"),
    ("w cleanup empty", "POST", _WC, "3.24", {}, "admin"),
    ("w cleanup no body", "POST", _WC, "3.24", None, "admin"),
    ("w cleanup bad type", "POST", _WC, "3.24", {"resource_type": "backup"}, "admin"),
    ("w cleanup unknown key", "POST", _WC, "3.24", {"frob": 1}, "admin"),
    ("w cleanup backup binary", "POST", _WC, "3.24", {"binary": "cinder-backup"}, "admin"),
    ("w cleanup bad bool", "POST", _WC, "3.24", {"is_up": "maybe"}, "admin"),
    ("w cleanup missing id", "POST", _WC, "3.24", {"resource_id": MISSING}, "admin"),
    (
        "w cleanup id and binary",
        "POST",
        _WC,
        "3.24",
        {"resource_id": MISSING, "binary": "cinder-volume"},
        "admin",
    ),  # fmt: skip
    ("w cleanup service id", "POST", _WC, "3.24", {"service_id": 1, "is_up": True}, "admin"),
    (
        "w cleanup scheduler",
        "POST",
        _WC,
        "3.24",
        {"is_up": True, "binary": "cinder-scheduler"},
        "admin",
    ),  # fmt: skip
    (
        "w cleanup down volumes",
        "POST",
        _WC,
        "3.24",
        {"is_up": False, "binary": "cinder-volume"},
        "admin",
    ),  # fmt: skip
]
CASES += WORKER_CASES

#: Session 34: a row no service has claimed (``volume_rpcapi.delete_volume``'s
#: ``create_worker``: service_id NULL until the volume service takes the cast). Before
#: `STOP_AT`, `play`'s `stop` stops the fixture's volume service (its casts then wait in its
#: queue; its row stays up for a day); without `stop` these cases are left out. Last: the
#: volume stays `deleting` to the end.
_STV = "/v3/{pid}/volumes/{stvid}"
STOPPED_CASES: list[tuple[str, str, str, str | None, Any, str]] = [
    ("stopped volume", "POST", "/v3/{pid}/volumes", "3.0", {"volume": {"size": 1}}, "member"),
    ("stopped cleanup no row", "POST", _WC, "3.24", {"resource_id": "{stvid}"}, "admin"),
    ("stopped delete", "DELETE", _STV, "3.0", None, "member"),
    ("stopped show", "GET", _STV, "3.0", None, "member"),
    ("stopped cleanup unclaimed", "POST", _WC, "3.24", {"resource_id": "{stvid}"}, "admin"),
    (
        "stopped cleanup unclaimed snapshot",
        "POST",
        _WC,
        "3.24",
        {"resource_id": "{stvid}", "resource_type": "snapshot"},
        "admin",
    ),  # fmt: skip
    (
        "stopped cleanup unclaimed binary",
        "POST",
        _WC,
        "3.24",
        {"resource_id": "{stvid}", "binary": "cinder-volume"},
        "admin",
    ),  # fmt: skip
]
STOP_AT = "stopped delete"
CASES += STOPPED_CASES

#: Values a case's answer gives the later cases: case name -> (id name, keys into its JSON; an
#: int indexes a list).
CAPTURE = {
    "flow attachment reserve": ("faid", ("attachment", "id")),
    "flow snapshot force": ("fsid", ("snapshot", "id")),
    "sp volume": ("spvid", ("volume", "id")),
    "stopped volume": ("stvid", ("volume", "id")),
    "sp snapshot": ("spsid", ("snapshot", "id")),
    "sp snapshot 2": ("sp2sid", ("snapshot", "id")),
    "sp snapshot 3": ("sp3sid", ("snapshot", "id")),
    "sp big volume": ("bigvid", ("volume", "id")),
    "sq volume": ("sqvid", ("volume", "id")),
    "sq snapshot": ("sqsid", ("snapshot", "id")),
    "sp attach 3.27": ("spaid", ("attachment", "id")),
    "sp attach ro 3.54": ("spa2id", ("attachment", "id")),
    "aa volume": ("uvid", ("volume", "id")),
    "aa volume 2": ("uv2id", ("volume", "id")),
    "aa attach": ("uaid", ("attachment", "id")),
    "ro volume": ("rovid", ("volume", "id")),
    "k volume": ("kvid", ("volume", "id")),
    "k volume 2": ("kv2id", ("volume", "id")),
    "k snapshot": ("ksid", ("snapshot", "id")),
    "k attachment": ("kaid", ("attachment", "id")),
    "q volume nocap": ("qnvid", ("volume", "id")),
    "q volume": ("qvid", ("volume", "id")),
    "g qos create": ("qosid", ("qos_specs", "id")),
    "g type enc": ("etid", ("volume_type", "id")),
    "g group type": ("gtid", ("group_type", "id")),
    "g group": ("gid", ("group", "id")),
    "g group volume": ("gvid", ("volume", "id")),
    "g group snapshot": ("gsid", ("group_snapshot", "id")),
    "sv scheduler": ("shost", ("services", 0, "host")),
    "cg create": ("cgid", ("consistencygroup", "id")),
    "cgsnapshot create": ("cgsid", ("cgsnapshot", "id")),
    "gr group": ("grid", ("group", "id")),
}

_FIRST_DELETE = next(i for i, case in enumerate(CASES) if case[0] == "delete cascade 3.0")
CASES[_FIRST_DELETE:_FIRST_DELETE] = MIGRATION_CASES + FLOW_CASES + HELD_CASES

#: Send(method, path, microversion, body, user) -> (status, json or None, headers lower-cased)
Send = Callable[[str, str, "str | None", Any, str], "tuple[int, Any, dict[str, str]]"]


def _fill(x: Any, ids: dict[str, str]) -> Any:
    """`x` with every ``{name}`` of `ids` filled in (strings inside dicts and lists too)."""
    if isinstance(x, str):
        for k, v in ids.items():
            x = x.replace("{" + k + "}", v)
        return x
    if isinstance(x, dict):
        return {_fill(k, ids): _fill(v, ids) for k, v in x.items()}
    if isinstance(x, list):
        return [_fill(v, ids) for v in x]
    return x


def _encode(body: Any, ids: dict[str, str]) -> bytes | None:
    if body is None:
        return None
    if isinstance(body, bytes):
        return body
    return json.dumps(_fill(body, ids)).encode()


def _volume(send: Send, settle: Callable[[], None], ids: dict[str, str], name: str) -> str:
    st, j, _h = send(
        "POST",
        _fill(V, ids),
        "3.0",
        json.dumps({"volume": {"size": 1, "name": name}}).encode(),
        "member",
    )
    assert st == 202, (st, j)
    vid = j["volume"]["id"]
    settle()
    return vid


def setup(send: Send, settle: Callable[[], None], pid: str) -> dict[str, str]:
    """Make the volumes, snapshot, attachment and type the cases use; return their ids."""
    ids = {"pid": pid}
    ids["vid"] = _volume(send, settle, ids, "v1")
    ids["avid"] = _volume(send, settle, ids, "attached")
    ids["evid"] = _volume(send, settle, ids, "broken")
    ids["cvid"] = _volume(send, settle, ids, "cascade")
    body = {"snapshot": {"volume_id": ids["vid"], "name": "s1"}}
    st, j, _h = send("POST", _fill(S, ids), "3.0", json.dumps(body).encode(), "member")
    assert st == 202, (st, j)
    ids["sid"] = j["snapshot"]["id"]
    settle()
    body = {
        "attachment": {"volume_uuid": ids["avid"], "instance_uuid": SERVER, "connector": CONNECTOR}
    }
    st, j, _h = send(
        "POST", _fill("/v3/{pid}/attachments", ids), "3.44", json.dumps(body).encode(), "member"
    )
    assert st == 200, (st, j)
    ids["aid"] = j["attachment"]["id"]
    path = _fill("/v3/{pid}/attachments/{aid}/action", ids)
    st, j, _h = send("POST", path, "3.44", b'{"os-complete": null}', "member")
    assert st == 204, (st, j)
    settle()
    body = {"os-reset_status": {"status": "error"}}
    st, j, _h = send(
        "POST", _fill(V + "/{evid}/action", ids), "3.0", json.dumps(body).encode(), "admin"
    )
    assert st == 202, (st, j)
    st, j, _h = send(
        "POST", _fill("/v3/{pid}/types", ids), "3.0", b'{"volume_type": {"name": "gold"}}', "admin"
    )
    assert st == 200, (st, j)
    ids["tid"] = j["volume_type"]["id"]
    ids["mvid"] = _volume(send, settle, ids, "mover")
    ids["fvid"] = _volume(send, settle, ids, "flow")
    st, j, _h = send("GET", _fill(V + "/{mvid}", ids), "3.0", None, "admin")
    assert st == 200, (st, j)
    ids["vfullhost"] = j["volume"]["os-vol-host-attr:host"]
    ids["vhost"] = ids["vfullhost"].split("#")[0]
    settle()
    return ids


def attach_through_cinder(
    send: Send, settle: Callable[[], None], ids: dict[str, str], server: str
) -> dict[str, str]:
    """What Nova's attach asks of Cinder, sent to Cinder's API (for a side whose Nova is a
    stub): a volume "held", an attachment of `server` with a connector (3.44), completed;
    the ids `HELD_CASES` use (``hsid``, ``hvid``, ``haid``)."""
    vid = _volume(send, settle, ids, "held")
    # Nova's attachment_update adds the device as the connector's mountpoint (the held
    # server's first volume: /dev/vdb), which Cinder shows as the attachment's ``device``.
    connector = {**CONNECTOR, "mountpoint": "/dev/vdb"}
    body = {"attachment": {"volume_uuid": vid, "instance_uuid": server, "connector": connector}}
    st, j, _h = send("POST", _fill(FA, ids), "3.44", json.dumps(body).encode(), "member")
    assert st == 200, (st, j)
    aid = j["attachment"]["id"]
    st, j, _h = send(
        "POST", _fill(FA, ids) + f"/{aid}/action", "3.44", b'{"os-complete": null}', "member"
    )
    assert st == 204, (st, j)
    settle()
    return {"hsid": server, "hvid": vid, "haid": aid}


def play(
    send: Send,
    settle: Callable[[], None],
    pid: str,
    out: list | None = None,
    hold: Callable[[dict[str, str]], dict[str, str]] | None = None,
    stop: Callable[[], None] | None = None,
) -> list[dict[str, Any]]:
    """Run the setup, then every case in order; one result dict per case, appended to `out`
    (a new list if None) as each answer comes, so a run cut short keeps what it had. Before
    the first of `HELD_CASES`, `hold(ids)` makes a server attach a volume through Nova and
    returns its ids (``hsid``, ``hvid``, ``haid``); without `hold` those cases are left out.
    Before `STOP_AT`, `stop()` stops the volume service; without it `STOPPED_CASES` are left
    out."""
    ids = setup(send, settle, pid)
    out = [] if out is None else out
    for name, method, path, mv, body, user in CASES:
        if name == HELD_CASES[0][0]:
            if hold is None:
                continue
            ids = {**ids, **hold(ids)}
        elif hold is None and name.startswith("held "):
            continue
        if name.startswith("stopped "):
            if stop is None:
                continue
            if name == STOP_AT:
                stop()
        status, j, headers = send(method, _fill(path, ids), mv, _encode(body, ids), user)
        out.append({"name": name, "status": status, "json": j, "headers": headers, "ids": ids})
        if name in CAPTURE and isinstance(j, dict):
            key, keys = CAPTURE[name]
            for step in keys:
                if isinstance(step, int):
                    j = j[step] if isinstance(j, list) and len(j) > step else None
                else:
                    j = j.get(step) if isinstance(j, dict) else None
            if isinstance(j, str):
                ids = {**ids, key: j}
        settle()
    return out
