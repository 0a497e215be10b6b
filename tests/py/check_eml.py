"""Reads a digest .eml with Python's standard email parser and checks it as a mail client
would: no defects, text/plain first and text/html last, the headers present and
well-formed, the HTML part under the size bound, every link absolute https, and nothing
active left in the HTML.

usage: check_eml.py MESSAGE.eml [MAX_HTML_BYTES]

Prints a JSON summary on success; exits 1 with one line per problem.
"""

import email
import email.policy
import email.utils
import json
import sys
from html.parser import HTMLParser

REQUIRED = ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version"]
LIST_HEADERS = ["List-Id", "List-Unsubscribe", "List-Archive", "List-Post"]


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls, self.problems, self.stack, self.titles = [], [], [], []
        self._in_title_link = False

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        for name, value in attrs:
            if name in ("href", "src"):
                self.urls.append(value or "")
            if name.startswith("on"):
                self.problems.append(f"<{tag}> has an {name}= attribute")
        if tag == "script":
            self.problems.append("<script> in the HTML part")
        if tag == "style" and "head" not in self.stack:
            self.problems.append("<style> outside <head>")
        if tag == "img":
            names = dict(attrs)
            if "alt" not in names or "width" not in names:
                self.problems.append(f"<img> without alt and width: {names.get('src')}")

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag:
            pass


def main():
    path = sys.argv[1]
    max_html = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    raw = open(path, "rb").read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    problems = []
    for part in msg.walk():
        for defect in part.defects:
            problems.append(f"defect in {part.get_content_type()}: {defect!r}")
    for name in REQUIRED:
        if msg[name] is None:
            problems.append(f"missing header {name}")
        elif msg[name].defects:
            problems.append(f"header {name} has defects: {msg[name].defects}")
    if msg["Date"] is not None and msg["Date"].datetime is None:
        problems.append("Date is not a date")
    for name in ("From", "To"):
        if msg[name] is not None and not all("@" in a.addr_spec for a in msg[name].addresses):
            problems.append(f"{name} is not an address")
    if msg.get_content_type() != "multipart/alternative":
        problems.append(f"top level is {msg.get_content_type()}, not multipart/alternative")
    parts = list(msg.iter_parts()) if msg.is_multipart() else [msg]
    types = [p.get_content_type() for p in parts]
    if types != ["text/plain", "text/html"]:
        problems.append(f"parts are {types}, wanted text/plain then text/html")
    text = parts[0].get_content() if parts else ""
    html = parts[-1].get_content() if parts else ""
    for p in parts:
        if p.get_content_charset() != "utf-8":
            problems.append(f"{p.get_content_type()} charset is {p.get_content_charset()}")
    html_bytes = len(html.encode("utf-8"))
    if html_bytes >= max_html:
        problems.append(f"HTML part is {html_bytes} bytes, over {max_html}")
    links = Links()
    links.feed(html)
    problems += links.problems
    for url in links.urls:
        if not (url.startswith("https://") or url.startswith("mailto:")):
            problems.append(f"link or image not absolute https (or a mailto: address): {url!r}")
    for p in problems:
        print(p)
    summary = {
        "subject": str(msg["Subject"]),
        "message_id": str(msg["Message-ID"]),
        "list_headers": {h: str(msg[h]) for h in LIST_HEADERS if msg[h] is not None},
        "parts": types,
        "html_bytes": html_bytes,
        "links": len(links.urls),
        "text": text,
        "html": html,
    }
    print(json.dumps(summary))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
