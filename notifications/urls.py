from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.NotificationListView.as_view(), name="list"),
    path("read-all/", views.NotificationReadAllView.as_view(), name="read-all"),
    path("<int:notification_id>/read/", views.NotificationReadView.as_view(), name="read"),
    path("preferences/", views.PreferencesView.as_view(), name="preferences"),
]
