"""The pseudo-locale: every marked sentence translated into accented look-alikes in brackets
("Save" reads "[Ŝåṽé]"), built from the catalogue template at test time. A page shown in it
that still has plain English words has a sentence nobody marked."""

import re
from html.parser import HTMLParser
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from selfcare import PROJECT_ROOT
from selfcare.dates import timezone_names

# A real CLDR locale, since Babel needs one for dates and plurals, that the product never
# offers: its dates are English, its sentences the pseudo-locale's.
PSEUDO_LANGUAGE = "en_150"
TEMPLATE = PROJECT_ROOT / "selfcare" / "translations" / "messages.pot"
PRODUCT_NAMES = ("Self-care tracker", "Self-care")

_LOOKALIKES = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "åƀçďéƒĝĥîĵķĺɱñöþǫŕšţüṽŵẋýžÅƁÇĎÉƑĜĤÎĴĶĹṀÑÖÞǪŔŠŢÜṼŴẊÝŽ",
)
# What a translation must keep as it is: placeholders, markup and character references.
_KEPT = re.compile(r"(%\(\w+\)[sdif]|%[sdif]|<[^>]*>|&#?\w+;)")


def pseudo(text: str) -> str:
    parts = _KEPT.split(text)
    return "[" + "".join(p if _KEPT.fullmatch(p) else p.translate(_LOOKALIKES) for p in parts) + "]"


def build_pseudo_catalogue(folder: Path) -> Path:
    """`folder`/<PSEUDO_LANGUAGE>/LC_MESSAGES/messages.mo, every entry of the template in the
    pseudo-locale; `folder` is then a translations directory."""
    with TEMPLATE.open("rb") as source:
        catalogue = read_po(source, locale=Locale.parse(PSEUDO_LANGUAGE))
    for message in catalogue:
        if not message.id:
            continue
        if message.pluralizable:
            message.string = tuple(pseudo(form) for form in message.id)
        else:
            message.string = pseudo(message.id)
    target = folder / PSEUDO_LANGUAGE / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    with (target / "messages.mo").open("wb") as compiled:
        write_mo(compiled, catalogue)
    return folder


class _VisibleText(HTMLParser):
    """The text a person sees or hears: text outside scripts and styles, and the attributes
    read out or shown (labels, titles, placeholders, alternatives, button values)."""

    READ_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label", "aria-description", "label")
    HIDDEN_ELEMENTS = ("script", "style", "template")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN_ELEMENTS:
            self._hidden_depth += 1
        values = dict(attrs)
        self.pieces += [values[name] or "" for name in self.READ_ATTRIBUTES if name in values]
        if tag == "input" and values.get("type") in ("submit", "button"):
            self.pieces.append(values.get("value") or "")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN_ELEMENTS:
            self._hidden_depth = max(0, self._hidden_depth - 1)

    def handle_data(self, data):
        if not self._hidden_depth:
            self.pieces.append(data)


_WRAPPED = re.compile(r"\[[^\[\]]*\]")
_EMAIL = re.compile(r"\S+@\S+")
_URL = re.compile(r"\bhttps?://\S+")  # a plain-text mail's links
_ZONE = re.compile(r"\b[A-Z][A-Za-z_]+/[A-Za-z_/+-]+")
_WORD = re.compile(r"[A-Za-z]{2,}")


def _calendar_words() -> set[str]:
    """Day and month names: Babel's, in the pseudo-locale's language (data, not sentences)."""
    locale = Locale.parse(PSEUDO_LANGUAGE)
    words = set()
    for width in ("wide", "abbreviated"):
        words |= set(locale.days["format"][width].values())
        words |= set(locale.months["format"][width].values())
    return words


CALENDAR_WORDS = _calendar_words()


def _time_zone_labels() -> set[str]:
    """The time zones' places and regions as the database names them, each a whole option or
    group label: a list people recognise their city in, the same in every language."""
    labels = set()
    for name in timezone_names():
        region, _, place = name.partition("/")
        labels |= {region, place.replace("_", " ").replace("/", " / ")}
    return labels


TIME_ZONE_LABELS = _time_zone_labels()


def unmarked_text(html: str, typed: set[str]) -> list[str]:
    """Each piece of visible text with English words left once the pseudo-locale's sentences,
    what people `typed`, the product's name, addresses, links, time zones and calendar words are
    taken out."""
    parser = _VisibleText()
    parser.feed(html)
    found = []
    for piece in parser.pieces:
        rest, wrapped = piece, None
        while wrapped != rest:  # a sentence within a sentence: the inner one first
            wrapped, rest = rest, _WRAPPED.sub(" ", rest)
        for known in sorted({*typed, *PRODUCT_NAMES}, key=len, reverse=True):
            rest = rest.replace(known, " ")
        rest = _ZONE.sub(" ", _EMAIL.sub(" ", _URL.sub(" ", rest)))
        if piece.strip() in TIME_ZONE_LABELS:
            continue
        if any(word not in CALENDAR_WORDS for word in _WORD.findall(rest)):
            found.append(" ".join(piece.split()))
    return found
