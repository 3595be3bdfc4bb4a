"""An image's first move and the moves that name its size (an upload's ``saving`` and
``active``) are written by Glance's own writers (`born`, `set_status` at a site per move):
the same events, the same shapes and the same row as `StateMachine.move` gives them."""

import types

import pytest

from fakecloud.glance.models import Image
from fakecloud.glance.states import IMAGE_STATUS, born, check_status, set_status
from fakecloud.sim.trace import Trace


class _Kernel:
    """What a move reads of a kernel: the clock and the trace."""

    def __init__(self):
        self.env = types.SimpleNamespace(_now=0.0)
        self.trace = Trace(lambda: self.env._now).read_clock(self.env)


def _machine_move(kernel, image, new, details):
    """What `born` and `set_status` did before: the machine's move with its details."""
    if image.status is not None:
        check_status(image, new)
    IMAGE_STATUS.move(kernel, image, new, actor="glance", details=details)


def _uploads(own_writers, owners, sizes):
    kernel = _Kernel()
    rows = []
    for i, size in enumerate(sizes):
        kernel.env._now = float(i)
        owner = owners[i % len(owners)]
        image = Image(
            id=f"img-{i}",
            owner=owner,
            created_at=0.0,
            updated_at=0.0,
            disk_format="raw",
            container_format="bare",
        )
        if own_writers:
            born(kernel, image)
        else:
            image.status = None
            _machine_move(kernel, image, "queued", {"owner": owner})
        for step, new in enumerate(("saving", "active")):
            kernel.env._now = i + 0.25 * (step + 1)
            if own_writers:
                set_status(kernel, image, new, details={"size": size})
            else:
                _machine_move(kernel, image, new, {"size": size})
        rows.append((image.status, image.updated_at, image.size))
    return kernel.trace, rows


@pytest.mark.parametrize(
    "owners, sizes",
    [
        (["p1"], [0, 10, 10, 2**40]),
        (["p1", None], [5, None, 7, None, 0]),  # a size of None is text: held as a constant
        ([f"p{i}" for i in range(20)], list(range(20))),  # owners past the variants: per event
    ],
)
def test_glances_own_writers_write_what_the_machines_move_writes(owners, sizes):
    mine, my_rows = _uploads(True, owners, sizes)
    machine, machine_rows = _uploads(False, owners, sizes)
    assert list(mine) == list(machine)
    assert mine.snapshot() == machine.snapshot()
    assert my_rows == machine_rows


def test_an_illegal_sized_move_is_glances_error_and_writes_nothing():
    kernel = _Kernel()
    image = Image(id="img", owner="p1", created_at=0.0, updated_at=0.0)
    born(kernel, image)
    with pytest.raises(Exception, match="must be set prior to saving data"):
        set_status(kernel, image, "saving", details={"size": 1})
    assert image.status == "queued" and len(kernel.trace) == 1
