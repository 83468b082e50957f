from datetime import timedelta

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectChoice, SelectMultipleField, widgets
from wtforms.validators import Optional, ValidationError

from ..forms import DatedForm, at_least_one
from ..models import SHARE_PARTS

LONGEST_SHARE = timedelta(days=2 * 365)


def _ends_after_today(form, field):
    if field.data and not form.today < field.data <= form.today + LONGEST_SHARE:
        raise ValidationError(_("Choose a day after today, within the next two years."))


def _capitalized(label) -> str:
    """A part's label as a choice starts it, read in the language of each request."""
    text = str(label)
    return text[:1].upper() + text[1:]


class InviteForm(DatedForm):
    """What the therapist who uses the code will see, and until when."""

    parts = SelectMultipleField(
        _l("What they may see"),
        choices=[
            SelectChoice(key, LazyString(_capitalized, label)) for key, label in SHARE_PARTS.items()
        ],
        default=list(SHARE_PARTS),
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
        validators=[at_least_one(_l("Choose at least one thing to share."))],
    )
    ends_on = DateField(
        _l("Until (optional)"),
        validators=[Optional(), _ends_after_today],
        description=_l(
            "Sharing stops by itself after this day. Leave empty to share until you stop."
        ),
    )
