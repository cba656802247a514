"""Expire lapsed loyalty points and issued rewards past their date (what the daily jobs do)."""

from django.core.management.base import BaseCommand

from b2c.services.loyalty import customer_rewards_expire, loyalty_points_expire


class Command(BaseCommand):
    help = (
        "Append an expire entry for what remains of every point lot past its expiry date, and "
        "mark issued rewards past their use-by date as expired. Safe to run at any time."
    )

    def handle(self, *args, **options):
        lots = loyalty_points_expire()
        rewards = customer_rewards_expire()
        self.stdout.write(f"Expired {lots} point lot(s) and {rewards} reward(s).")
