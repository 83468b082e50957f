"""One flush listener carries every write to the figures it changes, as each model declares
(`__figures__`, figures/feeds.py): in the write's own transaction it raises the client's history
version (users.entries_version, which marks their kept figures stale in every worker and on
every server at once) and works out again the pain periods of the days it touched."""

from collections.abc import Iterable

from sqlalchemy import bindparam, event, update
from sqlalchemy.orm import Session

from ..models import User
from . import periods
from .feeds import Feeds

# Built once, as every write to a history runs it (statements cost more to build than to run).
# A plain table update on the session's connection: the ORM's bulk update path around it cost
# more than the statement (no loaded user is synchronised either way).
_USERS = User.__table__
_RAISE_VERSIONS = (
    update(_USERS)
    .where(_USERS.c.id.in_(bindparam("user_ids", expanding=True)))
    .values(entries_version=_USERS.c.entries_version + 1)
)
_TOUCHED = "figures_touched_days"


def raise_versions(session: Session, user_ids: Iterable[int]) -> None:
    """For writes around the unit of work that change what figures read, but not pain."""
    ids = sorted(set(user_ids))
    if ids:
        session.connection().execute(_RAISE_VERSIONS, {"user_ids": ids})


def note_entries_change(session: Session, user_ids) -> None:
    """For rows written around the unit of work (bulk inserts of generated data): the clients'
    versions raised and their pain periods worked out anew."""
    ids = set(user_ids)
    raise_versions(session, ids)
    periods.rebuild(session, ids)


def _before_flush(session: Session, flush_context, instances) -> None:
    owners: set[int] = set()
    touched = session.info.setdefault(_TOUCHED, set())
    for instance in (*session.new, *session.dirty, *session.deleted):
        feeds = getattr(type(instance), "__figures__", None)
        if not isinstance(feeds, Feeds):
            continue
        # An update counts unless its model names the columns that matter and none changed
        # (session.is_modified would weigh every attribute: a third of a check-in's save).
        if instance in session.dirty and not feeds.matters(instance):
            continue
        who = feeds.owners(instance)
        owners |= who
        touched.update((owner, day) for owner in who for day in feeds.period_days(instance))
    raise_versions(session, owners)


def _after_flush(session: Session, flush_context) -> None:
    touched = session.info.pop(_TOUCHED, None)
    if touched:
        periods.update(session, touched)


def init_app(app) -> None:
    """Every session carries its writes to the figures (one listener pair, however many apps)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)
