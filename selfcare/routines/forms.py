from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Optional, ValidationError

from ..clinical import (
    BASE_REGION_LABELS,
    DIFFICULTIES,
    EXERCISE_KINDS,
    PAIN_HIGH_ANCHOR,
    PAIN_LOW_ANCHOR,
)
from ..dates import format_day, too_early_problem, weekday_names
from ..dose import Dose
from ..forms import (
    DatedForm,
    DoseFields,
    EditsSavedRecord,
    PageForm,
    ScaleField,
    SubmissionIdField,
    at_least_one,
    at_most,
    day_field,
    limit_attrs,
    note_field,
    weekday_choices,
    whole_number_between,
)
from ..merge import conflict_message, readable
from ..photos import PhotoRefused, clean_photo


def _name_field(label, max_length):
    return StringField(
        label,
        validators=[
            DataRequired(message=_l("Please give it a name.")),
            at_most(max_length),
        ],
        render_kw=limit_attrs(max_length),
    )


def _exercise_choices(exercises):
    return [
        SelectChoice(
            str(exercise.id), exercise.shown_name, optgroup=EXERCISE_KINDS.get(exercise.kind)
        )
        for exercise in exercises
    ]


class RoutineForm(PageForm):
    name = _name_field(_l("Routine name"), 80)
    exercise_ids = SelectMultipleField(
        _l("Exercises"),
        coerce=int,
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
        validators=[at_least_one(_l("Choose at least one exercise."))],
        description=_l("Doses start at the usual amount; you can change them next."),
        invalid_choice_message=_l("One of those exercises isn't available to you."),
    )

    def __init__(self, exercises, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.exercise_ids.choices = _exercise_choices(exercises)


class RenameForm(PageForm):
    name = _name_field(_l("Routine name"), 80)


class AddExerciseForm(PageForm):
    exercise_id = SelectField(
        _l("Add an exercise"),
        coerce=int,
        invalid_choice_message=_l("That exercise isn't available to you."),
    )

    def __init__(self, exercises, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.exercise_id.choices = _exercise_choices(exercises)


ITEM_NOTE_MAX = 200


class ItemDoseForm(Form, DoseFields):
    """One exercise of a routine in the whole-routine dose form; a plain Form because the
    outer form carries CSRF."""

    row_key = HiddenField()  # the routine item's id, checked by the view
    note = StringField(
        _l("Note"),
        validators=[Optional(), at_most(ITEM_NOTE_MAX)],
        description=_l("A cue, like “shoulders down”."),
        render_kw=limit_attrs(ITEM_NOTE_MAX),
    )
    remove = BooleanField(_l("Take out of the programme"))


class DosesForm(EditsSavedRecord, PageForm):
    """Every exercise of a routine with its dose and note: one form, one save."""

    items = FieldList(FormField(ItemDoseForm), min_entries=0, max_entries=50)


def dose_rows(routine) -> list[dict]:
    """The form data of DosesForm's rows for a routine, as stored."""
    return [
        {"row_key": str(item.id), "note": item.note, **item.dose.as_columns()}
        for item in routine.items
    ]


def sent_item_fields(items) -> dict[str, dict]:
    """The rows of a dose form as sent, keyed like service.stored_item_fields."""
    return {
        f"item{entry.row_key.data}": {
            **entry.form.dose().as_columns(),
            "note": (entry.note.data or "").strip() or None,
        }
        for entry in items
    }


def rows_match(items, routine) -> bool:
    """Each sent row still stands for an item of the routine; else an error on the rows."""
    keys = {str(item.id) for item in routine.items}
    if all(entry.row_key.data in keys for entry in items):
        return True
    items.errors.append(
        _("This routine changed while you were editing it. Please reload the page.")
    )
    return False


def show_item_conflicts(items, conflicts: dict) -> None:
    """On a form built from what is stored now: each row also changed elsewhere meanwhile
    shows this page's values, with both versions next to its fields in words."""

    def words(values) -> str:
        dose = Dose(**{name: value for name, value in values.items() if name != "note"})
        if not values.get("note"):
            return dose.text()
        # Translators: a dose and its note, as another tab saved them or as this page has them.
        return _("%(dose)s, note “%(note)s”", dose=dose.text(), note=values["note"])

    for entry in items:
        conflict = conflicts.get(f"item{entry.row_key.data}")
        if conflict:
            for name, value in conflict.mine.items():
                entry.form[name].data = value
            message = conflict_message(words(conflict.theirs), words(conflict.mine))
            entry.form.sets.errors = [*entry.form.sets.errors, message]


# A programme's plan clash is shown next to the field that chooses it.
PLAN_FIELD_OF = {
    "times_per_day": "times_per_day",
    "days_per_week": "frequency",
    "weekdays": "frequency",
}


def show_programme_conflicts(form, conflicts: dict) -> None:
    """On the programme form as it was sent: each field also changed elsewhere meanwhile says
    what is saved there now, next to it."""
    show_item_conflicts(form.items, conflicts)
    for name, conflict in conflicts.items():
        if name.startswith("item"):
            continue
        field = form[PLAN_FIELD_OF.get(name, name)]
        theirs = conflict.theirs
        if name == "weekdays" and theirs:
            theirs = ", ".join(weekday_names()[int(day)] for day in theirs)
        elif name == "days_per_week" and theirs:
            theirs = ngettext("%(num)d day a week", "%(num)d days a week", theirs)
        message = _(
            "While this page was open, this was saved elsewhere as %(theirs)s. "
            "Yours is filled in: save to keep it, or change it.",
            theirs=readable(theirs),
        )
        field.errors = [*field.errors, message]


def _plan_frequency(form, field):
    if form.frequency.data == WEEKDAYS and not field.data:
        raise ValidationError(_("Choose at least one day of the week."))


# A plan runs from EARLIEST_DAY at the soonest and starts or ends within this many years.
PLAN_YEARS_AHEAD = 5


def _plausible_plan_day(form, field):
    if field.data is None:
        return
    problem = too_early_problem(field.data)
    if problem:
        raise ValidationError(problem)
    latest = date.today() + timedelta(days=365 * PLAN_YEARS_AHEAD)
    if field.data > latest:
        raise ValidationError(_("Choose a date before %(day)s.", day=format_day(latest, "short")))


def _ends_after_start(form, field):
    if field.data and form.starts_on.data and field.data < form.starts_on.data:
        raise ValidationError(_("The end date comes before the start date."))


DAYS_A_WEEK, WEEKDAYS = "week", "weekdays"
MAX_TIMES_A_DAY = 6
DAYS_IN_WEEK = 7


def _whole_number_up_to(high: int):
    return whole_number_between(
        1, high, _l("Use a whole number from %(low)d to %(high)d.", low=1, high=high)
    )


class PlanFields:
    """How often a programme is done: a mix-in for the forms that make and edit one."""

    times_per_day = IntegerField(
        _l("Times a day"),
        default=1,
        validators=[Optional(), _whole_number_up_to(MAX_TIMES_A_DAY)],
        render_kw={"inputmode": "numeric", "min": 1, "max": MAX_TIMES_A_DAY},
    )
    frequency = RadioField(
        _l("How often"),
        choices=[
            SelectChoice(DAYS_A_WEEK, _l("A number of days a week (they choose the days)")),
            SelectChoice(WEEKDAYS, _l("On chosen days of the week")),
        ],
        default=DAYS_A_WEEK,
        invalid_choice_message=_l("Choose one of the two."),
    )
    days_per_week = IntegerField(
        _l("Days a week"),
        validators=[Optional(), _whole_number_up_to(DAYS_IN_WEEK)],
        description=_l("Leave empty for every day."),
        render_kw={"inputmode": "numeric", "min": 1, "max": DAYS_IN_WEEK},
    )
    weekdays = SelectMultipleField(
        _l("Days"),
        choices=weekday_choices,
        coerce=int,
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
        validators=[_plan_frequency],
        invalid_choice_message=_l("Choose days from Monday to Sunday."),
    )

    def plan_columns(self) -> dict:
        """The routine (or template) columns of the plan as sent."""
        chosen = self.frequency.data == WEEKDAYS
        weekdays = "".join(str(day) for day in sorted(set(self.weekdays.data)))
        return {
            "times_per_day": self.times_per_day.data or 1,
            "days_per_week": None if chosen else self.days_per_week.data or DAYS_IN_WEEK,
            "weekdays": weekdays if chosen else None,
        }


def plan_data(row) -> dict:
    """PlanFields' data for a stored routine or template."""
    return {
        "times_per_day": row.times_per_day,
        "frequency": WEEKDAYS if row.weekdays else DAYS_A_WEEK,
        "days_per_week": row.days_per_week,
        "weekdays": [int(day) for day in row.weekdays or ""],
    }


class DatesFields:
    starts_on = DateField(_l("Starts on"), validators=[Optional(), _plausible_plan_day])
    ends_on = DateField(
        _l("Ends on"),
        validators=[Optional(), _plausible_plan_day, _ends_after_start],
        description=_l("Optional: leave empty while it runs on."),
    )


class ProgrammeForm(EditsSavedRecord, PageForm, PlanFields, DatesFields):
    """A therapist's programme for one client, all of it in one form: name, plan, dates, every
    exercise's dose and note, exercises to add."""

    name = _name_field(_l("Programme name"), 80)
    items = FieldList(FormField(ItemDoseForm), min_entries=0, max_entries=50)
    add_exercise_ids = SelectMultipleField(
        _l("Add exercises"),
        coerce=int,
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
        invalid_choice_message=_l("One of those exercises isn't available to you."),
    )

    def __init__(self, exercises, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_exercise_ids.choices = _exercise_choices(exercises)


class NewProgrammeForm(RoutineForm, PlanFields, DatesFields):
    pass


class TemplateForm(PageForm):
    """Keep a programme as a template; prefixed, as its page has the programme's name too."""

    name = _name_field(_l("Template name"), 80)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="template", **kwargs)


class LoggedExerciseForm(Form, DoseFields):
    """One exercise of a detailed log; a plain Form because the outer form carries CSRF."""

    # Which routine item (new log) or logged item (edit) this row is; checked by the view.
    row_key = HiddenField()
    done = BooleanField(_l("Done"), default=True)
    pain_during = ScaleField(_l("Pain during it"), low=PAIN_LOW_ANCHOR, high=PAIN_HIGH_ANCHOR)
    difficulty = RadioField(
        _l("How did it feel?"),
        choices=[SelectChoice("", _l("Not said"))]
        + [SelectChoice(key, label) for key, label in DIFFICULTIES.items()],
        default="",
        invalid_choice_message=_l("Choose too easy, about right or too hard."),
    )


class RoutineLogForm(EditsSavedRecord, DatedForm):
    submission_id = SubmissionIdField()
    day = day_field(_l("Day"))
    exercises = FieldList(FormField(LoggedExerciseForm), min_entries=0, max_entries=50)
    effort = ScaleField(
        _l("How hard did it feel?"), low=_l("no effort"), high=_l("as hard as it gets")
    )
    note = note_field(_l("Note"))
    save_again = BooleanField(_l("Yes, log it again"))
    # On a day already logged with other answers: these replace that log's (service.add_to_log).
    use_these_answers = BooleanField(_l("Put these answers in that log"))


def _answer_in_words(name: str, value) -> str:
    if name == "done":
        # Translators: what a log says of an exercise, in "That log has done. Yours, skipped, …".
        return _("done") if value else _("skipped")
    if name == "difficulty":
        return str(DIFFICULTIES[value]).lower()
    return f"{value}/10" if name in ("pain_during", "effort") else readable(value)


def show_answer_clashes(form: RoutineLogForm, clashes) -> None:
    """On a detailed log as sent: next to each answer that the day's log already gives
    differently, what that log says (this form's answer stays filled in)."""
    fields = [(form[name], name, clash) for name, clash in clashes.fields.items()]
    for index, row in clashes.exercises.items():
        entry = form.exercises[index]
        fields += [(entry[name], name, clash) for name, clash in row.items()]
    for field, name, clash in fields:
        message = _(
            "That log has %(theirs)s. Yours, %(mine)s, is filled in.",
            theirs=_answer_in_words(name, clash.theirs),
            mine=_answer_in_words(name, clash.mine),
        )
        field.errors = [*field.errors, message]


class ExerciseForm(PageForm, DoseFields):
    name = _name_field(_l("Name"), 100)
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(key, label) for key, label in EXERCISE_KINDS.items()],
    )
    regions = SelectMultipleField(
        _l("Regions it helps"),
        choices=[SelectChoice(key, label) for key, label in BASE_REGION_LABELS.items()],
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
    )
    how_to = TextAreaField(
        _l("How to do it"),
        validators=[Optional(), at_most(1000)],
        render_kw=limit_attrs(1000, rows=4),
    )
    photo = FileField(
        _l("Photo (optional)"),
        description=_l("A JPEG, PNG or WebP. Where and when it was taken is removed."),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )
    remove_photo = BooleanField(_l("Remove the photo"))
    clean_photo = None  # the checked picture, once validate_photo has read it

    def validate_photo(self, field):
        self.clean_photo = None
        if isinstance(field.data, FileStorage):
            try:
                self.clean_photo = clean_photo(field.data)
            except PhotoRefused as refusal:
                raise ValidationError(str(refusal)) from refusal


class UseTemplateForm(PageForm):
    """Start a client's programme from a template; prefixed, as its page has a programme
    form with a start date too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="use", **kwargs)

    starts_on = DateField(
        _l("Starting on"),
        validators=[DataRequired(message=_l("Choose the day it starts.")), _plausible_plan_day],
    )
