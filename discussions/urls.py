from django.urls import path

from discussions.views import clubs, community, feeds, meetings, notifications, polls, threads

app_name = "discussions"

club = "clubs/<slug:slug>/"
meeting = club + "meetings/<int:pk>/"
poll = club + "polls/<int:pk>/"

urlpatterns = [
    path("clubs/", clubs.club_list, name="club_list"),
    path("clubs/new/", clubs.club_create, name="club_create"),
    path(club, clubs.club_detail, name="club_detail"),
    path(club + "join/", clubs.club_join, name="club_join"),
    path(club + "leave/", clubs.club_leave, name="club_leave"),
    path(club + "invite/<str:token>/", clubs.invite_accept, name="invite_accept"),
    path(club + "manage/", clubs.club_manage, name="club_manage"),
    path(club + "requests/<int:pk>/", clubs.join_request_decide, name="join_request_decide"),
    path(club + "members/<int:pk>/role/", clubs.membership_role, name="membership_role"),
    path(club + "members/<int:pk>/remove/", clubs.membership_remove, name="membership_remove"),
    path(club + "invites/", clubs.invite_create, name="invite_create"),
    path(club + "invites/<int:pk>/revoke/", clubs.invite_revoke, name="invite_revoke"),
    path(club + "calendar.ics", feeds.club_calendar, name="club_calendar"),
    path(club + "meetings.atom", feeds.club_meetings_feed, name="club_feed"),
    path(club + "meetings/new/", meetings.meeting_create, name="meeting_create"),
    path(meeting, meetings.meeting_detail, name="meeting_detail"),
    path(meeting + "edit/", meetings.meeting_edit, name="meeting_edit"),
    path(meeting + "status/", meetings.meeting_status, name="meeting_status"),
    path(meeting + "rsvp/", meetings.meeting_rsvp, name="meeting_rsvp"),
    path(meeting + "progress/", meetings.meeting_progress, name="meeting_progress"),
    path(meeting + "comments/", meetings.meeting_comment_create, name="meeting_comment_create"),
    path(meeting + "sections/", meetings.section_create, name="section_create"),
    path(meeting + "recap/", meetings.meeting_recap, name="meeting_recap"),
    path(meeting + "calendar.ics", meetings.meeting_ics, name="meeting_ics"),
    path(club + "polls/new/", polls.poll_create, name="poll_create"),
    path(poll, polls.poll_detail, name="poll_detail"),
    path(poll + "vote/", polls.poll_vote, name="poll_vote"),
    path(poll + "suggest/", polls.poll_suggest, name="poll_suggest"),
    path(poll + "close/", polls.poll_close, name="poll_close"),
    path("books/<slug:slug>/community/", community.book_community, name="book_community"),
    path("books/<slug:slug>/rate/", community.rate, name="rate"),
    path("books/<slug:slug>/age/", community.age_vote, name="age_vote"),
    path("books/<slug:slug>/comments/", community.book_comment_create, name="book_comment_create"),
    path("books/<slug:slug>/summaries/", community.summary_create, name="summary_create"),
    path("books/<slug:slug>/notices/", community.notice_create, name="notice_create"),
    path(
        "books/<slug:slug>/notices/<int:pk>/second/",
        community.notice_second,
        name="notice_second",
    ),
    path("books/<slug:slug>/quotes/", community.quote_create, name="quote_create"),
    path("threads/<int:pk>/", threads.thread_detail, name="thread"),
    path("threads/<int:pk>/comments/", threads.comment_create, name="comment_create"),
    path("threads/<int:pk>/lock/", threads.thread_lock, name="thread_lock"),
    path("threads/<int:pk>/follow/", threads.thread_follow, name="thread_follow"),
    path("comments/<int:pk>/", threads.comment_detail, name="comment"),
    path("comments/<int:pk>/reply/", threads.comment_reply, name="comment_reply"),
    path("comments/<int:pk>/edit/", threads.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", threads.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/flag/", threads.comment_flag, name="comment_flag"),
    path("comments/<int:pk>/moderate/", threads.comment_moderate, name="comment_moderate"),
    path("comments/<int:pk>/history/", threads.comment_history, name="comment_history"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read/", notifications.notifications_read, name="notifications_read"),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification"),
    path("notifications/unsubscribe/<str:token>/", notifications.unsubscribe, name="unsubscribe"),
]
