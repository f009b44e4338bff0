"""My day: my follow-ups by local day (across DST) and the open press inquiries."""

from datetime import date

from crm.interactions.services import (
    add_follow_up,
    complete_follow_up,
    my_day,
    set_inquiry_status,
)
from tests.factories import follow_up, inquiry, journalist, log, oslo
from tests.support import login


def notes(items) -> list[str]:
    return [fu.note for fu in items]


def subjects(items) -> list[str]:
    return [q.interaction.subject for q in items]


def test_follow_ups_are_split_into_overdue_today_and_next_seven_days(app, users):
    me, other = users["editor"], users["admin"]
    interaction = log(journalist("Kari Nordmann"), staff=me)
    for due, note in [
        (oslo(2026, 6, 9, 23, 59), "yesterday late"),
        (oslo(2026, 5, 1, 9, 0), "weeks ago"),
        (oslo(2026, 6, 10, 0, 0), "today midnight"),
        (oslo(2026, 6, 10, 8, 0), "today morning, already passed"),
        (oslo(2026, 6, 10, 23, 59), "today late"),
        (oslo(2026, 6, 11, 0, 0), "tomorrow"),
        (oslo(2026, 6, 17, 23, 59), "in seven days"),
        (oslo(2026, 6, 18, 0, 0), "in eight days"),
    ]:
        add_follow_up(interaction, follow_up(due, me, note))
    add_follow_up(interaction, follow_up(oslo(2026, 6, 10, 9, 0), other, "someone else's"))
    done = add_follow_up(interaction, follow_up(oslo(2026, 6, 10, 9, 0), me, "done already"))
    complete_follow_up(done)

    day = my_day(me, now=oslo(2026, 6, 10, 12, 0))
    assert day.today == date(2026, 6, 10)
    assert notes(day.overdue) == ["weeks ago", "yesterday late"]
    assert notes(day.due_today) == ["today midnight", "today morning, already passed",
                                    "today late"]
    assert notes(day.upcoming) == ["tomorrow", "in seven days"]


def test_dst_spring_forward_follow_up_at_half_past_midnight_counts_that_day(app, users):
    """Last Sunday of March: 00:30 Oslo is still 23:30 UTC on Saturday."""
    me = users["editor"]
    interaction = log(journalist("Kari Nordmann"), staff=me)
    add_follow_up(interaction, follow_up(oslo(2026, 3, 29, 0, 30), me, "half past midnight"))
    add_follow_up(interaction, follow_up(oslo(2026, 3, 29, 23, 30), me, "late sunday"))
    add_follow_up(interaction, follow_up(oslo(2026, 3, 28, 23, 30), me, "late saturday"))
    day = my_day(me, now=oslo(2026, 3, 29, 8, 0))
    assert day.today == date(2026, 3, 29)
    assert notes(day.due_today) == ["half past midnight", "late sunday"]
    assert notes(day.overdue) == ["late saturday"]
    saturday = my_day(me, now=oslo(2026, 3, 28, 12, 0))
    assert notes(saturday.due_today) == ["late saturday"]
    assert notes(saturday.upcoming) == ["half past midnight", "late sunday"]


def test_dst_fall_back_day_has_25_hours(app, users):
    """Last Sunday of October: 23:30 Oslo is 22:30 UTC, still the same local day."""
    me = users["editor"]
    interaction = log(journalist("Kari Nordmann"), staff=me)
    add_follow_up(interaction, follow_up(oslo(2026, 10, 25, 0, 30), me, "early"))
    add_follow_up(interaction, follow_up(oslo(2026, 10, 25, 23, 30), me, "late"))
    add_follow_up(interaction, follow_up(oslo(2026, 10, 26, 0, 10), me, "monday"))
    day = my_day(me, now=oslo(2026, 10, 25, 12, 0))
    assert notes(day.due_today) == ["early", "late"]
    assert notes(day.upcoming) == ["monday"]


def test_open_inquiries_for_me_and_for_nobody_by_deadline(app, users):
    me, other = users["editor"], users["admin"]
    kari = journalist("Kari Nordmann")
    log(kari, kind="inquiry", subject="mine, no deadline", inquiry=inquiry(assignee=me))
    log(kari, kind="inquiry", subject="mine at 15",
        inquiry=inquiry(oslo(2026, 6, 10, 15, 0), me))
    log(kari, kind="inquiry", subject="mine at 11, overdue",
        inquiry=inquiry(oslo(2026, 6, 10, 11, 0), me, status="in_progress"))
    log(kari, kind="inquiry", subject="nobody's", inquiry=inquiry(oslo(2026, 6, 11, 9, 0)))
    log(kari, kind="inquiry", subject="someone else's",
        inquiry=inquiry(oslo(2026, 6, 10, 9, 0), other))
    answered = log(kari, kind="inquiry", subject="answered",
                   inquiry=inquiry(oslo(2026, 6, 10, 9, 0), me))
    set_inquiry_status(answered.inquiry, "answered", answer="Ja")
    log(kari, kind="inquiry", subject="declined, nobody's",
        inquiry=inquiry(oslo(2026, 6, 10, 9, 0), status="declined"))

    day = my_day(me, now=oslo(2026, 6, 10, 12, 0))
    assert subjects(day.my_inquiries) == ["mine at 11, overdue", "mine at 15",
                                          "mine, no deadline"]
    assert subjects(day.unassigned_inquiries) == ["nobody's"]


def test_my_day_page_shows_follow_ups_and_inquiries(client, users):
    me = users["editor"]
    kari = journalist("Kari Nordmann")
    interaction = log(kari, staff=me, subject="Statsbudsjettet")
    add_follow_up(interaction, follow_up(oslo(2020, 1, 1, 9, 0), me, "Send tallene til Kari"))
    log(kari, kind="inquiry", subject="Sitatsjekk <b>NRK</b>",
        inquiry=inquiry(oslo(2020, 1, 1, 15, 0)))
    login(client, me.email)
    page = client.get("/").get_data(as_text=True)
    overdue = page[page.index('id="overdue"'):page.index('id="today"')]
    assert "Send tallene til Kari" in overdue and "Kari Nordmann" in overdue
    assert "overdue" in overdue and "Mark done" in overdue
    unassigned = page[page.index('id="unassigned-inquiries"'):]
    assert "Sitatsjekk &lt;b&gt;NRK&lt;/b&gt;" in unassigned and "deadline passed" in unassigned


def test_marking_done_from_my_day_returns_there(client, users):
    me = users["editor"]
    interaction = log(journalist("Kari Nordmann"), staff=me)
    fu = add_follow_up(interaction, follow_up(oslo(2020, 1, 1, 9, 0), me, "Ring NTB"))
    login(client, me.email)
    response = client.post(f"/follow-ups/{fu.id}/done", data={"next": "/"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    page = client.get("/").get_data(as_text=True)
    assert "Ring NTB" not in page


def test_viewer_sees_my_day_without_write_buttons(client, users):
    login(client, users["viewer"].email)
    page = client.get("/").get_data(as_text=True)
    assert "My day" in page and "Log interaction" not in page


def test_norwegian_user_sees_dates_the_norwegian_way(client, app):
    from tests.factories import make_user
    me = make_user("kari@parti.no", "editor", name="Kari Presse", language="nb")
    interaction = log(journalist("Åse Ødegård"), staff=me, when=oslo(2026, 3, 29, 0, 30))
    add_follow_up(interaction, follow_up(oslo(2026, 3, 29, 0, 30), me, "Følg opp æøå"))
    login(client, me.email)
    page = client.get("/").get_data(as_text=True)
    assert "Følg opp æøå" in page and "29.03.2026 00:30" in page
    assert "29.03.2026 00:30" in client.get(f"/interactions/{interaction.id}").get_data(
        as_text=True)
    form = client.get(f"/interactions/{interaction.id}/edit").get_data(as_text=True)
    assert 'value="29.03.2026 00:30"' in form  # the form writes dates as the page does
