"""Everything under /api/v1/."""

from django.urls import include, path

from accounts.api import AuthTokenApi
from b2c.api.customer import urlpatterns as customer_urlpatterns
from flights.api import urlpatterns as flights_urlpatterns

urlpatterns = [
    path("auth/token/", AuthTokenApi.as_view(), name="api-auth-token"),
    path("", include((customer_urlpatterns, "customer"))),
    path("flights/", include((flights_urlpatterns, "flights-api"))),
    path("bookings/", include(("bookings.api", "bookings-api"))),
]
