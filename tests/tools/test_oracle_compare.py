"""The oracles' ``compare.py`` (a developer tool, tools/*_oracle) reads two answer files that
need not hold the same cases: a runner that stopped half-way, or one run before the cases grew.
It names the cases each side lacks and compares the rest, instead of stopping on a ``zip()``."""

import json
import runpy
import sys
from pathlib import Path

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
