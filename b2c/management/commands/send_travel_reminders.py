"""Send the travel reminders due now (what the five-minute job does)."""

from django.core.management.base import BaseCommand

from b2c.services.travel_alerts import travel_reminders_send


class Command(BaseCommand):
    help = (
        "Remind travellers of their confirmed flights when check-in opens, 24 hours and 3 hours "
        "before departure (only the latest one due). Safe to run at any time: a reminder is "
        "sent once."
    )

    def handle(self, *args, **options):
        told = travel_reminders_send()
        self.stdout.write(f"Sent {told} travel reminder(s).")
