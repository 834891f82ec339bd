"""axe-core in real Chromium finds no serious or critical accessibility violation."""

from __future__ import annotations

import pytest

from tests.trust.conftest import AXE_JS, require

SERIOUS = {"serious", "critical"}


@pytest.mark.django_db(transaction=True)
def test_main_pages_have_no_serious_accessibility_violations(
    browser, live_server, client, main_pages
):
    require(AXE_JS, "axe-core")
    pages, member = main_pages
    client.force_login(member)
    session_cookie = client.cookies["sessionid"].value
    findings = []
    for signed_in in (False, True):
        # axe is injected as a script, which our own CSP rightly forbids; bypass it for the check.
        context = browser.new_context(base_url=live_server.url, bypass_csp=True)
        if signed_in:
            context.add_cookies(
                [{"name": "sessionid", "value": session_cookie, "url": live_server.url}]
            )
        tab = context.new_page()
        for page in (p for p in pages if p.signed_in == signed_in):
            tab.goto(page.path)
            tab.add_script_tag(path=str(AXE_JS))
            result = tab.evaluate("axe.run(document, {resultTypes: ['violations']})")
            assert result["testEngine"]["name"] == "axe-core", "axe must really have run"
            for violation in result["violations"]:
                if violation["impact"] in SERIOUS:
                    targets = [node["target"] for node in violation["nodes"]][:3]
                    findings.append(
                        f"{page.label} ({'in' if signed_in else 'out'}): {violation['id']} "
                        f"{violation['impact']}: {violation['help']} {targets}"
                    )
        context.close()
    assert not findings, "\n".join(findings)
