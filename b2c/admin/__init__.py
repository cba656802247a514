from b2c.admin import customer  # noqa: F401
