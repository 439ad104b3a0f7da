"""The only door through which WeasyPrint may read anything while it renders.

WeasyPrint's default fetcher follows any URL in the HTML or CSS: a
`<link rel="attachment" href="file:///etc/passwd">` embeds that file in the PDF, and an
`<img src="http://...">` makes a request from the server. Our letters and copies carry text
typed by people, so the fetcher allows only `data:` URLs and files inside `static/`.
This module imports WeasyPrint: import it lazily (see render.py).
"""
from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..settings import PROJECT_ROOT

STATIC_DIR = PROJECT_ROOT / "static"


class RefusedURL(ValueError):
    """A URL outside what a PDF may read; WeasyPrint logs it and renders without it."""


class SafeURLFetcher(URLFetcher):
    """Serve `data:` URLs and files under `root` (static/ by default); refuse everything else."""

    def __init__(self, root: Path = STATIC_DIR):
        # The parent only ever sees data: URLs (see fetch); the limits below are a second lock.
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)
        self.root = Path(root).resolve()

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)  # decoded in memory by urllib's DataHandler
        if scheme == "file":
            return self._static_file(url)
        raise RefusedURL(f"refused (only data: and static files): {url[:100]}")

    def _static_file(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"refused (remote file): {url[:100]}")
        # resolve() follows symlinks and removes "..": what is checked is what is opened.
        path = Path(url2pathname(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise RefusedURL(f"refused (outside static): {url[:100]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})
