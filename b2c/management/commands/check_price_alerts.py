"""Check every active price alert once (what the 30-minute job does)."""

from django.core.management.base import BaseCommand

from b2c.services.alerts import price_alerts_check


class Command(BaseCommand):
    help = (
        "End price alerts whose dates passed, price every active alert against the current "
        "lowest fares, record the prices and tell customers of drops. Safe to run at any time."
    )

    def handle(self, *args, **options):
        counts = price_alerts_check()
        if counts["skipped"]:
            self.stdout.write("Another check is running; nothing done.")
            return
        self.stdout.write(
            f"Checked {counts['checked']} alert(s), notified {counts['notified']}, "
            f"ended {counts['ended']}."
        )
