"""The oracles' ``compare.py`` (a developer tool, tools/*_oracle) reads two answer files that
need not hold the same cases: a runner that stopped half-way, or one run before the cases grew.
It names the cases each side lacks and compares the rest, instead of stopping on a ``zip()``."""

import json
import runpy
import sys
from pathlib import Path

import pytest

COMPARE = Path(__file__).resolve().parents[2] / "tools" / "keystone_oracle" / "compare.py"


def _answer(name, status=204, body=None):
    return {"name": name, "status": status, "json": body, "headers": {}, "ids": {}}


def test_keystone_compare_names_the_cases_one_side_did_not_answer(tmp_path, capsys, monkeypatch):
    missing_group = {"error": {"code": 404, "message": "Could not find group: x."}}
    real = [_answer("a"), _answer("b"), _answer("c", 404, missing_group), _answer("c")]
    fc = [_answer("a"), _answer("c"), _answer("d")]
    (tmp_path / "k.json").write_text(json.dumps(real))
    (tmp_path / "f.json").write_text(json.dumps(fc))
    monkeypatch.setattr(
        sys, "argv", ["compare.py", str(tmp_path / "k.json"), str(tmp_path / "f.json")]
    )
    monkeypatch.syspath_prepend(str(COMPARE.parents[1]))
    runpy.run_path(str(COMPARE), run_name="__main__")
    assert capsys.readouterr().out.splitlines() == [
        "c",
        "  status keystone 404 fc 204",
        "  keystone " + json.dumps(missing_group, sort_keys=True),
        "  fc       null",
        "2 cases answered by keystone only: b, c",
        "1 cases answered by fc only: d",
        "same 1 differ 1 missing 3",
    ]


CINDER_COMPARE = COMPARE.parents[1] / "cinder_oracle" / "compare.py"


def _bad_request(message):
    return {"badRequest": {"code": 400, "message": message}}


def test_cinder_compare_takes_a_set_order_and_a_host_word_as_the_same(
    tmp_path, capsys, monkeypatch
):
    binary = (
        "Invalid input for field/attribute binary. Value: cinder-backup. 'cinder-backup' is not "
        "one of ['cinder-volume', 'cinder-scheduler']"
    )
    real = [
        _answer(
            "type", 400, _bad_request("Resource type Backup not valid, must be Snapshot or Volume")
        ),
        _answer("binary", 400, _bad_request(binary)),
        _answer("other", 400, _bad_request("must be Snapshot or Volume")),
    ]
    fc = [
        _answer(
            "type", 400, _bad_request("Resource type Backup not valid, must be Volume or Snapshot")
        ),
        _answer("binary", 400, _bad_request(binary)),
        _answer("other", 400, _bad_request("must be Volume")),
    ]
    # fakecloud's scheduler host is `cinder`: its side names it `{shost}`, Cinder's fixture's not
    fc[1]["ids"] = {"shost": "cinder"}
    (tmp_path / "c.json").write_text(json.dumps(real))
    (tmp_path / "f.json").write_text(json.dumps(fc))
    monkeypatch.setattr(
        sys, "argv", ["compare.py", str(tmp_path / "c.json"), str(tmp_path / "f.json")]
    )
    monkeypatch.syspath_prepend(str(COMPARE.parents[1]))
    runpy.run_path(str(CINDER_COMPARE), run_name="__main__")
    out = capsys.readouterr().out.splitlines()
    assert [line for line in out if not line.startswith(" ")] == ["other", "same 2 differ 1"]


def test_every_oracle_driver_reads_a_tally_into_its_summary_row(monkeypatch):
    # tools/oracles_all.py's table is what a developer reads after the ten runs: the cases
    # compare.py named as differing and as one side's alone, the same/total count.
    monkeypatch.syspath_prepend(str(COMPARE.parents[1]))
    import oracles_all

    output = "\n".join(
        [
            "c",
            "  status keystone 404 fc 204",
            "e",
            "  body.x: real 1 fc 2",
            "2 cases answered by keystone only: b, c",
            "same 7 differ 2 missing 2",
        ]
    )
    row = {"key": "k30", "oracle": "keystone", "release": "30.0.0", **oracles_all.tally(output)}
    assert row["same"] == 7 and row["total"] == 11
    before = {"rows": [{"key": "k30", "differ": ["e", "f"]}]}
    assert oracles_all.table([row], before).splitlines()[2:] == [
        "| keystone | 30.0.0 | 7/11 | c, e, b (one side only), c (one side only) |",
        "k30: newly differing c",
        "k30: the same again f",
    ]
    with pytest.raises(SystemExit):
        oracles_all.parse_args(["--only", "n34,x99"])
