"""Scheduling, time zones, notifications, calendars, feeds and JSON-LD."""

import datetime
import json
import re
import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from discussions.models import RSVP, Meeting, Membership
from discussions.services.rsvps import rsvp_set

UTC = datetime.UTC
LA = zoneinfo.ZoneInfo("America/Los_Angeles")


def _next_year() -> int:
    return timezone.now().year + 1


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


def _meeting_form(book, **overrides):
    data = {
        "book": book.pk,
        "title": "Part one",
        "starts": f"{_next_year()}-10-28T18:30",
        "ends": f"{_next_year()}-10-28T20:00",
        "time_zone": "America/Los_Angeles",
        "place": "Central Library",
        "capacity": "12",
    }
    data.update(overrides)
    return data


def test_organiser_schedules_a_meeting_stored_in_utc(organiser_client, public_club, make_book):
    url = reverse("discussions:meeting_create", args=[public_club.slug])
    response = organiser_client.post(url, _meeting_form(make_book()))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == meeting.get_absolute_url()
    # 18:30 Pacific Daylight Time is 01:30 UTC the next day.
    assert meeting.starts_at == datetime.datetime(_next_year(), 10, 29, 1, 30, tzinfo=UTC)
    assert meeting.time_zone == "America/Los_Angeles"


def test_a_time_the_clocks_skip_is_rejected_with_a_clear_error(
    organiser_client, public_club, make_book
):
    url = reverse("discussions:meeting_create", args=[public_club.slug])
    # US clocks jump from 02:00 to 03:00 on the second Sunday of March.
    march = datetime.date(_next_year(), 3, 8)
    sunday = march + datetime.timedelta(days=(6 - march.weekday()) % 7)
    data = _meeting_form(make_book(), starts=f"{sunday}T02:30", ends=f"{sunday}T04:00")
    response = organiser_client.post(url, data)
    assert response.status_code == 400
    assert b"does not exist" in response.content
    assert not Meeting.objects.exists()


def test_ending_before_starting_is_a_form_error(organiser_client, public_club, make_book):
    url = reverse("discussions:meeting_create", args=[public_club.slug])
    data = _meeting_form(make_book(), ends=f"{_next_year()}-10-28T17:00")
    response = organiser_client.post(url, data)
    assert response.status_code == 400
    assert b"must end after it starts" in response.content


def test_times_show_in_the_viewers_zone_and_the_meetings_across_dst(
    client, make_user, public_club, make_meeting
):
    """Late October: London has left summer time, Los Angeles has not (7 hours apart, not 8)."""
    # The UK leaves summer time on the last Sunday of October, the US on the first
    # Sunday of November: the day after the UK change, the zones are 7 hours apart.
    last_day = datetime.date(_next_year(), 10, 31)
    uk_change = last_day - datetime.timedelta(days=(last_day.weekday() + 1) % 7)
    day = uk_change + datetime.timedelta(days=1)
    start = datetime.datetime(day.year, day.month, day.day, 18, 30, tzinfo=LA)
    assert start.utcoffset() == datetime.timedelta(hours=-7)
    meeting = make_meeting(
        public_club,
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=90),
        time_zone="America/Los_Angeles",
    )
    viewer = make_user(time_zone="Europe/London")
    client.force_login(viewer)
    page = client.get(meeting.get_absolute_url()).content.decode()
    london = start.astimezone(zoneinfo.ZoneInfo("Europe/London"))
    assert london.strftime("%H:%M") == "01:30"
    assert "01:30" in page and "GMT" in page
    assert "18:30" in page and "PDT" in page
    # Two weeks later both zones are on standard time: 18:30 PST is 02:30 in London.
    later = make_meeting(
        public_club,
        starts_at=start + datetime.timedelta(days=14),
        ends_at=start + datetime.timedelta(days=14, minutes=90),
        time_zone="America/Los_Angeles",
    )
    page = client.get(later.get_absolute_url()).content.decode()
    assert "02:30" in page and "PST" in page


def test_editing_the_time_emails_everyone_who_rsvped(
    organiser_client, make_user, public_club, make_meeting, django_capture_on_commit_callbacks
):
    going, maybe, declined = make_user(), make_user(), make_user()
    for user in (going, maybe, declined):
        Membership.objects.create(club=public_club, user=user)
    meeting = make_meeting(public_club, time_zone="America/Los_Angeles")
    rsvp_set(meeting=meeting, user=going, response=RSVP.Response.GOING)
    rsvp_set(meeting=meeting, user=maybe, response=RSVP.Response.MAYBE)
    rsvp_set(meeting=meeting, user=declined, response=RSVP.Response.NOT_GOING)
    url = reverse("discussions:meeting_edit", args=[public_club.slug, meeting.pk])
    form = organiser_client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        book=meeting.book.pk,
        starts=f"{_next_year()}-06-01T19:00",
        ends=f"{_next_year()}-06-01T21:00",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(url, data)
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted([going.email, maybe.email])
    assert "start time" in mail.outbox[0].body
    meeting.refresh_from_db()
    assert meeting.sequence == 1


def test_cancelling_marks_the_meeting_everywhere_and_tells_rsvps(
    organiser_client, member, public_club, make_meeting, django_capture_on_commit_callbacks
):
    Membership.objects.create(club=public_club, user=member)
    meeting = make_meeting(public_club)
    rsvp_set(meeting=meeting, user=member, response=RSVP.Response.GOING)
    url = reverse("discussions:meeting_status", args=[public_club.slug, meeting.pk])
    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(url, {"action": "cancel"})
    assert "Cancelled:" in mail.outbox[0].subject and "cancelled" in mail.outbox[0].body
    page = organiser_client.get(meeting.get_absolute_url()).content.decode()
    assert "This meeting has been cancelled" in page
    assert "EventCancelled" in page
    feed = organiser_client.get(reverse("discussions:club_calendar", args=[public_club.slug]))
    event = Calendar.from_ical(feed.content).walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CANCELLED"


def test_unknown_status_action_is_a_400(organiser_client, public_club, make_meeting):
    meeting = make_meeting(public_club)
    url = reverse("discussions:meeting_status", args=[public_club.slug, meeting.pk])
    assert organiser_client.post(url, {"action": "explode"}).status_code == 400


def test_meeting_ics_parses_back_with_its_time_zone(client, public_club, make_meeting):
    start = datetime.datetime(_next_year(), 7, 1, 18, 30, tzinfo=LA)
    meeting = make_meeting(
        public_club,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        time_zone="America/Los_Angeles",
        place="Central Library",
    )
    response = client.get(reverse("discussions:meeting_ics", args=[public_club.slug, meeting.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0" and "PRODID" in calendar
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/Los_Angeles"]
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTSTART").astimezone(UTC) == meeting.starts_at
    assert event["DTSTART"].params["TZID"] == "America/Los_Angeles"
    assert str(event["UID"]).startswith(f"meeting-{meeting.pk}@")
    assert str(event["LOCATION"]) == "Central Library"
    assert str(event["STATUS"]) == "CONFIRMED"
    # Every content line is CRLF-terminated and folded at 75 octets (RFC 5545 §3.1).
    lines = response.content.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)


def test_club_calendar_lists_its_meetings(client, public_club, make_meeting):
    make_meeting(public_club, title="First")
    make_meeting(public_club, title="Second", time_zone="America/New_York")
    response = client.get(reverse("discussions:club_calendar", args=[public_club.slug]))
    calendar = Calendar.from_ical(response.content)
    assert sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT")) == ["First", "Second"]
    assert sorted(tz["TZID"] for tz in calendar.walk("VTIMEZONE")) == [
        "America/New_York",
        "Europe/London",
    ]


def test_atom_feed_lists_upcoming_meetings_only(client, public_club, make_meeting):
    make_meeting(public_club, title="Soon")
    past = timezone.now() - datetime.timedelta(days=30)
    make_meeting(public_club, title="Long ago", starts_at=past)
    response = client.get(reverse("discussions:club_feed", args=[public_club.slug]))
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "Soon" in body and "Long ago" not in body


def test_meeting_page_embeds_schema_org_event(client, public_club, make_meeting, make_book):
    start = datetime.datetime(_next_year(), 7, 1, 18, 30, tzinfo=LA)
    meeting = make_meeting(
        public_club,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        time_zone="America/Los_Angeles",
        place="Central Library",
        book=make_book("Never Let Me Go"),
        online_url="https://video.example.org/x",
    )
    page = client.get(meeting.get_absolute_url()).content.decode()
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "Event"
    assert data["startDate"] == f"{_next_year()}-07-01T18:30:00-07:00"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert data["about"] == {"@type": "Book", "name": "Never Let Me Go"}
    assert data["organizer"]["name"] == public_club.name
    assert "url" not in data["location"][1]  # the online link is for members only


def test_json_ld_cannot_break_out_of_its_script_element(client, public_club, make_meeting):
    meeting = make_meeting(public_club, title="</script><script>alert(1)</script>")
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "</script><script>alert" not in page


def test_rsvp_with_htmx_returns_only_the_rsvp_box(client, member, public_club, make_meeting):
    Membership.objects.create(club=public_club, user=member)
    meeting = make_meeting(public_club, capacity=1)
    client.force_login(member)
    url = reverse("discussions:meeting_rsvp", args=[public_club.slug, meeting.pk])
    response = client.post(url, {"response": "going"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="rsvp"')
    assert "<html" not in body
    assert "Your answer: <strong>Going</strong>" in body
    assert "1 going of 1 seats (0 left)" in body


def test_rsvp_without_htmx_redirects_back_to_the_meeting(client, member, public_club, make_meeting):
    Membership.objects.create(club=public_club, user=member)
    meeting = make_meeting(public_club)
    client.force_login(member)
    url = reverse("discussions:meeting_rsvp", args=[public_club.slug, meeting.pk])
    response = client.post(url, {"response": "maybe"})
    assert response.status_code == 302 and response.url == meeting.get_absolute_url()
    assert RSVP.objects.get().response == RSVP.Response.MAYBE
    assert client.post(url, {"response": "perhaps"}).status_code == 302  # re-shown with an error


def test_invalid_rsvp_with_htmx_is_a_400(client, member, public_club, make_meeting):
    Membership.objects.create(club=public_club, user=member)
    meeting = make_meeting(public_club)
    client.force_login(member)
    url = reverse("discussions:meeting_rsvp", args=[public_club.slug, meeting.pk])
    assert client.post(url, {"response": "perhaps"}, HTTP_HX_REQUEST="true").status_code == 400


def test_recording_progress_shows_on_the_page(client, member, public_club, make_meeting):
    from discussions.services.meetings import section_add

    Membership.objects.create(club=public_club, user=member)
    meeting = make_meeting(public_club)
    part_one = section_add(book=meeting.book, title="Part One")
    client.force_login(member)
    url = reverse("discussions:meeting_progress", args=[public_club.slug, meeting.pk])
    response = client.post(url, {"section": part_one.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "finished Part One" in response.content.decode()
    assert client.post(url, {}, HTTP_HX_REQUEST="true").status_code == 400
    response = client.post(url, {"percent": "150"})
    assert response.status_code == 400


def test_recap_only_after_the_meeting(client, organiser, public_club, make_meeting):
    client.force_login(organiser)
    upcoming = make_meeting(public_club)
    client.post(
        reverse("discussions:meeting_recap", args=[public_club.slug, upcoming.pk]),
        {"recap": "Too early"},
    )
    upcoming.refresh_from_db()
    assert upcoming.recap == ""
    past = make_meeting(public_club, starts_at=timezone.now() - datetime.timedelta(days=2))
    client.post(
        reverse("discussions:meeting_recap", args=[public_club.slug, past.pk]),
        {"recap": "We talked about Hailsham."},
    )
    assert "We talked about Hailsham." in client.get(past.get_absolute_url()).content.decode()


def test_club_page_query_count_does_not_grow_with_meetings(
    client, public_club, make_meeting, django_assert_max_num_queries
):
    for _ in range(15):
        make_meeting(public_club)
    with django_assert_max_num_queries(12):
        response = client.get(public_club.get_absolute_url())
    assert response.status_code == 200


def test_home_lists_members_upcoming_meetings_across_clubs(
    client, member, make_club, make_meeting, django_assert_max_num_queries
):
    mine = make_club(members=[member], name="Mine")
    other = make_club(name="Other")
    make_meeting(mine, title="My meeting")
    make_meeting(other, title="Their meeting")
    client.force_login(member)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("home")).content.decode()
    assert "My meeting" in page and "Their meeting" not in page
    client.logout()
    page = client.get(reverse("home")).content.decode()
    assert "My meeting" in page and "Their meeting" in page


def test_home_is_shared_between_members_but_each_sees_their_own_meetings(
    client, make_user, make_club, make_meeting
):
    ann, ben = make_user(display_name="Ann"), make_user(display_name="Ben")
    make_meeting(make_club(members=[ann]), title="Ann meets")
    make_meeting(make_club(members=[ben]), title="Ben meets")
    pages = {}
    for reader in (ann, ben):
        client.force_login(reader)
        pages[reader] = client.get(reverse("home")).content.decode()
    assert "Ann meets" in pages[ann] and "Ben meets" not in pages[ann]
    assert "Ben meets" in pages[ben] and "Ann meets" not in pages[ben]
    assert ">Ben</a>" in pages[ben].split("</header>")[0]
    # ">Ann<", not "Ann": a random CSRF token in the header may hold those three letters.
    assert ">Ann<" not in pages[ben].split("</header>")[0]


def test_home_shows_a_club_joined_or_a_meeting_scheduled_at_once(
    client, member, make_club, make_meeting
):
    club = make_club(name="Late joiners")
    make_meeting(club, title="First gathering")
    client.force_login(member)
    assert "First gathering" not in client.get(reverse("home")).content.decode()
    Membership.objects.create(club=club, user=member)
    assert "First gathering" in client.get(reverse("home")).content.decode()
    make_meeting(club, title="Second gathering")
    assert "Second gathering" in client.get(reverse("home")).content.decode()
    client.logout()
    assert "Second gathering" in client.get(reverse("home")).content.decode()
    make_meeting(club, title="Third gathering")
    assert "Third gathering" in client.get(reverse("home")).content.decode()


def test_meeting_page_query_count_does_not_grow_with_rsvps(
    client, make_user, public_club, make_meeting, django_assert_max_num_queries
):
    meeting = make_meeting(public_club, capacity=5)
    for _ in range(12):
        user = make_user()
        Membership.objects.create(club=public_club, user=user)
        rsvp_set(meeting=meeting, user=user, response=RSVP.Response.GOING)
    client.force_login(user)
    # 17: the page also carries the meeting's discussion (thread lookup, may-post check,
    # section choices for the comment form); test_meeting_threads covers a full thread.
    with django_assert_max_num_queries(17):
        page = client.get(meeting.get_absolute_url()).content.decode()
    assert "5 going of 5 seats (0 left), 7 on the waitlist" in page


def test_postponing_then_setting_new_times_reschedules(
    member, public_club, make_meeting, django_capture_on_commit_callbacks
):
    from discussions.calendars import meeting_calendar
    from discussions.services.meetings import meeting_postpone, meeting_update
    from discussions.structured_data import meeting_event_data

    Membership.objects.create(club=public_club, user=member)
    meeting = make_meeting(public_club)
    rsvp_set(meeting=meeting, user=member, response=RSVP.Response.GOING)
    with django_capture_on_commit_callbacks(execute=True):
        assert meeting_postpone(meeting=meeting) == ["status"]
    meeting.refresh_from_db()
    assert meeting_event_data(meeting, members_view=False)["eventStatus"].endswith("EventPostponed")
    event = Calendar.from_ical(meeting_calendar(meeting, members_view=False)).walk("VEVENT")[0]
    assert str(event["STATUS"]) == "TENTATIVE"
    later = meeting.starts_at + datetime.timedelta(days=14)
    with django_capture_on_commit_callbacks(execute=True):
        changes = meeting_update(
            meeting=meeting, starts_at=later, ends_at=later + datetime.timedelta(hours=2)
        )
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED
    assert set(changes) == {"start time", "end time", "status"}
    assert meeting.sequence == 2
    assert len(mail.outbox) == 2


def test_members_who_opted_out_of_email_are_not_notified(make_user, public_club, make_meeting):
    from discussions.services.meetings import meeting_notify_change

    quiet = make_user(email_notifications=False)
    Membership.objects.create(club=public_club, user=quiet)
    meeting = make_meeting(public_club)
    rsvp_set(meeting=meeting, user=quiet, response=RSVP.Response.GOING)
    assert meeting_notify_change(meeting=meeting, changes=["place"]) == 0
    assert mail.outbox == []


def test_cutting_capacity_below_those_going_is_refused_in_plain_words(
    organiser_client, make_user, public_club, make_meeting
):
    meeting = make_meeting(public_club, capacity=3)
    for _ in range(2):
        user = make_user()
        Membership.objects.create(club=public_club, user=user)
        rsvp_set(meeting=meeting, user=user, response=RSVP.Response.GOING)
    url = reverse("discussions:meeting_edit", args=[public_club.slug, meeting.pk])
    form = organiser_client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(book=meeting.book.pk, capacity="1")
    response = organiser_client.post(url, data)
    assert response.status_code == 400
    assert "2 members are going, so the meeting needs at least 2 seats" in response.text
    meeting.refresh_from_db()
    assert meeting.capacity == 3
    # Two seats for two members going is fine.
    data.update(capacity="2")
    assert organiser_client.post(url, data).status_code == 302


def test_a_capacity_cut_raced_by_a_new_answer_is_refused_by_the_service(
    make_user, public_club, make_meeting
):
    from django.core.exceptions import ValidationError

    from discussions.services.meetings import meeting_update

    meeting = make_meeting(public_club, capacity=3)
    for _ in range(3):
        user = make_user()
        Membership.objects.create(club=public_club, user=user)
        rsvp_set(meeting=meeting, user=user, response=RSVP.Response.GOING)
    with pytest.raises(ValidationError) as refused:
        meeting_update(meeting=meeting, capacity=2)
    assert "3 members are going" in str(refused.value)


def test_visitors_see_the_meetings_own_local_time_first_and_theirs_beside_it(
    client, make_user, public_club, make_meeting
):
    start = datetime.datetime(_next_year(), 10, 21, 18, 30, tzinfo=LA)
    meeting = make_meeting(
        public_club,
        title="Autumn talk",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        time_zone="America/Los_Angeles",
    )
    page = " ".join(client.get(meeting.get_absolute_url()).text.split())
    when = page.split('class="meeting-when">', 1)[1].split("</p>", 1)[0]
    when = re.sub(r"<[^>]+>", "", when)
    assert when.index("18:30") < when.index("01:30")  # 18:30 PDT is 01:30 UTC the next day
    assert "(America/Los_Angeles)" in when and "Your time (UTC):" in when
    listing = " ".join(client.get(public_club.get_absolute_url()).text.split())
    item = listing.split("Autumn talk", 1)[1].split("</li>", 1)[0]
    assert item.index("18:30 PDT") < item.index("01:30 UTC your time")
    # A reader in the meeting's own zone sees it once.
    client.force_login(make_user(time_zone="America/Los_Angeles"))
    page = client.get(meeting.get_absolute_url()).text
    assert "Your time" not in page.split('class="meeting-when">', 1)[1].split("</p>", 1)[0]
