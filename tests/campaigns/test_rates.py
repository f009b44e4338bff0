"""Pull-through rates against a hand-computed fixture (both database backends).

The fixture: two outlets (NRK, VG), one journalist at each, the issue term "skole", our
campaign "Skoleløftet" (23.11.–6.12.2026, three messages) and Høyre's "Kunnskapsskolen" on the
same issue. In scope: A1-A5 (A6 is before the period, A7 has no mention of the issue, A8's
mention is marked as noise).

    article  outlet  byline  week  M1 lærere   M2 skolemat  M3 bygg  Høyre's C1
    A1       NRK     Kari    48    explicit    -            -        -
    A2       NRK     Kari    48    -           explicit     -        -
    A3       VG      Ola     49    explicit    partial      -        -
    A4       VG      Ola     49    -           -            -        explicit
    A5       NRK     -       49    -           partial      -        -

Hand-computed: M1 2/5 = 40 % (2 explicit), M2 3/5 = 60 % (1 explicit, 2 partial), M3 0/5;
any message 4/5 (3 with an explicit one). NRK 3 articles, all carrying one (M1 1/3, M2 2/3);
VG 2 articles, 1 carrying one (M1 1/2, M2 1/2). Kari 2/2, Ola 1/2. Week 48: 2/2 (M1 1/2, M2
1/2); week 49: 2/3 (M1 1/3, M2 2/3). Tonje Brenna (M1's spokesperson) is quoted in A1.
"""

from __future__ import annotations

from datetime import date

import pytest

from crm.campaigns import services
from crm.campaigns.models import CampaignArticle, PullThrough
from crm.campaigns.services import CampaignData, MessageData, pull_through_rates
from crm.extensions import db
from crm.monitoring.mentions import set_status
from crm.monitoring.models import Article, Mention
from tests.factories import (
    articles,
    entry,
    feed,
    journalist,
    oslo,
    outlet,
    politician,
    watch_term,
)

START, END = date(2026, 11, 23), date(2026, 12, 6)


def _article(feed_, title, summary, when, author=""):
    articles(feed_, entry(title, summary, guid=f"urn:{title}", author=author, published=when))
    return db.session.scalar(db.select(Article).where(Article.title == title))


@pytest.fixture
def world(app):
    nrk, vg = outlet("NRK"), outlet("VG")
    kari = journalist("Kari Nordmann", org=nrk)
    ola = journalist("Ola Hansen", org=vg)
    brenna = politician("Tonje Brenna")
    skole = watch_term("skole", group="issue", variants="skule")  # and the nynorsk form
    nrk_feed = feed("https://www.nrk.no/skole.rss", "NRK skole", organisation=nrk)
    vg_feed = feed("https://www.vg.no/skole.rss", "VG skole", organisation=vg)
    made = {
        "A1": _article(nrk_feed, "Flere lærere i skolen fra høsten",
                       "«Vi gjør alvor av det», sier Tonje Brenna om lærerløftet.",
                       oslo(2026, 11, 24, 9, 0), "Kari Nordmann"),
        "A2": _article(nrk_feed, "Gratis skolemat til alle elever",
                       "Forslaget i statsbudsjettet koster to milliarder kroner i året.",
                       oslo(2026, 11, 26, 14, 0), "Kari Nordmann"),
        "A3": _article(vg_feed, "Budsjettforliket er klart",
                       "Partiene ble enige om flere lærere i skolen og gratis skolemat i "
                       "ungdomsskolen.", oslo(2026, 12, 1, 8, 30), "Ola Hansen"),
        "A4": _article(vg_feed, "Skolen i Bodø trenger ny rektor",
                       "Kommunen lyser ut stillingen for tredje gang.",
                       oslo(2026, 12, 2, 12, 0), "Ola Hansen"),
        "A5": _article(nrk_feed, "Rektorer ber om ro etter forliket",
                       "Skolemat for alle elever møter skepsis i Vestland.",
                       oslo(2026, 12, 6, 23, 30)),  # Sunday night, still week 49 in Oslo
        "A6": _article(nrk_feed, "Lærerløftet lanseres i Trondheim",
                       "Flere lærere i skolen, lover partiet før budsjettet.",
                       oslo(2026, 11, 20, 10, 0), "Kari Nordmann"),
        "A7": _article(vg_feed, "Gratis bompenger i Bergen",
                       "Byrådet vil ha gratis passering for alle elever.",
                       oslo(2026, 11, 25, 10, 0), "Ola Hansen"),
        "A8": _article(vg_feed, "Skolen stengt etter vannlekkasje",
                       "Flere lærere i skolen måtte hjelpe til med bøttene.",
                       oslo(2026, 11, 27, 10, 0), "Ola Hansen"),
    }
    noise = db.session.scalar(db.select(Mention).where(Mention.article_id == made["A8"].id))
    set_status(noise, "noise")
    ours = services.save_campaign(None, CampaignData(
        name="Skoleløftet", start_date=START, end_date=END, term_ids=[skole.id],
        messages=[
            MessageData("Flere lærere i skolen", "Fleire lærarar i skulen",
                        spokesperson_ids=[brenna.id]),
            MessageData("Gratis skolemat til alle elever",
                        key_phrases="skolemat\ngratis\nalle elever"),
            MessageData("Nye skolebygg i hele landet", key_phrases="skolebygg\nhele landet"),
        ]))
    theirs = services.save_campaign(None, CampaignData(
        name="Kunnskapsskolen", side="competitor", party="Høyre", start_date=START,
        end_date=END, term_ids=[skole.id],
        messages=[MessageData("Skolen trenger ny rektor"), MessageData("Mer kunnskap i skolen"),
                  MessageData("Færre timer med skjerm")]))
    return {"ours": ours, "theirs": theirs, "articles": made, "nrk": nrk, "vg": vg,
            "kari": kari, "ola": ola, "brenna": brenna, "skole": skole}


def cells(row):
    return [(c.articles, c.explicit, c.partial) for c in row.per_message.values()]


def test_rates_per_message_match_the_hand_computed_figures(world):
    report = pull_through_rates(world["ours"])
    assert (report.start, report.end, report.articles) == (START, END, 5)
    m1, m2, m3 = report.messages
    assert (m1.cell.carried, m1.cell.explicit, m1.cell.partial, m1.cell.rate) == (2, 2, 0, 0.4)
    assert (m2.cell.carried, m2.cell.explicit, m2.cell.partial, m2.cell.rate) == (3, 1, 2, 0.6)
    assert (m3.cell.carried, m3.cell.rate) == (0, 0.0)
    assert m1.cell.spokesperson == 1 and m2.cell.spokesperson == 0
    assert (report.any_message.carried, report.any_message.explicit,
            report.any_message.partial, report.any_message.articles) == (4, 3, 1, 5)


def test_rates_per_outlet_journalist_and_week(world):
    report = pull_through_rates(world["ours"])
    outlets = {row.label: row for row in report.outlets}
    assert [row.label for row in report.outlets] == ["NRK", "VG"]  # most articles first
    assert (outlets["NRK"].any_message.articles, outlets["NRK"].any_message.carried) == (3, 3)
    assert cells(outlets["NRK"]) == [(3, 1, 0), (3, 1, 1), (3, 0, 0)]
    assert (outlets["VG"].any_message.articles, outlets["VG"].any_message.carried) == (2, 1)
    assert cells(outlets["VG"]) == [(2, 1, 0), (2, 0, 1), (2, 0, 0)]

    people = {row.label: row for row in report.journalists}
    assert set(people) == {"Kari Nordmann", "Ola Hansen"}  # A5 has no byline
    assert people["Kari Nordmann"].key == world["kari"].id
    assert (people["Kari Nordmann"].any_message.carried,
            people["Kari Nordmann"].any_message.articles) == (2, 2)
    assert (people["Ola Hansen"].any_message.carried,
            people["Ola Hansen"].any_message.articles) == (1, 2)

    assert [(row.key, row.label) for row in report.weeks] == [
        (date(2026, 11, 23), "2026-W48"), (date(2026, 11, 30), "2026-W49")]
    week48, week49 = report.weeks
    assert (week48.any_message.carried, week48.any_message.articles) == (2, 2)
    assert cells(week48) == [(2, 1, 0), (2, 1, 0), (2, 0, 0)]
    assert (week49.any_message.carried, week49.any_message.articles) == (2, 3)
    assert cells(week49) == [(3, 1, 0), (3, 0, 2), (3, 0, 0)]

    a = world["articles"]
    assert [row.article_id for row in report.recent] == [a[k].id for k in
                                                        ("A5", "A4", "A3", "A2", "A1")]
    assert report.recent[2].levels == {report.messages[0].message_id: "explicit",
                                       report.messages[1].message_id: "partial"}


def test_a_part_of_the_period_counts_only_its_articles(world):
    report = pull_through_rates(world["ours"], date(2026, 11, 30), date(2027, 1, 31))
    assert (report.start, report.end, report.articles) == (date(2026, 11, 30), END, 3)
    assert [m.cell.carried for m in report.messages] == [1, 2, 0]
    empty = pull_through_rates(world["ours"], date(2027, 1, 1), date(2027, 1, 31))
    assert empty.articles == 0 and empty.any_message.rate == 0.0


def test_competitors_side_by_side_over_the_same_dates(world):
    ours, theirs = services.side_by_side([world["ours"], world["theirs"]], START, END)
    assert (ours.name, ours.articles, ours.any_message.carried) == ("Skoleløftet", 5, 4)
    assert (theirs.name, theirs.side, theirs.party) == ("Kunnskapsskolen", "competitor", "Høyre")
    assert theirs.articles == 5
    assert [m.cell.carried for m in theirs.messages] == [1, 0, 0]  # A4 only
    assert theirs.outlets == [] and theirs.weeks == []  # per message only
    assert [c.name for c in services.overlapping(world["ours"])] == ["Skoleløftet",
                                                                     "Kunnskapsskolen"]


def test_an_article_arriving_later_is_examined_when_the_report_is_made(world):
    later_feed = feed("https://www.nrk.no/sent.rss", "NRK sent", organisation=world["nrk"])
    late = _article(later_feed, "Skolebygg i hele landet skal pusses opp",
                    "Kommunene får penger til vedlikehold.", oslo(2026, 12, 3, 9, 0))
    assert db.session.get(CampaignArticle, (world["ours"].id, late.id)) is None
    report = pull_through_rates(world["ours"])
    assert report.articles == 6
    assert [m.cell.carried for m in report.messages] == [2, 3, 1]
    assert db.session.get(CampaignArticle, (world["ours"].id, late.id)) is not None


def test_after_a_poll_the_new_articles_are_examined_for_the_campaigns(world):
    since = db.session.scalar(db.select(db.func.max(Mention.created_at)))
    nrk_feed = feed("https://www.nrk.no/poll.rss", "NRK poll", organisation=world["nrk"])
    late = _article(nrk_feed, "Fleire lærarar i skulen frå hausten",
                    "Nynorsk sak frå NRK Vestland.", oslo(2026, 12, 4, 9, 0))
    services.examine_new_articles(since)
    found = db.session.scalars(db.select(PullThrough).where(
        PullThrough.article_id == late.id)).all()
    assert [(p.campaign_id, p.level, p.place) for p in found] == [
        (world["ours"].id, "explicit", "title")]


def test_editing_a_message_computes_the_pull_through_again(world):
    campaign = world["ours"]
    services.save_campaign(campaign, CampaignData(
        name="Skoleløftet", start_date=START, end_date=END, term_ids=[world["skole"].id],
        messages=[MessageData("Flere lærere i skolen"),
                  MessageData("Gratis skolemat til alle elever",
                              key_phrases="skolemat\ngratis\nalle elever"),
                  MessageData("Skolen trenger ny rektor")]))
    report = pull_through_rates(campaign)
    assert [m.cell.carried for m in report.messages] == [2, 3, 1]
    assert report.messages[2].wording == "Skolen trenger ny rektor"
    assert report.messages[0].cell.spokesperson == 0  # no spokesperson any more


def test_a_message_taken_out_takes_its_figures_with_it(world):
    campaign = world["ours"]
    four = [MessageData("Flere lærere i skolen"),
            MessageData("Gratis skolemat til alle elever",
                        key_phrases="skolemat\ngratis\nalle elever"),
            MessageData("Nye skolebygg i hele landet"), MessageData("Skolen trenger ny rektor")]
    data = dict(name="Skoleløftet", start_date=START, end_date=END,
                term_ids=[world["skole"].id])
    services.save_campaign(campaign, CampaignData(**data, messages=four))
    assert [m.cell.carried for m in pull_through_rates(campaign).messages] == [2, 3, 0, 1]
    services.save_campaign(campaign, CampaignData(**data, messages=four[:3]))
    report = pull_through_rates(campaign)
    assert [m.cell.carried for m in report.messages] == [2, 3, 0]
    assert db.session.scalar(db.select(db.func.count()).select_from(PullThrough).where(
        PullThrough.campaign_id == campaign.id)) == 5


def test_marking_a_mention_as_noise_takes_the_article_out_of_the_scope(world):
    a1 = world["articles"]["A1"]
    set_status(db.session.scalar(db.select(Mention).where(Mention.article_id == a1.id)),
               "noise")
    report = pull_through_rates(world["ours"])
    assert report.articles == 4
    assert [m.cell.carried for m in report.messages] == [1, 3, 0]


def test_the_article_page_lists_the_messages_it_carried(world, as_viewer):
    a3 = world["articles"]["A3"]
    carried = services.messages_in_article(a3.id)
    assert [(c.campaign, c.position, c.level, c.place) for c in carried] == [
        ("Skoleløftet", 0, "explicit", "summary"), ("Skoleløftet", 1, "partial", "summary")]
    quoted = services.messages_in_article(world["articles"]["A1"].id)
    assert (quoted[0].spokesperson, quoted[0].quoted) == ("Tonje Brenna", True)
    page = as_viewer.get(f"/monitoring/articles/{a3.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Key messages carried" in html and "Gratis skolemat til alle elever" in html


def test_deleting_the_campaign_removes_its_stored_pull_through(world):
    services.delete_campaign(world["ours"])
    assert db.session.scalar(db.select(db.func.count()).select_from(PullThrough).where(
        PullThrough.campaign_id == world["ours"].id)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(CampaignArticle)) == 5


def test_the_figures_download_as_csv_with_the_same_numbers(world, as_viewer):
    response = as_viewer.get(f"/campaigns/{world['ours'].id}/pull-through.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith('"group","name","articles","carried_any","rate_any",'
                               '"message_1_carried"')
    assert lines[1].startswith('"all","Skoleløftet","5","4","0.8000","2","2","0","0.4000",'
                               '"3","1","2","0.6000"')
    assert any(line.startswith('"outlet","NRK","3","3","1.0000"') for line in lines)
    assert any(line.startswith('"week","2026-W49","3","2"') for line in lines)
    assert "attachment; filename=pull-through-" in response.headers["Content-Disposition"]


def test_a_name_like_a_formula_is_defused_in_the_csv(world, as_viewer):
    campaign = world["theirs"]
    campaign.name = '=HYPERLINK("http://x.example","klikk")'
    db.session.commit()
    text = as_viewer.get(f"/campaigns/{campaign.id}/pull-through.csv").get_data(as_text=True)
    assert '"\'=HYPERLINK(' in text and '"=HYPERLINK(' not in text
