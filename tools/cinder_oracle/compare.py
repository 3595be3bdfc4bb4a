"""Compare run_cinder.py's answers with run_fakecloud.py's: status, body (ids, dates, hosts and
request ids normalised; a 2xx body by its keys and the values a client acts on), the headers a
client reads: ``python3 compare.py CINDER.json FAKECLOUD.json``."""

import json
import re
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

C, F = answers(sys.argv[1:], "cinder-results.json", "fc-cinder.json")
# Values that differ by deployment, not by behaviour (hosts, the user, the backend's names).
LOCAL = ("host", "user_id", "attached_host", "os-vol-host-attr:host", "connection_info")


#: The 2xx body values compared as they are (the rest by type).
VALUES = (
    "status",
    "size",
    "name",
    "bootable",
    "migration_status",
    "os-vol-mig-status-attr:migstat",
    "device",
)


def shape(x):
    """`x` with its leaf values replaced by their types but for `VALUES` (a 2xx body's
    structure and the values a client acts on); the connection info is left out: the
    driver's own (the fixture's fake driver is not fakecloud's iSCSI)."""
    if isinstance(x, dict):
        return {k: (x[k] if k in VALUES else shape(x[k])) for k in x if k != "connection_info"}
    if isinstance(x, list):
        if x and all(isinstance(v, dict) and "alias" in v for v in x):
            # the extensions, in the order os.listdir gave the contrib directory's files
            x = sorted(x, key=lambda v: v["alias"])
        return [shape(v) for v in x]
    return type(x).__name__


# `POST /workers/cleanup`'s "must be Snapshot or Volume": Cinder joins a set
# (`cleanable_resource_types`, cinder/api/v3/workers.py), in its process's string hash order.
CLEANABLE_TYPES = re.compile(r"must be (\w+) or (\w+)")


def norm(x, ids):
    if isinstance(x, dict):
        x = {k: ("<local>" if k in LOCAL else v) for k, v in x.items()}
    s = named(json.dumps(x, sort_keys=True), ids, dates=True)
    s = re.sub(r"req-<uuid>", "<req>", s)
    s = CLEANABLE_TYPES.sub(lambda m: "must be " + " or ".join(sorted(m.groups())), s)
    return FAKECLOUD_404.sub(lambda m: "\\n", s)


HDRS = ("openstack-api-version", "vary", "location", "content-type")


def differences(c, f):
    out = []
    if c["status"] != f["status"]:
        out.append(f"  status cinder {c['status']} fc {f['status']}")
    if c["status"] >= 400 or c["status"] != f["status"]:
        cj, fj = norm(c["json"], c["ids"]), norm(f["json"], f["ids"])
    else:
        cj, fj = norm(shape(c["json"]), c["ids"]), norm(shape(f["json"]), f["ids"])
    # the same bytes are the same answer, whatever a side's ids would make of them (fakecloud's
    # scheduler host is `cinder`, a word of Cinder's own messages)
    if cj != fj and c["json"] != f["json"]:
        out.append(f"  cinder {cj[:600]}\n  fc     {fj[:600]}")
    out += header_lines(c, f, HDRS, "cinder", norm, in_process_content_type)
    return out + presence_lines(c, f, ("x-openstack-request-id",), "cinder")


tally(C, F, differences, "cinder")
