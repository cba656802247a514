from django.core.management.base import BaseCommand

from bookings.services import bookings_complete


class Command(BaseCommand):
    help = (
        "Complete confirmed bookings whose last flight has landed: their points become "
        "available, referral rewards and partner commissions are earned."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{bookings_complete()} trips completed.")
