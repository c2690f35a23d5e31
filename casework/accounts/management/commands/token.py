from django.core.management.base import BaseCommand, CommandError

from casework.core.context import Source, audit_context

from ...models import User
from ...services import token_issue


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it (send it as 'Authorization: Token <token>')."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="A label to tell tokens apart")

    def handle(self, *args, **opts):
        user = User.objects.filter(username=opts["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {opts['username']!r}.")
        with audit_context(source=Source.CLI):
            key = token_issue(actor=None, user=user, name=opts["name"])
        self.stdout.write(key)
