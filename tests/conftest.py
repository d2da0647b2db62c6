import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the directory's fixtures once; each test runs in a transaction that is rolled back."""
    with django_db_blocker.unblock():
        call_command("seed", verbosity=0)
