"""A run's checks that the explorer leaves out (a bug replay's `violated:` under chance, the
checks about an inserted action) must not leave a consequence pointing at the wrong cause:
`Check.follows` is an index into the list (rv12's finding on 518f3bb6)."""

from fakecloud.explore.play import kept_checks
from fakecloud.scenario.results import Check


def test_a_consequence_follows_its_cause_to_its_new_place_or_stands_alone():
    checks = [
        Check(False, "violated no_frozen_guest", "case"),
        Check(False, "step snap: status 202", "snap"),
        Check(False, "step snap: save image_id", "snap", follows=1),
        Check(False, "step adv: status 202", "adv"),
        Check(False, "state server", "state", follows=3),
    ]
    kept = kept_checks(checks, lambda c: not c.what.startswith(("violated", "step adv")))
    assert [c.what for c in kept] == [
        "step snap: status 202",
        "step snap: save image_id",
        "state server",
    ]
    assert [c.follows for c in kept] == [None, 0, None]


def test_with_none_left_out_every_check_keeps_its_place_and_cause():
    checks = [
        Check(False, "step snap: status 202", "snap"),
        Check(False, "step snap: save image_id", "snap", follows=0),
        Check(True, "invariant no_frozen_guest", "case"),
    ]
    kept = kept_checks(checks, lambda c: not c.what.startswith("violated"))
    assert kept == checks and kept is not checks
    assert [c.follows for c in kept] == [None, 0, None]
