"""Scenario files: a cloud, steps on its virtual clock, and what must come of them.

    >>> from fakecloud.scenario import load, run_case
    >>> scenario = load("scenarios/kernel/fair_sharing.yaml")
    >>> result = run_case(scenario.cases[0])
    >>> result.passed
    True

A scenario file is YAML checked against a published JSON Schema (``fakecloud schema``):

- ``cloud:`` the profile, switches, ``bugs: [lp...]``, seed, ``config:``, and the world made
  before the steps (``projects``, ``users``, ``images``, ``volumes``, ``servers``, ``setup``),
  each named so later steps say ``${servers.web.id}``;
- ``steps:`` requests, faults, I/O changes and waits, placed ``at:`` a time, ``after:``
  another step, or ``on:`` a trace event (to place a race exactly);
- ``expect:`` per-step answers, final ``state``, ``trace`` facts, ``invariants``, and
  ``finished_by``; ``cases:`` and ``matrix:`` make variants of one file.

Modules: `loader` (YAML with lines, schema errors as sentences), `schema`, `matrix` (cases and
parameters), `model` (records), `runner` (the run), `expect` (checks), `report` (text), `world`
(setup kinds), `transport` (requests to services), `match` (partial matching),
`subst` (``${...}``), `cli_commands`.
"""

from fakecloud.scenario.errors import Problem, ScenarioError
from fakecloud.scenario.loader import load, loads
from fakecloud.scenario.runner import CaseResult, run_case

__all__ = ["CaseResult", "Problem", "ScenarioError", "load", "loads", "run_case"]
