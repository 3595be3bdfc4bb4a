"""tools/release_audit.py (a developer tool): the tags it pairs, the functions it cuts, and what
it reports changed between two tags, on a fixture of one module at four tags."""

import runpy
from pathlib import Path

TOOL = runpy.run_path(str(Path(__file__).resolve().parents[2] / "tools" / "release_audit.py"))

V1 = """
class API:
    @property
    def status(self):
        return self._status

    @status.setter
    def status(self, value):
        self._status = value

    def create(self, size):
        return size


LIMIT = 10
"""
#: A stable backport: only the setter of ``status`` changes.
V1_1 = V1.replace("self._status = value", "self._status = value.lower()")
#: The next series: ``create`` gains a check, ``LIMIT`` is gone, ``delete`` is new.
V2 = V1.replace("        return size", "        assert size > 0\n        return size").replace(
    "\n\nLIMIT = 10\n", "\n    def delete(self):\n        pass\n"
)


def test_it_pairs_each_point_release_with_the_one_before_and_each_series_with_the_last():
    tags = ["2.0.0", "1.0.1", "1.0.0", "1.0.10", "1.0.2", "2.0.0.0rc1", "sometag", "3.0.0"]
    assert TOOL["lines_of_tags"](tags) == [
        ("1.0.0", "1.0.1"),
        ("1.0.1", "1.0.2"),
        ("1.0.2", "1.0.10"),
        ("1.0.0", "2.0.0"),
        ("2.0.0", "3.0.0"),
    ]


def test_a_cut_holds_a_property_getter_and_setter_with_their_decorators():
    cuts = TOOL["cut"](V1, ["API.status", "LIMIT", "API.missing"])
    assert set(cuts) == {"API.status", "LIMIT"}
    status = cuts["API.status"]
    assert (status.start, status.end) == (3, 9)
    assert status.text.startswith("    @property") and status.text.endswith("= value")
    assert TOOL["cut"](V1, [])["*"].text == V1


def test_it_reports_what_changed_tag_to_tag_with_the_commits_the_log_finds():
    files = {"1.0.0": V1, "1.0.1": V1_1, "2.0.0": V2}
    spec = {"api.py": ["API.status", "API.create", "API.delete", "LIMIT"], "gone.py": []}

    def read(tag, path):
        return files[tag] if path == "api.py" else None

    def log(before, after, path, where):
        return [f"{before}..{after} {path}:{where.start}-{where.end}"]

    pairs = TOOL["lines_of_tags"](files)
    found = [f.lines() for f in TOOL["audit"](pairs, spec, read, log)]
    assert found == [
        ["1.0.0..1.0.1 CHANGED api.py:API.status", "    1.0.0..1.0.1 api.py:3-9"],
        ["1.0.0..2.0.0 CHANGED api.py:API.create", "    1.0.0..2.0.0 api.py:11-13"],
        ["1.0.0..2.0.0 ADDED api.py:API.delete", "    1.0.0..2.0.0 api.py:15-16"],
        ["1.0.0..2.0.0 GONE api.py:LIMIT"],
    ]


MODULE = """
DEFAULT = "x"
#: The first series whose refusal is its own (12fab51ef0, 14.0.0; backport abc1234 in 13.0.1).
ERROR_CHECK_FROM = 14
SAME_COMMENT_FROM = 14

#: No commit named: 16.0.0's.
PLAIN_FROM = 16
SIZE_S = 1.5
"""


def test_constants_take_the_commits_their_comment_cites():
    found = TOOL["constants"]("mod.py", MODULE)
    assert [(c.name, c.value, c.line, c.cited) for c in found] == [
        ("ERROR_CHECK_FROM", 14, 4, ("12fab51ef0", "abc1234")),
        ("SAME_COMMENT_FROM", 14, 5, ("12fab51ef0", "abc1234")),
        ("PLAIN_FROM", 16, 8, ()),
    ]


def test_twins_share_a_change_id_trailer_not_a_mention(tmp_path):
    """A backport carries its master commit's ``Change-Id:`` trailer; a commit whose body only
    names that id (nova 02114a9d7f: "added in I422a9... which is not in ussuri"; keystone
    98b2c8dea5: "the proposed backport (I8f59...) was rejected") is no twin."""
    import subprocess

    def git(*args):
        run = subprocess.run(["git", "-C", str(tmp_path), *args], capture_output=True, text=True)
        return run.stdout.strip()

    git("init", "-q")
    same = "I" + "a" * 40
    ids = []
    for body in (f"fix\n\nChange-Id: {same}", f"fix\n\nChange-Id: {same}\n(cherry picked)",
                 f"other\n\nneeds {same}, not here\n\nChange-Id: I{'b' * 40}"):  # fmt: skip
        git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty",
            "-m", body)  # fmt: skip
        ids.append(git("rev-parse", "--short=10", "HEAD"))
    repo = TOOL["Git"](str(tmp_path))
    try:
        assert sorted(repo.twins(ids[0])) == sorted(ids[:2])
        assert repo.twins(ids[2]) == [ids[2]]
    finally:
        repo.close()
