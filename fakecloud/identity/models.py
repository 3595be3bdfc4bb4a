"""The identity records: domains, projects, users, roles (with implied roles) and assignments.

A `Directory` is built once from the ``identity`` config section (see `fakecloud.identity.config`
for the default world) with ids drawn from the cloud seed, and answers the questions
authentication asks: who is this user, which project is meant, and which roles does the user hold
there, implied roles included (from keystone 24.0.0 admin ⇒ manager ⇒ member ⇒ reader).

    >>> d = Directory.from_world(IdentityConfig().world(), Random(0))
    >>> d.effective_roles(d.user_by_name("admin").id, project_id=d.project_by_name("admin").id)
    ('admin', 'manager', 'member', 'reader')
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random
from types import MappingProxyType
from typing import Any

from fakecloud.errors import ConfigError
from fakecloud.identity.config import (
    BOOTSTRAP_ROLE_NAMES,
    DEFAULT_DOMAIN_ID,
    DEFAULT_DOMAIN_NAME,
    NEWEST_KEYSTONE,
    SERVICE_PROJECT,
)
from fakecloud.sim.ids import first_hex_ids, stream
from fakecloud.suggest import did_you_mean


@dataclass(frozen=True)
class Domain:
    """A Keystone domain: a namespace of projects and users."""

    id: str
    name: str
    description: str = ""
    enabled: bool = True


@dataclass(frozen=True)
class Project:
    """A Keystone project (tenant): the owner of servers, volumes and images."""

    id: str
    name: str
    domain_id: str
    description: str = ""
    enabled: bool = True


@dataclass(frozen=True)
class User:
    """A Keystone user with a password and a default project."""

    id: str
    name: str
    domain_id: str
    password: str | None
    default_project_id: str | None = None
    enabled: bool = True


@dataclass(frozen=True)
class Role:
    """A role, and the roles it implies directly (by name)."""

    id: str
    name: str
    implies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assignment:
    """One role granted to a user on a project, a domain, or the whole system."""

    user_id: str
    role_id: str
    project_id: str | None = None
    domain_id: str | None = None
    system: bool = False


@dataclass(frozen=True)
class Group:
    """A Keystone group of users: roles granted to it are its members' (Keystone's API makes
    them, `fakecloud.identity.writes.WrittenDirectory`)."""

    id: str
    name: str
    domain_id: str
    description: str = ""


@dataclass(frozen=True)
class GroupAssignment:
    """One role granted to a group on a project or a domain."""

    group_id: str
    role_id: str
    project_id: str | None = None
    domain_id: str | None = None


_NONE: Any = MappingProxyType({})

_USER_KEYS = ("password", "project", "roles", "system_roles", "domain", "enabled", "assignments")
_PROJECT_KEYS = ("description", "domain", "enabled")
_SERVICE_USER_KEYS = ("password", "roles", "enabled")
_DOMAIN_KEYS = ("id", "description", "enabled")


def _hex_id(rng: Random) -> str:
    return f"{rng.getrandbits(128):032x}"


class _Counting:
    """`from_world`'s random source for the default world's template: 1, 2, 3 ... as its
    draws, so that the template's ids are stand-ins that no name or password is."""

    def __init__(self) -> None:
        self.drawn = 0

    def getrandbits(self, k: int) -> int:
        """The next stand-in (a count, whatever `k`)."""
        self.drawn += 1
        return self.drawn


#: The default world's directory builder (an `IdentityConfig` without overrides: most
#: clouds) by Keystone release, made once per process (`_builder`), and how many ids
#: `from_world` draws for it.
_default: dict[int, tuple[Any, int]] = {}


def _no_overrides(config: Any) -> bool:
    return all(
        isinstance(value, dict) and not value  # a FrozenDict: a config's mapping
        for value in (
            config.domains,
            config.projects,
            config.users,
            config.roles,
            getattr(config, "service_users", {}),
        )
    )


def _builder(template: Directory, drawn: int) -> Any:
    """``build(ids)``: a new directory of `template`'s records (built by `from_world` from
    `_Counting`'s stand-ins) with the n-th stand-in id replaced by ``ids[n]``, written out
    record by record (every boot builds one): each record made as its class's ``__init__``
    leaves it (the same fields in the same order), its other values `template`'s own
    (immutable: text, flags, tuples of role names), each new id one string wherever the
    template shares its stand-in, the tables in the template's order."""
    stand_ins = {f"{n:032x}": f"ids[{n - 1}]" for n in range(1, drawn + 1)}
    constants: list[Any] = []

    def expr(value: Any) -> str:
        if value.__class__ is str and value in stand_ins:
            return stand_ins[value]
        if value.__class__ is tuple and value and value[0].__class__ is str:  # a by-name key
            return "(" + "".join(expr(v) + ", " for v in value) + ")"
        if value.__class__ not in (str, bool, type(None), tuple):
            raise TypeError(f"a directory record holds a {type(value).__name__}")
        constants.append(value)
        return f"c[{len(constants) - 1}]"

    records = [
        *template.domains.values(),
        *template.projects.values(),
        *template.users.values(),
        *template.roles.values(),
        *template.assignments,
    ]
    name_of = {id(r): f"r{i}" for i, r in enumerate(records)}
    classes = sorted({r.__class__ for r in records}, key=lambda c: c.__name__)
    lines = ["def build(ids):"]
    for record in records:
        fields = ", ".join(f"{k!r}: {expr(v)}" for k, v in vars(record).items())
        made = name_of[id(record)]
        lines.append(f"    {made} = new({record.__class__.__name__})")
        lines.append(f"    {made}.__dict__.update({{{fields}}})")
    tables = []
    for name, held in vars(template).items():
        if held.__class__ is dict:
            items = ", ".join(f"{expr(k)}: {name_of[id(r)]}" for k, r in held.items())
            tables.append(f"{name!r}: {{{items}}}")
        else:  # the assignments
            tables.append(f"{name!r}: [{', '.join(name_of[id(r)] for r in held)}]")
    lines.append("    d = new(Directory)")
    lines.append(f"    d.__dict__.update({{{', '.join(tables)}}})")
    lines.append("    return d")
    namespace: dict[str, Any] = {"new": object.__new__, "c": constants, "Directory": Directory}
    namespace.update({c.__name__: c for c in classes})
    exec("\n".join(lines), namespace)  # noqa: S102 - our own code, from the template's shape
    return namespace["build"]


def _check_keys(what: str, name: str, spec: Any, allowed: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(spec, dict):
        raise ConfigError(f"config identity.{what}.{name} must be a mapping, got {spec!r}")
    for key in spec:
        if key not in allowed:
            raise ConfigError(
                f"unknown key {key!r} in config identity.{what}.{name}"
                f"{did_you_mean(key, allowed)}; known: {', '.join(allowed)}"
            )
    return spec


class Directory:
    """Every identity record of one cloud, with the lookups authentication needs."""

    domains: dict[str, Domain]
    projects: dict[str, Project]
    users: dict[str, User]
    roles: dict[str, Role]
    assignments: list[Assignment]
    _domain_by_name: dict[str, Domain]
    _project_by_name: dict[tuple[str, str], Project]
    _user_by_name: dict[tuple[str, str], User]
    _role_by_name: dict[str, Role]
    _effective: dict[tuple, tuple[str, ...]]
    #: The groups, by id and by (domain id, name), each group's member ids in the order
    #: added, the groups' role grants, and each project's parent project by project id (a
    #: project absent has its domain as parent): read-only empties in a built directory
    #: (class attributes: never saved), tables of a written one once it has any
    #: (`fakecloud.identity.writes.WrittenDirectory`).
    groups: dict[str, Group] = _NONE
    _group_by_name: dict[tuple[str, str], Group] = _NONE
    members: dict[str, list[str]] = _NONE
    group_grants: list[GroupAssignment] = ()  # type: ignore[assignment]
    parents: dict[str, str] = _NONE

    def __init__(self) -> None:
        self.domains = {}
        self.projects = {}
        self.users = {}
        self.roles = {}
        self.assignments = []
        self._domain_by_name = {}
        self._project_by_name = {}
        self._user_by_name = {}
        self._role_by_name = {}
        self._effective = {}

    # -- building ----------------------------------------------------------------------------

    @classmethod
    def from_world(cls, world: dict[str, dict[str, Any]], rng: Random) -> Directory:
        """Build the directory of `world` (see `IdentityConfig.world`), ids drawn from `rng`."""
        d = cls()
        for name, spec in world["domains"].items():
            spec = _check_keys("domains", name, spec, _DOMAIN_KEYS)
            default_id = DEFAULT_DOMAIN_ID if name == DEFAULT_DOMAIN_NAME else _hex_id(rng)
            dom = Domain(
                str(spec.get("id") or default_id),
                name,
                str(spec.get("description", "")),
                bool(spec.get("enabled", True)),
            )
            if dom.id in d.domains:
                raise ConfigError(f"config identity.domains: two domains have the id {dom.id!r}")
            d.domains[dom.id] = dom
            d._domain_by_name[name] = dom
        # the bootstrap roles' ids first, drawn whether or not the release makes the role
        drawn = {name: _hex_id(rng) for name in BOOTSTRAP_ROLE_NAMES}
        for name, implies in world["roles"].items():
            if not isinstance(implies, (list, tuple)):
                raise ConfigError(
                    f"config identity.roles.{name} must list the roles it implies, got {implies!r}"
                )
            role = Role(drawn.get(name) or _hex_id(rng), name, tuple(str(r) for r in implies))
            d.roles[role.id] = role
            d._role_by_name[name] = role
        for role in d.roles.values():
            for implied in role.implies:
                d._require_role(implied, f"roles.{role.name}")
        d._check_no_cycles()
        for name, spec in world["projects"].items():
            spec = _check_keys("projects", name, spec or {}, _PROJECT_KEYS)
            dom = d._require_domain(spec.get("domain", DEFAULT_DOMAIN_NAME), f"projects.{name}")
            proj = Project(
                _hex_id(rng),
                name,
                dom.id,
                str(spec.get("description", "")),
                bool(spec.get("enabled", True)),
            )
            d.projects[proj.id] = proj
            d._project_by_name[(dom.id, name)] = proj
        for name, spec in world["users"].items():
            d._add_user(name, _check_keys("users", name, spec, _USER_KEYS), rng)
        d._add_service_users(world.get("service_users") or {}, rng)
        return d

    def _add_service_users(self, users: dict[str, Any], rng: Random) -> None:
        """The services' users in project ``service`` (made first unless the world has it),
        their ids drawn after every other record's."""
        if not users:
            return
        if (DEFAULT_DOMAIN_ID, SERVICE_PROJECT) not in self._project_by_name:
            proj = Project(_hex_id(rng), SERVICE_PROJECT, DEFAULT_DOMAIN_ID, "", True)
            self.projects[proj.id] = proj
            self._project_by_name[(DEFAULT_DOMAIN_ID, SERVICE_PROJECT)] = proj
        for name, spec in users.items():
            spec = _check_keys("service_users", name, spec, _SERVICE_USER_KEYS)
            self._add_user(name, {**spec, "project": SERVICE_PROJECT}, rng)

    @classmethod
    def seeded(cls, config: Any, seed: int, keystone: int = NEWEST_KEYSTONE) -> Directory:
        """``from_world(config.world(keystone), stream(seed, "identity"))`` for `config` (an
        `IdentityConfig`), the cloud's `seed` and Keystone `keystone` (a major). The default
        world's (no overrides) is a copy of one built once per process and release with
        stand-in ids, each replaced by the id `from_world` draws from the stream in its place
        (`first_hex_ids`: the stream's first draws, remembered per seed): the same records in
        the same order, an id shared wherever `from_world` shares it, without the world's
        merge, its checks and its look-ups by name on every boot."""
        if not _no_overrides(config):
            return cls.from_world(config.world(keystone), stream(seed, "identity"))
        if keystone not in _default:
            counting = _Counting()
            template = cls.from_world(config.world(keystone), counting)  # type: ignore[arg-type]
            _default[keystone] = _builder(template, counting.drawn), counting.drawn
        build, drawn = _default[keystone]
        return build(first_hex_ids(seed, "identity", drawn))

    def _add_user(self, name: str, spec: dict[str, Any], rng: Random) -> None:
        where = f"users.{name}"
        if "password" not in spec:
            raise ConfigError(f"config identity.{where} needs a password")
        dom = self._require_domain(spec.get("domain", DEFAULT_DOMAIN_NAME), where)
        project = None
        if spec.get("project") is not None:
            project = self._require_project(spec["project"], dom, where)
        user = User(
            _hex_id(rng),
            name,
            dom.id,
            str(spec["password"]),
            project.id if project else None,
            bool(spec.get("enabled", True)),
        )
        self.users[user.id] = user
        self._user_by_name[(dom.id, name)] = user
        grants: list[tuple[Project, list[str]]] = []
        if project is not None:
            grants.append((project, list(spec.get("roles") or [])))
        elif spec.get("roles"):
            raise ConfigError(f"config identity.{where}: roles need a project")
        for proj_name, roles in (spec.get("assignments") or {}).items():
            grants.append((self._require_project(proj_name, dom, where), list(roles or [])))
        for proj, roles in grants:
            for role_name in roles:
                role = self._require_role(role_name, where)
                self.assignments.append(Assignment(user.id, role.id, project_id=proj.id))
        for role_name in spec.get("system_roles") or ():
            role = self._require_role(role_name, where)
            self.assignments.append(Assignment(user.id, role.id, system=True))

    def _require_domain(self, name: str, where: str) -> Domain:
        dom = self._domain_by_name.get(name) or self.domains.get(name)
        if dom is None:
            raise ConfigError(
                f"config identity.{where}: unknown domain {name!r}"
                f"{did_you_mean(name, self._domain_by_name)}"
            )
        return dom

    def _require_project(self, name: str, dom: Domain, where: str) -> Project:
        proj = self._project_by_name.get((dom.id, name))
        if proj is None:
            names = [n for (_, n) in self._project_by_name]
            raise ConfigError(
                f"config identity.{where}: unknown project {name!r} in domain {dom.name!r}"
                f"{did_you_mean(name, names)}"
            )
        return proj

    def _require_role(self, name: str, where: str) -> Role:
        role = self._role_by_name.get(name)
        if role is None:
            raise ConfigError(
                f"config identity.{where}: unknown role {name!r}"
                f"{did_you_mean(name, self._role_by_name)}; roles: {', '.join(self._role_by_name)}"
            )
        return role

    def _check_no_cycles(self) -> None:
        for role in self.roles.values():
            seen: set[str] = set()
            todo = list(role.implies)
            while todo:
                name = todo.pop()
                if name == role.name:
                    raise ConfigError(
                        f"config identity.roles: role {role.name!r} implies itself "
                        "(Keystone forbids implied-role cycles)"
                    )
                if name not in seen:
                    seen.add(name)
                    todo.extend(self._role_by_name[name].implies)

    def derived_indexes(self) -> list[tuple[str, Any, Any]]:
        """Each table keyed by id and each lookup by name, as held and as the records make
        it (a loaded directory's must agree: `fakecloud.state.kinds.DERIVED`); the memo of
        effective roles as held and as the assignments give it."""
        tables: list[tuple[str, Any, Any]] = [
            (name, held, {r.id: r for r in held.values()})
            for name, held in (
                ("domains", self.domains),
                ("projects", self.projects),
                ("users", self.users),
                ("roles", self.roles),
            )
        ]
        return [
            *tables,
            ("_domain_by_name", self._domain_by_name, {d.name: d for d in self.domains.values()}),
            (
                "_project_by_name",
                self._project_by_name,
                {(p.domain_id, p.name): p for p in self.projects.values()},
            ),
            (
                "_user_by_name",
                self._user_by_name,
                {(u.domain_id, u.name): u for u in self.users.values()},
            ),
            ("_role_by_name", self._role_by_name, {r.name: r for r in self.roles.values()}),
            ("_effective", self._effective, {k: self._granted(*k) for k in self._effective}),
        ]

    def dangling_references(self) -> list[tuple[str, str]]:
        """Each field whose records name a record the directory lacks, as ``(field, what is
        wrong)``: a role implying a role no role is, an assignment naming no user, role,
        project or domain (a loaded directory must have none: `fakecloud.state.kinds.REFERENCES`;
        Keystone deletes a user's assignments with the user)."""
        found = [
            ("roles", f"[{role.id!r}] ({role.name!r}) implies the role {name!r}, which no role is")
            for role in self.roles.values()
            for name in role.implies
            if self.role_of(name) is None
        ]
        for i, a in enumerate(self.assignments):
            for what, value, table in (
                ("user", a.user_id, self.users),
                ("role", a.role_id, self.roles),
                ("project", a.project_id, self.projects),
                ("domain", a.domain_id, self.domains),
            ):
                if value is not None and value not in table:
                    found.append(
                        ("assignments", f"[{i}] names the {what} {value!r}, which no {what} is")
                    )
        return found

    # -- lookups -----------------------------------------------------------------------------

    def domain_by_name(self, name: str) -> Domain | None:
        """The domain called `name`, or None."""
        return self._domain_by_name.get(name)

    def project_by_name(self, name: str, domain_id: str = DEFAULT_DOMAIN_ID) -> Project | None:
        """The project called `name` in the domain `domain_id`, or None."""
        return self._project_by_name.get((domain_id, name))

    def user_by_name(self, name: str, domain_id: str = DEFAULT_DOMAIN_ID) -> User | None:
        """The user called `name` in the domain `domain_id`, or None."""
        return self._user_by_name.get((domain_id, name))

    def role_by_name(self, name: str) -> Role | None:
        """The role called `name`, or None."""
        return self._role_by_name.get(name)

    def role_of(self, key: str) -> Role | None:
        """The role a rule or a role listing names by `key` (`role_key`), or None."""
        return self._role_by_name.get(key)

    def role_key(self, role: Role) -> str:
        """How rules (`Role.implies`) and role listings name `role`: its name (only
        Keystone's API makes a domain-specific role, named by its id:
        `fakecloud.identity.writes.WrittenDirectory`)."""
        return role.name

    def implied(self, names: list[str] | tuple[str, ...]) -> tuple[str, ...]:
        """`names` plus every role they imply, each once, granted roles first."""
        out: list[str] = []
        todo = list(names)
        while todo:
            name = todo.pop(0)
            if name not in out:
                out.append(name)
                todo.extend(self.role_of(name).implies)
        return tuple(out)

    def effective_roles(
        self,
        user_id: str,
        *,
        project_id: str | None = None,
        domain_id: str | None = None,
        system: bool = False,
    ) -> tuple[str, ...]:
        """The role names `user_id` holds on the scope, implied roles included ((): none)."""
        key = (user_id, project_id, domain_id, system)
        found = self._effective.get(key)
        if found is None:
            found = self._effective[key] = self._granted(*key)
        return found

    def granted_roles(
        self,
        user_id: str,
        *,
        project_id: str | None = None,
        domain_id: str | None = None,
        system: bool = False,
    ) -> tuple[str, ...]:
        """The role names granted to `user_id` on the scope, implied roles left out (a token's
        roles with Keystone's ``[token] infer_roles`` off)."""
        granted = dict.fromkeys(self._direct(user_id, project_id, domain_id, system))
        return tuple(key for key in granted if key in self._role_by_name)  # no domain role

    def _direct(
        self, user_id: str, project_id: str | None, domain_id: str | None, system: bool
    ) -> list[str]:
        """The names of the roles granted to the user on the scope, as granted."""
        return [
            self.role_key(self.roles[a.role_id])
            for a in self.assignments
            if a.user_id == user_id
            and a.project_id == project_id
            and a.domain_id == domain_id
            and a.system == system
        ]

    def _granted(
        self, user_id: str, project_id: str | None, domain_id: str | None, system: bool
    ) -> tuple[str, ...]:
        return self.implied(self._direct(user_id, project_id, domain_id, system))

    def extra_of(self, record_id: str) -> dict[str, Any]:
        """The attributes stored beside a record's fields (none: only a directory Keystone's
        API wrote to has any, `fakecloud.identity.writes.WrittenDirectory`)."""
        return {}

    def groups_of(self, user_id: str) -> list[Group]:
        """The groups `user_id` is a member of, in creation order."""
        return [g for g in self.groups.values() if user_id in self.members[g.id]]

    def parent_of(self, project: Project) -> str:
        """The id of `project`'s parent: its domain (a built project is a root; only Keystone's
        API makes a project under another, `fakecloud.identity.writes.WrittenDirectory`)."""
        return project.domain_id

    def children_of(self, project_id: str) -> list[Project]:
        """The projects whose parent is project `project_id` (none in a built directory)."""
        return []

    def tags_of(self, project_id: str) -> list[str]:
        """The project's tags (none in a built directory)."""
        return []

    def projects_of(self, user_id: str) -> list[Project]:
        """The projects on which `user_id` holds any role, in creation order."""
        ids = {a.project_id for a in self.assignments if a.user_id == user_id and a.project_id}
        return [p for p in self.projects.values() if p.id in ids]
