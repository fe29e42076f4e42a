"""Render design/share-card.html into assets/img/partage.png (1200 x 630) with
headless Chromium (Debian's chromium package and the `playwright` test extra)."""

from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent

with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    page = browser.new_page(viewport={"width": 1200, "height": 630})
    page.goto((HERE / "share-card.html").as_uri())
    page.screenshot(path=str(HERE.parent / "assets" / "img" / "partage.png"))
    browser.close()
