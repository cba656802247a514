"""Everything under /api/v1/."""

from django.urls import include, path

from accounts.api import AuthTokenApi
from b2c.api.customer import urlpatterns as customer_urlpatterns
from b2c.api.loyalty import urlpatterns as loyalty_urlpatterns
from b2c.api.referrals import urlpatterns as referrals_urlpatterns
from b2c.api.wallet import urlpatterns as wallet_urlpatterns
from flights.api import urlpatterns as flights_urlpatterns

urlpatterns = [
    path("auth/token/", AuthTokenApi.as_view(), name="api-auth-token"),
    path("", include((customer_urlpatterns, "customer"))),
    path("", include((loyalty_urlpatterns, "loyalty-api"))),
    path("", include((referrals_urlpatterns, "referrals-api"))),
    path("", include((wallet_urlpatterns, "wallet-api"))),
    path("flights/", include((flights_urlpatterns, "flights-api"))),
    path("bookings/", include(("bookings.api", "bookings-api"))),
]
