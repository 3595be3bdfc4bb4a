"""Compare run_keystone.py's answers with run_fakecloud.py's: status, an error body exactly
(ids, tokens, dates and hosts normalised), a 2xx body by its shape, the headers a client
reads: ``python3 compare.py KEYSTONE.json FAKECLOUD.json`` (``-v``: whole bodies).

A 2xx body's shape: each object's keys and its values' types, each list's length and items
(sorted), exact values only for `VALUES`: what both sides hold whatever their ids and times
(a name, a flag, a role's or an interface's name, an error's words)."""

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from oracle_compare import answers, header_lines, named, shape_lines, tally  # noqa: E402

K, F = answers([a for a in sys.argv[1:] if a != "-v"], "keystone-results.json",
               "fc-keystone-results.json")  # fmt: skip
WIDTH = 100_000 if "-v" in sys.argv else 400
HDRS = (
    "content-type",
    "location",
    "vary",
    "openstack-auth-receipt",
    "allow",
    "access-control-allow-origin",
)
VALUES = ("name", "enabled", "description", "methods", "interface", "type", "region",
          "region_id", "is_domain", "domain_id", "parent_id", "status", "id", "email")  # fmt: skip


#: fakecloud's explanation after Werkzeug's 404 page, on a line of its own (a runner keeps
#: 300 characters of a body that is no JSON: it may be cut short), or in parentheses after
#: the legacy router's JSON 404 message (13.x-14.x: `fakecloud.identity.legacy_router`).
FAKECLOUD_LINE = re.compile(r'( \()?fakecloud: [^"\\]*(\\n)?')


def norm(x, ids):
    """`x` as sorted JSON text, the side's own ids, tokens, dates and hosts as names, without
    fakecloud's explanation line."""
    return FAKECLOUD_LINE.sub("", named(json.dumps(x, sort_keys=True), ids, dates=True))


def shape(x, ids):
    """`x` with its leaf values replaced by their types but for `VALUES` (ids as names)."""
    if isinstance(x, dict):  # a key may be an id (``subtree_as_ids``)
        return {named(k, ids): _leaf(k, v, ids) for k, v in x.items()}
    if isinstance(x, list):
        items = [shape(v, ids) for v in x]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    return type(x).__name__


def _leaf(key, value, ids):
    if key in VALUES and not isinstance(value, dict | list):
        return json.loads(named(json.dumps(value), ids)) if isinstance(value, str) else value
    if key == "links" and isinstance(value, dict):
        return {k: type(v).__name__ for k, v in value.items()}
    return shape(value, ids)


def differences(k, f):
    out = []
    if k["status"] != f["status"]:
        out.append(f"  status keystone {k['status']} fc {f['status']}")
    if k["status"] == 500 and "_propagated" in (k["json"] or {}):
        return out  # the WSGI server's own 500 page: no Keystone body or headers to compare
    if k["status"] >= 400 or k["status"] != f["status"] or "-v" in sys.argv:
        kj, fj = norm(k["json"], k["ids"]), norm(f["json"], f["ids"])
        if kj != fj:
            out.append(f"  keystone {kj[:WIDTH]}\n  fc       {fj[:WIDTH]}")
    else:
        lines = shape_lines(shape(k["json"], k["ids"]), shape(f["json"], f["ids"]), "keystone")
        out += ["  " + line for line in dict.fromkeys(lines)]
    return out + header_lines(
        k, f, HDRS, "keystone", lambda v, ids: named(v, ids), skip=_same_methods
    )


def _same_methods(name, real, fc_value):
    """``Allow`` naming the same methods: Werkzeug lists them from a set, in the order of the
    process's string hashes."""
    real_value = real["headers"].get(name)
    if name != "allow" or real_value is None or fc_value is None:
        return False
    return sorted(real_value.split(", ")) == sorted(fc_value.split(", "))


tally(K, F, differences, "keystone")
