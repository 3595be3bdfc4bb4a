"""Configuration a user can discover: `fakecloud list config` names every key with its default
and meaning, and a key no section has points there."""

from __future__ import annotations

import json

import pytest

from fakecloud import Cloud
from fakecloud.catalog import main as list_main
from fakecloud.errors import ConfigError


def test_fakecloud_list_config_names_each_key_its_default_and_meaning(capsys):
    """An operator's policy file and quota defaults were nowhere a newcomer would look (the key
    `nova.policy_file` was named only in conformance.md); `fakecloud list` had no config."""
    assert list_main(["config", "nova.policy"]) == 0
    assert capsys.readouterr().out == (
        'nova.policy_file: ""\n'
        "    A YAML or JSON policy file whose rules override the profile's defaults.\n"
        "nova.policy: null\n"
        "    Rule overrides as a mapping {rule name: check string} (applied after the file).\n"
    )
    assert list_main(["config", "--json", "cinder.quota_snapshots"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["name"], row["default"]) == ("cinder.quota_snapshots", 10)
    assert list_main(["config", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    some = {r["name"].partition(".")[0]: r for r in rows}  # a key of each section, as listed
    config = {s: {k.partition(".")[2]: r["default"]} for s, (k, r) in _named(some).items()}
    assert Cloud(config=config).config.overrides() == {}  # every listed default is the default


def _named(rows: dict) -> dict:
    return {section: (row["name"], row) for section, row in rows.items()}


def test_an_unknown_key_with_no_close_one_points_at_the_list():
    with pytest.raises(ConfigError, match=r"cinder\.quota \(`fakecloud list config cinder\.`"):
        Cloud(config={"cinder": {"quota": 1}})
    with pytest.raises(ConfigError, match=r"nova\.policy_fil \(did you mean 'policy_file'\?\)$"):
        Cloud(config={"nova": {"policy_fil": "x"}})
