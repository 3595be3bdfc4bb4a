"""A pytest plugin for share 2 of `make test` (the Makefile's ``-p tests.no_clients``): the
OpenStack clients' imports refused in that process.

Share 1 runs tests/clients and imports the clients anyway; every other file whose tests import
openstacksdk, keystoneauth, osc or a client library (or import a module that does) belongs in
the Makefile's ``SHARE_1``, so that share 2 does not import them too (about 0.3 CPU-s; session
44). Nothing showed a file that broke the split: it only made share 2 slower. Here such a file
fails share 2 instead, at collection (an import at its top) or in the test that imports one,
with an `ImportError` saying where it belongs. Subprocesses (``openstack``, ``fakecloud
serve``) are not this process: they import what they need."""

from __future__ import annotations

import sys

#: The top-level packages of the OpenStack client stack.
CLIENTS = frozenset(
    {
        "openstack",
        "keystoneauth1",
        "novaclient",
        "cinderclient",
        "glanceclient",
        "osc_lib",
        "openstackclient",
    }
)


class ClientImportsRefused:
    """A `sys.meta_path` finder that refuses `CLIENTS` and leaves every other import to the
    finders after it."""

    def find_spec(self, name, path=None, target=None):
        """Raise for a client's module; None (not mine) for any other."""
        if name.partition(".")[0] in CLIENTS:
            raise ImportError(
                f"{name}: share 2 of make test imports no OpenStack client; a test file that "
                "drives one (or imports a module that does) belongs in the Makefile's SHARE_1",
                name=name,
            )
        return None


def pytest_configure(config):
    """Refuse the clients' imports from now on in this process (before any test module is
    imported), unless one was imported already."""
    loaded = sorted(name for name in CLIENTS if name in sys.modules)
    if loaded:
        raise RuntimeError(f"share 2 has imported {', '.join(loaded)} before its first test file")
    sys.meta_path.insert(0, ClientImportsRefused())
