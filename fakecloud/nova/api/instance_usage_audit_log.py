"""``/os-instance_usage_audit_log[/{before}]``
(``nova/api/openstack/compute/instance_usage_audit_log.py``, the same 17.0.13-34.0.0): the
``instance_usage_audit`` task logs of the last completed audit period (``[DEFAULT]
instance_usage_audit_period``, ``month``: the previous calendar month, before now or before the
given ``YYYY-MM-DD HH:MM:SS[.ffffff]``; another is 400 "Invalid timestamp for date X").

The compute hosts write a task log only with ``[DEFAULT] instance_usage_audit`` on (off by
default, not modelled), so every compute host is "not run": ``hosts_not_run`` lists them
(sorted here; Nova lists a set), ``overall_status`` "0 of N hosts done. 0 errors.". Policies
``os_compute_api:os-instance-usage-audit-log:list/show`` (admin; one rule without the suffix,
``rule:admin_api``, before 22.0.0, split from 21.0.0 here as the other split rules). The query is
strict from 2.102.
"""

from __future__ import annotations

import datetime
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova import services
from fakecloud.nova.api import schemas
from fakecloud.nova.policies import USAGE_AUDIT_LOG

#: 9c8d51fa0c: the queries refuse unknown parameters from 2.102.
STRICT_QUERY = "2.102"


def _month_before(when: datetime.datetime) -> datetime.datetime:
    """The first of the month before `when`'s month."""
    if when.month == 1:
        return when.replace(year=when.year - 1, month=12)
    return when.replace(month=when.month - 1)


def last_completed_audit_period(before: datetime.datetime) -> tuple[datetime.datetime, ...]:
    """``utils.last_completed_audit_period`` with the ``month`` unit (offset 1)."""
    end = datetime.datetime(before.year, before.month, 1)
    if end >= before:
        end = _month_before(end)
    return _month_before(end), end


class InstanceUsageAuditLogController:
    """The audit period's task log summary, for now or before a time."""

    def __init__(self, nova: Any):
        self.nova = nova

    def _authorize(self, req: Request, rule: str) -> None:
        schemas.query_validator(req.microversion < STRICT_QUERY).validate(req.query)
        policy = self.nova.policy
        policy.authorize(req.context, USAGE_AUDIT_LOG % rule, None if policy.legacy else {})

    def index(self, req: Request) -> Response:
        """``GET /os-instance_usage_audit_log``: the period completed before now."""
        self._authorize(req, "list")
        log = self._summary(self.nova.kernel.clock.wall_time())
        return Response(200, {"instance_usage_audit_logs": log})

    def show(self, req: Request) -> Response:
        """``GET /os-instance_usage_audit_log/{before}``: the period completed before then."""
        self._authorize(req, "show")
        text = req.params["before"]
        fmt = "%Y-%m-%d %H:%M:%S.%f" if "." in text else "%Y-%m-%d %H:%M:%S"
        try:
            before = datetime.datetime.strptime(text, fmt)
        except ValueError:
            raise HttpError(400, f"Invalid timestamp for date {text}") from None
        return Response(200, {"instance_usage_audit_log": self._summary(before)})

    def _summary(self, before: datetime.datetime) -> dict[str, Any]:
        """``_get_audit_task_logs`` with no task log written."""
        begin, end = last_completed_audit_period(before)
        rows = services.service_get_all(self.nova)
        hosts = sorted({row.host for row in rows if row.binary == services.COMPUTE})
        done = "ALL" if not hosts else f"0 of {len(hosts)}"
        return {
            "period_beginning": str(begin),
            "period_ending": str(end),
            "num_hosts": len(hosts),
            "num_hosts_done": 0,
            "num_hosts_running": 0,
            "num_hosts_not_run": len(hosts),
            "hosts_not_run": hosts,
            "total_instances": 0,
            "total_errors": 0,
            "overall_status": f"{done} hosts done. 0 errors.",
            "log": {},
        }
