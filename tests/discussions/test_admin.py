"""The admin's moderation queue: flagged comments first, hide them in bulk."""

from django.urls import reverse

from discussions.models import Comment, Flag
from discussions.services.comments import comment_flag


def test_moderation_queue_lists_flagged_comments_and_hides_them(
    client, staff, member, make_user, post
):
    flagged = post(member, "spammy link")
    post(member, "innocent")
    comment_flag(comment=flagged, reporter=make_user(), reason=Flag.Reason.SPAM)
    client.force_login(staff)
    url = reverse("admin:discussions_comment_changelist")
    html = client.get(url + "?flagged=yes").content.decode()
    assert "spammy link" in html and "innocent" not in html
    client.post(url, {"action": "hide", "_selected_action": [flagged.pk]})
    flagged.refresh_from_db()
    assert flagged.is_hidden and Flag.objects.get().resolved_at is not None
    assert not Comment.objects.get(body="innocent").is_hidden


def test_flag_admin_dismisses_flags(client, staff, member, make_user, post):
    comment = post(member, "fine")
    comment_flag(comment=comment, reporter=make_user(), reason=Flag.Reason.OTHER)
    client.force_login(staff)
    url = reverse("admin:discussions_flag_changelist")
    assert client.get(url).status_code == 200
    client.post(url, {"action": "dismiss", "_selected_action": [Flag.objects.get().pk]})
    assert Flag.objects.get().resolved_at is not None
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_comment_list_shows_flags_and_hidden_before_a_short_excerpt(client, staff, member, post):
    post(member, "x" * 200)
    client.force_login(staff)
    html = client.get(reverse("admin:discussions_comment_changelist")).content.decode()
    headers = [h for h in ("column-open_flags", "column-is_hidden", "column-excerpt") if h in html]
    assert headers == ["column-open_flags", "column-is_hidden", "column-excerpt"]
    assert html.index("column-is_hidden") < html.index("column-excerpt")
    assert "x" * 60 in html and "x" * 61 not in html


def test_the_hide_action_says_how_many_comments_it_hid(client, staff, member, post):
    comments = [post(member, "one"), post(member, "two")]
    client.force_login(staff)
    url = reverse("admin:discussions_comment_changelist")
    response = client.post(
        url, {"action": "hide", "_selected_action": [c.pk for c in comments]}, follow=True
    )
    assert "2 comments hidden." in response.content.decode()
