"""The French catalogue covers every visible string, and pages show text only through t()/tr().

English is the source language, so "a visible string with no translation in either catalogue"
means a message of the code that the French catalogue does not translate. The messages are
extracted here with Babel from the code as it is now (the same map as `make messages`), so a
string added without running `make messages` and translating it fails this test.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from campaigns import i18n

ROOT = Path(__file__).resolve().parents[2]
FRENCH = ROOT / "locales" / "fr" / "LC_MESSAGES" / "spotlight.po"
# The same keywords as `make messages`: t() on pages, N_() and msg() in the domain, _() in
# the report templates (Babel's defaults include _ and N_).
KEYWORDS = {**DEFAULT_KEYWORDS, "t": None, "msg": None}
SCANNED = ("pages", "ui", "campaign_app.py")
# Number formats that write English: a thousands comma, a percent sign, a decimal point.
ENGLISH_NUMBER_FORMAT = re.compile(r",|%|\.[1-9]\d*f")
FIX = "run `make messages`, then translate the new entries in " + str(FRENCH.relative_to(ROOT))


# --- extraction and catalogue -------------------------------------------------------------


@cache
def extracted() -> dict[str, tuple[str, ...]]:
    """Every message the code marks for translation, with the files that use it."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, "babel.cfg")
    roots = {pattern.split("/")[0] for pattern, _ in method_map}

    def wanted(path: str) -> bool:
        # Only the folders the map names: data/, node_modules/ and the like are never read.
        return Path(path).relative_to(ROOT).parts[0] in roots

    found: dict[str, set[str]] = {}
    for filename, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=wanted
    ):
        text = message[0] if isinstance(message, tuple) else message
        if text:
            found.setdefault(text, set()).add(filename)
    return {text: tuple(sorted(files)) for text, files in found.items()}


@cache
def french() -> Catalog:
    with FRENCH.open("rb") as handle:
        return read_po(handle, locale="fr", domain=i18n.DOMAIN)


def entries() -> Iterator[Message]:
    """The catalogue's entries with a message id (the header has none)."""
    for message in french():
        if message.id:
            yield message


def translated(message: Message | None) -> bool:
    if message is None or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def msgid(message: Message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else str(message.id)


def msgstr(message: Message) -> str:
    return message.string[0] if isinstance(message.string, tuple) else str(message.string)


def test_extraction_finds_the_messages_of_pages_and_domain() -> None:
    files = {file for files in extracted().values() for file in files}
    assert "Sign in" in extracted()  # campaign_app.py and ui/auth.py
    assert any(file.startswith("pages/") for file in files)
    assert any(file.startswith("campaigns/") for file in files)


def test_every_message_has_a_french_translation() -> None:
    catalogue = french()
    missing = [
        f"{text!r}  ({', '.join(files)})"
        for text, files in sorted(extracted().items())
        if not translated(catalogue.get(text))
    ]
    assert not missing, f"{len(missing)} message(s) without French; {FIX}:\n" + "\n".join(missing)


# --- placeholders, Markdown, typography ---------------------------------------------------


def placeholders(text: str) -> set[str]:
    """The {names} str.format fills in (raises ValueError on a stray brace)."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


MARKERS = {
    "bold (**)": re.compile(r"\*\*"),
    "code (`)": re.compile(r"`"),
    "icon (:material/…:)": re.compile(r":material/[a-z0-9_]+:"),
    "link ([…](…))": re.compile(r"\[[^\]]*\]\([^)]*\)"),
    "colour (:red[…])": re.compile(r":[a-z]+\["),
    "line break": re.compile(r" {2}\n"),
}


def test_translations_keep_the_placeholders_of_their_message() -> None:
    problems = []
    for message in entries():
        if not translated(message):
            continue
        try:
            source, target = placeholders(msgid(message)), placeholders(msgstr(message))
        except ValueError as exc:
            problems.append(f"{msgid(message)!r}: {exc}")
            continue
        if source != target:
            problems.append(f"{msgid(message)!r}: {sorted(source)} ≠ {sorted(target)}")
    assert not problems, "\n".join(problems)


def test_translations_keep_the_markdown_of_their_message() -> None:
    problems = []
    for message in entries():
        if not translated(message):
            continue
        source, target = msgid(message), msgstr(message)
        for name, pattern in MARKERS.items():
            if len(pattern.findall(source)) != len(pattern.findall(target)):
                problems.append(f"{source!r}: {name} differs in {target!r}")
        links = re.findall(r"\]\(([^)]*)\)", source)
        if links != re.findall(r"\]\(([^)]*)\)", target):
            problems.append(f"{source!r}: the link addresses changed in {target!r}")
    assert not problems, "\n".join(problems)


def test_french_puts_a_no_break_space_before_high_punctuation() -> None:
    # French typography: a (narrow) no-break space before : ; ? ! and %, never a line break.
    # Colons of Markdown directives (":material/…:", ":gray[") are not punctuation.
    plain_space = re.compile(r" (?:[;?!%]|:(?!material/|[a-z]+\[))")
    problems = [
        f"{msgid(message)!r}: {msgstr(message)!r}"
        for message in entries()
        if translated(message) and plain_space.search(msgstr(message))
    ]
    assert not problems, "\n".join(problems)


def test_messages_leave_number_formatting_to_the_locale() -> None:
    # "{share:.0%}" in a message formats as 25% in French too: pass pct(share) instead.
    problems = [
        text
        for text in extracted()
        if any(ENGLISH_NUMBER_FORMAT.search(spec) for spec in re.findall(r"\{\w*:([^{}]*)\}", text))
    ]
    assert not problems, "use num()/pct()/day() for the values of:\n" + "\n".join(problems)


# --- the catalogue as Spotlight reads it ---------------------------------------------------


def test_the_french_catalogue_loads_as_spotlight_reads_it() -> None:
    catalogue = i18n.catalogue("fr")
    assert catalogue["Sign in"] == "Se connecter"
    assert i18n.translate("fr", "Accounts ({count})", count=3) == "Comptes (3)"
    assert i18n.translate("en", "Accounts ({count})", count=3) == "Accounts (3)"


def test_the_french_catalogue_has_no_obsolete_entries() -> None:
    assert not french().obsolete, f"obsolete entries left; {FIX}"
    unused = sorted(msgid(m) for m in entries() if msgid(m) not in extracted())
    assert not unused, f"entries no code uses any more; {FIX}:\n" + "\n".join(unused)


# --- pages show text only through t() and tr() --------------------------------------------

# Streamlit calls (on st, st.sidebar, a column, a tab, a container…) that show their text.
SHOWS_TEXT = {
    "title", "header", "subheader", "markdown", "caption", "write", "text", "badge",
    "button", "download_button", "link_button", "page_link", "form_submit_button",
    "text_input", "text_area", "number_input", "selectbox", "multiselect", "radio", "checkbox",
    "toggle", "slider", "select_slider", "segmented_control", "pills", "date_input",
    "time_input", "file_uploader", "camera_input", "color_picker", "chat_input",
    "info", "warning", "error", "success", "toast", "spinner", "progress", "status",
    "tabs", "expander", "popover", "metric", "dialog", "image", "Page",
}  # fmt: skip
# Calls whose first argument is not text (an image, a value, a page).
FIRST_ARGUMENT_NOT_TEXT = {"image", "progress", "page_link", "Page", "status"}
TEXT_KEYWORDS = {"label", "body", "title", "help", "placeholder", "caption", "text", "alt"}
# Altair's titles (charts, axes, legends) are read too.
CHART_CALLS = {"Chart", "X", "Y", "Color", "StrokeDash", "Legend", "Axis", "Tooltip", "Size"}
# Spotlight's own widgets that show the text given to them.
WIDGETS = {"empty_state", "flash", "coming_soon"}
NOT_STREAMLIT = {"log", "logger", "logging", "warnings", "re", "os", "sys", "path"}
NAMES = {"Spotlight"}  # the product's name reads the same in every language


def _root(node: ast.expr) -> str:
    while isinstance(node, ast.Attribute | ast.Subscript | ast.Call):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


def _literal_text(node: ast.expr) -> str | None:
    """The words a string literal or f-string shows by itself (None when it shows none)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        # Only the literal parts: what is inside {…} (and its format) comes from elsewhere.
        text = "".join(
            part.value
            for part in node.values
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        )
    else:
        return None
    return text if any(ch.isalpha() for ch in text) and text.strip() not in NAMES else None


def _shown_arguments(call: ast.Call) -> Iterator[ast.expr]:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if isinstance(func, ast.Name) and name in WIDGETS:
        yield from call.args
        return
    if not isinstance(func, ast.Attribute):
        return
    if name in CHART_CALLS and _root(func) == "alt":
        yield from (k.value for k in call.keywords if k.arg == "title")
        return
    if name not in SHOWS_TEXT or _root(func) in NOT_STREAMLIT:
        return
    positional = call.args if name in ("write", "tabs") else call.args[:1]
    if name not in FIRST_ARGUMENT_NOT_TEXT:
        for argument in positional:
            if isinstance(argument, ast.List | ast.Tuple):
                yield from argument.elts  # st.tabs(["A", "B"])
            else:
                yield argument
    yield from (k.value for k in call.keywords if k.arg in TEXT_KEYWORDS)


def _english_placeholder(call: ast.Call) -> bool:
    """A menu that would show Streamlit's own English hint ("Choose options") while empty."""
    if not isinstance(call.func, ast.Attribute) or _root(call.func) in NOT_STREAMLIT:
        return False
    keywords = {k.arg: k.value for k in call.keywords}
    if "placeholder" in keywords:
        return False
    if call.func.attr == "multiselect":
        return True
    index = keywords.get("index")
    return call.func.attr == "selectbox" and isinstance(index, ast.Constant) and index.value is None


def _literal_message(node: ast.AST) -> str | None:
    """The message of t("…") or N_("…") (Babel's extraction cannot see one inside an f-string)."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("t", "N_")
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        return node.args[0].value
    return None


def untranslated_text(source: str, filename: str = "<code>") -> list[str]:
    """Where a Streamlit call shows a literal, or t() gets a string Babel cannot extract."""
    found: list[tuple[int, int, str]] = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.JoinedStr):
            found.extend(
                (
                    inner.lineno,
                    inner.col_offset,
                    f"t({_literal_message(inner)!r}) inside an f-string: Babel skips it",
                )
                for part in node.values
                for inner in ast.walk(part)
                if _literal_message(inner) not in (None, *NAMES)
            )
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name) and node.func.id in ("t", "N_") and node.args:
            if isinstance(node.args[0], ast.JoinedStr):
                found.append((node.lineno, node.col_offset, f"f-string given to {node.func.id}()"))
            continue
        for argument in _shown_arguments(node):
            text = _literal_text(argument)
            if text is not None:
                found.append((argument.lineno, argument.col_offset, repr(text)))
        if _english_placeholder(node):
            found.append((node.lineno, node.col_offset, "no placeholder= (Streamlit's English)"))
    return [f"{filename}:{line}: {what}" for line, _, what in sorted(found)]


def scanned_files() -> Iterator[Path]:
    for name in SCANNED:
        path = ROOT / name
        yield from sorted(path.rglob("*.py")) if path.is_dir() else [path]


def test_pages_show_text_only_through_the_translation_functions() -> None:
    found = [
        hit
        for path in scanned_files()
        for hit in untranslated_text(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert not found, 'wrap these in t("…") (placeholders for values):\n' + "\n".join(found)


def test_the_scan_sees_literals_in_columns_tabs_dialogs_and_f_strings() -> None:
    source = """
import streamlit as st
c1, c2 = st.columns(2)
c1.button("Save", key="x__save")
st.tabs([t("Fine"), "Not fine"])
st.caption(f"{count} posts")
st.markdown(f"**{t('Not extracted')}**")
st.markdown(f"**{t(label)}**")
st.caption(" · ".join(parts))
st.text_input(t("Name"), key="x__name", placeholder="e.g. Ada")
st.multiselect(t("Tags"), tags, key="x__tags")
col.selectbox(t("Who"), people, index=None, key="x__who")
st.selectbox(t("Who"), people, index=None, placeholder=t("Choose someone"), key="x__who2")

@st.dialog("Add")
def add() -> None: ...

chart = alt.Chart(frame, title="Reach")
t(f"Hello {name}")
log.error("not shown to people")
"""
    found = untranslated_text(source)
    assert [hit.split(": ", 1)[1] for hit in found] == [
        "'Save'",
        "'Not fine'",
        "' posts'",
        "t('Not extracted') inside an f-string: Babel skips it",
        "'e.g. Ada'",
        "no placeholder= (Streamlit's English)",
        "no placeholder= (Streamlit's English)",
        "'Add'",
        "'Reach'",
        "f-string given to t()",
    ], found


# --- numbers and dates follow the reader's language ----------------------------------------

NOT_SHOWN = {"key", "file_name", "mime", "format"}


def english_formatting(source: str, filename: str = "<code>") -> list[str]:
    """f-string formats (`{x:,}`, `{x:.1%}`, `{d:%d %b}`) and strftime() outside keys and names."""
    hidden: set[int] = set()
    tree = ast.parse(source, filename)
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in NOT_SHOWN:
            hidden.update(id(inner) for inner in ast.walk(node.value))
    found: list[tuple[int, int, str]] = []
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.FormattedValue) and isinstance(node.format_spec, ast.JoinedStr):
            spec = "".join(
                str(part.value)
                for part in node.format_spec.values
                if isinstance(part, ast.Constant)
            )
            if ENGLISH_NUMBER_FORMAT.search(spec):
                # The value's own place: Python 3.11 puts every part of an f-string at its start.
                found.append((node.value.lineno, node.value.col_offset, f"{{…:{spec}}}"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "strftime"
        ):
            found.append((node.lineno, node.col_offset, "strftime()"))
    return [f"{filename}:{line}: {what}" for line, _, what in sorted(found)]


def test_pages_format_numbers_and_dates_for_the_reader() -> None:
    found = [
        hit
        for path in scanned_files()
        for hit in english_formatting(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert not found, "use num(), pct(), day() or moment() from ui.i18n:\n" + "\n".join(found)


def test_the_format_scan_spares_keys_and_file_names() -> None:
    source = """
st.caption(f"{share:.1%} · {day:%d %b %Y} · {n:,}")
st.download_button(t("CSV"), data, file_name=f"posts-{day:%Y%m%d}.csv", key=f"k_{n:,}")
st.text(when.strftime("%H:%M"))
"""
    found = english_formatting(source)
    assert [hit.split(": ", 1)[1] for hit in found] == [
        "{…:.1%}",
        "{…:%d %b %Y}",
        "{…:,}",
        "strftime()",
    ], found
