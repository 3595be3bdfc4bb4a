"""The ``glance`` configuration section: formats, quotas, store and link throughput, base images.

Option names follow ``glance-api.conf`` where one exists (``image_property_quota``,
``user_storage_quota``, ``use_keystone_limits``, ``hashing_algorithm``...); fakecloud's own
knobs say their unit (``store_throughput_mb_per_s``, ``client_link_gbit_per_s``).

    >>> Cloud(config={"glance": {"store_throughput_mb_per_s": 50.0}})
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fakecloud.bounds import POSITIVE_COUNT, Bounds
from fakecloud.config import bounded, config_section
from fakecloud.glance.content import FILLER_MAX_BYTES

MiB = 1024 * 1024

DISK_FORMATS = ["ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop"]
CONTAINER_FORMATS = ["ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed"]

# The images a fresh cloud offers: a cirros-like one and guest-agent variants. `content_id` names
# the simulated bytes (their hashes derive from it); sizes are those of the real files.
BASE_IMAGES: list[dict[str, Any]] = [
    {
        "name": "cirros-0.6.2-x86_64-disk",
        "content_id": "cirros-0.6.2-x86_64-disk.img",
        "size": 21430272,
        "virtual_size": 117440512,
        "disk_format": "qcow2",
        "container_format": "bare",
        "min_disk": 0,
        "min_ram": 0,
        "properties": {},
    },
    {
        "name": "cirros-0.6.2-x86_64-qga",
        "content_id": "cirros-0.6.2-x86_64-qga.img",
        "size": 21430272,
        "virtual_size": 117440512,
        "disk_format": "qcow2",
        "container_format": "bare",
        "min_disk": 0,
        "min_ram": 0,
        "properties": {"hw_qemu_guest_agent": "yes"},
    },
    {
        "name": "ubuntu-24.04-server-cloudimg-amd64-qga",
        "content_id": "noble-server-cloudimg-amd64.img",
        "size": 597688320,
        "virtual_size": 3758096384,
        "disk_format": "qcow2",
        "container_format": "bare",
        "min_disk": 4,
        "min_ram": 512,
        "properties": {
            "hw_qemu_guest_agent": "yes",
            "os_require_quiesce": "yes",
            "os_distro": "ubuntu",
            "os_version": "24.04",
        },
    },
]


@config_section("glance")
@dataclass(frozen=True)
class GlanceConfig:
    """Every tunable of the fake Glance (defaults are Glance 33.0.0's where it has one)."""

    # -- where data goes and how fast -------------------------------------------------------
    store_throughput_mb_per_s: float = 1000.0
    """The Glance store's throughput, MB/s, shared max-min fairly by the transfers into and out
    of it (an upload from a compute host crosses its link to Glance, then the store)."""
    store_capacity_bytes: int = 0  # 0 = unlimited; otherwise StorageFull (413) past it
    staging_throughput_mb_per_s: float = 1000.0
    """The throughput of the import's staging area (``os_glance_staging_store``), MB/s."""
    client_link_gbit_per_s: float = 1.0  # the link of REST users without their own
    client_link: str = "glance.client"
    """fakecloud's own: the name of the I/O resource REST users' image bytes cross (its speed
    ``client_link_gbit_per_s``), as bandwidth views and ``io.*`` events name it."""
    store_resource: str = "glance.store"
    """fakecloud's own: the name of the store's I/O resource (its speed
    ``store_throughput_mb_per_s``)."""
    staging_resource: str = "glance.staging"
    """fakecloud's own: the name of the import staging area's I/O resource (its speed
    ``staging_throughput_mb_per_s``)."""
    # Virtual time between an API worker's read of an image and its compare-and-swap save.
    # 0: read and save are one atomic step (a racing second upload sees `saving`: 409);
    # > 0: two uploads can both read `queued`, and the loser's save fails (410).
    db_roundtrip_s: float = 0.0
    # -- formats and validation -------------------------------------------------------------
    disk_formats: list = field(default_factory=lambda: list(DISK_FORMATS))
    """``[image_format] disk_formats``: "Supported values for the 'disk_format' image
    attribute"; another is a 400."""
    container_formats: list = field(default_factory=lambda: list(CONTAINER_FORMATS))
    """``[image_format] container_formats``: "Supported values for the 'container_format' image
    attribute"; another is a 400."""
    require_image_format_match: bool | None = None
    """Refuse an upload whose content is not its disk_format (Glance 30.0.0, 7c748d385, default
    True); unset: the series' Glance (no such check before 30.0.0, the Nova 31.0.0 series)."""
    enforce_scope: bool | None = None
    """``[oslo_policy] enforce_scope``: a system-scoped token passes no rule (every rule of
    ``glance/policies`` is ``scope_types=['project']`` from 25.0.0; before, they take system
    scope too and it refuses nothing); unset: the series' default (on from Glance 26.0.0, whose
    glance/api/policy.py sets it with the new defaults)."""
    policy_file: str = ""
    """A YAML or JSON policy file whose rules override the release's defaults (``[oslo_policy]
    policy_file``; read as oslo.policy reads it, over the release's own ``glance/policies``, or
    before Glance 20.0.0 the ``etc/policy.json`` it ships)."""
    policy: Any = None
    """Rule overrides as a mapping {rule name: check string} (applied after the file)."""
    hashing_algorithm: str = "sha512"
    """``[DEFAULT] hashing_algorithm``: "Secure hashing algorithm used for computing the
    'os_hash_value' property" (a ``hashlib`` name; it is also the image's ``os_hash_algo``)."""
    downloadable_content_bytes: int = FILLER_MAX_BYTES
    """fakecloud's own: simulated image content (a snapshot's, a base image's) up to this size
    is downloadable, as deterministic filler bytes its checksum and os_hash_value are the
    digests of (hashed when the image goes active, built again when downloaded: some 6 ms of
    CPU a MiB). Larger content is described, not sent: its download is refused (400, Glance's
    answer to a store that cannot get the data), naming this setting. Raise it to download
    server snapshots."""
    # -- static limits (glance/common/config.py) --------------------------------------------
    image_member_quota: int = 128
    """``[DEFAULT] image_member_quota``: "Maximum number of image members per image" (negative:
    unlimited)."""
    image_property_quota: int = 128
    """``[DEFAULT] image_property_quota``: "Maximum number of properties allowed on an image"
    (negative: unlimited); from compute 2.39 Nova leaves createImage's metadata to it, and
    Glance's 413 at the image's create is Nova's 500 (quota/glance_property_quota_at_create)."""
    image_tag_quota: int = 128
    """``[DEFAULT] image_tag_quota``: "Maximum number of tags allowed on an image" (negative:
    unlimited)."""
    image_location_quota: int = 10
    """``[DEFAULT] image_location_quota``: "Maximum number of locations allowed on an image"
    (negative: unlimited)."""
    # Glance's own minimums (``min=1``: an oslo.config ValueError, glance-api does not start).
    image_size_cap: int = bounded(
        1099511627776, Bounds(1, 9223372036854775808, unit="a number of bytes", integer=True)
    )
    """``[DEFAULT] image_size_cap``: the largest image Glance stores, bytes (1 TiB); a larger
    upload is a 413."""
    limit_param_default: int = bounded(25, POSITIVE_COUNT)
    """``[DEFAULT] limit_param_default``: "The default number of results to return for a
    request" that gives no ``limit`` (at most ``api_limit_max``)."""
    api_limit_max: int = bounded(1000, POSITIVE_COUNT)
    """``[DEFAULT] api_limit_max``: "Maximum number of results that could be returned by a
    request"; a larger ``limit`` is trimmed to it."""
    # -- legacy storage quota ---------------------------------------------------------------
    user_storage_quota: str = "0"  # "0" = no limit; units B/KB/MB/GB/TB, 1024-based
    project_storage_quota: dict = field(default_factory=dict)  # {project_id: "10GB"}
    # -- unified limits (oslo.limit against Keystone) ---------------------------------------
    use_keystone_limits: bool = False  # Glance 23.0.0 on (Nova 24); ignored by older series
    registered_limits: dict = field(default_factory=dict)  # {name: limit}; missing = 0
    project_limits: dict = field(default_factory=dict)  # {project_id: {name: limit}}
    # -- behaviour --------------------------------------------------------------------------
    enabled_import_methods: list | None = None
    """``glance-direct``, ``web-download``, ``copy-image``, ``glance-download``; unset: the
    series' Glance default (`import_methods.default_import_methods`: ``glance-direct,
    web-download``, and ``copy-image`` from Glance 20.0.0)."""
    import_filtering_opts: dict = field(default_factory=dict)
    """``[import_filtering_opts]`` for web-download: ``allowed_schemes``, ``disallowed_schemes``,
    ``allowed_hosts``, ``disallowed_hosts``, ``allowed_ports``, ``disallowed_ports`` (lists);
    a key left out keeps Glance's default (http and https, ports 80 and 443)."""
    web_download_urls: dict = field(default_factory=dict)
    """fakecloud's own: what web-download can fetch, ``{url: size}`` or ``{url: {"size": N,
    "disk_format": F, "virtual_size": V, "content_id": C}}``; any other URL is unreachable."""
    web_link_gbit_per_s: float = 1.0  # the link web-download's bytes come over
    web_link: str = "glance.web"
    """fakecloud's own: the name of the I/O resource web-download's bytes cross (its speed
    ``web_link_gbit_per_s``)."""
    task_time_to_live_s: float = 48 * 3600.0  # [task] task_time_to_live (48 hours)
    delayed_delete: bool = False  # glance_store: deleted images with data go pending_delete
    scrub_time_s: float = 0.0  # how long the scrubber leaves pending_delete images alone
    # Older Glance: a failed upload left the image `killed` instead of back in `queued`.
    kill_on_upload_failure: bool = False
    # ``image_cache_dir`` set (Glance 18.0.0 on; a ConfigError before): the API node's image
    # cache, its /v2/cache API and the cache API's versions (2.14-2.18) listed from 24.0.0,
    # the cachemanage middleware's /v2/cached_images in each (`fakecloud.glance.image_cache`,
    # `fakecloud.glance.cache_api`, `fakecloud.glance.cache_manage`).
    image_cache: bool = False
    show_multiple_locations: bool = False
    """Let image owners see and PATCH ``/locations`` (deprecated since Newton, default False in
    every release): off, a PATCH of the locations is 403. Ceph deployments turned it on so that
    Nova before 32.0.0 could register an RBD direct snapshot's location."""
    # Base URL of version links and Location headers when a request does not bring its own;
    # "" = the image endpoint of the catalog (``endpoints.image``).
    public_endpoint: str = ""
    # -- the images a cloud starts with (see `Glance.add_base_images`) -----------------------
    base_images: list = field(default_factory=lambda: [dict(i) for i in BASE_IMAGES])
    """The public images a cloud starts with (CirrOS with and without a guest agent, an Ubuntu
    that requires quiescing), each a dict of its ``name``, sizes, formats and ``properties``;
    a scenario's ``images: {x: {existing: NAME}}`` names one."""
