"""Every screen of Spotlight audited with axe-core in Chromium, in English and in French.

With the demo loaded (and its admissions export imported), one signed-in tab per language visits
the sign-in page and every page of the sidebar. A closed tab or expander hides its content from
axe, so on each page every tab is opened in turn, and every expander of what is shown; the views
a user reaches from a list are audited too: a role model's profile, the "Add a role model" dialog,
a portrait and a post opened in the calendar. For each view the test waits until Streamlit is
idle, checks that `<html lang>` names the language, runs axe (WCAG 2.0 and 2.1, A and AA), checks
the contrast of the charts' axis, legend and title texts (SVG text, which axe leaves for a person
to review) and saves a full-page screenshot.

Artifacts: test-artifacts/axe/<lang>-<page>.json (every view's axe result), <lang>-<page>.txt
(the short summary) and summary.md (one line per page); test-artifacts/browser/a11y_<lang>_<page>
[__<view>].png. A serious or critical violation fails its page unless KNOWN_EXCEPTIONS lists its
rule and element with the Streamlit issue it belongs to.

axe-core comes from the npm registry, pinned by package-lock.json: run `npm ci` first.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from campaigns import i18n
from campaigns.applications import count_applications
from campaigns.db import make_engine
from tests.browser.conftest import REPO_ROOT, App
from tests.browser.conftest import open_tab as new_tab
from tests.browser.test_keyboard_walk import expect_page
from tests.browser.test_pages import (
    DEMO_PASSWORD,
    ensure_signed_in_as_admin,
    save_full_page,
    wait_until_idle,
    wait_until_rendered,
)
from tests.conftest import skip_or_fail

pytestmark = pytest.mark.browser

AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.10.3"
AXE_REPORTS = REPO_ROOT / "test-artifacts" / "axe"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
FAILING_IMPACTS = ("serious", "critical")
IMPACTS = ("critical", "serious", "moderate", "minor")
# The French pass signs in as the demo's administrator, whose language choice no story reads.
FRENCH_ADMIN = "admin@demo.example.org"
BROWSER_LOCALES = {"en": "en-GB", "fr": "fr-FR"}


@dataclass(frozen=True, slots=True)
class KnownException:
    """A violation that comes from Streamlit itself and cannot be fixed from the app."""

    rule: str
    target: str  # a regular expression searched in the element's CSS selector
    issue: str  # the Streamlit issue it belongs to
    why: str

    def covers(self, rule: str, target: str) -> bool:
        """True when a violation of that rule on that element is this exception."""
        return rule == self.rule and re.search(self.target, target) is not None


# None today. axe-core 4.10.3 found one in Streamlit 1.67: `list` / `listitem` on the sectioned
# sidebar navigation (section headings inside its <ul>); Spotlight now draws its own sidebar of
# page links, so the exception went with it. An entry names the rule, a pattern of the element's
# selector, the Streamlit issue and why the app cannot fix it, e.g.
# KnownException("list", r"stSidebarNav", "https://github.com/streamlit/streamlit/issues/…", "…").
KNOWN_EXCEPTIONS: tuple[KnownException, ...] = ()


@dataclass(frozen=True, slots=True)
class Screen:
    """A page of the sidebar: the file names' key and its title (the link's text) in English."""

    key: str
    title: str


SCREENS = (
    Screen("today", "Today"),
    Screen("role_models", "Role models"),
    Screen("portraits", "Portraits"),
    Screen("campaigns", "Campaigns"),
    Screen("calendar", "Calendar"),
    Screen("reach", "Reach"),
    Screen("impact", "Applications & impact"),
    Screen("admin", "Accounts & audit"),
)
SIGN_IN = "sign_in"
CASES = [
    (language, key) for language in ("en", "fr") for key in (SIGN_IN, *(s.key for s in SCREENS))
]


@dataclass(slots=True)
class Finding:
    """One element breaking one rule, in one view of a page."""

    view: str
    rule: str
    impact: str
    target: str
    help: str
    help_url: str
    summary: str
    exception: KnownException | None = None


@dataclass(slots=True)
class PageAudit:
    """The axe results of every view of one page in one language."""

    language: str
    key: str
    views: list[dict[str, Any]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def blocking(self) -> list[Finding]:
        """Serious or critical violations that no known exception covers."""
        return [f for f in self.findings if f.impact in FAILING_IMPACTS and f.exception is None]

    def counts(self) -> Counter[str]:
        """How many distinct (rule, element) violations of each impact, across the views."""
        seen = {(f.rule, f.target): f.impact for f in self.findings}
        return Counter(seen.values())


AUDITS: dict[tuple[str, str], PageAudit] = {}
MATCHED_EXCEPTIONS: set[KnownException] = set()


def tt(language: str, message: str) -> str:
    """A message of the interface as the user reads it in that language."""
    return i18n.translate(language, message)


def slug(text: str) -> str:
    """A view's name as a file-name part."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "view"


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The axe-core script installed by `npm ci` (pinned in package-lock.json)."""
    if not AXE_JS.exists():
        skip_or_fail(
            f"The accessibility audit needs axe-core {AXE_VERSION} at "
            f"{AXE_JS.relative_to(REPO_ROOT)}: run `npm ci` in the repository root"
        )
    AXE_REPORTS.mkdir(parents=True, exist_ok=True)
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def demo_everywhere(app: App, page: Page, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The demo data, and its admissions export imported, so every page has its tabs and charts."""
    ensure_signed_in_as_admin(page, app)  # first: a fresh server gets its administrator
    app.cli("demo", "load")
    engine = make_engine(app.env["SPOTLIGHT_DATABASE_URL"])
    try:
        imported = count_applications(engine)
    finally:
        engine.dispose()
    if not imported:
        export = tmp_path_factory.mktemp("a11y-admissions") / "demo-admissions.csv"
        app.cli("demo", "admissions", str(export))
        app.cli("applications", "import", str(export))


@pytest.fixture(scope="module")
def tabs(
    browser: Browser, app: App, page: Page, demo_everywhere: None
) -> Iterator[dict[str, Page]]:
    """One tab per language, signed in as an administrator, opened on first use."""
    opened: dict[str, Page] = {}
    yield opened
    for tab in opened.values():
        if tab is not page:
            tab.context.close()


def signed_in_tab(browser: Browser, app: App, page: Page, tabs: dict[str, Page], lang: str) -> Page:
    """The language's signed-in tab (English: the module's tab; French: the demo admin's)."""
    if lang in tabs:
        return tabs[lang]
    if lang == "en":
        ensure_signed_in_as_admin(page, app)
        tab = page
    else:
        tab = new_tab(browser, [], locale=BROWSER_LOCALES[lang])
        tab.goto(app.url)
        sign_in(tab, lang, FRENCH_ADMIN, DEMO_PASSWORD)
    choose_language(tab, lang)
    tabs[lang] = tab
    return tab


def sign_in(page: Page, lang: str, email: str, password: str) -> None:
    """Fill and submit the password form in that language; wait for the Today page."""
    page.get_by_label(tt(lang, "E-mail")).fill(email)
    page.get_by_label(tt(lang, "Password"), exact=True).fill(password)
    page.get_by_role("button", name=tt(lang, "Sign in")).click()
    expect_page(page, tt(lang, "Today"))
    wait_until_idle(page)


def choose_language(page: Page, lang: str) -> None:
    """Pick the interface language in the sidebar, unless it is already the one shown."""
    name = i18n.LANGUAGES[lang]
    sidebar = page.get_by_test_id("stSidebar")
    box = sidebar.get_by_role("combobox", name=re.compile(r"^(Language|Langue)$"))
    if box.input_value() == name:
        return
    box.click()
    box.fill(name)
    box.press("Enter")
    expect(box).to_have_value(name)
    expect_page(page, tt(lang, "Today"))
    wait_until_idle(page)


def settle(page: Page) -> None:
    """Wait until the script has run, nothing spins, and lazy widgets and tables are drawn."""
    wait_until_idle(page)
    expect(page.get_by_test_id("stSpinner")).to_have_count(0)
    wait_until_rendered(page)


def surface(page: Page) -> Locator:
    """Where the user is looking: the open dialog, else the main area."""
    dialog = page.get_by_role("dialog")
    return dialog if dialog.count() else page.get_by_test_id("stMain")


def open_expanders(page: Page) -> None:
    """Unfold every folded expander in view, so that axe reads what they hold."""
    folded = surface(page).locator("details:not([open]) > summary").filter(visible=True)
    for _ in range(100):
        if not folded.count():
            break
        summary = folded.first.element_handle()
        summary.click()
        page.wait_for_function("(summary) => summary.parentElement.open", arg=summary)
    page.evaluate(
        """async () => {
            const growing = document.getAnimations();
            await Promise.all(growing.map((animation) => animation.finished.catch(() => null)));
        }"""
    )
    settle(page)


def tab_names(page: Page) -> list[str]:
    """The names of the tabs of the first tab bar in view."""
    bar = surface(page).get_by_test_id("stTabs").first
    if not bar.count():
        return []
    return [name.strip() for name in bar.get_by_role("tab").all_inner_texts()]


def show_tab(page: Page, name: str) -> None:
    """Click a tab of the first tab bar in view."""
    tab = surface(page).get_by_test_id("stTabs").first.get_by_role("tab", name=name, exact=True)
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")
    settle(page)


def run_axe(page: Page, source: str) -> dict[str, Any]:
    """axe's result for the page as it is now (the script is injected once per page load)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=source)
    version = page.evaluate("() => window.axe.version")
    assert version == AXE_VERSION, f"axe-core {version} was injected, {AXE_VERSION} is pinned"
    result: dict[str, Any] = page.evaluate(
        """async (tags) => await window.axe.run(document, {
            runOnly: { type: 'tag', values: tags },
            resultTypes: ['violations', 'incomplete'],
        })""",
        list(WCAG_TAGS),
    )
    return result


def check_language(page: Page, lang: str) -> None:
    """`<html lang>` names the language the page is written in."""
    try:
        page.wait_for_function("(lang) => document.documentElement.lang === lang", arg=lang)
    except PlaywrightTimeout as exc:
        declared = page.evaluate("() => document.documentElement.lang")
        raise AssertionError(
            f'<html lang="{declared}"> on a page shown in "{lang}": screen readers would read '
            "it with the wrong voice"
        ) from exc


@dataclass(slots=True)
class Auditor:
    """Audits the views of one page in one language and keeps their results."""

    page: Page
    lang: str
    key: str
    source: str
    artifacts: Path
    audit: PageAudit = field(init=False)

    def __post_init__(self) -> None:
        self.audit = PageAudit(self.lang, self.key)

    def view(self, name: str) -> None:
        """Audit what is on screen now, under that name, with every expander unfolded."""
        settle(self.page)
        open_expanders(self.page)
        check_language(self.page, self.lang)
        result = run_axe(self.page, self.source)
        self.audit.views.append({"view": name, "url": self.page.url, "axe": result})
        for violation in result["violations"]:
            for node in violation["nodes"]:
                target = " ".join(_flatten(node["target"]))
                finding = Finding(
                    view=name,
                    rule=violation["id"],
                    impact=node.get("impact") or violation.get("impact") or "minor",
                    target=target,
                    help=violation["help"],
                    help_url=violation["helpUrl"],
                    summary=node.get("failureSummary", ""),
                )
                finding.exception = next(
                    (e for e in KNOWN_EXCEPTIONS if e.covers(finding.rule, target)), None
                )
                if finding.exception is not None:
                    MATCHED_EXCEPTIONS.add(finding.exception)
                self.audit.findings.append(finding)
        self.audit.findings.extend(chart_text_findings(self.page, name))
        suffix = "" if name == "page" else f"__{slug(name)}"
        save_full_page(self.page, self.artifacts / f"a11y_{self.lang}_{self.key}{suffix}.png")

    def with_tabs(self, prefix: str) -> None:
        """Audit the view, then each of its other tabs; come back to the first tab."""
        self.view(prefix)
        names = tab_names(self.page)
        for name in names[1:]:
            show_tab(self.page, name)
            self.view(f"{prefix} / {name}")
        if len(names) > 1:
            show_tab(self.page, names[0])


# axe leaves the texts of SVG charts aside ("needs review"): their axes, legends and titles are
# checked here against the chart's background, with WCAG's formula.
CHART_TEXTS = r"""() => [...document.querySelectorAll('[data-testid=stVegaLiteChart] svg text')]
    .filter((text) => text.textContent.trim() && text.checkVisibility())
    .map((text) => {
        const role = (text.closest('g[class]')?.getAttribute('class') ?? '')
            .match(/role-(axis-label|axis-title|legend-label|legend-title|title-text)/);
        let box = text.closest('[data-testid=stVegaLiteChart]');
        let background = 'rgba(0, 0, 0, 0)';
        while (box && /^rgba\(.*, 0\)$|transparent/.test(background)) {
            background = getComputedStyle(box).backgroundColor;
            box = box.parentElement;
        }
        const chart = text.closest('svg').querySelector('.role-title-text text, .role-title-text');
        return { role: role && role[1], text: text.textContent.trim(),
                 chart: chart?.textContent.trim() ?? '', colour: getComputedStyle(text).fill,
                 opacity: Number(getComputedStyle(text).opacity)
                     * Number(text.getAttribute('fill-opacity') ?? 1),
                 background };
    })
    .filter((found) => found.role)"""
TEXT_CONTRAST = 4.5


def _rgb(colour: str) -> tuple[float, float, float]:
    if re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
        return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))
    parts = [float(p) for p in re.findall(r"[\d.]+", colour)[:3]]
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else (255.0, 255.0, 255.0)


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(colour: str, background: str, opacity: float = 1.0) -> float:
    """WCAG's contrast ratio of a text colour (blended at that opacity) on a background."""
    back = _rgb(background)
    red, green, blue = (
        opacity * c + (1 - opacity) * b for c, b in zip(_rgb(colour), back, strict=True)
    )
    light, dark = sorted((_luminance((red, green, blue)), _luminance(back)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def chart_text_findings(page: Page, view: str) -> list[Finding]:
    """Axis, legend and title texts of the charts on screen that are too faint to read."""
    faint: dict[tuple[str, str], Finding] = {}
    for text in page.evaluate(CHART_TEXTS):
        if text["opacity"] == 0:
            continue  # a label Vega hides because it would overlap its neighbour
        ratio = contrast(text["colour"], text["background"], text["opacity"])
        if ratio >= TEXT_CONTRAST:
            continue
        target = f'chart "{text["chart"]}" {text["role"]}'
        faint.setdefault(
            (target, text["colour"]),
            Finding(
                view=view,
                rule="chart-text-contrast",
                impact="serious",
                target=target,
                help=f"Chart texts need a {TEXT_CONTRAST}:1 contrast",
                help_url="https://www.w3.org/WAI/WCAG21/Understanding/contrast-minimum.html",
                summary=f"“{text['text']}” is {text['colour']} on {text['background']}: "
                f"{ratio:.2f}:1",
            ),
        )
    return list(faint.values())


def _flatten(target: list[Any]) -> Iterator[str]:
    for part in target:
        if isinstance(part, list):
            yield from _flatten(part)
        else:
            yield str(part)


def open_page(page: Page, lang: str, screen: Screen) -> None:
    """Go to a page through its link in the sidebar."""
    name = tt(lang, screen.title)
    page.get_by_test_id("stSidebar").get_by_role("link", name=name, exact=True).click()
    expect_page(page, name)
    settle(page)


def open_buttons(page: Page, lang: str) -> Locator:
    """The "Open" buttons of the cards of a list."""
    return (
        page.get_by_test_id("stMain")
        .get_by_test_id("stButton")
        .get_by_role("button", name=tt(lang, "Open"), exact=True)
    )


def role_model_views(auditor: Auditor) -> None:
    """The "Add a role model" dialog and the first person's profile with its tabs."""
    page, lang = auditor.page, auditor.lang
    page.get_by_role("button", name=tt(lang, "Add a role model")).click()
    expect(page.get_by_role("dialog")).to_be_visible()
    auditor.view("add dialog")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    settle(page)

    open_buttons(page, lang).first.click()
    expect(page.get_by_role("heading", level=2)).to_be_visible()
    auditor.with_tabs("profile")
    page.get_by_role("button", name=tt(lang, "← Back to the list")).click()
    expect(page.get_by_role("heading", level=2)).to_have_count(0)
    settle(page)


def portrait_views(auditor: Auditor) -> None:
    """The first portrait of the list with its tabs."""
    page, lang = auditor.page, auditor.lang
    open_buttons(page, lang).first.click()
    expect(page.get_by_role("heading", level=2)).to_be_visible()
    auditor.with_tabs("portrait")
    page.get_by_role("button", name=tt(lang, "← Back to the portraits")).click()
    expect(page.get_by_role("heading", level=2)).to_have_count(0)
    settle(page)


def calendar_views(auditor: Auditor) -> None:
    """A post opened through the "Open a post" menu."""
    page, lang = auditor.page, auditor.lang
    box = page.get_by_role("combobox", name=tt(lang, "Open a post"))
    box.click()
    page.get_by_role("option").filter(has_not_text=tt(lang, "Choose a post")).first.click()
    close = page.get_by_test_id("stButton").get_by_role("button", name=tt(lang, "Close"))
    expect(close).to_be_visible()
    auditor.view("post panel")
    close.click()
    expect(close).to_have_count(0)
    settle(page)


DETAIL_VIEWS: dict[str, Callable[[Auditor], None]] = {
    "role_models": role_model_views,
    "portraits": portrait_views,
    "calendar": calendar_views,
}


def sign_in_views(auditor: Auditor, app: App) -> None:
    """The password form, as someone signed out sees it."""
    page, lang = auditor.page, auditor.lang
    page.goto(app.url)
    expect(page.get_by_role("button", name=tt(lang, "Sign in"))).to_be_visible()
    auditor.view("page")


def write_reports(audit: PageAudit) -> None:
    """The axe results (JSON) and the short summary (text) of one page in one language."""
    stem = AXE_REPORTS / f"{audit.language}-{audit.key}"
    stem.with_suffix(".json").write_text(
        json.dumps(
            {
                "page": audit.key,
                "language": audit.language,
                "axe_version": AXE_VERSION,
                "tags": list(WCAG_TAGS),
                "views": audit.views,
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    counts = audit.counts()
    lines = [
        f"{audit.language} {audit.key}: {len(audit.views)} views audited; violations by impact: "
        + ", ".join(f"{impact} {counts.get(impact, 0)}" for impact in IMPACTS),
    ]
    for finding in sorted(audit.findings, key=lambda f: (IMPACTS.index(f.impact), f.rule)):
        known = f" [known: {finding.exception.issue}]" if finding.exception else ""
        lines.append(
            f"- {finding.impact} {finding.rule} in “{finding.view}”: {finding.target}{known}"
        )
    for view in audit.views:
        review = [item["id"] for item in view["axe"]["incomplete"]]
        if review:
            lines.append(f"  to review by hand in “{view['view']}”: {', '.join(review)}")
    stem.with_suffix(".txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module", autouse=True)
def summary_table() -> Iterator[None]:
    """After the module: test-artifacts/axe/summary.md, one line per page and language."""
    yield
    if not AUDITS:
        return
    rows = [
        "| language | page | views | critical | serious | moderate | minor | known exceptions |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for (language, key), audit in sorted(AUDITS.items()):
        counts = audit.counts()
        known = sum(1 for f in audit.findings if f.exception is not None)
        rows.append(
            f"| {language} | {key} | {len(audit.views)} | "
            + " | ".join(str(counts.get(impact, 0)) for impact in IMPACTS)
            + f" | {known} |"
        )
    AXE_REPORTS.mkdir(parents=True, exist_ok=True)
    (AXE_REPORTS / "summary.md").write_text("\n".join(rows) + "\n", encoding="utf-8")


@pytest.mark.parametrize(("lang", "key"), CASES, ids=[f"{lang}-{key}" for lang, key in CASES])
def test_page_has_no_serious_accessibility_violation(
    axe_source: str,  # first: without axe-core, say so before starting a server
    browser: Browser,
    app: App,
    page: Page,
    tabs: dict[str, Page],
    artifacts_dir: Path,
    lang: str,
    key: str,
) -> None:
    if key == SIGN_IN:
        errors: list[str] = []
        tab = new_tab(browser, errors, locale=BROWSER_LOCALES[lang])
        try:
            auditor = Auditor(tab, lang, key, axe_source, artifacts_dir)
            sign_in_views(auditor, app)
        finally:
            tab.context.close()
        assert errors == [], "uncaught JavaScript errors in the page"
    else:
        tab = signed_in_tab(browser, app, page, tabs, lang)
        screen = next(s for s in SCREENS if s.key == key)
        open_page(tab, lang, screen)
        auditor = Auditor(tab, lang, key, axe_source, artifacts_dir)
        auditor.with_tabs("page")
        if key in DETAIL_VIEWS:
            DETAIL_VIEWS[key](auditor)
    audit = auditor.audit
    AUDITS[(lang, key)] = audit
    write_reports(audit)

    blocking = audit.blocking()
    assert not blocking, (
        f"{len(blocking)} serious or critical accessibility violation(s) on {lang}/{key}:\n"
        + "\n".join(
            f"- {f.impact} {f.rule} ({f.help}, {f.help_url}) in “{f.view}” at {f.target}:\n"
            f"  {f.summary}"
            for f in blocking
        )
    )


def test_every_known_exception_is_still_met() -> None:
    audited = {(lang, key) for lang, key in AUDITS}
    if audited != set(CASES):
        pytest.skip("only a full run of the audit can tell whether an exception is still needed")
    stale = [e for e in KNOWN_EXCEPTIONS if e not in MATCHED_EXCEPTIONS]
    assert not stale, "known exceptions no page shows any more (remove them): " + ", ".join(
        f"{e.rule} at {e.target} ({e.issue})" for e in stale
    )
