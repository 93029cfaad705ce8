"""The reporting calendar on the home page: what is due at each body, what is late, and who it waits for."""

from __future__ import annotations

import re

from django.test import Client

from oversight.performance.services import LoadResult


def _rows(page: str) -> list[str]:
    table = page[page.index('class="calendar"') : page.index("</table>", page.index('class="calendar"'))]
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in re.findall(r"<tr.*?</tr>", table, re.DOTALL)][1:]


def test_the_demo_calendar_in_october_2011(demo: LoadResult, client: Client) -> None:
    page = client.get("/?on=2011-10-17").content.decode().replace("&amp;", "&")
    assert "As at 17 October 2011: 1 step late, 1 due." in page
    assert _rows(page) == [
        "Children & Families Strategic Performance Scorecard, 2011-12 Quarter 2 (July–September 2011) "
        "Children & Families senior management team Late Late by 3 days (due 14 October 2011) "
        "a performance officer to submit it",
        "Children & Families Strategic Performance Scorecard, 2011-12 Quarter 2 (July–September 2011) "
        "Children and Families Scrutiny Committee Due in 29 days (15 November 2011) a performance officer to submit it",
        "Children & Families Strategic Performance Scorecard, 2011-12 Quarter 1 (April–June 2011) "
        "Children and Families Scrutiny Committee Done on 20 September 2011 –",
    ]


def test_without_a_day_the_calendar_is_for_today(demo: LoadResult, client: Client, settings: object) -> None:
    page = client.get("/").content.decode()
    assert re.search(r"As at \d+ \w+ 20\d\d:", page)
