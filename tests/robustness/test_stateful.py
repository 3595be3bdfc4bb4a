"""The cross-service state machine (`stateful.CloudMachine`): ``make test`` runs three short
walks of up to 8 steps on the upstream world without the copies (about 0.06 CPU-s); ``make
fuzz`` 300 walks of 40 steps, copies and all."""

from fuzz_scale import SCALE
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from stateful import CloudMachine

RUNS = settings(
    max_examples=3 * SCALE,
    stateful_step_count=8 if SCALE == 1 else 40,
    derandomize=SCALE == 1,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


#: make test's walks leave out the copies (a save, a load and a fork of the world: some 0.15
#: CPU-s each; tests/robustness/test_state_round_trips.py copies worlds in make test).
SMALL = {"round_trip": None} if SCALE == 1 else {}


def test_steps_across_services_keep_answers_invariants_and_copies(worlds):
    machine = type("Machine", (CloudMachine,), {"world": worlds("upstream"), **SMALL})
    run_state_machine_as_test(machine, settings=RUNS)
