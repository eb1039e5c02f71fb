"""Decide what kind of input a byte string is, from its content rather than its name."""

from __future__ import annotations

import json
import re

FORMATS = ("html", "text", "warc", "jsonl")

_HTML_MARKERS = re.compile(
    rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<article[\s>]|<div[\s>]|<p[\s>]|<title>",
    re.I,
)


def sniff(data: bytes) -> str:
    """One of FORMATS. ``data`` is already decompressed (at least its start)."""
    head = data[:8192].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"WARC/"):
        return "warc"
    if head.startswith(b"{") and (_first_line_is_json_object(head) or _opens_json_object(head)):
        return "jsonl"
    if head.startswith(b"[") and _opens_json_object(head[1:].lstrip()):
        return "jsonl"
    markers = _HTML_MARKERS.findall(head)
    if head.startswith(b"<") and markers or len(markers) >= 3:
        return "html"
    return "text"


_OPENS_OBJECT = re.compile(rb'\{\s*"[^"\n]{1,200}"\s*:')


def _opens_json_object(head: bytes) -> bool:
    """One JSON object written over several lines (a scraper's or a dataset's file per article):
    an opening brace, then a quoted key and a colon."""
    return bool(_OPENS_OBJECT.match(head))


def _first_line_is_json_object(head: bytes) -> bool:
    line = head.split(b"\n", 1)[0]
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        # a first line longer than the sniffed head may still be one JSON object
        return len(line) == len(head) and head.startswith(b'{"')
