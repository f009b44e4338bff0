"""The coverage report for a period and a campaign (issue 13): the campaign's key-message
pull-through is a section of the report, on the page, in the CSV and in the .docx, with the
hand-computed figures of tests/campaigns/test_rates.py, and the competitor's campaign side by
side. Without a campaign the report has no such section."""

from __future__ import annotations

import io

from docx import Document

from crm.monitoring import report
from crm.monitoring.analytics import Period
from tests.campaigns.test_rates import END, START, world  # noqa: F401 (the fixture)


def _built(campaign_id=None):
    return report.build_report(report.ReportScope(period=Period(START, END),
                                                  campaign_id=campaign_id))


def _table(section, key):
    return next(t for t in section.tables if t.key == key)


def test_the_campaign_section_has_the_hand_computed_rates(world):  # noqa: F811
    assert "campaign" not in [s.key for s in _built().sections]
    section = _built(world["ours"].id).section("campaign")
    assert dict(section.figures) == {"Articles in the campaign's scope": 5,
                                     "With at least one key message": 0.8}
    rows = _table(section, "messages").rows
    assert [(r[0], r[2], r[3], r[4], float(r[5]), r[6]) for r in rows] == [
        ("Message 1", 5, 2, 0, 0.4, 1), ("Message 2", 5, 1, 2, 0.6, 0),
        ("Message 3", 5, 0, 0, 0.0, 0)]
    outlets = {r[0]: r[1:] for r in _table(section, "message-outlets").rows}
    assert outlets["NRK"][:2] == [3, 3] and outlets["VG"][:2] == [2, 1]
    journalists = {r[0]: r[1:3] for r in _table(section, "message-journalists").rows}
    assert journalists == {"Kari Nordmann": [2, 2], "Ola Hansen": [2, 1]}
    side = {r[0]: r for r in _table(section, "campaigns").rows}
    assert set(side) == {"Skoleløftet", "Kunnskapsskolen"}
    assert side["Kunnskapsskolen"][1] == "Høyre" and float(side["Skoleløftet"][3]) == 0.8


def test_the_report_page_csv_and_docx_carry_the_campaign(world, as_viewer):  # noqa: F811
    query = f"from={START}&to={END}&campaign={world['ours'].id}"
    page = as_viewer.get(f"/monitoring/coverage/report?{query}").get_data(as_text=True)
    assert "Key messages: Skoleløftet" in page and 'id="table-messages"' in page
    assert f'<option value="{world["ours"].id}" selected>' in page
    assert f"campaign={world['ours'].id}" in page  # the downloads keep the campaign
    csv = as_viewer.get(f"/monitoring/coverage/report.csv?{query}").get_data(as_text=True)
    assert "Pull-through per key message" in csv and "Flere lærere i skolen" in csv
    response = as_viewer.get(f"/monitoring/coverage/report.docx?{query}")
    assert response.status_code == 200
    text = "\n".join(cell.text for table in Document(io.BytesIO(response.data)).tables
                     for row in table.rows for cell in row.cells)
    assert "Gratis skolemat til alle elever" in text
    # An unknown or hostile campaign id is a report without the section, never an error.
    for bad in ["999999", "-1", "abc", "<script>", "9" * 40]:
        response = as_viewer.get(f"/monitoring/coverage/report?from={START}&to={END}"
                                 f"&campaign={bad}")
        assert response.status_code == 200 and "Key messages:" not in response.get_data(
            as_text=True)
