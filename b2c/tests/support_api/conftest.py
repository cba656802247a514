"""The help desk's set-up for the API tests: private storage in a temporary folder, staff."""

from b2c.tests.support.conftest import staff, storage_dirs  # noqa: F401 - fixtures
