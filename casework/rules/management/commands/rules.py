"""`casework rules`: the rule sets, listed, shown, copied and tightened (docs/rules.md).

    casework rules                                          # list: which set is in force from when
    casework rules show [ID] [--as-of YYYY-MM-DD]           # every threshold with its source
    casework rules copy --name NAME --rule-version V --effective YYYY-MM-DD [--from ID] --user USERNAME
    casework rules set ID KEY=VALUE [KEY=VALUE ...] --user USERNAME

VALUE is JSON (0.15, 6, {"quarter": 6, "semester": 12, "year": 18}); a word that is not JSON is taken
as text. The shipped Maryland rule set is read-only and a district rule set may only tighten what the
law sets (rules.services refuses the rest, saying why). Changing rules is recorded under an account that
holds "rules.manage" (the director or the data steward); the stored indicators keep the rules they were
counted with until `casework recompute`."""

from __future__ import annotations

import datetime
import json

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from casework.core import policy
from casework.indicators.management.commands.indicators import _as_of
from casework.rules import definition, services
from casework.rules.models import RuleSet
from casework.rules.selectors import ruleset_in_force


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(f"{key}: {msg}" if key not in ("__all__", "values") else msg
                        for key, errors in exc.message_dict.items() for msg in errors)
    return " ".join(exc.messages)


def _pair(text: str) -> tuple[str, object]:
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise CommandError(f"{text!r}: write each change as KEY=VALUE, e.g. habitual_truant_rate=0.15.")
    try:
        return key.strip(), json.loads(raw)
    except json.JSONDecodeError:
        return key.strip(), raw.strip()


class Command(BaseCommand):
    help = "List, show, copy or tighten the attendance rule sets."

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=["list", "show", "copy", "set"], default="list")
        parser.add_argument("args", nargs="*", help="show: [ID]; set: ID KEY=VALUE ...")
        parser.add_argument("--as-of", default=None, help="show: the rule set in force on this date")
        parser.add_argument("--name", help="copy: the district rule set's name, e.g. 'Example County'")
        parser.add_argument("--rule-version", dest="rule_version", help="copy: its version, e.g. 2027.1")
        parser.add_argument("--effective", help="copy: the first day it applies, YYYY-MM-DD")
        parser.add_argument("--from", dest="source", type=int, help="copy: the rule set to copy (default: the one in "
                                                                    "force on the effective date)")
        parser.add_argument("--notes", default="", help="copy: why")
        parser.add_argument("--user", metavar="USERNAME", help="copy, set: the account the change is recorded under")

    def handle(self, *args, **opts):
        try:
            self._handle(list(args), opts)
        except ImproperlyConfigured as exc:  # no rule set installed: the migrations were not run
            raise CommandError(str(exc)) from None

    def _handle(self, rest: list[str], opts) -> None:
        action = opts["action"]
        if action == "list":
            return self._list()
        if action == "show":
            return self._show(rest, opts["as_of"])
        actor = self._actor(opts["user"])
        try:
            if action == "copy":
                self._copy(actor, opts)
            else:
                self._set(actor, rest)
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from None

    def _list(self) -> None:
        today = timezone.localdate()
        in_force = ruleset_in_force(today).pk
        for rs in RuleSet.objects.order_by("effective_from", "id"):
            kind = "shipped" if rs.is_default else f"district, copied from {rs.based_on.label}" if rs.based_on \
                else "district"
            mark = "  <- in force today" if rs.pk == in_force else ""
            self.stdout.write(f"{rs.pk}\t{rs.label}\tfrom {rs.effective_from.isoformat()}\t[{kind}]{mark}")

    def _show(self, rest: list[str], as_of: str | None) -> None:
        if rest:
            rs = RuleSet.objects.filter(pk=int(rest[0]) if rest[0].isdecimal() and rest[0].isascii() else None).first()
            if rs is None:
                raise CommandError(f"No rule set {rest[0]!r}; `casework rules` lists them.")
        else:
            rs = ruleset_in_force(_as_of(as_of) if as_of else timezone.localdate())
        self.stdout.write(f"{rs.label}, in force from {rs.effective_from.isoformat()}"
                          + (" (shipped, read-only)" if rs.is_default else ""))
        for key in definition.KEYS:
            entry = rs.values.get(key) or {}
            if not entry and key in definition.OPTIONAL_KEYS:
                self.stdout.write(f"{key} not set (this rule set predates it)")
                continue
            if not entry and key in definition.COURSE_DEFAULTS:
                shown = json.dumps(definition.COURSE_DEFAULTS[key], ensure_ascii=False)
                self.stdout.write(f"{key} = {shown}    # not set: Casework's default for course failures")
                continue
            self.stdout.write(f"{key} = {json.dumps(entry.get('value'), ensure_ascii=False)}"
                              + (f"    # {entry['source']}" if entry.get("source") else ""))

    def _actor(self, username: str | None):
        if not username:
            raise CommandError("Give --user: a change to the rules is recorded under an account.")
        actor = get_user_model().objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"No account named {username}.")
        if not policy.has_action(actor, "rules.manage"):
            raise CommandError(f"{username} may not change the rules (the director or the data steward only).")
        return actor

    def _copy(self, actor, opts) -> None:
        if not opts["name"] or not opts["rule_version"] or not opts["effective"]:
            raise CommandError("Say what to make: casework rules copy --name NAME --rule-version V --effective "
                               "YYYY-MM-DD --user USERNAME")
        try:
            effective: datetime.date = _as_of(opts["effective"])
        except CommandError as exc:
            raise CommandError(str(exc).replace("--as-of", "--effective", 1)) from None
        if opts["source"] is not None:
            source = RuleSet.objects.filter(pk=opts["source"]).first()
            if source is None:
                raise CommandError(f"No rule set {opts['source']}; `casework rules` lists them.")
        else:
            source = ruleset_in_force(effective)
        made = services.ruleset_copy(actor=actor, source=source, name=opts["name"], version=opts["rule_version"],
                                     effective_from=effective, notes=opts["notes"])
        self.stdout.write(f"Rule set {made.pk}: {made.label}, a copy of {source.label}, in force from "
                          f"{effective.isoformat()}. Tighten it with: casework rules set {made.pk} KEY=VALUE "
                          f"--user {actor.get_username()}")

    def _set(self, actor, rest: list[str]) -> None:
        if len(rest) < 2 or not (rest[0].isdecimal() and rest[0].isascii()):
            raise CommandError("Say what to change: casework rules set ID KEY=VALUE [KEY=VALUE ...] --user USERNAME")
        rs = RuleSet.objects.filter(pk=int(rest[0])).first()
        if rs is None:
            raise CommandError(f"No rule set {rest[0]}; `casework rules` lists them.")
        changes = dict(_pair(p) for p in rest[1:])
        updated = services.ruleset_update(actor=actor, ruleset=rs, values=changes)
        for key in changes:
            self.stdout.write(f"{key} = {json.dumps(updated.value(key), ensure_ascii=False)}")
        self.stdout.write(f"{updated.label} changed. Stored indicators keep the rules they were counted with: run "
                          "casework recompute.")
