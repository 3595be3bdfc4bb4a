"""Nova's ``[quota] driver`` per release: which drivers a release has."""

import pytest

from fakecloud import Cloud
from fakecloud.errors import ConfigError
from tests.nova.conftest import NovaEnv


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


def test_noop_quota_driver_answers_minus_one_everywhere():
    # NoopQuotaDriver.get_project_quotas / get_defaults (nova/quota.py, 17.0.13-34.0.0): every
    # limit -1, and with usages every in_use -1; the API adds reserved -1 (QUOTAS.get_reserved:
    # "Noop has always returned -1 for reserved").
    env = NovaEnv("upstream", {"nova": {"quota_driver": "NoopQuotaDriver"}})
    project = env.cloud.keystone.token_for("demo").context.project_id
    url = f"/v2.1/os-quota-sets/{project}"
    put = env.request("PUT", url, {"quota_set": {"instances": 2}}, user="admin")
    assert put.json()["quota_set"]["instances"] == -1
    show = env.request("GET", url, user="admin").json()["quota_set"]
    defaults = env.request("GET", url + "/defaults", user="admin").json()["quota_set"]
    assert set(show.values()) == {project, -1} and set(defaults.values()) == {project, -1}
    detail = env.request("GET", url + "/detail", user="admin").json()["quota_set"]
    assert detail["cores"] == {"in_use": -1, "limit": -1, "reserved": -1}
    absolute = env.request("GET", "/v2.1/limits").json()["limits"]["absolute"]
    assert absolute["maxTotalInstances"] == absolute["totalInstancesUsed"] == -1
    assert set(absolute.values()) == {-1}
