"""Compare run_cinder.py's answers with run_fakecloud.py's: status, body (ids, dates, hosts and
request ids normalised; a 2xx body by its keys and the values a client acts on), the headers a
client reads: ``python3 compare.py CINDER.json FAKECLOUD.json``."""

import json
import re
import sys
from pathlib import Path

C = json.loads(Path(sys.argv[1] if len(sys.argv) > 1 else "cinder-results.json").read_text())
F = json.loads(Path(sys.argv[2] if len(sys.argv) > 2 else "fc-cinder.json").read_text())
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
HEX = re.compile(r"\b[0-9a-f]{32}\b")
DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")
# Values that differ by deployment, not by behaviour (hosts, the user, the backend's names).
LOCAL = ("host", "user_id", "attached_host", "os-vol-host-attr:host", "connection_info")


def shape(x):
    """`x` with its leaf values replaced by their types (a 2xx body's structure); the
    connection info is the driver's own (the fixture's fake driver is not fakecloud's iSCSI)."""
    if isinstance(x, dict):
        return {
            k: (x[k] if k in ("status", "size", "name", "bootable") else shape(x[k]))
            for k in x
            if k != "connection_info"
        }
    if isinstance(x, list):
        return [shape(v) for v in x]
    return type(x).__name__


def norm(x, ids):
    if isinstance(x, dict):
        x = {k: ("<local>" if k in LOCAL else v) for k, v in x.items()}
    s = json.dumps(x, sort_keys=True)
    for k, v in sorted(ids.items(), key=lambda kv: -len(kv[1])):
        s = s.replace(v, "{" + k + "}")
    s = UUID.sub("<uuid>", s)
    s = HEX.sub("<hex>", s)
    s = DATE.sub("<date>", s)
    s = re.sub(r"http://[^/\"]+", "http://HOST", s)
    s = re.sub(r"req-<uuid>", "<req>", s)
    s = re.sub(r"fakecloud: [^\\]*\\n", lambda m: "\\n", s)  # fakecloud's 404 explanation
    return s


HDRS = ("openstack-api-version", "vary", "location", "content-type")
same = diff = 0
for c, f in zip(C, F, strict=True):
    assert c["name"] == f["name"]
    out = []
    if c["status"] != f["status"]:
        out.append(f"  status cinder {c['status']} fc {f['status']}")
    if c["status"] >= 400 or c["status"] != f["status"]:
        cj, fj = norm(c["json"], c["ids"]), norm(f["json"], f["ids"])
    else:
        cj, fj = norm(shape(c["json"]), c["ids"]), norm(shape(f["json"]), f["ids"])
    if cj != fj:
        out.append(f"  cinder {cj[:600]}\n  fc     {fj[:600]}")
    for h in HDRS:
        cv, fv = c["headers"].get(h), f["headers"].get(h)
        if h == "location" and cv and fv:
            cv, fv = norm(cv, c["ids"]), norm(fv, f["ids"])
        # In-process answers carry no Content-Type unless the service set one (the HTTP
        # layer adds it), so only a present one is compared.
        if h == "content-type" and (fv is None or c["status"] in (202, 204) and not c["json"]):
            continue
        if cv != fv:
            out.append(f"  header {h}: cinder {cv!r} fc {fv!r}")
    h = "x-openstack-request-id"
    if (h in c["headers"]) != (h in f["headers"]):
        out.append(f"  header {h} presence: cinder {h in c['headers']} fc {h in f['headers']}")
    if out:
        diff += 1
        print(c["name"])
        print("\n".join(out))
    else:
        same += 1
print(f"same {same} differ {diff}")
