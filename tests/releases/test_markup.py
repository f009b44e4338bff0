"""The simple release markup: what is formatting, and that everything else stays text."""

import pytest

from crm.releases import markup


def test_paragraphs_bullets_bold_italic_and_links():
    text = ("Første **fet** og *kursiv* med [NRK](https://nrk.no).\nNy linje.\n\n"
            "- én\n* to\n\nSiste.")
    assert markup.to_html(text) == (
        '<p>Første <strong>fet</strong> og <em>kursiv</em> med <a href="https://nrk.no">NRK'
        '</a>.<br>Ny linje.</p>\n<ul><li>én</li><li>to</li></ul>\n<p>Siste.</p>')
    assert markup.to_text(text) == ("Første fet og kursiv med NRK <https://nrk.no>.\n"
                                    "Ny linje.\n\n• én\n• to\n\nSiste.")


@pytest.mark.parametrize("hostile,expected", [
    ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
    ("[klikk](javascript:alert(1))", "<p>[klikk](javascript:alert(1))</p>"),
    ('[x](https://a.no/"onmouseover="y)', '<p><a href="https://a.no/&quot;onmouseover=&quot;y">'
                                          'x</a></p>'),
    ("Ap & Høyre", "<p>Ap &amp; Høyre</p>"),
    ("2 * 3 * 4", "<p>2 * 3 * 4</p>"),
    ("snake_case_name", "<p>snake_case_name</p>"),
])
def test_everything_else_is_text(hostile, expected):
    assert markup.to_html(hostile) == expected


def test_word_output_escapes_text_and_links_use_relationships():
    ids = []

    def link_id(url):
        ids.append(url)
        return "rId9"

    xml = markup.to_wordml("A & <b> [lenke](mailto:presse@partiet.no)", link_id)
    assert "A &amp; &lt;b&gt; " in xml and 'r:id="rId9"' in xml
    assert ids == ["mailto:presse@partiet.no"]


def test_control_characters_are_removed_and_empty_text_gives_nothing():
    assert markup.clean("a\x00b\x07c\x0bd\r\ne") == "abcd\ne"
    assert markup.to_html("") == "" and markup.to_text("  \n\n ") == ""
    assert markup.to_wordml("", lambda url: "x") == ""
