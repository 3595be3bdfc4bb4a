"""Every oracle pair on a fakecloud tree, from an empty machine: ``python3 tools/oracles_all.py
[TREE] [--only n34,k13,...]`` builds each real service's environment it needs (once: a built
one is reused), runs the ten oracle runs (the real side and fakecloud's, then the oracle's
``compare.py``) and prints one table: oracle, release, cases the same of all, the cases that
differ. A developer tool like the oracles themselves, never run by ``make test``;
CONTRIBUTING.md "Every oracle at once" says what it needs (root, for the chroot).

Where things go (each a setting): ``--cache`` (``/tmp/fakecloud-oracles``) holds the
virtualenvs, the Debian bullseye chroot of the oldest two, the sources' files taken from their
sdists, the real sides' answers and every log; ``--out`` (``CACHE/runs/SHA``) a tree's
fakecloud answers, each ``compare.py`` output and ``summary.json``.

A real side's answers depend only on its oracle folder (``cases.py``, the runners) and its
environment, so they are kept under a digest of both and run again only when one changes;
fakecloud's sides take seconds. ``--fake-only`` runs fakecloud's sides alone against the real
answers already kept; ``--build-only`` builds the environments and runs nothing.
``--previous SUMMARY.json`` (another run's) names each case that differs now and did not then.
"""

import argparse
import dataclasses
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
#: The openstack/requirements tags whose upper-constraints.txt pin an old series' libraries.
REQUIREMENTS_URL = "https://opendev.org/openstack/requirements"
DEFAULT_REQUIREMENTS = "/work/.mirror/openstack+requirements/repo"
DEBIAN_MIRROR = "http://deb.debian.org/debian"
CHROOT_PACKAGES = (
    "python3,python3-venv,python3-dev,gcc,libc6-dev,libffi-dev,libssl-dev,ca-certificates"
)
#: The host files a chroot's pip and resolver need (dnspython asks /etc/protocols for ``tcp``).
CHROOT_FILES = ("/etc/resolv.conf", "/etc/protocols", "/etc/services", "/etc/hosts")
#: In the chroot pip trusts the index by name: the host's CA bundle path (PIP_CERT) is not there.
PIP_HOSTS = "pypi.org files.pythonhosted.org"

#: The test libraries each service's functional fixtures import.
NOVA_TEST = (
    "oslotest",
    "fixtures",
    "testtools",
    "wsgi-intercept",
    "testscenarios",
    "requests-mock",
)
CINDER_TEST = ("oslotest", "fixtures", "testtools", "testscenarios", "requests-mock", "ddt")
GLANCE_TEST = ("oslotest", "fixtures", "testtools", "webtest")
#: Python 3.9's wheels and builds for libraries an Ussuri pin predates (session 24's and 35's
#: recipes): greenlet 0.4.15 does not build on 3.9, eventlet 0.25/0.26 lacks
#: ``Semaphore._at_fork_reinit``, numpy 1.18 and lxml 4.5 have no 3.9 wheel.
USSURI_ON_39 = {
    "greenlet": "0.4.17",
    "eventlet": "0.30.2",
    "numpy": "1.19.5",
    "lxml": "4.6.5",
    "cffi": "1.14.6",
    "dnspython": "1.16.0",
}


@dataclasses.dataclass(frozen=True)
class Env:
    """A real service's virtualenv: how it is made. Its folder is ``CACHE/NAME`` (in the chroot:
    ``CHROOT/root/NAME``); a marker in it holds this recipe, so a built one is reused and a
    changed recipe builds it again."""

    name: str
    python: str
    install: tuple[str, ...]
    constraints: str = ""  # an openstack/requirements tag; its upper-constraints.txt pins
    pins: tuple[tuple[str, str], ...] = ()  # constraints replaced (name, version)
    no_deps: tuple[str, ...] = ()  # installed afterwards without their requirements
    chroot: bool = False
    sdist: str = ""  # a release whose sdist's files a runner reads (etc/...), kept beside it

    def recipe(self) -> str:
        """The recipe as text: the marker's content."""
        return json.dumps(dataclasses.asdict(self), sort_keys=True)


@dataclasses.dataclass(frozen=True)
class Run:
    """One oracle run: a real service's answers to an oracle's cases beside fakecloud's."""

    key: str
    oracle: str  # tools/<oracle>_oracle
    release: str
    env: str
    profile: str = "upstream"
    quotas: bool = False  # glance: ORACLE_QUOTAS=1 on both sides


ENVS = {
    e.name: e
    for e in (
        Env("nova-34.0.0", "python3.11", ("nova==34.0.0", "openstack-placement", *NOVA_TEST)),
        Env(
            "nova-27.5.1",
            "python3.11",
            ("nova==27.5.1", "openstack-placement==9.0.0", *NOVA_TEST),
            constraints="2023.1-eom",
        ),
        Env("cinder-29.0.0", "python3.11", ("cinder==29.0.0", *CINDER_TEST)),
        Env(
            "cinder-16.4.2",
            "python3",
            ("cinder==16.4.2", *CINDER_TEST),
            constraints="ussuri-eol",
            pins=tuple(USSURI_ON_39.items()),
            chroot=True,
        ),
        Env("keystone-30.0.0", "python3.11", ("keystone==30.0.0",)),
        Env("keystone-23.0.0", "python3.11", ("keystone==23.0.0",), constraints="2023.1-eom"),
        Env("keystone-22.0.0", "python3.10", ("keystone==22.0.0",), constraints="zed-eom"),
        Env(
            "keystone-13.0.4",
            "python3",
            ("keystone==13.0.4",),
            constraints="ussuri-eol",
            pins=(
                *USSURI_ON_39.items(),
                ("jsonschema", "2.6.0"),
                ("pysaml2", "4.0.2"),
                ("zope.interface", "5.4.0"),
            ),
            chroot=True,
            sdist="keystone==13.0.4",
        ),
        Env(
            "glance-33.0.0", "python3.11", ("glance==33.0.0", *GLANCE_TEST), sdist="glance==33.0.0"
        ),
    )
}

RUNS = {
    r.key: r
    for r in (
        Run("n34", "nova", "34.0.0", "nova-34.0.0"),
        Run("n27", "nova", "27.5.1", "nova-27.5.1", "nova-27.5.1"),
        Run("c29", "cinder", "29.0.0", "cinder-29.0.0"),
        Run("c16", "cinder", "16.4.2", "cinder-16.4.2", "nova-21.2.4"),
        Run("k30", "keystone", "30.0.0", "keystone-30.0.0"),
        Run("k23", "keystone", "23.0.0", "keystone-23.0.0", "nova-27.0.0"),
        Run("k22", "keystone", "22.0.0", "keystone-22.0.0", "nova-26.0.0"),
        Run("k13", "keystone", "13.0.4", "keystone-13.0.4", "nova-17.0.13"),
        Run("g33", "glance", "33.0.0", "glance-33.0.0"),
        Run("g33q", "glance", "33.0.0 quotas", "glance-33.0.0", quotas=True),
    )
}


#: oslotest's limit on a real side's run, seconds: cinder 29.0.0 took 62 minutes at load 25.
TEST_TIMEOUT = "21600"

#: The runs by how long their real side takes (session 35's timings), the longest first.
SLOWEST = ("c29", "k30", "n34", "c16", "n27", "k23", "k22", "k13", "g33", "g33q")


class Failed(Exception):
    """A step that did not work; its message says which and where its log is."""


def log_run(cmd: list[str], log: Path, **kw) -> int:
    """Run `cmd`, appending its output to `log`; its exit status."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a") as f:
        f.write(f"$ {shlex.join(cmd)}\n")
        f.flush()
        return subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, **kw).returncode


def must(cmd: list[str], log: Path, **kw) -> None:
    """`log_run`, a `Failed` naming the log unless it exits 0."""
    if log_run(cmd, log, **kw) != 0:
        raise Failed(f"{shlex.join(cmd)[:200]} failed: see {log}")


class Builder:
    """Makes the environments under `cache`, each once."""

    def __init__(self, cache: Path, requirements: str):
        self.cache = cache
        self.requirements = requirements
        self.logs = cache / "logs"
        self.chroot = cache / "bullseye"
        # Runs sharing an environment (or the chroot) wait for one build of it.
        self.locks = {name: threading.Lock() for name in (*ENVS, "bullseye")}

    # -- the chroot -------------------------------------------------------------------------
    def in_chroot(self, cmd: str, binds: dict[str, Path] | None = None) -> list[str]:
        """`cmd` (shell text) run in the chroot, in a mount namespace of its own with /proc and
        each of `binds` (its path in the chroot -> the host's) mounted for it alone."""
        mounts = [f"mount -t proc proc {self.chroot}/proc"]
        for inside, host in (binds or {}).items():
            target = self.chroot / inside.lstrip("/")
            target.mkdir(parents=True, exist_ok=True)
            mounts.append(f"mount --bind {shlex.quote(str(host))} {shlex.quote(str(target))}")
        env = (
            "env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root LANG=C.UTF-8 "
            f"PIP_TRUSTED_HOST={shlex.quote(PIP_HOSTS)} PIP_DISABLE_PIP_VERSION_CHECK=1 "
            "PYTHONWARNINGS=ignore::Warning:urllib3.connectionpool "
        )
        inner = f"{' && '.join(mounts)} && chroot {self.chroot} {env}sh -c {shlex.quote(cmd)}"
        return ["unshare", "-m", "sh", "-c", inner]

    def build_chroot(self) -> None:
        """Debian bullseye (Python 3.9) with a compiler, for the Queens- and Ussuri-era code."""
        with self.locks["bullseye"]:
            self._build_chroot()

    def _build_chroot(self) -> None:
        marker = self.chroot / ".fakecloud-oracle"
        if marker.exists():
            return
        log = self.logs / "bullseye.log"
        if not shutil.which("debootstrap"):
            raise Failed("the chroot needs debootstrap: apt-get install debootstrap")
        if not (self.chroot / "usr/bin/python3").exists():
            must(
                [
                    "debootstrap",
                    "--variant=minbase",
                    f"--include={CHROOT_PACKAGES}",
                    "bullseye",
                    str(self.chroot),
                    DEBIAN_MIRROR,
                ],
                log,
            )
        for name in CHROOT_FILES:
            if Path(name).exists():
                shutil.copy(name, self.chroot / name.lstrip("/"))
        marker.write_text(CHROOT_PACKAGES)

    # -- files from outside the venvs -------------------------------------------------------
    def constraints(self, tag: str, env: Env) -> str:
        """The tag's upper-constraints.txt without the lines of what `env` installs itself,
        each Python 3.8 marker read as 3.9 (Ussuri pins only up to 3.8), and `env.pins`."""
        repo = Path(self.requirements)
        if not repo.exists():
            repo = self.cache / "requirements.git"
            if not repo.exists():
                must(
                    ["git", "clone", "--bare", "-q", REQUIREMENTS_URL, str(repo)],
                    self.logs / "requirements.log",
                )
        text = subprocess.run(
            [
                "git",
                f"--git-dir={repo / '.git' if (repo / '.git').exists() else repo}",
                "show",
                f"{tag}:upper-constraints.txt",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        # What the env pins itself (the service, its Placement), not the libraries it names.
        own = {norm(req.split("==")[0]) for req in env.install + env.no_deps if "==" in req}
        pins = {norm(name): version for name, version in env.pins}
        out = []
        for line in text.splitlines():
            line = line.replace("python_version=='3.8'", "python_version=='3.9'")
            name = norm(line.split("===")[0])
            if not line.strip() or name in own or name in pins:
                continue
            out.append(line)
        out += [f"{name}==={version}" for name, version in env.pins]
        return "\n".join(out) + "\n"

    def sdist_dir(self, spec: str, where: Path, log: Path) -> Path:
        """The unpacked sdist of `spec` (``name==version``) under `where`."""
        name, version = spec.split("==")
        top = where / f"{name}-{version}"
        if top.exists():
            return top
        dl = where / "sdist"
        must(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "--no-deps",
                "--no-binary",
                ":all:",
                "-d",
                str(dl),
                spec,
            ],
            log,
        )
        import tarfile

        archive = next(dl.glob(f"{name}-{version}.tar.gz"))
        with tarfile.open(archive) as tar:
            tar.extractall(where, filter="data")
        return top

    # -- the venvs --------------------------------------------------------------------------
    def venv(self, name: str) -> Path:
        """Where the env `name` is on the host."""
        env = ENVS[name]
        return (self.chroot / "root" if env.chroot else self.cache) / name

    def build(self, name: str) -> Path:
        """The env `name`, made unless made already with this recipe; its host path."""
        with self.locks[name]:
            return self._build(name)

    def _build(self, name: str) -> Path:
        env = ENVS[name]
        where = self.venv(name)
        marker = where / ".fakecloud-oracle"
        cons = self.constraints(env.constraints, env) if env.constraints else ""
        recipe = env.recipe() + "\n" + cons
        if marker.exists() and marker.read_text() == recipe:
            return where
        log = self.logs / f"{name}.log"
        log.unlink(missing_ok=True)
        if where.exists():
            shutil.rmtree(where)
        if env.chroot:
            self.build_chroot()
        inside = f"/root/{name}" if env.chroot else str(where)

        def sh(cmd: str) -> None:
            if env.chroot:
                must(self.in_chroot(cmd), log)
            else:
                must(["sh", "-c", cmd], log)

        sh(f"{env.python if env.chroot else interpreter(env.python)} -m venv {inside}")
        pip = f"{inside}/bin/pip install --no-input"
        if env.chroot:  # bullseye's pip 20.3 resolves badly; old sdists want pkg_resources
            sh(f"{pip} -q 'pip<24.1' 'setuptools<70' wheel")
        cflag = ""
        if env.constraints:
            (where / "constraints.txt").write_text(cons)
            cflag = f"-c {inside}/constraints.txt"
        sh(f"{pip} {cflag} {' '.join(shlex.quote(r) for r in env.install)}")
        if env.no_deps:
            sh(f"{pip} --no-deps {' '.join(shlex.quote(r) for r in env.no_deps)}")
        fix_up(env, where, log)
        if env.sdist:
            self.sdist_dir(env.sdist, where, log)
        marker.write_text(recipe)
        return where


def interpreter(name: str) -> str:
    """The host's `name` (``python3.10``): the system's, else pyenv's, else on the PATH."""
    found = [Path("/usr/bin") / name, Path("/usr/local/bin") / name]
    found += sorted(Path.home().glob(f".pyenv/versions/*/bin/{name}"))
    for path in found:
        if path.exists():
            return str(path)
    return shutil.which(name) or name


def norm(name: str) -> str:
    """A distribution name as pip compares them."""
    return re.sub(r"[-_.]+", "-", name.strip()).lower()


def fix_up(env: Env, where: Path, log: Path) -> None:
    """What an installed release needs before its runner works on this Python (each step
    documented in CONTRIBUTING.md's oracle sections)."""
    site = next(where.glob("lib/python3*/site-packages"))
    if env.name.startswith("nova-") and not (site / "etc" / "nova").exists():
        # The fixtures read api-paste.ini from state_path (the source tree's etc/nova).
        (site / "etc").mkdir(exist_ok=True)
        shutil.copytree(where / "etc" / "nova", site / "etc" / "nova")
    dag = site / "networkx" / "algorithms" / "dag.py"
    if dag.exists():  # networkx before 2.5 imports fractions.gcd, gone in Python 3.9
        dag.write_text(dag.read_text().replace("from fractions import gcd", "from math import gcd"))
    for py in (site / "saml2").glob("*.py") if (site / "saml2").exists() else ():
        text = py.read_text()  # pysaml2 4.0.2's base64 names, gone in Python 3.9
        fixed = text.replace("base64.decodestring", "base64.decodebytes")
        fixed = fixed.replace("base64.encodestring", "base64.encodebytes")
        if fixed != text:
            py.write_text(fixed)
    with log.open("a") as f:
        f.write(f"fixed up {env.name}\n")


def folder_digest(folder: Path) -> str:
    """A digest of an oracle folder's files (what its real side's answers depend on)."""
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


class Runner:
    """Runs the oracle runs of one tree."""

    def __init__(self, builder: Builder, tree: Path, out: Path, python: str):
        self.b = builder
        self.tree = tree
        self.out = out
        self.python = python

    def real_answers(self, run: Run, build: bool = True) -> Path | None:
        """The real side's answers to this tree's cases (kept by digest; run if not kept and
        `build`)."""
        folder = self.tree / "tools" / f"{run.oracle}_oracle"
        env = ENVS[run.env]
        digest = hashlib.sha256(
            (folder_digest(folder) + env.recipe() + str(run.quotas)).encode()
        ).hexdigest()[:16]
        kept = self.b.cache / "answers" / f"{run.key}-{digest}.json"
        if kept.exists() or not build:
            return kept if kept.exists() else None
        where = self.b.build(run.env)
        log = self.b.logs / f"{run.key}-real-{digest}.log"
        log.unlink(missing_ok=True)
        scratch = self.b.cache / "scratch" / run.key
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        environ = dict(os.environ, OS_TEST_TIMEOUT=os.environ.get("OS_TEST_TIMEOUT", TEST_TIMEOUT))
        if run.quotas:
            environ["ORACLE_QUOTAS"] = "1"
        if env.chroot:
            script = {"cinder": "run_cinder.py", "keystone": "run_keystone13.py"}[run.oracle]
            extra = ""
            if run.oracle == "keystone":
                paste = f"/root/{run.env}/keystone-13.0.4/etc/keystone-paste.ini"
                extra = f"KEYSTONE_VENV=/root/{run.env} KEYSTONE_PASTE={paste} "
            cmd = self.b.in_chroot(
                f"cd /mnt && {extra}OS_TEST_TIMEOUT={TEST_TIMEOUT} "
                f"/root/{run.env}/bin/python /mnt/{script} /tmp/answers.json",
                {"/mnt": folder, "/tmp": scratch},
            )
            rc = log_run(cmd, log)
        else:
            py = str(where / "bin" / "python")
            script = {
                "nova": "run_nova.py",
                "cinder": "run_cinder.py",
                "keystone": "run_keystone.py",
                "glance": "run_glance.py",
            }[run.oracle]
            args = [py, str(folder / script), str(scratch / "answers.json")]
            if run.oracle == "glance":
                sdist = where / ENVS[run.env].sdist.replace("==", "-")
                args.append(str(sdist / "etc" / "schema-image.json"))
                environ["ORACLE_METADEFS"] = str(where / "etc" / "glance" / "metadefs")
            rc = log_run(args, log, cwd=folder, env=environ)
        made = scratch / "answers.json"
        if not made.exists():
            raise Failed(f"{run.key}: the real side wrote no answers (exit {rc}): see {log}")
        # The runners write the answers so far however they end; a run its test harness
        # stopped (oslotest's timeout, an error) is not kept as the real side's answers.
        ends = re.findall(r"^ran \d+ errors (\d+) failures (\d+)$", log.read_text(), re.M)
        if rc != 0 or ends and ends[-1] != ("0", "0"):
            partial = kept.with_suffix(".partial.json")
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(made, partial)
            raise Failed(f"{run.key}: the real side stopped early: {partial}, see {log}")
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(made, kept)
        return kept

    def fakecloud_answers(self, run: Run) -> Path:
        """fakecloud's answers, from this tree."""
        folder = self.tree / "tools" / f"{run.oracle}_oracle"
        answers = self.out / f"{run.key}-fakecloud.json"
        args = [self.python, str(folder / "run_fakecloud.py"), str(answers)]
        if run.profile != "upstream":
            args += [run.profile] if run.oracle == "glance" else ["--profile", run.profile]
        environ = dict(os.environ, PYTHONPATH=str(self.tree))
        if run.quotas:
            environ["ORACLE_QUOTAS"] = "1"
        log = self.out / f"{run.key}-fakecloud.log"
        log.unlink(missing_ok=True)
        if log_run(args, log, cwd=self.tree, env=environ) != 0 or not answers.exists():
            raise Failed(f"{run.key}: fakecloud's side failed: see {log}")
        return answers

    def compare(self, run: Run, real: Path, fake: Path) -> dict:
        """The oracle's ``compare.py`` of the two: its output kept, its tally read."""
        folder = self.tree / "tools" / f"{run.oracle}_oracle"
        done = subprocess.run(
            [self.python, str(folder / "compare.py"), str(real), str(fake)],
            capture_output=True,
            text=True,
            cwd=self.tree,
        )
        (self.out / f"{run.key}-compare.txt").write_text(done.stdout + done.stderr)
        if done.returncode != 0:
            raise Failed(f"{run.key}: compare.py failed: see {self.out / f'{run.key}-compare.txt'}")
        return tally(done.stdout)


def tally(output: str) -> dict:
    """A ``compare.py`` output read: ``same``, ``total`` and the names of the cases that
    differ or that one side did not answer (``missing``)."""
    differ, missing, same, total = [], [], 0, 0
    for line in output.splitlines():
        m = re.fullmatch(r"same (\d+) differ (\d+)(?: missing (\d+))?", line)
        if m:
            same = int(m[1])
            total = same + int(m[2]) + int(m[3] or 0)
        elif m := re.fullmatch(r"\d+ cases answered by [^:]+: (.*)", line):
            missing += m[1].split(", ")
        elif line and not line[0].isspace():
            differ.append(line)
    return {"same": same, "total": total, "differ": differ, "missing": missing}


def table(rows: list[dict], previous: dict | None = None) -> str:
    """The summary: a row per run (oracle, release, same/total, the cases that differ), and
    under it the cases that differ now and did not in `previous` (another summary)."""
    lines = ["| oracle | release | same/total | differing cases |", "|---|---|---|---|"]
    for row in rows:
        if "error" in row:
            lines.append(f"| {row['oracle']} | {row['release']} | - | {row['error']} |")
            continue
        names = row["differ"] + [f"{n} (one side only)" for n in row["missing"]]
        lines.append(
            f"| {row['oracle']} | {row['release']} | {row['same']}/{row['total']} | "
            f"{', '.join(names) or '-'} |"
        )
    if previous is not None:
        before = {row["key"]: set(row.get("differ", [])) for row in previous["rows"]}
        for row in rows:
            if row["key"] in before:
                new = [n for n in row.get("differ", []) if n not in before[row["key"]]]
                fixed = sorted(before[row["key"]] - set(row.get("differ", [])))
                if new:
                    lines.append(f"{row['key']}: newly differing {', '.join(new)}")
                if fixed and "error" not in row:
                    lines.append(f"{row['key']}: the same again {', '.join(fixed)}")
    return "\n".join(lines)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line (see the module's docstring)."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("tree", nargs="?", default=str(TOOLS.parent), help="a fakecloud tree")
    p.add_argument("--cache", default=os.environ.get("ORACLE_CACHE", "/tmp/fakecloud-oracles"))
    p.add_argument("--out", help="where this tree's answers go (CACHE/runs/SHA)")
    p.add_argument("--only", default="", help=f"runs, comma-separated: {','.join(RUNS)}")
    p.add_argument(
        "--python",
        help="fakecloud's interpreter (a .venv/bin/python of TREE, this checkout or here)",
    )
    p.add_argument(
        "--requirements",
        default=os.environ.get("ORACLE_REQUIREMENTS", DEFAULT_REQUIREMENTS),
        help="an openstack/requirements git directory",
    )
    p.add_argument("--jobs", type=int, default=3, help="runs (and builds) at once")
    p.add_argument("--previous", help="another run's summary.json, to name what moved")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--fake-only", action="store_true", help="no real side run or built")
    mode.add_argument("--build-only", action="store_true", help="build the environments only")
    args = p.parse_args(argv)
    keys = [k for k in args.only.split(",") if k] or list(RUNS)
    unknown = [k for k in keys if k not in RUNS]
    if unknown:
        p.error(f"unknown run {', '.join(unknown)}: the runs are {', '.join(RUNS)}")
    args.runs = [RUNS[k] for k in keys]
    return args


def main(argv: list[str]) -> int:
    """Build, run, compare, print the table; 1 if a run failed."""
    args = parse_args(argv)
    cache = Path(args.cache).resolve()
    tree = Path(args.tree).resolve()
    builder = Builder(cache, args.requirements)
    sha = (
        subprocess.run(
            ["git", "-C", str(tree), "rev-parse", "--short=8", "HEAD"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        or tree.name
    )
    out = Path(args.out or cache / "runs" / sha).resolve()
    out.mkdir(parents=True, exist_ok=True)
    venvs = (tree, TOOLS.parent, Path.cwd())
    python = args.python or next(
        (str(p / ".venv/bin/python") for p in venvs if (p / ".venv/bin/python").exists()), None
    )
    if python is None:  # the machine's python3 has none of fakecloud's requirements
        print("no fakecloud virtualenv in TREE, this checkout or here: give --python "
              "(a .venv/bin/python of `make setup`)", file=sys.stderr)  # fmt: skip
        return 2
    runner = Runner(builder, tree, out, python)

    def one(run: Run) -> dict:
        row = {"key": run.key, "oracle": run.oracle, "release": run.release}
        started = time.monotonic()
        try:
            if args.build_only:
                builder.build(run.env)
                return row
            real = runner.real_answers(run, build=not args.fake_only)
            if real is None:
                raise Failed("no real answers kept for these cases (run without --fake-only)")
            row.update(runner.compare(run, real, runner.fakecloud_answers(run)))
        except (Failed, subprocess.CalledProcessError) as e:
            row["error"] = str(e)
        row["seconds"] = round(time.monotonic() - started)
        print(
            f"{run.key}: {row.get('same', '-')}/{row.get('total', '-')} "
            f"({row['seconds']} s){' ' + row['error'] if 'error' in row else ''}",
            file=sys.stderr,
            flush=True,
        )
        return row

    from concurrent.futures import ThreadPoolExecutor

    # The slowest real sides first, so that --jobs runs overlap them.
    slowest = sorted(args.runs, key=lambda r: list(SLOWEST).index(r.key))
    with ThreadPoolExecutor(max(1, args.jobs)) as pool:
        done = dict(zip([r.key for r in slowest], pool.map(one, slowest), strict=True))
    if args.build_only:
        return 0
    rows = [done[run.key] for run in args.runs]
    # A run of some runs keeps the other runs' rows of an earlier run on the same tree.
    summary = out / "summary.json"
    kept = (
        {row["key"]: row for row in json.loads(summary.read_text())["rows"]}
        if summary.exists()
        else {}
    )
    kept.update(done)
    every = [kept[key] for key in RUNS if key in kept]
    summary.write_text(json.dumps({"tree": str(tree), "sha": sha, "rows": every}, indent=1))
    previous = json.loads(Path(args.previous).read_text()) if args.previous else None
    print(f"fakecloud {sha} ({tree}); answers and compare.py outputs in {out}")
    print(table(rows, previous))
    return 1 if any("error" in row for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
