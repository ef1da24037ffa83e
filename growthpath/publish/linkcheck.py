"""An offline link checker for the built HTML: every internal href/src must name a file that exists
in the build, and every #fragment an id (or name) in that file. External links are listed, not
fetched (the book must not need them)."""
from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class Broken:
    page: str
    target: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.target} ({self.reason})"


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name") if tag in ("a",) else ("id",):
            if a.get(key):
                self.ids.add(a[key])
        for key in ("href", "src"):
            if a.get(key) and not (tag == "link" and a.get("rel") in ("canonical",)):
                self.links.append(a[key])


def _parse(path: Path) -> _Collector:
    c = _Collector()
    c.feed(path.read_text(encoding="utf-8", errors="replace"))
    return c


def check(root: Path) -> tuple[list[Broken], list[str]]:
    """(broken internal links, external URLs) for every .html file under `root`."""
    root = Path(root)
    cache: dict[Path, _Collector] = {}

    def parsed(p: Path) -> _Collector:
        if p not in cache:
            cache[p] = _parse(p)
        return cache[p]

    broken, external = [], set()
    pages = [p for p in sorted(root.rglob("*.html")) if "_static" not in p.relative_to(root).parts]  # theme templates
    for page in pages:
        for link in parsed(page).links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https") or link.startswith("//"):
                external.add(link)
                continue
            if parts.scheme in ("mailto", "javascript", "data", "tel"):
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            rel = str(page.relative_to(root))
            if not target.exists():
                broken.append(Broken(rel, link, "no such file"))
                continue
            if target.is_dir():
                target = target / "index.html"
                if not target.exists():
                    broken.append(Broken(rel, link, "directory without index.html"))
                    continue
            frag = unquote(parts.fragment)
            if frag and target.suffix == ".html" and frag not in parsed(target).ids:
                broken.append(Broken(rel, link, f"no id '{frag}' in {target.name}"))
    return broken, sorted(external)
