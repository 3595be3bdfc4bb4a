"""Build hook: the wheel carries the scenario library (``scenarios/``) as ``fakecloud/library``.

Everything else about the project is in pyproject.toml. In a source checkout fakecloud reads
``scenarios/`` itself (`fakecloud.scenario.library`); an installed fakecloud reads this copy, so
``fakecloud run lp1731986`` and ``fakecloud list scenarios`` work after ``pip install``.
"""

import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: What of ``scenarios/`` is the library; MANIFEST.in puts the same files in the sdist.
LIBRARY_SUFFIXES = (".yaml", ".md")


def copy_library(source: Path, build_lib: Path) -> list[str]:
    """Copy the scenario files (and their README) into `build_lib`/fakecloud/library.

    Without `source` the build stops: a wheel with no library installs a fakecloud whose
    ``fakecloud run lp1731986``, ``fakecloud list scenarios`` and ``fakecloud demo`` find nothing.
    """
    if not source.is_dir():
        raise SystemExit(
            f"setup.py: no scenario library at {source}: build the wheel from a checkout or from "
            "an sdist made with this MANIFEST.in (python -m build makes both)"
        )
    target = build_lib / "fakecloud" / "library"
    copied = []
    for path in sorted(source.rglob("*")):
        if path.is_file() and path.suffix in LIBRARY_SUFFIXES:
            out = target / path.relative_to(source)
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, out)
            copied.append(str(out))
    return copied


if __name__ == "__main__":  # setuptools runs this file as __main__; tests import copy_library
    from setuptools import setup
    from setuptools.command.build_py import build_py

    class BuildWithLibrary(build_py):
        """``build_py`` that also copies the scenario library into the package."""

        def run(self):
            super().run()
            copy_library(HERE / "scenarios", Path(self.build_lib))

    setup(cmdclass={"build_py": BuildWithLibrary})
