"""A restarted nova-compute kills its running tasks in the order they started, in every
Python process: they were a set of processes, iterated in the order of their addresses, so two
tasks killed at one instant (a snapshot's upload and a build) traced their ends in an order
that changed from one process to the next (`make explore`'s recycled-world check of
scenarios/explore/disable_during_boot.yaml, seed 16, failed one run in three)."""

from fakecloud import Cloud


def test_a_restart_kills_its_tasks_in_the_order_they_started():
    cloud = Cloud()
    manager = cloud.nova.hosts["cmp-1"]
    ended = []

    def task(n):
        try:
            yield cloud.kernel.env.timeout(100)
        finally:
            ended.append(n)

    for n in range(40):  # a set of 40 processes iterates in start order by no chance
        manager.spawn_task(task(n), f"task {n}")
    cloud.advance(1)
    cloud.nova.restart_compute("cmp-1", down_s=1.0)
    cloud.advance(1)
    assert ended == list(range(40))
    killed = cloud.trace.filter(kind="nova.compute", phase="task killed")
    assert len(killed) == 40
