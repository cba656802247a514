from django.core.management.base import BaseCommand

from flights.services import airlines_load


class Command(BaseCommand):
    help = "Load or refresh airlines from flights/data/airlines.csv."

    def handle(self, *args, **options):
        count = airlines_load()
        self.stdout.write(self.style.SUCCESS(f"{count} airlines loaded."))
