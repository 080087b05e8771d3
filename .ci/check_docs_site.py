r"""Open every page of the built docs site in headless Chromium and check what a reader sees.

Usage: python .ci/check_docs_site.py SITE_DIR [--chromium PATH]

The site is served on 127.0.0.1 (http.server in a thread) and each page is loaded in one
headless Chromium driven over the DevTools protocol (``--remote-debugging-pipe``); the DOM
is read after the page's load event and its scripts ran. The check
fails, naming the page and the offending text, when

* raw LaTeX delimiters (``\(``, ``\[``) are visible in the rendered text, or a formula
  (an ``.arithmatex`` element) has no rendered ``.katex`` / ``mjx-container`` inside;
* a Sphinx role (``:func:``, ``:class:``, ``:meth:``, ``:mod:``, ``:attr:``, ...) is
  visible in the rendered text instead of a link or code;
* an internal link points to a page or an anchor (``#id``) that does not exist;
* a page loads a stylesheet, script or font from another host (the site must work
  offline), or asks the local server for a file it does not have (404).

Only the standard library and the system's Chromium are used. Chromium is started with
every background service off, a fresh profile, and a host-resolver rule that maps every
host except 127.0.0.1 to "not found", so the check sends no traffic off this machine.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
)
# Text inside these elements is not shown to a reader (the TeX source KaTeX keeps for
# screen readers and copy/paste sits in <annotation>).
INVISIBLE = {"head", "script", "style", "template", "noscript", "annotation"}
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip
ROLE = re.compile(r":(?:py:)?(?:func|class|meth|mod|attr|data|exc|obj|const|ref):")
RAW_MATH = re.compile(r"\\[(\[]")


@dataclass
class PageDom:
    """What a reader gets from one page: visible text, ids, links and formulas."""

    text: str = ""
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    formulas: int = 0
    unrendered: list[str] = field(default_factory=list)
    autorefs: int = 0


class _DomReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.dom = PageDom()
        self._stack: list[tuple[str, bool]] = []  # (tag, opens a formula)
        self._invisible = 0
        self._chunks: list[str] = []
        # Open formulas: [rendered?, source text seen so far]
        self._formulas: list[list[object]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if "id" in a:
            self.dom.ids.add(a["id"])
        if tag == "a" and "href" in a:
            self.dom.links.append(a["href"])
            if "autorefs" in classes:
                self.dom.autorefs += 1
        resource = a.get("src") if tag in {"script", "img"} else None
        if tag == "link" and a.get("rel", "") in {"stylesheet", "preload", "icon"}:
            resource = a.get("href")
        if resource and urllib.parse.urlsplit(resource).netloc not in {"", "127.0.0.1"}:
            self.dom.external.append(f"<{tag}> {resource}")
        if self._formulas and ("katex" in classes or tag == "mjx-container"):
            for f in self._formulas:
                f[0] = True
        if tag in VOID:
            return
        opens = "arithmatex" in classes
        if opens:
            self.dom.formulas += 1
            self._formulas.append([False, ""])
        self._stack.append((tag, opens))
        if tag in INVISIBLE:
            self._invisible += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        while self._stack:
            open_tag, opened = self._stack.pop()
            if open_tag in INVISIBLE:
                self._invisible -= 1
            if opened:
                rendered, source = self._formulas.pop()
                if not rendered:
                    self.dom.unrendered.append(str(source).strip())
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for f in self._formulas:
            f[1] = str(f[1]) + data
        if not self._invisible:
            self._chunks.append(data)

    def close(self) -> None:
        super().close()
        self.dom.text = "".join(self._chunks)


def read_dom(html: str) -> PageDom:
    """Parse the DOM that Chromium printed."""
    reader = _DomReader()
    reader.feed(html)
    reader.close()
    return reader.dom


class _Server(http.server.ThreadingHTTPServer):
    misses: list[str]


class _Handler(http.server.SimpleHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if str(getattr(code, "value", code)) == "404":
            self.server.misses.append(self.path)


class Browser:
    """One headless Chromium, driven over the DevTools protocol on a pipe (fds 3 and 4).

    ``--remote-debugging-pipe`` needs no port and no WebSocket client: messages are JSON
    separated by NUL bytes. One browser for all pages keeps the check to seconds.
    """

    def __init__(self, chromium: str, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self._profile = tempfile.TemporaryDirectory(prefix="chromium-profile-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire() -> None:  # in the child, before exec: the pipe ends become fds 3 and 4
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        self._proc = subprocess.Popen(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={self._profile.name}",
             "--remote-debugging-pipe", "about:blank"],
            pass_fds=(3, 4), preexec_fn=wire,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        attached = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})
        self._session = attached["sessionId"]
        self.call("Page.enable", session=True)

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_browser], [], [], left)[0]:
                raise TimeoutError("chromium did not answer in time")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                err = self._proc.stderr.read().decode(errors="replace") if self._proc.stderr else ""
                raise RuntimeError(f"chromium exited ({self._proc.poll()}):\n{err[-2000:]}")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        decoded: dict[str, Any] = json.loads(message)
        return decoded

    def call(
        self, method: str, params: dict[str, Any] | None = None, *, session: bool = False
    ) -> dict[str, Any]:
        """Send one command and return its result (events seen meanwhile are kept)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self._session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            answer = self._receive(deadline)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer.get("result", {})
                return result
            self.events.append(answer)

    def dom(self, url: str) -> str:
        """The DOM of ``url`` after its load event and its scripts ran."""
        self.events.clear()
        navigated = self.call("Page.navigate", {"url": url}, session=True)
        if "errorText" in navigated:
            raise RuntimeError(f"chromium could not open {url}: {navigated['errorText']}")
        deadline = time.monotonic() + self.timeout
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            self.events.append(self._receive(deadline))
        # Let anything the page's scripts scheduled on load run before reading the DOM.
        settle = "new Promise(r => setTimeout(() => r(document.documentElement.outerHTML), 200))"
        answer = self.call(
            "Runtime.evaluate",
            {"expression": settle, "awaitPromise": True, "returnByValue": True},
            session=True,
        )
        return str(answer["result"]["value"])

    def close(self) -> None:
        """Close the browser and remove its profile."""
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.call("Browser.close")
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
        self._profile.cleanup()


def _context(text: str, match: re.Match[str], width: int = 70) -> str:
    start, end = max(0, match.start() - width), min(len(text), match.end() + width)
    return " ".join(text[start:end].split())


def _page_url(site: Path, page: Path) -> str:
    rel = page.relative_to(site).as_posix()
    return rel[: -len("index.html")] if rel.endswith("index.html") else rel


def check(site: Path, chromium: str) -> list[str]:
    """Every problem found on the site, one line each (empty: the site is fine)."""
    pages = sorted(site.rglob("*.html"))
    if not pages:
        return [f"no HTML pages under {site}"]
    urls = [_page_url(site, p) for p in pages]
    browser = Browser(chromium)  # before the server's thread: Popen's preexec_fn forks
    server = _Server(("127.0.0.1", 0), functools.partial(_Handler, directory=str(site)))
    server.misses = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        doms = {url: read_dom(browser.dom(base + url)) for url in urls}
    finally:
        browser.close()
        server.shutdown()

    problems: list[str] = []
    formulas = autorefs = 0
    for url, dom in doms.items():
        where = f"/{url}"
        formulas += dom.formulas
        autorefs += dom.autorefs
        for m in RAW_MATH.finditer(dom.text):
            problems.append(f"{where}: raw LaTeX is visible: ...{_context(dom.text, m)}...")
        for source in dom.unrendered:
            problems.append(f"{where}: formula not rendered: {source[:120]!r}")
        for m in ROLE.finditer(dom.text):
            problems.append(f"{where}: Sphinx role is visible: ...{_context(dom.text, m)}...")
        for resource in dom.external:
            problems.append(f"{where}: loads a resource from another host: {resource}")
        for href in dom.links:
            target = urllib.parse.urlsplit(urllib.parse.urljoin(base + url, href))
            if target.scheme not in {"http", "https"} or target.netloc != base[7:-1]:
                continue
            path = urllib.parse.unquote(target.path.lstrip("/"))
            file = site / path / "index.html" if path.endswith("/") or not path else site / path
            if not file.is_file() and not (site / path).is_file():
                problems.append(f"{where}: link to a missing page: {href}")
                continue
            fragment = urllib.parse.unquote(target.fragment)
            target_dom = doms.get(_page_url(site, file)) if file.is_file() else None
            if fragment and target_dom is not None and fragment not in target_dom.ids:
                problems.append(f"{where}: link to a missing anchor: {href}")
    problems += [
        f"the local server had no file for a request: {p}" for p in sorted(set(server.misses))
    ]
    print(f"{len(doms)} pages, {formulas} formulas, {autorefs} cross-reference links checked")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Check the site; exit 1 and list every problem when there is one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the built site (mkdocs build --site-dir)")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args(argv)
    start = time.monotonic()
    problems = check(args.site.resolve(), args.chromium)
    took = time.monotonic() - start
    if problems:
        print(f"\nDOCS SITE CHECK FAILED ({len(problems)} problems, {took:.1f}s):", file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
        return 1
    print(f"docs site check passed in {took:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
