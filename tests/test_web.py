"""The built site in the real tools: the Nu HTML Checker, axe-core and a user's
journey in headless Chromium, structured data, search, print, screenshots.

The tools are not optional: Chromium (Debian's `chromium`), Java (for
vnu.jar) and the npm packages of package.json (`npm ci`) must be there, and
a missing one fails these tests with the command that installs it. Both
`./dev.sh test` and `.ci/run` install them.

Screenshots of the home page and a course page at phone and desktop widths
are saved in test-artifacts/screenshots/ (or $LEXOM_TEST_ARTIFACTS).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, course_text, write_tree

from lexom_site.cli import main
from lexom_site.legal.pdftext import page_texts
from lexom_site.build.pipeline import build

CHROMIUM = Path(os.environ.get("LEXOM_CHROMIUM", "/usr/bin/chromium"))
VNU_JAR = REPO / "node_modules/vnu-jar/build/dist/vnu.jar"
AXE = REPO / "node_modules/axe-core/axe.min.js"
SDTT = REPO / "node_modules/structured-data-testing-tool"
SITEMAP_XSD = REPO / "node_modules/sitemap/schema/sitemap.xsd"  # the sitemaps.org schema, shipped by npm's `sitemap`
ARTIFACTS = Path(os.environ.get("LEXOM_TEST_ARTIFACTS", REPO / "test-artifacts"))
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def need(path: Path | str | None, what: str, install: str) -> None:
    """Fail (never skip) when a tool is missing, saying how to install it."""
    if not path or not Path(path).exists():
        pytest.fail(f"{what} is missing ({path or 'not on PATH'}): {install}", pytrace=False)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the standard library's name
        pass


def serve_folder(folder: Path):
    """A real HTTP server over `folder` on a free port of 127.0.0.1 (a thread)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="session")
def site_url(real_build: Path):
    server, url = serve_folder(real_build)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    need(CHROMIUM, "Chromium", "apt-get install chromium (or set LEXOM_CHROMIUM to a Chromium program)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="fr-FR")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()
    assert errors == [], f"errors in the browser console: {errors}"


def html_pages(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html")
                  if not p.relative_to(folder).as_posix().startswith("pagefind/"))


# --- 1. discoverability ------------------------------------------------------------------------------------------


def test_every_page_has_a_title_description_canonical_address_and_social_tags(real_build: Path):
    pages = html_pages(real_build)
    assert pages == ["cgv/index.html", "formations/pub-ecom-12/index.html", "formations/rcl-rcl-14/index.html",
                     "index.html", "recherche/index.html"]
    titles = set()
    for path in pages:
        html = (real_build / path).read_text(encoding="utf-8")
        public = "https://www.lexom.fr/" + path.removesuffix("index.html")
        assert f'<link rel="canonical" href="{public}">' in html, path
        assert f'<meta property="og:url" content="{public}">' in html, path
        title = re.search(r"<title>(.+?)</title>", html)[1]
        description = re.search(r'<meta name="description" content="([^"]+)">', html)[1]
        assert 10 < len(title) and 50 < len(description) <= 300, path
        titles.add(title)
    assert len(titles) == len(pages)  # one title per page
    assert '<meta name="robots" content="noindex, follow">' in (real_build / "recherche/index.html").read_text()


def test_sitemap_and_robots_list_every_public_page(real_build: Path):
    sitemap = (real_build / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/')
    assert re.findall(r"<loc>(.+?)</loc>", sitemap) == [
        "https://www.lexom.fr/", "https://www.lexom.fr/formations/pub-ecom-12/",
        "https://www.lexom.fr/formations/rcl-rcl-14/", "https://www.lexom.fr/cgv/"]
    assert (real_build / "robots.txt").read_text() == "User-agent: *\nAllow: /\n\nSitemap: https://www.lexom.fr/sitemap.xml\n"


def test_sitemap_is_valid_against_the_sitemaps_org_schema(real_build: Path, tmp_path: Path):
    from lxml import etree

    need(SITEMAP_XSD, "The sitemaps.org schema (npm package sitemap)", "npm ci")
    schema = etree.XMLSchema(etree.parse(str(SITEMAP_XSD)))
    assert schema.validate(etree.parse(str(real_build / "sitemap.xml"))), schema.error_log
    broken = tmp_path / "sitemap.xml"
    broken.write_text((real_build / "sitemap.xml").read_text().replace("<loc>", "<location>", 1)
                      .replace("</loc>", "</location>", 1))
    assert not schema.validate(etree.parse(str(broken)))  # the schema does catch a wrong element


def test_course_pages_carry_schema_org_course_data(real_build: Path):
    html = (real_build / "formations/rcl-rcl-14/index.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.+?)</script>', html, re.S)[1])
    assert data["@type"] == "Course" and data["courseCode"] == "RCL-RCL-14" and data["inLanguage"] == "fr"
    assert data["name"] == "Utiliser les réseaux sociaux dans sa relation client"
    assert data["provider"] == {"@type": "Organization", "name": "LEXOM", "url": "https://www.lexom.fr/"}
    assert data["timeRequired"] == "P2D"
    assert data["coursePrerequisites"] and data["description"].startswith("Formation de 2 jours")


def _structured_data(*files: Path) -> list[dict]:
    need(SDTT, "structured-data-testing-tool", "npm ci")
    done = subprocess.run(["node", str(REPO / "tests/structured_data.cjs"), *map(str, files)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_structured_data_meets_what_search_engines_and_social_sites_read(real_build: Path, tmp_path: Path):
    pages = [real_build / p for p in html_pages(real_build)]
    results = _structured_data(*pages)
    assert [r["failed"] for r in results] == [[]] * len(pages), results
    found = {Path(r["file"]).relative_to(real_build).as_posix(): r["schemas"] for r in results}
    assert found["index.html"] == ["ItemList"] and found["formations/rcl-rcl-14/index.html"] == ["Course"]
    # the checker does fail: a course without its provider, a page without its picture
    broken = tmp_path / "broken.html"
    html = (real_build / "formations/rcl-rcl-14/index.html").read_text(encoding="utf-8")
    broken.write_text(html.replace('"provider"', '"organizer"').replace('property="og:image"', 'property="og:img"'))
    failed = {f["description"] for f in _structured_data(broken)[0]["failed"]}
    assert {"Course.provider.name (required)", "must have image url"} <= failed


# --- 3. validity ---------------------------------------------------------------------------------------------------


def _vnu(*files: Path) -> list[dict]:
    need(VNU_JAR, "The Nu HTML Checker (vnu-jar)", "npm ci")
    need(shutil.which("java"), "Java", "apt-get install default-jre-headless")
    done = subprocess.run(["java", "-jar", str(VNU_JAR), "--format", "json", "--stdout", *map(str, files)],
                          capture_output=True, text=True, timeout=300)
    return [m for m in json.loads(done.stdout)["messages"] if m["type"] == "error"
            or m.get("subType") == "fatal"]


def test_every_page_passes_the_nu_html_checker(real_build: Path, tmp_path: Path):
    pages = [real_build / p for p in html_pages(real_build)]
    assert _vnu(*pages) == []
    # and the checker does fail on an error
    broken = tmp_path / "broken.html"
    broken.write_text((real_build / "index.html").read_text(encoding="utf-8").replace("</main>", "</div></main>"))
    assert any("Stray end tag" in m["message"] for m in _vnu(broken))


# --- 4. accessibility ----------------------------------------------------------------------------------------------


def _axe_violations(page) -> list[str]:
    need(AXE, "axe-core", "npm ci")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async (tags) => {
        const r = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
        return r.violations.map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map(n => n.target.join(" ")).join(", ")}`);
    }""", WCAG_21_AA)
    return result


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ["index.html", "formations/rcl-rcl-14/index.html", "formations/pub-ecom-12/index.html",
                                  "cgv/index.html", "recherche/index.html?q=client"])
def test_every_page_passes_axe_at_wcag_2_1_aa(page, site_url: str, path: str, width: str):
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width])))
    page.goto(site_url + path)
    assert page.get_attribute("html", "lang") == "fr"
    if path.startswith("recherche/"):
        page.wait_for_selector(".pagefind-ui__result", timeout=10_000)  # with its results shown
    assert _axe_violations(page) == []


def test_axe_reports_a_contrast_failure(page, site_url: str):
    page.goto(site_url + "index.html")
    page.add_style_tag(content=".lead { color: #bbb !important; }")
    assert any(v.startswith("color-contrast") for v in _axe_violations(page))


HIDDEN_CGV_TEXT = """() => {
    // every piece of text of the CGV that a visitor cannot read: not displayed, invisible, transparent, tiny,
    // outside the page, or too pale on its background
    function luminance(rgb) {
        const [r, g, b] = rgb.map(v => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    }
    function channels(colour) { return colour.match(/[\\d.]+/g).map(Number); }
    function background(element) {
        for (let e = element; e; e = e.parentElement) {
            const c = channels(getComputedStyle(e).backgroundColor);
            if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
        }
        return [255, 255, 255];
    }
    const hidden = [];
    const walker = document.createTreeWalker(document.querySelector("article.cgv"), NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent.trim();
        if (!text) continue;
        const e = node.parentElement, s = getComputedStyle(e), range = document.createRange();
        range.selectNodeContents(node);
        const box = range.getBoundingClientRect();
        let opacity = 1;
        for (let a = e; a; a = a.parentElement) opacity *= Number(getComputedStyle(a).opacity);
        const fg = luminance(channels(s.color).slice(0, 3)), bg = luminance(background(e));
        const contrast = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
        const alpha = channels(s.color)[3] ?? 1;
        if (!e.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}) || opacity < 0.9 || alpha < 0.9
            || parseFloat(s.fontSize) < 10 || box.width < 1 || box.height < 1 || box.right < 0
            || box.bottom + scrollY < 0 || contrast < 4.5 || s.clipPath !== "none")
            hidden.push(text.slice(0, 40));
    }
    return hidden;
}"""


def test_every_word_of_the_cgv_page_is_seen(page, site_url: str):
    """The build checks the page's text; what a browser shows of it is checked here: no clause hidden, tiny,
    transparent or too pale (checked to catch each of these, added by a stylesheet)."""
    page.goto(site_url + "cgv/index.html")
    assert page.evaluate(HIDDEN_CGV_TEXT) == []
    assert page.evaluate("() => document.querySelector('article.cgv').innerText.length") > 20_000
    for css in (".clause-body { display: none }", ".clause-body p { visibility: hidden }", ".clause-body { opacity: 0 }",
                ".clause-body p { font-size: 2px }", ".clause-body p { color: #fff }", ".clause-body { color: #ddd }",
                ".clause-body { position: absolute; left: -9999px }", ".clause-body p { color: rgba(0,0,0,0.05) }"):
        page.goto(site_url + "cgv/index.html")
        page.add_style_tag(content=css)
        assert len(page.evaluate(HIDDEN_CGV_TEXT)) > 10, css


def _focused(page) -> dict:
    return page.evaluate("""() => {
        const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
        return {text: e.textContent.trim(), tag: e.tagName, href: e.getAttribute("href"), outline: s.outlineStyle,
                visible: r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= innerHeight};
    }""")


def test_the_site_is_usable_with_the_keyboard_alone(page, site_url: str):
    page.goto(site_url + "index.html")
    page.keyboard.press("Tab")
    first = _focused(page)
    assert first["text"] == "Aller au contenu" and first["visible"] and first["outline"] != "none"
    page.keyboard.press("Enter")
    page.wait_for_url("**#contenu", timeout=5000)  # (a fragment is followed in a task of its own: waited for)
    for _ in range(30):  # from the content, the first course is a few Tab presses away
        page.keyboard.press("Tab")
        focused = _focused(page)
        assert focused["outline"] != "none", focused  # every stop shows where the focus is
        if (focused["href"] or "").startswith("formations/"):
            break
    else:
        pytest.fail("no course link reached with the Tab key")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/formations/" in page.url
    for _ in range(60):
        page.keyboard.press("Tab")
        if (_focused(page)["href"] or "").endswith(".pdf"):
            break
    else:
        pytest.fail("the PDF link cannot be reached with the Tab key")
    # the header's search box works from the keyboard too
    page.focus("#recherche-rapide")
    page.keyboard.type("réseaux sociaux")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/recherche/index.html?q=" in page.url
    page.wait_for_selector(".pagefind-ui__result")


# --- 5. a user's journey -------------------------------------------------------------------------------------------


def test_a_visitor_finds_a_course_downloads_its_pdf_and_searches(page, site_url: str, tmp_path: Path):
    page.goto(site_url)
    assert page.title() == "Catalogue des formations LEXOM"
    page.get_by_role("navigation", name="Catégories").get_by_role("link", name="RELATION CLIENT").click()
    assert page.url.endswith("#categorie-relation-client")
    section = page.locator("section.category", has=page.locator("#categorie-relation-client"))
    section.get_by_role("link", name="Utiliser les réseaux sociaux dans sa relation client").click()
    page.wait_for_url("**/formations/rcl-rcl-14/index.html")
    assert page.get_by_role("heading", level=1).inner_text() == "Utiliser les réseaux sociaux dans sa relation client"
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Télécharger la fiche PDF")).click()
    download = download_info.value
    assert download.suggested_filename == "RCL-RCL-14.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = "\n".join(page_texts(saved.read_bytes()))
    assert "Utiliser les réseaux sociaux dans sa relation client" in text
    assert "Conditions Générales de Vente : LEXOM" in text and "dpo@lexom.fr" in text
    # search from the header: a word of another course's programme
    page.get_by_role("searchbox", name="Rechercher une formation").fill("influenceurs")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/recherche/index.html?q=influenceurs")
    first = page.locator(".pagefind-ui__result-link").first
    first.wait_for()
    assert page.locator(".pagefind-ui__result").count() == 1
    assert first.inner_text() == "L'impact des influenceurs - Marketing d'influence"
    first.click()
    page.wait_for_url("**/formations/pub-ecom-12/index.html")
    # a reference, as the placeholder suggests
    page.goto(site_url + "recherche/index.html?q=RCL-RCL-14")
    page.locator(".pagefind-ui__result-link").first.wait_for()
    assert page.locator(".pagefind-ui__result-link").first.inner_text() == \
        "Utiliser les réseaux sociaux dans sa relation client"
    # a word no course holds
    page.goto(site_url + "recherche/index.html?q=xqzjw")
    page.wait_for_selector(".pagefind-ui__message:has-text('Aucune formation')")


@pytest.mark.parametrize("width", WIDTHS)
def test_screenshots_of_the_home_and_a_course_page(browser, site_url: str, width: str):
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, device_scale_factor=1)
    page = context.new_page()
    for name, path in (("home", "index.html"), ("course", "formations/pub-ecom-12/index.html")):
        page.goto(site_url + path)
        page.evaluate("document.fonts.ready")
        # nothing wider than the screen: no sideways scrolling on a phone
        assert page.evaluate("document.documentElement.scrollWidth") <= w, (name, width)
        shot = folder / f"{name}-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
    context.close()


# --- 6. print ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def linked_site(tmp_path_factory) -> Path:
    """A small site whose course holds a link to another site."""
    root = tmp_path_factory.mktemp("print") / "site"
    for name in ("site.yaml",):
        (root).mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / name, root / name)
    for name in ("templates", "assets", "content/legal"):
        shutil.copytree(REPO / name, root / name)
    body = ("## Jour 1 - Matin\n\n### 1. Cadrer le projet\n\n- Lire le [guide de l'ANSSI](https://cyber.gouv.fr/guide)\n\n"
            "## Jour 1 - Après-midi\n\n### 2. Suivre le projet\n\n- Tableau de bord\n")
    write_tree(root, f"-- content/courses/ABC-DEF-1.md --\n{course_text(body=body)}")
    build(root, root / "public", pdf=False)
    return root / "public"


def test_printing_a_course_page_gives_a_clean_sheet(browser, linked_site: Path):
    server, url = serve_folder(linked_site)
    try:
        page = browser.new_page()
        page.goto(url + "formations/abc-def-1/index.html")
        page.emulate_media(media="print")
        for selector in (".site-header", ".site-footer", ".breadcrumb", ".course-aside", ".skip-link"):
            assert not page.locator(selector).is_visible(), selector
        pdf = page.pdf(format="A4", print_background=True)
        page.close()
    finally:
        server.shutdown()
    text = " ".join(" ".join(page_texts(pdf, margin_band=0)).split())
    assert "Piloter un projet" in text and "Tableau de bord" in text
    assert "https://www.lexom.fr/formations/abc-def-1/" in text  # where the sheet comes from
    assert "guide de l’ANSSI (https://cyber.gouv.fr/guide)" in text  # the address of a link, after its text
    for screen_only in ("Aller au contenu", "Rechercher", "Conditions générales de vente", "Télécharger"):
        assert screen_only not in text, screen_only


def test_printing_the_cgv_shows_a_bare_address_once(browser, site_url: str):
    page = browser.new_page()
    page.goto(site_url + "cgv/index.html")
    text = "".join("".join(page_texts(page.pdf(format="A4"), margin_band=0)).split())  # a long address wraps
    page.close()
    assert text.count("https://cnpm-mediation-consommation.eu/") == 1


@pytest.mark.parametrize("paper", [{"format": "A4", "display_header_footer": True},  # Chromium's own defaults
                                   {"format": "Letter", "margin": {"top": "10mm", "bottom": "10mm"}}])
def test_the_cgv_printed_by_chromium_matches_the_canonical_text(browser, site_url: str, tmp_path: Path, paper: dict):
    """A customer prints the CGV page from the browser: its running header and footer (date, title,
    address, « 3/8 ») and Chromium's way of writing text (no space characters) are not drift."""
    page = browser.new_page()
    page.goto(site_url + "cgv/index.html")
    pdf = tmp_path / "cgv.pdf"
    pdf.write_bytes(page.pdf(**paper))
    page.close()
    result = CliRunner().invoke(main, ["legal-diff", "--root", str(REPO), str(pdf)])
    assert (result.exit_code, result.stdout) == (0, f"{pdf}: the CGV copy matches the canonical text\n")


def test_a_missing_browser_fails_the_tests_with_what_to_install(tmp_path: Path):
    """Never a silent skip: without Chromium the browser tests fail and say how to get it."""
    import sys

    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(REPO),
                           str(REPO / "tests/test_web.py"), "-k", "keyboard"], capture_output=True, text=True,
                          timeout=300, cwd=REPO, env={**os.environ, "LEXOM_CHROMIUM": str(tmp_path / "no-chromium"),
                                                      "LEXOM_TEST_ARTIFACTS": str(tmp_path)})
    assert done.returncode == 1, done.stdout
    assert (f"Chromium is missing ({tmp_path / 'no-chromium'}): apt-get install chromium (or set LEXOM_CHROMIUM "
            "to a Chromium program)") in done.stdout
    assert "1 error" in done.stdout and "skipped" not in done.stdout
