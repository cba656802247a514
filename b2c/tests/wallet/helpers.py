from b2c.models import CustomerWallet, WalletTransaction
from core.testing.factories import CustomerFactory


def wallet_in(currency: str) -> CustomerWallet:
    """A new customer's (empty) wallet, held in `currency`."""
    customer = CustomerFactory()
    CustomerWallet.objects.filter(customer=customer).update(currency=currency)
    return CustomerWallet.objects.get(customer=customer)


def snapshot(wallet: CustomerWallet) -> tuple:
    """The stored balance and every ledger row of `wallet`, to compare before and after."""
    return (
        CustomerWallet.objects.get(pk=wallet.pk).balance,
        list(WalletTransaction.objects.filter(wallet=wallet).order_by("id").values()),
    )
