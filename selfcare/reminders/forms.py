from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectMultipleField, TimeField, widgets
from wtforms.validators import InputRequired, ValidationError

from ..forms import PageForm, weekday_choices


def _days_when_on(form, field):
    if form.enabled.data and not field.data:
        raise ValidationError(_l("Choose at least one day, or turn this reminder off."))


class ReminderForm(PageForm):
    enabled = BooleanField(_l("Remind me"))
    # Translators: "At [20:30]", the time of a reminder.
    at = TimeField(
        _l("At"),
        validators=[InputRequired(_l("Choose a time, like 20:30."))],
        description=_l("Your local time."),
    )
    weekdays = SelectMultipleField(
        # Translators: "On [Mon] [Tue] ...", the days of a reminder.
        _l("On"),
        choices=weekday_choices,
        coerce=int,
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
        validators=[_days_when_on],
    )


def reminder_form(reminder, prefix: str, **kwargs) -> ReminderForm:
    return ReminderForm(
        prefix=prefix,
        data={
            "enabled": reminder.enabled,
            "at": reminder.at,
            "weekdays": sorted(reminder.weekday_set),
        },
        **kwargs,
    )


class EmailForm(PageForm):
    email = BooleanField(_l("Send reminders by e-mail"))
