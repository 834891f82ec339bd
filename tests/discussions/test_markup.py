"""The comment Markdown subset is safe and does what the help text promises."""

from discussions.markup import render


def test_emphasis_links_quotes_and_lists_render():
    html = render("*soft* **loud** [site](https://example.org)\n\n> quoted\n\n- one\n- two")
    assert "<em>soft</em>" in html and "<strong>loud</strong>" in html
    assert "<blockquote>" in html and "<li>one</li>" in html


def test_links_get_nofollow_ugc_noopener():
    html = render("[site](https://example.org)")
    assert 'rel="nofollow ugc noopener"' in html


def test_script_and_html_injection_is_neutralised():
    html = render(
        '<script>alert(1)</script><img src=x onerror=alert(2)> "><svg onload=alert(3)>'
        " [x](javascript:alert(4))"
    )
    assert "<script" not in html and "<img" not in html and "<svg" not in html
    assert "javascript:" not in html
    assert "onerror" not in html or "&lt;img" in html


def test_spoiler_lines_become_a_collapsed_details_block():
    html = render("Before\n\n>! Ruth dies\n>! and Tommy too\n\nAfter")
    assert '<details class="spoiler"><summary>' in html
    assert html.index("Ruth dies") > html.index("<details")
    assert " open" not in html


def test_mentions_of_real_members_link_to_their_profiles():
    html = render("thanks @kathy and @nobody", known_usernames=lambda names: {"kathy"})
    assert '<a href="/members/kathy/"' in html
    assert "@nobody" in html and "/members/nobody/" not in html
