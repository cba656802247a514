from b2c.admin import customer, wallet  # noqa: F401
