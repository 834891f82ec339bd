"""Every main page is valid HTML according to the Nu HTML Checker (vnu.jar)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.trust.conftest import VNU_JAR, require


@pytest.mark.django_db
def test_main_pages_have_no_html_errors(client, main_pages, tmp_path):
    require(shutil.which("java"), "Java")
    require(VNU_JAR, "vnu.jar")
    pages, member = main_pages
    files = {}
    for number, page in enumerate(pages):
        if page.signed_in:
            client.force_login(member)
        else:
            client.logout()
        response = client.get(page.path)
        assert response.status_code in {200, 404}, (page, response.status_code)
        target = tmp_path / f"{number:02d}.html"
        target.write_bytes(response.content)
        files[str(target)] = page
    result = subprocess.run(  # noqa: S603
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only", *files],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or "{}").get("messages", [])
    findings = [
        f"{files.get(m['url'].removeprefix('file:'), m['url'])}: line {m.get('lastLine')}: "
        f"{m['message']}"
        for m in messages
        if m.get("type") in {"error", "non-document-error"}
    ]
    assert not findings, "\n".join(findings)
    assert len(files) == len(pages)
