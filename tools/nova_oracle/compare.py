"""Compare run_nova.py's answers with run_fakecloud.py's: status, fault JSON (exact text; ids,
hosts and fakecloud's own 404 explanation normalised), the headers a client reads:
``python3 compare.py NOVA.json FAKECLOUD.json``."""

import json
import re
import sys
from pathlib import Path

N = json.loads(Path(sys.argv[1] if len(sys.argv) > 1 else "nova-results.json").read_text())
F = json.loads(Path(sys.argv[2] if len(sys.argv) > 2 else "fc-results.json").read_text())
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
HEX = re.compile(r"\b[0-9a-f]{32}\b")


def norm(x, ids):
    s = json.dumps(x, sort_keys=True)
    for k, v in sorted(ids.items(), key=lambda kv: -len(kv[1])):
        s = s.replace(v, "{" + k + "}")
    s = UUID.sub("<uuid>", s)
    s = HEX.sub("<hex>", s)
    s = re.sub(r"http://[^/\"]+", "http://HOST", s)
    s = re.sub(r"fakecloud: [^\\]*\\n", lambda m: "\\n", s)  # fakecloud's 404 explanation
    return s


HDRS = ("openstack-api-version", "x-openstack-nova-api-version", "vary", "location", "content-type")
same = diff = 0
for n, f in zip(N, F, strict=False):
    assert n["name"] == f["name"]
    out = []
    if n["status"] != f["status"]:
        out.append(f"  status nova {n['status']} fc {f['status']}")
    nj, fj = norm(n["json"], n["ids"]), norm(f["json"], f["ids"])
    if n["status"] >= 400 or n["status"] != f["status"]:
        if nj != fj:
            out.append(f"  nova {nj[:400]}\n  fc   {fj[:400]}")
    elif ("image_id" in (n["json"] or {}) or "image_id" in (f["json"] or {})) and nj != fj:
        out.append(f"  body nova {nj[:200]} fc {fj[:200]}")
    for h in HDRS:
        nv, fv = n["headers"].get(h), f["headers"].get(h)
        if h == "location" and nv and fv:
            nv, fv = norm(nv, n["ids"]), norm(fv, f["ids"])
        if h == "content-type" and (fv is None or n["status"] in (202, 204) and not n["json"]):
            continue
        if nv != fv:
            out.append(f"  header {h}: nova {nv!r} fc {fv!r}")
    for h in ("x-openstack-request-id", "x-compute-request-id"):
        if (h in n["headers"]) != (h in f["headers"]):
            out.append(f"  header {h} presence: nova {h in n['headers']} fc {h in f['headers']}")
    if out:
        diff += 1
        print(n["name"])
        print("\n".join(out))
    else:
        same += 1
print(f"same {same} differ {diff}")
