from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Optional, ValidationError

from ..clinical import BASE_REGION_LABELS, EXERCISE_KINDS
from ..forms import (
    DatedForm,
    DoseFields,
    PageForm,
    ScaleField,
    SubmissionIdField,
    at_least_one,
    at_most,
    day_field,
    limit_attrs,
    note_field,
)
from ..photos import PhotoRefused, clean_photo


def _name_field(label, max_length):
    return StringField(
        label,
        validators=[
            DataRequired(message="Please give it a name."),
            at_most(max_length),
        ],
        render_kw=limit_attrs(max_length),
    )


def _exercise_choices(exercises):
    return [
        SelectChoice(str(exercise.id), exercise.name, optgroup=EXERCISE_KINDS.get(exercise.kind))
        for exercise in exercises
    ]


class RoutineForm(PageForm):
    name = _name_field("Routine name", 80)
    exercise_ids = SelectMultipleField(
        "Exercises",
        coerce=int,
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
        validators=[at_least_one("Choose at least one exercise.")],
        description="Doses start at the usual amount; you can change them next.",
        invalid_choice_message="One of those exercises isn't available to you.",
    )

    def __init__(self, exercises, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.exercise_ids.choices = _exercise_choices(exercises)


class RenameForm(PageForm):
    name = _name_field("Routine name", 80)


class AddExerciseForm(PageForm):
    exercise_id = SelectField(
        "Add an exercise",
        coerce=int,
        invalid_choice_message="That exercise isn't available to you.",
    )

    def __init__(self, exercises, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.exercise_id.choices = _exercise_choices(exercises)


class DoseForm(PageForm, DoseFields):
    pass


class LoggedExerciseForm(Form, DoseFields):
    """One exercise of a detailed log; a plain Form because the outer form carries CSRF."""

    # Which routine item (new log) or logged item (edit) this row is; checked by the view.
    row_key = HiddenField()
    done = BooleanField("Done", default=True)


class RoutineLogForm(DatedForm):
    submission_id = SubmissionIdField()
    day = day_field("Day")
    exercises = FieldList(FormField(LoggedExerciseForm), min_entries=0, max_entries=50)
    effort = ScaleField("How hard did it feel?", low="no effort", high="as hard as it gets")
    note = note_field("Note")
    # What an edit page showed when it was loaded, so a save writes only what it changed.
    loaded = HiddenField()
    save_again = BooleanField("Yes, log it again")


class ExerciseForm(PageForm, DoseFields):
    name = _name_field("Name", 100)
    kind = SelectField(
        "Kind",
        choices=[SelectChoice(key, label) for key, label in EXERCISE_KINDS.items()],
    )
    regions = SelectMultipleField(
        "Regions it helps",
        choices=[SelectChoice(key, label) for key, label in BASE_REGION_LABELS.items()],
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
    )
    how_to = TextAreaField(
        "How to do it",
        validators=[Optional(), at_most(1000)],
        render_kw=limit_attrs(1000, rows=4),
    )
    photo = FileField(
        "Photo (optional)",
        description="A JPEG, PNG or WebP. Where and when it was taken is removed.",
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )
    remove_photo = BooleanField("Remove the photo")
    clean_photo = None  # the checked picture, once validate_photo has read it

    def validate_photo(self, field):
        self.clean_photo = None
        if isinstance(field.data, FileStorage):
            try:
                self.clean_photo = clean_photo(field.data)
            except PhotoRefused as refusal:
                raise ValidationError(str(refusal)) from refusal
