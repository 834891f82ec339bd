"""An XSS payload corpus and a checker that rendered HTML carries none of it alive."""

from __future__ import annotations

from html.parser import HTMLParser

PAYLOADS = [
    "<script>alert('xss-script')</script>",
    "<img src=x onerror=alert('xss-img')>",
    "<svg onload=alert('xss-svg')><circle r=1></circle></svg>",
    "<a href=\"javascript:alert('xss-href')\">click</a>",
    "[click me](javascript:alert('xss-md'))",
    "[click me](JaVaScRiPt:alert('xss-md-case'))",
    "![img](x\" onerror=\"alert('xss-md-img'))",
    "<iframe src=\"javascript:alert('xss-iframe')\"></iframe>",
    "<body onload=alert('xss-body')>",
    "<div style=\"background:url(javascript:alert('xss-style'))\">x</div>",
    "\"><script>alert('xss-break')</script>",
    "'><img src=x onerror=alert('xss-quote')>",
    "<scr<script>ipt>alert('xss-nested')</script>",
    "<a href=\"&#106;avascript:alert('xss-entity')\">x</a>",
    "\u202e<script>alert('xss-bidi')</script>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss-mxss')>",
    "<form action=\"javascript:alert('xss-form')\"><button>go</button></form>",
    "<object data=\"javascript:alert('xss-object')\"></object>",
    "</script><script>alert('xss-close')</script>",
    "{{ 7|add:7 }} {% now 'Y' %}",
]

# Harmless in HTML, fatal elsewhere: a carriage return or line feed starts a new iCalendar
# property, and XML refuses most C0 controls outright (C1 and DEL ride along).
CONTROL_PAYLOADS = [
    "Meet 1\rATTENDEE;CN=x:mailto:evil@example.com",
    "Meet 2\nATTENDEE;CN=x:mailto:evil@example.com",
    "Meet 3\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:forged",
    "C0 \x01\x02\x08\x0b\x0c\x1b[31m\x1f end",
    "C1 \x7f\x80\x85\x9b\x9f end",
]

# Elements our own templates never use: any one of them on a page was injected.
FOREIGN_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet"}


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href"}


class _Scanner(HTMLParser):
    def __init__(self, allowed_scripts: set[str]):
        super().__init__(convert_charrefs=True)
        self.allowed_scripts = allowed_scripts
        self.findings: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            if attributes.get("type") == "application/ld+json":
                return
            if attributes.get("src") not in self.allowed_scripts:
                self.findings.append(f"script element {attrs}")
        elif tag in FOREIGN_TAGS:
            self.findings.append(f"<{tag}> element {attrs}")
        for name, value in attrs:
            if name.startswith("on"):
                self.findings.append(f"event handler {name}={value!r} on <{tag}>")
            url = (value or "").strip().lower().replace("\x00", "")
            if name in URL_ATTRIBUTES and url.startswith(("javascript:", "data:text")):
                self.findings.append(f"{name}={value!r} on <{tag}>")
            if name == "style" and "javascript" in (value or "").lower():
                self.findings.append(f"style={value!r} on <{tag}>")


def live_injections(html: str, *, trusted_script_srcs: set[str]) -> list[str]:
    """Everything in `html` that would run script, besides our own script files."""
    scanner = _Scanner(trusted_script_srcs)
    scanner.feed(html)
    scanner.close()
    return scanner.findings


def our_script_srcs(html: str) -> set[str]:
    """The script files a page of ours loads from /static/ (same origin, CSP-allowed)."""

    class Collect(HTMLParser):
        srcs: set[str] = set()

        def handle_starttag(self, tag, attrs):
            src = dict(attrs).get("src") or ""
            if tag == "script" and src.startswith("/static/"):
                self.srcs.add(src)

    collector = Collect()
    collector.feed(html)
    return collector.srcs
