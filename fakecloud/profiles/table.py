"""The switch table: every switch of every layer, by name, checked once at import.

The check keeps the data honest: names unique, every release named by a change or backport a
real release, backports in an older series than their master change, commits abbreviated ids,
and a change's releases in master order.
"""

from __future__ import annotations

import re

from fakecloud.profiles import (
    switches_api,
    switches_cinder,
    switches_compute,
    switches_driver,
    switches_encryption,
    switches_glance,
    switches_keystone,
    switches_locks,
    switches_notifications,
)
from fakecloud.profiles.provenance import Switch
from fakecloud.profiles.releases import release

_COMMIT = re.compile(r"^[0-9a-f]{10}$")


def _check(switches: tuple[Switch, ...]) -> dict[str, Switch]:
    table: dict[str, Switch] = {}
    for sw in switches:
        if sw.name in table:
            raise AssertionError(f"switch {sw.name} is defined twice")
        last = None
        for change in sw.changes:
            master = release(change.release)
            if last is not None and master < last:
                raise AssertionError(f"switch {sw.name}: changes out of master order")
            last = master
            for rel, commit in change.points():
                if not _COMMIT.match(commit):
                    raise AssertionError(f"switch {sw.name}: bad commit id {commit!r}")
                if release(rel).major > master.major:
                    raise AssertionError(f"switch {sw.name}: backport {rel} after master")
        table[sw.name] = sw
    return table


#: Every switch, by name.
SWITCHES: dict[str, Switch] = _check(
    switches_api.SWITCHES
    + switches_compute.SWITCHES
    + switches_driver.SWITCHES
    + switches_cinder.SWITCHES
    + switches_glance.SWITCHES
    + switches_notifications.SWITCHES
    + switches_locks.SWITCHES
    + switches_encryption.SWITCHES
    + switches_keystone.SWITCHES
)

#: The Launchpad-bug switches' names (``lp<number>``: `Switch.is_bug`), in the table's order:
#: a config's ``bugs:`` list is checked against them in every cloud built with one.
BUGS: tuple[str, ...] = tuple(name for name, switch in SWITCHES.items() if switch.is_bug)
