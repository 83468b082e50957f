"""Database models (SQLAlchemy 2.0 style). Timestamps are stored in UTC."""

from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .clinical import DayKind, reference_text
from .dose import Dose
from .extensions import db
from .figures.feeds import Feeds, NoFigures
from .insights import Frequency, Plan
from .passwords import hash_password, needs_rehash, verify_password

# Ids are INTEGER columns; this is the largest PostgreSQL holds (SQLite allows more).
MAX_ID = 2**31 - 1

CLIENT = "client"
THERAPIST = "therapist"
TOKEN_READ = "read"  # noqa: S105 (API token scopes, not secrets)
TOKEN_WRITE = "write"  # noqa: S105


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC on every backend and hands back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware one")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __figures__ = Feeds(owner="id", columns=("timezone", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # The code of the language the product speaks to this person in (languages.LANGUAGES).
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the person last followed a link mailed to `email`; None until they have.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Raised with every write to what the client's figures are worked out from
    # (selfcare/figures/listener.py): kept figures of an older version are stale.
    entries_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    @staticmethod
    def normalize_email(email: str) -> str:
        return email.strip().lower()

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return verify_password(self.password_hash, password)

    def upgrade_password_hash(self, password: str) -> None:
        """After a successful check: store the password with today's method and parameters when
        its hash is older. Other sessions stay signed in."""
        if needs_rehash(self.password_hash):
            self.password_hash = hash_password(password)

    # The token of the sign-in this object was loaded for or signed in with (auth.service).
    sign_in_token = None

    def get_id(self) -> str:
        """Flask-Login's id, kept in the session and remember cookies: the sign-in's token, so
        ending the sign-in on the server ends both cookies."""
        if self.sign_in_token is None:
            raise RuntimeError("a user outside a sign-in has no login id")
        return self.sign_in_token

    @property
    def is_client(self) -> bool:
        return self.role == CLIENT

    @property
    def is_therapist(self) -> bool:
        return self.role == THERAPIST


def _owner() -> Mapped[int]:
    return mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class DoseColumns:
    """The dose of an exercise, a routine item or what was done of it, as columns."""

    sets: Mapped[int | None] = mapped_column(SmallInteger)
    reps: Mapped[int | None] = mapped_column(SmallInteger)
    hold_seconds: Mapped[int | None] = mapped_column(SmallInteger)
    duration_seconds: Mapped[int | None] = mapped_column(SmallInteger)
    per_side: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def dose(self) -> Dose:
        return Dose(self.sets, self.reps, self.hold_seconds, self.duration_seconds, self.per_side)

    @dose.setter
    def dose(self, dose: Dose) -> None:
        for column, value in dose.as_columns().items():
            setattr(self, column, value)


class TrackedRegion(db.Model):
    """A body region the client rates on their daily check-in."""

    __tablename__ = "tracked_regions"
    __figures__ = NoFigures("which regions Today asks about; pages read it as they are drawn")
    __table_args__ = (UniqueConstraint("user_id", "region"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _owner()
    region: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(SmallInteger, default=0)


class CheckIn(db.Model):
    """One per client per local day; pain scores hang off it, one per rated region."""

    __tablename__ = "checkins"
    __figures__ = Feeds(owner="user_id", day="day", period_offsets=(0,))
    __table_args__ = (
        UniqueConstraint("user_id", "day"),
        CheckConstraint("stiffness BETWEEN 0 AND 10", name="stiffness_range"),
        CheckConstraint("sleep_quality BETWEEN 0 AND 10", name="sleep_quality_range"),
        CheckConstraint("stress BETWEEN 0 AND 10", name="stress_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _owner()
    day: Mapped[date] = mapped_column(Date)
    day_kind: Mapped[str] = mapped_column(String(8), default=DayKind.NORMAL.value)
    stiffness: Mapped[int | None] = mapped_column(SmallInteger)
    sleep_quality: Mapped[int | None] = mapped_column(SmallInteger)
    stress: Mapped[int | None] = mapped_column(SmallInteger)
    medication_taken: Mapped[bool | None] = mapped_column(Boolean)
    medication_note: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    scores: Mapped[list["PainScore"]] = relationship(
        back_populates="checkin", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def kind(self) -> DayKind:
        return DayKind(self.day_kind)

    def score_by_region(self) -> dict[str, int]:
        return {score.region: score.score for score in self.scores}


class PainScore(db.Model):
    __tablename__ = "pain_scores"
    __figures__ = Feeds(owner="checkin.user_id", day="checkin.day", period_offsets=(0,))
    __table_args__ = (
        UniqueConstraint("checkin_id", "region"),
        CheckConstraint("score BETWEEN 0 AND 10", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Looked up through the unique index above, which leads with checkin_id.
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"))
    region: Mapped[str] = mapped_column(String(32))
    score: Mapped[int] = mapped_column(SmallInteger)

    checkin: Mapped[CheckIn] = relationship(back_populates="scores")


class Exercise(DoseColumns, db.Model):
    """A library exercise (slug set, no owner) or one a client or therapist added for
    themselves (owner set)."""

    __tablename__ = "exercises"
    __figures__ = NoFigures("kept figures name exercises by id; names are read as pages are drawn")

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str | None] = mapped_column(String(64), unique=True)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    regions: Mapped[str] = mapped_column(String(200), default="")
    how_to: Mapped[str] = mapped_column(Text, default="")
    # The stored file under PHOTO_DIR (selfcare/photos.py), if the owner added a photo.
    photo: Mapped[str | None] = mapped_column(String(40))

    @property
    def region_list(self) -> list[str]:
        return [region for region in self.regions.split(",") if region]

    # What a reader is shown: a library exercise's words (stored in the reference's English)
    # in the reader's language, anyone's own exercise as its owner typed it. What is stored,
    # sorted, matched or exported stays `name` and `how_to`.
    @property
    def shown_name(self) -> str:
        return reference_text(self.name) if self.slug else self.name

    @property
    def shown_how_to(self) -> str:
        return reference_text(self.how_to) if self.slug else self.how_to


class Routine(db.Model):
    __tablename__ = "routines"
    __figures__ = Feeds(owner="user_id")  # plans, archiving

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _owner()
    name: Mapped[str] = mapped_column(String(80))
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when a therapist assigned it as a home program.
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    # The plan (a programme's frequency and dates). A routine without `starts_on` has none:
    # any day is fine, and adherence is the forgiving share of days with a routine.
    times_per_day: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1")
    days_per_week: Mapped[int | None] = mapped_column(SmallInteger)
    weekdays: Mapped[str | None] = mapped_column(String(7))  # "024" is Mon, Wed, Fri
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    # The frequencies it had before, oldest first: [{"until": "2026-12-14", "times_per_day": 1,
    # "days_per_week": 3, "weekdays": null}], each ending the day its successor took effect.
    past_frequencies: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")

    assigned_by: Mapped["User | None"] = relationship(foreign_keys=[assigned_by_id], lazy="joined")
    items: Mapped[list["RoutineItem"]] = relationship(
        back_populates="routine",
        cascade="all, delete-orphan",
        order_by="RoutineItem.position",
        lazy="selectin",
    )

    @property
    def is_programme(self) -> bool:
        """Prescribed by a therapist: the client logs and archives it; the therapist doses it."""
        return self.assigned_by_id is not None

    @property
    def plan(self) -> Plan | None:
        return self.plan_from(*(getattr(self, column) for column in self.PLAN_COLUMNS))

    # The plan columns, in plan_from's order, for queries that read them without the rows.
    PLAN_COLUMNS = (
        "starts_on",
        "ends_on",
        "times_per_day",
        "days_per_week",
        "weekdays",
        "past_frequencies",
    )

    @staticmethod
    def plan_from(
        starts_on, ends_on, times_per_day, days_per_week, weekdays, past_frequencies=()
    ) -> Plan | None:
        if starts_on is None:
            return None
        return Plan(
            starts_on=starts_on,
            ends_on=ends_on,
            **Routine.frequency_fields(times_per_day, days_per_week, weekdays),
            earlier=tuple(
                (
                    date.fromisoformat(past["until"]),
                    Frequency(
                        **Routine.frequency_fields(
                            past["times_per_day"], past["days_per_week"], past["weekdays"]
                        )
                    ),
                )
                for past in past_frequencies or ()
            ),
        )

    @staticmethod
    def frequency_fields(times_per_day, days_per_week, weekdays) -> dict:
        return {
            "times_per_day": times_per_day,
            "days_per_week": days_per_week,
            "weekdays": frozenset(int(day) for day in weekdays or ""),
        }


class RoutineItem(DoseColumns, db.Model):
    """One exercise in a routine with the dose for it: sets x reps, a hold, or a duration."""

    __tablename__ = "routine_items"
    __figures__ = NoFigures("a routine's exercises and doses: no figure counts them")

    id: Mapped[int] = mapped_column(primary_key=True)
    routine_id: Mapped[int] = mapped_column(
        ForeignKey("routines.id", ondelete="CASCADE"), index=True
    )
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id"), index=True)
    position: Mapped[int] = mapped_column(SmallInteger, default=0)
    # The therapist's cue for this exercise in a programme ("keep the shoulders down").
    note: Mapped[str | None] = mapped_column(String(200))

    routine: Mapped[Routine] = relationship(back_populates="items")
    exercise: Mapped[Exercise] = relationship(lazy="joined")


class ProgrammeChange(db.Model):
    """What a therapist changed in a programme at one save: codes with their parameters
    (programmes.changes), put into words in each reader's language."""

    __tablename__ = "programme_changes"
    __figures__ = NoFigures("what a therapist changed, in words the client reads")

    id: Mapped[int] = mapped_column(primary_key=True)
    routine_id: Mapped[int] = mapped_column(
        ForeignKey("routines.id", ondelete="CASCADE"), index=True
    )
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Kept as it was then: the history still reads right after the therapist's account goes.
    changed_by_name: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changes: Mapped[list] = mapped_column(JSON)


class ProgrammeTemplate(db.Model):
    """A therapist's programme kept for reuse with any client: frequency and exercises with
    their doses and notes, not tied to a client or to dates."""

    __tablename__ = "programme_templates"
    __figures__ = NoFigures("a therapist's own templates, tied to no client")

    id: Mapped[int] = mapped_column(primary_key=True)
    therapist_id: Mapped[int] = _owner()
    name: Mapped[str] = mapped_column(String(80))
    times_per_day: Mapped[int] = mapped_column(SmallInteger, default=1)
    days_per_week: Mapped[int | None] = mapped_column(SmallInteger)
    weekdays: Mapped[str | None] = mapped_column(String(7))
    # [{"exercise_id": 3, "sets": 3, "reps": 10, ..., "note": "..."}], in order.
    items: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RoutineLog(db.Model):
    """A routine done on a day. Several a day are fine (morning and evening)."""

    __tablename__ = "routine_logs"
    __figures__ = Feeds(
        owner="user_id", day="day", period_offsets=(1,)
    )  # next day: after a routine
    __table_args__ = (
        UniqueConstraint("user_id", "submission_id"),
        Index("ix_routine_logs_user_day", "user_id", "day"),
        CheckConstraint("effort BETWEEN 0 AND 10", name="effort_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    routine_id: Mapped[int] = mapped_column(
        ForeignKey("routines.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date] = mapped_column(Date)
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    effort: Mapped[int | None] = mapped_column(SmallInteger)
    note: Mapped[str | None] = mapped_column(Text)
    # Set by the form that created it, so a re-sent form (flaky network) can't log twice.
    submission_id: Mapped[str | None] = mapped_column(String(36))

    routine: Mapped[Routine] = relationship(lazy="joined")
    items: Mapped[list["RoutineLogItem"]] = relationship(
        back_populates="log", cascade="all, delete-orphan", lazy="selectin"
    )


class RoutineLogItem(DoseColumns, db.Model):
    """What was actually done of one exercise in a logged routine."""

    __tablename__ = "routine_log_items"
    __figures__ = Feeds(owner="log.user_id")  # pain during, too hard
    __table_args__ = (
        CheckConstraint("pain_during BETWEEN 0 AND 10", name="pain_during_range"),
        CheckConstraint(
            "difficulty IN ('too_easy', 'about_right', 'too_hard')", name="difficulty_choice"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    log_id: Mapped[int] = mapped_column(
        ForeignKey("routine_logs.id", ondelete="CASCADE"), index=True
    )
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id"), index=True)
    done: Mapped[bool] = mapped_column(Boolean, default=True)
    # How it went, told after the exercise (the guided session asks); both may stay unanswered.
    pain_during: Mapped[int | None] = mapped_column(SmallInteger)
    difficulty: Mapped[str | None] = mapped_column(String(11))

    log: Mapped[RoutineLog] = relationship(back_populates="items")
    exercise: Mapped[Exercise] = relationship(lazy="joined")


class Measurement(db.Model):
    """A range-of-motion measurement: movement, side, value in the movement's unit, day."""

    __tablename__ = "measurements"
    __figures__ = Feeds(owner="user_id")  # the first day
    __table_args__ = (
        UniqueConstraint("user_id", "submission_id"),
        Index("ix_measurements_user_movement_day", "user_id", "movement", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    movement: Mapped[str] = mapped_column(String(40))
    side: Mapped[str | None] = mapped_column(String(5))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(8))
    day: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submission_id: Mapped[str | None] = mapped_column(String(36))


class Appointment(db.Model):
    """A therapy appointment, recorded by the client or their therapist: a marker on every
    chart; a therapist's note on it shows on the client's Today page."""

    __tablename__ = "appointments"
    __figures__ = Feeds(owner="client_id")  # since the last session
    __table_args__ = (Index("ix_appointments_client_day", "client_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# What a client can share, each part on its own. Notes are the free text of check-ins, routine
# logs and measurements. Every pain figure goes with "pain", also pain felt during an exercise.
SHARE_PARTS = {
    "pain": _l("pain scores (also during exercises), check-ins and activity scores"),
    # Rest and flare days go with routines too: adherence never counts them against anyone.
    "routines": _l("routines, the days you did them, and your rest and flare days"),
    "motion": _l("range-of-motion measurements"),
    "notes": _l("your notes"),
}
ALL_PARTS = frozenset(SHARE_PARTS)


class SharedParts:
    """Columns and reading of the parts a share (or the invite that starts it) covers."""

    parts: Mapped[str] = mapped_column(String(40), default=",".join(SHARE_PARTS))
    # The last day the share is active; none: until the client stops it.
    ends_on: Mapped[date | None] = mapped_column(Date)

    @staticmethod
    @cache  # a handful of distinct values, read for every client of a dashboard
    def parts_of(parts: str) -> frozenset[str]:
        return frozenset(part for part in parts.split(",") if part in SHARE_PARTS)

    @property
    def part_set(self) -> frozenset[str]:
        return self.parts_of(self.parts)

    @property
    def part_labels(self) -> list[str]:
        return [label for key, label in SHARE_PARTS.items() if key in self.part_set]


class Invite(SharedParts, db.Model):
    """A short single-use code a client gives a therapist to start sharing."""

    __tablename__ = "invites"
    __figures__ = NoFigures("a code to start sharing")

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = _owner()
    code: Mapped[str] = mapped_column(String(8), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Share(SharedParts, db.Model):
    """A client shares their data with a therapist while revoked_at is empty and the expiry
    day, if any, has not passed; only the parts it covers."""

    __tablename__ = "shares"
    __figures__ = NoFigures(
        "what a therapist sees is masked from the kept figures as they are read"
    )
    __table_args__ = (
        UniqueConstraint("client_id", "therapist_id"),
        Index("ix_shares_therapist_active", "therapist_id", "revoked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = _owner()
    therapist_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    client: Mapped[User] = relationship(foreign_keys=[client_id], lazy="joined")
    therapist: Mapped[User] = relationship(foreign_keys=[therapist_id], lazy="joined")


class PainPeriod(db.Model):
    """A client's pain scores over one week (Monday on) or calendar month, per region ("*": each
    day's mean over the regions rated), with the days after a routine day apart: what the long
    charts, tables and "after a routine" read instead of years of daily rows. Kept in the
    transaction of each write by figures/periods.py."""

    __tablename__ = "pain_periods"
    __figures__ = NoFigures("figures kept themselves (figures/periods.py)")

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    period: Mapped[str] = mapped_column(String(5), primary_key=True)  # "week" or "month"
    starts_on: Mapped[date] = mapped_column(Date, primary_key=True)
    region: Mapped[str] = mapped_column(String(32), primary_key=True)
    total: Mapped[float] = mapped_column(Float)
    days: Mapped[int] = mapped_column(Integer)
    after_routine_total: Mapped[float] = mapped_column(Float)
    after_routine_days: Mapped[int] = mapped_column(Integer)


class KeptFigures(db.Model):
    """A client's figures as they stand on one of their local days (figures/kept.py), every part
    unmasked (each share masks its own as it reads them). Worked out for today and the days
    ahead at once, so a new day finds its row waiting; stale once the client's entries version
    moves past the one they were worked out from, or the rules change."""

    __tablename__ = "kept_figures"
    __figures__ = NoFigures("figures kept themselves (figures/kept.py)")

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    entries_version: Mapped[int] = mapped_column(Integer)
    # The rules and the form they were kept by (figures/kept.RULES_VERSION): older are stale.
    rules_version: Mapped[int] = mapped_column(SmallInteger)
    figures: Mapped[dict] = mapped_column(JSON)
    # What ranks and flags the client on a dashboard, unmasked, so it sorts and counts every
    # client without reading their figures: pain part, then routines part.
    worse_rise: Mapped[float] = mapped_column(Float)  # total rise over the regions worse
    worse_regions: Mapped[int] = mapped_column(SmallInteger)
    inactive: Mapped[bool] = mapped_column(Boolean)
    worst_pain_during: Mapped[int | None] = mapped_column(SmallInteger)
    too_hard: Mapped[int] = mapped_column(SmallInteger)


class AccessLogEntry(db.Model):
    """A therapist opened a client's data. The client reads these on their sharing page."""

    __tablename__ = "access_log"
    __figures__ = NoFigures("who looked, for the client to read")
    __table_args__ = (
        Index("ix_access_log_client_when", "client_id", "viewed_at"),
        # The dashboard asks which of its clients it logged today: a few rows, however many
        # times a busy client's charts were opened (access.log_dashboard_views).
        Index(
            "ix_access_log_therapist_purpose_client_when",
            "therapist_id",
            "purpose",
            "client_id",
            "viewed_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    therapist_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Kept as text so the entry still says who it was if the therapist's account is deleted.
    therapist_name: Mapped[str] = mapped_column(String(100))
    # What was done, as a code (access.Purpose: "charts", "export_csv"), never a sentence: the
    # client reads it in their language (sharing.service.purpose_label).
    purpose: Mapped[str] = mapped_column(String(60))
    viewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiToken(db.Model):
    """A personal access token for the JSON API. Only its SHA-256 is stored; the user sees the
    token once, when it is made."""

    __tablename__ = "api_tokens"
    __figures__ = NoFigures("credentials")

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _owner()
    name: Mapped[str] = mapped_column(String(60))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(12))  # the first characters, to tell tokens apart
    scope: Mapped[str] = mapped_column(String(8))  # TOKEN_READ or TOKEN_WRITE
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def can_write(self) -> bool:
        return self.scope == TOKEN_WRITE


class IdempotencyKey(db.Model):
    """An Idempotency-Key an API write came with, kept in the write's own transaction: the key
    is kept exactly when the write is. Sent again with the same request, it answers what was
    saved; with another request, it is refused (selfcare/api/idempotency.py)."""

    __tablename__ = "idempotency_keys"
    __figures__ = NoFigures("which request an API write's key came with")
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: the unique constraint's starts with it.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    request_digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of method, path, body
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SignIn(db.Model):
    """One browser signed in to an account. Its token is Flask-Login's id (see User.get_id);
    only the token's SHA-256 is stored. A sign-in ends at logout, when the person ends it from
    another device, at a password change, or when it outlives its idle or absolute lifetime."""

    __tablename__ = "sign_ins"
    __figures__ = NoFigures("credentials")

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _owner()
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The device as its user agent names it: browser and system ("Firefox", "Linux"), names
    # that are the same in every language, "" for what it doesn't say. The sentence joining
    # them is made in the reader's language (auth.service.device_label), never stored.
    device_browser: Mapped[str] = mapped_column(String(60), server_default="")
    device_system: Mapped[str] = mapped_column(String(60), server_default="")
    remember: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")

    def expired(self, now: datetime, idle_timeout: timedelta, lifetime: timedelta) -> bool:
        return now - self.last_seen_at > idle_timeout or now - self.created_at > lifetime


class Reminder(db.Model):
    """When to remind a client: to check in (no routine) or to do one routine. Off until the
    client turns it on."""

    __tablename__ = "reminders"
    __figures__ = NoFigures("when to remind; the sender reads it as it runs")
    __table_args__ = (
        UniqueConstraint("user_id", "routine_id"),
        # The constraint above lets NULLs repeat: this keeps one check-in reminder per client.
        Index(
            "uq_reminders_one_checkin_each",
            "user_id",
            unique=True,
            postgresql_where=text("routine_id IS NULL"),
            sqlite_where=text("routine_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _owner()
    routine_id: Mapped[int | None] = mapped_column(
        ForeignKey("routines.id", ondelete="CASCADE"), index=True
    )
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[time] = mapped_column(Time)  # the client's local time
    weekdays: Mapped[str] = mapped_column(String(7))  # "01234" is Monday to Friday

    @property
    def weekday_set(self) -> set[int]:
        return {int(day) for day in self.weekdays}


class ReminderChannels(db.Model):
    """How a client's reminders reach them: e-mail, and a calendar feed behind a secret link
    (only its SHA-256 is stored)."""

    __tablename__ = "reminder_channels"
    __figures__ = NoFigures("how reminders reach the client")

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[bool] = mapped_column(Boolean, default=True)
    feed_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)


class ReminderClaim(db.Model):
    """A reminder taken for sending on one local day. Inserted before the mail goes, so of
    several senders running at once exactly one gets it. `what` is "reminder-<id>", or "quiet"
    for the one note after a quiet week (its day is then that of the last check-in)."""

    __tablename__ = "reminder_claims"
    __figures__ = NoFigures("which reminders went out")
    __table_args__ = (UniqueConstraint("user_id", "what", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    what: Mapped[str] = mapped_column(String(24))
    day: Mapped[date] = mapped_column(Date)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PsfsActivity(db.Model):
    """An activity the client finds hard because of their pain, scored on the Patient-Specific
    Functional Scale. At most PSFS_MAX_ACTIVITIES are active at once; a retired one keeps its
    scores, and renaming keeps them too (the scores point at the row, not the name)."""

    __tablename__ = "psfs_activities"
    __figures__ = NoFigures("PSFS activity names; the PSFS panel is worked out as it is drawn")

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _owner()
    name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PsfsScoring(db.Model):
    """One dated PSFS scoring: a 0-10 score per activity active at the time. Entered by the
    client, or by their therapist with them (`entered_by_id`)."""

    __tablename__ = "psfs_scorings"
    __figures__ = Feeds(owner="user_id")  # the first day
    __table_args__ = (
        UniqueConstraint("user_id", "submission_id"),
        Index("ix_psfs_scorings_user_day", "user_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submission_id: Mapped[str | None] = mapped_column(String(36))

    entered_by: Mapped["User | None"] = relationship(foreign_keys=[entered_by_id], lazy="joined")
    scores: Mapped[list["PsfsScore"]] = relationship(
        back_populates="scoring",
        cascade="all, delete-orphan",
        order_by="PsfsScore.activity_id",
        lazy="selectin",
    )


class PsfsScore(db.Model):
    __tablename__ = "psfs_scores"
    __figures__ = NoFigures("PSFS scores; the PSFS panel is worked out as it is drawn")
    __table_args__ = (
        UniqueConstraint("scoring_id", "activity_id"),
        CheckConstraint("score BETWEEN 0 AND 10", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scoring_id: Mapped[int] = mapped_column(
        ForeignKey("psfs_scorings.id", ondelete="CASCADE"), index=True
    )
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("psfs_activities.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[int] = mapped_column(SmallInteger)

    scoring: Mapped[PsfsScoring] = relationship(back_populates="scores")
    activity: Mapped[PsfsActivity] = relationship(lazy="joined")


class PsfsRequest(db.Model):
    """A therapist asked the client to score their activities again; open until the client's
    next scoring answers it."""

    __tablename__ = "psfs_requests"
    __figures__ = NoFigures("a therapist asked to re-score: what Today offers, read fresh")
    __table_args__ = (Index("ix_psfs_requests_client_open", "client_id", "answered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    therapist_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
