"""``fakecloud profiles``: the release list, one profile's switches with provenance, errors."""

import json

import pytest

from fakecloud.cli import main


def test_profiles_lists_every_release_by_series(capsys):
    assert main(["profiles"]) == 0
    out = capsys.readouterr().out
    assert "  Queens            17.0.0* 17.0.1*" in out
    assert "  2026.2 Hibiscus   34.0.0\n" in out
    # 80 columns: Queens' 14 releases go on under its first (session 38's new user: 128 wide)
    assert f"17.0.5* 17.0.6*\n{'':20}17.0.7 17.0.8 17.0.9 17.0.10 17.0.11 17.0.12 17.0.13\n" in out
    assert max(map(len, out.splitlines())) <= 80
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


def test_profiles_show_names_the_cinder_and_glance_of_the_series(capsys):
    assert main(["profiles", "show", "nova-20.0.0"]) == 0
    shown = capsys.readouterr().out
    assert main(["profiles", "nova-20.0.0"]) == 0
    assert capsys.readouterr().out == shown
    assert "block-storage 3.59 (Cinder 15.x); image 2.9 (Glance 19.x)" in shown.splitlines()[1]
    assert main(["profiles", "show", "seed", "--json"]) == 0
    apis = json.loads(capsys.readouterr().out)["apis"]
    assert (apis["block-storage"]["release"], apis["image"]["release"]) == ("12.x", "16.x")


def test_profiles_lists_the_cinder_and_glance_of_each_series(capsys):
    assert main(["profiles"]) == 0
    out = capsys.readouterr().out
    assert "  Queens            Cinder 12.x  3.50  Glance 16.x  2.6\n" in out
    assert "  2026.2 Hibiscus   Cinder 29.x  3.71  Glance 33.x  2.17\n" in out
    assert main(["profiles", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)["releases"][0]
    assert (first["release"], first["cinder"], first["glance"]) == ("17.0.0", "12.x", "16.x")


def test_profiles_show_needs_exactly_one_profile(capsys):
    for argv in (["profiles", "show"], ["profiles", "show", "seed", "upstream"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
        assert "give one profile, as `fakecloud profiles [show] PROFILE`" in capsys.readouterr().err
