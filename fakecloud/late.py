"""Modules a module of fakecloud uses but does not import as it loads, bound on first use.

Some imports stay out of a module's top: oslo.utils' ``strutils`` compiles some 400 regular
expressions as it loads (about 50 ms a process that never needs it; 224227bd). An import
statement inside a function costs Python 3.11 some 3,000-6,000 instructions each time it runs,
even with the module loaded (``_PyModuleSpec_IsInitializing`` asks the module's spec for
``_initializing``, which raises and clears an AttributeError): a boot ran a few of them. `module`
answers as such a statement would, without that cost: the module in ``sys.modules`` (a
dictionary lookup), imported on the first call. It keeps no copy of its own: a test tool that
drops modules imported during a run (pytester's inline runs) and a later import that loads them
afresh find the same module objects here as an import statement does, so no two copies of a
class meet; a module dropped from the table while its package still holds it is that module, as
``from package import module`` finds it."""

from __future__ import annotations

import importlib
import sys
from types import ModuleType


def module(name: str) -> ModuleType:
    """The module called `name` (``"oslo_utils.strutils"``) as ``sys.modules`` holds it,
    imported there if it is not."""
    found = sys.modules.get(name)
    if found is None:  # not loaded, dropped, or a None entry
        parent, _, child = name.rpartition(".")
        held = getattr(sys.modules.get(parent), child, None) if parent else None
        if name not in sys.modules and held.__class__ is ModuleType and held.__name__ == name:
            # dropped from the table while its package still holds it (pytester's inline runs
            # restore sys.modules, not the attributes the run's imports set on packages kept):
            # ``from package import child`` finds that very module, so it is put back rather
            # than loaded a second time beside it
            sys.modules[name] = found = held
        else:  # the import loads it, or says why not (a None entry: ImportError)
            found = importlib.import_module(name)
    return found
