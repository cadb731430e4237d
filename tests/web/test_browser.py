"""The leader dashboard in a real browser: headless Chromium (Debian's ``chromium`` and
``chromium-driver``, driven by Selenium) signs in, sees the requests panel with the
desk's rows, types every key and clicks that would change something for an officer, and
the database does not change.

The terminal is drawn by xterm.js on a canvas (WebGL), so its text is not in the DOM:
the page's script is wrapped before it loads so that every byte the session sends to the
terminal is also kept, as text, in ``window.__screen`` — what xterm.js is given to draw.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from dutyboard.domain.status import OPEN_REQUEST_STATUSES
from tests.web.conftest import SECRET, ServerThread

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# Kept before the page's own script runs: the bytes of the terminal, decoded.
KEEP_THE_SCREEN = """
(() => {
  const Socket = window.WebSocket;
  const decoder = new TextDecoder();
  window.__screen = "";
  window.WebSocket = class extends Socket {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (typeof event.data !== "string") {
          window.__screen += decoder.decode(new Uint8Array(event.data), {stream: true});
        }
      });
    }
  };
})();
"""
_ESCAPES = re.compile(
    r"\x1b\[[0-9;?<>=!]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]"
)


class Fingerprint(NamedTuple):
    """Everything that would show a write: the whole content, the row counts, and
    SQLite's own change counter as seen from one connection held open."""

    content: str
    requests: int
    events: int
    data_version: int


def fingerprint(conn: sqlite3.Connection) -> Fingerprint:
    content = hashlib.sha256("\n".join(conn.iterdump()).encode("utf-8")).hexdigest()
    requests = conn.execute("SELECT count(*) FROM requests").fetchone()[0]
    events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    version = conn.execute("PRAGMA data_version").fetchone()[0]
    return Fingerprint(content, requests, events, version)


@pytest.fixture
def chromium(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[webdriver.Chrome]:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(
            f"the browser test needs Debian's chromium and chromium-driver ({', '.join(missing)} "
            "missing): `make test` installs them, or apt-get install chromium chromium-driver"
        )
    # Selenium Manager is never asked (the driver's path is given), and could not fetch.
    monkeypatch.setenv("SE_OFFLINE", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--enable-unsafe-swiftshader",  # xterm.js draws with WebGL: software WebGL here
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,900",
        f"--user-data-dir={tmp_path / 'chromium'}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": KEEP_THE_SCREEN})
        yield driver
    finally:
        driver.quit()


def screen(driver: webdriver.Chrome) -> str:
    return _ESCAPES.sub("", str(driver.execute_script("return window.__screen || ''")))


def wait_for(what: Callable[[], bool], seconds: float, message: Callable[[], str]) -> None:
    deadline = time.monotonic() + seconds
    while not what():
        if time.monotonic() > deadline:
            pytest.fail(message())
        time.sleep(0.1)


def test_a_leader_signs_in_sees_the_requests_and_changes_nothing(
    server: ServerThread, demo_desk: Path, chromium: webdriver.Chrome
) -> None:
    driver = chromium
    watcher = sqlite3.connect(f"file:{demo_desk}?mode=ro", uri=True)
    try:
        marks = ",".join("?" * len(OPEN_REQUEST_STATUSES))
        orgs = [
            row[0]
            for row in watcher.execute(
                f"SELECT org FROM requests WHERE status IN ({marks}) "
                "ORDER BY priority_rank, received_at, id LIMIT 12",
                sorted(OPEN_REQUEST_STATUSES),
            )
        ]
        # What a narrow column keeps of a unit's name: its first few letters.
        known = sorted({org[:7] for org in orgs if org.isascii() and len(org) > 9})
        assert len(known) >= 3, orgs
        before = fingerprint(watcher)

        # No secret, no dashboard: the browser lands on the login, with no terminal.
        driver.get(server.url + "/")
        assert "/login" in driver.current_url
        assert not driver.find_elements(By.ID, "terminal")
        secret = driver.find_element(By.NAME, "secret")
        secret.send_keys("not the secret" + Keys.ENTER)
        wait_for(
            lambda: "That is not the leader secret." in driver.page_source,
            10,
            lambda: f"a wrong secret got no answer: {driver.page_source[:500]}",
        )
        driver.find_element(By.NAME, "secret").send_keys(SECRET + Keys.ENTER)

        # The leader's session: read-only, the requests panel with the desk's rows.
        wait_for(
            lambda: (
                "READ-ONLY" in screen(driver)
                and "Requests" in screen(driver)
                and sum(name in screen(driver) for name in known) >= 3
            ),
            20,
            lambda: f"no requests panel with {known} on screen:\n{screen(driver)[-3000:]}",
        )
        assert driver.current_url.rstrip("/") == server.url

        terminal = driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")
        driver.execute_script("arguments[0].focus()", terminal)
        keys = ActionChains(driver)

        # Keys do reach the session: a filter narrows the panel to one unit.
        unit = known[0]
        driver.execute_script("window.__screen = ''")
        keys.send_keys("/").pause(0.3).send_keys(unit).perform()
        wait_for(
            lambda: unit in screen(driver),
            10,
            lambda: f"the filter {unit!r} did not show:\n{screen(driver)[-2000:]}",
        )
        keys.reset_actions()
        ActionChains(driver).send_keys(Keys.ESCAPE).pause(0.2).send_keys(Keys.ESCAPE).perform()

        # Every key that writes for an officer, on every panel: acknowledge, assign to me
        # or to someone, change status, note, new record, link, contact attempt, paste,
        # next action, pick, plan, matches; Enter, typing and ctrl+s in whatever opened.
        officer_keys = ["a", "m", "A", "s", "n", "N", "l", "c", "p", "t", " ", "P", "b"]
        for panel in ("1", "2", "3", "5", "1"):  # requests, leads, contacts, handover
            actions = ActionChains(driver).send_keys(panel)
            for key in officer_keys:
                actions.send_keys(key, Keys.ENTER)
            actions.send_keys("web" + Keys.ENTER)
            actions.key_down(Keys.CONTROL).send_keys("s").key_up(Keys.CONTROL)
            actions.send_keys(Keys.TAB, Keys.ENTER, Keys.ESCAPE, Keys.ESCAPE, Keys.ESCAPE)
            actions.perform()
        # Clicks all over the terminal (rows, buttons, footer keys), double clicks too.
        screen_box = driver.find_element(By.CSS_SELECTOR, ".xterm-screen")
        size = screen_box.size
        for x_part, y_part in ((0.1, 0.2), (0.3, 0.4), (0.5, 0.5), (0.7, 0.3), (0.2, 0.97)):
            x = int(size["width"] * (x_part - 0.5))
            y = int(size["height"] * (y_part - 0.5))
            ActionChains(driver, duration=0).move_to_element_with_offset(
                screen_box, x, y
            ).click().double_click().send_keys(Keys.ENTER).perform()

        # The session is still there and answering keys: its help opens.
        def help_shown() -> bool:
            driver.execute_script("window.__screen = ''")
            ActionChains(driver).send_keys(Keys.ESCAPE, Keys.ESCAPE, Keys.ESCAPE).perform()
            time.sleep(0.3)
            ActionChains(driver).send_keys("?").perform()
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                if "Keys everywhere" in screen(driver):
                    return True
                time.sleep(0.1)
            return False

        wait_for(
            help_shown,
            15,
            lambda: f"the session stopped answering keys:\n{screen(driver)[-2000:]}",
        )
        time.sleep(1.0)  # anything a key set off has long been written by now

        after = fingerprint(watcher)
        assert after == before, "the leader's browser session changed the database"
        problems = [
            entry["message"]
            for entry in driver.get_log("browser")  # type: ignore[no-untyped-call]
            if entry["level"] == "SEVERE"
            and "favicon.ico" not in entry["message"]
            and "401 (Unauthorized)" not in entry["message"]  # the wrong secret's answer
        ]
        assert not problems, problems  # no script error, no Content-Security-Policy refusal
    finally:
        watcher.close()
