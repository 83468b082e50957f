from datetime import timedelta

from wtforms import DateField, SelectChoice, SelectMultipleField, widgets
from wtforms.validators import Optional, ValidationError

from ..forms import DatedForm, at_least_one
from ..models import SHARE_PARTS

LONGEST_SHARE = timedelta(days=2 * 365)


def _ends_after_today(form, field):
    if field.data and not form.today < field.data <= form.today + LONGEST_SHARE:
        raise ValidationError("Choose a day after today, within the next two years.")


class InviteForm(DatedForm):
    """What the therapist who uses the code will see, and until when."""

    parts = SelectMultipleField(
        "What they may see",
        choices=[SelectChoice(key, label.capitalize()) for key, label in SHARE_PARTS.items()],
        default=list(SHARE_PARTS),
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
        validators=[at_least_one("Choose at least one thing to share.")],
    )
    ends_on = DateField(
        "Until (optional)",
        validators=[Optional(), _ends_after_today],
        description="Sharing stops by itself after this day. Leave empty to share until you stop.",
    )
