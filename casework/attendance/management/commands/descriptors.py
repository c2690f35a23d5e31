"""`casework descriptors`: the district's attendance descriptor mapping, listed or edited.

    casework descriptors                                   # list every mapping
    casework descriptors set DESCRIPTOR CATEGORY [--reason CODE] [--notes TEXT] --user USERNAME
    casework descriptors --family calendar_event           # another family's map (calendar_event,
    casework descriptors set DESCRIPTOR KIND --family discipline --user USERNAME   # discipline, program)

--reason is a lawful reason code a rule set knows (COMAR 13A.08.01.03 A-J, the PP- pregnancy and parenting
codes, or a district's own code listed in its rule set); any other is refused.

A SIS sends attendance as descriptors (Ed-Fi URIs such as
uri://ed-fi.org/AttendanceEventCategoryDescriptor#Tardy, or local codes such as UA); the importers
read them through this table. Editing it is a change to how every later import is read, so it is
recorded under an account that holds "rules.manage" (the data steward or the director).

--family reads and edits the other code maps the same way (`imports.CodeMapping`): the kind of day a
calendar event means, the kind of a discipline action, the kind of a program."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from casework.attendance.choices import AttendanceCategory
from casework.attendance.models import DescriptorMapping
from casework.attendance.services import check_lawful_reason, descriptor_mapping_set
from casework.core import policy
from casework.imports import codes
from casework.imports.models import CodeMapping

ATTENDANCE = "attendance"


class Command(BaseCommand):
    help = ("List the attendance descriptor mapping, or set one descriptor's category (and implied lawful reason); "
            "--family does the same for calendar events, discipline actions and program types.")

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=["list", "set"], default="list")
        parser.add_argument("descriptor", nargs="?", help="The Ed-Fi URI or local code, as the SIS sends it")
        parser.add_argument("category", nargs="?", help=f"One of: {', '.join(AttendanceCategory.values)}")
        parser.add_argument("--reason", default=None,
                            help="Lawful reason code the descriptor implies (A-J, PP-..., or a rule set's own), e.g. B")
        parser.add_argument("--notes", default="", help="Why (kept with the mapping)")
        parser.add_argument("--user", metavar="USERNAME", help="The account the change is recorded under")
        parser.add_argument("--family", default=ATTENDANCE, choices=[ATTENDANCE, *codes.KINDS],
                            help="Which map: attendance (the default), calendar_event, discipline or program")

    def handle(self, *args, **opts):
        family = opts["family"]
        if opts["action"] == "list" and family != ATTENDANCE:
            for m in CodeMapping.objects.filter(family=family).order_by("descriptor"):
                self.stdout.write(f"{m.descriptor}\t{m.value}\t[{'shipped' if m.shipped else 'district'}]")
            return
        if opts["action"] == "list":
            for m in DescriptorMapping.objects.order_by("descriptor"):
                reason = f" (reason {m.reason_code})" if m.reason_code else ""
                origin = "shipped" if m.shipped else "district"
                self.stdout.write(f"{m.descriptor}\t{m.category}{reason}\t[{origin}]")
            return
        if not opts["descriptor"] or not opts["category"]:
            raise CommandError("Say what to map: casework descriptors set DESCRIPTOR CATEGORY --user USERNAME")
        if family != ATTENDANCE:
            self.set_code(family, opts)
            return
        if opts["category"] not in AttendanceCategory.values:
            raise CommandError(f"Unknown category {opts['category']!r}; use one of "
                               f"{', '.join(AttendanceCategory.values)}.")
        reason = opts["reason"].strip().upper() if opts["reason"] else None
        if reason:  # before the account: the same check the service makes, said whoever runs it
            try:
                check_lawful_reason(reason)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
        actor = self.actor(opts)
        try:
            mapping = descriptor_mapping_set(actor=actor, descriptor=opts["descriptor"], category=opts["category"],
                                             reason_code=reason, notes=opts["notes"][:200])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"{mapping.descriptor} -> {mapping.category}"
                          + (f" (reason {mapping.reason_code})" if mapping.reason_code else "")
                          + ". Later imports read it this way; re-import to apply it to stored events.")

    def actor(self, opts):
        if not opts["user"]:
            raise CommandError("Give --user: a change to the mapping is recorded under an account.")
        actor = get_user_model().objects.filter(username=opts["user"]).first()
        if actor is None:
            raise CommandError(f"No account named {opts['user']}.")
        if not policy.has_action(actor, "rules.manage"):
            raise CommandError(f"{opts['user']} may not change the mapping (data steward or director only).")
        return actor

    def set_code(self, family: str, opts) -> None:
        kinds = codes.KINDS[family].values
        if opts["category"] not in kinds:
            raise CommandError(f"Unknown kind {opts['category']!r} for {family}; use one of {', '.join(kinds)}.")
        if opts["reason"]:
            raise CommandError("--reason applies to attendance descriptors only.")
        actor = self.actor(opts)
        try:
            mapping = codes.code_mapping_set(actor=actor, family=family, descriptor=opts["descriptor"],
                                             value=opts["category"], notes=opts["notes"][:200])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"{mapping.descriptor} -> {mapping.value} ({family}). Later imports read it this way; "
                          "re-import to apply it to what is stored.")
