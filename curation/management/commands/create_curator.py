import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from curation.roles import CURATOR_GROUP, ensure_curator_group


class Command(BaseCommand):
    help = (
        "Create a curator: a staff user in the Curator group, who may edit the directory in the admin "
        "but not manage users. Run it again on an existing user to make them a curator."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="", help="The curator's e-mail address.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for a password; set one later with: manage.py changepassword USERNAME",
        )

    def handle(self, *args, username, email, interactive, **options):
        User = get_user_model()
        group = ensure_curator_group()
        user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
        created = user is None
        if created:
            password = self.ask_password(User(**{User.USERNAME_FIELD: username}, email=email)) if interactive else None
            user = User._default_manager.create_user(username, email=email, password=password)
        elif email:
            user.email = email
        user.is_staff = True
        user.save()
        user.groups.add(group)
        if created:
            self.stdout.write(self.style.SUCCESS(f"Created curator {username} (group {CURATOR_GROUP})."))
        else:
            self.stdout.write(self.style.SUCCESS(f"{username} is now a curator (group {CURATOR_GROUP})."))
        if not user.has_usable_password():
            self.stdout.write(f"Set a password with: python manage.py changepassword {username}")

    def ask_password(self, user):
        for _attempt in range(3):
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The passwords do not match.")
                continue
            try:
                validate_password(password, user)
            except ValidationError as error:
                self.stderr.write("\n".join(error.messages))
                continue
            return password
        raise CommandError("No password set; nothing was created.")
