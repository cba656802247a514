from django.urls import path

from bookings import views

app_name = "bookings"

urlpatterns = [
    path("booking/<str:token>/", views.BookingStartView.as_view(), name="start"),
    path("booking/<int:booking_id>/pay/", views.BookingPayView.as_view(), name="pay"),
    path(
        "confirmation/<int:booking_id>/",
        views.BookingConfirmationView.as_view(),
        name="confirmation",
    ),
    path("bookings/", views.BookingListView.as_view(), name="list"),
    path("bookings/<int:booking_id>/cancel/", views.BookingCancelView.as_view(), name="cancel"),
]
