"""How much bigger every robustness run is under ``make fuzz`` (``FAKECLOUD_FUZZ=1``).

A module of its own, not the conftest: ``from conftest import ...`` finds whichever conftest
was imported first when several test folders run in one session."""

import os

#: 100 under ``make fuzz``, 1 in ``make test``.
SCALE = 100 if os.environ.get("FAKECLOUD_FUZZ") else 1
