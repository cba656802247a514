"""Review the loyalty tiers whose qualification window ended (what the daily job does)."""

from django.core.management.base import BaseCommand

from b2c.services.loyalty import loyalty_tiers_review


class Command(BaseCommand):
    help = (
        "Set the tier of every customer whose review date has passed from the qualifying points "
        "of the rolling window (it may go down), and schedule the next review."
    )

    def handle(self, *args, **options):
        changed = loyalty_tiers_review()
        self.stdout.write(f"Changed {changed} tier(s).")
