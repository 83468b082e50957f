"""The sentences the scripts (static/js) show, in the reader's language. Every page carries them
as a JSON data block (`<script type="application/json" id="js-strings">`, which no browser runs,
so the Content-Security-Policy allows it), and static/js/app.js's `say(key, values)` reads them:
it fills in the named placeholders (`%(count)s`) and, for a sentence with a count, picks the
plural form of the page's language. The scripts keep no sentence of their own."""

from functools import cache

from babel import Locale
from flask_babel import get_locale, get_translations

# Plural forms are chosen for counts; a sample count of each of the language's plural
# categories ("one", "few", "many", "other"...) is found among these.
SAMPLE_COUNTS = range(200)


# As Flask-Babel's gettext and ngettext, named so that `make messages` finds the sentences, but
# leaving the placeholders for the script to fill in.
def _(message: str) -> str:
    return get_translations().ugettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return get_translations().ungettext(singular, plural, count)


@cache
def _samples(locale: str) -> dict[str, int]:
    """A count of each plural category of the language, the first one found."""
    rule = Locale.parse(locale).plural_form
    samples: dict[str, int] = {}
    for count in SAMPLE_COUNTS:
        samples.setdefault(rule(count), count)
    return samples


def _plural(forms) -> dict[str, str]:
    """Each plural category of the language, as the catalogue words a count of it: the script
    picks one with Intl.PluralRules (CLDR's categories, the same as Babel's)."""
    locale = get_locale() or Locale("en")
    return {category: forms(count) for category, count in _samples(str(locale)).items()}


def js_strings() -> dict[str, str | dict[str, str]]:
    return {
        # static/js/app.js: the count under a text field with a limit.
        "counter": _("%(count)s of %(limit)s characters"),
        "counter_over": _("%(count)s of %(limit)s characters: %(over)s too many"),
        # static/js/sharing.js
        "link_copied": _("Link copied. Paste it into a message to your therapist."),
        "link_not_copied": _("Copying didn't work here. Press on the link to copy it."),
        # static/js/offline.js and static/js/queue.js: entries made without signal.
        "queue_waiting": _plural(
            lambda n: ngettext(
                "%(count)s entry waiting to send.", "%(count)s entries waiting to send.", n
            )
        ),
        # Translators: the day is written as 2026-12-31.
        "queue_refused": _("An entry of %(day)s couldn't be stored: %(reason)s"),
        "not_rated": _("not rated"),
        # Translators: a pain score of a region, saved twice differently; the day is 2026-12-31.
        "clash_title": _("%(region)s, %(day)s"),
        "clash_title_today": _("%(region)s, today"),
        "clash_both": _("Saved elsewhere: %(saved)s · Yours (offline): %(yours)s"),
        "clash_keep_saved": _("Keep %(score)s (saved elsewhere)"),
        "clash_keep_yours": _("Keep %(score)s (yours)"),
        "clashes_heading": _("Saved elsewhere while you were offline"),
        "clashes_intro": _("Choose which score to keep. Until you do, nothing is lost."),
        "offline_needs_today": _(
            "Open Today once with a connection, and it will work here without one."
        ),
        "offline_save_checkin": _("Save check-in"),
        "offline_done_today": _("Done today: %(routine)s"),
        "offline_waiting": _("Waiting to send: %(routine)s"),
        "logout_heading": _("Before you log out"),
        "logout_waiting": _plural(
            lambda n: ngettext(
                "%(count)s entry you made without signal isn't in your account yet.",
                "%(count)s entries you made without signal aren't in your account yet.",
                n,
            )
        ),
        "logout_clash": _(
            "A score was saved elsewhere meanwhile: stay logged in to choose which to keep."
        ),
        "logout_not_sent": _("They couldn't be sent just now."),
        "logout_send": _("Send them now"),
        "logout_keep": _("Keep them on this phone until I log in again"),
        "logout_discard": _("Discard them"),
        "logout_stay": _("Stay logged in"),
        # static/js/player.js and static/js/timer.js: the guided session.
        "exercise_of": _("Exercise %(number)s of %(count)s"),
        "player_start": _("Start"),
        "player_done": _("Done"),
        "player_pause": _("Pause"),
        "player_resume": _("Resume"),
        "player_skip": _("Skip"),
        "player_back": _("Back"),
        "player_next": _("Next exercise"),
        "player_finish": _("Finish"),
        "player_restored": _("Picked up where you left off."),
        "player_start_over": _("Start over"),
        # Translators: in the summary of a session, after an exercise's name.
        "summary_done": _("done"),
        "summary_skipped": _("skipped"),
        "summary_pain": _("pain %(score)s/10"),
        # Translators: the timer's phases, joined as "Set 1 of 2 · left side · hold 1 of 3".
        "timer_set": _("Set %(set)s of %(sets)s"),
        "timer_left": _("left side"),
        "timer_right": _("right side"),
        "timer_hold_of": _("hold %(hold)s of %(holds)s"),
        "timer_get_ready": _("get ready"),
        "timer_phase_get_ready": _("%(phase)s: get ready"),
        "timer_hold": _("hold"),
        "timer_phase_hold": _("%(phase)s: hold"),
        "timer_paused": _("Paused"),
        # static/js/inclinometer.js: measuring with the phone's motion sensor.
        "sensor_reading": _("Reading the sensor… Keep still at the start."),
        "sensor_not_allowed": _(
            "The phone didn't allow its motion sensor. Please type the number you measured."
        ),
        "sensor_none": _(
            "This device doesn't report its angle. Please type the number you measured."
        ),
        "sensor_hold_as_shown": _("Hold the phone as step 1 says, then keep still."),
        "sensor_start_taken": _(
            "Start taken. Now move, then keep still at the end until it buzzes."
        ),
        "sensor_moved": _("Moved %(degrees)s° so far."),
        "sensor_held": _("Held at %(degrees)s°. Go further if you can, or come back to the start."),
        "sensor_not_still": _(
            "The phone didn't keep still at the start. Try again, or type the number you measured."
        ),
        "sensor_too_little": _(
            "The phone turned less than %(degrees)s°, too little to measure. Try again, or "
            "type the number you measured."
        ),
        "sensor_measured": _(
            "Measured %(degrees)s°. Check the number above, change it if you like, and save."
        ),
    }
