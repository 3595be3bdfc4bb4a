"""Shared pieces of the explorer's tests: the small scenario files they explore."""

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


@pytest.fixture
def shared_link(tmp_path):
    """A copy of the shared-link scenario (throughput jitter breaks its exact timing)."""
    target = tmp_path / "shared_link.yaml"
    target.write_text((HERE / "shared_link.yaml").read_text())
    return target
