"""The server actions' own body schemas came with f86cd38dfe (30.0.0, "api: Add remaining
missing request body schemas": pause, unpause, suspend, resume, lock before 2.73, unlock,
shelve, shelveOffload, unshelve before 2.77, restore, forceDelete, os-start, os-stop,
confirmResize, revertResize, unrescue, injectNetworkInfo, os-resetNetwork, the RDP console);
before, those actions checked no schema. Each new schema takes any value of its action's key
and refuses every other key, which ``action_peek`` had already refused ("too many body keys":
400 "Malformed request body", 17.0.0-34.0.0): no body is answered differently on either side
of 30.0.0, on ``/v2.1`` or ``/v2``. (The security group actions' schemas, which do check the
value from 31.0.0, are `fakecloud.nova.api.security_group_actions`'.)"""

from __future__ import annotations

import pytest

from fakecloud import Cloud

NO_SUCH = "9a2c1e7e-0000-4000-8000-000000000001"


@pytest.mark.parametrize("profile", ["nova-29.4.0", "nova-30.0.0"])
@pytest.mark.parametrize("prefix", ["/v2.1", "/v2/{project_id}"])
def test_an_action_body_is_answered_alike_before_and_after_its_schema(profile, prefix):
    cloud = Cloud(seed=0, profile=profile)
    path = f"{prefix}/servers/{NO_SUCH}/action"
    any_value = cloud.request("compute", "POST", path, body={"pause": {"x": [1]}})
    assert (any_value.status, any_value.json()) == (
        404,
        {"itemNotFound": {"code": 404, "message": f"Instance {NO_SUCH} could not be found."}},
    )
    two_keys = cloud.request("compute", "POST", path, body={"os-stop": None, "foo": 1})
    assert (two_keys.status, two_keys.json()) == (
        400,
        {"badRequest": {"code": 400, "message": "Malformed request body"}},
    )
