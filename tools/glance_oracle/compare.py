"""Compare run_glance.py's answers with run_fakecloud.py's: status, body (ids, projects,
dates and hosts normalised; success bodies too), the headers a client reads:
``python3 compare.py GLANCE.json FAKECLOUD.json`` (``-v``: whole bodies)."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from oracle_compare import answers, header_lines, named, presence_lines, tally  # noqa: E402

G, F = answers([a for a in sys.argv[1:] if a != "-v"], "glance-results.json", "fc-results.json")
WIDTH = 100_000 if "-v" in sys.argv else 400


def _unordered(x, ids):
    """`x` with its ``tags``, ``images`` and ``objects`` lists sorted: Glance keeps tags in a
    set; the fixture creates every image within a second, so the default sort (``created_at``,
    then ``id``: random uuids) orders them by chance; a namespace's metadef objects are read
    with no ORDER BY (``metadef_api/object.py`` ``get_all``), sqlite's walk of the unique index
    (namespace_id, name), fakecloud's the order they were made in."""
    if isinstance(x, dict):
        out = {k: _unordered(v, ids) for k, v in x.items()}
        for k in ("tags", "images", "objects"):
            if isinstance(out.get(k), list):
                out[k] = sorted(out[k], key=lambda v: norm_text(json.dumps(v, sort_keys=True), ids))
        return out
    if isinstance(x, list):
        return [_unordered(v, ids) for v in x]
    return x


def norm_text(text, ids):
    return named(text, ids, dates=True)


def norm(x, ids):
    """`x` as sorted JSON text, the side's own ids, dates and hosts replaced by names."""
    return norm_text(json.dumps(_unordered(x, ids), sort_keys=True), ids)


HDRS = (
    "content-type",
    "location",
    "content-md5",
    "content-range",
    "openstack-image-import-methods",
    "openstack-image-store-ids",
    "accept-patch",
)


def differences(g, f):
    out = []
    if g["status"] != f["status"]:
        out.append(f"  status glance {g['status']} fc {f['status']}")
    gj, fj = norm(g["json"], g["ids"]), norm(f["json"], f["ids"])
    if gj != fj:
        out.append(f"  glance {gj[:WIDTH]}\n  fc     {fj[:WIDTH]}")
    out += header_lines(g, f, HDRS, "glance", norm)
    return out + presence_lines(g, f, ("x-openstack-request-id",), "glance")


tally(G, F, differences, "glance")
