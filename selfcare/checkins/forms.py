from functools import lru_cache

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    Form,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    widgets,
)
from wtforms.validators import InputRequired, Optional, Regexp, ValidationError

from ..clinical import PAIN_HIGH_ANCHOR, PAIN_LOW_ANCHOR, REGIONS, DayKind
from ..forms import (
    EditsSavedRecord,
    PageForm,
    ScaleField,
    SubmissionIdField,
    at_least_one,
    at_most,
    limit_attrs,
    note_field,
    optional_bool,
)
from ..models import MAX_ID
from .service import DETAIL_FIELDS

REGION_FIELD_PREFIX = "pain_"


class CheckInForm(EditsSavedRecord, PageForm):
    """The fixed part of a check-in; `checkin_form` adds one pain row per tracked region."""

    day_kind = RadioField(
        _l("What kind of day is it?"),
        choices=[SelectChoice(kind.value, kind.label) for kind in DayKind],
        default=DayKind.NORMAL.value,
        description=_l(
            "Rest and flare-up days are part of getting better; mark them so the "
            "charts show the context."
        ),
    )
    stiffness = ScaleField(_l("Stiffness"), low=_l("not stiff"), high=_l("can hardly move"))
    sleep_quality = ScaleField(_l("Sleep last night"), low=_l("very poor"), high=_l("excellent"))
    stress = ScaleField(_l("Stress"), low=_l("none"), high=_l("extreme"))
    medication_taken = RadioField(
        _l("Pain medication today?"),
        choices=[
            SelectChoice("", _l("Not saying")),
            SelectChoice("yes", _l("Yes")),
            SelectChoice("no", _l("No")),
        ],
        coerce=optional_bool,
        default="",
    )
    medication_note = StringField(
        _l("Which medication (optional)"),
        validators=[Optional(), at_most(200)],
        render_kw=limit_attrs(200),
    )
    note = note_field(_l("Anything else worth remembering?"))

    region_keys: tuple[str, ...] = ()

    def pain_fields(self):
        return [self[REGION_FIELD_PREFIX + key] for key in self.region_keys]

    def scores(self) -> dict[str, int | None]:
        return {key: self[REGION_FIELD_PREFIX + key].data for key in self.region_keys}

    def details(self) -> dict:
        return {
            "day_kind": self.day_kind.data,
            "stiffness": self.stiffness.data,
            "sleep_quality": self.sleep_quality.data,
            "stress": self.stress.data,
            "medication_taken": self.medication_taken.data,
            "medication_note": self.medication_note.data or None,
            "note": self.note.data or None,
        }


def checkin_values(checkin, region_keys) -> dict:
    """A stored check-in (or none yet) as the form's fields: region scores keyed like the form's
    pain rows, then the details."""
    scores = checkin.score_by_region() if checkin else {}
    values = {REGION_FIELD_PREFIX + key: scores.get(key) for key in region_keys}
    for name in DETAIL_FIELDS:
        values[name] = getattr(checkin, name) if checkin else None
    if checkin is None:
        values["day_kind"] = DayKind.NORMAL.value
    return values


def sent_values(form: CheckInForm) -> dict:
    """What a valid form says, keyed like checkin_values (fields it did not send read as their
    defaults: callers keep only the sent ones)."""
    scores = {REGION_FIELD_PREFIX + key: value for key, value in form.scores().items()}
    return scores | form.details()


TAP = r"^[0-9]{1,10}:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z"


class RoutineTapForm(Form):
    """The routine buttons of /today, sent with the check-in form so no rating is lost: "Done
    today" and "Log again" send `<routine id>:<submission id>`, "Undo" the routine id. A plain
    Form: the check-in form around it carries the CSRF token."""

    done = StringField(validators=[Optional(strip_whitespace=False), Regexp(TAP)])
    again = StringField(validators=[Optional(strip_whitespace=False), Regexp(TAP)])
    undo = StringField(validators=[Optional(strip_whitespace=False), Regexp(r"^[0-9]{1,10}\Z")])


class QueuedEntryForm(Form):
    """An entry made without signal (checkins.views.queued_entry); scores are checked there."""

    kind = RadioField(
        choices=[SelectChoice("checkin", _l("check-in")), SelectChoice("routine", _l("routine"))]
    )
    submission_id = SubmissionIdField(validators=[InputRequired()])
    day = DateField(validators=[InputRequired()])
    routine_id = IntegerField()

    def validate_routine_id(self, field):
        if self.kind.data == "routine" and not (field.data and 1 <= field.data <= MAX_ID):
            raise ValidationError(_l("Which routine?"))


@lru_cache(maxsize=256)
def _form_class(region_keys: tuple[str, ...], base: type[CheckInForm]) -> type[CheckInForm]:
    """The form class for these regions, made once per worker: making a class is slow."""
    fields = {
        REGION_FIELD_PREFIX + key: ScaleField(
            REGIONS[key].lazy_label, low=PAIN_LOW_ANCHOR, high=PAIN_HIGH_ANCHOR
        )
        for key in region_keys
    }
    form_class = type("RegionCheckInForm", (base,), fields)
    form_class.region_keys = region_keys
    return form_class


def checkin_form(
    region_keys: list[str], checkin=None, base: type[CheckInForm] = CheckInForm, **form_kwargs
) -> CheckInForm:
    """A check-in form with a pain row for each region, filled from `checkin` when editing;
    `base` may add fields to CheckInForm's."""
    form_class = _form_class(tuple(region_keys), base)
    if checkin is None:
        return form_class(**form_kwargs)
    scores = checkin.score_by_region()
    data = {REGION_FIELD_PREFIX + key: scores.get(key) for key in region_keys}
    return form_class(obj=checkin, data=data, **form_kwargs)


class RegionsForm(PageForm):
    regions = SelectMultipleField(
        _l("Regions you rate each day"),
        choices=[SelectChoice(key, region.lazy_label) for key, region in REGIONS.items()],
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
        validators=[at_least_one(_l("Choose at least one region to rate."))],
        description=_l("Hidden regions keep their past scores."),
    )
