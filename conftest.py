"""Project-wide pytest configuration (the fakecloud pytest plugin registers its own fixtures)."""
