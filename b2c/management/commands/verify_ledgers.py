"""Check that every balance is the sum of its ledger; exit non-zero on any mismatch."""

from django.core.management.base import BaseCommand, CommandError

from b2c.models import CustomerWallet, LoyaltyTransaction
from b2c.selectors.loyalty import loyalty_ledgers_verify
from b2c.selectors.wallet import ledgers_verify


class Command(BaseCommand):
    help = (
        "Check every wallet: its balance equals the sum of its transactions, and each "
        "transaction's balance_after equals the running sum in ledger order. Check every loyalty "
        "account the same way: points balance and pending points against the ledger's posted "
        "and pending entries, running balance_after, and what remains of each lot. Prints each "
        "mismatch and exits with status 1 when there is any."
    )

    def handle(self, *args, **options):
        problems = ledgers_verify() + loyalty_ledgers_verify()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} ledger mismatch(es) found.")
        count = CustomerWallet.objects.count()
        self.stdout.write(self.style.SUCCESS(f"All {count} wallets balance."))
        accounts = LoyaltyTransaction.objects.values("customer_id").distinct().count()
        if accounts:
            self.stdout.write(self.style.SUCCESS(f"All {accounts} loyalty accounts balance."))
