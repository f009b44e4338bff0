"""The release editor's live preview in a real Chromium, at 390 px and at 1280 px: typing in
the text area shows the formatted body beside it (laptop) or below it (phone), hostile text
stays text, and the page breaks no Content-Security-Policy rule (the page fixture fails on
any violation or script error)."""

from __future__ import annotations

import pytest

from tests.browser.support import playwright_expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect = playwright_expect()

TYPED = ("Første avsnitt med **fet** og *kursiv* om Værøy & Røst.\n\n"
         "- Ap & Høyre\n- <script>window.hacked = 1</script>")


@pytest.mark.parametrize("width,height,side_by_side", [(1280, 800, True), (390, 844, False)])
def test_the_preview_follows_the_typing(page, live_server, log_in, width, height,
                                        side_by_side):
    log_in("editor")  # at the default width, where the log-out button shows
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/releases/new")
    area = page.get_by_label("Text", exact=True)
    preview = page.locator("#body-preview")
    expect(preview).to_be_visible()
    area.fill(TYPED)
    expect(preview.locator("strong")).to_have_text("fet")
    expect(preview.locator("em")).to_have_text("kursiv")
    expect(preview.locator("li")).to_have_text(["Ap & Høyre",
                                                "<script>window.hacked = 1</script>"])
    assert preview.locator("script").count() == 0
    assert page.evaluate("window.hacked === undefined")

    # Further typing replaces the preview (debounced: one request after the typing stops).
    area.press_sequentially(" Og **mer**.", delay=20)
    expect(preview.locator("strong")).to_have_text(["fet", "mer"])
    area.fill("")
    expect(preview).to_have_text("Nothing to show yet.")

    box_area, box_preview = area.bounding_box(), preview.bounding_box()
    if side_by_side:
        assert box_preview["x"] > box_area["x"] + box_area["width"] - 1
        assert abs(box_preview["y"] - box_area["y"]) < 60
    else:
        assert box_preview["y"] >= box_area["y"] + box_area["height"] - 1
        assert box_preview["x"] + box_preview["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # The typed text is saved as typed, and the edit page shows its preview at once.
    page.get_by_label("Title", exact=True).fill("Tannhelse på Værøy")
    area.fill(TYPED)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Tannhelse på Værøy")).to_be_visible()
    page.get_by_role("link", name="Edit").first.click()
    expect(page.locator("#body-preview strong")).to_have_text("fet")
