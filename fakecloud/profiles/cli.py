"""``fakecloud profiles``: the releases a cloud can be, and what one profile switches.

fakecloud profiles                     # every release, series by series, and the aliases
fakecloud profiles nova-20.0.0         # every switch: value, and where that value comes from
fakecloud profiles show nova-20.0.0    # the same
fakecloud profiles seed --json         # the same as JSON
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from typing import Any

from fakecloud.errors import ConfigError
from fakecloud.profiles.releases import RELEASES, SERIES, in_series
from fakecloud.profiles.resolve import ALIASES, QUEENS, resolve
from fakecloud.profiles.series import cinder_api, series_apis
from fakecloud.profiles.table import SWITCHES


def list_releases() -> str:
    """The text of ``fakecloud profiles``: releases by series, then the aliases."""
    lines = ["Nova releases (profile nova-X.Y.Z; * = git tag only, not on PyPI):", ""]
    for major, series in SERIES.items():
        names = " ".join(f"{r}{'' if r.on_pypi else '*'}" for r in in_series(major))
        head = f"  {series.name:<17} "  # a long series goes on under its releases, in 80 columns
        lines += textwrap.wrap(names, 80, initial_indent=head, subsequent_indent=" " * len(head))
    lines += ["", "Cinder and Glance of each series (block-storage, image API maximum):", ""]
    for series in SERIES.values():
        apis = series_apis(series)
        lines.append(
            f"  {series.name:<17} Cinder {apis['block-storage']['release']:<5} "
            f"{apis['block-storage']['max_microversion']:<5} "
            f"Glance {apis['image']['release']:<5} {apis['image']['max_version']}"
        )
    lines += [
        "",
        "Aliases:",
        f"  seed        = {ALIASES['seed']} (the vendor build of the seed document)",
        f"  seed-17.0.N = nova-17.0.N+vendor (Queens point releases "
        f"{in_series(QUEENS)[0]} ... {in_series(QUEENS)[-1]})",
        f"  upstream    = {ALIASES['upstream']}",
        "  nova-X.Y.Z+vendor: any release with the vendor instance-snapshot branch",
        "",
        f"{len(RELEASES)} releases, {len(SWITCHES)} switches: "
        "`fakecloud profiles NAME` shows them for one.",
    ]
    return "\n".join(lines)


def describe(name: str) -> dict[str, Any]:
    """One profile as data: its release, series, APIs and every switch with its provenance."""
    p = resolve(name)
    r = p.release
    return {
        "profile": name,
        "canonical": p.canonical,
        "release": r.name,
        "series": r.series.name,
        "on_pypi": r.on_pypi,
        "vendor_branch": p.vendor,
        "apis": series_apis(r.series),
        "switches": {
            sw.name: {
                "value": p.values[sw.name],
                "why": "the vendor instance-snapshot branch"
                if p.vendor and sw.vendor is not None
                else sw.reason_at(r),
                "changes": [
                    {"release": rel, "commit": commit, "value": value, "why": why}
                    for rel, commit, value, why in sw.timeline()
                ],
                "doc": sw.doc,
            }
            for sw in SWITCHES.values()
        },
    }


def show(name: str) -> str:
    """The text of ``fakecloud profiles NAME``."""
    d = describe(name)
    apis = d["apis"]
    head = [
        (d["profile"] if d["profile"] == d["canonical"] else f"{d['profile']} = {d['canonical']}")
        + f": Nova {d['release']}, {d['series']}"
        + ("" if d["on_pypi"] else " (git tag only)"),
        f"  compute {d['switches']['max_microversion']['value']} max microversion; "
        f"block-storage {apis['block-storage']['max_microversion']} (Cinder "
        f"{apis['block-storage']['release']}); image {apis['image']['max_version']} (Glance "
        f"{apis['image']['release']})",
        f"  vendor instance-snapshot branch: {'on' if d['vendor_branch'] else 'off'}",
        "",
    ]
    width = max(len(n) for n in d["switches"])
    rows = []
    for sw_name, info in d["switches"].items():
        rows.append(f"{sw_name:<{width}}  {info['value']!r}")
        rows.append(f"{'':<{width}}    {info['why']}")
    return "\n".join(head + rows)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``fakecloud profiles``; the exit status."""
    p = argparse.ArgumentParser(
        prog="fakecloud profiles",
        description="List the Nova releases fakecloud can be, or show one profile's switches.",
    )
    p.add_argument(
        "words",
        nargs="*",
        metavar="[show] PROFILE",
        help="a profile: nova-X.Y.Z, seed, seed-17.0.N, upstream ('show' before it is optional)",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    args = p.parse_args(argv)
    words = args.words[1:] if args.words[:1] == ["show"] else args.words
    if len(words) > 1 or (args.words == ["show"]):
        p.error("give one profile, as `fakecloud profiles [show] PROFILE`")
    args.profile = words[0] if words else None
    try:
        if args.profile is None:
            if args.json:
                out = json.dumps(
                    {
                        "releases": [
                            {
                                "release": r.name,
                                "series": r.series.name,
                                "on_pypi": r.on_pypi,
                                "cinder": cinder_api(r.series)["release"],
                                "glance": f"{r.series.glance}.x",
                            }
                            for r in RELEASES
                        ],
                        "aliases": ALIASES,
                    },
                    indent=2,
                )
            else:
                out = list_releases()
        elif args.json:
            out = json.dumps(describe(args.profile), indent=2)
        else:
            out = show(args.profile)
    except ConfigError as exc:
        print(f"fakecloud profiles: {exc}", file=sys.stderr)
        return 2
    print(out)
    return 0
