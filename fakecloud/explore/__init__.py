"""Exploration: run a scenario under many seeds, group what breaks, shrink it to a replay file.

    fakecloud explore scenarios/races/quota_toctou_volume_backed.yaml --seeds 500 --shrink
    fakecloud shrink scenarios/races/quota_toctou_volume_backed.yaml --seed 17 -o minimal.yaml

Each seed chooses what a real cloud leaves to chance (see the scenario's ``explore:`` section):
RPC delivery delays, the order of events due at one instant, throughput jitter, which fault
points fire with which error, and when an adversary's request (or a compute restart) lands.
Every run is checked against the scenario's expectations and the invariant library; failing
seeds are grouped by what broke and the trace events that led there; each group gets a replay
file with every remaining decision written out, so plain ``fakecloud run`` replays it exactly.

Modules: `spec` (the ``explore:`` section), `sources` (seeded, Hypothesis, recorded decisions),
`play` (one explored run), `groups` (what broke, grouping), `replay` (writing replay files),
`shrink` (Hypothesis shrinking), `runner` (serial, local workers, Dask), `pool` (the local
workers), `cli` (the commands), `budget` (wall-clock budget and rates: the one place the
explorer reads real time).
"""
