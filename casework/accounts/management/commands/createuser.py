import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from casework.core.context import Source, audit_context
from casework.core.roles import Role
from casework.schools.models import School

from ...services import role_assign, user_create


class Command(BaseCommand):
    help = "Add a staff account and give it a role (school-scoped roles need --school)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--school", action="append", default=[], metavar="CODE",
                            help="School code; repeat for several schools")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="Omit to be asked (recommended: keeps it out of shell history)")

    def handle(self, *args, **opts):
        codes = opts["school"]
        schools = list(School.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {s.code for s in schools})
        if missing:
            raise CommandError(f"No school with code: {', '.join(missing)}")
        password = opts["password"]
        if password is None:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords did not match.")
        try:
            with audit_context(source=Source.CLI), transaction.atomic():
                user = user_create(actor=None, username=opts["username"], password=password,
                                   first_name=opts["first_name"], last_name=opts["last_name"], email=opts["email"])
                role_assign(actor=None, user=user, role=opts["role"], schools=schools)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        where = ", ".join(s.code for s in schools) or "district-wide"
        self.stdout.write(self.style.SUCCESS(f"Created {user.username}: {Role(opts['role']).label} ({where})"))
