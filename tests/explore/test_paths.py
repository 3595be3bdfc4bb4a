"""A group's path: only the notable events before the check broke that touch what broke."""

from fakecloud.explore.groups import group, outcome_of
from fakecloud.explore.paths import path_of
from fakecloud.explore.runner import prepared

# Server web's snapshot is left queued when its delete lands early (no_stuck_snapshot_image);
# the error answer of a step about a flavor touches nothing of web's.
WEB = """
name: web-and-a-flavor
cloud:
  profile: upstream
  images:
    cirros: {existing: cirros-0.6.2-x86_64-disk}
  servers:
    web: {body: {imageRef: "${images.cirros.id}", flavorRef: "1"}}
steps:
  - {name: snap, microversion: "2.45", request: "POST /servers/${servers.web.id}/action",
     body: {createImage: {name: w}}}
  - {name: nope, request: GET /flavors/nope, expect: {status: 404}}
expect:
  invariants: all
explore:
  adversary: [{delete_server: web}]
"""


def test_events_touching_other_resources_or_after_the_break_leave_the_path():
    ready = prepared(WEB, "web.yaml", "default")
    runs = {seed: ready.play(seed) for seed in (4, 17)}
    outcomes = [outcome_of(run, seed) for seed, run in runs.items()]
    assert [[b.key for b in o.broken] for o in outcomes] == [
        ["invariant no_stuck_snapshot_image"]
    ] * 2
    (stuck,) = group(outcomes)
    assert stuck.seeds == [4, 17]
    (delete,) = stuck.path
    assert delete.startswith("adversary-1: DELETE /servers/")
    everything = path_of(runs[4].result, runs[4].landed, [])
    assert everything == (delete, "step nope answered 404")
    # a check that names the moment it broke keeps only what came before
    broke_before = [f"x: {delete.split('/')[-1]}: answered 500 at t=-1"]
    assert path_of(runs[4].result, runs[4].landed, broke_before) == ()
