"""Nova's ``[quota] driver`` per release: which drivers a release has."""

import pytest

from fakecloud import Cloud
from fakecloud.errors import ConfigError


@pytest.mark.parametrize("profile", ["seed", "nova-24.0.0"])
def test_unified_limits_driver_is_refused_before_nova_25(profile):
    # nova/quota.py gains UnifiedLimitsDriver (and nova/limit/) in 25.0.0 (Yoga): an older
    # nova-api cannot import ``nova.quota.UnifiedLimitsDriver`` and does not start.
    with pytest.raises(ConfigError, match=r"UnifiedLimitsDriver is in Nova from 25\.0\.0"):
        Cloud(profile=profile, config={"nova": {"quota_driver": "UnifiedLimitsDriver"}})


def test_unified_limits_driver_exists_from_nova_25():
    cloud = Cloud(profile="nova-25.0.0", config={"nova": {"quota_driver": "UnifiedLimitsDriver"}})
    assert cloud.nova.config.quota_driver == "UnifiedLimitsDriver"


def test_an_unknown_quota_driver_is_a_config_error():
    with pytest.raises(
        ConfigError, match=r"got 'DBQuotaDriver' \(did you mean 'DbQuotaDriver'\?\)"
    ):
        Cloud(config={"nova": {"quota_driver": "DBQuotaDriver"}})
