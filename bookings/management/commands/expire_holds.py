from django.core.management.base import BaseCommand

from bookings.services import bookings_expire_holds


class Command(BaseCommand):
    help = "Release the seats of bookings whose hold ran out unpaid."

    def handle(self, *args, **options):
        self.stdout.write(f"{bookings_expire_holds()} holds expired.")
