"""Count the pages of an extraction benchmark that show known reading problems.

Run as ``python -m unspin.eval.page_checks DIR [--examples]`` on a folder in
the ScrapingHub layout (``html/<id>.html.gz``, ``ground-truth.json``). Each
page goes through the full reading path of ``unspin analyze`` and is checked
for four problems, each detected by a loose test of its own (looser than the
rules that fix them, so that a count of 0 means something):

* ``teaser_in_body``: a body line ends in a bracketed upper-case tag
  ("... [INSIGHT]"), or is the text of one of the page's links with such a
  tag after it: a headline of another article left in the text;
* ``site_in_title``: the title's first or last segment (split at `` | ``,
  `` - ``, `` – ``, `` — ``) contains the site's name or its host's name;
* ``hosting_as_outlet``: the outlet is named by a word that names a kind of
  hosting or a part of a site, not an outlet ("Hosted" on hosted.ap.org,
  "Blog", "News", "Home");
* ``outlet_in_byline``: after a separator, the byline goes on with the
  site's name or its host's name.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from unspin.eval.extraction import load_benchmark

_HOSTING_WORDS = {"hosted", "host", "hosting", "blog", "blogs", "news", "home", "homepage", "website", "site",
                  "web", "mobile", "amp", "www", "portal", "online", "index", "default", "untitled", "wordpress"}
PROBLEMS = ("teaser_in_body", "site_in_title", "hosting_as_outlet", "outlet_in_byline")
_TAG = re.compile(r"\[[A-Z][A-Z ]{2,20}\]\W*$")
_TITLE_SPLIT = re.compile(r"\s+(?:\||-|–|—)\s+")
_BYLINE_SPLIT = re.compile(r"(?:\.|,|;)\s+|\s+(?:\||-|–|—|/)\s+")
_LINK_TEXT = re.compile(r"<a\b[^>]*>(.*?)</a>", re.S | re.I)
_TAGS = re.compile(r"<[^>]+>")


def _compact(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _host(url: str | None) -> str:
    from urllib.parse import urlsplit

    host = (urlsplit(url or "").hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _site_words(site: str | None, host: str) -> set[str]:
    """The compact forms that name the site: its name and the longest label of its host."""
    words = {_compact(site or "")}
    labels = [label for label in host.split(".") if len(label) >= 3 and label not in ("com", "org", "net")]
    if labels:
        words.add(max(labels, key=len))
    return {w for w in words if len(w) >= 3}


def _mentions(part: str, names: set[str]) -> bool:
    words = part.split()
    first = _compact(words[0]) if words else ""
    part = _compact(part)
    return bool(part) and any(
        name in part or (len(part) >= 4 and part in name) or (len(first) >= 4 and name.startswith(first))
        for name in names
    )


def check(doc, html: str) -> dict[str, str | None]:
    """For each problem, the evidence on this page (a line or a field), or None."""
    meta = doc.meta
    host = _host(meta.url)
    names = _site_words(meta.site, host)
    found: dict[str, str | None] = dict.fromkeys(PROBLEMS)
    link_texts = {" ".join(_TAGS.sub("", t).split()) for t in _LINK_TEXT.findall(html)}
    for line in doc.text.split("\n"):
        if _TAG.search(line.strip()) and len(_TAG.sub("", line).split()) >= 4:
            found["teaser_in_body"] = line
            break
        head = _TAG.sub("", " ".join(line.split())).rstrip("| ")
        if len(head) > 15 and head != " ".join(line.split()) and head in link_texts:
            found["teaser_in_body"] = line
            break
    parts = _TITLE_SPLIT.split(meta.title or "")
    if len(parts) >= 2 and (_mentions(parts[-1], names) or _mentions(parts[0], names)):
        found["site_in_title"] = meta.title
    if meta.site and _compact(meta.site) in _HOSTING_WORDS:
        found["hosting_as_outlet"] = meta.site
    for m in _BYLINE_SPLIT.finditer(meta.byline or ""):
        if _mentions(meta.byline[m.end():], names):
            found["outlet_in_byline"] = meta.byline
            break
    return found


def run(directory: str | Path) -> tuple[dict[str, int], dict[str, list[tuple[str, str]]]]:
    """Pages showing each problem: counts, and (url, evidence) for each."""
    from unspin.errors import Failure
    from unspin.ingest import read_bytes

    examples: dict[str, list[tuple[str, str]]] = {p: [] for p in PROBLEMS}
    for page_id, html, _, url in load_benchmark(directory):
        for doc in read_bytes(url or page_id, html.encode("utf-8"), format="html"):
            if isinstance(doc, Failure):
                continue
            for problem, evidence in check(doc, html).items():
                if evidence:
                    examples[problem].append((url or page_id, evidence))
    return {p: len(v) for p, v in examples.items()}, examples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m unspin.eval.page_checks", description=__doc__.split("\n")[0])
    parser.add_argument("directory")
    parser.add_argument("--examples", action="store_true", help="list each page's evidence")
    args = parser.parse_args(argv)
    counts, examples = run(args.directory)
    print(json.dumps(counts, indent=2))
    if args.examples:
        for problem, rows in examples.items():
            for url, evidence in rows:
                print(f"{problem}\t{url}\t{evidence}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
