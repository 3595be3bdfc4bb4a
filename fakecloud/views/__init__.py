"""Teaching views: readers of the trace that show a run as a timeline, a sequence of calls
between services, and the state changes of each resource."""
