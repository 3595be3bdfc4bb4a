"""The Jinja2 templates of a Tempest workspace's files (kept in a module: package data would
need a packaging change), rendered by `fakecloud.tempest.files` with `settings`' values."""

#: ``etc/tempest.conf``: `fakecloud.tempest.settings.settings` gives its values.
TEMPEST_CONF = """\
# Tempest's configuration for fakecloud {{ profile }} (Nova {{ release }},
# Cinder {{ cinder_release }}, Glance {{ glance_release }}), written by
# `fakecloud serve --tempest-config`: every value below is the served cloud's.
# Serve with --settle: Tempest's waiters poll on the wall clock.

[DEFAULT]
log_file = {{ workspace }}/tempest.log

[oslo_concurrency]
# where Tempest's workers lock the accounts they use
lock_path = {{ workspace }}/tempest_lock

[auth]
{% if dynamic_credentials %}
# Tempest creates a project and users per test class (Keystone's project and user API)
use_dynamic_credentials = true
{% else %}
use_dynamic_credentials = false
test_accounts_file = {{ accounts_file }}
{% endif %}
# the admin Tempest makes projects and users as (dynamic credentials, and the classes that
# force their own projects whatever the accounts file offers)
admin_username = admin
admin_project_name = {{ admin_project }}
admin_password = {{ admin_password }}
admin_domain_name = {{ domain }}
default_credentials_domain_name = {{ domain }}
create_isolated_networks = false

[identity]
uri_v3 = {{ identity_uri_v3 }}
auth_version = v3
region = {{ region }}
v3_endpoint_type = public

[identity-feature-enabled]
api_v2 = false
api_v3 = true
# fakecloud's Keystone serves OS-INHERIT but no OS-EC2 (the extensions Tempest asks about),
# no OS-TRUST, application credentials with access rules from keystone 16.0.0, no PCI-DSS
# security compliance, one SQL identity backend (no per-domain drivers), and users it may write
trust = false
access_rules = {{ access_rules | lower }}
api_extensions = OS-INHERIT
security_compliance = false
domain_specific_drivers = false
immutable_user_source = false

[compute]
# the image with hw_qemu_guest_agent: changePassword needs it; devstack's two smallest flavors
image_ref = {{ image_ref }}
image_ref_alt = {{ image_ref_alt }}
flavor_ref = {{ flavor_ref }}
flavor_ref_alt = {{ flavor_ref_alt }}
min_microversion = {{ compute_min_microversion }}
max_microversion = {{ compute_max_microversion }}
build_interval = 1
build_timeout = 60
# the cloud's compute hosts: the migration tests need two
min_compute_nodes = {{ compute_nodes }}

[compute-feature-enabled]
# what fakecloud's Nova models (Tempest's own microversion checks skip what the release lacks)
resize = true
shelve = true
shelve_migrate = false
rescue = true
# libvirt's stable device rescue (hw_rescue_bus, hw_rescue_device) from Nova 21.0.0
stable_rescue = {{ stable_rescue | lower }}
snapshot = true
pause = true
suspend = true
cold_migration = true
live_migration = true
change_password = true
console_output = true
disk_config = true
# a hostname's periods made '-' (Nova 23.0.0 on; before, a dotted name kept them)
hostname_fqdn_sanitization = {{ hostname_fqdn_sanitization | lower }}
enable_instance_password = true
# personality files before 2.57 (their schema and quotas; nothing is written in a guest);
# the noVNC console URL when the served Nova's [vnc] enabled says so (Nova's default)
personality = true
vnc_console = {{ vnc_console | lower }}
# the roles Nova's default rules name: manager and service from Nova 32.0.0 (devstack lib/tempest
# from stable/2025.2), so that with [enforce_scope] nova Tempest migrates as the project's manager
nova_policy_roles = {{ nova_policy_roles }}
# the scheduler's filters: Nova's defaults and, as devstack's lib/nova enables them,
# SameHostFilter and DifferentHostFilter (the same_host and different_host hints)
scheduler_enabled_filters = {{ scheduler_enabled_filters }}
# no shared storage: a live migration copies the local disk, as Nova's multinode jobs say it
# (USE_BLOCK_MIGRATION_FOR_LIVE_MIGRATION); a volume-backed server has none to copy
block_migration_for_live_migration = true
volume_backed_live_migration = true
# quota counted against Keystone's unified limits where the served Nova's [quota] driver is
# UnifiedLimitsDriver (25.0.0 on, nova: quota_driver in --config; DbQuotaDriver by default)
unified_limits = {{ unified_limits | lower }}
# Nova's default x86_64 machine type is still pc (34.0.0 get_default_machine_type), which has
# an IDE bus: ServerStableDeviceRescueTestIDE runs where stable_rescue does
ide_bus = true
# no guest, no Neutron, no console proxies (SPICE and serial tests connect to them)
metadata_service = false
config_drive = false
interface_attach = false
spice_console = false
serial_console = false
# libvirt swaps an attached volume in every release (an admin's API; Tempest 47 expects the
# 409 of Nova's fix for bug 2112187, and skips its swap tests for it); a volume attaches to
# many servers from compute 2.60 (Nova 17.0.0) on a type with multiattach="<is> True"
# (devstack's, [volume] volume_type_multiattach) where QEMU and libvirt allow it (libvirt
# 3.10 on: fakecloud's hosts run QEMU 6.2); an encrypted volume attaches in every release:
# Cinder and Nova hold its key in their key manager, no Tempest test here calls Barbican
# (those that need it check [service_available] barbican, off: fakecloud serves none)
swap_volume = true
volume_multiattach = {{ (volume_type_multiattach != "") | lower }}
attach_encrypted_volume = true

[image]
build_interval = 1
build_timeout = 60
# the image cache's /v2/cache API (Glance 24.0.0 on) where the cloud has a cache
# (glance: image_cache in --config)
image_caching_enabled = {{ image_caching_enabled | lower }}
# Glance's web-download fetches it from the simulated web (glance.web_download_urls)
http_image = {{ http_image }}

[image-feature-enabled]
import_image = true
# the os_glance property prefix is reserved from Glance 22.0.0 (Wallaby)
os_glance_reserved = {{ os_glance_reserved | lower }}
manage_locations = false
image_conversion = false
# whether Glance refuses an upload whose data is not its disk_format (require_image_format_match:
# Glance 30.0.0 on unless the config sets it); without it Tempest uploads bogus data for its
# list tests (ListUserImagesTest)
image_format_enforcement = {{ image_format_enforcement | lower }}
# Glance's do_secure_hash (29.0.0 on with the location API, default true: the hash of an added
# location is computed); no http store, so Tempest's location tests skip whatever it says
do_secure_hash = true
http_store_enabled = false

[volume]
catalog_type = volumev3
{% if volume_type_multiattach %}
volume_type_multiattach = {{ volume_type_multiattach }}
{% endif %}
{% if backend_names %}
# the served Cinder's backends (--config cinder: backends), each its volume_backend_name
backend_names = {{ backend_names }}
{% endif %}
# what the default type's backend reports (Tempest's volume type tests ask for them)
storage_protocol = {{ storage_protocol }}
vendor_name = {{ vendor_name }}
build_interval = 1
build_timeout = 60
min_microversion = {{ volume_min_microversion }}
max_microversion = {{ volume_max_microversion }}

[volume-feature-enabled]
backup = true
snapshot = true
clone = true
extend_attached_volume = true
# an attached encrypted volume extended by its decrypted size: libvirt's 961df12393 (Nova
# 21.0.0); before it QEMU refuses the raw size and the compute_extend_volume event fails
extend_attached_encrypted_volume = {{ extend_attached_encrypted_volume | lower }}
enable_volume_image_dep_tests = true
# cinder-tempest-plugin's flags: reverts to a snapshot are served (3.40), and many volumes,
# snapshots, backups and attachments at once; consistency groups are not: no backend here
# implements them (a consistency group ends `error`, as in Cinder on LVM: the driver's
# NotImplementedError); replication where a backend replicates (an rbd one with
# replication_device in --config)
volume_revert = true
concurrency_tests = true
consistency_group = false
replication = {{ replication | lower }}
# nothing to manage; more than one backend where --config gives the served Cinder more
manage_volume = false
manage_snapshot = false
multi_backend = {{ (backend_names != "") | lower }}

[enforce_scope]
# whether Nova enforces scope (its enforce_scope: on with the new defaults from Nova 27.0.0
# unless the config sets it): with it Tempest's compute tests use project readers and managers
nova = {{ nova_scope_enforced | lower }}
# whether Cinder enforces its new RBAC defaults (its enforce_new_defaults: the series' default,
# on from Cinder 29.0.0, unless the config sets it): with them Tempest's volume tests read as
# a project reader, and cinder-tempest-plugin's RBAC tests run
cinder = {{ cinder_new_defaults | lower }}
# whether Glance refuses system-scoped tokens (its enforce_scope, on with the new defaults from
# Glance 26.0.0 unless the config sets it): with it Tempest's image tests read as a project
# reader, and glance-tempest-plugin's RBAC tests run
glance = {{ glance_scope_enforced | lower }}

[service_available]
nova = true
cinder = true
glance = true
neutron = false
swift = false
horizon = false
placement = false
# no key-manager API: Cinder and Nova keep encrypted volumes' keys in the cloud (castellan's
# calls answered inside it). What asks for Barbican also needs what no served cloud has:
# LiveMigrationWithVTPMTest a vTPM host and barbican-tempest-plugin's secrets client,
# cinder-tempest-plugin's TransferEncryptedVolumeTest Neutron and a guest over SSH; and
# ServerShowV263Test wants [compute] certified_image_ref, an image signed with a certificate
# Barbican holds, which Nova checks as it downloads the image (no image signatures here)
barbican = false

[validation]
# no guest to log in to
run_validation = false
connect_method = fixed
"""

#: ``exclude-SERVICE.txt``: `service`, `profile`, and the `exclusions` that apply.
EXCLUDE_LIST = """\
# Tempest's {{ service }} tests that a run against fakecloud {{ profile }} leaves out
# (tempest run --exclude-list), each after its reason; written by fakecloud serve --tempest-config.
{% for exclusion in exclusions %}
# {{ exclusion.why }}
{% for pattern in exclusion.patterns %}
{{ pattern }}
{% endfor %}
{% else %}
# none: every test runs, or Tempest skips it itself
{% endfor %}
"""

TEMPLATES = {"tempest.conf": TEMPEST_CONF, "exclude.txt": EXCLUDE_LIST}
