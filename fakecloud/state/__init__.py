"""Save, load and fork a cloud: the one piece that knows every part of a cloud's state.

    >>> cloud = Cloud(seed=7)
    >>> cloud.save("world.json")            # the whole state, as plain JSON data
    >>> again = Cloud.load("world.json")    # continues exactly as `cloud` would
    >>> again = load("world.json", cloud_class=Cloud)   # the same, from this module
    >>> twin = cloud.fork()                 # the same, in memory, in a few milliseconds

What is saved is everything a cloud holds: resources and their states, quotas and usage,
tokens, the virtual clock and the events scheduled on it, the id and random streams, the fault
plan with its counts, the I/O model, and the trace. A loaded or forked cloud continues exactly
as the original would: the same requests give the same answers and the same trace bytes.

Only an **idle** cloud can be saved or forked (no simulated process alive: run
``cloud.run_until_idle()`` first); the error names the processes still running. A simpy
process is a suspended Python generator, which no data format can hold faithfully.

The file is JSON: a header (``format``, ``version``, the fakecloud version, the seed, profile,
the configuration keys and switches the cloud set apart from their defaults, and a short
summary) and a table of nodes (`fakecloud.state.encode` describes them). Loading cannot run
code: it builds a fresh cloud from the header and grafts the saved objects onto it
(`fakecloud.state.decode`), naming only fakecloud's own classes. The configuration and switches
are the header's alone (the nodes name them, ``["settings", ...]``), so a key or switch added
later with a default leaves a saved world's bytes alone. A file of a format version this
fakecloud does not read is refused with a message saying which versions it reads.
"""

from __future__ import annotations

import json
import reprlib
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fakecloud.api_checks import unnamed
from fakecloud.errors import StateError
from fakecloud.state import agree
from fakecloud.state.versions import (
    FORMAT,
    FORMAT_VERSION,
    READ_VERSIONS,
    check_version,
    with_earlier_defaults,
)

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "READ_VERSIONS",
    "StateError",
    "check_idle",
    "dumps",
    "fork",
    "from_data",
    "load",
    "load_data",
    "loads",
    "save",
    "to_data",
]


def check_idle(cloud: Any, doing: str) -> None:
    """Raise `StateError` unless `cloud` is idle (nothing simulated in flight, clock at rest)."""
    kernel = cloud.kernel
    if kernel._running:
        raise StateError(f"cannot {doing} a cloud from inside its own simulation")
    live = kernel.running()
    if live:
        shown = ", ".join(live[:10]) + (f" and {len(live) - 10} more" if len(live) > 10 else "")
        raise StateError(
            f"cannot {doing} a cloud with work in flight (t={kernel.now:g}): {shown}; "
            "run cloud.run_until_idle() first"
        )


# -- fork --------------------------------------------------------------------------------------


def fork(cloud: Any) -> Any:
    """An independent copy of an idle `cloud` that continues exactly as it would."""
    from fakecloud.state.copy import fork_graph

    with cloud.kernel.lock:  # another thread's run of the cloud ends first
        check_idle(cloud, "fork")
        cloud.kernel.ready_to_copy()
        try:
            return fork_graph(cloud)
        except StateError as exc:
            raise _located(exc, cloud) from None


# -- save --------------------------------------------------------------------------------------


def to_data(cloud: Any, verify: bool = True) -> dict[str, Any]:
    """The state of an idle `cloud` as plain JSON-ready data.

    With `verify` (the default), the data is checked against a freshly built cloud, so a state
    that could not be loaded again fails now, naming what is wrong, rather than at load time.
    """
    with cloud.kernel.lock:  # another thread's run of the cloud ends first
        return _to_data(cloud, verify)


def _to_data(cloud: Any, verify: bool) -> dict[str, Any]:
    from fakecloud.state.encode import encode_graph
    from fakecloud.version import __version__

    check_idle(cloud, "save")
    cloud.kernel.ready_to_copy()  # a saved queue holds only what will happen
    header = _build_args(cloud)
    # Built from the header as a file holds it (JSON text), as loading will build it: what it
    # wires alike (the fault plan's error factories) the file names rather than writes.
    template = _template(json.loads(json.dumps(header)), type(cloud))
    try:
        nodes = encode_graph(cloud, cloud.trace, *_settings_nodes(cloud, template))
    except StateError as exc:
        raise _located(exc, cloud) from None
    data = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "fakecloud": __version__,
        "cloud": header,
        "summary": _summary(cloud),
        "nodes": nodes,
    }
    if verify:
        from fakecloud.state.decode import _Grafter

        _check_rebuilt(cloud, template)
        _Grafter(nodes, saving=True).match(template)
    return data


def dumps(cloud: Any) -> str:
    """The state of an idle `cloud` as JSON text (what `save` writes)."""
    return json.dumps(to_data(cloud), separators=(",", ":")) + "\n"


def save(cloud: Any, path: str | Path) -> None:
    """Write the state of an idle `cloud` to `path` (JSON), whole or not at all: a failed or
    interrupted save leaves the file that was there (`fakecloud.outputs.write_atomic`)."""
    from fakecloud.outputs import write_atomic

    write_atomic(path, dumps(cloud))


# -- load --------------------------------------------------------------------------------------


def from_data(
    data: Any,
    *,
    cloud_class: type,
    source: str = "the state",
    endpoints: Mapping[str, str] | None = None,
) -> Any:
    """A cloud continuing from saved `data` (as `to_data` returns it): a `cloud_class`
    (`fakecloud.Cloud`) built from the saved header, with the saved state grafted onto it.

    `endpoints` (``{"identity": "http://127.0.0.1:8770", ...}``) moves the cloud to other base
    URLs, as server mode serves a loaded cloud on its own ports: every saved string holding an
    old base URL (links, catalog entries, configuration) holds the new one instead.
    """
    from fakecloud.state.decode import graft

    version = _check_header(data, source)
    if endpoints:
        data = _moved(data, endpoints)
    # a file of an earlier format relied on the defaults of its day (`versions.EARLIER_DEFAULTS`)
    data = {**data, "cloud": with_earlier_defaults(data["cloud"], version)}
    try:
        template = _template(data["cloud"], cloud_class)
    except ValueError as exc:  # ConfigError: a seed, profile, key or switch Cloud refuses
        said = unnamed(exc)  # (the header names the place)
        raise StateError(f'{source}: its "cloud" header builds no cloud: {said}') from None
    try:
        fresh = dict(template.kernel.faults.points)
        wiring = {a: dict(getattr(template.kernel.faults, a)) for a in _FAULT_WIRING}
        served = template.kernel.rpc.targets()
        built_with = agree.boot_facts(template)
        cloud = graft(data["nodes"], template)
        _check_served(cloud, served)
        _todays_points(cloud, fresh)
        _todays_wiring(cloud, wiring)
        # The grafted settings were never checked (the template's were): a hand-edited value
        # of the wrong type would load and then fail the next save, or mid-run.
        try:
            built = _build_args(cloud)
            _check_settings(built)
        except ValueError as exc:  # ConfigError
            raise StateError(f"the saved settings are damaged: {exc}") from None
        agree.check_header(data["cloud"], built)
        agree.check(cloud, built_with)
        return cloud
    except StateError as exc:
        raise StateError(f"{source}: {exc}") from None
    # ArithmeticError: a random generator's saved state out of its range (OverflowError).
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, ArithmeticError) as exc:
        raise StateError(
            f"{source} is damaged and cannot be loaded ({type(exc).__name__}: {exc})"
        ) from None


def loads(
    text: str | bytes,
    *,
    cloud_class: type,
    source: str = "the state",
    endpoints: Mapping[str, str] | None = None,
) -> Any:
    """A cloud continuing from saved JSON text (arguments as for `from_data`); bytes must be
    UTF-8 without a byte order mark, as `save` writes them."""
    try:
        data = json.loads(_as_saved(text, source))
    except (ValueError, RecursionError) as exc:  # ValueError: also a number past int's digits
        raise StateError(_not_json(source, text, exc)) from None
    return from_data(data, cloud_class=cloud_class, source=source, endpoints=endpoints)


def _read(path: str | Path) -> bytes:
    from fakecloud.inputs import open_input

    try:
        with open_input(path) as f:
            return f.read()
    except OSError as exc:
        raise StateError(f"cannot read {path}: {exc.strerror or exc}") from None


def load_data(path: str | Path) -> Any:
    """The JSON data saved in `path` (not checked yet: `from_data` does that)."""
    text = _read(path)
    try:
        return json.loads(_as_saved(text, path))
    except (ValueError, RecursionError) as exc:  # as `loads`
        raise StateError(_not_json(path, text, exc)) from None


def _as_saved(text: str | bytes, source: Any) -> str | bytes:
    """`text`, refused (`StateError`) unless in the encoding `save` writes: UTF-8 with no byte
    order mark. ``json.loads`` of bytes takes UTF-16 and UTF-32 (its ``detect_encoding``)
    and a BOM, so a state re-encoded by an editor loaded (session 41); it is no file `save`
    wrote. Bytes that are not UTF-8 (Latin-1 past ASCII) fail in ``json.loads``, said by
    `_not_json`, as does a binary file json reads as UTF-16 and finds no JSON in."""
    if isinstance(text, str):
        if text[:1] == "\ufeff":
            raise StateError(
                f"{source} is not a fakecloud state file as cloud.save writes it "
                "(a byte order mark before the JSON)"
            )
        return text
    encoding = json.detect_encoding(text[:4])
    if encoding == "utf-8":
        return text
    if encoding not in _WITH_BOM:
        try:
            json.loads(text.decode(encoding))
        except (ValueError, RecursionError):
            return text  # no JSON in that encoding either: a binary file
    what = "UTF-8" if encoding == "utf-8-sig" else encoding.upper()
    mark = ", a byte order mark first" if encoding in _WITH_BOM else ""
    raise StateError(
        f"{source} is not a fakecloud state file as cloud.save writes it ({what} text{mark}; "
        "a state is UTF-8 JSON without a byte order mark)"
    )


#: What ``json.detect_encoding`` names text that starts with a byte order mark.
_WITH_BOM = ("utf-8-sig", "utf-16", "utf-32")


def _not_json(source: Any, text: str | bytes, exc: Exception) -> str:
    """Why `text` is no state: a state file cut short (a copy or a save that stopped half way)
    said "is not a fakecloud state file", as of any other file; bytes that are not UTF-8 were
    json's guess at another encoding ("'utf-16-be' codec can't decode")."""
    head = text[:64].lstrip()
    head = head.decode("utf-8", "replace") if isinstance(head, bytes) else head
    if head.replace(" ", "").startswith('{"format":"fakecloud-state"'):
        return (
            f"{source} is a fakecloud state file cut short or damaged (not JSON: {_why(exc)}); "
            "nothing was loaded: load a whole copy"
        )
    if isinstance(text, bytes) and isinstance(exc, UnicodeDecodeError):
        try:  # json took a NUL for UTF-16: say what is wrong with it as UTF-8
            json.loads(text.decode("utf-8"))
        except UnicodeDecodeError:
            return f"{source} is not a fakecloud state file (not UTF-8 text: a state is JSON)"
        except (ValueError, RecursionError) as again:
            exc = again
    return f"{source} is not a fakecloud state file (not JSON: {_why(exc)})"


def _why(exc: Exception) -> str:
    """json's reason, without the advice CPython adds to a number past its digit limit
    ("; use sys.set_int_max_str_digits() to increase the limit": no way to fix a file)."""
    return str(exc).split("; use sys.set_int_max_str_digits")[0]


def load(path: str | Path, *, cloud_class: type, endpoints: Mapping[str, str] | None = None) -> Any:
    """A cloud continuing from the state saved in `path` (arguments as for `from_data`)."""
    text = _read(path)
    return loads(text, cloud_class=cloud_class, source=str(path), endpoints=endpoints)


# -- helpers -----------------------------------------------------------------------------------


def _build_args(cloud: Any) -> dict[str, Any]:
    """What builds the template a saved state is grafted onto: only the configuration keys
    and switches that differ from their defaults (the profile's values), the rest being
    what a cloud built alike has."""
    return {
        "seed": cloud.seed,
        "profile": cloud.profile,
        "config": cloud.kernel.config.overrides(),
        "switches": cloud.kernel.switches.overrides(),
    }


#: The fault plan's tables of error factories a cloud's services register as it is built:
#: attribute -> the name a file gives them.
_FAULT_WIRING = {"error_types": "fault errors", "_status_errors": "fault status errors"}


def _same_wiring(mine: dict[str, Any], built: dict[str, Any]) -> bool:
    """Whether two tables of factories name the same code in the same order (a closure is the
    same function bound to the other cloud's objects)."""
    if list(mine) != list(built):
        return False
    for name, value in mine.items():
        other = built[name]
        if value is other:
            continue
        value, other = getattr(value, "__func__", value), getattr(other, "__func__", other)
        if type(value) is not type(other) or getattr(value, "__code__", None) is None:
            return False
        # the same code, or the same function of a module imported again (pytest's pytester
        # drops the modules an in-process run imported: the next import makes new functions)
        if value.__code__ is not other.__code__ and (
            value.__module__ != other.__module__ or value.__qualname__ != other.__qualname__
        ):
            return False
    return True


def _settings_nodes(
    cloud: Any, template: Any
) -> tuple[dict[int, list[Any]], dict[type, tuple[Any, list[Any]]]]:
    """The nodes naming a cloud's configuration and its switches (by object id), and its
    configuration sections (by class, for any instance equal to the cloud's: a part built
    with a section of its own when the cloud's config lacked it holds its defaults): the header
    builds them, so the file does not write them again."""
    config = cloud.kernel.config
    named: dict[int, list[Any]] = {
        id(config): ["settings", "config"],
        id(cloud.kernel.switches): ["settings", "switches"],
    }
    faults = cloud.kernel.faults
    if _registry_points(faults.points):
        named[id(faults.points)] = ["settings", "fault points"]
    for attr, name in _FAULT_WIRING.items():
        mine = getattr(faults, attr)
        if _same_wiring(mine, getattr(template.kernel.faults, attr)):
            named[id(mine)] = ["settings", name]
    values = {
        type(section): (section, ["settings", "config", name])
        for name, section in config.sections().items()
    }
    return named, values


def _registry_points(points: dict[str, Any]) -> bool:
    """Whether a fault plan's declared points are `fakecloud.fault_points`' registry, as a
    cloud built today declares them (none of a user's own)."""
    from fakecloud.fault_points import points as registry

    return list(points.items()) == list(registry().items())


def _todays_points(cloud: Any, fresh: dict[str, Any]) -> None:
    """A loaded cloud's fault points: today's registry (`fresh`, what its template declared),
    and any point of the file's own that the registry lacks: a point added since the file was
    saved can take rules, as in a cloud built today."""
    faults = cloud.kernel.faults
    saved = faults.points
    if saved is fresh or not fresh:
        return
    faults.points = {**fresh, **{n: p for n, p in saved.items() if n not in fresh}}


def _check_served(cloud: Any, served: list[str]) -> None:
    """Refuse a loaded cloud whose RPC bus lacks a service its template registered (an edited
    table of endpoints loaded, then every call to the service timed out: a 500)."""
    have = cloud.kernel.rpc.targets()
    missing = [target for target in served if target not in have]
    if missing:
        raise StateError(
            "the saved fakecloud.sim.rpc:RpcBus at cloud.kernel.rpc is damaged: its field "
            f"'_endpoints' lacks {missing[0]!r}, which a cloud built from the file serves"
        )


def _todays_wiring(cloud: Any, fresh: dict[str, dict[str, Any]]) -> None:
    """A loaded cloud's error factories: those its template registered (bound to the loaded
    objects, which are the template's), then any the file has that they lack: an error name
    registered since the file was saved can be named in a rule."""
    faults = cloud.kernel.faults
    for attr, built in fresh.items():
        saved = getattr(faults, attr)
        if saved is built or set(built) <= set(saved) and list(saved)[: len(built)] == list(built):
            continue
        setattr(faults, attr, {**built, **{n: f for n, f in saved.items() if n not in built}})


def _settings(cloud: Any) -> dict[str, Any]:
    """Every configuration key's value and every switch's, by name."""
    from fakecloud.profiles.table import SWITCHES

    seen = {}
    for section, values in sorted(cloud.kernel.config.to_dict().items()):
        for key, value in values.items():
            seen[f"config {section}.{key}"] = value
    switches = cloud.kernel.switches
    for name in SWITCHES:
        seen[f"switch {name}"] = getattr(switches, name)
    return seen


def _check_rebuilt(cloud: Any, template: Any) -> None:
    """Refuse a save whose header would build other settings than the cloud has (a value that
    JSON data does not hold as it is: a tuple, a dict keyed by numbers)."""
    have, rebuilt = _settings(cloud), _settings(template)
    for part, value in have.items():
        again = rebuilt.get(part)
        if again != value or json.dumps(again) != json.dumps(value):
            raise StateError(
                f"cannot save the cloud's {part} = {value!r}: the file would give {again!r} "
                "(a value JSON data does not hold as it is)"
            )


def _check_settings(args: dict[str, Any]) -> None:
    """Check a loaded cloud's config and switches as `Cloud` checks its arguments
    (`ConfigError`, a ValueError, naming the first that does not fit)."""
    from fakecloud.config import Config
    from fakecloud.profiles import Switches

    Config.from_mapping(args["config"])
    Switches.for_profile(args["profile"], args["switches"])


def _moved(data: dict[str, Any], endpoints: Mapping[str, str]) -> dict[str, Any]:
    """`data` with every old endpoint base URL replaced by the new one (the trace, which is
    history, keeps what it recorded)."""
    from fakecloud.config import Config

    try:
        args = dict(data["cloud"])
        config = dict(args["config"])
        # Format 2 writes the endpoints only when they are not the defaults.
        defaults = Config.from_mapping().to_dict()["endpoints"]
        old = {**defaults, **config.get("endpoints", {})}
    except (KeyError, TypeError, ValueError):
        raise StateError("the state has no endpoints configuration to move") from None
    config["endpoints"] = old
    data = {**data, "cloud": {**args, "config": config}}
    pairs = [
        (str(old[k]).rstrip("/"), str(v).rstrip("/"))
        for k, v in endpoints.items()
        if k in old and str(old[k]).rstrip("/") != str(v).rstrip("/")
    ]
    if not pairs:
        return data

    def move(value: Any) -> Any:
        if isinstance(value, str):
            for before, after in pairs:
                value = value.replace(before, after)
            return value
        if isinstance(value, list):
            return [move(v) for v in value]
        if isinstance(value, dict):
            return {move(k): move(v) for k, v in value.items()}
        return value

    # a node that is no list is moved as any value, and refused where the nodes are read
    # (`decode.check_nodes`): its ``node[0]`` was a TypeError's traceback at a served load
    nodes = [_kept_or(move, node) for node in data["nodes"]]
    return {**data, "cloud": move(data["cloud"]), "nodes": nodes}


def _kept_or(move: Any, node: Any) -> Any:
    """`node` itself if it is the trace's (history keeps the URLs it recorded), else moved."""
    return node if type(node) is list and node and node[0] == "trace" else move(node)


def _template(args: Any, cloud_class: type) -> Any:
    """A fresh cloud built as the saved one was (the state is grafted onto it)."""
    config = dict(args["config"])
    config["switches"] = dict(args["switches"])
    return cloud_class(seed=args["seed"], profile=args["profile"], config=config)


def _summary(cloud: Any) -> dict[str, Any]:
    """A few counts for a person reading the file (not used when loading)."""
    return {
        "now_s": cloud.now,
        "servers": len(cloud.nova.db.instances),
        "volumes": len(cloud.cinder.store.volumes),
        "volume_snapshots": len(cloud.cinder.store.snapshots),
        "images": len(cloud.glance.db.images),
        "trace_events": len(cloud.trace),
    }


def _check_header(data: Any, source: str) -> int:
    """Refuse (`StateError`) data that is no fakecloud state this fakecloud reads, or whose
    header is damaged; its format version."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise StateError(
            f'{source} is not a fakecloud state file (expected a JSON object with "format": '
            f'"{FORMAT}", as cloud.save writes)'
        )
    version = check_version(data, source)
    for key in ("cloud", "nodes"):
        if key not in data:
            raise StateError(f"{source} is damaged: it has no {key!r}")
    if type(data["nodes"]) is not list or not data["nodes"]:
        raise StateError(
            f'{source} is damaged: its "nodes" holds {_shown(data["nodes"])}, '
            "expected a list of nodes"
        )
    header = data["cloud"]
    if type(header) is not dict:
        raise StateError(
            f'{source} is damaged: its "cloud" holds {_shown(header)}, expected an '
            "object (seed, profile, config, switches)"
        )
    for key in _HEADER_KEYS:
        if key not in header:
            raise StateError(f'{source} is damaged: its "cloud" has no {key!r}')
    for key in ("config", "switches"):
        if type(header[key]) is not dict:
            raise StateError(
                f'{source} is damaged: its "cloud.{key}" holds '
                f"{_shown(header[key])}, expected an object"
            )
    return version


#: What a file's header (``"cloud"``) names to build the cloud it is grafted onto.
_HEADER_KEYS = ("seed", "profile", "config", "switches")


def _shown(value: Any) -> str:
    """A JSON value as a refusal shows it: its type, and itself if short."""
    return f"{type(value).__name__} {reprlib.repr(value)}"


def _located(exc: StateError, root: Any) -> StateError:
    """`exc` with the place in the cloud where its object was found (for the message)."""
    if exc.obj is None:
        return exc
    path = _find(root, exc.obj)
    where = f" at {path}" if path else ""
    return StateError(f"{exc}{where}", obj=exc.obj)


def _find(root: Any, target: Any, limit: int = 200_000) -> str | None:
    """The attribute path from `root` to `target` (breadth first), for error messages."""
    seen = {id(root)}
    queue = deque([(root, "cloud")])
    while queue and limit:
        limit -= 1
        obj, path = queue.popleft()
        if obj is target:
            return path
        for step, child in _children(obj):
            if id(child) not in seen and not isinstance(child, (str, int, float, type(None))):
                seen.add(id(child))
                queue.append((child, path + step))
    return None


def _children(obj: Any):
    from fakecloud.state import kinds

    if isinstance(obj, dict):
        for key, value in obj.items():
            yield f"[{key!r}]", value
    elif isinstance(obj, (list, tuple, deque)):
        for i, value in enumerate(obj):
            yield f"[{i}]", value
    elif isinstance(obj, (set, frozenset)):
        for value in obj:
            yield "{...}", value
    elif hasattr(obj, "__closure__") and obj.__closure__:
        for i, cell in enumerate(obj.__closure__):
            try:
                yield f".<cell {i}>", cell.cell_contents
            except ValueError:
                pass
    elif hasattr(obj, "__self__") and not isinstance(obj, type):
        yield ".__self__", obj.__self__
    elif kinds.is_record_class(type(obj)):
        for key, value in getattr(obj, "__dict__", {}).items():
            yield f".{key}", value
        for key in kinds.slot_names(type(obj)):
            try:
                yield f".{key}", object.__getattribute__(obj, key)
            except AttributeError:
                pass
