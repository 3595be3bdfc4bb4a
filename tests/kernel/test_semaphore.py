"""`Semaphore` queues exactly what ``simpy.Resource`` queues, contended or not."""

import simpy

from fakecloud.sim.resources import Semaphore


def _script(resource_class):
    """Holders with overlapping holds, a request given up while queued, a killed holder:
    every event simpy processes, as (time, order number, kind, who)."""
    env = simpy.Environment()
    slots = resource_class(env, capacity=2)
    log = []

    def holder(name, hold, give_up=None):
        with slots.request() as slot:
            outcome = yield slot | env.timeout(give_up) if give_up else slot
            if give_up and slot not in outcome:
                log.append((env.now, name, "gave up"))
                return
            log.append((env.now, name, "got", len(slots.users), len(slots.queue)))
            yield env.timeout(hold)
        log.append((env.now, name, "released", len(slots.users), len(slots.queue)))

    for i, (hold, give_up) in enumerate([(3, None), (1, None), (2, None), (5, 0.5), (1, None)]):
        env.process(holder(f"h{i}", hold, give_up))
    killed = env.process(holder("k", 10))

    def killer():
        # As a compute restart kills a task: its generator closed where it waits (holding
        # or queued), no release.
        yield env.timeout(1.5)
        killed.callbacks.clear()
        if killed._target is not None and killed._resume in killed._target.callbacks:
            killed._target.callbacks.remove(killed._resume)
        killed._generator.close()
        log.append((env.now, "k", "killed", len(slots.users), len(slots.queue)))
        env.process(holder("late", 1))

    env.process(killer())
    steps = []
    while env.peek() < float("inf"):
        when, _, eid, event = env._queue[0]
        steps.append((when, eid, type(event).__name__))
        env.step()
    return steps, log


def test_semaphore_steps_and_grants_as_simpy_resource():
    assert _script(Semaphore) == _script(simpy.Resource)
