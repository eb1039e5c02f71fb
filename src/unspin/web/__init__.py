"""The web UI and JSON API over a corpus store (``unspin serve``): read-only, server-rendered, no script."""

from unspin.web.app import create_app

__all__ = ["create_app"]
