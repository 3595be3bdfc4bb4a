"""fakecloud: a deterministic, in-process simulated OpenStack for testing, replaying and
teaching how OpenStack snapshots a server.

    >>> from fakecloud import Cloud
    >>> cloud = Cloud(seed=0, profile="seed")

    >>> @fakecloud.mock()          # moto's habit: a fresh cloud, intercepted, per call
    ... def test(): openstack.connect().image.images()
"""

from typing import TYPE_CHECKING

from fakecloud.version import __version__

if TYPE_CHECKING:
    from fakecloud.cloud import Cloud
    from fakecloud.mocking import mock

__all__ = ["Cloud", "mock", "__version__"]


def __getattr__(name: str):
    """`Cloud` and `mock`, imported from `fakecloud.cloud` and `fakecloud.mocking` on first
    use."""
    # Cloud is imported on first use, not with the package: ``fakecloud.pytest_plugin`` is a
    # submodule, and pytest-xdist's controller, which loads the plugin but runs no test, then
    # imported all of fakecloud before starting its workers.
    if name == "Cloud":
        from fakecloud.cloud import Cloud

        return Cloud
    # mock too: its module imports unittest, tempfile and inspect, which no command of the
    # CLI needs (a tenth of a short ``fakecloud explore``'s start)
    if name == "mock":
        from fakecloud.mocking import mock

        return mock
    raise AttributeError(f"module 'fakecloud' has no attribute {name!r}")
