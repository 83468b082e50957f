"""A client's history version: a counter on the user, raised in the same transaction as any
write to what their trends are computed from. Anything computed from a client's history (the
trends, selfcare/trends/service.py) can be kept under (client, version) and is stale the moment
the version moves, in every worker and on every server, with no extra query to find out: the
counter arrives with the user row that each request loads anyway."""

from sqlalchemy import bindparam, event, select, update
from sqlalchemy.orm import Session

from .models import (
    Appointment,
    CheckIn,
    Measurement,
    PainScore,
    Routine,
    RoutineLog,
    RoutineLogItem,
    TrackedRegion,
    User,
)

_OWNED_BY_USER = (CheckIn, Measurement, Routine, RoutineLog, TrackedRegion)


def _raising_versions(which_users):
    return (
        update(User)
        .where(which_users)
        .values(history_version=User.history_version + 1)
        .execution_options(synchronize_session=False)
    )


# Built once, as every write to a history runs it (statements cost more to build than to run).
_RAISE_VERSIONS = _raising_versions(User.id.in_(bindparam("user_ids", expanding=True)))


def note_history_change(session: Session, user_ids) -> None:
    """Called for writes that bypass the unit of work (bulk inserts of generated data)."""
    ids = sorted(set(user_ids))
    if ids:
        session.execute(_RAISE_VERSIONS, {"user_ids": ids})


def _changed_owners(session: Session) -> tuple[set[int], set[int]]:
    """Users whose history this flush changes, and check-ins whose owner must be looked up
    (a score edited without its check-in loaded)."""
    users, checkins = set(), set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, _OWNED_BY_USER):
            users.add(instance.user_id)
        elif isinstance(instance, Appointment):
            users.add(instance.client_id)
        elif isinstance(instance, PainScore):
            if instance.checkin is not None:
                users.add(instance.checkin.user_id)
            elif instance.checkin_id is not None:
                checkins.add(instance.checkin_id)
        elif isinstance(instance, RoutineLogItem) and instance.log is not None:
            # How an exercise went, edited on its own: the dashboard's flags read it.
            users.add(instance.log.user_id)
    users.discard(None)
    return users, checkins


def init_app(app) -> None:
    """Every session raises the versions as it flushes (one listener, however many apps)."""
    if not event.contains(Session, "before_flush", _raise_history_versions):
        event.listen(Session, "before_flush", _raise_history_versions)


def _raise_history_versions(session, flush_context, instances) -> None:
    users, checkins = _changed_owners(session)
    note_history_change(session, users)
    if checkins:
        owners = select(CheckIn.user_id).where(CheckIn.id.in_(checkins))
        session.execute(_raising_versions(User.id.in_(owners)))
