"""Why an error answer refused, as a kind rather than as words.

A service's own error class says what kind of refusal it is with a class attribute
``refusal`` (Nova's ``OverQuota`` and ``ImageQuotaExceeded``, Cinder's ``OverQuota`` and 413
``QuotaError`` family, Glance's ``LimitExceeded`` family and ``StorageQuotaFull`` are
`QUOTA`). An answer's kind is that of the first error, from the one answered back through those
it was raised from or while handling, that has one: Nova's 403 raised while handling Cinder's
``VolumeLimitExceeded`` is a quota refusal, as is Nova's 500 around the glanceclient error of
Glance's ``LimitExceeded``, whatever either message says in a release.
"""

from __future__ import annotations

#: A refusal for a quota or limit the caller's project or image is over.
QUOTA = "quota"
#: How far back through causes an answer's error is read (a chain is a few errors long).
_DEPTH = 16


def refusal_of(error: BaseException) -> str:
    """The kind of refusal `error` (an answer's error) is, "" when no error behind it says.

    Behind an error are the one it was raised from and the one being handled when it was
    raised; a client's error re-raised as its own cause (``raise exc from exc``) is read once.
    """
    kind = getattr(error, "refusal", "")
    if kind:
        return kind
    behind, cause = error.__context__, error.__cause__
    if cause is None and (behind is None or behind.__context__ is behind.__cause__ is None):
        # No cause and at most one error behind, itself alone (an answer's usual chain: the
        # error it translates): read without the walk's bookkeeping, the walk's answer.
        return (getattr(behind, "refusal", "") or "") if behind is not None else ""
    todo = [error]
    seen: set[int] = set()
    while todo and len(seen) < _DEPTH:
        error = todo.pop()
        if id(error) in seen:
            continue
        seen.add(id(error))
        kind = getattr(error, "refusal", "")
        if kind:
            return kind
        for behind in (error.__context__, error.__cause__):  # the cause is read first
            if behind is not None:
                todo.append(behind)
    return ""
