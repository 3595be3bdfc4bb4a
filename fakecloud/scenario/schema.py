"""The published JSON Schema of scenario files (``fakecloud schema`` prints it).

`scenario_schema()` is the schema of a file as written: wherever a number, a flag or a choice is
expected, a value that is exactly ``${name}`` (a matrix parameter or a var) is accepted too.
`case_schema()` is the strict schema every expanded case must meet after substitution. Both are
built from one description below, so they never drift apart. `published_schema()`, what
``fakecloud schema`` prints, is `scenario_schema()` with its repeated parts under ``$defs``.
Names that fakecloud defines (profiles, switches, fault actions, invariants, setup kinds) are
read from the code.

Field descriptions here are the reference documentation of the format; `x-hint` texts are
what an error message adds when a value does not fit, and an object's `x-not-here` says why a
key that belongs elsewhere (a step's `at:` in a setup request) is not one of its keys.
"""

from __future__ import annotations

import json
from typing import Any

from fakecloud.bounds import MAX_COUNT, MAX_RATE, MAX_SECONDS
from fakecloud.profiles import PROFILES, SWITCHES
from fakecloud.sim.explore import OUTCOME_WORDS
from fakecloud.sim.faults import ACTIONS
from fakecloud.transport.endpoints import SERVICE_ALIASES

#: A profile name's shape (whether the release exists is checked when the case is built).
PROFILE_PATTERN = r"^(seed|upstream|seed-\d+\.\d+\.\d+|nova-\d+\.\d+\.\d+(\+vendor)?)$"
SCHEMA_ID = "urn:fakecloud:scenario-schema:1"
REF_PATTERN = r"^\$\{[^${}]+\}$"
#: A step, case, parameter or variable name. `(?!\n)`: Python's `$` (jsonschema's `pattern`)
#: also matches before a final newline, and a case named ``"bug\n"`` put it in its case id
#: (`run --list`, ``--trace t.jsonl`` wrote ``t-bug\n.jsonl``); ECMA-262 reads it the same.
NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_-]*$(?!\n)"
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
SERVICE_TYPES = ("compute", "image", "block-storage", "identity")
#: Service types a step may name that not every release has (Cinder's v2 API before 19.0.0).
LEGACY_SERVICE_TYPES = ("volumev2",)
ADVERSARY_ACTIONS = (
    "delete_server",
    "create_image",
    "stop_server",
    "detach_volume",
    "delete_image",
    "guest_stops",
    "migrate_volume",
    "retype",
)
STEP_ACTIONS = (
    "request",
    "fault",
    "release",
    "capacity",
    "transfer",
    "rpc",
    "restart",
    "guest",
    "wait",
)
TRACE_CHECKS = ("count", "present", "absent", "duration", "order")


class _Builder:
    """Builds the schema; `template=True` lets typed values be ``${name}`` references."""

    def __init__(self, template: bool):
        self.template = template

    def typed(self, schema: dict[str, Any]) -> dict[str, Any]:
        if not self.template:
            return schema
        return {"anyOf": [schema, {"type": "string", "pattern": REF_PATTERN}]}

    def number(
        self,
        doc: str,
        minimum: float | None = 0,
        exclusive: bool = False,
        maximum: float = MAX_SECONDS,
    ) -> dict:
        """A finite number (times by default: at most `fakecloud.bounds.MAX_SECONDS`)."""
        s: dict[str, Any] = {"type": "number", "description": doc, "maximum": maximum}
        if minimum is not None:
            s["exclusiveMinimum" if exclusive else "minimum"] = minimum
        return self.typed(s)

    def integer(self, doc: str, minimum: int | None = 0, maximum: int = MAX_COUNT) -> dict:
        """A whole number, at most `fakecloud.bounds.MAX_COUNT` unless given."""
        s: dict[str, Any] = {"type": "integer", "description": doc, "maximum": maximum}
        if minimum is not None:
            s["minimum"] = minimum
        return self.typed(s)

    def boolean(self, doc: str) -> dict:
        return self.typed({"type": "boolean", "description": doc})

    def enum(self, values: Any, doc: str) -> dict:
        return self.typed({"enum": list(values), "description": doc})

    def string(self, doc: str, **extra: Any) -> dict:
        return {"type": "string", "description": doc, **extra}

    def obj(self, props: dict, doc: str, required: tuple = (), **extra: Any) -> dict:
        s = {
            "type": "object",
            "description": doc,
            "properties": props,
            "additionalProperties": False,
            **extra,
        }
        if required:
            s["required"] = list(required)
        return s

    # -- shared pieces -----------------------------------------------------------------------

    def time_range(self, doc: str) -> dict:
        return {
            "description": doc + " A number means exactly; {min, max} bounds it.",
            "x-hint": "a number of virtual seconds, or {min: .., max: ..}",
            "anyOf": [
                self.number("exactly this many virtual seconds"),
                self.obj(
                    {"min": self.number("at least"), "max": self.number("at most")},
                    "bounds",
                    minProperties=1,
                ),
            ],
        }

    def microversion(self) -> dict:
        return self.string(
            'API microversion, e.g. "2.45" (quoted), or "latest".',
            pattern=r"^(\d+\.\d+|latest|\$\{[^${}]+\})$",
            **{"x-hint": 'a quoted version like "2.10": a bare 2.10 is the number 2.1'},
        )

    def request_line(self) -> dict:
        return self.string(
            "METHOD and path, e.g. 'POST /servers/${servers.web.id}/action'. The path is the "
            "service's own (compute: /servers..., image: /v2/images..., block-storage: "
            "/v3/${project_id}/volumes..., identity: /v3/...); a query string may follow '?'.",
            pattern=rf"^({'|'.join(METHODS)}) /\S*$",
            **{"x-hint": "a request like 'GET /servers/${servers.web.id}'"},
        )

    def request_fields(self) -> dict:
        return {
            "service": self.enum(
                SERVICE_TYPES + tuple(SERVICE_ALIASES) + LEGACY_SERVICE_TYPES,
                "Service type the path belongs to; inferred from the path when omitted "
                "(/v2/... image, /v3/projects|users|roles|auth... identity, other /v3/... "
                "block-storage, anything else compute). Other names work as in "
                "cloud.request: volume and cinder for block-storage, nova, glance, keystone; "
                "volumev2 is Cinder's v2 API (/v2/${project_id}/...), on releases before "
                "Cinder 19.0.0 only.",
            ),
            "as": self.string("User the request is made as (default demo)."),
            "microversion": self.microversion(),
            "body": {"description": "JSON body (any YAML value); ${...} references resolved."},
            "headers": {
                "type": "object",
                "description": "Extra request headers.",
                # A float is refused as the microversion field refuses it: a bare 2.10 in
                # X-OpenStack-Nova-API-Version was sent as "2.1", silently another version.
                "additionalProperties": {
                    "type": ["string", "integer"],
                    "x-hint": 'text; a version quoted, "2.10": a bare 2.10 is the number 2.1',
                },
            },
        }

    def trace_pattern(self, doc: str) -> dict:
        return {
            "type": "object",
            "minProperties": 1,
            "description": doc
            + " Fields an event must have (kind, actor, subject, new, ...); values are matchers "
            "(plain values, ${refs}, or {$regex: ..}, {$in: [..]}, ...); a kind ending in .* "
            "matches a prefix.",
        }

    def response_expect(self, timed: bool = True) -> dict:
        """What a step's outcome must be; `timed=False`: what the answer of a request outside
        the steps (setup, a poll, a final-state check) must be, which has no timing of its own
        to check (the keys that check one are named as such, not ignored)."""
        if not timed:
            shape = self.response_expect()
            props = {k: shape["properties"][k] for k in ("status", "body", "headers")}
            untimed = {
                key: "this answer is checked for its status, body and headers; only a "
                "step's outcome has a timing or an error to check"
                for key in shape["properties"]
                if key not in props
            }
            return self.obj(props, "What the answer must be.", **{"x-not-here": untimed})
        return self.obj(
            {
                "status": self.typed(
                    {
                        "description": "Expected HTTP status, or a list of acceptable ones.",
                        "anyOf": [
                            {"type": "integer", "minimum": 100, "maximum": 599},
                            {
                                "type": "array",
                                "items": {"type": "integer", "minimum": 100, "maximum": 599},
                                "minItems": 1,
                            },
                        ],
                        "x-hint": "an HTTP status like 409 or a list [202, 409]",
                    }
                ),
                "body": {
                    "description": "Partial match of the JSON body: only the keys given are "
                    "checked. Operators: {$regex: pattern}, {$absent: true}, {$present: true}, "
                    "{$in: [..]}, {$len: n}, {$contains: ..}, {$gt|$ge|$lt|$le: n}, {$not: ..}."
                },
                "headers": {
                    "type": "object",
                    "description": "Header values to match (names case-insensitive).",
                },
                "error": {
                    "description": "For non-request steps: the error the step ended with "
                    "(matcher on its text), e.g. a failed transfer."
                },
                "finished_by": self.number("The step finished at or before this scenario time."),
                "finished_at": self.time_range("When the step finished (scenario time)."),
                "took": self.time_range("How long the step took."),
            },
            "What a step's outcome must be.",
        )

    # -- steps -------------------------------------------------------------------------------

    def step_props(self) -> dict:
        rate = {
            "bytes_per_s": self.number("Throughput in bytes per second.", maximum=MAX_RATE),
            "mb_per_s": self.number("Throughput in MB (10^6 bytes) per second.", maximum=MAX_RATE),
            "gbit_per_s": self.number("Throughput in Gbit per second.", maximum=MAX_RATE),
        }
        resource = {
            "description": "A resource: the name of an existing one, or {name, <rate>} to "
            "create it with that throughput if it does not exist yet.",
            "anyOf": [
                {"type": "string"},
                self.obj({"name": self.string("Resource name."), **rate}, "", ("name",)),
            ],
        }
        return {
            "name": self.string(
                "Step name, used by after: and ${steps.NAME...}.", pattern=NAME_PATTERN
            ),
            "note": self.string("What this step does, shown in the report."),
            "at": self.number("Run at this scenario time (virtual seconds after setup)."),
            "after": self.string(
                "Run when the named step has finished (plus delay).", pattern=NAME_PATTERN
            ),
            "on": self.obj(
                {
                    "trace": self.trace_pattern("Run when an event like this is traced."),
                    "nth": self.integer("Run at the nth matching event (default 1).", 1),
                },
                "Run when a trace event matches (plus delay): places a race exactly.",
                ("trace",),
            ),
            "delay": self.number("Seconds to wait after the after:/on: trigger."),
            "request": self.request_line(),
            **self.request_fields(),
            "fault": self.obj(
                {
                    "point": self.string("Fault point, e.g. cinder.snapshot.create."),
                    "action": self.enum(ACTIONS, "What the rule does (default raise)."),
                    "error": {
                        "description": "Error to raise: a name services registered "
                        "(`fakecloud list errors`), an HTTP status where errors are HTTP "
                        "answers (image_api.*, volume_api.*, glance.upload), or module:Class.",
                        "x-hint": "an error name (fakecloud list errors) or an HTTP status",
                        "anyOf": [
                            {"type": "string"},
                            {"type": "integer", "minimum": 400, "maximum": 599},
                        ],
                    },
                    "message": self.string("Message of the error."),
                    "match": {
                        "type": "object",
                        "description": "Attributes the work must have (e.g. volume_id).",
                    },
                    "nth": self.integer("Fire only at the nth match.", 1),
                    "at": self.number("Active from this scenario time on."),
                    "until": self.number("Active until this scenario time."),
                    "times": self.integer("Fire at most this many times.", 1),
                    "probability": self.typed(
                        {"type": "number", "minimum": 0, "maximum": 1, "description": "Chance."}
                    ),
                    "delay_s": self.number("For action delay: how long."),
                    "name": self.string("Rule name shown in the trace."),
                },
                "Add a fault-plan rule.",
                ("point",),
            ),
            "release": self.string("Release everything stalled at this fault point."),
            "capacity": self.obj(
                {"resource": self.string("I/O resource name."), **rate},
                "Change an I/O resource's throughput (0 stalls it).",
                ("resource",),
            ),
            "transfer": self.obj(
                {
                    "label": self.string("Label shown in the trace."),
                    "size_bytes": self.integer("Size in bytes."),
                    "size_mb": self.number("Size in MB (10^6 bytes).", maximum=MAX_RATE),
                    "size_gb": self.number("Size in GB (10^9 bytes).", maximum=MAX_RATE),
                    "path": {
                        "type": "array",
                        "minItems": 1,
                        "items": resource,
                        "description": "Resources crossed, in order.",
                    },
                },
                "Move bytes through I/O resources (background load, or to show sharing); "
                "the step finishes when the transfer does.",
                ("path",),
            ),
            "rpc": self.obj(
                {
                    "target": self.string("RPC target, e.g. compute.cmp-1."),
                    "up": self.boolean("Bring it up (true) or take it down (false)."),
                },
                "Stop an RPC service (its tasks under way die there; messages to it wait in "
                "its queue) or bring it back (cinder-volume's and cinder-backup's clean-up "
                "first, then its queue is consumed, oldest first).",
                ("target", "up"),
            ),
            "guest": self.obj(
                {
                    "server": self.string("The server's id, e.g. ${servers.web.id}."),
                    "stops": {
                        "enum": ["shutdown", "crash"],
                        "description": "How the guest stops on its own: its OS shuts down, "
                        "or it crashes (libvirt's on_crash destroys it: shut off as well).",
                    },
                },
                "A server's guest stops on its own, behind Nova's back: libvirt's STOPPED "
                "event follows 15 s later, then Nova's power sync stops the server.",
                ("server", "stops"),
            ),
            "restart": self.obj(
                {
                    "host": self.string(
                        "Compute host (cmp-1: nova-compute) or cinder-volume host "
                        "(cinder@lvmdriver-1: HOST@BACKEND)."
                    ),
                    "down_s": self.number(
                        "How long the service stays down (default nova.compute_restart_s "
                        "for nova-compute, 0 for cinder-volume)."
                    ),
                },
                "Crash and restart nova-compute or a backend's cinder-volume: nova-compute's "
                "running tasks die where they stand and messages sent meanwhile are lost; "
                "cinder-volume's casts wait in its queue. Then init_host runs (cinder-volume: "
                "the workers table's clean-up). The step finishes when the service is back.",
                ("host",),
            ),
            "wait": {
                "description": "Wait: a number of seconds; {trace: {...}, timeout} until an "
                "event is traced; or {poll: 'GET path', until: {...}, every, timeout} until a "
                "response matches.",
                "x-hint": "seconds, {trace: ...} or {poll: ..., until: ...}",
                "anyOf": [
                    self.number("Seconds."),
                    self.obj(
                        {
                            "trace": self.trace_pattern("The event to wait for."),
                            "nth": self.integer("The nth matching event.", 1),
                            "timeout": self.number("Give up (step fails) after this long."),
                        },
                        "",
                        ("trace",),
                    ),
                    self.obj(
                        {
                            "poll": self.request_line(),
                            **self.request_fields(),
                            "until": self.response_expect(timed=False),
                            "every": self.number("Seconds between polls (default 1).", 0, True),
                            "timeout": self.number("Give up after this long (default 300)."),
                        },
                        "",
                        ("poll", "until"),
                    ),
                ],
            },
            "expect": self.response_expect(),
            "save": {
                "type": "object",
                "description": "Name values of the outcome for later steps: {images.snap.id: "
                "body.image_id} makes ${images.snap.id} usable. A value is a path into the "
                "outcome (status, body.x.y, headers.Name) or {path, regex} (group 1 kept).",
                "additionalProperties": {
                    "anyOf": [
                        {"type": "string"},
                        self.obj(
                            {"path": {"type": "string"}, "regex": {"type": "string"}},
                            "",
                            ("path", "regex"),
                        ),
                    ]
                },
            },
        }

    def step(self, partial: bool = False) -> dict:
        s = self.obj(
            self.step_props(),
            "One thing that happens: a request, a fault, an I/O change, or a wait. Without "
            "at/after/on a step runs when the step before it has finished.",
        )
        if partial:
            return _without_required(s)
        s["oneOf"] = [{"required": [a]} for a in STEP_ACTIONS]
        s["x-hint"] = "a step does exactly one thing"
        return s

    # -- the cloud section -------------------------------------------------------------------

    def cloud(self) -> dict:
        from fakecloud.scenario.world import KINDS

        switch_props = {
            name: self.typed(
                {
                    "type": "boolean" if isinstance(sw.initial, bool) else "string",
                    "description": f"{sw.doc} (seed: {sw.seed!r}, upstream: {sw.upstream!r})",
                }
            )
            for name, sw in SWITCHES.items()
        }
        bug_names = [n for n, sw in SWITCHES.items() if sw.is_bug]
        kinds = {kind.name: self.kind(kind) for kind in KINDS}
        return self.obj(
            {
                "profile": self.typed(
                    {
                        "type": "string",
                        "pattern": PROFILE_PATTERN,
                        "description": "Behaviour profile (default seed): seed (Queens 17.0.13 "
                        "with the vendor branch), seed-17.0.N, upstream (Nova 34.0.0), or any "
                        "Nova release nova-X.Y.Z from 17.0.0 to 34.0.0 (+vendor: with the "
                        "vendor branch).",
                        "x-hint": "a profile: seed, upstream, seed-17.0.N or nova-X.Y.Z[+vendor]",
                        "examples": list(PROFILES[:4]),
                    }
                ),
                # Any whole number, as Cloud(seed=...), --seed and POST /fakecloud/reset take
                # (ids derive from its text: -1 is a world of its own).
                "seed": self.typed(
                    {
                        "type": "integer",
                        "description": "Seed of every id and seeded choice "
                        "(default 0; any whole number).",
                    }
                ),
                "switches": self.obj(switch_props, "Behaviour switches to override."),
                "bugs": {
                    "type": "array",
                    "items": self.enum(bug_names, "A Launchpad-bug switch to turn on."),
                    "description": "Known bugs to replay (their switches turned on).",
                },
                "config": {
                    "type": "object",
                    "description": "Nested config overrides by section ({rpc: {delay_s: 0.01}});"
                    " unknown sections and keys are errors.",
                },
                **kinds,
                "setup": {
                    "type": "array",
                    "description": "Further requests made before the steps, in order (after "
                    "the named resources above), each once the one before it has answered and "
                    "the named resources it refers to are ready.",
                    "x-hint": "a list of requests, each '- request: METHOD /path' with its "
                    "body:, expect:, save:",
                    "items": self.obj(
                        {
                            "name": self.string("Name for ${steps.NAME...}.", pattern=NAME_PATTERN),
                            "note": self.string(
                                "What this request is for, as a step's note (for the reader: "
                                "a setup request is not in the report)."
                            ),
                            "request": self.request_line(),
                            **self.request_fields(),
                            "expect": self.response_expect(timed=False),
                            "save": self.step_props()["save"],
                        },
                        "A setup request.",
                        ("request",),
                        **{
                            "x-hint": "a setup request: {request: 'POST /servers/...', body: "
                            "..., expect: ..., save: ...}",
                            "x-not-here": {
                                key: "a setup request has no timing: it is sent before time 0, "
                                "once the one before it has answered and the named resources "
                                "it refers to are ready; a step is placed with at:, after: or "
                                "on:"
                                for key in ("at", "after", "on", "delay", "wait")
                            },
                        },
                    ),
                },
            },
            "The cloud to build: profile, switches, bugs, seed, config, and the world made "
            "before the steps run (created in the order projects, users, images, volumes, "
            "servers, setup).",
        )

    def kind(self, kind: Any) -> dict:
        extra = {k: v(self) for k, v in kind.extra.items()}
        if kind.via == "config":
            fields = extra
        else:
            fields = {
                "as": self.string(f"User who creates it (default {kind.user})."),
                "microversion": self.microversion(),
                "body": {
                    "type": "object",
                    "description": "Fields of the create request body (merged over the "
                    "defaults; name defaults to the key).",
                },
                "wait": self.typed(
                    {
                        "type": ["string", "boolean"],
                        "description": f"Status it must reach (default {kind.ready!r}): "
                        "awaited before anything that names it is made, else checked once the "
                        "cloud is idle; false to neither wait nor check.",
                    }
                ),
                **extra,
            }
        return {
            "type": "object",
            "description": kind.doc,
            "propertyNames": {"pattern": NAME_PATTERN},
            "additionalProperties": self.obj(fields, kind.doc),
        }

    # -- expectations ------------------------------------------------------------------------

    def check_name(self) -> dict:
        return self.string(
            "A name for this check, unique among the steps and checks: a bug hunt's "
            "explore.finds may list it.",
            pattern=NAME_PATTERN,
        )

    def trace_check(self) -> dict:
        counts = {
            "equals": self.integer("Exactly this many."),
            "min": self.integer("At least this many."),
            "max": self.integer("At most this many."),
        }
        s = self.obj(
            {
                "name": self.check_name(),
                "note": self.string("What this check means, shown in the report."),
                "count": self.trace_pattern("Count the events like this."),
                **counts,
                "present": self.trace_pattern("At least one event like this."),
                "absent": self.trace_pattern("No event like this."),
                "by": self.number("With present: the first one at or before this time."),
                "duration": self.obj(
                    {
                        "from": self.trace_pattern("Where each interval starts."),
                        "to": self.trace_pattern("Where it ends (first match after from)."),
                        "same": {
                            "type": "array",
                            "items": {"type": "string"},
                            "description": "Fields that must be equal in from and to "
                            "(e.g. [subject]).",
                        },
                        "min": self.number("Every interval at least this long."),
                        "max": self.number(
                            "Every interval at most this long (one never ended counts as "
                            "lasting to the end of the run)."
                        ),
                        "count": self.integer("Exactly this many intervals."),
                    },
                    "Time between two events, e.g. how long a guest stays frozen.",
                    ("from", "to"),
                ),
                "order": {
                    "type": "array",
                    "minItems": 2,
                    "items": self.trace_pattern("An event."),
                    "description": "Events like these happen in this order.",
                },
            },
            "A fact about the trace.",
        )
        s["oneOf"] = [{"required": [c]} for c in TRACE_CHECKS]
        s["x-hint"] = "a trace check is one of count, present, absent, duration, order"
        return s

    def expect(self) -> dict:
        from fakecloud.invariants import REGISTRY

        names = sorted(REGISTRY)
        return self.obj(
            {
                "finished_by": self.number(
                    "Every step done and the cloud idle by this scenario time."
                ),
                "state": {
                    "type": "array",
                    "description": "Requests made after the run, and what they must answer.",
                    "items": self.obj(
                        {
                            "name": self.check_name(),
                            "note": self.string("What this checks."),
                            "request": self.request_line(),
                            **self.request_fields(),
                            "expect": self.response_expect(timed=False),
                        },
                        "A final-state check.",
                        ("request", "expect"),
                    ),
                },
                "trace": {"type": "array", "items": self.trace_check()},
                "invariants": self.typed(
                    {
                        "description": "Invariants that must hold at the end: all, or names.",
                        "x-hint": f"all, or a list of: {', '.join(names)}",
                        "anyOf": [
                            {"const": "all"},
                            {"type": "array", "items": {"enum": names}},
                        ],
                    }
                ),
                "violated": {
                    "type": "array",
                    "items": {"enum": names},
                    "description": "Invariants this run must break (a bug replay showing its "
                    "bad end state); left out of 'all'.",
                },
            },
            "What must be true about the whole run.",
        )

    # -- exploration -------------------------------------------------------------------------

    def explore(self) -> dict:
        from fakecloud.invariants import REGISTRY

        likelihood = self.typed(
            {
                "type": "number",
                "minimum": 0,
                "maximum": 1,
                "description": "Chance that it happens in one run (per consultation for a "
                "fault point).",
            }
        )
        fault_point = self.obj(
            {
                "point": self.string("Fault point, e.g. volume_api.create_snapshot_force."),
                "errors": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"type": "string"},
                    "description": "What may happen there, one picked per firing: an error "
                    "name services registered (or module:Class), or "
                    + ", ".join(OUTCOME_WORDS)
                    + " (the work hangs / the message is lost / the transfer fails half-way). "
                    "Default: the point's usual failures (see docs/exploration.md).",
                },
                "likelihood": likelihood,
                "match": {
                    "type": "object",
                    "description": "Attributes the work must have for the point to fire there, "
                    "as a fault step's match: (e.g. {method: quiesce_instance}); values may be "
                    "${...} of the world at t0. Default: any work at the point.",
                },
            },
            "A fault point that may fire.",
            ("point",),
        )
        restart = self.obj(
            {
                "restart": self.string(
                    "Compute host whose nova-compute restarts (cmp-1), or cinder-volume host "
                    "whose cinder-volume restarts (cinder@lvmdriver-1)."
                ),
                "down_s": self.number("How long it stays down."),
                "likelihood": likelihood,
            },
            "A nova-compute or cinder-volume restarting at a moment chance picks.",
            ("restart",),
        )
        adversary = self.obj(
            {
                "delete_server": self.string("DELETE /servers/{id} of this server (a name)."),
                "create_image": self.string("A second createImage on this server (a name)."),
                "stop_server": self.string("os-stop on this server (a name)."),
                "guest_stops": self.string(
                    "This server's guest shuts itself down behind Nova's back (a name)."
                ),
                "detach_volume": self.obj(
                    {
                        "server": self.string("Server name."),
                        "volume": self.string("Volume name, or a ${...} volume id."),
                    },
                    "Detach a volume from a server.",
                    ("server", "volume"),
                ),
                "delete_image": self.string(
                    "DELETE /v2/images/{id}: an image name, or a ${...} image id such as "
                    "${steps.snap.body.image_id}."
                ),
                "migrate_volume": self.obj(
                    {
                        "volume": self.string("Volume name, or a ${...} volume id."),
                        "host": self.string("Destination backend, e.g. cinder@ceph#ceph."),
                    },
                    "An admin's os-migrate_volume of a volume to another backend (an "
                    "attached one moves through Nova's swap).",
                    ("volume", "host"),
                ),
                "retype": self.obj(
                    {
                        "volume": self.string("Volume name, or a ${...} volume id."),
                        "type": self.string("The new volume type's name."),
                        "migration_policy": self.enum(
                            ["on-demand", "never"],
                            "on-demand (the default) migrates to the new type's backend.",
                        ),
                    },
                    "The owner's os-retype of a volume.",
                    ("volume", "type"),
                ),
                "request": self.request_line(),
                **self.request_fields(),
                "name": self.string(
                    "Step name of the action (default adversary-N).", pattern=NAME_PATTERN
                ),
                "likelihood": likelihood,
            },
            "A user's action inserted at a moment of the flow chance picks: one of "
            + ", ".join(ADVERSARY_ACTIONS)
            + ", or any request.",
        )
        adversary["oneOf"] = [{"required": [a]} for a in (*ADVERSARY_ACTIONS, "request")]
        adversary["x-hint"] = "one action: " + ", ".join((*ADVERSARY_ACTIONS, "request"))
        return self.obj(
            {
                "seeds": self.integer("How many seeds fakecloud explore runs (default 100).", 1),
                "chance": self.obj(
                    {
                        "rpc_delay": {
                            "description": "RPC delivery delays: false (nominal), true (up to "
                            "10 times nominal, the default) or {max_s: S}.",
                            "anyOf": [
                                self.boolean("On or off."),
                                self.obj(
                                    {"max_s": self.number("Longest delay.", 0, True)},
                                    "",
                                    ("max_s",),
                                ),
                            ],
                        },
                        "tie_order": self.boolean(
                            "Events due at one instant run in any order (default true)."
                        ),
                        "throughput_jitter": self.typed(
                            {
                                "type": ["number", "boolean"],
                                "description": "Links and disks run up to this fraction off "
                                "their throughput (default 0.2; false or 0: nominal).",
                            }
                        ),
                    },
                    "What chance may change in a run.",
                ),
                "faults": {
                    "type": "array",
                    "description": "Faults that may fire, chosen by the seed.",
                    "items": {
                        "x-hint": "a fault point name, {point, errors, likelihood} or "
                        "{restart: HOST}",
                        "anyOf": [{"type": "string"}, fault_point, restart],
                    },
                },
                "adversary": {
                    "type": "array",
                    "description": "A user's actions that may land anywhere in the flow.",
                    "items": adversary,
                },
                "windows": self.enum(
                    ("events", "moments", "mixed"),
                    "Where adversaries and restarts land: moments (default), each instant "
                    "of a plain run equally likely, then each of its events, and each "
                    "services' heartbeat (report_interval, 10 s) between its first and last "
                    "events a moment too; events, after any trace event of a plain run, each "
                    "equally likely; mixed, each insert one way or the other, even odds.",
                ),
                "finds": {
                    "type": "array",
                    "items": {
                        "type": "string",
                        "pattern": NAME_PATTERN,
                        "x-hint": "an invariant, a step with an expect:, or a named state or "
                        "trace check",
                    },
                    "description": "A bug hunt: what some seeds are expected to break, each an "
                    "invariant (" + ", ".join(sorted(REGISTRY)) + "), a step (its expect:) or "
                    "a check of expect.state or expect.trace by its name:. The scenario's "
                    "explore test passes when exploring breaks each of these and nothing else "
                    "(fakecloud explore still exits 1: something broke).",
                },
            },
            "Exploration: fakecloud explore runs the scenario under many seeds, each choosing "
            "delays, orders, faults and when an adversary acts. fakecloud run ignores it.",
        )

    def choices(self) -> dict:
        note = self.string("What the decision was about (for readers; not read back).")

        def decision(kind: str, number: str, value: str, doc: str) -> dict:
            props = {
                kind: self.integer(number),
                value: self.integer("The value.", None),
                "note": note,
            }
            return self.obj(props, doc, (kind, value))

        fault = self.obj(
            {
                "fault": self.string("The fault point."),
                "n": self.integer("Its consultation number."),
                "outcome": self.string("What happened there (an error name or outcome word)."),
                "note": note,
            },
            "A fault point's decision.",
            ("fault", "n", "outcome"),
        )
        made = {
            "x-hint": "a decision is {tie: N, pick: P}, {rpc_delay: N, value: V}, "
            "{throughput: N, value: V} or {fault: POINT, n: N, outcome: NAME}",
            "anyOf": [
                decision(
                    "tie", "Which tie of the run.", "pick", "An order of simultaneous events."
                ),
                decision("rpc_delay", "Which RPC message.", "value", "An RPC delivery delay."),
                decision("throughput", "Which link or disk.", "value", "A throughput's jitter."),
                fault,
            ],
        }
        return self.obj(
            {
                "chance": self.obj(
                    {
                        "tie_order": self.boolean("Events due at one instant ran in any order."),
                        "rpc_delay_max_s": self.number("Longest RPC delivery delay.", 0, True),
                        "throughput_jitter": self.number(
                            "Largest fraction a throughput ran off.", 0, False, 1
                        ),
                    },
                    "The chance the run was made with.",
                ),
                "made": {
                    "type": "array",
                    "description": "Decisions that differ from a plain run, in order; "
                    "everything else is decided as a plain run would.",
                    "items": made,
                },
            },
            "Decisions written out by fakecloud explore/shrink: a plain run replays them exactly.",
            ("made",),
        )

    # -- the whole file ----------------------------------------------------------------------

    def document(self) -> dict:
        scalar = {"type": ["string", "number", "boolean", "null"]}
        case_steps = {
            "description": "A list replaces the steps; a mapping {step name: fields} changes "
            "those steps.",
            "anyOf": [
                {"type": "array", "items": self.step()},
                {
                    "type": "object",
                    "propertyNames": {"pattern": NAME_PATTERN},
                    "additionalProperties": self.step(partial=True),
                },
            ],
        }
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": SCHEMA_ID,
            "title": "fakecloud scenario",
            **self.obj(
                {
                    "name": self.string("Short name of the scenario."),
                    "description": self.string("What it shows, for readers and reports."),
                    "vars": {
                        "type": "object",
                        "description": "Values for ${name} substitution.",
                        "propertyNames": {"pattern": NAME_PATTERN},
                    },
                    "matrix": {
                        "type": "object",
                        "description": "Run once per combination: {param: [values]} with "
                        "${param} substituted; exclude: [{param: value}] drops cells.",
                        "propertyNames": {"pattern": NAME_PATTERN},
                        "properties": {
                            "exclude": {"type": "array", "items": {"type": "object"}},
                        },
                        "additionalProperties": {
                            "type": "array",
                            "minItems": 1,
                            "items": scalar,
                        },
                    },
                    "cloud": self.cloud(),
                    "steps": {"type": "array", "items": self.step()},
                    "expect": self.expect(),
                    "explore": self.explore(),
                    "choices": self.choices(),
                    "run": self.obj(
                        {
                            "until": self.number(
                                "Stop at this scenario time instead of waiting for the cloud "
                                "to be idle (for runs that leave work stuck on purpose).",
                                0,
                                True,
                            ),
                            "idle_cap_s": self.number(
                                "Give up waiting for idle after this long.", 0, True
                            ),
                        },
                        "How long to run.",
                    ),
                    "cases": {
                        "type": "object",
                        "description": "Named variants, each overriding parts of the file "
                        "(deep merge; null removes a key). Every case runs.",
                        "propertyNames": {"pattern": NAME_PATTERN},
                        "additionalProperties": self.obj(
                            {
                                "note": self.string("What this case shows."),
                                "vars": {"type": "object"},
                                "cloud": self.cloud(),
                                "steps": case_steps,
                                "expect": self.expect(),
                                "explore": self.explore(),
                                "run": {"type": "object"},
                            },
                            "A case.",
                        ),
                    },
                },
                "A fakecloud scenario: a cloud, steps on its virtual clock, expectations.",
            ),
        }


def _without_required(schema: Any) -> Any:
    """A copy of `schema` with no required keys anywhere (for partial overrides)."""
    if isinstance(schema, dict):
        return {k: _without_required(v) for k, v in schema.items() if k != "required"}
    if isinstance(schema, list):
        return [_without_required(v) for v in schema]
    return schema


def scenario_schema() -> dict:
    """The JSON Schema of scenario files as written (``${param}`` allowed for typed values)."""
    return _Builder(template=True).document()


def case_schema() -> dict:
    """The strict schema of one expanded case (after matrix and case substitution)."""
    return _Builder(template=False).document()


def published_schema() -> dict:
    """`scenario_schema()` as ``fakecloud schema`` prints it: each part that repeats written
    once under ``$defs`` (`fakecloud.scenario.schema_defs`), the same verdict on every file."""
    from fakecloud.scenario.schema_defs import with_defs

    builder = _Builder(template=True)
    names = {
        "reference": {"type": "string", "pattern": REF_PATTERN},
        "step_expect": builder.response_expect(),
    }
    return with_defs(builder.document(), names)


def schema_json() -> str:
    """The published schema as pretty JSON text."""
    return json.dumps(published_schema(), indent=2, sort_keys=False) + "\n"
