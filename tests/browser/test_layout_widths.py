"""Every main page at phone width (390x844) and laptop width (1366x900), in Chromium, on the
demo data: nothing scrolls sideways, the menu folds behind a button on the phone, names in the
contact list stay on one line on the phone and e-mail addresses keep room on the laptop, labels
do not overlap their values, chart labels stay readable.
"""

from __future__ import annotations

import pytest

from crm.extensions import db
from tests.browser.support import playwright_expect
from tests.support import PASSWORD, demo_site

expect = playwright_expect()

pytestmark = pytest.mark.slow

VIEWPORTS = {"phone": (390, 844), "laptop": (1366, 900)}
# Pages with ids, by the table whose first row fills them.
DETAIL_PAGES = {
    "contacts.detail": ("contact_id", "contact"),
    "contacts.organisation": ("organisation_id", "organisation"),
    "contacts.media_list": ("list_id", "media_list"),
    "interactions.interaction_detail": ("interaction_id", "interaction"),
    "releases.detail": ("release_id", "release"),
    "releases.distribution_detail": ("distribution_id", "distribution"),
    "monitoring.article": ("article_id", "article"),
    "monitoring.feed": ("feed_id", "feed"),
}
# GET routes without arguments that are not pages a person reads in the app.
NOT_PAGES = ("export", ".ics", ".csv", ".docx", "opml", ".vcf", "vcard", "download", "email.html",
             "email.txt", "/static", "logout", "healthz", "calendar")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The demo register on a real server; yields (base URL, the pages to visit)."""
    url = "sqlite:///" + str(tmp_path_factory.mktemp("layout") / "crm.sqlite3")
    with demo_site(url, {"layout@example.no": ("admin", "nb")}, create_tables=True) as (
            base, app):
        with app.app_context(), app.test_request_context():
            pages = _pages(app)
        yield base, pages


def _pages(app) -> list[str]:
    from flask import url_for
    pages = sorted({rule.rule for rule in app.url_map.iter_rules()
                    if "GET" in rule.methods and not rule.arguments
                    and not any(part in rule.rule for part in NOT_PAGES)})
    for endpoint, (arg, table) in DETAIL_PAGES.items():
        if endpoint not in app.view_functions:
            continue
        t = db.metadata.tables[table]
        first = db.session.scalar(db.select(t.c.id).order_by(t.c.id).limit(1))
        if first is not None:
            pages.append(url_for(endpoint, **{arg: first}))
    db.session.remove()
    return pages


def _logged_in(browser, base: str, viewport: tuple[int, int]):
    width, height = viewport
    context = browser.new_context(base_url=base, viewport={"width": width, "height": height},
                                  locale="nb-NO", timezone_id="Europe/Oslo")
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=email]", "layout@example.no")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    return context, page


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_no_page_scrolls_sideways(browser, site, viewport):
    base, pages = site
    width, _height = VIEWPORTS[viewport]
    context, page = _logged_in(browser, base, VIEWPORTS[viewport])
    too_wide = []
    try:
        for path in pages:
            response = page.goto(path)
            assert response is not None and response.status < 500, path
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                too_wide.append(f"{path}: {scroll_width} px")
    finally:
        context.close()
    assert len(pages) > 30
    assert not too_wide, f"pages wider than {width} px: {too_wide}"


def test_the_menu_folds_behind_a_button_on_a_phone(browser, site):
    base, _visited = site
    context, page = _logged_in(browser, base, VIEWPORTS["phone"])
    try:
        page.goto("/contacts")
        menu = page.locator(".mainnav")
        expect(menu).to_be_hidden()
        assert page.evaluate("document.querySelector('main').getBoundingClientRect().top") < 80
        page.locator("label.nav-button").click()
        expect(menu).to_be_visible()
        menu.get_by_role("link", name="Medielister").click()
        page.wait_for_url("**/lists")
    finally:
        context.close()
    context, page = _logged_in(browser, base, VIEWPORTS["laptop"])
    try:
        page.goto("/contacts")
        expect(page.locator(".mainnav")).to_be_visible()
        expect(page.locator("label.nav-button")).to_be_hidden()
    finally:
        context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_contact_names_stay_on_one_line_and_labels_never_overlap(browser, site, viewport):
    base, pages = site
    context, page = _logged_in(browser, base, VIEWPORTS[viewport])
    try:
        page.goto("/contacts")
        if viewport == "phone":  # the stacked row's heading
            wrapped = page.evaluate("""() => [...document.querySelectorAll('td.name a')]
                .filter(a => a.getClientRects().length > 1).map(a => a.textContent)""")
            assert not wrapped, f"names on two lines: {wrapped}"
        else:  # eight columns: a long name may take two lines, the e-mail column keeps room
            narrow = page.evaluate("""() => [...document.querySelectorAll('td.email')]
                .filter(td => td.textContent.trim() && td.getBoundingClientRect().width < 100)
                .map(td => td.textContent.trim())""")
            assert not narrow, f"e-mail addresses squeezed: {narrow}"
        contact = next(p for p in pages if p.startswith("/contacts/") and p[10:].isdigit())
        page.goto(contact)
        overlaps = page.evaluate("""() => {
            const out = [];
            for (const dt of document.querySelectorAll('dl.facts dt')) {
                const dd = dt.nextElementSibling;
                if (!dd) continue;
                const a = dt.getBoundingClientRect(), b = dd.getBoundingClientRect();
                const apart = a.right <= b.left + 0.5 || b.right <= a.left + 0.5
                    || a.bottom <= b.top + 0.5 || b.bottom <= a.top + 0.5;
                if (!apart) out.push(dt.textContent);
            }
            return out;
        }""")
        assert not overlaps, f"labels overlapping their values: {overlaps}"
        # Secondary actions sit in a "More" menu.
        more = page.locator("details.more > summary")
        more.click()
        expect(page.locator("details.more .menu").get_by_text("vCard")).to_be_visible()
    finally:
        context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_chart_labels_are_readable(browser, site, viewport):
    base, _visited = site
    context, page = _logged_in(browser, base, VIEWPORTS[viewport])
    try:
        page.goto("/monitoring/coverage")
        sizes = page.evaluate("""() => [...document.querySelectorAll('svg.chart text')]
            .filter(t => t.textContent.trim())
            .map(t => t.getBoundingClientRect().height)""")
        assert sizes, "the coverage page has charts with labels"
        # A text box is about 1.15 to 1.3 times its font size: 11 px text is over 12 px tall.
        assert min(sizes) >= 12, f"chart labels smaller than 11 px: {min(sizes):.1f} px boxes"
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport][0]
        clipped = page.evaluate("""() => [...document.querySelectorAll('svg.chart')]
            .flatMap(svg => { const box = svg.getBoundingClientRect();
                return [...svg.querySelectorAll('text')].filter(t => {
                    const r = t.getBoundingClientRect();
                    return r.width && (r.left < box.left - 1 || r.right > box.right + 1); })
                .map(t => t.textContent); })""")
        assert not clipped, f"chart labels cut off: {clipped}"
    finally:
        context.close()


def test_lists_read_on_a_phone_stack_their_rows_instead_of_scrolling(browser, site):
    """Mentions, feeds and press releases are read on phones: their rows stack (labelled
    cells) rather than scroll sideways inside the table's box."""
    base, _visited = site
    context, page = _logged_in(browser, base, VIEWPORTS["phone"])
    try:
        for path in ("/monitoring/", "/monitoring/feeds", "/releases/", "/contacts"):
            page.goto(path)
            wide = page.evaluate("""() => [...document.querySelectorAll('table.table')]
                .filter(t => t.scrollWidth > t.clientWidth + 1)
                .map(t => t.className + ' ' + t.scrollWidth + ' px')""")
            assert not wide, f"{path}: tables scrolling sideways: {wide}"
            assert page.locator("table.table.stack td[data-label]").count() > 0, path
    finally:
        context.close()
