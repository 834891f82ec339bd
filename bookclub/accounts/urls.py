from django.urls import path

from bookclub.accounts import views

app_name = "accounts"
urlpatterns = [
    path("members/<str:username>/", views.profile, name="profile"),
    path("profile/", views.profile_edit, name="profile_edit"),
    path("profile/delete/", views.account_delete_view, name="delete"),
]
