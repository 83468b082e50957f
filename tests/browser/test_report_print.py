"""The one-page report prints on one A4 page, for each range, for a client with three months of
pain, routines, range of motion and appointments (their notes 80 letters long)."""

import re

import pytest

from .helpers import logged_in_page

pytestmark = pytest.mark.browser


def printed_pages(page) -> int:
    pdf = page.pdf(format="A4", print_background=True)
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


@pytest.mark.parametrize("range_key", ["2w", "3m", "1y"])
def test_the_report_prints_on_one_page(browser, live_server, people, range_key):
    page = logged_in_page(browser, live_server, people["client"])
    page.goto(f"{live_server}/report?range={range_key}")
    assert page.get_by_role("heading", name="Range of motion").is_visible()
    page.emulate_media(media="print")
    assert printed_pages(page) == 1
    page.context.close()
