"""Breakdowns: a figure by ward, age, team …, imported all or nothing, shown on the indicator page, and suppressed
for publication."""

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.test import Client

from oversight.core.suppression import SUPPRESSED, Reason
from oversight.performance.breakdowns import breakdown_tables
from oversight.performance.models import Breakdown, Change, ImportBatch, Indicator
from oversight.performance.services import LoadResult, import_files

WriteCsv = Callable[[str, str], Path]
HEADER = "indicator,period,dimension,category,order,value,numerator,denominator,note"


def _table_text(page: str, caption: str) -> list[list[str]]:
    """The rows of the table with this caption, as the text of their cells."""
    table = page.split(f">{caption}</caption>", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in rows]  # fmt: skip


def test_the_demo_shows_appendix_d_neet_by_ward_and_by_age(demo: LoadResult, client: Client) -> None:
    page = client.get("/indicators/NEET-16-18/").content.decode()
    title = "16-18 year olds not in education, employment or training (NEET)"
    wards = _table_text(page, f"{title}, 2011-12 Quarter 1 (April–June 2011): by ward")
    assert wards[0] == ["Ward", "Value", "Numerator", "Denominator"]
    assert len(wards) == 12  # the 11 wards Appendix D prints, in its order
    # By hand from Appendix D: 42 of 246 is 17.07%, printed 17.1%; 20 of 316 is 6.33%, printed 6.3%.
    assert wards[1] == ["Crewe St Barnabas", "17.1%", "42", "246"]
    assert wards[4] == ["Crewe North", "11.5%", "21", "182"]
    assert wards[11] == ["Macclesfield South", "6.3%", "20", "316"]
    ages = _table_text(page, f"{title}, 2011-12 Quarter 1 (April–June 2011): by age")
    assert ages == [
        ["Age", "Value", "Numerator", "Denominator"],
        ["16", "4.6%", "–", "–"],
        ["17", "6.7%", "–", "–"],
        ["18", "7.2%", "–", "–"],
    ]
    section = page.split('id="breakdowns"', 1)[1].split("<h2>Commentary</h2>", 1)[0]
    assert "Appendix D" not in section  # the source is for officers, not in a reader's tables
    assert 'role="region" aria-labelledby="breakdown-2011-12-Q1-ward"' in page


def test_an_officer_sees_where_each_breakdown_came_from(demo: LoadResult, officer_client: Client) -> None:
    page = officer_client.get("/indicators/NEET-16-18/").content.decode()
    assert "Appendix D, June 2011, &#x27;Breakdown by age&#x27;" in page


def test_a_breakdowns_file_is_imported_and_reimporting_it_changes_nothing(q1_open: None, write_csv: WriteCsv) -> None:
    path = write_csv(
        "teams.csv",
        f"""
{HEADER}
NEET-16-18,2011-12-Q1,Team,Crewe,,8.5,17,200,
NEET-16-18,2011-12-Q1,Team,Macclesfield,,6,12,200,
""",
    )
    result = import_files([path])
    assert result.ok, [str(issue) for issue in result.issues]
    assert (result.created, result.updated) == (2, 0)
    cells = Breakdown.objects.filter(dimension="team").order_by("order")
    assert [(c.category, c.value, c.numerator, c.denominator, c.order) for c in cells] == [
        ("Crewe", Decimal("8.5"), 17, 200, 2),  # without an order, the row's place in the file
        ("Macclesfield", Decimal(6), 12, 200, 3),
    ]
    assert cells[0].batch == ImportBatch.objects.get(filename="teams.csv")
    again = import_files([path])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    path.write_text(f"{HEADER}\nNEET-16-18,2011-12-Q1,team,Crewe,,9,18,200,\n", encoding="utf-8")
    assert import_files([path]).updated == 1
    change = Change.objects.filter(entity="breakdown", field="value", via__startswith="import: teams").latest("id")
    assert (change.period, change.before, change.after) == ("2011-12-Q1", "8.5", "9")
    assert change.via == "import: teams.csv (team: Crewe)"


def test_a_bad_breakdowns_file_is_refused_whole_with_row_and_column(demo: LoadResult, write_csv: WriteCsv) -> None:
    before = Breakdown.objects.count(), ImportBatch.objects.count()
    path = write_csv(
        "wards.csv",
        f"""
{HEADER}
NEET-16-18,2011-12-Q2,ward,Crewe North,1,11.5,21,182,
NEET-16-18,2011-12-Q2,ward,Crewe South,2,130,58,446,
NEET-16-18,2011-12-Q2,ward,Crewe East,3,8.3,600,576,
NEET-16-18,2011-12-Q2,Ward!,Wilmslow,4,5,,,
NEET-XX,2011-12-Q2,ward,Disley,5,0,,,
NEET-16-18,2011-12-Q2,ward,Crewe North,6,11.5,21,182,
NEET-16-18,2011-12-Q2,age,16,1,,,,
NEET-16-18,2011-12-Q2,age,17,2,six,,,
""",
    )
    result = import_files([path])
    assert [str(issue) for issue in result.issues] == [
        "wards.csv, row 3, column 'value': '130' is over 100 for a percentage; if this indicator's values may be, "
        "say so with may_exceed_100: yes in its catalogue row",
        "wards.csv, row 4, column 'numerator': '600' is above the denominator '576'; a percentage's numerator "
        "cannot be",
        "wards.csv, row 5, column 'dimension': 'Ward!' is not a short name; use letters, digits and hyphens, "
        "e.g. category-of-abuse",
        "wards.csv, row 6, column 'indicator': no indicator with code 'NEET-XX' in the catalogue",
        "wards.csv, row 7: repeats row 2 (indicator, period, dimension, category are the same)",
        "wards.csv, row 8, column 'value': is empty; give a value, or leave it empty and say why in the note column",
        "wards.csv, row 9, column 'value': 'six' is not a number; put text such as 'n/a' or 'below 5%' in the note "
        "column",
    ]
    assert (Breakdown.objects.count(), ImportBatch.objects.count()) == before  # not even the good first row


def test_a_publication_view_suppresses_small_numbers_primary_and_secondary(
    q1_open: None, write_csv: WriteCsv, client: Client
) -> None:
    # Worked by hand, as a table of the teams by NEET and not NEET, each team's cohort its row total:
    #   North  3 | 37 | 40   3 is from 1 to 5: primary. Its row then holds one hidden count, so the smallest
    #   South 10 | 40 | 50   other count of the row goes too (37), and of the NEET column (10, South), and of
    #   East  12 | 48 | 60   the not-NEET column (40, South): secondary. East is shown; so are the cohorts,
    #         25  125  150   since each row keeps two hidden counts that can trade 1 with the other row's.
    path = write_csv(
        "teams.csv",
        f"""
{HEADER}
NEET-16-18,2011-12-Q1,team,North,1,7.5,3,40,
NEET-16-18,2011-12-Q1,team,South,2,20,10,50,
NEET-16-18,2011-12-Q1,team,East,3,20,12,60,
""",
    )
    assert import_files([path]).ok
    neet = Indicator.objects.get(code="NEET-16-18")
    internal = {t.dimension: t for t in breakdown_tables(neet, "2011-12-Q1", publication=False)}["team"]
    assert [(r.value.text, r.numerator.text) for r in internal.rows] == [("7.5%", "3"), ("20%", "10"), ("20%", "12")]
    published = {t.dimension: t for t in breakdown_tables(neet, "2011-12-Q1", publication=True)}["team"]
    north, south, east = published.rows
    assert (north.numerator.text, north.numerator.reason) == (SUPPRESSED, Reason.PRIMARY)
    assert (north.value.text, north.value.reason) == (SUPPRESSED, Reason.DERIVED)
    assert (north.denominator.text, north.denominator.reason) == ("40", None)
    assert (south.numerator.text, south.numerator.reason) == (SUPPRESSED, Reason.SECONDARY)
    assert (south.value.text, south.denominator.text) == (SUPPRESSED, "50")
    assert (east.value.text, east.numerator.text, east.denominator.text) == ("20%", "12", "60")
    assert published.legend.startswith("c: suppressed to protect confidentiality")
    # The Appendix D wards have no count from 1 to 5 and nothing to hide.
    wards = {t.dimension: t for t in breakdown_tables(neet, "2011-12-Q1", publication=True)}["ward"]
    assert not wards.suppressed

    page = client.get("/indicators/NEET-16-18/?for=publication").content.decode()
    caption = "16-18 year olds not in education, employment or training (NEET), 2011-12 Quarter 1 (April–June 2011)"
    assert _table_text(page, f"{caption}: by team")[1:] == [
        ["North", "c", "c", "40"],
        ["South", "c", "c", "50"],
        ["East", "20%", "12", "60"],
    ]
    assert "c: suppressed to protect confidentiality" in page
    assert _table_text(client.get("/indicators/NEET-16-18/").content.decode(), f"{caption}: by team")[1] == [
        "North", "7.5%", "3", "40"
    ]  # fmt: skip
