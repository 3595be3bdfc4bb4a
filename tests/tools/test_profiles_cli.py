"""``fakecloud profiles``: the release list, one profile's switches with provenance, errors."""

import json

from fakecloud.cli import main


def test_profiles_lists_every_release_by_series(capsys):
    assert main(["profiles"]) == 0
    out = capsys.readouterr().out
    assert "  Queens            17.0.0* 17.0.1*" in out
    assert "  2026.2 Hibiscus   34.0.0\n" in out
    assert "seed        = nova-17.0.13+vendor" in out and "upstream    = nova-34.0.0" in out


def test_one_profile_shows_each_switch_with_value_and_provenance(capsys):
    assert main(["profiles", "nova-20.0.0"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "nova-20.0.0: Nova 20.0.0, Train"
    assert out[1] == (
        "  compute 2.79 max microversion; block-storage 3.59 (Cinder 15.x); image 2.9 (Glance 19.x)"
    )
    rows = {line.split()[0]: i for i, line in enumerate(out) if line and not line[0].isspace()}
    at = rows["lp1878583"]
    assert out[at].split() == ["lp1878583", "True"]
    assert out[at + 1].strip() == "as in 17.0.0, until 20.4.0 (c93ca60956)"
    at = rows["lp1731986"]
    assert out[at].split() == ["lp1731986", "False"]
    assert out[at + 1].strip().startswith("False since 18.0.0 (bca425a33f): Closes-Bug #1731986")


def test_json_and_a_backport_named_as_such(capsys):
    assert main(["profiles", "nova-17.0.1", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    why = doc["switches"]["cinder_limits_precheck"]["why"]
    assert why.startswith("True since 17.0.1 (backport c65dfeecae of 289d2703c7)")
    changes = doc["switches"]["lp1878583"]["changes"]
    assert [c["release"] for c in changes] == ["19.3.0", "20.4.0", "21.1.0", "22.0.0"]


def test_an_unknown_release_is_an_error_naming_the_nearest(capsys):
    assert main(["profiles", "nova-20.9.0"]) == 2
    err = capsys.readouterr().err
    assert "unknown Nova release 20.9.0; the nearest are 20.6.1 and 21.0.0" in err
