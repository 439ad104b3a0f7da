"""An HTTP client that behaves as a browser does where it matters for forms: it keeps cookies,
follows redirects, and sends a Referer (and Origin) only as the page's Referrer-Policy allows.
Only such a client shows what a policy like «no-referrer» does to the forms over HTTPS."""
from __future__ import annotations

import http.cookiejar
import ssl
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode, urljoin, urlsplit

from bs4 import BeautifulSoup


@dataclass
class Page:
    url: str
    status: int
    headers: dict
    body: bytes

    @property
    def soup(self) -> BeautifulSoup:
        return BeautifulSoup(self.body, "html.parser")

    @property
    def h1(self) -> str:
        return self.soup.h1.get_text(" ", strip=True)


class BrowserLike:
    def __init__(self, ssl_context: ssl.SSLContext):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=ssl_context),
            urllib.request.HTTPCookieProcessor(self.cookies),
        )
        self.page: Page | None = None

    def _origin(self, url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"

    def _referrer_headers(self, target: str) -> dict:
        """What a browser sends along a form post from the current page (Fetch standard)."""
        if self.page is None:
            return {}
        policy = self.page.headers.get("Referrer-Policy", "strict-origin-when-cross-origin").split(",")[-1].strip()
        same_origin = self._origin(self.page.url) == self._origin(target)
        if policy == "no-referrer" or (policy == "same-origin" and not same_origin):
            return {"Origin": "null"}
        referer = self.page.url if same_origin or policy in ("unsafe-url",) else self._origin(self.page.url) + "/"
        return {"Origin": self._origin(self.page.url), "Referer": referer}

    def _send(self, request: urllib.request.Request) -> Page:
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            page = Page(response.geturl(), response.status, dict(response.headers), response.read())
        if page.headers.get("Content-Type", "").startswith("text/html"):
            self.page = page
        return page

    def get(self, url: str) -> Page:
        return self._send(urllib.request.Request(urljoin(self.page.url if self.page else url, url)))

    def submit(self, form_selector: str, values: dict, files: dict | None = None) -> Page:
        """Fill and send a form of the current page, its CSRF token included, as a browser would."""
        form = self.page.soup.select_one(form_selector)
        assert form is not None, f"no form {form_selector} on {self.page.url}"
        fields = {i["name"]: i.get("value", "") for i in form.find_all("input")
                  if i.get("name") and i.get("type") != "file"}
        fields.update(values)
        action = urljoin(self.page.url, form.get("action") or self.page.url)
        headers = self._referrer_headers(action)
        if files:
            body, content_type = _multipart(fields, files)
        else:
            body = urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        headers["Content-Type"] = content_type
        return self._send(urllib.request.Request(action, data=body, headers=headers, method="POST"))


def _multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data, mime) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: {mime}\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
