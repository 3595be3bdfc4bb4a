"""Fixtures of the Keystone write tests: each test writes to its own fork of one booted world
(``upstream``: the latest Keystone's words and policy), so a write shows nowhere else."""

import pytest

from fakecloud import Cloud


@pytest.fixture(scope="module")
def booted():
    """One ``upstream`` world per test module."""
    return Cloud(profile="upstream")


@pytest.fixture
def cloud(booted):
    """The test's own fork of `booted`."""
    return booted.fork()
