"""Volume transfers, the API half: ``cinder/transfer/api.py``'s ``API`` and the transfer
functions of ``cinder/db`` (``transfer_get``, ``_transfer_get_all``, ``transfer_create``,
``transfer_destroy``, ``transfer_accept``), read in cinder 12.0.10, 16.4.2, 20.3.2, 21.0.0,
22.0.0, 24.0.0 and 29.0.0 (13.x-15.x taken as 16.4.2).

A transfer offers an ``available`` volume to whoever holds its key: create makes the row and
moves the volume to ``awaiting-transfer``, and answers the key once (the row keeps only a salt
and the HMAC-SHA1 of the key under it); delete gives the volume back (``available``); accept,
by a caller of any project with the key, moves the volume (and, from 13.0.0, unless the
transfer says ``no_snapshots``, its snapshots) to the caller's project and user, with their
quota: the receiver reserves, the donor gives back. An accepted or deleted row is
soft-deleted: it leaves the store. The salt and key are hex digits drawn from the cloud's
seeded ids (Cinder: ``sha224(os.urandom(255)).hexdigest()`` cut to 8 and 16 characters), so a
replay hands out the same key.

An encrypted volume (21.0.0 on, asked at 3.70) changes hands with its key: create, delete and
accept each move the key manager's secret to its next owner (the cinder service's project,
then the receiver's, or the donor's again: ``cinder/keymgr/transfer.py``), so the volume and
its snapshots get a new ``encryption_key_id`` each time (`TransferAPI._transfer_key`).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Generator
from typing import Any

from fakecloud.cinder import exception, list_query
from fakecloud.cinder.api_part import ApiPart
from fakecloud.cinder.models import Transfer, Volume
from fakecloud.cinder.quota import process_reserve_over_quota
from fakecloud.cinder.states import VOLUME_STATUS

ACTOR = "cinder-api"
#: ``volume_transfer_salt_length`` and ``volume_transfer_key_length`` (defaults).
SALT_LENGTH = 8
KEY_LENGTH = 16
#: 13.0.0 (3.55): a transfer carries the volume's snapshots unless ``no_snapshots``; create
#: checks them, accept moves them and their quota. Before, they stay with the donor.
SNAPSHOTS_FROM = 13
#: 13.0.0: the lists read the query's other keys as column filters and sort by
#: ``created_at``, ``id`` (12.0.10: no filter but ``all_tenants`` and no ``ORDER BY``: MySQL
#: scans the transfers table, driving a project's join to the volumes from it while the volumes
#: outnumber the transfers, in the primary key's order, ``id``).
FILTERS_FROM = 13
#: 21.0.0 (Zed, 3.70 ``TRANSFER_ENCRYPTED_VOLUME``): an encrypted volume may be transferred
#: (with its snapshots) when asked at that microversion, its key moved with it
#: (``cinder/keymgr/transfer.py``, new in 21.0.0); 16.x-20.x refuse an encrypted snapshot too.
ENCRYPTED_FROM = 21
#: The columns of the ``transfers`` table (13.0.0 on; ``db/sqlalchemy/models.py``).
TRANSFER_COLUMNS = frozenset(
    (
        *list_query.BASE_COLUMNS,
        "id", "volume_id", "display_name", "salt", "crypt_hash", "expires_at", "no_snapshots",
        "source_project_id", "destination_project_id", "accepted",
    )
)  # fmt: skip


def crypt_hash(salt: str, auth_key: Any) -> str:
    """``API._get_crypt_hash``: HMAC-SHA1 of the key (``str()`` of anything not a string or
    bytes, as a JSON integer key is) under the salt, hex."""
    if not isinstance(auth_key, (bytes, str)):
        auth_key = str(auth_key)
    if isinstance(auth_key, str):
        auth_key = auth_key.encode("utf-8")
    return hmac.new(salt.encode("utf-8"), auth_key, hashlib.sha1).hexdigest()


class TransferAPI(ApiPart):
    """Transfer requests, as ``cinder.transfer.api.API`` handles them."""

    @property
    def _major(self) -> int:
        return self.kernel.switches.series.cinder

    # -- reads -------------------------------------------------------------------------------

    def _row(self, context: Any, transfer_id: Any) -> Transfer:
        """``_transfer_get``: another project's transfer (its volume's project) is a 404 unless
        the caller is an admin (or the elevated context accept reads it with)."""
        row = self.store.transfer_rows().get(transfer_id) if isinstance(transfer_id, str) else None
        if row is not None and not context.is_admin:
            volume = self.store.volumes.get(row.volume_id)
            if volume is None or volume.project_id != context.project_id:
                row = None
        if row is None:
            raise exception.TransferNotFound(transfer_id=transfer_id)
        return row

    def get(self, context: Any, transfer_id: Any) -> Transfer:
        """``API.get``: the policy (the caller's own project), then the row."""
        self._authorize(context, "volume:get_transfer")
        return self._row(context, transfer_id)

    def get_all(self, context: Any, filters: dict[str, Any]) -> list[Transfer] | None:
        """``API.get_all`` without its paging: ``all_tenants`` popped (any true string of
        ``bool_from_string``; from 12.0.10 to 12.x present at all), every project's for an
        admin, else the caller's; from 13.0.0 the other keys are filters (a key that is no
        column: no query, None), ``project_id`` the volume's project."""
        self._authorize(context, "volume:get_all_transfers")
        rows = self.store.transfer_rows().values()
        raw = filters.pop("all_tenants", None)
        if self._major < FILTERS_FROM:
            every = context.is_admin and raw is not None
            out = [r for r in rows if every or self._volume_project(r) == context.project_id]
            # no ORDER BY (transfer_get_all, transfer_get_all_by_project): InnoDB's scan of
            # the transfers table, the clustered primary key's order
            out.sort(key=lambda r: r.id)
            return out
        from oslo_utils import strutils  # on use: its import compiles ~400 regexes

        every = context.is_admin and strutils.bool_from_string(raw or "false")
        query = dict(filters)
        project = query.pop("project_id", None)
        if not every:
            project = context.project_id
        for key in query:
            if key.rstrip("~") not in TRANSFER_COLUMNS:
                return None
            if key.endswith("~"):  # filter_by("display_name~"): no such attribute
                raise exception.CinderException()
        if project:
            rows = [r for r in rows if self._volume_project(r) == project]
        return list_query.select(rows, query, TRANSFER_COLUMNS)

    def _volume_project(self, row: Transfer) -> str | None:
        volume = self.store.volumes.get(row.volume_id)
        return volume.project_id if volume is not None else None

    # -- create, delete --------------------------------------------------------------------

    def create(
        self,
        context: Any,
        volume_id: Any,
        name: str | None,
        no_snapshots: bool = False,
        allow_encrypted: bool = False,
    ) -> tuple[Transfer, str]:
        """``API.create``: the volume (a 404 if the caller cannot see it), the policy on it,
        ``available``, not encrypted (from 21.0.0 at 3.70: with its snapshots), its snapshots
        ``available`` (13.0.0 on, unless `no_snapshots`); then the row and the volume
        ``awaiting-transfer``, and an encrypted volume's key to the cinder service
        (``key_transfer.transfer_create``). Returns the row and its key."""
        k = self.kernel
        major = self._major
        volume = self.cinder.volume_api.get(context, volume_id)
        self._authorize(context, "volume:create_transfer", volume.project_id, volume.user_id)
        if volume.status != "available":
            raise exception.InvalidVolume(reason="status must be available")
        if volume.encryption_key_id is not None:
            if major < ENCRYPTED_FROM or not allow_encrypted:
                raise exception.InvalidVolume(
                    reason="transferring encrypted volume is not supported"
                )
            if no_snapshots:
                raise exception.InvalidVolume(
                    reason="transferring an encrypted volume without its snapshots is not supported"
                )
        if major >= SNAPSHOTS_FROM and not no_snapshots:
            for snap in self.store.volume_snapshots(volume):
                if snap.status != "available":
                    raise exception.InvalidSnapshot(
                        reason=f"snapshot: {snap.id} status must be available"
                    )
                if major < ENCRYPTED_FROM and snap.encryption_key_id:
                    raise exception.InvalidSnapshot(
                        reason=f"snapshot: {snap.id} encrypted snapshots cannot be transferred"
                    )
        salt = k.ids.hex(SALT_LENGTH // 2)
        auth_key = k.ids.hex(KEY_LENGTH // 2)
        row = Transfer(
            id=k.ids.uuid(),
            volume_id=volume.id,
            display_name=name,
            salt=salt,
            crypt_hash=crypt_hash(salt, auth_key),
            created_at=k.now,
            source_project_id=volume.project_id if major >= SNAPSHOTS_FROM else None,
            no_snapshots=no_snapshots,
        )
        VOLUME_STATUS.move(k, volume, "awaiting-transfer", actor=ACTOR)
        self.store.transfer_rows(create=True)[row.id] = row
        if volume.encryption_key_id is not None:
            self._transfer_key(volume)
        return row, auth_key

    def delete(self, context: Any, transfer_id: Any) -> None:
        """``API.delete``: the row, its volume (the caller's), the policy on the volume; the
        volume back to ``available`` if it still awaits the transfer (``transfer_destroy``
        only logs otherwise), the row soft-deleted; an encrypted volume's key first back to the
        caller (``key_transfer.transfer_delete``)."""
        row = self._row(context, transfer_id)
        volume = self.cinder.volume_api.get(context, row.volume_id)
        self._authorize(context, "volume:delete_transfer", volume.project_id, volume.user_id)
        if volume.encryption_key_id is not None:
            self._transfer_key(volume)
        if volume.status == "awaiting-transfer":
            VOLUME_STATUS.move(self.kernel, volume, "available", actor=ACTOR)
        self._drop(row)

    def _transfer_key(self, volume: Volume) -> None:
        """``KeyTransfer.transfer_key``: the key manager gets the volume's secret as its owner
        and stores it again for the new one (a new secret, a new id), which the volume and
        every snapshot of it take; the old secret is deleted. No Barbican is served: the key
        manager is the services' own, its secrets' ids the cloud's seeded ids, as a new
        volume's key (``volumes.py``)."""
        new = self.kernel.ids.uuid()
        volume.encryption_key_id = new
        for snap in self.store.volume_snapshots(volume):
            snap.encryption_key_id = new

    def _drop(self, row: Transfer) -> None:
        table = self.store.transfer_rows()
        table.pop(row.id, None)
        if not table:
            del self.store.transfers

    # -- accept ----------------------------------------------------------------------------

    def accept(
        self, context: Any, transfer_id: Any, auth_key: Any
    ) -> Generator[Any, Any, tuple[Transfer, Volume]]:
        """``API.accept`` by a caller of the receiving project (see the module's docstring):
        the checks and reservations, then the volume API's ``accept_transfer``, an RPC call to
        the volume's cinder-volume (a service down times out: the reservations rolled back,
        FaultWrapper's 500), an encrypted volume's key to the caller
        (``key_transfer.transfer_accept``), then ``transfer_accept`` (its refusal moves the
        key back to the cinder service, again a new one); returns the (now deleted) row and the
        volume."""
        self._authorize(context, "volume:accept_transfer")
        row = self._row(_ELEVATED, transfer_id)
        if crypt_hash(row.salt, auth_key) != row.crypt_hash:
            raise exception.InvalidAuthKey(
                reason=f"Attempt to transfer {transfer_id} with invalid auth key."
            )
        volume = self.store.volumes.get(row.volume_id)
        if volume is None:
            raise exception.VolumeNotFound(volume_id=row.volume_id)
        quotas = self.cinder.quotas
        receiver, donor = context.project_id, volume.project_id
        try:
            quotas.limit_check(receiver, per_volume_gigabytes=volume.size)
        except exception.OverQuota as e:
            raise exception.VolumeSizeExceedsLimit(
                size=volume.size, limit=e.kwargs["quotas"]["per_volume_gigabytes"]
            ) from None
        type_name = volume.volume_type.name
        deltas = quotas.add_volume_type_opts({"volumes": 1, "gigabytes": volume.size}, type_name)
        try:
            reservations = [quotas.reserve_deltas(receiver, deltas)]
        except exception.OverQuota as e:
            process_reserve_over_quota(e, "volumes", volume.size)
        reservations.append(quotas.reserve_deltas(donor, {r: -d for r, d in deltas.items()}))
        snapshots = []
        if self._major >= SNAPSHOTS_FROM and not row.no_snapshots:
            snapshots = self.store.volume_snapshots(volume)
            self._snapshot_quota(snapshots, type_name, receiver, donor, reservations)
        key_moved = False
        try:
            if volume.status == "maintenance":
                raise exception.InvalidVolume(
                    reason="The volume cannot accept transfer in maintenance mode."
                )
            yield from self.kernel.rpc.call(
                self.cinder.volume_target(volume.backend),
                "accept_transfer",
                volume_id=volume.id,
                new_user=context.user_id,
                new_project=receiver,
            )
            if volume.encryption_key_id is not None:
                self._transfer_key(volume)
                key_moved = True
            # ``transfer_accept``: one database transaction, so a refusal changes nothing
            if volume.status != "awaiting-transfer":
                raise exception.InvalidVolume(
                    reason=f"Transfer {row.id}: Volume id {volume.id} expected in "
                    "awaiting-transfer state."
                )
            for snap in snapshots:
                if snap.status != "available":
                    raise exception.InvalidSnapshot(
                        reason=f"Transfer {row.id}: Snapshot {snap.id} is not in the expected "
                        "available state."
                    )
        except Exception:
            if key_moved:
                self._transfer_key(volume)
            for reservation in reservations:
                quotas.rollback(reservation)
            raise
        now = self.kernel.now
        VOLUME_STATUS.move(self.kernel, volume, "available", actor=ACTOR)
        volume.project_id, volume.user_id = receiver, context.user_id
        for snap in snapshots:
            snap.project_id, snap.user_id, snap.updated_at = receiver, context.user_id, now
        for reservation in reservations:
            quotas.commit(reservation)
        self._drop(row)
        return row, volume

    def _snapshot_quota(
        self, snapshots: list, type_name: str | None, receiver: str, donor: str, into: list
    ) -> None:
        """``_handle_snapshot_quota``: the receiver reserves the snapshots (and their gigabytes
        unless ``no_snapshot_gb_quota``), the donor gives them back. A refusal leaves the
        volume's reservations held, as Cinder's (reserved until they expire)."""
        quotas = self.cinder.quotas
        size = 0
        if not self.cinder.config.no_snapshot_gb_quota:
            size = sum(s.volume_size for s in snapshots)
        deltas = {"snapshots": len(snapshots), "gigabytes": size}
        quotas.add_volume_type_opts(deltas, type_name)
        try:
            into.append(quotas.reserve_deltas(receiver, deltas))
        except exception.OverQuota as e:
            process_reserve_over_quota(e, "snapshots", size)
        into.append(quotas.reserve_deltas(donor, {r: -d for r, d in deltas.items()}))


class _Elevated:
    """``context.elevated()`` as the transfer lookups read it: an admin."""

    is_admin = True


_ELEVATED = _Elevated()
