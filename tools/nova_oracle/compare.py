"""Compare run_nova.py's answers with run_fakecloud.py's: status, fault JSON (exact text; ids,
hosts and fakecloud's own 404 explanation normalised), a 2xx body by its shape, the headers a
client reads: ``python3 compare.py NOVA.json FAKECLOUD.json``.

A 2xx body is compared by `shape`: each object's key set and its values' types, each list's
length and items (so a list holding rows the other side's does not, or a missing
``servers_links``, is a difference), exact values only for `VALUES`, which are the same on both
sides whatever the ids, times and fixtures (a state, a name the case chose)."""

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import cases  # noqa: E402
from oracle_compare import (  # noqa: E402
    FAKECLOUD_404,
    answers,
    header_lines,
    in_process_content_type,
    named,
    presence_lines,
    shape_lines,
    tally,
)

N, F = answers(sys.argv[1:], "nova-results.json", "fc-results.json")
HDRS = ("openstack-api-version", "x-openstack-nova-api-version", "vary", "location", "content-type")
METHOD = {name: method for name, method, *_ in cases.CASES}
#: The 2xx body values compared as they are (the rest by type). Not the power state: the
#: fixtures' fake driver leaves a paused server RUNNING and a rescued one SHUTDOWN (libvirt's
#: are PAUSED and RUNNING, as fakecloud's). The zone: both runners' hosts are in ``nova``, an
#: offloaded server in none from 19.0.0 (session 26). A volume's ``device`` and
#: ``delete_on_termination``: the compute manager names the device (the root ``a``, then ``b``...;
#: its bus prefix is the driver's, `_leaf`) and the request sets the flag (session 27: both
#: were compared by type).
VALUES = (
    "status",
    "state",
    "name",
    "rel",
    "version",
    "min_version",
    "action",
    "OS-EXT-STS:vm_state",
    "OS-EXT-STS:task_state",
    "locked",
    "OS-EXT-AZ:availability_zone",
    "device",
    "delete_on_termination",
)

#: Maps whose keys are the fixtures' data: an image's properties (Nova's `GlanceFixture` images
#: carry ``architecture``), a flavor's extra specs (its ``m1.tiny.specs``).
FIXTURE_DATA = ("properties", "extra_specs")


def shape(x, ids):
    """`x` with its leaf values replaced by their types but for `VALUES`; the name of a server
    the runner booted (its id one of the side's `ids`) is ``<booted>``: the two runners name
    them differently. A list's items are sorted: ties in Nova's sort keys order by chance."""
    if isinstance(x, dict):
        booted = x.get("id") in ids.values()
        return {k: "<booted>" if k == "name" and booted else _leaf(k, v, ids) for k, v in x.items()}
    if isinstance(x, list):
        return sorted((shape(v, ids) for v in x), key=_order)
    return type(x).__name__


def _order(item):
    """A list item's sort key: its exact values first, in `VALUES` order (the two sides' items
    pair by their status), then its whole shape."""
    exact = [item.get(k) for k in VALUES] if isinstance(item, dict) else []
    return json.dumps(exact) + json.dumps(item, sort_keys=True)


#: A device name's bus prefix (``/dev/vda``, ``/dev/sda``, ``/dev/xvda``, ``/dev/hda``).
BUS = re.compile(r"^/dev/(x?v|s|h)d")


def _leaf(key, value, ids):
    """`value` itself if `key` is one of `VALUES` and it is no object or list, else its shape;
    a ``device`` without its bus prefix: the fake driver names disks ``/dev/sdX``, libvirt's
    virtio bus ``/dev/vdX``, and the letter (the order the compute manager gave) is compared."""
    if key in FIXTURE_DATA:
        return type(value).__name__
    if key == "device" and isinstance(value, str):
        return BUS.sub("/dev/<bus>d", value)
    exact = key in VALUES and not isinstance(value, dict | list)
    return value if exact else shape(value, ids)


def norm(x, ids):
    return FAKECLOUD_404.sub(lambda m: "\\n", named(json.dumps(x, sort_keys=True), ids))


def differences(n, f):
    out = []
    if n["status"] != f["status"]:
        out.append(f"  status nova {n['status']} fc {f['status']}")
    if n["status"] >= 400 or n["status"] != f["status"]:
        nj, fj = norm(n["json"], n["ids"]), norm(f["json"], f["ids"])
        if nj != fj:
            out.append(f"  nova {nj[:400]}\n  fc   {fj[:400]}")
    elif METHOD.get(n["name"]) != "HEAD":  # the HTTP side reads no body of a HEAD
        lines = shape_lines(shape(n["json"], n["ids"]), shape(f["json"], f["ids"]), "nova")
        out += ["  " + line for line in dict.fromkeys(lines)]
    out += header_lines(n, f, HDRS, "nova", norm, in_process_content_type)
    return out + presence_lines(n, f, ("x-openstack-request-id", "x-compute-request-id"), "nova")


tally(N, F, differences, "nova")
