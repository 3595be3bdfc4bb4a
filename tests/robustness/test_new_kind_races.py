"""Requests on the kinds sessions 15 and 16 added, back to back at one virtual instant, end as
the real services end them, never in a crash (every ordered pair of 26 such operations was
tried on the seed and upstream; these rows are the ones worth keeping).

- Cinder's backup restore to a new volume waits for it a second at a time, then writes
  ``backup.status = RESTORING`` without a condition (12.0.10-29.0.0 backup/api.py
  ``restore``): an admin's reset to ``error``, cast to the backup manager meanwhile, is written
  over and the restore goes on. fakecloud answered 500 (an illegal state transition).
- A server group deleted while a member it was hinted for is being built: no crash, the group
  is gone, the invariants hold (Nova's ``scheduler/utils.py`` ``_get_group_details`` takes a
  group it no longer finds as none).
"""

import pytest
from corpus import fill

B = "/v3/{project_id}"
RESET = {"os-reset_status": {"status": "error"}}
RESTORE = {"restore": {}}
IN_GROUP = {
    "server": {"name": "x", "flavorRef": "1", "imageRef": "{base_image_id}", "networks": "auto"},
    "os:scheduler_hints": {"group": "{server_group_id}"},
}
S = "/v2.1/servers/{server_id}"
LIVE = {"os-migrateLive": {"host": None, "block_migration": "auto"}}
#: (name, requests as (user, service, method, path, body, microversion), their statuses,
#: a final read (service, path, key, field) and its value)
ROWS = [
    (
        "backup reset, then restored to a new volume",
        [
            ("admin", "block-storage", "POST", B + "/backups/{backup_id}/action", RESET, None),
            ("demo", "block-storage", "POST", B + "/backups/{backup_id}/restore", RESTORE, None),
        ],
        [202, 202],
        ("block-storage", B + "/backups/{backup_id}", "backup", "status", "available"),
    ),
    (
        "a boot into a group deleted at once",
        [
            ("demo", "compute", "POST", "/v2.1/servers", IN_GROUP, "2.37"),
            ("demo", "compute", "DELETE", "/v2.1/os-server-groups/{server_group_id}", None, None),
        ],
        [202, 204],
        ("compute", "/v2.1/os-server-groups/{server_group_id}", None, None, 404),
    ),
    # Session 18: a live migration, a resize, a createImage and a delete at one instant (every
    # ordered 2-4 of ten move-related requests was tried, at 0 to 30 s apart, seed, 25.3.0 and
    # upstream): the live migration's task state refuses the next two (nova 17.0.13-34.0.0
    # check_instance_state), the delete goes through (no state check) and the job ends.
    (
        "a live migration, a resize, a createImage and a delete at once",
        [
            ("admin", "compute", "POST", S + "/action", LIVE, "2.30"),
            ("demo", "compute", "POST", S + "/action", {"resize": {"flavorRef": "2"}}, None),
            ("demo", "compute", "POST", S + "/action", {"createImage": {"name": "s"}}, None),
            ("demo", "compute", "DELETE", S, None, None),
        ],
        [202, 409, 409, 204],
        ("compute", S, None, None, 404),
    ),
    # Session 19: a rescue, a createImage, a delete, a restore and a live migration at one
    # instant (every ordered pair of 15 requests with rescue, unrescue, restore, forceDelete
    # and a restart was tried, 0 to 20 s apart, upstream): the rescue's task state refuses the
    # createImage and the live migration, the restore a server not soft-deleted (nova
    # 17.0.13-34.0.0 check_instance_state); the delete goes through and leaves no guest.
    (
        "a rescue, a createImage, a delete, a restore and a live migration at once",
        [
            ("demo", "compute", "POST", S + "/action", {"rescue": None}, None),
            ("demo", "compute", "POST", S + "/action", {"createImage": {"name": "s"}}, None),
            ("demo", "compute", "DELETE", S, None, None),
            ("demo", "compute", "POST", S + "/action", {"restore": None}, None),
            ("admin", "compute", "POST", S + "/action", LIVE, "2.30"),
        ],
        [200, 409, 204, 409, 409],
        ("compute", S, None, None, 404),
    ),
]  # fmt: skip


@pytest.mark.parametrize("profile", ["seed", "upstream"])
@pytest.mark.parametrize("row", ROWS, ids=[row[0] for row in ROWS])
def test_one_instant_ends_as_the_real_service_ends_it(worlds, profile, row):
    name, requests, statuses, (service, path, key, field, want) = row
    world = worlds(profile)
    ids = {k: v for k, v in world.ids.items() if k != "project_id"}
    cloud = world.fork()
    got = []
    for user, svc, method, req_path, body, version in requests:
        resp = cloud.request(
            svc, method, fill(req_path, ids), body=fill(body, ids), user=user, microversion=version
        )
        got.append(resp.status)
    assert got == statuses
    cloud.run_until_idle()
    assert cloud.check_invariants() == []
    final = cloud.request(service, "GET", fill(path, ids), user="admin")
    assert (final.json()[key][field] if key else final.status) == want
