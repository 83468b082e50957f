"""URL converters: `<id:...>` for row ids and `<date:...>` for ISO days."""

from datetime import date

from flask import Flask
from werkzeug.routing import BaseConverter, IntegerConverter, ValidationError

from .models import MAX_ID


class IdConverter(IntegerConverter):
    """A row id: a number larger than any row id is a 404, not an overflow in the database
    driver."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


class DateConverter(BaseConverter):
    """An ISO date (2026-11-25); anything else is a 404."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            raise ValidationError() from error

    def to_url(self, value: date) -> str:
        return value.isoformat()


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["date"] = DateConverter
