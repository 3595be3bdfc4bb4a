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
