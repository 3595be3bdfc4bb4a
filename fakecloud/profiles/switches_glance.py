"""Switches of Glance's point releases (a series' Glance is its Nova major - 1): where a stable
backport changed Glance's answers within a series. A backport's release is the first Nova point
release of the series tagged after the Glance point release that carries it, as for Cinder's
(`switches_cinder`). See `provenance`."""

from __future__ import annotations

from fakecloud.profiles.provenance import Backport, Change, Switch

SWITCHES = (
    Switch(
        "glance_pending_delete_counted",
        "bug: with delayed_delete on, an image deleted and awaiting the scrubber "
        "(pending_delete) still counts in its owner's usage: db/sqlalchemy/api.py "
        "_image_get_disk_usage_by_owner, the image count and the unified limits' usage leave "
        "out only killed and deleted images (glance 16.0.0 to 29.1.x, 30.0.0), so a new "
        "snapshot's upload may be refused by user_storage_quota or image_size_total. Off: "
        "pending_delete is left out too (LP #2118756).",
        True,
        (
            Change(
                "32.0.0",
                "13b3c7283f",
                "Fix inaccurate usage reporting when delayed_delete is enabled (Glance 31.0.0, "
                "backports in Glance 29.2.0, 30.1.0)",
                # Tags' own dates: Glance 29.2.0 was tagged 2026-03-23, the next Nova 30
                # release is 30.3.0 (2026-04-22); Glance 30.1.0 2025-10-27 14:31:37 (its commit
                # is of 2025-08-29), the next Nova 31 one 31.2.0, tagged three seconds later in
                # the same batch (31.1.0: 2025-08-25).
                backports=(
                    Backport("30.3.0", "3c898c428d"),
                    Backport("31.2.0", "d70e40e4cc"),
                ),
            ),
        ),
    ),
    Switch(
        "glance_schema_import_statuses",
        "the image schema's status enum (GET /v2/schemas/image and /v2/schemas/images) lists "
        "the interoperable import's 'uploading' and 'importing' (glance/api/v2/images.py "
        "get_base_properties). Off (Glance 16.0.0): only queued, saving, active, killed, "
        "deleted, pending_delete and deactivated, so a client validating an image against the "
        "schema refuses one that is uploading or importing.",
        False,
        (
            Change(
                "18.0.0",
                "c48acba840",
                "Update image schema with Image API 2.6 statuses (Glance 17.0.0, backport in "
                "Glance 16.0.1)",
                # Glance 16.0.1 was tagged 2018-04-24; the next Nova 17 release is 17.0.3
                # (2018-04-25).
                backports=(Backport("17.0.3", "b87a97832f"),),
            ),
        ),
    ),
    Switch(
        "glance_cache_queue_200",
        "Glance's PUT /v2/cache/{image_id} (queue an image for the cache) answers 200 and "
        "'null' (the serializer's default: api/v2/cached_images.py, glance 24.0.0). Off: 202 "
        "without a body.",
        True,
        (
            Change(
                "26.0.0",
                "ecb040c177",
                "[APIImpact] Correct API response code for PUT /v2/cache/{image_id} (Glance "
                "25.0.0, backport in Glance 24.1.0)",
                # Glance 24.1.0 was tagged 2022-06-08: the next Nova 25 release is 25.0.1
                # (2022-06-23; 25.0.0: 2022-03-30).
                backports=(Backport("25.0.1", "9043efc5ff"),),
            ),
        ),
    ),
    Switch(
        "glance_cache_delete_200",
        "Glance's DELETE /v2/cache and DELETE /v2/cache/{image_id} answer 200 and their "
        "result as JSON (the serializer's default: api/v2/cached_images.py, glance 24.0.0 to "
        "24.1.x). Off: 204 without a body.",
        True,
        (
            Change(
                "26.0.0",
                "a71f7ba44e",
                "[APIImpact] Correct API response code for DELETE cache APIs (Glance 25.0.0, "
                "backport in Glance 24.2.0)",
                # Glance 24.2.0 was tagged 2023-01-31: the next Nova 25 release is 25.1.1
                # (2023-04-27; 25.1.0: 2023-01-26).
                backports=(Backport("25.1.1", "ea4ed6dfec"),),
            ),
        ),
    ),
    Switch(
        "glance_image_api_2_16",
        "Glance lists Image API 2.16 (CURRENT, 2.15 and 2.14 SUPPORTED) when an image cache "
        "is configured, its versions.py and version negotiation those of 25.0.0. Off (Glance "
        "24.0.0 and older): 2.15 CURRENT.",
        False,
        (
            Change(
                "26.0.0",
                "11989a18f4",
                "Bump Image API version to 2.16 (Glance 25.0.0, backport in Glance 24.1.0)",
                # Glance 24.1.0 was tagged 2022-06-08: the next Nova 25 release is 25.0.1
                # (2022-06-23).
                backports=(Backport("25.0.1", "55c000ee1d"),),
            ),
        ),
    ),
    Switch(
        "lp1922928",
        "bug: GET /v2/images/{id}/tasks lists only the tasks whose expires_at is not past "
        "(db/sqlalchemy/api.py tasks_get_by_image's expires_at >= now, glance 22.0.0), so a "
        "task still pending or processing, whose expires_at is NULL, is left out: an import "
        "in progress shows no task. Off: NULL or not expired.",
        False,
        (
            Change(
                "23.0.0",
                "281fadc15c",
                "New API /v2/images/{id}/tasks (Glance 22.0.0): its query compares expires_at "
                "alone",
                True,
            ),
            Change(
                "24.0.0",
                "2a0d2303c3",
                "Fix image/tasks API for in-progress tasks (LP #1922928; Glance 23.0.0, "
                "backport in Glance 22.1.0)",
                # Glance 22.1.0 was tagged 2021-09-15: the next Nova 23 release is 23.1.0
                # (2021-10-07; 23.0.2: 2021-07-15). No Victoria backport (no route there).
                False,
                backports=(Backport("23.1.0", "78e8b7506a"),),
            ),
        ),
    ),
)
