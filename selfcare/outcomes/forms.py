from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import InputRequired, Optional, ValidationError

from ..clinical import PSFS_HIGH_ANCHOR, PSFS_LOW_ANCHOR, PSFS_MAX_ACTIVITIES
from ..forms import (
    DatedForm,
    EditsSavedRecord,
    PageForm,
    ScaleField,
    SubmissionIdField,
    at_most,
    day_field,
    limit_attrs,
)

ACTIVITY_NAME_MAX = 80
SCORE_FIELD_PREFIX = "activity_"


def _name_field(label: str, required: bool = False):
    first = InputRequired(message=_l("Please name the activity.")) if required else Optional()
    return StringField(
        label,
        validators=[first, at_most(ACTIVITY_NAME_MAX)],
        render_kw=limit_attrs(ACTIVITY_NAME_MAX, autocomplete="off", dir="auto"),
    )


def _typed(field) -> str:
    return (field.data or "").strip()


class ActivitiesForm(PageForm):
    """Up to PSFS_MAX_ACTIVITIES new activities at once; built with only as many boxes as
    there are free places, blank boxes ignored."""

    submission_id = SubmissionIdField()

    def __init__(self, free: int, taken: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.taken = {name.casefold() for name in taken}
        for number in range(free + 1, PSFS_MAX_ACTIVITIES + 1):
            del self[f"name_{number}"]

    def name_fields(self):
        return [field for field in self if field.name.startswith("name_")]

    def names(self) -> list[str]:
        return [name for name in map(_typed, self.name_fields()) if name]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not self.names():
            self.name_1.errors.append(_l("Please name at least one activity."))
            return False
        seen = set(self.taken)
        for field in self.name_fields():
            key = _typed(field).casefold()
            if key and key in seen:
                field.errors.append(_l("You already have this activity."))
                valid = False
            seen.add(key)
        return valid


for _number in range(1, PSFS_MAX_ACTIVITIES + 1):
    setattr(
        ActivitiesForm, f"name_{_number}", _name_field(_l("Activity %(number)d", number=_number))
    )


class RenameForm(PageForm):
    """A new name for one activity: not blank, and not the name of another active one."""

    name = _name_field(_l("Activity"), required=True)

    def __init__(self, others: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.others = {name.casefold() for name in others}

    def validate_name(self, field):
        typed = _typed(field)
        if not typed:
            raise ValidationError(_l("Please name the activity."))
        if typed.casefold() in self.others:
            raise ValidationError(_l("You already have this activity."))


def _scored(form, field):
    if field.data is None:
        raise ValidationError(_l("Please choose a score from 0 to 10 for this activity."))


class ScoringForm(EditsSavedRecord, DatedForm):
    """The fixed part of a scoring; `scoring_form` adds one 0-10 row per activity."""

    submission_id = SubmissionIdField()
    day = day_field(_l("Scored on"))

    activity_ids: tuple[int, ...] = ()

    def score_fields(self):
        return [self[SCORE_FIELD_PREFIX + str(key)] for key in self.activity_ids]

    def scores(self) -> dict[int, int]:
        return {key: self[SCORE_FIELD_PREFIX + str(key)].data for key in self.activity_ids}


def scoring_form(activities, scoring=None, **form_kwargs) -> ScoringForm:
    """A scoring form for `activities` (id, name pairs), filled from `scoring` when editing."""
    fields = {
        SCORE_FIELD_PREFIX + str(key): ScaleField(
            name, low=PSFS_LOW_ANCHOR, high=PSFS_HIGH_ANCHOR, validators=[_scored]
        )
        for key, name in activities
    }
    form_class = type("ActivitiesScoringForm", (ScoringForm,), fields)
    form_class.activity_ids = tuple(key for key, _ in activities)
    if scoring is None:
        return form_class(**form_kwargs)
    data = {SCORE_FIELD_PREFIX + str(row.activity_id): row.score for row in scoring.scores}
    return form_class(obj=scoring, data=data, **form_kwargs)
