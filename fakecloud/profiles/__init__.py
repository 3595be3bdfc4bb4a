"""Behaviour switches, Nova releases, and the profiles computed from them.

What differs between Nova releases, or what a known bug changes, is a named **switch** with
its provenance: the value in 17.0.0, and each change — the release on master, every stable
backport, the commit, one line of why (`provenance`). A **profile** is a Nova release (every
tag from 17.0.0 to 34.0.0, `releases`) plus, optionally, the vendor instance-snapshot branch;
its switch values are computed from the release, never written by hand (`resolve`):

- ``nova-20.6.0`` (``+vendor`` for the vendor branch), ``upstream`` = ``nova-34.0.0``;
- ``seed`` (default) = ``nova-17.0.13+vendor``, ``seed-17.0.4`` another Queens point release.

Switches named after a Launchpad bug (``lp1731986``) are ``True`` in the releases that have the
bug, so a replay needs only a release; naming a bug on (``bugs: [lp1731986]``) or off
(``switches: {lp1731986: false}``) works on top of any release. Cinder and Glance follow the
release's series (`series`).

    >>> s = Switches.for_profile("upstream", {"lp1731986": True})
    >>> s.max_microversion, s.lp1731986
    ('2.104', True)
"""

from fakecloud.profiles.provenance import Backport, Change, Switch
from fakecloud.profiles.releases import RELEASES, SERIES, Release, Series, release
from fakecloud.profiles.resolve import ALIASES, PROFILES, Profile, Switches, resolve
from fakecloud.profiles.table import SWITCHES

__all__ = [
    "ALIASES",
    "PROFILES",
    "RELEASES",
    "SERIES",
    "SWITCHES",
    "Backport",
    "Change",
    "Profile",
    "Release",
    "Series",
    "Switch",
    "Switches",
    "release",
    "resolve",
]
