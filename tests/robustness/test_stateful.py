"""The cross-service state machine (`stateful.CloudMachine`): ``make test`` runs two short
walks on the upstream world; ``make fuzz`` a hundred times as many, each longer."""

from fuzz_scale import SCALE
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from stateful import CloudMachine

RUNS = settings(
    max_examples=2 * SCALE,
    stateful_step_count=8 if SCALE == 1 else 40,
    derandomize=SCALE == 1,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def test_steps_across_services_keep_answers_invariants_and_copies(worlds):
    machine = type("Machine", (CloudMachine,), {"world": worlds("upstream")})
    run_state_machine_as_test(machine, settings=RUNS)
