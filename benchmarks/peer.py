"""The peer (moto + boto3) as a process that measures on demand, between fakecloud's samples.

A shared machine's speed drifts by a third within minutes, so a peer measured after fakecloud
compares two different machines. `make bench` starts the peer once (``peer_moto.py --serve`` in
the benchmark's own environment: moto is no dependency of fakecloud) and asks it for one sample
after each of its own, so both sides' samples come from the same minutes.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PEER_PYTHON = HERE / ".venv-peer" / "bin" / "python"


class Peer:
    """A running ``peer_moto.py --serve``: `sample("flow")` or `sample("fresh")`, CPU ms."""

    def __init__(self) -> None:
        # stderr to a file, not a pipe: a peer that writes much there must not block on it
        self._errors = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed by close())
        self._proc = subprocess.Popen(
            [str(PEER_PYTHON), str(HERE / "peer_moto.py"), "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._errors,
            text=True,
        )
        self.name = json.loads(self._readline())["name"]
        self.samples: dict[str, list[float]] = {"flow": [], "fresh": []}

    @classmethod
    def start(cls) -> Peer | None:
        """The peer, or None (said on stdout) when its environment is missing or it fails."""
        if not PEER_PYTHON.exists():
            print("(peer skipped: no benchmarks/.venv-peer; `make bench` creates it)", flush=True)
            return None
        try:
            return cls()
        except (OSError, RuntimeError, ValueError) as exc:
            print(f"(peer failed: {exc})", flush=True)
            return None

    def sample(self, kind: str) -> float:
        """One measured `kind` ("flow" or "fresh") in the peer: CPU milliseconds."""
        assert self._proc.stdin is not None
        self._proc.stdin.write(kind + "\n")
        self._proc.stdin.flush()
        value = float(self._readline())
        self.samples[kind].append(value)
        return value

    def summary(self, kind: str) -> dict[str, Any]:
        """The peer's record of `kind` for a result: name, median, min, max, runs."""
        from measure import summary

        return {"name": self.name, **summary(self.samples[kind])}

    def close(self) -> None:
        """End the peer process."""
        if self._proc.stdin:
            self._proc.stdin.close()
        self._proc.wait(timeout=60)
        self._errors.close()

    def _readline(self) -> str:
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            self._errors.seek(0)
            raise RuntimeError(self._errors.read().strip()[-300:] or "the peer ended")
        return line
