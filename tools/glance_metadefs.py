"""Write ``fakecloud/glance/data/metadefs_16-33.json``: the ``etc/metadefs/*.json`` files each
Glance from 16.0.0 to 33.0.0 ships (what ``glance-manage db_load_metadefs`` loads), read from
the Glance mirror (``X.0.0`` tags) and glance 33.0.0's wheel. Each distinct file is stored once
(by its git blob id); ``releases`` lists, per Glance major, the blobs in file-name order. A
file that is no JSON is left out, as the loader skips it.

    python tools/glance_metadefs.py GLANCE_GIT_DIR glance-33.0.0-py3-none-any.whl
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "fakecloud/glance/data/metadefs_16-33.json"


def _git(repo: str, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", repo, *args], check=True, capture_output=True, text=True
    ).stdout


def main(repo: str, wheel: str) -> None:
    files: dict[str, object] = {}
    releases: dict[str, list[str]] = {}
    for major in range(16, 33):
        tree = _git(repo, "ls-tree", f"{major}.0.0", "etc/metadefs/")
        blobs = []
        for line in tree.splitlines():
            meta, path = line.split("\t")
            if path.endswith(".json"):
                blob = meta.split()[2]
                try:
                    files.setdefault(blob, json.loads(_git(repo, "cat-file", "blob", blob)))
                except ValueError:  # db_load_metadefs logs "Failed to parse json file" and
                    continue  # goes on (20.0.0's compute-vmware.json)
                blobs.append(blob)
        releases[str(major)] = blobs
    with zipfile.ZipFile(wheel) as whl:
        names = sorted(n for n in whl.namelist() if "/metadefs/" in n and n.endswith(".json"))
        blobs = []
        for name in names:
            data = whl.read(name)
            blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
            files.setdefault(blob, json.loads(data))
            blobs.append(blob)
        releases["33"] = blobs
    used = {b for bs in releases.values() for b in bs}
    document = {"files": {b: files[b] for b in sorted(used)}, "releases": releases}
    OUT.write_text(json.dumps(document, separators=(",", ":"), sort_keys=False) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
