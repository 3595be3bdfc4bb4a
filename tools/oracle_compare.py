"""What the three oracles' ``compare.py`` share (tools/nova_oracle, cinder_oracle,
glance_oracle): reading the two answer files, a side's own ids, uuids, hex ids, dates and hosts
replaced by names, the headers a client reads compared, and the tally of cases the same.

Each ``compare.py`` says how its service's bodies are read (whole, or a 2xx by its shape) and
which headers count; the rest is here, so the three print differences alike.
"""

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
HEX = re.compile(r"\b[0-9a-f]{32}\b")
DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")
HOST = re.compile(r"http://[^/\"]+")
#: fakecloud's own explanation line in a 404 body (the real router's has none).
FAKECLOUD_404 = re.compile(r"fakecloud: [^\\]*\\n")


def answers(args: list[str], default_real: str, default_fakecloud: str) -> tuple[list, list]:
    """The real side's and fakecloud's answers: the files named in `args`, else the defaults."""
    real = Path(args[0] if args else default_real)
    fakecloud = Path(args[1] if len(args) > 1 else default_fakecloud)
    return json.loads(real.read_text()), json.loads(fakecloud.read_text())


def named(text: str, ids: dict[str, str], dates: bool = False) -> str:
    """`text` with a side's own ids (longest first) as ``{name}``, other uuids and 32-digit hex
    ids as placeholders, hosts as ``http://HOST`` and, with `dates`, ISO 8601 times too."""
    for key, value in sorted(ids.items(), key=lambda kv: -len(kv[1])):
        text = text.replace(value, "{" + key + "}")
    text = HEX.sub("<hex>", UUID.sub("<uuid>", text))
    if dates:
        text = DATE.sub("<date>", text)
    return HOST.sub("http://HOST", text)


def header_lines(
    real: dict,
    fakecloud: dict,
    names: Iterable[str],
    side: str,
    norm: Callable[[Any, dict], str],
    skip: Callable[[str, dict, Any], bool] = lambda name, real, value: False,
) -> list[str]:
    """A line for each header of `names` whose values differ (a ``location`` normalised by
    `norm` with each side's ids), unless `skip(name, real, fakecloud_value)`."""
    lines = []
    for name in names:
        real_value, fc_value = real["headers"].get(name), fakecloud["headers"].get(name)
        if name == "location" and real_value and fc_value:
            real_value = norm(real_value, real["ids"])
            fc_value = norm(fc_value, fakecloud["ids"])
        if skip(name, real, fc_value):
            continue
        if real_value != fc_value:
            lines.append(f"  header {name}: {side} {real_value!r} fc {fc_value!r}")
    return lines


def wire_header_dict(response: Any) -> dict[str, str]:
    """A fakecloud answer's headers as its HTTP server sends them (the gateway's
    `wire_headers`: a JSON body's ``Content-Type`` added), names lower-cased, repeated lines
    joined with ", " as ``requests`` joins them: what the real side's record holds."""
    from fakecloud.transport.gateway import wire_headers

    out: dict[str, str] = {}
    for name, value in wire_headers(response):
        key = name.lower()
        out[key] = f"{out[key]}, {value}" if key in out else value
    return out


def answer_json(response: Any) -> Any:
    """A fakecloud answer's body as the real side's runner reads it off the wire: JSON (an
    empty object too: ``{}`` is a body), None for none, else its first 300 characters."""
    if response.body is None or response.body == b"":
        return None
    try:
        return response.json()
    except Exception:  # noqa: BLE001 - any body that is no JSON is kept as text
        return {"_text": response.body[:300].decode(errors="replace")}


def in_process_content_type(name: str, real: dict, value: Any) -> bool:
    """A `header_lines` skip: in-process answers carry no Content-Type unless the service set
    one (the HTTP layer adds it), so only a present one is compared."""
    if name != "content-type":
        return False
    return value is None or real["status"] in (202, 204) and not real["json"]


def presence_lines(real: dict, fakecloud: dict, names: Iterable[str], side: str) -> list[str]:
    """A line for each header of `names` present on one side only (request ids: their values
    differ by nature)."""
    lines = []
    for name in names:
        on_real, on_fc = name in real["headers"], name in fakecloud["headers"]
        if on_real != on_fc:
            lines.append(f"  header {name} presence: {side} {on_real} fc {on_fc}")
    return lines


def shape_lines(real: Any, fakecloud: Any, side: str, path: str = "body") -> Iterable[str]:
    """Where two bodies' shapes (the real `side`'s and fakecloud's) differ, a line each: keys
    on one side only, a list's length, a type or value; a list's items by ``[]``."""
    if isinstance(real, dict) and isinstance(fakecloud, dict):
        only_r, only_f = sorted(set(real) - set(fakecloud)), sorted(set(fakecloud) - set(real))
        if only_r or only_f:
            yield f"{path}: keys {side} only {only_r} fc only {only_f}"
        for k in sorted(set(real) & set(fakecloud)):
            yield from shape_lines(real[k], fakecloud[k], side, f"{path}.{k}")
    elif isinstance(real, list) and isinstance(fakecloud, list):
        if len(real) != len(fakecloud):
            yield f"{path}: {side} {len(real)} items fc {len(fakecloud)}"
        for a, b in zip(real, fakecloud, strict=False):
            yield from shape_lines(a, b, side, f"{path}[]")
    elif real != fakecloud:
        yield f"{path}: {side} {json.dumps(real)} fc {json.dumps(fakecloud)}"


def paired(real: list, fakecloud: list) -> tuple[list[tuple[dict, dict]], list[str], list[str]]:
    """The two sides' answers to the same case, matched by name (a name asked twice: its
    first answer with the other side's first, and so on), in the real side's order; then the
    names answered on the real side only, and on fakecloud's only (a runner that stopped, or
    ran an older or newer `cases.py`)."""

    def keyed(answers: list) -> dict[tuple[str, int], dict]:
        seen: dict[str, int] = {}
        out = {}
        for a in answers:
            n = seen[a["name"]] = seen.get(a["name"], -1) + 1
            out[(a["name"], n)] = a
        return out

    r, f = keyed(real), keyed(fakecloud)
    pairs = [(a, f[key]) for key, a in r.items() if key in f]
    return pairs, [k[0] for k in r if k not in f], [k[0] for k in f if k not in r]


def tally(
    real: list, fakecloud: list, differences: Callable[[dict, dict], list[str]], side: str = "real"
) -> None:
    """Print each case's differences under its name, the cases one `side` (the real service's
    name) or fakecloud answered and the other did not, then ``same N differ M`` (and
    ``missing K``)."""
    same = differ = 0
    pairs, only_real, only_fc = paired(real, fakecloud)
    for r, f in pairs:
        lines = differences(r, f)
        if lines:
            differ += 1
            print(r["name"])
            print("\n".join(lines))
        else:
            same += 1
    for names, where in ((only_real, f"{side} only"), (only_fc, "fc only")):
        if names:
            print(f"{len(names)} cases answered by {where}: {', '.join(names)}")
    missing = len(only_real) + len(only_fc)
    print(f"same {same} differ {differ}" + (f" missing {missing}" if missing else ""))
