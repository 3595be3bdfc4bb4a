"""Compare run_glance.py's answers with run_fakecloud.py's: status, body (ids, projects,
dates and hosts normalised; success bodies too), the headers a client reads:
``python3 compare.py GLANCE.json FAKECLOUD.json`` (``-v``: whole bodies)."""

import json
import re
import sys
from pathlib import Path

args = [a for a in sys.argv[1:] if a != "-v"]
G = json.loads(Path(args[0] if args else "glance-results.json").read_text())
F = json.loads(Path(args[1] if len(args) > 1 else "fc-results.json").read_text())
WIDTH = 100_000 if "-v" in sys.argv else 400
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
HEX = re.compile(r"\b[0-9a-f]{32}\b")
DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")


def _unordered(x, ids):
    """`x` with its ``tags`` and ``images`` lists sorted: Glance keeps tags in a set, and the
    fixture creates every image within a second, so the default sort (``created_at``, then
    ``id``: random uuids) orders them by chance."""
    if isinstance(x, dict):
        out = {k: _unordered(v, ids) for k, v in x.items()}
        for k in ("tags", "images"):
            if isinstance(out.get(k), list):
                out[k] = sorted(out[k], key=lambda v: _text(json.dumps(v, sort_keys=True), ids))
        return out
    if isinstance(x, list):
        return [_unordered(v, ids) for v in x]
    return x


def norm(x, ids):
    """`x` as sorted JSON text, the side's own ids, dates and hosts replaced by names."""
    return _text(json.dumps(_unordered(x, ids), sort_keys=True), ids)


def _text(s, ids):
    for k, v in sorted(ids.items(), key=lambda kv: -len(kv[1])):
        s = s.replace(v, "{" + k + "}")
    s = UUID.sub("<uuid>", s)
    s = HEX.sub("<hex>", s)
    s = DATE.sub("<date>", s)
    return re.sub(r"http://[^/\"]+", "http://HOST", s)


HDRS = (
    "content-type",
    "location",
    "content-md5",
    "content-range",
    "openstack-image-import-methods",
    "openstack-image-store-ids",
    "accept-patch",
)
same = diff = 0
for g, f in zip(G, F, strict=True):
    assert g["name"] == f["name"]
    out = []
    if g["status"] != f["status"]:
        out.append(f"  status glance {g['status']} fc {f['status']}")
    gj, fj = norm(g["json"], g["ids"]), norm(f["json"], f["ids"])
    if gj != fj:
        out.append(f"  glance {gj[:WIDTH]}\n  fc     {fj[:WIDTH]}")
    for h in HDRS:
        gv, fv = g["headers"].get(h), f["headers"].get(h)
        if h == "location" and gv and fv:
            gv, fv = norm(gv, g["ids"]), norm(fv, f["ids"])
        if gv != fv:
            out.append(f"  header {h}: glance {gv!r} fc {fv!r}")
    h = "x-openstack-request-id"
    if (h in g["headers"]) != (h in f["headers"]):
        out.append(f"  header {h} presence: glance {h in g['headers']} fc {h in f['headers']}")
    if out:
        diff += 1
        print(g["name"])
        print("\n".join(out))
    else:
        same += 1
print(f"same {same} differ {diff}")
