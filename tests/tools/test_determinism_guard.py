"""tools/determinism_guard.py, the fingerprints a contributor diffs before and after a change
(CONTRIBUTING.md): the same tree gives the same lines, and a change to what a scenario does
moves exactly that scenario's lines."""

import json
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import determinism_guard  # noqa: E402

EXAMPLE = ROOT / "scenarios" / "examples" / "second_snapshot_conflict.yaml"


def _copies(tmp_path):
    same = tmp_path / "a.yaml"
    bigger = tmp_path / "b.yaml"
    one_profile = EXAMPLE.read_text().replace("[seed, upstream]", "[upstream]")
    same.write_text(one_profile)
    bigger.write_text(one_profile.replace("size_mb: 21", "size_mb: 42"))
    return same, bigger


def test_digest_lines_are_repeatable_and_a_changed_scenario_moves_its_own(tmp_path):
    same, bigger = _copies(tmp_path)
    first = determinism_guard.digest_lines([same, bigger])
    assert first == determinism_guard.digest_lines([same, bigger])
    cases = [line.split(" ", 1) for line in first[:-1]]
    assert [name for name, _ in cases] == [
        f"{same}::upstream-location-header",
        f"{same}::upstream-image-id-body",
        f"{bigger}::upstream-location-header",
        f"{bigger}::upstream-image-id-body",
    ]
    assert all(" passed=True now=" in rest for _, rest in cases)
    # A twice larger image uploads longer: each case's trace and end time move.
    for (_, mine), (_, theirs) in zip(cases[:2], cases[2:], strict=True):
        assert mine.split()[0] != theirs.split()[0]
        assert float(mine.split("now=")[1]) < float(theirs.split("now=")[1])
    assert first[-1].startswith("TOTAL ")


def test_save_lines_hash_fresh_clouds_and_end_worlds(tmp_path):
    same, bigger = _copies(tmp_path)
    lines = determinism_guard.save_lines(["seed"], [same, bigger])
    assert lines == determinism_guard.save_lines(["seed"], [same, bigger])
    assert lines[0].startswith("fresh seed ") and len(lines) == 5
    assert lines[1].split()[1] != lines[3].split()[1]


def test_main_writes_the_lines_and_says_where(tmp_path, capsys):
    folder = tmp_path / "scenarios" / "examples"
    folder.mkdir(parents=True)
    shutil.copy(_copies(tmp_path)[0], folder)
    out = tmp_path / "digest.txt"
    args = ["digest", str(out), "--scenarios", str(tmp_path / "scenarios")]
    assert determinism_guard.main(args) == 0
    assert len(out.read_text().splitlines()) == 3
    assert capsys.readouterr().out.startswith("3 lines, ")


def test_the_guard_imports_fakecloud_from_the_tree_it_fingerprints(tmp_path, monkeypatch):
    # A virtualenv borrowed from another worktree would import that tree's fakecloud.
    (tmp_path / "fakecloud").mkdir()
    (tmp_path / "fakecloud" / "__init__.py").write_text("")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    determinism_guard._import_from_working_directory()
    assert sys.path[0] == str(tmp_path.resolve())


def test_a_worlds_hash_masks_its_traceback_line_numbers_only():
    # A fault's details as cloud.save() writes them (JSON): the frames' numbers move with any
    # edit above them; the rest of a world's text is what it ran
    def world(line: int, function: str = "_steps_to_image", name: str = "line 7") -> bytes:
        frame = f'  File "fakecloud/nova/compute/volume_backed.py", line {line}, in {function}\n'
        details = f"Traceback (most recent call last):\n{frame}RuntimeError: gone\n"
        return json.dumps({"details": details, "name": name}, separators=(",", ":")).encode()

    hashed = determinism_guard.world_hash
    assert hashed(world(192)) == hashed(world(201))
    assert hashed(world(192)) != hashed(world(192, "snapshot_volume_backed"))
    assert hashed(world(192)) != hashed(world(192, name="line 8"))  # no frame: it counts


def test_differing_names_each_line_whose_hash_differs_between_two_processes():
    first = ["a.yaml::x 1111 passed=True now=2", "a.yaml::y 2222 passed=True now=3", "TOTAL 9"]
    second = ["a.yaml::x 1111 passed=True now=2", "a.yaml::y 3333 passed=True now=3", "TOTAL 8"]
    assert determinism_guard.differing(first, second) == [
        "a.yaml::y: 2222 passed=True now=3 != 3333 passed=True now=3",
        "TOTAL: 9 != 8",
    ]
    assert determinism_guard.differing(first, first[:2]) == ["TOTAL: 9 != -"]


CASCADE = """\
name: cascade
cloud: {profile: upstream}
steps:
  - {name: vol, at: 0, request: "POST /v3/${project_id}/volumes", body: {volume: {size: 1}}}
%s  - name: del
    at: 20
    request: "DELETE /v3/${project_id}/volumes/${steps.vol.body.volume.id}?cascade=true"
    expect: {status: 202}
"""
SNAPSHOT = """\
  - name: s%d
    at: 5
    request: "POST /v3/${project_id}/snapshots"
    body: {snapshot: {volume_id: "${steps.vol.body.volume.id}"}}
"""


@pytest.mark.explore  # four processes of the guard: ~3 CPU-s
def test_layouts_finds_no_line_a_hash_seed_or_an_allocator_moves(tmp_path, monkeypatch):
    """Four snapshots made at one instant, deleted by a cascade: their order came from a set
    of their ids, which Python's hash seed orders, and the two processes of ``layouts``
    traced and saved two worlds (session 41); none differs now."""
    folder = tmp_path / "scenarios" / "flows"
    folder.mkdir(parents=True)
    (folder / "cascade.yaml").write_text(CASCADE % "".join(SNAPSHOT % n for n in range(4)))
    monkeypatch.chdir(ROOT)
    assert determinism_guard.layout_lines(tmp_path / "scenarios") == []


def test_a_format_bump_alone_moves_no_masked_save_line(tmp_path, capsys, monkeypatch):
    """A world saved as a format bump writes it (only the header's version differs) hashes
    the same under ``saves --mask-version`` and differently without; a world that differs
    elsewhere still moves."""
    from fakecloud import Cloud

    cloud = Cloud(seed=3)
    cloud.run_until_idle()
    cloud.save(str(tmp_path / "w.fc"))
    now = (tmp_path / "w.fc").read_bytes()
    version = json.loads(now)["version"]
    bumped = now.replace(b'"version":%d,' % version, b'"version":%d,' % (version + 1), 1)
    assert json.loads(bumped)["version"] == version + 1
    hashed = determinism_guard.world_hash
    assert hashed(now, mask_version=True) == hashed(bumped, mask_version=True)
    assert hashed(now) != hashed(bumped)
    other = bumped.replace(b'"seed":3', b'"seed":4', 1)
    assert hashed(other, mask_version=True) != hashed(now, mask_version=True)
    # the command: the same lines, each world hashed with its version masked
    monkeypatch.setattr(determinism_guard, "SAVE_PROFILES", ("seed",))
    folder = tmp_path / "scenarios" / "examples"
    folder.mkdir(parents=True)
    shutil.copy(_copies(tmp_path)[0], folder)
    args = ["saves", str(tmp_path / "saves.txt"), "--scenarios", str(tmp_path / "scenarios")]
    assert determinism_guard.main([*args, "--mask-version"]) == 0
    masked = [line.rsplit(" ", 1) for line in (tmp_path / "saves.txt").read_text().splitlines()]
    assert determinism_guard.main(args) == 0
    plain = [line.rsplit(" ", 1) for line in (tmp_path / "saves.txt").read_text().splitlines()]
    assert [name for name, _ in masked] == [name for name, _ in plain]
    assert len(masked) == 3 and masked[0] == ["fresh seed", hashed(now, mask_version=True)]
    assert not {world for _, world in masked} & {world for _, world in plain}
    with pytest.raises(SystemExit):
        determinism_guard.main(["digest", str(tmp_path / "d.txt"), "--mask-version"])
    assert "--mask-version is an option of saves" in capsys.readouterr().err
