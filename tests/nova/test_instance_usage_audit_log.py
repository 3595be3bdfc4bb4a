"""``/os-instance_usage_audit_log`` (nova 17.0.13-34.0.0 ``instance_usage_audit_log.py``).
Found by Tempest's ``test_instance_usage_audit_log*`` (session 27): not served, a 404. Shapes
are walked in ``tests/schemas``; here the audit period and the 400."""

from tests.nova.conftest import NovaEnv

_URL = "/v2.1/os-instance_usage_audit_log"


def test_the_last_completed_month_and_every_host_not_run(env: NovaEnv):
    log = env.request("GET", f"{_URL}/2012-01-01 00:00:00", user="admin").json()
    log = log["instance_usage_audit_log"]
    # ``end >= before``: a time at the month's very start audits the month before the last.
    assert (log["period_beginning"], log["period_ending"]) == (
        "2011-11-01 00:00:00",
        "2011-12-01 00:00:00",
    )
    assert log["hosts_not_run"] == sorted(env.cloud.nova.hosts)
    assert log["overall_status"] == f"0 of {len(env.cloud.nova.hosts)} hosts done. 0 errors."
    r = env.request("GET", f"{_URL}/2012-13-01 00:00:00", user="admin")
    assert r.status == 400
    assert r.json()["badRequest"]["message"] == "Invalid timestamp for date 2012-13-01 00:00:00"
