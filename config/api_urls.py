"""Everything under /api/v1/."""

from django.urls import include, path

from accounts.api import AuthTokenApi
from b2c.api.alerts import urlpatterns as alerts_urlpatterns
from b2c.api.customer import urlpatterns as customer_urlpatterns
from b2c.api.loyalty import urlpatterns as loyalty_urlpatterns
from b2c.api.newsletter import urlpatterns as newsletter_urlpatterns
from b2c.api.referrals import urlpatterns as referrals_urlpatterns
from b2c.api.reviews import urlpatterns as reviews_urlpatterns
from b2c.api.social import urlpatterns as social_urlpatterns
from b2c.api.support import urlpatterns as support_urlpatterns
from b2c.api.travel_alerts import urlpatterns as travel_alerts_urlpatterns
from b2c.api.trips import urlpatterns as trips_urlpatterns
from b2c.api.wallet import urlpatterns as wallet_urlpatterns
from b2c.api.wishlist import urlpatterns as wishlist_urlpatterns
from flights.api import urlpatterns as flights_urlpatterns
from notifications.api import urlpatterns as notifications_urlpatterns

urlpatterns = [
    path("auth/token/", AuthTokenApi.as_view(), name="api-auth-token"),
    path("", include((customer_urlpatterns, "customer"))),
    path("", include((loyalty_urlpatterns, "loyalty-api"))),
    path("", include((referrals_urlpatterns, "referrals-api"))),
    path("", include((wallet_urlpatterns, "wallet-api"))),
    path("", include((alerts_urlpatterns, "alerts-api"))),
    path("", include((travel_alerts_urlpatterns, "travel-alerts-api"))),
    path("", include((notifications_urlpatterns, "notifications-api"))),
    path("", include((wishlist_urlpatterns, "wishlist-api"))),
    path("", include((newsletter_urlpatterns, "newsletter-api"))),
    path("", include((reviews_urlpatterns, "reviews-api"))),
    path("", include((social_urlpatterns, "social-api"))),
    path("", include((trips_urlpatterns, "trips-api"))),
    path("", include((support_urlpatterns, "support-api"))),
    path("flights/", include((flights_urlpatterns, "flights-api"))),
    path("bookings/", include(("bookings.api", "bookings-api"))),
]
