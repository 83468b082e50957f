"""Helpers the views share to build pages: forms with their status, lists in pages, deleting
after a confirmation, and where each kind of user lands."""

from collections.abc import Callable
from dataclasses import dataclass
from math import ceil
from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .extensions import db

LIST_PAGE_SIZE = 20
# Beyond any real history; larger numbers would overflow the database's OFFSET.
MAX_PAGE = 100_000


def home_endpoint(user) -> str:
    """Where a user lands after logging in."""
    return "therapist.dashboard" if user.is_therapist else "checkins.today"


def safe_next_url(target: str | None) -> str | None:
    """Only a path on this site is followed after login; anything else is dropped."""
    if not target or "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def render_form(template: str, form, **context):
    """Render a page holding a form: 422 when the submitted form had errors (nothing saved)."""
    status = 422 if form.errors else 200
    return render_template(template, form=form, **context), status


def delete_after_confirmation(row, what: str, back_endpoint: str):
    """GET asks "Delete <what>?"; POST deletes the row and goes back to the list."""
    if request.method == "POST":
        db.session.delete(row)
        db.session.commit()
        flash(_("Deleted %(what)s.", what=what), "success")
        return redirect(url_for(back_endpoint))
    return render_template("confirm_delete.html", what=what, cancel_url=url_for(back_endpoint))


def whole_number(text: str, low: int, high: int) -> int | None:
    """A query parameter as a whole number from `low` to `high`, else None. ASCII digits only
    (str.isdigit also takes "¹" and "٣"), and few enough for int() (which refuses more than
    4,300 digits)."""
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(high))):
        return None
    value = int(text)
    return value if low <= value <= high else None


def page_number() -> int:
    """?page=N as a whole number from 1 to MAX_PAGE (1 when absent); anything else is a 404."""
    number = whole_number(request.args.get("page", "1"), 1, MAX_PAGE)
    if number is None:
        abort(404)
    return number


def newest_first_page(query):
    """One page of a newest-first history list; ?page=N picks it, a bad N gives 404."""
    return db.paginate(
        query, page=page_number(), per_page=LIST_PAGE_SIZE, max_per_page=LIST_PAGE_SIZE
    )


@dataclass(frozen=True)
class CountedPage:
    """One page of a list whose total was counted beforehand, with the attributes the `pager`
    macro reads (the same as Flask-SQLAlchemy's pagination); a page past the end is a 404."""

    page: int
    per_page: int
    total: int
    items: list

    @classmethod
    def read(cls, page: int, per_page: int, total: int, rows: Callable[[int, int], list]):
        """`rows(offset, limit)` reads one page's rows; pass `page=page_number()`."""
        offset = (page - 1) * per_page
        if page > 1 and offset >= total:
            abort(404)
        return cls(page, per_page, total, rows(offset, per_page) if offset < total else [])

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None
