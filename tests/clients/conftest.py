"""Fixtures for running the real OpenStack clients against a cloud in-process.

Tests that need Nova, Cinder or Glance ask for them with `client_helpers.needs`: they are
skipped, saying which service is missing, only until that service exists on `Cloud`.
"""

import pytest
from osc_inprocess import resource_attributes, stale_attributes

from tests.booted import booted


@pytest.fixture(autouse=True)
def _resource_attributes_kept():
    """openstacksdk's resources read their classes' attributes from answers kept once a
    process (osc_inprocess.resource_attributes says why; test_osc_inprocess.py checks each
    kept answer against the library's own walk)."""
    with resource_attributes():
        yield


@pytest.fixture(scope="session", autouse=True)
def _kept_attributes_stayed_the_librarys():
    """When the folder's tests end, every class's attributes kept by any of them are still what
    openstacksdk's own walk finds (test_osc_inprocess.py checks only those kept before it runs):
    the memo changed nothing a test saw. An error of the last test's teardown otherwise."""
    yield
    stale = stale_attributes()
    assert not stale, f"openstacksdk resource classes changed while kept: {stale[:5]}"


@pytest.fixture
def cloud():
    """A fresh cloud."""
    return booted()


@pytest.fixture
def intercept(cloud):
    """``cloud.intercept()``, entered for the whole test (its `calls` log the traffic)."""
    with cloud.intercept() as active:
        yield active


@pytest.fixture
def intercepted(cloud, intercept):
    """The cloud, with ``requests`` routed to it and its clock bound for the whole test."""
    return cloud
