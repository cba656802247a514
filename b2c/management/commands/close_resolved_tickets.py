"""Close the tickets resolved long enough ago (what the daily job does)."""

from django.core.management.base import BaseCommand

from b2c.services.support import tickets_close_resolved


class Command(BaseCommand):
    help = (
        "Close support tickets resolved more than SUPPORT_REOPEN_DAYS ago: after that, a reply "
        "no longer reopens them. Safe to run at any time."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Closed {tickets_close_resolved()} ticket(s).")
