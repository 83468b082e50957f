"""Clinical reference data, loaded once: the pain scale, body regions, movements, exercises, MCID.

Values come from reference/clinical.json (gathered from public clinical sources); the words users
read come from reference/texts.json, written for this app. Nothing else in the app hard-codes them.

The reference words are English and stay so in the data (and in the database, for the exercise
library): they are the sentences translated, read out in each reader's language where they are
shown (`Region.label`, `Movement.label` and `.how_to`, the label dicts below, `reference_text`).
`extract_reference_texts` hands them to `pybabel extract`, since no `_()` names them in the code.
"""

import json
from dataclasses import dataclass, fields
from enum import StrEnum
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .dose import Dose
from .number_format import short_decimal

_REFERENCE = Path(__file__).parent / "reference"
_DATA = json.loads((_REFERENCE / "clinical.json").read_text())
_TEXTS = json.loads((_REFERENCE / "texts.json").read_text())

# The 0-10 numeric pain rating scale. Its wording never changes, so scores stay comparable.
PAIN_MIN = _DATA["pain_scale"]["min"]
PAIN_MAX = _DATA["pain_scale"]["max"]
PAIN_VALUES = tuple(range(PAIN_MIN, PAIN_MAX + 1))
PAIN_LOW_ANCHOR = _l("no pain")
PAIN_HIGH_ANCHOR = _l("worst pain imaginable")
# Translators: what the two ends of the 0-10 pain scale mean, e.g. "0 = no pain, 10 = worst
# pain imaginable."; low and high are the two anchors, translated on their own.
PAIN_ANCHORS = _l(
    "%(min)d = %(low)s, %(max)d = %(high)s.",
    min=PAIN_MIN,
    low=PAIN_LOW_ANCHOR,
    max=PAIN_MAX,
    high=PAIN_HIGH_ANCHOR,
)
# Translators: the question over the pain scales of today's check-in; scale is "0 = no pain,
# 10 = worst pain imaginable.".
PAIN_QUESTION = _l("How much does it hurt today? %(scale)s", scale=PAIN_ANCHORS)
# Translators: the same question for a past day's check-in.
PAST_PAIN_QUESTION = _l("How much did it hurt that day? %(scale)s", scale=PAIN_ANCHORS)
PAIN_LOINC = _DATA["pain_scale"]["loinc"]
SIDES = ("left", "right")
# A side as people read it (the codes above are what is stored).
SIDE_LABELS = {"left": _l("Left"), "right": _l("Right")}
# Translators: a side in the middle of a sentence or after a value, e.g. "Neck: ear to
# shoulder (left): 40°".
SIDE_WORDS = {"left": _l("left"), "right": _l("right")}


def side_word(side: str | None) -> str:
    """A stored side ("left") as a word in a sentence, in the reader's language."""
    return str(SIDE_WORDS[side]) if side in SIDE_WORDS else side or ""


def reference_text(text: str) -> str:
    """A word of the reference data (a region, a movement, an exercise of the library and its
    how-to, as stored) in the reader's language; anything else comes back as it is."""
    return _(text) if text else text


class DayKind(StrEnum):
    """What kind of day a check-in was. Rest and flare-up days are normal in recovery: they never
    count against anyone's routine share."""

    NORMAL = "normal"
    REST = "rest"
    FLARE = "flare"

    @property
    def label(self) -> str:
        return _DAY_KIND_LABELS[self.value]

    @property
    def is_resting(self) -> bool:
        return self is not DayKind.NORMAL


# Lazy: a form's choices are made once, and read out in each reader's language.
_DAY_KIND_LABELS = {
    "normal": _l("A usual day"),
    "rest": _l("Rest day"),
    "flare": _l("Flare-up day"),
}


@dataclass(frozen=True)
class Region:
    key: str  # what is stored: "neck", "shoulder_left"
    english_label: str  # as reference/texts.json words it: the sentence translated
    snomed_code: str

    @property
    def label(self) -> str:
        """The region's name in the reader's language."""
        return _(self.english_label)

    @property
    def lazy_label(self):
        """The name, read out in the language of whoever reads it: for what is made once."""
        return _l(self.english_label)


def _regions() -> dict[str, Region]:
    regions = {}
    for item in _DATA["body_regions"]:
        base_label = _TEXTS["regions"][item["id"]]
        if item["sided"]:
            # Each side's name is a sentence of its own ("Left shoulder"), translated whole.
            for side in SIDES:
                key = f"{item['id']}_{side}"
                code = item["lateral_codes"][side]
                regions[key] = Region(key, f"{side.title()} {base_label.lower()}", code)
        else:
            key = item["id"]
            regions[key] = Region(key, base_label, item["snomed"]["code"])
    return regions


REGIONS: dict[str, Region] = _regions()
# Regions without a side, as exercises name them ("shoulder" helps either side).
BASE_REGION_LABELS: dict[str, str] = {key: _l(text) for key, text in _TEXTS["regions"].items()}
DEFAULT_REGIONS = ("neck", "upper_back", "lower_back")


@dataclass(frozen=True)
class Movement:
    key: str
    region: str
    english_label: str  # as reference/texts.json words them: the sentences translated
    english_how_to: str
    unit: str  # "deg" or "cm"
    sides: tuple[str, ...]
    normal_min: float
    normal_typical: float
    lowest: float  # values outside lowest..highest are refused as implausible
    highest: float
    needs_helper: bool
    # How much two measurements by the same person differ by error alone (the minimal
    # detectable change): a smaller change is not a real one.
    detectable_change: float
    # Whether healthy adults have a range to compare with (fingertip-to-floor has none).
    has_norm: bool

    @property
    def label(self) -> str:
        """The movement's name in the reader's language."""
        return _(self.english_label)

    @property
    def how_to(self) -> str:
        """How to measure it, in the reader's language."""
        return _(self.english_how_to)

    @property
    def unit_name(self) -> str:
        # Translators: the unit of an angle, as in "Measurement (degrees)".
        return _("degrees") if self.unit == "deg" else self._centimetres()

    def side_word(self, side: str | None) -> str:
        """A stored side as a word in a sentence ("left"), for the templates."""
        return side_word(side)

    @property
    def unit_symbol(self) -> str:
        return "°" if self.unit == "deg" else f" {self._centimetres()}"

    def _centimetres(self) -> str:
        # Translators: the symbol of centimetres, as in "12 cm".
        return _("cm") if self.unit == "cm" else self.unit

    @property
    def higher_is_better(self) -> bool:
        # Fingertip-to-floor is a distance left to reach: smaller means more movement.
        return self.key != "fingertip_to_floor"

    def format(self, value: float) -> str:
        return f"{short_decimal(value)}{self.unit_symbol}"


_MEASUREMENT_ERROR = _DATA["mcid"]
# Measures with no healthy-adult norm, as the reference notes say (0 cm is not a norm for
# fingertip-to-floor: it only means touching the floor).
NO_NORM = frozenset({"fingertip_to_floor"})


def _detectable_change(movement: str) -> float:
    """Fingertip-to-floor and the Schober test have their own figures; every angle takes
    goniometry's by one tester, as a client measures themselves."""
    if movement == "fingertip_to_floor":
        return _MEASUREMENT_ERROR["fingertip_to_floor_cm"]["mdc_cm"]
    if movement == "modified_schober":
        return _MEASUREMENT_ERROR["modified_schober_cm"]["sdc_cm"]
    return _MEASUREMENT_ERROR["goniometry_deg"]["same_tester"]


MOVEMENTS: dict[str, Movement] = {
    item["id"]: Movement(
        key=item["id"],
        region=item["body_region_id"],
        english_label=_TEXTS["movements"][item["id"]][0],
        english_how_to=_TEXTS["movements"][item["id"]][1],
        unit=item["unit"],
        sides=tuple(item["sides"]),
        normal_min=item["normal_min"],
        normal_typical=item["normal_typical"],
        lowest=item["validation_min"],
        highest=item["validation_max"],
        needs_helper=item["needs_helper"],
        detectable_change=_detectable_change(item["id"]),
        has_norm=item["id"] not in NO_NORM,
    )
    for item in _DATA["rom_movements"]
}

EXERCISE_KINDS: dict[str, str] = {key: _l(text) for key, text in _TEXTS["exercise_kinds"].items()}
# How an exercise felt, told after doing it (stored as the key).
DIFFICULTIES: dict[str, str] = {
    "too_easy": _l("Too easy"),
    "about_right": _l("About right"),
    "too_hard": _l("Too hard"),
}


@dataclass(frozen=True)
class LibraryExercise:
    """One exercise of the library, in the reference's English: what the database keeps (its
    name and how-to are read out through `reference_text`)."""

    slug: str
    name: str
    kind: str
    regions: tuple[str, ...]
    how_to: str
    dose: Dose


EXERCISE_LIBRARY: tuple[LibraryExercise, ...] = tuple(
    LibraryExercise(
        slug=item["id"],
        name=item["name"],
        kind=item["kind"],
        regions=tuple(item["regions"]),
        how_to=_TEXTS["exercises"][item["id"]],
        dose=Dose(**{part.name: item["default_dose"][part.name] for part in fields(Dose)}),
    )
    for item in _DATA["exercises"]
)

_MCID = _DATA["mcid"]["nprs"]
# Neck pain: the reference gives 1.3 and 1.5 points; the larger one avoids flagging noise.
MCID_NECK_POINTS = _MCID["by_condition"]["neck_pain"]["alt_absolute_points"]
MCID_POINTS = _MCID["absolute_points"]
MCID_PERCENT = _MCID["percent"]
# The smallest change of one person's 0-10 rating that is more than the scale's own scatter.
PAIN_MDC_POINTS = _MCID["mdc_points"]

# The Patient-Specific Functional Scale: the client's own activities, each 0 (unable) to
# 10 (as before the problem); the score is their mean, and higher is better.
_PSFS = _DATA["mcid"]["psfs"]
PSFS_MDC_MEAN = _PSFS["mdc_mean_points"]
PSFS_MDC_ITEM = _PSFS["mdc_single_item_points"]
PSFS_MAX_ACTIVITIES = 5
PSFS_LOW_ANCHOR = _l("unable to do it")
PSFS_HIGH_ANCHOR = _l("as before the problem")
# Scored again when the therapist asks, or after this many days.
PSFS_RESCORE_DAYS = 14


def _reference_sentences(file_name: str) -> list[tuple[str, str]]:
    """The sentences a reference file gives people to read, as the code above words them, each
    with what it is."""
    if file_name == "texts.json":
        movements = _TEXTS["movements"].values()
        return [
            *((region.english_label, "a body region") for region in REGIONS.values()),
            *((text, "a body region") for text in _TEXTS["regions"].values()),
            *((label, "a range-of-motion movement") for label, _how in movements),
            *((how_to, "how to measure a movement") for _label, how_to in movements),
            *((text, "a kind of exercise") for text in _TEXTS["exercise_kinds"].values()),
            *((text, "how to do an exercise") for text in _TEXTS["exercises"].values()),
        ]
    if file_name == "clinical.json":
        return [(item["name"], "the name of an exercise") for item in _DATA["exercises"]]
    return []


def extract_reference_texts(fileobj, keywords, comment_tags, options):
    """A Babel extraction method for reference/*.json (babel.cfg's [extractors]): the reference
    words shown to people, which the code translates by value, so no `_()` names them."""
    content = fileobj.read().decode("utf-8")
    seen = set()
    for text, what in _reference_sentences(Path(fileobj.name).name):
        if text in seen:
            continue
        seen.add(text)
        found = content.find(json.dumps(text, ensure_ascii=False))
        line = content.count("\n", 0, found) + 1 if found >= 0 else 1
        yield line, "_", text, [f"Translators: reference data, {what}."]
