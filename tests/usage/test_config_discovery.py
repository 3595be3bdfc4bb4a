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


def test_the_keys_a_runs_seconds_come_from_say_what_they_time(capsys):
    """A teacher's slide of a snapshot's phases: the RPC hop, the Cinder and Glance round trips
    and the store's throughput had no meaning in `fakecloud list config` (80 of 197 keys had
    none; a field's ``#:``, ``#`` comment above it or one after it on its line now counts)."""
    assert list_main(["config", "--json"]) == 0
    docs = {r["name"]: r["doc"] for r in json.loads(capsys.readouterr().out)}
    timing = (
        "rpc.delay_s",
        "volume_api.latency_s",
        "image_api.latency_s",
        "image_api.retry_interval_s",
        "cinder.backends",
        "cinder.quota_snapshots",
        "glance.store_throughput_mb_per_s",
        "nova.disk_throughput_mb_per_s",
        "nova.glance_link_gbit_per_s",
        "nova.guest_agent_freeze_s",
        "nova.guest_agent_thaw_s",
        "nova.live_snapshot_poll_s",
    )
    assert [key for key in timing if not docs[key]] == []
    assert docs["cinder.snapshot_recheck_delay_s"].startswith("Virtual time between inserting")
    assert docs["glance.client_link_gbit_per_s"] == "the link of REST users without their own"
    assert "# --" not in "".join(docs.values())  # a section's rule is no key's meaning


def test_every_config_key_says_what_it_means(capsys):
    """Session 43 left 49 of 197 keys without a meaning (endpoints, names, Glance's own quotas,
    the explore switches): each now has one, a key that mirrors a real option naming it and
    quoting its help text."""
    assert list_main(["config", "--json"]) == 0
    docs = {r["name"]: r["doc"] for r in json.loads(capsys.readouterr().out)}
    assert [key for key, doc in docs.items() if not doc] == []
    assert docs["glance.image_tag_quota"].startswith(
        '``[DEFAULT] image_tag_quota``: "Maximum number of tags allowed on an image"'
    )
    assert docs["nova.quota_cores"].startswith("``[quota] cores``")
    assert docs["oslo_middleware.max_request_body_size"].startswith(
        "``[oslo_middleware] max_request_body_size``"
    )
