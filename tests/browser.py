"""A real headless browser for the page's tests: Debian's chromium, driven by chromedriver.

Chromium starts with a fresh profile and without any of its own network traffic (no
component updates, sync or background requests), so that every request the performance
log records is one the page made.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def start_chromium(profile: Path) -> webdriver.Chrome:
    """Headless chromium with a fresh profile, its console and network logged."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--window-size=1200,900",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    """One chromium for a test module; each test opens its own page."""
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield driver
    finally:
        driver.quit()


def network_requests(driver: webdriver.Chrome) -> list[str]:
    """The URLs of every request sent since the log was last read (the performance log)."""
    urls = []
    log = driver.get_log("performance")  # type: ignore[no-untyped-call]
    for entry in log:
        message: dict[str, Any] = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def console_problems(driver: webdriver.Chrome) -> list[str]:
    """Console messages of level warning or worse since the log was last read."""
    return [
        entry["message"]
        for entry in driver.get_log("browser")  # type: ignore[no-untyped-call]
        if entry["level"] in ("WARNING", "SEVERE")
    ]
