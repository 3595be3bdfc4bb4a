"""Teaching views: readers of the trace that show a run to people.

- `fakecloud.views.model`: a trace read once into lanes, phases, markers and messages;
- `fakecloud.views.html`: the self-contained HTML report (Jinja2 template, SVG drawn here);
- `fakecloud.views.perfetto` and `fakecloud.views.mermaid`: Chrome trace JSON and Mermaid;
- `fakecloud.views.timeline`: the text views (timeline, sequence, state changes, story);
- `fakecloud.views.report`: the ``fakecloud report`` command.

Each view is a function of the trace's events (and the names a scenario recorded in it); no
view reaches into a service.
"""
