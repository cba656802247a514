from b2c.admin import customer, loyalty, referrals, wallet  # noqa: F401
