"""Modules a module of fakecloud uses but does not import as it loads, bound on first use.

Some imports stay out of a module's top: oslo.utils' ``strutils`` compiles some 400 regular
expressions as it loads (about 50 ms a process that never needs it; 224227bd). An import
statement inside a function costs Python 3.11 some 3,000-6,000 instructions each time it runs,
even with the module loaded (``_PyModuleSpec_IsInitializing`` asks the module's spec for
``_initializing``, which raises and clears an AttributeError): a boot ran a few of them. `module`
imports on its first call and answers from a cache after that (a dictionary lookup)."""

from __future__ import annotations

import functools
import importlib
from types import ModuleType


@functools.cache
def module(name: str) -> ModuleType:
    """The module called `name` (``"oslo_utils.strutils"``), imported on the first call."""
    return importlib.import_module(name)
