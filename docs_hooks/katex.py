r"""MkDocs hook: render every formula with KaTeX at build time, and serve KaTeX's CSS and fonts.

``pymdownx.arithmatex`` (``generic: true``) leaves formulas as ``\( ... \)`` and
``\[ ... \]`` inside ``<span class="arithmatex">`` / ``<div class="arithmatex">``; without a
renderer a reader sees raw LaTeX. This hook turns each of them into KaTeX's HTML (with
MathML for screen readers) while the site is built, so pages need no JavaScript to show
math, work offline, and a formula KaTeX cannot parse fails the build (naming the page).

KaTeX is not committed: the pinned release is fetched from the npm registry with
``npm pack`` the first time (into ``build/katex-<version>/``, which git ignores), checked
against the pinned sha512, and run with the machine's Node.js. Its ``katex.min.css``,
fonts and licence are copied to ``assets/katex/`` in the built site.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import logging
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

KATEX_VERSION = "0.19.1"
# `npm view katex@0.19.1 dist.integrity`: the tarball must match it byte for byte.
KATEX_INTEGRITY = "sha512-jG8uKntjSEcm2EpQOh0XturpPuuC9r3Sq5HLHdsFdWZT27E672SF19QEi+of0/YeOy15lDgRhKvr5614uRrEfA=="
ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "build" / f"katex-{KATEX_VERSION}"
SITE_DIR = "assets/katex"

log = logging.getLogger("mkdocs.hooks.katex")

FORMULA = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">(?P<tex>.*?)</(?P=tag)>', flags=re.DOTALL
)
RENDER_JS = """
const katex = require(process.argv[1]);
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", () => {
  const out = [];
  for (const [tex, display] of JSON.parse(input)) {
    try {
      out.push({html: katex.renderToString(tex, {displayMode: display, throwOnError: true})});
    } catch (e) {
      out.push({error: String(e.message || e)});
    }
  }
  process.stdout.write(JSON.stringify(out));
});
"""


def _fetch() -> Path:
    """KaTeX's ``dist`` folder, fetched from the npm registry once and checked."""
    dist = CACHE / "package" / "dist"
    if (dist / "katex.js").is_file():
        return dist
    npm = shutil.which("npm")
    if npm is None:
        raise PluginError("katex hook: npm is needed once to fetch KaTeX (and node to run it)")
    with tempfile.TemporaryDirectory() as tmp:
        log.info("katex hook: fetching katex@%s with npm pack", KATEX_VERSION)
        subprocess.run(
            [npm, "pack", f"katex@{KATEX_VERSION}", "--pack-destination", tmp, "--silent"],
            check=True,
            cwd=tmp,
            stdout=subprocess.DEVNULL,
            timeout=600,
        )
        tarball = Path(tmp) / f"katex-{KATEX_VERSION}.tgz"
        digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
        if f"sha512-{digest}" != KATEX_INTEGRITY:
            raise PluginError(f"katex hook: {tarball.name} does not match the pinned sha512")
        staging = Path(tmp) / "unpacked"
        with tarfile.open(tarball) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(staging, filter="data")
            else:  # pragma: no cover - Python without PEP 706 (the tarball is hash-checked)
                tar.extractall(staging)
        shutil.rmtree(CACHE, ignore_errors=True)
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staging), CACHE)
    return dist


def _render(formulas: list[tuple[str, bool]], where: str) -> list[str]:
    node = shutil.which("node")
    if node is None:
        raise PluginError("katex hook: Node.js (`node`) is needed to render formulas")
    done = subprocess.run(
        [node, "-e", RENDER_JS, str(_fetch() / "katex.js")],
        input=json.dumps(formulas),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise PluginError(f"katex hook: node failed on {where}:\n{done.stderr}")
    rendered: list[str] = []
    for (tex, _), result in zip(formulas, json.loads(done.stdout), strict=True):
        if "error" in result:
            raise PluginError(f"katex hook: {where}: cannot render {tex!r}: {result['error']}")
        rendered.append(result["html"])
    return rendered


def _strip_delimiters(tex: str) -> tuple[str, bool]:
    tex = tex.strip()
    for left, right, display in (("\\[", "\\]", True), ("\\(", "\\)", False)):
        if tex.startswith(left) and tex.endswith(right):
            return tex[len(left) : -len(right)].strip(), display
    return tex, False


def on_config(config: Any) -> Any:
    """Fetch KaTeX (once) and link its stylesheet from every page."""
    _fetch()
    css = f"{SITE_DIR}/katex.min.css"
    if css not in config["extra_css"]:
        config["extra_css"].append(css)
    return config


def on_page_content(html_text: str, page: Any, **_: Any) -> str:
    """Replace each arithmatex formula of the page by KaTeX's HTML."""
    matches = list(FORMULA.finditer(html_text))
    if not matches:
        return html_text
    formulas = []
    for m in matches:
        tex, display = _strip_delimiters(html.unescape(m["tex"]))
        formulas.append((tex, display or m["tag"] == "div"))
    rendered = iter(_render(formulas, page.file.src_uri))
    return FORMULA.sub(
        lambda m: f'<{m["tag"]} class="arithmatex">{next(rendered)}</{m["tag"]}>', html_text
    )


def on_post_build(config: Any, **_: Any) -> None:
    """Copy KaTeX's stylesheet, fonts and licence into the site."""
    dist = _fetch()
    target = Path(config["site_dir"]) / SITE_DIR
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(dist / "fonts", target / "fonts")
    shutil.copy2(dist / "katex.min.css", target / "katex.min.css")
    shutil.copy2(dist.parent / "LICENSE", target / "LICENSE")
