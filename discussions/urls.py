from django.urls import path

from discussions.views import community, notifications, threads

app_name = "discussions"
urlpatterns = [
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
