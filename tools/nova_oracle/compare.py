"""Compare run_nova.py's answers with run_fakecloud.py's: status, fault JSON (exact text; ids,
hosts and fakecloud's own 404 explanation normalised), the headers a client reads:
``python3 compare.py NOVA.json FAKECLOUD.json``."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from oracle_compare import (  # noqa: E402
    FAKECLOUD_404,
    answers,
    header_lines,
    in_process_content_type,
    named,
    presence_lines,
    tally,
)

N, F = answers(sys.argv[1:], "nova-results.json", "fc-results.json")
HDRS = ("openstack-api-version", "x-openstack-nova-api-version", "vary", "location", "content-type")


def norm(x, ids):
    return FAKECLOUD_404.sub(lambda m: "\\n", named(json.dumps(x, sort_keys=True), ids))


def differences(n, f):
    out = []
    if n["status"] != f["status"]:
        out.append(f"  status nova {n['status']} fc {f['status']}")
    nj, fj = norm(n["json"], n["ids"]), norm(f["json"], f["ids"])
    if n["status"] >= 400 or n["status"] != f["status"]:
        if nj != fj:
            out.append(f"  nova {nj[:400]}\n  fc   {fj[:400]}")
    elif ("image_id" in (n["json"] or {}) or "image_id" in (f["json"] or {})) and nj != fj:
        out.append(f"  body nova {nj[:200]} fc {fj[:200]}")
    out += header_lines(n, f, HDRS, "nova", norm, in_process_content_type)
    return out + presence_lines(n, f, ("x-openstack-request-id", "x-compute-request-id"), "nova")


tally(N, F, differences, strict=False)
