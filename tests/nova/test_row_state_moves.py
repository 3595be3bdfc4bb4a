"""A saved copy moves its row's states by `StateMachine.move_plain` (ed3fb243): the same
check, writes and ``state`` event as `StateMachine.move`, for every machine a save moves
(vm_state and task_state, whose states are text, and power_state, whose are numbers)."""

from __future__ import annotations

import pytest

from fakecloud import Cloud
from fakecloud.errors import IllegalTransition
from fakecloud.nova import states
from fakecloud.nova.objects import Instance

MACHINES = {
    "vm_state": states.VM_STATE,
    "task_state": states.TASK_STATE,
    "power_state": states.POWER_STATE,
}


def _legal_and_illegal(machine):
    """A state with a way out, a move the table allows from it and one it does not."""
    every = [*machine.transitions, *(s for ways in machine.transitions.values() for s in ways)]
    for old, ways in machine.transitions.items():
        refused = [s for s in every if s != old and s not in ways]
        if ways and refused:
            return old, next(iter(ways)), refused[0]
    raise AssertionError(f"{machine.name}: no state to test from")


def _moved(field, old, new, plain):
    """The row's field, its updated_at and the state event after the move (or the error)."""
    cloud = Cloud(seed=1)
    cloud.run(until=7)
    row = Instance.new(uuid="u-1", project_id="p", user_id="u", flavor=None, **{field: old})
    machine = MACHINES[field]
    try:
        if plain:
            machine.move_plain(cloud.kernel, row, old, new, "nova-compute", field, "u-1")
        else:
            machine.move(cloud.kernel, row, new, actor="nova-compute", field=field, subject="u-1")
    except IllegalTransition as exc:
        return str(exc), getattr(row, field), row.updated_at
    event = cloud.trace.first(kind="state", subject="u-1")
    return getattr(row, field), row.updated_at, dict(event)


@pytest.mark.parametrize("field", sorted(MACHINES))
def test_a_plain_move_is_a_move(field):
    old, new, refused = _legal_and_illegal(MACHINES[field])
    moved = _moved(field, old, new, plain=True)
    assert moved == _moved(field, old, new, plain=False)
    assert moved[:2] == (new, 7)
    stopped = _moved(field, old, refused, plain=True)
    assert stopped == _moved(field, old, refused, plain=False)
    assert stopped[1:] == (old, None)  # nothing written
