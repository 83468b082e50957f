"""Clinical reference data, loaded once: the pain scale, body regions, movements, exercises, MCID.

Values come from reference/clinical.json (gathered from public clinical sources); the words users
read come from reference/texts.json, written for this app. Nothing else in the app hard-codes them.
"""

import json
from dataclasses import dataclass, fields
from enum import StrEnum
from pathlib import Path

from .dose import Dose

_REFERENCE = Path(__file__).parent / "reference"
_DATA = json.loads((_REFERENCE / "clinical.json").read_text())
_TEXTS = json.loads((_REFERENCE / "texts.json").read_text())

# The 0-10 numeric pain rating scale. Its wording never changes, so scores stay comparable.
PAIN_MIN = _DATA["pain_scale"]["min"]
PAIN_MAX = _DATA["pain_scale"]["max"]
PAIN_VALUES = tuple(range(PAIN_MIN, PAIN_MAX + 1))
PAIN_LOW_ANCHOR = "no pain"
PAIN_HIGH_ANCHOR = "worst pain imaginable"
PAIN_ANCHORS = f"{PAIN_MIN} = {PAIN_LOW_ANCHOR}, {PAIN_MAX} = {PAIN_HIGH_ANCHOR}."
PAIN_QUESTION = f"How much does it hurt today? {PAIN_ANCHORS}"
PAST_PAIN_QUESTION = f"How much did it hurt that day? {PAIN_ANCHORS}"
PAIN_LOINC = _DATA["pain_scale"]["loinc"]
SIDES = ("left", "right")


class DayKind(StrEnum):
    """What kind of day a check-in was. Rest and flare-up days are normal in recovery: they never
    count against anyone's routine share."""

    NORMAL = "normal"
    REST = "rest"
    FLARE = "flare"

    @property
    def label(self) -> str:
        return {"normal": "A usual day", "rest": "Rest day", "flare": "Flare-up day"}[self.value]

    @property
    def is_resting(self) -> bool:
        return self is not DayKind.NORMAL


@dataclass(frozen=True)
class Region:
    key: str  # what is stored: "neck", "shoulder_left"
    label: str
    snomed_code: str


def _regions() -> dict[str, Region]:
    regions = {}
    for item in _DATA["body_regions"]:
        base_label = _TEXTS["regions"][item["id"]]
        if item["sided"]:
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
BASE_REGION_LABELS: dict[str, str] = dict(_TEXTS["regions"])
DEFAULT_REGIONS = ("neck", "upper_back", "lower_back")


@dataclass(frozen=True)
class Movement:
    key: str
    region: str
    label: str
    how_to: str
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
    def unit_name(self) -> str:
        return "degrees" if self.unit == "deg" else self.unit

    @property
    def unit_symbol(self) -> str:
        return "°" if self.unit == "deg" else f" {self.unit}"

    @property
    def higher_is_better(self) -> bool:
        # Fingertip-to-floor is a distance left to reach: smaller means more movement.
        return self.key != "fingertip_to_floor"

    def format(self, value: float) -> str:
        return f"{value:g}{self.unit_symbol}"


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
        label=_TEXTS["movements"][item["id"]][0],
        how_to=_TEXTS["movements"][item["id"]][1],
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

EXERCISE_KINDS: dict[str, str] = _TEXTS["exercise_kinds"]
# How an exercise felt, told after doing it (stored as the key).
DIFFICULTIES: dict[str, str] = {
    "too_easy": "Too easy",
    "about_right": "About right",
    "too_hard": "Too hard",
}


@dataclass(frozen=True)
class LibraryExercise:
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
PSFS_LOW_ANCHOR = "unable to do it"
PSFS_HIGH_ANCHOR = "as before the problem"
# Scored again when the therapist asks, or after this many days.
PSFS_RESCORE_DAYS = 14
