"""``python -m fakecloud``: the ``fakecloud`` command, for an environment without its script."""

import sys

from fakecloud.cli import main

sys.exit(main())
