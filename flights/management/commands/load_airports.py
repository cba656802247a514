from django.core.management.base import BaseCommand

from flights.services import airports_load


class Command(BaseCommand):
    help = "Load or refresh every airport with an IATA code (airportsdata)."

    def handle(self, *args, **options):
        count = airports_load()
        self.stdout.write(self.style.SUCCESS(f"{count} airports loaded."))
