"""A client's data as files they can take elsewhere: CSV for spreadsheets, FHIR R4 for
health systems. Dates are the client's own calendar days; times are in their time zone.

Languages: the CSV files are a data format, the same whoever downloads them, so that a
spreadsheet, a script or a re-import reads them alike: their column headers, the names of the
figures and the codes in cells (yes/no, day types, regions, sides) stay in English, like FHIR's
codes and their displays. What was written for a person to read is in the downloader's
language: the names of regions, movements and how an exercise felt, and the FHIR notes and
texts below."""

import csv
import io
import json
import uuid
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Response
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import literal

from .clinical import DIFFICULTIES, MOVEMENTS, PAIN_LOINC, REGIONS, Movement, Region
from .dates import to_local
from .dose import Dose
from .extensions import db
from .figures.kept import exercise_names, figures_of
from .figures.texts import figures_json
from .insights import AVERAGE_WINDOW_DAYS, psfs_mean
from .models import (
    ALL_PARTS,
    Appointment,
    CheckIn,
    Measurement,
    PainScore,
    Routine,
    RoutineItem,
    RoutineLog,
    RoutineLogItem,
    User,
)
from .outcomes.service import psfs_score_rows

SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
LOINC = "http://loinc.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
EXPORT_NAMESPACE = uuid.UUID("0b6f3c1e-6c55-4f38-9d0e-5e1b7a2c9f41")
MOVEMENT_SYSTEM = "urn:selfcare:rom-movement"  # our own code list: the movement ids
LATERALITY = {"left": ("7771000", "Left"), "right": ("24028007", "Right")}
LATERALITY_CODE = ("272741003", "Laterality")
EXERCISE_THERAPY = ("229065009", "Exercise therapy")


# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe, which spreadsheets
    show as plain text (OWASP's advice for CSV injection). Numbers are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list]

    def as_csv(self, blank_columns: frozenset[str] = frozenset()) -> bytes:
        """UTF-8 with a byte-order mark, so spreadsheet programs read accents and ° correctly.
        Every text cell goes through safe_cell; `blank_columns` are written empty."""
        blanked = [index for index, name in enumerate(self.headers) if name in blank_columns]
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(self.headers)
        for row in self.rows:
            cells = ["" if index in blanked else safe_cell(cell) for index, cell in enumerate(row)]
            writer.writerow(cells)
        return ("\ufeff" + buffer.getvalue()).encode()


# Which shared part each file belongs to; files not listed (appointments) go to every reader.
PART_OF_FILE = {
    "checkins.csv": "pain",
    "pain_scores.csv": "pain",
    "routines.csv": "routines",
    "routine_logs.csv": "routines",
    "measurements.csv": "motion",
    # The activity scores are shared with the pain scores.
    "psfs.csv": "pain",
}
NOTE_COLUMNS = frozenset({"note", "medication"})
PAIN_DURING_HEADER = "pain during it (0-10)"
# Pain felt during an exercise is a pain score: shared with the pain part, not with routines.
PAIN_COLUMNS = frozenset({PAIN_DURING_HEADER})


DOSE_HEADERS = ["sets", "reps", "hold (s)", "duration (s)", "each side"]


def _dose_cells(dose: Dose) -> list:
    return [
        dose.sets,
        dose.reps,
        dose.hold_seconds,
        dose.duration_seconds,
        "yes" if dose.per_side else "no",
    ]


def _local(moment: datetime | None, client: User) -> str:
    return to_local(moment, client.timezone).isoformat(timespec="minutes") if moment else ""


def csv_files(client: User, parts: frozenset[str] = ALL_PARTS) -> dict[str, bytes]:
    """One CSV per kind of record, units in the column names: the parts `parts` names (a
    therapist reads what the client shares), notes only when "notes" is one of them."""
    blank = (frozenset() if "notes" in parts else NOTE_COLUMNS) | (
        frozenset() if "pain" in parts else PAIN_COLUMNS
    )
    files = {
        name: table.as_csv(blank)
        for name, table in _tables(client).items()
        if PART_OF_FILE.get(name, "always") in parts | {"always"}
    }
    files["figures.csv"] = _figures_table(client, parts).as_csv()
    return files


FIGURE_HEADERS = [
    "figure",
    "region",
    "from",
    "to",
    "value",
    "of",
    "days",
    "compared with",
    "days compared",
    "real change",
]


def _figures_table(client: User, parts: frozenset[str]) -> Table:
    """The client's figures today, as every page shows them (figures/kept.py), one per row:
    the first day, adherence (its share, done of counted), and per region the 7-day average and
    its two comparisons (the later window's mean against the earlier's)."""
    kept = figures_of(client).masked(parts)
    figures = figures_json(kept, exercise_names([kept]))
    today = figures["date"]

    def row(figure, region="", start="", value="", of="", days="", compared=None):
        before, before_days, real = "", "", ""
        if compared:
            before, before_days = compared["before"], compared["days_before"]
            real = "yes" if compared["real"] else "no"
        return [figure, region, start, today, value, of, days, before, before_days, real]

    rows = [row("first day", start=figures["first_day"])]
    adherence = figures["adherence"]
    if adherence:
        what = "planned sessions done" if adherence["against_plan"] else "days with a routine"
        done, counted = adherence["done"], adherence["counted"]
        rows.append(
            row(what, start=adherence["from"], value=adherence["share"], of=f"{done}/{counted}")
        )
    week = AVERAGE_WINDOW_DAYS
    week_start = (kept.day - timedelta(days=week - 1)).isoformat()
    for region, each in figures["regions"].items():
        rows.append(
            row(f"{week}-day average", region, week_start, each["average"], days=each["days"])
        )
        for label, compared in (
            (f"last {week} days against the {week} before", each["this_week"]),
            (f"since the session on {figures['session']}", each["since_session"]),
        ):
            if compared:
                after = compared["after"]
                rows.append(
                    row(label, region, value=after, days=compared["days_after"], compared=compared)
                )
    return Table(FIGURE_HEADERS, rows)


def _tables(client: User) -> dict[str, Table]:
    return {
        "checkins.csv": _checkins_table(client),
        "pain_scores.csv": _pain_scores_table(client),
        "routines.csv": _routines_table(client),
        "routine_logs.csv": _routine_logs_table(client),
        "measurements.csv": _measurements_table(client),
        "appointments.csv": _appointments_table(client),
        "psfs.csv": _psfs_table(client),
    }


def _checkins_table(client: User) -> Table:
    checkins = db.session.scalars(
        db.select(CheckIn).filter_by(user_id=client.id).order_by(CheckIn.day)
    ).all()
    return Table(
        [
            "date",
            "day type",
            "stiffness (0-10)",
            "sleep quality (0-10)",
            "stress (0-10)",
            "pain medication taken",
            "medication",
            "note",
        ],
        (
            [
                c.day.isoformat(),
                c.day_kind,
                c.stiffness,
                c.sleep_quality,
                c.stress,
                {True: "yes", False: "no"}.get(c.medication_taken, ""),
                c.medication_note or "",
                c.note or "",
            ]
            for c in checkins
        ),
    )


def _pain_scores_table(client: User) -> Table:
    scores = db.session.execute(
        db.select(CheckIn.day, PainScore.region, PainScore.score)
        .join(PainScore, PainScore.checkin_id == CheckIn.id)
        .where(CheckIn.user_id == client.id)
        .order_by(CheckIn.day, PainScore.region)
    ).all()
    return Table(
        [
            "date",
            "region",
            "region name",
            "pain (0-10, 0 = no pain, 10 = worst pain imaginable)",
        ],
        (
            [
                day.isoformat(),
                region,
                REGIONS[region].label if region in REGIONS else region,
                score,
            ]
            for day, region, score in scores
        ),
    )


def _routines_table(client: User) -> Table:
    items = db.session.execute(
        db.select(Routine, RoutineItem)
        .join(RoutineItem, RoutineItem.routine_id == Routine.id)
        .where(Routine.user_id == client.id)
        .order_by(Routine.id, RoutineItem.position)
    ).all()
    return Table(
        ["routine", "archived", "order", "exercise", *DOSE_HEADERS],
        (
            [
                routine.name,
                "yes" if routine.archived else "no",
                item.position + 1,
                item.exercise.name,
                *_dose_cells(item.dose),
            ]
            for routine, item in items
        ),
    )


def _routine_logs_table(client: User) -> Table:
    logged = db.session.execute(
        db.select(RoutineLog, RoutineLogItem)
        .join(RoutineLogItem, RoutineLogItem.log_id == RoutineLog.id)
        .where(RoutineLog.user_id == client.id)
        .order_by(RoutineLog.day, RoutineLog.id, RoutineLogItem.id)
    ).all()
    return Table(
        [
            "date",
            "logged at (local time)",
            "routine",
            "effort (0-10)",
            "note",
            "exercise",
            "done",
            *DOSE_HEADERS,
            PAIN_DURING_HEADER,
            "how it felt",
        ],
        (
            [
                log.day.isoformat(),
                _local(log.logged_at, client),
                log.routine.name,
                log.effort,
                log.note or "",
                item.exercise.name,
                "yes" if item.done else "no",
                *_dose_cells(item.dose),
                item.pain_during,
                DIFFICULTIES.get(item.difficulty, ""),
            ]
            for log, item in logged
        ),
    )


def _measurements_table(client: User) -> Table:
    measurements = db.session.scalars(
        db.select(Measurement)
        .filter_by(user_id=client.id)
        .order_by(Measurement.day, Measurement.id)
    ).all()
    return Table(
        ["date", "movement", "movement name", "side", "value (deg)", "value (cm)", "note"],
        (
            [
                m.day.isoformat(),
                m.movement,
                MOVEMENTS[m.movement].label if m.movement in MOVEMENTS else m.movement,
                m.side or "",
                m.value if m.unit == "deg" else "",
                m.value if m.unit == "cm" else "",
                m.note or "",
            ]
            for m in measurements
        ),
    )


def _appointments_table(client: User) -> Table:
    appointments = db.session.scalars(
        db.select(Appointment).filter_by(client_id=client.id).order_by(Appointment.day)
    ).all()
    return Table(["date", "note"], ([a.day.isoformat(), a.note or ""] for a in appointments))


def _psfs_table(client: User) -> Table:
    return Table(
        [
            "date",
            "activity",
            "score (0-10, 0 = unable, 10 = as before)",
            "entered with the therapist",
        ],
        (
            [row.day.isoformat(), row.name, row.score, "yes" if row.entered_by_id else "no"]
            for row in psfs_score_rows(client.id)
        ),
    )


def csv_zip(client: User, parts: frozenset[str] = ALL_PARTS) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in csv_files(client, parts).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _coding(system: str, code: str, display: str) -> dict:
    return {"system": system, "code": code, "display": display}


def _region_site(region: Region) -> dict:
    return {"coding": [_coding(SNOMED, region.snomed_code, region.label)], "text": region.label}


def _category(code: str, display: str) -> list[dict]:
    return [{"coding": [_coding(OBSERVATION_CATEGORY, code, display)]}]


def fhir_bundle(client: User, parts: frozenset[str] = ALL_PARTS) -> dict:
    """A FHIR R4 Bundle (type collection): the Patient, an Observation per pain score and per
    range-of-motion measurement, a Procedure per routine done and a QuestionnaireResponse per
    PSFS scoring; of those, the parts `parts` names, notes only with "notes"."""
    patient_id = f"patient-{client.id}"
    patient_ref = {"reference": _urn(patient_id)}
    entries = [
        _entry("Patient", patient_id, {"name": [{"text": client.name}]}),
        *_pain_observations(client.id, patient_ref, parts),
        *_rom_observations(client.id, patient_ref, parts),
        *_routine_procedures(client.id, patient_ref, parts),
        *_psfs_responses(client.id, patient_ref, literal("pain" in parts)),
    ]
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def _pain_observations(client_id: int, patient_ref: dict, parts: frozenset[str]) -> list[dict]:
    """An Observation per pain score, of the regions we still know."""
    scores = db.session.execute(
        db.select(PainScore.id, CheckIn.day, PainScore.region, PainScore.score)
        .join(CheckIn, PainScore.checkin_id == CheckIn.id)
        .where(CheckIn.user_id == client_id, literal("pain" in parts))
        .order_by(CheckIn.day, PainScore.id)
    ).all()
    return [
        _entry(
            "Observation",
            f"pain-{score_id}",
            {
                "status": "final",
                "category": _category("survey", "Survey"),
                "code": {"coding": [_coding(LOINC, PAIN_LOINC["code"], PAIN_LOINC["display"])]},
                "subject": patient_ref,
                "effectiveDateTime": day.isoformat(),
                "valueQuantity": {
                    "value": score,
                    "unit": "{score}",
                    "system": UCUM,
                    "code": "{score}",
                },
                "bodySite": _region_site(REGIONS[region]),
            },
        )
        for score_id, day, region, score in scores
        if region in REGIONS
    ]


def _rom_observations(client_id: int, patient_ref: dict, parts: frozenset[str]) -> list[dict]:
    """An Observation per range-of-motion measurement, of the movements we still know."""
    measurements = db.session.scalars(
        db.select(Measurement)
        .where(Measurement.user_id == client_id, literal("motion" in parts))
        .order_by(Measurement.day, Measurement.id)
    )
    return [
        _entry("Observation", f"rom-{m.id}", _rom_observation(m, patient_ref, "notes" in parts))
        for m in measurements
        if m.movement in MOVEMENTS
    ]


def _rom_observation(m: Measurement, patient_ref: dict, with_note: bool) -> dict:
    movement = MOVEMENTS[m.movement]
    observation = {
        "status": "final",
        "category": _category("exam", "Exam"),
        "code": {
            "coding": [_coding(MOVEMENT_SYSTEM, movement.key, movement.label)],
            "text": movement.label,
        },
        "subject": patient_ref,
        "performer": [patient_ref],
        "effectiveDateTime": m.day.isoformat(),
        "valueQuantity": {"value": m.value, "unit": m.unit, "system": UCUM, "code": m.unit},
        "bodySite": _region_site(_measured_region(movement, m.side)),
    }
    if m.side:
        code, display = LATERALITY[m.side]
        observation["component"] = [
            {
                "code": {"coding": [_coding(SNOMED, *LATERALITY_CODE)]},
                "valueCodeableConcept": {"coding": [_coding(SNOMED, code, display)]},
            }
        ]
    if m.note and with_note:
        observation["note"] = [{"text": m.note}]
    return observation


def _measured_region(movement: Movement, side: str | None) -> Region:
    """Where a movement is measured: a movement names a sided region without its side ("hip"),
    which the measurement's side completes ("hip_left"); the back at large when neither is known."""
    return (
        REGIONS.get(movement.region)
        or REGIONS.get(f"{movement.region}_{side}")
        or REGIONS["back_general"]
    )


def _routine_procedures(client_id: int, patient_ref: dict, parts: frozenset[str]) -> list[dict]:
    """A Procedure per routine done: the exercises, the effort and the note in its note."""
    logs = db.session.scalars(
        db.select(RoutineLog)
        .where(RoutineLog.user_id == client_id, literal("routines" in parts))
        .order_by(RoutineLog.day, RoutineLog.id)
    )
    return [
        _entry("Procedure", f"routine-log-{log.id}", _procedure(log, patient_ref, parts))
        for log in logs
    ]


def _procedure(log: RoutineLog, patient_ref: dict, parts: frozenset[str]) -> dict:
    procedure = {
        "status": "completed",
        "code": {"coding": [_coding(SNOMED, *EXERCISE_THERAPY)], "text": log.routine.name},
        "subject": patient_ref,
        "performedDateTime": log.day.isoformat(),
        "performer": [{"actor": patient_ref}],
    }
    notes = [_logged_item_text(item, with_pain="pain" in parts) for item in log.items]
    if log.effort is not None:
        notes.append(_("Effort %(effort)s/10", effort=log.effort))
    if log.note and "notes" in parts:
        notes.append(log.note)
    if notes:
        procedure["note"] = [{"text": "; ".join(notes)}]
    return procedure


def _psfs_responses(client_id: int, patient_ref: dict, wanted) -> list[dict]:
    """A QuestionnaireResponse per PSFS scoring: an item per activity (its name, as the client
    wrote it, is the item's text), then the mean. No Questionnaire: each client's activities
    are their own."""
    scorings: dict[int, list] = {}
    for row in psfs_score_rows(client_id, wanted):
        scorings.setdefault(row.id, []).append(row)
    entries = []
    for scoring_id, rows in scorings.items():
        items = [
            {
                "linkId": f"activity-{row.activity_id}",
                "text": row.name,
                "answer": [{"valueInteger": row.score}],
            }
            for row in rows
        ]
        items.append(
            {
                "linkId": "psfs-mean",
                "text": _(
                    "Patient-Specific Functional Scale (PSFS): mean of the activities, 0 to 10, "
                    "higher is better"
                ),
                "answer": [{"valueDecimal": round(psfs_mean(row.score for row in rows), 2)}],
            }
        )
        response = {
            "status": "completed",
            "subject": patient_ref,
            "authored": rows[0].day.isoformat(),
            "source": patient_ref,  # the client answers, even when the therapist typed it
            "item": items,
        }
        if rows[0].entered_by_id is not None:
            response["text"] = {
                "status": "generated",
                "div": Markup('<div xmlns="http://www.w3.org/1999/xhtml">%s</div>')
                % _("Entered by the therapist with the client."),
            }
        entries.append(_entry("QuestionnaireResponse", f"psfs-{scoring_id}", response))
    return entries


def _logged_item_text(item: RoutineLogItem, with_pain: bool) -> str:
    """One exercise of a log in words: "Chin tucks: done, pain 3/10, too hard" (the pain only
    `with_pain`)."""
    name = item.exercise.name
    parts = [
        _("%(exercise)s: done", exercise=name)
        if item.done
        else _("%(exercise)s: skipped", exercise=name)
    ]
    if with_pain and item.pain_during is not None:
        parts.append(_("pain %(score)s/10", score=item.pain_during))
    if item.difficulty:
        parts.append(DIFFICULTIES[item.difficulty].lower())
    return ", ".join(parts)


def _urn(resource_id: str) -> str:
    """A stable UUID URN per resource, so the same data exports to the same identifiers."""
    return f"urn:uuid:{uuid.uuid5(EXPORT_NAMESPACE, resource_id)}"


def _entry(resource_type: str, resource_id: str, body: dict) -> dict:
    return {
        "fullUrl": _urn(resource_id),
        "resource": {"resourceType": resource_type, "id": resource_id, **body},
    }


def csv_zip_download(client: User, parts: frozenset[str] = ALL_PARTS) -> Response:
    return Response(
        csv_zip(client, parts),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="selfcare-{client.id}-csv.zip"'},
    )


def fhir_download(client: User, parts: frozenset[str] = ALL_PARTS) -> Response:
    return Response(
        json.dumps(fhir_bundle(client, parts), indent=1),
        mimetype="application/fhir+json",
        headers={"Content-Disposition": f'attachment; filename="selfcare-{client.id}-fhir.json"'},
    )
