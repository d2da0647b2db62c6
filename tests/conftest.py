import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the directory's fixtures once; each test runs in a transaction that is rolled back."""
    with django_db_blocker.unblock():
        call_command("seed", verbosity=0)


@pytest.fixture
def make_curator(db, django_user_model):
    """A staff user in the Curator group, made the way `manage.py create_curator` makes one."""
    from django.contrib.auth.models import Group

    from practices.roles import CURATOR_GROUP

    def make(username, **fields):
        user = django_user_model.objects.create_user(username, password="not-a-secret", is_staff=True, **fields)
        user.groups.add(Group.objects.get(name=CURATOR_GROUP))
        return user

    return make


@pytest.fixture
def curator(make_curator):
    return make_curator("ana", first_name="Ana", last_name="García")


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client
