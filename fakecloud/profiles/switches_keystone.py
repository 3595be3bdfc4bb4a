"""Switches of Keystone's point releases (a series' Keystone is its Nova major - 4): where a
stable backport changed Keystone's answers within a series. A backport's release is the first
Nova point release of the series tagged after the Keystone point release that carries it, as
for Cinder's (`switches_cinder`). See `provenance`."""

from __future__ import annotations

from fakecloud.profiles.provenance import Backport, Change, Switch

SWITCHES = (
    Switch(
        "keystone_secret_type_checked",
        "common/password_hashing.py verify_length_and_trunc_password encodes the password "
        "first: an application credential's secret that is a list or a mapping is its "
        "ValidationError, 400 'Expecting to find string in password'. Off: len() passes it "
        "and check_password's .encode is the unexpected 500 (a number is the same 400 either "
        "way).",
        False,
        (
            Change(
                "28.0.0",
                "6730c761d1",
                "Properly trimm bcrypt hashed passwords (keystone 24.0.0; backports in "
                "keystone 21.0.1, 22.0.1, 23.0.1, tagged 2023-08-22..28, read in each "
                "release's source: 21.0.0, 22.0.0 and 23.0.0 have no encode)",
                True,
                # the next Nova point releases of those series: 25.3.0 (2023-11-22), 26.2.1
                # (2024-01-09), 27.2.0 (2023-12-05)
                backports=(
                    Backport("25.3.0", "7852ca24a4"),
                    Backport("26.2.1", "65f1fb6b4a"),
                    Backport("27.2.0", "df54af90d0"),
                ),
            ),
        ),
    ),
    Switch(
        "keystone_app_cred_token_capped",
        "A token issued with an application credential expires no later than the credential "
        "(keystone/token/provider.py issue_token; CVE-2022-2447, LP #1992183). Off: the "
        "token lives its whole [token] expiration past the credential's expires_at.",
        False,
        (
            Change(
                "27.0.0",
                "8f999d1c1f",
                "Limit token expiration to application credential expiration (keystone "
                "23.0.0; backports in keystone 21.0.1 and 22.0.1, tagged 2023-08-22 and "
                "2023-08-25; the Train-Xena backports are in no release)",
                True,
                backports=(
                    Backport("25.3.0", "164d9522b8"),
                    Backport("26.2.1", "e4e097c5bc"),
                ),
            ),
        ),
    ),
    Switch(
        "keystone_bcrypt_max_length",
        "common/password_hashing.py verify_length_and_trunc_password's cut before bcrypt reads "
        "72 bytes (passwords.read): None, max_password_length's 4096 characters; 54, "
        "characters (23.0.0 alone); 72, the UTF-8's bytes. A password or an application "
        "credential's secret that agrees on what is read authenticates.",
        None,
        (
            Change(
                "27.0.0",
                "3288af579d",
                "Force algo specific maximum length (keystone 23.0.0: BCRYPT_MAX_LENGTH = 54, "
                "characters, cut before the encode)",
                54,
            ),
            Change(
                "28.0.0",
                "6730c761d1",
                "Properly trimm bcrypt hashed passwords (keystone 24.0.0: 72, the UTF-8's "
                "bytes; backports in keystone 21.0.1, 22.0.1, 23.0.1, each release's "
                "common/password_hashing.py read)",
                72,
                backports=(
                    Backport("25.3.0", "7852ca24a4"),
                    Backport("26.2.1", "65f1fb6b4a"),
                    Backport("27.2.0", "df54af90d0"),
                ),
            ),
        ),
    ),
    Switch(
        "keystone_list_domains_scoped",
        "api/domains.py _list_domains with a domain-scoped token: identity:list_domains's "
        "target is the token's domain and its default lets that domain's reader in "
        "(role:reader and domain_id:%(target.domain.id)s); the list holds that domain alone, "
        "for its admin too. Off: admin_required or a system reader, and every domain listed.",
        False,
        (
            Change(
                "29.0.0",
                "dd785ee692",
                "Add domain scoping to list_domains (keystone 25.0.0, LP #2041611; backports "
                "in keystone 23.0.2, tagged 2024-09-06, and 24.1.0, tagged 2025-02-28, beside "
                "the Secure RBAC phase 1 policies, which change no answer under the default "
                "enforce_new_defaults)",
                True,
                # the next Nova point releases of those series: 27.5.1 (2024-10-15), 28.3.1
                # (2025-04-22)
                backports=(
                    Backport("27.5.1", "c81bc1b29a"),
                    Backport("28.3.1", "7697140fc2"),
                ),
            ),
        ),
    ),
    Switch(
        "keystone_limits_admin_required",
        "common/policies/limit.py and registered_limit.py: a limit's and a registered limit's "
        "writes are admin_required (the admin role, any scope) and a limit's read lets an "
        "admin in too. Off (keystone 15.0.0-23.0.1, 24.0.0): the writes are SYSTEM_ADMIN alone "
        "(the admin role on a system-scoped token; no deprecated rule to fall back on), a "
        "limit's read a system reader's or its own project's or domain's.",
        False,
        (
            Change(
                "29.0.0",
                "f2f1a5c388",
                "Consistent and Secure RBAC (Phase 1) (keystone 25.0.0; backports in keystone "
                "23.0.2, tagged 2024-09-06, and 24.1.0, tagged 2025-02-28)",
                True,
                # the next Nova point releases of those series: 27.5.1 (2024-10-15), 28.3.1
                # (2025-04-22)
                backports=(
                    Backport("27.5.1", "658fd7d584"),
                    Backport("28.3.1", "991662c666"),
                ),
            ),
        ),
    ),
)
