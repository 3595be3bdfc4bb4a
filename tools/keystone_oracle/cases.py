"""Requests at Keystone's v3 API, shared by the keystone and fakecloud runners.

Each case: (name, method, path, headers, body, user, keep). Placeholders (path, headers and
body): {demo_pid} and {admin_pid} the projects, {demo_uid}, {reader_uid} and {admin_uid} the
users, {<role>_rid} each bootstrap role's id (admin, manager, member, reader, service),
{member_token} the member's token, {nouuid} a hex id of nothing; a case's `keep` names an id
its answer makes, for later cases ({p1}, {u1}, {r1}, {d1}, ...; ``["@x-subject-token"]``: a
header of it). user: admin (the admin project's admin), system (the admin, system scope),
member (demo), reader (demo-reader), or None (no token). body: bytes or None.

Both sides start as ``keystone-manage bootstrap`` and fakecloud's default world leave them: the
Default domain; the admin project, user (password ``admin-secret``) and role, on the project
and the system; the demo project with demo (member) and demo-reader (reader); `CATALOG`'s
services, one public endpoint each in RegionOne.
"""

import json

J = "application/json"
NO_SUCH = "9a2c1e7e00004000800000000000dead"
#: The users' passwords (fakecloud's default world).
PASSWORDS = {"admin": "admin-secret", "demo": "demo-secret", "demo-reader": "reader-secret"}
#: The services both catalogs hold (fakecloud.transport.endpoints.CATALOG): type, name,
#: the URL's path after the host ($(project_id)s as Keystone stores it).
CATALOG = (
    ("identity", "keystone", "/v3"),
    ("compute", "nova", "/v2.1"),
    ("image", "glance", ""),
    ("volumev3", "cinderv3", "/v3/$(project_id)s"),
    ("block-storage", "cinder", "/v3/$(project_id)s"),
)
#: Who each case's `user` is: the user's name, its password, and its token's scope
#: (a project name, or "system").
USERS = {
    "admin": ("admin", "admin"),
    "system": ("admin", "system"),
    "member": ("demo", "demo"),
    "reader": ("demo-reader", "demo"),
}


def b(obj):
    return json.dumps(obj).encode()


def password_auth(user, password, scope=None, domain="Default"):
    """An ``auth`` body: password of `user` (a name in `domain`), `scope` as given."""
    auth = {
        "identity": {
            "methods": ["password"],
            "password": {"user": {"name": user, "domain": {"name": domain}, "password": password}},
        }
    }
    if scope is not None:
        auth["scope"] = scope
    return {"auth": auth}


def project_scope(name):
    return {"project": {"name": name, "domain": {"id": "default"}}}


def fill(text, found):
    """`text` (str or bytes) with each ``{name}`` of `found` written in."""
    if text is None:
        return None
    is_bytes = isinstance(text, bytes)
    s = text.decode() if is_bytes else text
    for key, value in sorted(found.items(), key=lambda kv: -len(kv[0])):
        s = s.replace("{" + key + "}", value)
    return s.encode() if is_bytes else s


def kept(case, answer, found, headers=None):
    """`found` with the id the case's `keep` names, read from its JSON answer (if any), or
    from a header (`headers`, names lower-cased) if the keep's path is ``["@name"]``."""
    keep = case[6]
    if keep is None:
        return found
    name, path = keep
    if path[0].startswith("@"):
        value = (headers or {}).get(path[0][1:])
        return found if value is None else {**found, name: value}
    if not isinstance(answer, dict):
        return found
    value = answer
    for key in path:  # a number: a list's item
        if isinstance(key, int) and isinstance(value, list) and -len(value) <= key < len(value):
            value = value[key]
            continue
        if not isinstance(value, dict) or key not in value:
            return found
        value = value[key]
    return {**found, name: value}


def filled(case, found, tokens):
    """`case`'s request as both runners send it: (method, path, body, headers), each
    ``{name}`` of `found` written in and its user's token (of `tokens`) in ``X-Auth-Token``."""
    _name, method, path, headers, body, user, _keep = case
    h = {k: fill(v, found) for k, v in headers.items()}
    if user is not None:
        h["X-Auth-Token"] = tokens[user]
    return method, fill(path, found), fill(body, found), h


CASES = []


def add(name, body=None, method="POST", path="/v3/auth/tokens", user="admin", headers=None,
        keep=None, ctype=J):  # fmt: skip
    h = {"Accept": J}
    if ctype is not None and body is not None:
        h["Content-Type"] = ctype
    h.update(headers or {})
    CASES.append((name, method, path, h, body, user, keep))


def q(name, path, user="admin", headers=None):
    add(name, None, "GET", path, user, headers)


# -- tokens ----------------------------------------------------------------------------------
T = "/v3/auth/tokens"
add("tok-project", b(password_auth("demo", "demo-secret", project_scope("demo"))), user=None)
add("tok-project-id", b(password_auth("demo", "demo-secret", {"project": {"id": "{demo_pid}"}})),
    user=None)  # fmt: skip
add("tok-unscoped", b(password_auth("demo", "demo-secret")), user=None)
add("tok-nocatalog", b(password_auth("demo", "demo-secret", project_scope("demo"))),
    path=T + "?nocatalog", user=None)  # fmt: skip
add("tok-user-id", b({"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "id": "{demo_uid}", "password": "demo-secret"}}}}}), user=None)  # fmt: skip
add("tok-system", b(password_auth("admin", "admin-secret", {"system": {"all": True}})), user=None)
add("tok-system-member", b(password_auth("demo", "demo-secret", {"system": {"all": True}})),
    user=None)  # fmt: skip
add("tok-domain-admin", b(password_auth("admin", "admin-secret", {"domain": {"id": "default"}})),
    user=None)  # fmt: skip
add("tok-reader", b(password_auth("demo-reader", "reader-secret", project_scope("demo"))),
    user=None)  # fmt: skip
add("tok-wrong-password", b(password_auth("demo", "nope", project_scope("demo"))), user=None)
add("tok-unknown-user", b(password_auth("nobody", "nope")), user=None)
add("tok-unknown-domain", b(password_auth("demo", "demo-secret", domain="Nope")), user=None)
add("tok-no-domain", b({"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "name": "demo", "password": "demo-secret"}}}}}), user=None)  # fmt: skip
add("tok-not-member", b(password_auth("demo", "demo-secret", project_scope("admin"))), user=None)
add("tok-unknown-project", b(password_auth("demo", "demo-secret", project_scope("nope"))),
    user=None)  # fmt: skip
add("tok-project-no-domain", b(password_auth("demo", "demo-secret", {"project": {
    "name": "demo"}})), user=None)  # fmt: skip
add("tok-empty", b({}), user=None)
add("tok-no-identity", b({"auth": {}}), user=None)
add("tok-methods-unknown", b({"auth": {"identity": {"methods": ["foo"]}}}), user=None)
add("tok-methods-empty", b({"auth": {"identity": {"methods": []}}}), user=None)
add("tok-password-missing", b({"auth": {"identity": {"methods": ["password"]}}}), user=None)
add("tok-not-json", b"{", user=None)
add("tok-token-method", b({"auth": {"identity": {"methods": ["token"], "token": {
    "id": "{member_token}"}}, "scope": project_scope("demo")}}), user=None)  # fmt: skip
add("tok-token-method-bad", b({"auth": {"identity": {"methods": ["token"], "token": {
    "id": "nope"}}}}), user=None)  # fmt: skip
ST = {"X-Subject-Token": "{member_token}"}
q("tok-validate", T, headers=ST)
q("tok-validate-system", T, user="system", headers=ST)
q("tok-validate-own", T, user="member", headers=ST)
q("tok-validate-nocatalog", T + "?nocatalog", user="system", headers=ST)
q("tok-validate-other", T, user="reader", headers=ST)
q("tok-validate-bad", T, user="system", headers={"X-Subject-Token": "nope"})
q("tok-validate-missing", T, user="system")
q("tok-validate-no-token", T, user=None, headers=ST)
add("tok-check", None, "HEAD", T, user="system", headers=ST)
q("auth-catalog", "/v3/auth/catalog", user="member")
q("auth-catalog-system", "/v3/auth/catalog", user="system")
q("auth-projects", "/v3/auth/projects", user="member")
q("auth-domains", "/v3/auth/domains", user="member")
q("auth-system", "/v3/auth/system", user="admin")
q("auth-system-member", "/v3/auth/system", user="member")
q("versions", "/", user=None)
q("version", "/v3", user=None)

# -- reads -----------------------------------------------------------------------------------
for _who in ("admin", "system", "member", "reader"):
    q(f"users-{_who}", "/v3/users", user=_who)
    q(f"projects-{_who}", "/v3/projects", user=_who)
    q(f"role-assignments-{_who}", "/v3/role_assignments?user.id={demo_uid}", user=_who)
q("user-self", "/v3/users/{demo_uid}", user="member")
q("user-other", "/v3/users/{admin_uid}", user="member")
q("user-missing", "/v3/users/" + NO_SUCH, user="system")
q("user-projects-self", "/v3/users/{demo_uid}/projects", user="member")
q("user-projects-other", "/v3/users/{admin_uid}/projects", user="member")
q("users-by-name", "/v3/users?name=demo", user="system")
q("users-by-domain", "/v3/users?domain_id=default", user="system")
q("project-own", "/v3/projects/{demo_pid}", user="member")
q("project-other", "/v3/projects/{admin_pid}", user="member")
q("project-missing", "/v3/projects/" + NO_SUCH, user="system")
q("projects-by-name", "/v3/projects?name=demo", user="system")
q("domains", "/v3/domains", user="system")
q("domains-member", "/v3/domains", user="member")
q("domain-default", "/v3/domains/default", user="member")
q("domain-missing", "/v3/domains/" + NO_SUCH, user="system")
q("roles", "/v3/roles", user="system")
q("roles-member", "/v3/roles", user="member")
q("role-member", "/v3/roles/{member_rid}", user="system")
q("role-missing", "/v3/roles/" + NO_SUCH, user="system")
q("role-inferences", "/v3/role_inferences", user="system")
q("role-assignments-project", "/v3/role_assignments?scope.project.id={demo_pid}", user="system")
q("role-assignments-effective", "/v3/role_assignments?effective&user.id={demo_uid}",
  user="system")  # fmt: skip
q("role-assignments-names", "/v3/role_assignments?include_names&user.id={demo_uid}",
  user="system")  # fmt: skip
q("services", "/v3/services", user="system")
q("endpoints", "/v3/endpoints", user="system")
q("endpoints-member", "/v3/endpoints", user="member")
q("regions", "/v3/regions", user="member")
q("region", "/v3/regions/RegionOne", user="member")
q("grants-demo", "/v3/projects/{demo_pid}/users/{demo_uid}/roles", user="system")
q("grant-check", "/v3/projects/{demo_pid}/users/{demo_uid}/roles/{member_rid}", user="system")
q("grant-check-none", "/v3/projects/{demo_pid}/users/{demo_uid}/roles/{admin_rid}", user="system")
q("grants-system", "/v3/system/users/{admin_uid}/roles", user="system")

# -- writes (session 28's admin writes) ------------------------------------------------------
P = "/v3/projects"
add("project-create", b({"project": {"name": "p1", "description": "d"}}), path=P,
    keep=("p1", ["project", "id"]))  # fmt: skip
add("project-create-dup", b({"project": {"name": "p1"}}), path=P)
add("project-create-member", b({"project": {"name": "p2"}}), path=P, user="member")
add("project-create-empty", b({}), path=P)
add("project-create-no-name", b({"project": {"description": "x"}}), path=P)
add("project-create-bad-name", b({"project": {"name": 5}}), path=P)
add("project-create-long-name", b({"project": {"name": "x" * 65}}), path=P)
add("project-create-bad-domain", b({"project": {"name": "p3", "domain_id": NO_SUCH}}), path=P)
add("project-create-extra", b({"project": {"name": "p4", "color": "red"}}), path=P,
    keep=("p4", ["project", "id"]))  # fmt: skip
add("project-update", b({"project": {"description": "e", "enabled": False}}), "PATCH",
    P + "/{p1}")  # fmt: skip
add("project-update-domain", b({"project": {"domain_id": NO_SUCH}}), "PATCH", P + "/{p1}")
add("project-update-bad", b({"project": {"enabled": "no"}}), "PATCH", P + "/{p1}")
add("project-update-member", b({"project": {"description": "m"}}), "PATCH", P + "/{demo_pid}",
    user="member")  # fmt: skip
add("project-update-missing", b({"project": {"description": "m"}}), "PATCH", P + "/" + NO_SUCH)
q("project-show-after", P + "/{p1}", user="system")
U = "/v3/users"
add("user-create", b({"user": {"name": "u1", "password": "pw1", "default_project_id": "{p1}"}}),
    path=U, keep=("u1", ["user", "id"]))  # fmt: skip
add("user-create-dup", b({"user": {"name": "u1"}}), path=U)
add("user-create-member", b({"user": {"name": "u2"}}), path=U, user="member")
add("user-create-no-name", b({"user": {"password": "x"}}), path=U)
add("user-create-bad-enabled", b({"user": {"name": "u3", "enabled": "yes"}}), path=U)
add("user-create-bad-domain", b({"user": {"name": "u3", "domain_id": NO_SUCH}}), path=U)
add("user-update", b({"user": {"email": "u1@example.org", "enabled": False}}), "PATCH",
    U + "/{u1}")  # fmt: skip
add("user-update-member", b({"user": {"email": "x"}}), "PATCH", U + "/{u1}", user="member")
add("user-password-wrong", b({"user": {"password": "n", "original_password": "nope"}}),
    path=U + "/{demo_uid}/password", user="member")  # fmt: skip
add("user-password-bad", b({"user": {"password": "n"}}), path=U + "/{demo_uid}/password",
    user="member")  # fmt: skip
q("user-show-after", U + "/{u1}", user="system")
R = "/v3/roles"
add("role-create", b({"role": {"name": "r1"}}), path=R, keep=("r1", ["role", "id"]))
add("role-create-dup", b({"role": {"name": "r1"}}), path=R)
add("role-create-member", b({"role": {"name": "r2"}}), path=R, user="member")
add("role-create-no-name", b({"role": {}}), path=R)
G = "/v3/projects/{p1}/users/{u1}/roles/"
add("grant", None, "PUT", G + "{r1}")
add("grant-member", None, "PUT", G + "{r1}", user="member")
add("grant-missing-role", None, "PUT", G + NO_SUCH)
add("grant-missing-user", None, "PUT", "/v3/projects/{p1}/users/" + NO_SUCH + "/roles/{r1}")
add("grant-check-r1", None, "HEAD", G + "{r1}")
q("grant-get-r1", G + "{r1}")
q("grants-p1", "/v3/projects/{p1}/users/{u1}/roles")
add("grant-domain", None, "PUT", "/v3/domains/default/users/{u1}/roles/{reader_rid}")
add("grant-system", None, "PUT", "/v3/system/users/{u1}/roles/{reader_rid}", user="system")
add("grant-system-project-admin", None, "PUT", "/v3/system/users/{u1}/roles/{member_rid}")
q("role-assignments-u1", "/v3/role_assignments?user.id={u1}", user="system")
add("revoke", None, "DELETE", G + "{r1}")
add("revoke-again", None, "DELETE", G + "{r1}")
# a revoke from a user or group that does not exist: no such grant (not the actor's 404)
add("revoke-missing-user", None, "DELETE", "/v3/projects/{p1}/users/" + NO_SUCH + "/roles/{r1}")
add("revoke-missing-group", None, "DELETE", "/v3/projects/{p1}/groups/" + NO_SUCH + "/roles/{r1}")
add("revoke-missing-group-domain", None, "DELETE",
    "/v3/domains/default/groups/" + NO_SUCH + "/roles/{r1}")  # fmt: skip
add("revoke-missing-system-user", None, "DELETE",
    "/v3/system/users/" + NO_SUCH + "/roles/{reader_rid}", user="system")  # fmt: skip
add("revoke-missing-system-group", None, "DELETE",
    "/v3/system/groups/" + NO_SUCH + "/roles/{reader_rid}", user="system")  # fmt: skip
add("revoke-missing-user-member", None, "DELETE",
    "/v3/projects/{p1}/users/" + NO_SUCH + "/roles/{r1}", user="member")  # fmt: skip
q("grant-check-after", G + "{r1}")
D = "/v3/domains"
add("domain-create", b({"domain": {"name": "d1", "description": "dd"}}), path=D, user="system",
    keep=("d1", ["domain", "id"]))  # fmt: skip
add("domain-create-dup", b({"domain": {"name": "d1"}}), path=D, user="system")
add("domain-create-project-admin", b({"domain": {"name": "d2"}}), path=D)
add("domain-create-member", b({"domain": {"name": "d3"}}), path=D, user="member")
add("domain-delete-enabled", None, "DELETE", D + "/{d1}", user="system")
add("domain-update", b({"domain": {"enabled": False}}), "PATCH", D + "/{d1}", user="system")
add("domain-delete", None, "DELETE", D + "/{d1}", user="system")
add("domain-delete-again", None, "DELETE", D + "/{d1}", user="system")
add("user-delete", None, "DELETE", U + "/{u1}")
add("user-delete-again", None, "DELETE", U + "/{u1}")
add("role-delete", None, "DELETE", R + "/{r1}")
add("role-delete-member", None, "DELETE", R + "/{reader_rid}", user="member")
add("project-delete-member", None, "DELETE", P + "/{p4}", user="member")
add("project-delete", None, "DELETE", P + "/{p4}")
add("project-delete-again", None, "DELETE", P + "/{p4}")
add("project-delete-p1", None, "DELETE", P + "/{p1}")

# -- this session's surfaces (ks2): groups, project hierarchy and tags, implied roles ---------
add("group-create", b({"group": {"name": "g1"}}), path="/v3/groups", keep=("g1", ["group", "id"]))
q("groups", "/v3/groups", user="system")
add("group-add-user", None, "PUT", "/v3/groups/{g1}/users/{demo_uid}")
q("group-users", "/v3/groups/{g1}/users", user="system")
q("user-groups", "/v3/users/{demo_uid}/groups", user="member")
add("group-delete", None, "DELETE", "/v3/groups/{g1}")
add("project-child", b({"project": {"name": "c1", "parent_id": "{demo_pid}"}}), path=P,
    keep=("c1", ["project", "id"]))  # fmt: skip
q("project-parents", P + "/{c1}?parents_as_list", user="system")
q("project-subtree", P + "/{demo_pid}?subtree_as_ids", user="system")
add("project-delete-parent", None, "DELETE", P + "/{demo_pid}", user="system")
add("project-tag", None, "PUT", P + "/{c1}/tags/t1")
q("project-tags", P + "/{c1}/tags")
q("projects-by-tag", P + "?tags=t1", user="system")
add("project-delete-c1", None, "DELETE", P + "/{c1}")
add("role-implies", None, "PUT", "/v3/roles/{manager_rid}/implies/{service_rid}", user="system")
q("role-implies-list", "/v3/roles/{manager_rid}/implies", user="system")
add("role-implies-delete", None, "DELETE", "/v3/roles/{manager_rid}/implies/{service_rid}",
    user="system")  # fmt: skip
# their refusals and the assignments they make (ks2)
G = "/v3/groups"
add("group-create-g2", b({"group": {"name": "g2", "description": "d"}}), path=G,
    keep=("g2", ["group", "id"]))  # fmt: skip
add("group-create-dup", b({"group": {"name": "g2"}}), path=G)
add("group-create-member", b({"group": {"name": "g3"}}), path=G, user="member")
add("group-create-nodomain", b({"group": {"name": "g3", "domain_id": "nope"}}), path=G)
add("group-create-noname", b({"group": {}}), path=G)
add("group-update", b({"group": {"name": "g2b"}}), "PATCH", G + "/{g2}")
add("group-update-domain", b({"group": {"domain_id": "other"}}), "PATCH", G + "/{g2}")
q("group-get-none", G + "/{nouuid}")
q("group-check-not-member", G + "/{g2}/users/{demo_uid}")
add("group-remove-not-member", None, "DELETE", G + "/{g2}/users/{demo_uid}")
add("group-add-nouser", None, "PUT", G + "/{g2}/users/{nouuid}")
add("group-add-reader", None, "PUT", G + "/{g2}/users/{reader_uid}")
q("group-check-member", G + "/{g2}/users/{reader_uid}")
add("group-grant", None, "PUT", P + "/{demo_pid}/groups/{g2}/roles/{member_rid}")
q("group-grant-check", P + "/{demo_pid}/groups/{g2}/roles/{member_rid}")
q("group-grants", P + "/{demo_pid}/groups/{g2}/roles")
add("group-grant-norole", None, "PUT", P + "/{demo_pid}/groups/{g2}/roles/{nouuid}")
add("group-grant-domain", None, "PUT", "/v3/domains/default/groups/{g2}/roles/{reader_rid}")
q("ra-group", "/v3/role_assignments?group.id={g2}&include_names", user="system")
q("ra-effective-user", "/v3/role_assignments?user.id={reader_uid}&effective", user="system")
q("ra-domain", "/v3/role_assignments?scope.domain.id=default", user="system")
q("ra-subtree", "/v3/role_assignments?scope.project.id={demo_pid}&include_subtree",
  user="system")  # fmt: skip
add("group-revoke-domain", None, "DELETE", "/v3/domains/default/groups/{g2}/roles/{reader_rid}")
add("group-revoke-again", None, "DELETE", "/v3/domains/default/groups/{g2}/roles/{reader_rid}")
add("group-delete-g2", None, "DELETE", G + "/{g2}")
add("project-c2", b({"project": {"name": "c2", "parent_id": "{demo_pid}"}}), path=P,
    keep=("c2", ["project", "id"]))  # fmt: skip
add("project-c2-nested", b({"project": {"name": "c3", "parent_id": "{c2}"}}), path=P,
    keep=("c3", ["project", "id"]))  # fmt: skip
add("project-parent-none", b({"project": {"name": "c4", "parent_id": NO_SUCH}}), path=P)
add("project-disable-c2", b({"project": {"enabled": False}}), "PATCH", P + "/{c2}")
add("project-reparent", b({"project": {"parent_id": "{admin_pid}"}}), "PATCH", P + "/{c3}")
q("projects-by-parent", P + "?parent_id={c2}", user="system")
q("project-parents-ids", P + "/{c3}?parents_as_ids", user="system")
q("project-parents-both", P + "/{c3}?parents_as_ids&parents_as_list", user="system")
q("project-tag-none", P + "/{c2}/tags/none")
add("project-tags-bad", b({"tags": ["a/b"]}), "PUT", P + "/{c2}/tags")
add("project-tags-set", b({"tags": ["x", "y"]}), "PUT", P + "/{c2}/tags")
q("projects-not-tags-any", P + "?not-tags-any=x", user="system")
add("project-delete-c3", None, "DELETE", P + "/{c3}")
add("project-delete-c2", None, "DELETE", P + "/{c2}")
add("role-implies-admin", None, "PUT", "/v3/roles/{service_rid}/implies/{admin_rid}", user="system")
add("role-implies-twice", None, "PUT", "/v3/roles/{service_rid}/implies/{reader_rid}",
    user="system")  # fmt: skip
add("role-implies-twice-2", None, "PUT", "/v3/roles/{service_rid}/implies/{reader_rid}",
    user="system")  # fmt: skip
q("role-implies-get", "/v3/roles/{service_rid}/implies/{reader_rid}", user="system")
q("role-implies-none", "/v3/roles/{service_rid}/implies/{member_rid}", user="system")
add("role-implies-norole", None, "PUT", "/v3/roles/{nouuid}/implies/{reader_rid}", user="system")
add("role-implies-member", None, "PUT", "/v3/roles/{service_rid}/implies/{member_rid}",
    user="member")  # fmt: skip
add("role-implies-cleanup", None, "DELETE", "/v3/roles/{service_rid}/implies/{reader_rid}",
    user="system")  # fmt: skip
# the catalog's writes: regions, services, endpoints (ks3)
RG = "/v3/regions"
add("region-create-r2", b({"region": {"id": "R2", "description": "two"}}), path=RG)
add("region-create-dup", b({"region": {"id": "R2"}}), path=RG)
add("region-create-member", b({"region": {"id": "R5"}}), path=RG, user="member")
add("region-put-r3", b({"region": {"parent_region_id": "R2"}}), "PUT", RG + "/R3")
add("region-put-conflicting", b({"region": {"id": "R4"}}), "PUT", RG + "/R5")
add("region-parent-none", b({"region": {"id": "R6", "parent_region_id": "nope"}}), path=RG)
add("region-circle", b({"region": {"parent_region_id": "R3"}}), "PATCH", RG + "/R2")
add("region-update", b({"region": {"description": None, "x": 1}}), "PATCH", RG + "/R3")
q("regions-by-parent", RG + "?parent_region_id=R2")
SV = "/v3/services"
add("service-create", b({"service": {"type": "object-store", "name": "swift"}}), path=SV,
    keep=("s1", ["service", "id"]))  # fmt: skip
add("service-create-notype", b({"service": {"name": "x"}}), path=SV)
add("service-update", b({"service": {"enabled": False, "description": "d"}}), "PATCH",
    SV + "/{s1}")  # fmt: skip
add("service-update-none", b({"service": {"name": "y"}}), "PATCH", SV + "/{nouuid}")
q("services-by-name", SV + "?name=swift")
EP = "/v3/endpoints"
add("endpoint-create", b({"endpoint": {"service_id": "{s1}", "interface": "public",
    "url": "http://swift.test/v1/AUTH_$(project_id)s", "region": "R9"}}), path=EP,
    keep=("e1", ["endpoint", "id"]))  # fmt: skip
add("endpoint-bad-url", b({"endpoint": {"service_id": "{s1}", "interface": "public",
    "url": "http://x.test/$(bogus)s"}}), path=EP)  # fmt: skip
add("endpoint-no-service", b({"endpoint": {"service_id": "{nouuid}", "interface": "public",
    "url": "http://x.test/", "region_id": "R2"}}), path=EP)  # fmt: skip
add("endpoint-no-region", b({"endpoint": {"service_id": "{s1}", "interface": "admin",
    "url": "http://x.test/", "region_id": "nope"}}), path=EP)  # fmt: skip
add("endpoint-bad-interface", b({"endpoint": {"service_id": "{s1}", "interface": "x",
    "url": "http://x.test/"}}), path=EP)  # fmt: skip
add("endpoint-update", b({"endpoint": {"url": "http://swift2.test/v1", "enabled": False}}),
    "PATCH", EP + "/{e1}")  # fmt: skip
q("endpoints-by-interface", EP + "?interface=public&region_id=R9")
add("region-delete-used", None, "DELETE", RG + "/R9")
add("endpoint-delete", None, "DELETE", EP + "/{e1}")
add("endpoint-delete-again", None, "DELETE", EP + "/{e1}")
add("service-delete", None, "DELETE", SV + "/{s1}")
add("region-delete-r2", None, "DELETE", RG + "/R2")
q("region-get-r3-gone", RG + "/R3")

# -- session 30 (ks5): role updates, domain-specific roles, groups' system grants, endpoint
# groups, and the catalog writes' missing objects and string flags ----------------------------
R = "/v3/roles"
add("role-create-r5", b({"role": {"name": "r5"}}), path=R, keep=("r5", ["role", "id"]))
add("role-update", b({"role": {"name": "r5b", "description": "d"}}), "PATCH", R + "/{r5}")
add("role-update-domain", b({"role": {"domain_id": "default"}}), "PATCH", R + "/{r5}")
add("role-update-id", b({"role": {"id": "x"}}), "PATCH", R + "/{r5}")
add("role-update-missing", b({"role": {"name": "x"}}), "PATCH", R + "/" + NO_SUCH)
add("role-update-member", b({"role": {"name": "x"}}), "PATCH", R + "/{r5}", user="member")
add("role-update-immutable", b({"role": {"name": "crew"}}), "PATCH", R + "/{member_rid}")
add("role-update-dup", b({"role": {"name": "reader"}}), "PATCH", R + "/{r5}")
add("domain-create-d5", b({"domain": {"name": "d5"}}), path="/v3/domains", user="system",
    keep=("d5", ["domain", "id"]))  # fmt: skip
add("project-create-p5", b({"project": {"name": "p5", "domain_id": "{d5}"}}), path=P,
    keep=("p5", ["project", "id"]))  # fmt: skip
add("domain-role-create", b({"role": {"name": "dr5", "domain_id": "{d5}"}}), path=R,
    keep=("dr5", ["role", "id"]))  # fmt: skip
add("domain-role-create-dup", b({"role": {"name": "dr5", "domain_id": "{d5}"}}), path=R)
q("domain-roles", R + "?domain_id={d5}", user="system")
q("domain-role-show", R + "/{dr5}", user="system")
add("domain-role-implied-by-global", None, "PUT", R + "/{reader_rid}/implies/{dr5}")
add("domain-role-implies", None, "PUT", R + "/{dr5}/implies/{reader_rid}")
add("domain-role-grant-mismatch", None, "PUT",
    "/v3/projects/{demo_pid}/users/{demo_uid}/roles/{dr5}")  # fmt: skip
add("domain-role-grant-system", None, "PUT", "/v3/system/users/{demo_uid}/roles/{dr5}",
    user="system")  # fmt: skip
add("domain-role-grant", None, "PUT", "/v3/projects/{p5}/users/{demo_uid}/roles/{dr5}")
q("domain-role-assignments", "/v3/role_assignments?scope.project.id={p5}", user="system")
q("domain-role-effective", "/v3/role_assignments?effective&scope.project.id={p5}", user="system")
q("domain-role-names", "/v3/role_assignments?include_names&scope.project.id={p5}", user="system")
add("group-create-g5", b({"group": {"name": "g5"}}), path="/v3/groups",
    keep=("g5", ["group", "id"]))  # fmt: skip
SG = "/v3/system/groups/{g5}/roles"
add("system-group-grant", None, "PUT", SG + "/{reader_rid}", user="system")
add("system-group-check", None, "HEAD", SG + "/{reader_rid}", user="system")
q("system-group-roles", SG, user="system")
q("system-group-assignments", "/v3/role_assignments?scope.system=all&group.id={g5}",
  user="system")  # fmt: skip
add("system-group-revoke", None, "DELETE", SG + "/{reader_rid}", user="system")
add("system-group-check-gone", None, "HEAD", SG + "/{reader_rid}", user="system")
add("system-group-grant-member", None, "PUT", SG + "/{reader_rid}", user="member")
EG = "/v3/OS-EP-FILTER/endpoint_groups"
add("epgroup-no-filters", b({"endpoint_group": {"name": "eg"}}), path=EG)
add("epgroup-empty-filters", b({"endpoint_group": {"name": "eg", "filters": {}}}), path=EG)
add("epgroup-bad-filter", b({"endpoint_group": {"name": "eg", "filters": {"url": "x"}}}), path=EG)
add("epgroup-create", b({"endpoint_group": {"name": "eg1", "description": "d",
    "filters": {"interface": "public"}}}), path=EG,
    keep=("eg1", ["endpoint_group", "id"]))  # fmt: skip
q("epgroup-show", EG + "/{eg1}", user="system")
q("epgroups", EG, user="system")
add("epgroup-update", b({"endpoint_group": {"name": "eg1b"}}), "PATCH", EG + "/{eg1}")
add("epgroup-project", None, "PUT", EG + "/{eg1}/projects/{demo_pid}")
add("epgroup-project-again", None, "PUT", EG + "/{eg1}/projects/{demo_pid}")
q("epgroup-project-show", EG + "/{eg1}/projects/{demo_pid}", user="system")
q("epgroup-projects", EG + "/{eg1}/projects", user="system")
q("epgroup-endpoints", EG + "/{eg1}/endpoints", user="system")
q("project-epgroups", "/v3/OS-EP-FILTER/projects/{demo_pid}/endpoint_groups", user="system")
q("project-endpoints", "/v3/OS-EP-FILTER/projects/{demo_pid}/endpoints", user="system")
q("catalog-filtered", "/v3/auth/catalog", user="member")
add("epgroup-project-delete", None, "DELETE", EG + "/{eg1}/projects/{demo_pid}")
add("epgroup-project-delete-again", None, "DELETE", EG + "/{eg1}/projects/{demo_pid}")
add("epgroup-delete", None, "DELETE", EG + "/{eg1}")
q("epgroup-show-gone", EG + "/{eg1}", user="system")
add("region-create-no-object", b({}), path="/v3/regions")
add("service-create-yes", b({"service": {"type": "t5", "enabled": "yes"}}), path="/v3/services")
add("service-create-no-object", b({}), path="/v3/services")
add("domain-role-delete", None, "DELETE", R + "/{dr5}")
add("role-delete-r5", None, "DELETE", R + "/{r5}")
add("group-delete-g5", None, "DELETE", "/v3/groups/{g5}")
add("project-delete-p5", None, "DELETE", P + "/{p5}")
# -- session 30: session 29's surfaces not yet compared ----------------------------------------
# OS-INHERIT: a domain's and a project's grants inherited by the projects below them
OI = "/v3/OS-INHERIT"
_OID = OI + "/domains/default/users/{reader_uid}/roles/"
_OIP = OI + "/projects/{demo_pid}/users/{reader_uid}/roles/"
add("inherit-domain", None, "PUT", _OID + "{member_rid}/inherited_to_projects")
add("inherit-domain-member", None, "PUT", _OID + "{member_rid}/inherited_to_projects",
    user="member")  # fmt: skip
add("inherit-domain-norole", None, "PUT", _OID + "{nouuid}/inherited_to_projects")
q("inherit-domain-check", _OID + "{member_rid}/inherited_to_projects")
add("inherit-domain-head", None, "HEAD", _OID + "{member_rid}/inherited_to_projects")
q("inherit-domain-check-none", _OID + "{admin_rid}/inherited_to_projects")
q("inherit-domain-list", _OID + "inherited_to_projects")
add("inherit-project", None, "PUT", _OIP + "{service_rid}/inherited_to_projects")
q("inherit-project-list", _OIP + "inherited_to_projects")
q("ra-inherited", "/v3/role_assignments?scope.OS-INHERIT:inherited_to=projects", user="system")
q("ra-inherited-effective", "/v3/role_assignments?user.id={reader_uid}&effective",
  user="system")  # fmt: skip
q("ra-inherited-names", "/v3/role_assignments?user.id={reader_uid}&include_names",
  user="system")  # fmt: skip
add("inherit-group", None, "PUT",
    OI + "/domains/default/groups/{nouuid}/roles/{member_rid}/inherited_to_projects")  # fmt: skip
add("inherit-project-revoke", None, "DELETE", _OIP + "{service_rid}/inherited_to_projects")
add("inherit-domain-revoke", None, "DELETE", _OID + "{member_rid}/inherited_to_projects")
add("inherit-domain-revoke-again", None, "DELETE", _OID + "{member_rid}/inherited_to_projects")
# HEAD: every GET route answers it, with no body
for _name, _path, _who in (
    ("users", "/v3/users", "system"),
    ("user", "/v3/users/{demo_uid}", "member"),
    ("user-missing", "/v3/users/{nouuid}", "system"),
    ("projects", "/v3/projects", "system"),
    ("project", "/v3/projects/{demo_pid}", "member"),
    ("groups", "/v3/groups", "system"),
    ("roles", "/v3/roles", "member"),
    ("domain", "/v3/domains/default", "member"),
    ("regions", "/v3/regions", "member"),
    ("services", "/v3/services", "system"),
    ("endpoints", "/v3/endpoints", "member"),
    ("role-assignments", "/v3/role_assignments", "system"),
    ("auth-catalog", "/v3/auth/catalog", "member"),
    ("auth-projects", "/v3/auth/projects", "member"),
    ("project-tags", "/v3/projects/{demo_pid}/tags", "member"),
    ("role-inferences", "/v3/role_inferences", "system"),
):
    add(f"head-{_name}", None, "HEAD", _path, user=_who)
# a role deleted: the tokens of its holders after. The reader's token so far was revoked when
# group g2 (with a grant, the reader a member) was deleted: a new one, {rt}.
_RT = {"X-Subject-Token": "{rt}"}
add("rv-reader-token", b(password_auth("demo-reader", "reader-secret", project_scope("demo"))),
    user=None, keep=("rt", ["@x-subject-token"]))  # fmt: skip
add("rv-role", b({"role": {"name": "rv"}}), path=R, keep=("rv", ["role", "id"]))
add("rv-grant", None, "PUT", "/v3/projects/{demo_pid}/users/{reader_uid}/roles/{rv}")
q("rv-token", T, user=None, headers={"X-Auth-Token": "{rt}", **_RT})
add("rv-role-delete", None, "DELETE", R + "/{rv}")
q("rv-token-after", T, user=None, headers={"X-Auth-Token": "{rt}", **_RT})
q("rv-grants-after", "/v3/projects/{demo_pid}/users/{reader_uid}/roles", user="system")
# the reader's last role on its token's project revoked, then given back
_RG = "/v3/projects/{demo_pid}/users/{reader_uid}/roles/{reader_rid}"
add("rv-revoke-reader", None, "DELETE", _RG)
q("rv-token-no-role", T, user="system", headers=_RT)
q("rv-reader-call", "/v3/auth/projects", user=None, headers={"X-Auth-Token": "{rt}"})
add("rv-regrant-reader", None, "PUT", _RG)
q("rv-token-regranted", T, user="system", headers=_RT)
# application credentials, access rules and credentials (ks4, session 30)
AC = "/v3/users/{demo_uid}/application_credentials"
add("ac-create", b({"application_credential": {"name": "ac1", "secret": "s3cret",
    "roles": [{"name": "reader"}], "description": "d"}}), path=AC, user="member",
    keep=("ac1", ["application_credential", "id"]))  # fmt: skip
add("ac-create-dup", b({"application_credential": {"name": "ac1"}}), path=AC, user="member")
add("ac-create-unassigned", b({"application_credential": {"name": "ac2",
    "roles": [{"name": "admin"}]}}), path=AC, user="member")  # fmt: skip
add("ac-create-other", b({"application_credential": {"name": "ac3"}}), path=AC)
add("ac-create-past", b({"application_credential": {"name": "ac4",
    "expires_at": "2000-01-01T00:00:00"}}), path=AC, user="member")  # fmt: skip
add("ac-create-badname", b({"application_credential": {"name": 5}}), path=AC, user="member")
add("ac-create-rules", b({"application_credential": {"name": "ac5", "access_rules": [
    {"service": "compute", "path": "/v2.1/servers", "method": "GET"}]}}), path=AC,
    user="member", keep=("ac5", ["application_credential", "id"]))  # fmt: skip
q("ac-list-name", AC + "?name=ac1", user="member")
q("ac-get", AC + "/{ac1}", user="member")
q("ac-get-none", AC + "/{nouuid}", user="member")
q("ac-get-reader", AC + "/{ac1}", user="reader")
q("access-rules", "/v3/users/{demo_uid}/access_rules", user="member")
APPCRED = {"methods": ["application_credential"]}
add("tok-ac", b({"auth": {"identity": {**APPCRED, "application_credential": {"id": "{ac1}",
    "secret": "s3cret"}}}}), user=None)  # fmt: skip
add("tok-ac-name", b({"auth": {"identity": {**APPCRED, "application_credential": {
    "name": "ac1", "secret": "s3cret", "user": {"name": "demo", "domain": {"id": "default"}}}}}}),
    user=None)  # fmt: skip
add("tok-ac-scope", b({"auth": {"identity": {**APPCRED, "application_credential": {
    "id": "{ac1}", "secret": "s3cret"}}, "scope": project_scope("demo")}}), user=None)  # fmt: skip
add("tok-ac-badsecret", b({"auth": {"identity": {**APPCRED, "application_credential": {
    "id": "{ac1}", "secret": "nope"}}}}), user=None)  # fmt: skip
add("tok-ac-none", b({"auth": {"identity": {**APPCRED, "application_credential": {
    "id": "{nouuid}", "secret": "nope"}}}}), user=None)  # fmt: skip
# Session 32: a secret that is no string reaches check_password (no schema reads this method's
# body); one UTF-8 cannot encode, as a password, a new password or a new secret, is hashed.
for name, secret in (("int", 5), ("list", ["s3cret"]), ("null", None), ("surrogate", "s\ud800")):
    add(f"tok-ac-secret-{name}", b({"auth": {"identity": {**APPCRED, "application_credential": {
        "id": "{ac1}", "secret": secret}}}}), user=None)  # fmt: skip
add("tok-password-surrogate", b(password_auth("demo", "demo-secret\ud800", project_scope("demo"))),
    user=None)  # fmt: skip
add("user-create-surrogate", b({"user": {"name": "sur", "password": "p\ud800"}}), path="/v3/users")
add("user-create-surrogate-dup", b({"user": {"name": "demo", "password": "p\ud800"}}),
    path="/v3/users")  # fmt: skip
add("ac-create-surrogate", b({"application_credential": {"name": "ac1", "secret": "s\ud800"}}),
    path=AC, user="member")  # fmt: skip
add("ac-delete-used-rule", None, "DELETE", AC + "/{ac5}", user="member")
add("ac-delete", None, "DELETE", AC + "/{ac1}", user="member")
add("ac-delete-again", None, "DELETE", AC + "/{ac1}", user="member")
CR = "/v3/credentials"
add("cred-create-ec2", b({"credential": {"type": "ec2", "user_id": "{demo_uid}",
    "project_id": "{demo_pid}", "blob": json.dumps({"access": "AK", "secret": "SK"})}}),
    path=CR, user="member", keep=("cr1", ["credential", "id"]))  # fmt: skip
add("cred-create-ec2-dup", b({"credential": {"type": "ec2", "user_id": "{demo_uid}",
    "project_id": "{demo_pid}", "blob": json.dumps({"access": "AK"})}}), path=CR)  # fmt: skip
add("cred-create-ec2-noaccess", b({"credential": {"type": "ec2", "user_id": "{demo_uid}",
    "project_id": "{demo_pid}", "blob": "{}"}}), path=CR)  # fmt: skip
add("cred-create-other", b({"credential": {"type": "cert", "user_id": "{admin_uid}",
    "blob": "x"}}), path=CR, user="member")  # fmt: skip
add("cred-create-cert", b({"credential": {"type": "cert", "user_id": "{demo_uid}",
    "blob": "pem"}}), path=CR, keep=("cr2", ["credential", "id"]))  # fmt: skip
q("creds-member", CR + "?type=cert", user="member")
q("creds-reader", CR, user="reader")
q("cred-get", CR + "/{cr2}", user="member")
q("cred-get-none", CR + "/{nouuid}", user="member")
q("cred-get-none-admin", CR + "/{nouuid}")
add("cred-patch", b({"credential": {"blob": "pem2"}}), "PATCH", CR + "/{cr2}", user="member")
add("cred-patch-type", b({"credential": {"type": "totp"}}), "PATCH", CR + "/{cr2}")
add("cred-delete", None, "DELETE", CR + "/{cr2}", user="member")
add("cred-delete-ec2", None, "DELETE", CR + "/{cr1}")

# -- session 30 (ks6): a missing role's 404 before the policy, the domain manager's reads -----
q("role-missing-member", R + "/" + NO_SUCH, user="member")
add("role-update-missing-member", b({"role": {"name": "x"}}), "PATCH", R + "/" + NO_SUCH,
    user="member")  # fmt: skip
add("role-delete-missing-member", None, "DELETE", R + "/" + NO_SUCH, user="member")
add("mgr-create", b({"user": {"name": "mgr6", "password": "pw6", "domain_id": "default"}}),
    path="/v3/users", keep=("u6", ["user", "id"]))  # fmt: skip
add("mgr-grant", None, "PUT", "/v3/domains/default/users/{u6}/roles/{manager_rid}")
add("mgr-token", b({"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "id": "{u6}", "password": "pw6"}}}, "scope": {"domain": {"id": "default"}}}}), user=None,
    keep=("mtok", ["@x-subject-token"]))  # fmt: skip
MGR = {"X-Auth-Token": "{mtok}"}
for _name, _path in (
    ("roles", R),
    ("role-member", R + "/{member_rid}"),
    ("role-admin", R + "/{admin_rid}"),
    ("role-missing", R + "/" + NO_SUCH),
    ("domain-roles", R + "?domain_id={d5}"),
    ("users", "/v3/users"),
    ("projects", "/v3/projects"),
    ("groups", "/v3/groups"),
    ("assignments", "/v3/role_assignments?scope.domain.id=default"),
):
    q(f"mgr-{_name}", _path, user=None, headers=MGR)
# a refused role body before 27.0.0: lazy_validate prints the release's role schema
add("role-update-empty", b({"role": {}}), "PATCH", R + "/{r5}")
add("role-update-bad-option", b({"role": {"options": {"immutable": "maybe"}}}), "PATCH",
    R + "/{r5}")  # fmt: skip
add("role-create-bad-name", b({"role": {"name": 5}}), path=R)
add("role-create-null-description", b({"role": {"name": "r7", "description": None}}), path=R)

# -- session 31 (ks8): OS-INHERIT's grants to no one (stored from 15.0.0), Flask's 404 and 405 --
_OIG = OI + "/domains/default/groups/{nouuid}/roles/"
_OIU = OI + "/projects/{demo_pid}/users/{nouuid}/roles/{reader_rid}/inherited_to_projects"
RA = "/v3/role_assignments"
_OIX = OI + "/domains/{nouuid}/groups/{nouuid}/roles/{member_rid}/inherited_to_projects"
add("inherit-group-head", None, "HEAD", _OIG + "{member_rid}/inherited_to_projects")
q("inherit-group-check", _OIG + "{member_rid}/inherited_to_projects")
q("inherit-group-list", _OIG + "inherited_to_projects")
q("inherit-group-names", "/v3/role_assignments?group.id={nouuid}&include_names", user="system")
q("inherit-group-effective", RA + "?effective&scope.OS-INHERIT:inherited_to=projects", "system")
add("inherit-group-member-norole", None, "PUT", _OIG + "{nouuid}/inherited_to_projects",
    user="member")  # fmt: skip
add("inherit-group-norole", None, "PUT", _OIG + "{nouuid}/inherited_to_projects")
add("inherit-group-nodomain", None, "PUT", _OIX)
add("inherit-group-nodomain-revoke", None, "DELETE", _OIX)
add("inherit-user-none", None, "PUT", _OIU)
q("inherit-user-none-names", "/v3/role_assignments?user.id={nouuid}&include_names",
  user="system")  # fmt: skip
add("inherit-user-none-revoke", None, "DELETE", _OIU)
add("inherit-group-revoke", None, "DELETE", _OIG + "{member_rid}/inherited_to_projects")
add("inherit-group-revoke-again", None, "DELETE", _OIG + "{member_rid}/inherited_to_projects")
q("route-unknown", "/v3/nothing-here")
q("route-unknown-notoken", "/v3/nothing-here", user=None)
add("route-405", None, "DELETE", "/v3/users", user="system")
add("route-405-notoken", None, "DELETE", "/v3/users", user=None)
# an application credential's token once the credential is deleted (no revocation event)
add("ac9-create", b({"application_credential": {"name": "ac9", "secret": "s9"}}), path=AC,
    user="member", keep=("ac9", ["application_credential", "id"]))  # fmt: skip
add("ac9-token", b({"auth": {"identity": {**APPCRED, "application_credential": {"id": "{ac9}",
    "secret": "s9"}}}}), user=None, keep=("ac9tok", ["@x-subject-token"]))  # fmt: skip
q("ac9-validate-live", T, user="system", headers={"X-Subject-Token": "{ac9tok}"})
add("ac9-delete", None, "DELETE", AC + "/{ac9}", user="member")
q("ac9-validate", T, user="system", headers={"X-Subject-Token": "{ac9tok}"})
add("ac9-check", None, "HEAD", T, user="system", headers={"X-Subject-Token": "{ac9tok}"})
q("ac9-use", "/v3/auth/projects", user=None, headers={"X-Auth-Token": "{ac9tok}"})
add("ac9-rescope", b({"auth": {"identity": {"methods": ["token"], "token": {"id": "{ac9tok}"}}}}),
    user=None)  # fmt: skip
# a secret is read to its 72nd byte (bcrypt, keystone's default hash)
_LONG = "x" * 72
add("ac8-create", b({"application_credential": {"name": "ac8", "secret": _LONG + "tail-one"}}),
    path=AC, user="member", keep=("ac8", ["application_credential", "id"]))  # fmt: skip
add("ac8-token-other-tail", b({"auth": {"identity": {**APPCRED, "application_credential": {
    "id": "{ac8}", "secret": _LONG + "other"}}}}), user=None)  # fmt: skip
add("ac8-token-short", b({"auth": {"identity": {**APPCRED, "application_credential": {
    "id": "{ac8}", "secret": _LONG[1:]}}}}), user=None)  # fmt: skip
add("ac8-delete", None, "DELETE", AC + "/{ac8}", user="member")
# OPTIONS: Flask's own answer where a route is (no token asked), oslo.middleware CORS's bare 200
# where the app refuses it (no [cors] allowed_origin: no CORS header for any Origin); the
# version documents by another method
_PRE = {"Origin": "https://horizon.example.com", "Access-Control-Request-Method": "GET"}
add("options-route", None, "OPTIONS", "/v3/projects", user=None)
add("options-route-member", None, "OPTIONS", "/v3/projects", user="member")
add("options-unknown", None, "OPTIONS", "/v3/nothing-here", user=None)
add("options-unknown-member", None, "OPTIONS", "/v3/nothing-here", user="member")
add("options-preflight", None, "OPTIONS", "/v3/projects", user=None, headers=_PRE)
add("options-preflight-unknown", None, "OPTIONS", "/v3/nothing-here", user=None, headers=_PRE)
add("options-root", None, "OPTIONS", "/", user=None)
# Session 33: before 27.0.0 (regions 28.0.0) a collection and its members are one Flask
# resource (server/flask/common.py APIBase._add_resources): Allow lists both's methods, and a
# method of the other path reaches the resource (the WSGI server's 500)
add("res-options-member", None, "OPTIONS", "/v3/users/{demo_uid}", user=None)
add("res-options-region", None, "OPTIONS", "/v3/regions/RegionOne", user=None)
add("res-post-member", b({"user": {"name": "nobody"}}), "POST", "/v3/users/{demo_uid}",
    user="system")  # fmt: skip
add("res-put-collection", None, "PUT", "/v3/users", user="system")
add("res-put-regions", b({"region": {}}), "PUT", "/v3/regions", user="system")
add("res-delete-regions", None, "DELETE", "/v3/regions", user=None)
add("version-root-post", None, "POST", "/", user=None)
add("version-v3-put", None, "PUT", "/v3", user=None)
# Session 34: an immutable project's tags (16.0.0 on: resource/core.py refuses each tag
# write, the unknown tag's delete before its 404) and a child under it (no check)
_IMM = P + "/{imm1}"
add("imm-create", b({"project": {"name": "imm1", "options": {"immutable": True}}}), path=P,
    keep=("imm1", ["project", "id"]))  # fmt: skip
add("imm-tag-create", None, "PUT", _IMM + "/tags/t1")
add("imm-tags-update", b({"tags": ["a"]}), "PUT", _IMM + "/tags")
add("imm-tags-delete", None, "DELETE", _IMM + "/tags")
add("imm-tag-delete-absent", None, "DELETE", _IMM + "/tags/absent")
q("imm-tags", _IMM + "/tags")
add("imm-child", b({"project": {"name": "imm-child", "parent_id": "{imm1}"}}), path=P,
    keep=("imm_child", ["project", "id"]))  # fmt: skip
add("imm-child-delete", None, "DELETE", P + "/{imm_child}")
add("imm-unset", b({"project": {"options": {"immutable": False}}}), "PATCH", _IMM)
add("imm-tag-create-after", None, "PUT", _IMM + "/tags/t1")
add("imm-delete", None, "DELETE", _IMM)
# Session 35: unified limits (keystone 15.0.0 on; 13.x's legacy limits and 14.x's project-only
# ones are not modelled: there these differ). A service of their own, deleted again at the end.
RL, LM = "/v3/registered_limits", "/v3/limits"
add("lim-svc", b({"service": {"type": "limtest", "name": "limtest"}}), path="/v3/services",
    keep=("ls1", ["service", "id"]))  # fmt: skip


def _reg(resource, limit, **more):
    return {"service_id": "{ls1}", "resource_name": resource, "default_limit": limit, **more}


def _lim(resource, limit, **more):
    return {"service_id": "{ls1}", "resource_name": resource, "resource_limit": limit, **more}


add("rl-create", b({"registered_limits": [_reg("cores", 10)]}), path=RL, user="system",
    keep=("rl1", ["registered_limits", 0, "id"]))  # fmt: skip
add("rl-create-ram", b({"registered_limits": [_reg("ram", 2048, region_id="RegionOne",
    description="d")]}), path=RL, user="system",
    keep=("rl2", ["registered_limits", -1, "id"]))  # fmt: skip
add("rl-create-admin", b({"registered_limits": [_reg("disk", 5)]}), path=RL,
    keep=("rl3", ["registered_limits", 0, "id"]))  # fmt: skip
add("rl-create-member", b({"registered_limits": [_reg("gpus", 5)]}), path=RL, user="member")
add("rl-create-dup", b({"registered_limits": [_reg("cores", 1)]}), path=RL, user="system")
add("rl-create-dup-batch", b({"registered_limits": [_reg("x1", 1), _reg("x1", 2)]}), path=RL,
    user="system")  # fmt: skip
add("rl-create-no-service", b({"registered_limits": [{**_reg("cores", 1),
    "service_id": "{nouuid}"}]}), path=RL, user="system")  # fmt: skip
add("rl-create-no-region", b({"registered_limits": [_reg("y1", 1, region_id="Nowhere")]}),
    path=RL, user="system")  # fmt: skip
add("rl-create-empty", b({"registered_limits": []}), path=RL, user="system")
add("rl-create-nobody", b({}), path=RL, user="system")
add("rl-create-low", b({"registered_limits": [_reg("z1", -2)]}), path=RL, user="system")
add("rl-create-extra", b({"registered_limits": [_reg("z1", 1, zz=1)]}), path=RL, user="system")
q("rl-list", RL, user="member")
q("rl-list-filter", RL + "?resource_name=ram", user="member")
q("rl-get", RL + "/{rl1}", user="member")
q("rl-get-none", RL + "/{nouuid}")
add("lim-create", b({"limits": [_lim("cores", 5, project_id="{demo_pid}")]}), path=LM,
    user="system", keep=("lm1", ["limits", 0, "id"]))  # fmt: skip
add("lim-create-domain", b({"limits": [_lim("ram", 4096, region_id="RegionOne",
    domain_id="default")]}), path=LM, user="system", keep=("lm2", ["limits", 0, "id"]))  # fmt: skip
add("lim-create-admin", b({"limits": [_lim("cores", 6, project_id="{admin_pid}")]}), path=LM,
    keep=("lm3", ["limits", 0, "id"]))  # fmt: skip
add("lim-create-both", b({"limits": [_lim("cores", 5, project_id="{demo_pid}",
    domain_id="default")]}), path=LM, user="system")  # fmt: skip
add("lim-create-noref", b({"limits": [_lim("nothing", 5, project_id="{demo_pid}")]}), path=LM,
    user="system")  # fmt: skip
add("lim-create-dup", b({"limits": [_lim("cores", 9, project_id="{demo_pid}")]}), path=LM,
    user="system")  # fmt: skip
add("lim-create-no-project", b({"limits": [_lim("cores", 5, project_id="{nouuid}")]}), path=LM,
    user="system")  # fmt: skip
q("lim-list-system", LM, user="system")
q("lim-list-member", LM, user="member")
q("lim-list-admin", LM)
q("lim-list-filter", LM + "?project_id={demo_pid}", user="member")
q("lim-list-resource", LM + "?resource_name=ram", user="system")
q("lim-get-member", LM + "/{lm1}", user="member")
q("lim-get-admin", LM + "/{lm1}")
q("lim-get-domain-member", LM + "/{lm2}", user="member")
q("lim-get-none", LM + "/{nouuid}", user="system")
q("lim-model", LM + "/model", user="member")
add("lim-update", b({"limit": {"resource_limit": 7, "description": "x"}}), "PATCH",
    LM + "/{lm1}", user="system")  # fmt: skip
add("lim-update-zero", b({"limit": {"resource_limit": 0, "description": ""}}), "PATCH",
    LM + "/{lm1}", user="system")  # fmt: skip
add("lim-update-bad", b({"limit": {"resource_name": "x"}}), "PATCH", LM + "/{lm1}",
    user="system")  # fmt: skip
add("lim-update-member", b({"limit": {"resource_limit": 1}}), "PATCH", LM + "/{lm1}",
    user="member")  # fmt: skip
add("rl-update-referenced", b({"registered_limit": {"default_limit": 3}}), "PATCH",
    RL + "/{rl1}", user="system")  # fmt: skip
add("rl-delete-referenced", None, "DELETE", RL + "/{rl1}", user="system")
add("lim-delete-member", None, "DELETE", LM + "/{lm1}", user="member")
add("lim-delete", None, "DELETE", LM + "/{lm1}", user="system")
add("lim-delete-again", None, "DELETE", LM + "/{lm1}", user="system")
add("lim-delete-admin", None, "DELETE", LM + "/{lm3}")
add("rl-update", b({"registered_limit": {"default_limit": 3, "description": None}}), "PATCH",
    RL + "/{rl1}", user="system")  # fmt: skip
add("rl-update-same-name", b({"registered_limit": {"resource_name": "cores"}}), "PATCH",
    RL + "/{rl1}", user="system")  # fmt: skip
add("rl-update-bad", b({"registered_limit": {"default_limit": "many"}}), "PATCH",
    RL + "/{rl1}", user="system")  # fmt: skip
add("rl-delete", None, "DELETE", RL + "/{rl1}", user="system")
add("lim-delete-domain", None, "DELETE", LM + "/{lm2}", user="system")
q("lim-list-after", LM, user="system")
q("rl-list-after", RL, user="system")
add("rl-delete-ram", None, "DELETE", RL + "/{rl2}", user="system")
add("rl-delete-admin", None, "DELETE", RL + "/{rl3}")
add("lim-svc-delete", None, "DELETE", "/v3/services/{ls1}", user="system")
# Session 33: a service named with a lone surrogate (its name is in the row's `extra` JSON,
# stored), then what the token and catalog requests answer; the service deleted again. Last:
# it may break every later request.
_SUR = {"X-Subject-Token": "{member_token}"}
add("svc-sur-create", b({"service": {"type": "surtype", "name": "x\ud800"}}), path="/v3/services",
    user="admin", keep=("svc_sur", ["service", "id"]))  # fmt: skip
q("svc-sur-get", "/v3/services/{svc_sur}")
q("svc-sur-list", "/v3/services?type=surtype")
add("svc-sur-token", b(password_auth("demo", "demo-secret", project_scope("demo"))), user=None)
add("svc-sur-token-nocatalog", b(password_auth("demo", "demo-secret", project_scope("demo"))),
    path=T + "?nocatalog", user=None)  # fmt: skip
add("svc-sur-token-unscoped", b(password_auth("demo", "demo-secret")), user=None)
add("svc-sur-token-system", b(password_auth("admin", "admin-secret", {"system": {"all": True}})),
    user=None)  # fmt: skip
q("svc-sur-validate", T, user="system", headers=_SUR)
q("svc-sur-validate-nocatalog", T + "?nocatalog", user="system", headers=_SUR)
add("svc-sur-check", None, "HEAD", T, user="system", headers=_SUR)
q("svc-sur-catalog", "/v3/auth/catalog", user="member")
q("svc-sur-user", "/v3/users/{demo_uid}", user="member")
add("svc-sur-delete", None, "DELETE", "/v3/services/{svc_sur}", user="admin")
add("svc-sur-after-token", b(password_auth("demo", "demo-secret", project_scope("demo"))),
    user=None)  # fmt: skip
q("svc-sur-after-catalog", "/v3/auth/catalog", user="member")
q("svc-sur-after-user", "/v3/users/{demo_uid}", user="member")
