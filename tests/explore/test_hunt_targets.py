"""A bug hunt's ``explore.finds`` names expectations too, and a shrink keeps a listed find."""

from fakecloud.cli import main as cli

# Both uploads' finishes are exact only at nominal throughput: jitter breaks both expectations;
# the hunt lists the small one's.
TWO = """\
name: two
steps:
  - {name: big, at: 0, transfer: {size_mb: 300, path: [{name: link, mb_per_s: 100}]}, BIG}
  - {name: small, at: 0, transfer: {size_mb: 100, path: [link]}, expect: {finished_at: 2}}
explore:
  chance: {rpc_delay: false, tie_order: false}
  finds: [FIND]
"""


def _file(tmp_path, find, big="note: plain"):
    path = tmp_path / "two.yaml"
    path.write_text(TWO.replace("FIND", find).replace("BIG", big))
    return str(path)


def test_finds_names_a_step_and_a_wrong_name_is_an_error_of_the_file(tmp_path, capsys):
    # no expect on big: a plain upload alongside
    two = _file(tmp_path, "small", big="note: plain")
    # found what it hunts and nothing else: passes, as its pytest item does
    assert cli(["explore", two, "--seeds", "2", "--no-progress", "--out", str(tmp_path)]) == 0
    assert "bug hunt (finds: small): found what it lists, nothing else" in capsys.readouterr().out
    smal = _file(tmp_path, "smal", big="note: plain")
    assert cli(["explore", smal, "--seeds", "2", "--out", str(tmp_path)]) == 2
    assert (
        f"{two}:7: field explore.finds[0]: 'smal' is no invariant, step with an expect: or named "
        "check (did you mean 'small'?); steps and named checks: small"
    ) in capsys.readouterr().err


ONE = """\
name: one
steps:
  - name: up
    transfer: {size_mb: 100, path: [{name: link, mb_per_s: 100}]}
    expect: {finished_at: 1}
expect:
  trace:
    - {name: on-time, absent: {kind: io.finish, duration_s: {$gt: 1}}}
explore:
  chance: {rpc_delay: false, tie_order: false}
  finds: [on-time]
"""


def test_a_shrink_keeps_the_hunts_find_broken_not_the_first_failure(tmp_path, capsys):
    # seed 0's link runs slow: the step's finish (checked first) and the named trace check break
    one = tmp_path / "one.yaml"
    one.write_text(ONE)
    out = tmp_path / "minimal.yaml"
    assert cli(["shrink", str(one), "--seed", "0", "-o", str(out), "--max-examples", "1"]) == 0
    assert capsys.readouterr().out.splitlines()[:2] == [
        f"trace on-time: absent {{kind: io.finish, duration_s: {{'$gt': 1}}}} ({one}:8)",
        "  kept broken: the first of the file's explore.finds this seed breaks "
        "(--target picks another)",
    ]
    assert "breaks: trace on-time: absent" in out.read_text()
