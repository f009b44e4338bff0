"""Rendering release templates (.docx with Jinja placeholders) safely.

Templates are user uploads, so every render runs
- in a sandbox: an immutable SandboxedEnvironment with autoescape (a template cannot reach
  Python internals, and "Ap & Høyre" keeps its "&" in the XML);
- on plain data only (strings, dicts, lists), never on models;
- in a separate process (forked from a forkserver that has this module loaded, so it is
  cheap) with a wall-clock limit and memory/CPU rlimits: the sandbox bounds neither.

Placeholders: inline ones (`{{ title }}`, `{{ spokesperson.name }}` ...) work in the body,
headers, footers and document properties; the block ones (`{{p body }}`, `{{p quotes }}`,
`{{p snippets }}`) stand alone on a paragraph of the document body and become paragraphs.
`{{ logo }}` is the office's logo from the settings (an image, or nothing when none is set).

A trial render with sample data (`inspect`) also finds which of a release's parts the
template shows: one that shows neither its title nor its text is no use for sending.
"""

from __future__ import annotations

import html
import io
import multiprocessing
import re
from dataclasses import dataclass, field

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import TemplateError, TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from crm.errors import UserError
from crm.messages import Message, msg
from crm.releases import markup

INLINE_VARIABLES = ("title", "lead", "quote", "date", "time", "embargo", "embargo_until",
                    "spokesperson", "language", "tags", "release_number")
BLOCK_VARIABLES = ("body", "quotes", "snippets")
IMAGE_VARIABLES = ("logo",)
KNOWN_VARIABLES = frozenset(INLINE_VARIABLES + BLOCK_VARIABLES + IMAGE_VARIABLES)
# Without one of these shown, a rendered release carries none of its own words.
ESSENTIAL_PARTS = ("title", "body")
SHOWN_PARTS = ("title", "lead", "body", "quotes")
LOGO_HEIGHT = Cm(1.6)
SPOKESPERSON_FIELDS = ("name", "title", "email", "phone", "organisation")

DEFAULT_TIMEOUT = 20.0  # seconds for one render
MEMORY_LIMIT = 1024 * 1024 * 1024  # address space of a render process
_BLOCK_USE = re.compile(r"\{\{-?\s*(" + "|".join(BLOCK_VARIABLES) + r")\b")
# Placeholders of other tools (mail merge, ${...}, [[...]], <<...>>, {...}), for a hint.
_FOREIGN = re.compile(r"\$\{[^{}\n]{1,40}\}|\[\[[^\[\]\n]{1,40}\]\]|<<[^<>\n]{1,40}>>"
                      r"|(?<![{%])\{[A-Za-z_][\w .-]{0,39}\}(?!\})")
_TAG = re.compile(r"\{\{(?:(?!\}\}).)*\}\}|\{%(?:(?!%\}).)*%\}", re.DOTALL)


class RenderError(UserError):
    """A template could not be rendered; the message is fit to show to its uploader."""


def _together(messages: list[Message]) -> Message:
    """Several messages as one, each rendered in the reader's language, joined by spaces."""
    if len(messages) == 1:
        return messages[0]
    return Message("%(first)s %(rest)s", {"first": messages[0], "rest": _together(messages[1:])})


def sandbox() -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(autoescape=True)


# --- in the render process ------------------------------------------------------------------

def _bullet_style(tpl) -> str:
    """The template's bullet-list paragraph style, if it has Word's built-in one."""
    ids = {style.style_id for style in tpl.docx.styles}
    return "ListBullet" if "ListBullet" in ids else ""


class _Template(DocxTemplate):
    def patch_xml(self, src_xml):
        # Inside a tag the text is still XML-escaped: docxtpl turns &lt; and &gt; back but not
        # &amp;, so {{ title ~ " & co" }} showed "&amp;". Tags hold no markup any more here.
        return _TAG.sub(lambda m: html.unescape(m.group(0)), super().patch_xml(src_xml))

    def render_properties(self, context, jinja_env=None):
        # Document properties are plain text, not XML: escaping them would show "&amp;".
        super().render_properties(context, ImmutableSandboxedEnvironment(autoescape=False))


def _context(tpl, data: dict) -> dict:
    links: dict[str, str] = {}

    def link_id(url: str) -> str:
        if url not in links:
            links[url] = tpl.build_url_id(url)
        return links[url]

    bullet = _bullet_style(tpl)
    context = {name: data.get(name, "") for name in INLINE_VARIABLES}
    context["spokesperson"] = {k: (data.get("spokesperson") or {}).get(k, "")
                               for k in SPOKESPERSON_FIELDS}
    for name in BLOCK_VARIABLES:
        context[name] = Markup(markup.to_wordml(data.get(name, ""), link_id, bullet))
    logo = data.get("logo") or b""
    context["logo"] = InlineImage(tpl, io.BytesIO(logo), height=LOGO_HEIGHT) if logo else ""
    return context


def _block_misuse(tpl) -> list[Message]:
    """Block placeholders written inline ({{ body }} instead of {{p body }}) or in a header."""
    problems = []
    body_xml = tpl.patch_xml(tpl.get_xml())
    for m in _BLOCK_USE.finditer(body_xml):
        before = body_xml[:m.start()]
        if max(before.rfind("<w:t>"), before.rfind("<w:t ")) > before.rfind("</w:t>"):
            problems.append(msg("Write %(block)s alone on its own paragraph, not %(inline)s "
                                "inside a line of text.", block=f"{{{{p {m.group(1)} }}}}",
                                inline=f"{{{{ {m.group(1)} }}}}"))
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _key, part in tpl.get_headers_footers(uri):
            for m in _BLOCK_USE.finditer(tpl.patch_xml(tpl.get_part_xml(part))):
                problems.append(msg("%(name)s can only be used in the document body, not in "
                                    "a header or footer.", name=m.group(1)))
    return sorted(set(problems), key=lambda m: (m.msgid, sorted(m.params.items())))


def _variables(tpl) -> set[str]:
    return set(tpl.get_undeclared_template_variables(jinja_env=sandbox()))


def _render(template_bytes: bytes, data: dict) -> bytes:
    tpl = _Template(io.BytesIO(template_bytes))
    tpl.init_docx()
    problems = _block_misuse(tpl)
    if problems:
        raise RenderError(_together(problems))
    tpl.render(_context(tpl, data), jinja_env=sandbox())
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def visible_text(doc) -> str:
    """The text a reader sees in a python-docx Document: every paragraph (tables and text
    boxes too) of the body, the headers and the footers, one line each; runs split by Word
    are joined."""
    parts = [doc.element.body]
    for section in doc.sections:
        for hf in (section.header, section.footer, section.first_page_header,
                   section.first_page_footer, section.even_page_header, section.even_page_footer):
            if not hf.is_linked_to_previous:
                parts.append(hf._element)
    lines = []
    for part in parts:
        for paragraph in part.iter(qn("w:p")):
            lines.append("".join(t.text or "" for t in paragraph.iter(qn("w:t"))))
    return "\n".join(lines)


def _first_words(text: str, count: int = 4) -> str:
    return " ".join(markup.to_text(text).split()[:count])


def _inspect(template_bytes: bytes, data: dict) -> dict:
    tpl = _Template(io.BytesIO(template_bytes))
    tpl.init_docx()
    variables = _variables(tpl)
    foreign = list(dict.fromkeys(_FOREIGN.findall(visible_text(tpl.docx))))[:3]
    if "MERGEFIELD" in tpl.get_xml():
        foreign.insert(0, "MERGEFIELD")
    rendered = _render(template_bytes, data)  # a trial render must succeed
    text = " ".join(visible_text(Document(io.BytesIO(rendered))).split())
    shown = [part for part in SHOWN_PARTS
             if data.get(part) and _first_words(data[part]) in text]
    return {"variables": sorted(variables), "shown": shown, "foreign": foreign}


def _describe(exc: BaseException) -> Message:
    if isinstance(exc, RenderError):
        return exc.msg
    if isinstance(exc, SecurityError):
        return msg("The template tries to reach something it may not (blocked by the sandbox).")
    if isinstance(exc, TemplateSyntaxError):
        return msg("Template syntax error: %(detail)s", detail=str(exc.message))
    if isinstance(exc, TemplateError):
        return msg("Template error: %(detail)s", detail=str(exc.message or type(exc).__name__))
    if isinstance(exc, MemoryError):
        return msg("The template needs too much memory.")
    return msg("The document could not be rendered (%(error)s).", error=type(exc).__name__)


def _child(conn, func_name: str, template_bytes: bytes, data: dict, cpu_seconds: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    try:
        func = {"render": _render, "inspect": _inspect}[func_name]
        conn.send(("ok", func(template_bytes, data)))
    except BaseException as exc:  # everything goes back to the parent as a message
        conn.send(("error", _describe(exc).to_dict()))  # plain data across the pipe
    finally:
        conn.close()


# --- in the app process ---------------------------------------------------------------------

_context_cache: list = []


def _mp_context():
    if not _context_cache:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["crm.releases.docx", "docxtpl"])
        _context_cache.append(ctx)
    return _context_cache[0]


def _run(func_name: str, template_bytes: bytes, data: dict, timeout: float):
    ctx = _mp_context()
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, daemon=True,
                          args=(sender, func_name, template_bytes, data, int(timeout) + 1))
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise RenderError(msg("Rendering took longer than %(seconds)s seconds and was "
                                  "stopped.", seconds=f"{timeout:g}"))
        try:
            status, payload = receiver.recv()
        except EOFError:
            raise RenderError(msg("The renderer stopped without an answer (memory or CPU "
                                  "limit).")) from None
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)
        process.close()
    if status != "ok":
        raise RenderError(Message.from_dict(payload))
    return payload


def render(template_bytes: bytes, data: dict, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """The template rendered with `data` (see INLINE/BLOCK_VARIABLES) as .docx bytes.

    Raises RenderError with a message for people on any failure, a timeout included.
    """
    return _run("render", template_bytes, data, timeout)


@dataclass
class Inspection:
    variables: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)  # SHOWN_PARTS seen in the trial render
    foreign: list[str] = field(default_factory=list)  # other tools' placeholders seen

    @property
    def unknown(self) -> list[str]:
        return [v for v in self.variables if v not in KNOWN_VARIABLES]

    @property
    def known(self) -> list[str]:
        return [v for v in self.variables if v in KNOWN_VARIABLES]

    @property
    def usable(self) -> bool:
        return shows_release(self.shown)


def shows_release(shown: list[str] | None) -> bool:
    """Whether a template that shows these parts can carry a release (its title or text)."""
    return any(part in (shown or ()) for part in ESSENTIAL_PARTS)


def inspect(template_bytes: bytes, sample: dict, timeout: float = DEFAULT_TIMEOUT) -> Inspection:
    """The placeholders a template uses, after a successful trial render with `sample`."""
    return Inspection(**_run("inspect", template_bytes, sample, timeout))
