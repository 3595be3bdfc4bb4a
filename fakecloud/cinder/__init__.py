"""The fake Cinder (Block Storage API v3, cinder 29.0.0, microversions 3.0-3.71; a cloud on an
older Nova release gets its series' version document and range, e.g. 3.0-3.50 for Queens).

    >>> from fakecloud import Cloud
    >>> from fakecloud.api.http import Request
    >>> cloud = Cloud()
    >>> resp = cloud.cinder.api.call(Request.build(
    ...     "POST", "/v3/p1/volumes", body={"volume": {"size": 10}}, context=ctx))
    >>> cloud.run_until_idle(); cloud.cinder.volume(resp.json()["volume"]["id"]).status
    'available'

Layout (one job per module, named after the real code):

- `service` – `Cinder`, the service object a cloud builds (``cloud.cinder``);
- `config` – the ``cinder`` config section: backends, volume types, quotas, timings;
- `volumes`, `snapshots`, `attachments` – the synchronous API logic (``volume/api.py``);
- `groups`, `groups_types`, `groups_manager`, `groups_rest`, `groups_models` – generic
  volume groups, group types and group snapshots (``group/api.py``,
  ``volume/group_types.py``, the managers' group paths, the ``/group_types``, ``/groups``
  and ``/group_snapshots`` routes; their exceptions in `exception`);
- `backups`, `backup_manager`, `backup_rest` – volume backups (``backup/api.py``,
  ``backup/manager.py``, the ``/backups`` routes);
- `messages`, `messages_api` – user messages (``message/api.py``, ``message_field.py``, the
  ``/messages`` routes): what a failed asynchronous operation tells the user;
- `manager` – scheduler and volume managers, the asynchronous side, on the RPC bus;
- `backends` – the drivers' timing (``lvm-thin``, ``lvm-thick``, ``rbd``, ``copy``);
- `quota` – reservations, commits, rollbacks and the 413 errors;
- `controllers`, `validation`, `views`, `faults`, `api` – the REST surface;
- `states`, `models`, `exception`, `policy`, `images` – tables, rows, errors, rules, images.

Fault points and their attributes (``cloud.faults.add(point, ...)``):

=========================  ==================================================================
``cinder.scheduler``       ``op`` (create_volume/create_snapshot/extend_volume), ``volume_id``,
                           ``snapshot_id``, ``size``. Error → the resource goes ``error``.
``cinder.volume.create``   ``volume_id``, ``project_id``, ``size``, ``backend``, ``source``
                           (blank/snapshot/image/volume). Error → ``error``.
``cinder.volume.delete``   ``volume_id``, ``project_id``, ``size``, ``backend``.
                           Error → ``error_deleting``.
``cinder.snapshot.create`` ``snapshot_id``, ``volume_id``, ``project_id``, ``size``,
                           ``backend``. Error → ``error`` (quota kept); ``stall`` keeps it
                           ``creating`` until ``cloud.faults.release("cinder.snapshot.create")``.
``cinder.snapshot.delete`` ``snapshot_id``, ``volume_id``, ``project_id``, ``size``,
                           ``backend``. Error → ``error_deleting``; ``SnapshotIsBusy`` →
                           back to ``available``.
``cinder.volume.upload``   ``volume_id``, ``image_id``, ``size``, ``backend``: before an
                           upload-to-image copies the volume. Error → the image deleted, the
                           volume back to ``available``/``in-use``.
``cinder.backup.create``   ``backup_id``, ``volume_id``, ``project_id``, ``size``,
                           ``backend``, ``incremental``: half-way through a backup's copy.
                           Error → the backup ``error``, the volume back to its status.
``cinder.backup.restore``  ``backup_id``, ``volume_id``, ``size``, ``backend``: half-way
                           through a restore. Error → volume ``error_restoring``.
``cinder.backup.delete``   ``backup_id``, ``project_id``, ``size``. Error → backup ``error``.
``cinder.driver``          ``op`` (create_volume, create_volume_from_snapshot,
                           create_cloned_volume, copy_image_to_volume, copy_volume_to_image,
                           extend_volume, delete_volume, create_snapshot, delete_snapshot),
                           ``backend``, ``driver`` (the kind), ``volume_id``, ``snapshot_id``,
                           ``source_volid``, ``size``: any driver step.
``io.transfer``            the kernel's: copies and wipes have labels ``cinder.copy_snapshot``,
                           ``cinder.copy_snapshot_to_volume``, ``cinder.clear_volume``,
                           ``cinder.clear_snapshot``, ``cinder.rbd_flatten``,
                           ``cinder.clone_volume``, ``cinder.image_download``,
                           ``cinder.backup_create``, ``cinder.backup_restore``.
=========================  ==================================================================

Error names for scenario files: ``CinderBackendError`` (a driver error), ``SnapshotIsBusy``,
``NoValidBackend``. Nova's client of this service is `fakecloud.nova.volume_api`.
"""

from fakecloud.cinder.service import Cinder

__all__ = ["Cinder"]
