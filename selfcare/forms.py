"""Form pieces shared by the features: dated forms, 0-10 scales, submission ids, doses."""

import uuid
from datetime import date

from flask import g
from flask_babel import LazyString, format_number, lazy_ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import Length, Optional, ValidationError

from .clinical import PAIN_MAX, PAIN_MIN, PAIN_VALUES
from .dates import past_day_problem, timezone_names, too_early_problem, weekday_names
from .dose import Dose
from .drafts import draft_formdata

NOTE_MAX = 1000


def optional_int(value) -> int | None:
    return None if value in ("", None) else int(value)


_WHOLE_SCORE = _l("Choose a whole number from %(low)d to %(high)d.", low=PAIN_MIN, high=PAIN_MAX)
# The same for every scale: made once, not for each field of each form.
SCALE_CHOICES = (
    SelectChoice("", _l("Not rated")),
    *(SelectChoice(str(value), str(value)) for value in PAIN_VALUES),
)


class ScaleField(RadioField):
    """A 0-10 score as a row of eleven radio buttons, plus "not rated", which is stored as nothing,
    never as 0."""

    def __init__(self, label, low: str, high: str, **kwargs):
        super().__init__(
            label,
            choices=SCALE_CHOICES,
            coerce=optional_int,
            default="",
            # Translators: under a 0-10 scale, what its ends mean: "0 = none, 10 = extreme".
            description=_l(
                "%(lowest)d = %(low)s, %(highest)d = %(high)s",
                lowest=PAIN_MIN,
                low=low,
                highest=PAIN_MAX,
                high=high,
            ),
            invalid_value_message=_WHOLE_SCORE,
            invalid_choice_message=_WHOLE_SCORE,
            **kwargs,
        )

    def pre_validate(self, form):
        # The choices are the pain scale and "not rated": one look-up, not WTForms' walk through
        # all twelve of them (a check-in has a scale for each region and three more).
        if not self.process_errors and self.data is not None and self.data not in PAIN_VALUES:
            raise ValidationError(self.invalid_choice_message)


class SubmissionIdField(HiddenField):
    """A fresh id in each rendered form: the same form sent twice is saved once."""

    def __init__(self, **kwargs):
        super().__init__(default=lambda: str(uuid.uuid4()), **kwargs)

    def process_data(self, value):
        # Rows saved before submission ids (or by an import) have none: their edit forms get one.
        super().process_data(value or str(uuid.uuid4()))

    def pre_validate(self, form):
        # Only the usual hyphenated form, which uuid.UUID would not insist on.
        try:
            canonical = str(uuid.UUID(self.data or ""))
        except ValueError:
            canonical = None
        if canonical != (self.data or "").lower():
            raise ValidationError(_("This form is damaged; please reload the page."))


def unclipped(length: Length) -> Length:
    """Length's check without the maxlength attribute it would put on the input: with it, a
    browser cuts pasted text at the limit without a word. The page counts characters instead
    (data-limit, static/js/app.js) and the server says what the limit is."""
    length.field_flags = {}
    return length


def at_most(max_length: int) -> Length:
    """A length limit whose message states the real limit."""
    message = lazy_ngettext(
        "Please keep it to %(limit)s character or fewer.",
        "Please keep it to %(limit)s characters or fewer.",
        max_length,
        limit=LazyString(format_number, max_length),  # 1,000 in English, 1.000 in Spanish
    )
    return unclipped(Length(max=max_length, message=message))


def limit_attrs(max_length: int, **render_kw) -> dict:
    """The attribute the character counter reads."""
    return {"data-limit": max_length, **render_kw}


NOTE_LABEL, DATE_LABEL, TIMEZONE_LABEL = _l("Note"), _l("Date"), _l("Time zone")


def note_field(label=NOTE_LABEL, max_length=NOTE_MAX):
    return TextAreaField(
        label,
        validators=[Optional(), at_most(max_length)],
        render_kw=limit_attrs(max_length, rows=3),
    )


class PageForm(FlaskForm):
    """Every form of the site. On the page a kept draft belongs to (drafts.py), a form the
    draft holds shows it, and `unsaved` says whether that differs from what it would show
    without it (the page then asks before it is left)."""

    unsaved = False

    def __init__(self, *args, **kwargs):
        draft = draft_formdata()
        if draft is None or args or "formdata" in kwargs:
            super().__init__(*args, **kwargs)
            return
        super().__init__(formdata=None, **kwargs)
        if any(field.name in draft for field in self):
            shown_without = self.shown_values()
            given = {k: v for k, v in kwargs.items() if k not in ("obj", "data", "prefix", "meta")}
            self.process(draft, kwargs.get("obj"), data=kwargs.get("data"), **given)
            self.unsaved = self.shown_values() != shown_without
            if self.unsaved:
                g.unsaved = True

    def shown_values(self) -> dict:
        """What the form shows a person (hidden fields aside), an empty box as nothing."""
        return {
            name: _blank_as_none(field.data)
            for name, field in self._fields.items()
            if not isinstance(field, HiddenField)
        }


class EditsSavedRecord:
    """Mixed into a form that edits a saved record: it carries what its page showed when it was
    loaded (merge.show_loaded), so a save writes only what the page changed (merge.save_edit)."""

    loaded = HiddenField()


def _blank_as_none(value):
    if isinstance(value, dict):
        return {key: _blank_as_none(each) for key, each in value.items()}
    if isinstance(value, list):
        return [_blank_as_none(each) for each in value]
    return None if value == "" else value


class DatedForm(PageForm):
    """A form whose dates are judged against the user's own "today", given when it is built."""

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today


def _past_day(form: DatedForm, field):
    problem = past_day_problem(field.data, form.today) if field.data else None
    if problem:
        raise ValidationError(problem)


def not_too_early(form, field):
    problem = too_early_problem(field.data) if field.data else None
    if problem:
        raise ValidationError(problem)


def day_field(label=DATE_LABEL):
    """The day of an entry, on a DatedForm: today or earlier, from EARLIEST_DAY."""
    return DateField(label, validators=[_past_day])


def whole_number_between(low: int, high: int, message: str):
    """Like NumberRange, but safe for any size of integer (NumberRange converts to float, which
    overflows on a 400-digit number)."""

    def check(form, field):
        if field.data is not None and not (low <= field.data <= high):
            raise ValidationError(message)

    return check


def _count(label, maximum):
    message = _l("Use a whole number from %(low)d to %(high)d.", low=1, high=maximum)
    return IntegerField(
        label,
        validators=[Optional(), whole_number_between(1, maximum, message)],
        render_kw={"inputmode": "numeric", "min": 1, "max": maximum},
    )


class DoseFields:
    """Sets x reps, or a hold, or a duration: a mix-in for forms that record a dose."""

    sets = _count(_l("Sets"), 20)
    reps = _count(_l("Reps"), 100)
    hold_seconds = _count(_l("Hold (seconds)"), 600)
    duration_seconds = _count(_l("Time (seconds)"), 3600)
    per_side = BooleanField(_l("Each side"))

    def dose(self) -> Dose:
        return Dose(
            self.sets.data,
            self.reps.data,
            self.hold_seconds.data,
            self.duration_seconds.data,
            bool(self.per_side.data),
        )


def optional_bool(value) -> bool | None:
    return {"yes": True, "no": False, True: True, False: False}.get(value)


def at_least_one(message: str):
    """For checkbox lists: DataRequired would mark every single box as required."""

    def check(form, field):
        if not field.data:
            raise ValidationError(message)

    return check


def _known_zone(form, field):
    if field.data not in timezone_names():
        raise ValidationError(
            _("Please choose your time zone from the list (the city nearest you in your zone).")
        )


def _zones_by_region(first: SelectChoice | None) -> list[SelectChoice]:
    """Every zone under its region ("Europe": "London", ...), for a select with groups; `first`
    (a "choose" prompt) heads the list outside any group."""
    choices = [first] if first else []
    for name in timezone_names():
        region, _, place = name.partition("/")
        label = place.replace("_", " ").replace("/", " / ") if place else name
        choices.append(SelectChoice(name, label, optgroup=region if place else _l("Other")))
    return choices


class TimezoneField(SelectField):
    """A time zone from a list grouped by region. `ask` leaves it unset until the person (or the
    browser's own zone, filled in by app.js) chooses, rather than assuming UTC."""

    def __init__(self, label=TIMEZONE_LABEL, ask=False, **kwargs):
        prompt = SelectChoice("", _l("Choose your time zone")) if ask else None
        super().__init__(
            label,
            choices=_zones_by_region(prompt),
            default="" if ask else "UTC",
            description=_l(
                "Decides when your day starts and ends."
                " Choose the city nearest you that keeps the same time."
            )
            if ask
            else _l("Decides when your day starts and ends."),
            validators=[_known_zone],
            validate_choice=False,  # _known_zone says it more plainly
            **kwargs,
        )


def weekday_choices() -> list[SelectChoice]:
    """The days of the week to tick, Monday first, in the reader's language."""
    return [SelectChoice(str(day), name) for day, name in enumerate(weekday_names())]
