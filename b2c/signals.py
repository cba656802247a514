"""Signal receivers: each one calls one service."""

from allauth.account import signals as account_signals
from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import translation

from b2c.models import Customer, CustomerActivity, LoyaltyTransaction
from b2c.selectors.referrals import referral_code_from_request
from b2c.services.alerts import price_alerts_join_customer
from b2c.services.customer import (
    customer_activity_record_for_user,
    customer_create_for_user,
    customer_language_set,
)
from b2c.services.loyalty import loyalty_tier_update
from b2c.services.referrals import referral_record_signup
from b2c.services.trips import booking_sync_trips
from b2c.services.wallet import wallet_create


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="b2c_customer_on_signup")
def create_customer_for_new_user(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        customer_create_for_user(user=instance)


@receiver(post_save, sender=Customer, dispatch_uid="b2c_wallet_on_customer_created")
def create_wallet_for_new_customer(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        wallet_create(customer=instance)


@receiver(post_save, sender=LoyaltyTransaction, dispatch_uid="b2c_loyalty_tier_follows_points")
def update_tier_on_points_earned(sender, instance, created, raw=False, **kwargs):
    if (
        created
        and not raw
        and instance.kind == instance.Kind.EARN
        and instance.status == instance.Status.POSTED
    ):
        loyalty_tier_update(customer=instance.customer)


@receiver(account_signals.user_signed_up, dispatch_uid="b2c_language_on_signup")
def remember_signup_language(sender, request, user, **kwargs):
    customer_language_set(user=user, language=translation.get_language())


@receiver(account_signals.user_signed_up, dispatch_uid="b2c_referral_on_signup")
def record_referral_on_signup(sender, request, user, **kwargs):
    referral_record_signup(referee=user.customer, code=referral_code_from_request(request))


@receiver(account_signals.email_changed, dispatch_uid="b2c_activity_email_changed")
def record_email_changed(sender, request, user, **kwargs):
    customer_activity_record_for_user(
        user=user, kind=CustomerActivity.Kind.EMAIL_CHANGED, request=request
    )


@receiver(account_signals.email_confirmed, dispatch_uid="b2c_activity_email_confirmed")
def record_email_confirmed(sender, request, email_address, **kwargs):
    customer_activity_record_for_user(
        user=email_address.user, kind=CustomerActivity.Kind.EMAIL_CONFIRMED, request=request
    )


@receiver(account_signals.password_changed, dispatch_uid="b2c_activity_password_changed")
def record_password_changed(sender, request, user, **kwargs):
    customer_activity_record_for_user(
        user=user, kind=CustomerActivity.Kind.PASSWORD_CHANGED, request=request
    )


@receiver(account_signals.password_reset, dispatch_uid="b2c_activity_password_reset")
def record_password_reset(sender, request, user, **kwargs):
    customer_activity_record_for_user(
        user=user, kind=CustomerActivity.Kind.PASSWORD_RESET, request=request
    )


@receiver(account_signals.user_logged_in, dispatch_uid="b2c_activity_logged_in")
def record_logged_in(sender, request, user, **kwargs):
    customer_activity_record_for_user(
        user=user, kind=CustomerActivity.Kind.LOGGED_IN, request=request
    )


@receiver(account_signals.user_signed_up, dispatch_uid="b2c_price_alerts_on_signup")
@receiver(account_signals.email_confirmed, dispatch_uid="b2c_price_alerts_on_email_confirmed")
def join_visitor_price_alerts(sender, request, user=None, email_address=None, **kwargs):
    price_alerts_join_customer(customer=(user or email_address.user).customer)


@receiver(post_save, sender="bookings.Booking", dispatch_uid="b2c_trips_follow_booking")
def trips_follow_cancelled_booking(
    sender, instance, created, raw=False, update_fields=None, **kwargs
):
    if (
        not created
        and not raw
        and instance.status == instance.Status.CANCELLED
        and (update_fields is None or "status" in update_fields)
    ):
        booking_sync_trips(booking=instance)


# flights.signals tells the bookings on a re-timed flight with one FLIGHT_CHANGE alert each; the
# trips follow that alert, so a flight save with no booking on it costs no extra query.
@receiver(post_save, sender="b2c.TravelAlert", dispatch_uid="b2c_trips_follow_flight_change")
def trips_follow_flight_change(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.kind == instance.Kind.FLIGHT_CHANGE and instance.booking_id:
        booking_sync_trips(booking=instance.booking)
