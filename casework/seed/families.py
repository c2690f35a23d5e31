"""Families, households, addresses and enrollments of the synthetic district (see `plan` for the layout).

One `FamilyMaker` draws every household from its own random stream, so a seed always yields the same
families in the same order.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from . import names as nm
from . import places
from .plan import (
    AS_OF,
    FIRST_DAY,
    AddressPlan,
    Cluster,
    DistrictLayout,
    EnrollmentPlan,
    GuardianPlan,
    HouseholdPlan,
    LinkPlan,
    Scale,
    StudentPlan,
    Town,
    grade_code,
    grade_index,
    street_address,
)

# --- families ----------------------------------------------------------------------------------------

# How the children of one family live; shares of all families.
STRUCTURES = nm.Pool([
    ("two_parents", 46), ("single_mother", 21), ("single_father", 4), ("mother_stepfather", 7),
    ("father_stepmother", 2), ("grandparents", 7), ("aunt_uncle", 4), ("kinship", 2), ("foster", 1.5),
    ("legal_guardian", 1), ("adult_sibling", 0.5),
])
CHILD_COUNTS = nm.Pool([("1", 36), ("2", 38), ("3", 18), ("4", 6), ("5", 2)])
SEX = nm.Pool([("F", 49), ("M", 49), ("X", 1), ("U", 1)])
OUTSIDE_CONTACT = nm.Pool([("aunt", 30), ("uncle", 15), ("grandmother", 25), ("grandfather", 5),
                           ("family_friend", 20), ("other", 5)])
EMAIL_DOMAINS = ["example.com", "example.org", "example.net"]

SHARE_MULTI_FAMILY = 0.04  # two families at one address (often doubled-up)
SHARE_MIXED = 0.06  # two-parent families whose parents come from different language groups
SHARE_HOMELESS = 0.012
SHARE_ALTERNATIVE = 0.008  # grade 6-12 students placed in an alternative program this year
SHARE_SPECIAL = 0.004


@dataclass(slots=True)
class _Adult:
    guardian: GuardianPlan
    sex: str


class FamilyMaker:
    """Builds households one at a time from its own random stream."""

    def __init__(self, layout: DistrictLayout, scale: Scale, seed: int, as_of: date):
        self.rng = random.Random(f"casework-seed:{seed}:families")
        self.layout = layout
        self.scale = scale
        self.as_of = as_of
        cluster_sizes = [len(c.elementaries) for c in layout.clusters]
        self.cluster_pool = nm.Pool([(str(i), w) for i, w in enumerate(cluster_sizes)])
        # A few spare ids: the last household is generated whole, then trimmed to the exact count.
        self.district_ids = iter(self.rng.sample(range(100_000, 1_000_000), scale.students + 64))
        self.email_serial = 0

    # -- people ----------------------------------------------------------------------------------

    def _contact(self, first: str, last: str, in_household: bool, language: str, *, email_share: float):
        rng = self.rng
        email = ""
        if rng.random() < email_share:
            self.email_serial += 1
            local = f"{nm.plain(first)}.{nm.plain(last)}".lower()
            local = "".join(ch for ch in local if ch.isalnum() or ch == ".")
            email = f"{local}{self.email_serial % 97}@{rng.choice(EMAIL_DOMAINS)}"
        needs = language != "English" and rng.random() < 0.65
        return GuardianPlan(first_name=first, last_name=last, in_household=in_household,
                            phone=places.phone(rng), alt_phone=places.phone(rng) if rng.random() < 0.3 else "",
                            email=email, preferred_language=language, needs_interpreter=needs)

    def _adult(self, group: nm.Group, sex: str, last: str, language: str, *, in_household: bool = True,
               elder: bool = False, first: str = "") -> _Adult:
        pool = group.elder(sex) if elder else group.adult(sex)
        first = first or pool.pick(self.rng)
        share = 0.55 if in_household else 0.35
        if elder:
            share = 0.25
        return _Adult(self._contact(first, last, in_household, language, email_share=share), sex)

    def _surname(self, group: nm.Group) -> str:
        rng = self.rng
        if group.patronymic:
            return group.male.pick(rng)
        last = group.surnames.pick(rng)
        if group.two_surnames and rng.random() < group.two_surnames:
            other = group.surnames.pick(rng)
            if other != last:
                last = f"{last} {other}"
        return last

    def _grades(self, count: int) -> list[int]:
        rng = self.rng
        grades = [rng.choices(range(-1, 13), weights=[0.45] + [1.0] * 13)[0]]
        while len(grades) < count:
            gap = rng.choices([0, 1, 2, 3, 4, 5], weights=[4, 25, 33, 20, 12, 6])[0]
            options = [g for g in (min(grades) - gap, max(grades) + gap) if -1 <= g <= 12]
            if gap == 0:
                options = [rng.choice(grades)]
            if not options:
                break
            grade = rng.choice(options)
            if grade == -1 and rng.random() < 0.5:  # not every four-year-old is in pre-K
                break
            grades.append(grade)
        return sorted(grades, reverse=True)  # oldest first

    def _dob(self, grade: int) -> date:
        rng = self.rng
        year_back = 1 if grade >= 1 and rng.random() < 0.03 else 0  # retained a year
        start = date(2020 - grade - year_back, 9, 2)
        return start + timedelta(days=rng.randrange(365))

    def _child(self, group: nm.Group, name_group: nm.Group, last: str, grade: int, language: str,
               taken_first: list[str], father_first: str) -> StudentPlan:
        rng = self.rng
        sex = SEX.pick(rng)
        name_sex = sex if sex in ("F", "M") else rng.choice(("F", "M"))
        pool = name_group.child(name_sex)
        first = pool.pick(rng)
        for _ in range(4):
            if first not in taken_first:
                break
            first = pool.pick(rng)
        suffix = ""
        if name_sex == "M" and group.code in ("english", "haitian") and rng.random() < 0.03 \
                and father_first not in taken_first:
            first, suffix = father_first, rng.choice(("Jr.", "Jr.", "II", "III"))
        taken_first.append(first)
        middle = ""
        if rng.random() < name_group.middle_name:
            mpool = name_group.middle_female if name_sex == "F" else name_group.middle_male
            middle = (mpool or name_group.child(name_sex)).pick(rng)
            if middle == first:
                middle = ""
        preferred = ""
        if rng.random() < name_group.preferred:
            if first in name_group.nicknames:
                preferred = name_group.nicknames[first]
            elif name_group.preferred_female and name_group.preferred_male:
                preferred = (name_group.preferred_female if name_sex == "F" else name_group.preferred_male).pick(rng)
            elif middle:
                preferred = middle  # goes by the middle name
        code = grade_code(grade)
        has_iep = rng.random() < (0.15 if name_sex == "M" else 0.09)
        has_504 = not has_iep and rng.random() < (0.065 if grade >= 3 else 0.02)
        english_learner = False
        if language != "English":
            english_learner = rng.random() < (0.6 if grade <= 2 else 0.4 if grade <= 5 else 0.25)
        elif group.code != "english":
            english_learner = rng.random() < 0.03
        return StudentPlan(
            district_id=f"{next(self.district_ids)}", state_id=f"{rng.randrange(10**9, 10**10)}",
            first_name=first, middle_name=middle, last_name=last, suffix=suffix, preferred_name=preferred,
            date_of_birth=self._dob(grade), sex=sex, grade=code, home_language=language, has_iep=has_iep,
            has_504=has_504, english_learner=english_learner, homeless=False)

    def family(self) -> tuple[list[_Adult], list[tuple[_Adult, dict]], list[StudentPlan], nm.Group, str]:
        """One family: its adults (with how each relates to every child) and its children.

        Returns (adults, links as (adult, params), children, group, label surname)."""
        rng = self.rng
        group = nm.BY_CODE[nm.GROUP_POOL.pick(rng)]
        structure = STRUCTURES.pick(rng)
        father_surname = self._surname(group)
        father_first = group.adult("M").pick(rng)
        mother_group = group
        if structure == "two_parents" and rng.random() < SHARE_MIXED:
            mother_group = nm.BY_CODE[nm.GROUP_POOL.pick(rng)]
        if mother_group.patronymic or group.patronymic or rng.random() < mother_group.mother_keeps_surname:
            mother_surname = self._surname(mother_group)
        else:
            mother_surname = father_surname
        # Children's surname.
        if group.patronymic:
            child_last = father_first
        elif group.two_surnames and rng.random() < group.two_surnames + group.hyphenated:
            mother_first_surname = mother_surname.split(" ")[0]
            father_first_surname = father_surname.split(" ")[0]
            joiner = "-" if rng.random() < group.hyphenated / (group.two_surnames + group.hyphenated) else " "
            child_last = (f"{father_first_surname}{joiner}{mother_first_surname}"
                          if mother_first_surname != father_first_surname else father_first_surname)
        elif not group.two_surnames and mother_surname != father_surname and rng.random() < group.hyphenated * 3:
            child_last = f"{father_surname}-{mother_surname}"
        else:
            child_last = father_surname
        if structure in ("single_mother", "mother_stepfather") and rng.random() < 0.35 and not group.patronymic:
            child_last = mother_surname

        english_home = rng.random() < group.english_at_home
        language = "English" if english_home else group.language_for(father_surname)
        adult_language = language
        if not english_home or rng.random() < 0.3:
            adult_language = group.language_for(father_surname)

        count = int(CHILD_COUNTS.pick(rng))
        grades = self._grades(count)
        taken: list[str] = []
        children: list[StudentPlan] = []
        for grade in grades:
            name_group = mother_group if mother_group is not group and rng.random() < 0.5 else group
            children.append(self._child(group, name_group, child_last, grade, language, taken, father_first))

        adults: list[_Adult] = []
        links: list[tuple[_Adult, dict]] = []  # params: relationship, custody, lives_with, mail, only

        def add(adult: _Adult, relationship: str, *, custody: bool, lives_with: bool, mail: bool | None = None,
                emergency: bool | None = None, no_contact: bool = False, only: list[int] | None = None) -> None:
            adults.append(adult)
            links.append((adult, {
                "relationship": relationship, "has_custody": custody, "lives_with": lives_with,
                "receives_mail": (custody or lives_with) if mail is None else mail,
                "emergency_contact": lives_with if emergency is None else emergency,
                "no_contact": no_contact, "only": only,
            }))

        def mother(in_household=True):
            return self._adult(mother_group, "F", mother_surname, adult_language, in_household=in_household)

        def father(in_household=True):
            return self._adult(group, "M", father_surname, adult_language, in_household=in_household,
                               first=father_first)

        def absent_parent(adult: _Adult, relationship: str, *, joint_share: float, no_contact_share: float,
                          only: list[int] | None = None):
            if rng.random() < no_contact_share:
                add(adult, relationship, custody=False, lives_with=False, mail=False, emergency=False,
                    no_contact=True, only=only)
            else:
                joint = rng.random() < joint_share
                add(adult, relationship, custody=joint, lives_with=False, mail=joint, emergency=rng.random() < 0.5,
                    only=only)

        if structure == "two_parents":
            add(mother(), "mother", custody=True, lives_with=True)
            add(father(), "father", custody=True, lives_with=True)
        elif structure == "single_mother":
            add(mother(), "mother", custody=True, lives_with=True)
            if rng.random() < 0.6:
                absent_parent(father(False), "father", joint_share=0.4, no_contact_share=0.05)
        elif structure == "single_father":
            add(father(), "father", custody=True, lives_with=True)
            if rng.random() < 0.6:
                absent_parent(mother(False), "mother", joint_share=0.5, no_contact_share=0.04)
        elif structure == "mother_stepfather":
            add(mother(), "mother", custody=True, lives_with=True)
            step_surname = self._surname(group)
            step = self._adult(group, "M", step_surname, adult_language)
            older = list(range(len(children)))
            if len(children) >= 2 and rng.random() < 0.3 and not group.patronymic:
                # The youngest is the stepfather's own child: his surname, and he is "father" to that one.
                youngest = len(children) - 1
                children[youngest].last_name = step_surname if not group.patronymic else step.guardian.first_name
                older = older[:-1]
                add(step, "stepfather", custody=False, lives_with=True, only=older)
                links.append((step, {"relationship": "father", "has_custody": True, "lives_with": True,
                                     "receives_mail": True, "emergency_contact": True, "no_contact": False,
                                     "only": [youngest]}))
            else:
                add(step, "stepfather", custody=False, lives_with=True)
            if rng.random() < 0.55:
                absent_parent(father(False), "father", joint_share=0.35, no_contact_share=0.06, only=older)
        elif structure == "father_stepmother":
            add(father(), "father", custody=True, lives_with=True)
            add(self._adult(group, "F", father_surname, adult_language), "stepmother", custody=False, lives_with=True)
            if rng.random() < 0.6:
                absent_parent(mother(False), "mother", joint_share=0.45, no_contact_share=0.05)
        elif structure == "grandparents":
            maternal = rng.random() < 0.6
            surname = mother_surname if maternal else father_surname
            custody = rng.random() < 0.55
            elder_language = group.language_for(father_surname)
            add(self._adult(group, "F", surname, elder_language, elder=True), "grandmother", custody=custody,
                lives_with=True)
            if rng.random() < 0.4:
                add(self._adult(group, "M", surname, elder_language, elder=True), "grandfather", custody=custody,
                    lives_with=True)
            if rng.random() < 0.4:
                absent_parent(mother(False), "mother", joint_share=0.0, no_contact_share=0.12)
        elif structure == "aunt_uncle":
            sex = "F" if rng.random() < 0.65 else "M"
            surname = self._surname(group) if sex == "F" and rng.random() < 0.6 else father_surname
            custody = rng.random() < 0.5
            add(self._adult(group, sex, surname, adult_language), "aunt" if sex == "F" else "uncle",
                custody=custody, lives_with=True)
            if rng.random() < 0.4:
                other = "M" if sex == "F" else "F"
                add(self._adult(group, other, surname, adult_language), "uncle" if other == "M" else "aunt",
                    custody=custody, lives_with=True)
            if rng.random() < 0.3:
                absent_parent(mother(False), "mother", joint_share=0.0, no_contact_share=0.1)
        elif structure == "kinship":
            sex = "F" if rng.random() < 0.75 else "M"
            add(self._adult(group, sex, self._surname(group), adult_language), "kinship_caregiver",
                custody=False, lives_with=True, mail=True)
        elif structure == "foster":
            foster_group = nm.BY_CODE[nm.GROUP_POOL.pick(rng)]
            foster_surname = self._surname(foster_group)
            foster_language = "English" if rng.random() < 0.7 else foster_group.language_for(foster_surname)
            add(self._adult(foster_group, "F", foster_surname, foster_language), "foster_parent", custody=False,
                lives_with=True, mail=True)
            if rng.random() < 0.5:
                add(self._adult(foster_group, "M", foster_surname, foster_language), "foster_parent",
                    custody=False, lives_with=True, mail=True)
            if rng.random() < 0.25:
                absent_parent(mother(False), "mother", joint_share=0.0, no_contact_share=0.4)
        elif structure == "legal_guardian":
            guardian_group = group if rng.random() < 0.6 else nm.BY_CODE[nm.GROUP_POOL.pick(rng)]
            sex = "F" if rng.random() < 0.7 else "M"
            surname = self._surname(guardian_group)
            add(self._adult(guardian_group, sex, surname, adult_language), "legal_guardian", custody=True,
                lives_with=True)
        else:  # adult_sibling: an older brother or sister has guardianship
            sex = "F" if rng.random() < 0.6 else "M"
            sib = self._adult(group, sex, child_last, adult_language, first=group.child(sex).pick(rng))
            add(sib, "sibling", custody=True, lives_with=True)

        if rng.random() < 0.35:
            relationship = OUTSIDE_CONTACT.pick(rng)
            sex = "M" if relationship in ("uncle", "grandfather") else ("F" if relationship in (
                "aunt", "grandmother") else rng.choice(("F", "M")))
            surname = father_surname if relationship in ("uncle", "grandfather") and rng.random() < 0.6 \
                else self._surname(group)
            add(self._adult(group, sex, surname, adult_language, in_household=False,
                            elder=relationship.startswith("grand")),
                relationship, custody=False, lives_with=False, mail=False, emergency=True)

        if rng.random() < group.accents_dropped:
            for child in children:
                for attr in ("first_name", "middle_name", "last_name", "preferred_name"):
                    setattr(child, attr, nm.plain(getattr(child, attr)))
            for adult in adults:
                adult.guardian.first_name = nm.plain(adult.guardian.first_name)
                adult.guardian.last_name = nm.plain(adult.guardian.last_name)
        label = children[0].last_name if children else father_surname
        return adults, links, children, group, label

    # -- addresses and enrollments ---------------------------------------------------------------

    def _address(self, town: Town, start: date, end: date | None, address_type: str = "home") -> AddressPlan:
        rng = self.rng
        unit = ""
        if address_type == "shelter":
            street = f"{rng.randrange(100, 999)} {rng.choice(places.STREET_ROOTS)} Road"
            unit = f"Room {rng.randrange(1, 40)}"
        elif address_type == "temporary" and rng.random() < 0.4:  # a motel room
            street = f"{rng.randrange(1000, 9999)} {rng.choice(places.STREET_ROOTS)} Pike"
            unit = f"Room {rng.randrange(101, 260)}"
        else:
            street = street_address(rng)
            if rng.random() < 0.33:
                unit = rng.choice((f"Apt {rng.randrange(1, 5)}{rng.choice('ABCD')}", f"Apt {rng.randrange(101, 450)}",
                                   f"Unit {rng.randrange(1, 300)}"))
        return AddressPlan(address_type=address_type, street=street, unit=unit, city=town.name,
                           postal_code=rng.choice(town.zips), start_date=start, end_date=end, verified_on=None)

    def _in_year_day(self, earliest: date) -> date:
        """A school day between `earliest` and a few days before the snapshot."""
        latest = self.as_of - timedelta(days=3)
        if latest <= earliest:
            return _school_day(earliest)
        return _school_day(earliest + timedelta(days=self.rng.randrange((latest - earliest).days + 1)))

    def _zone(self, cluster: Cluster) -> tuple[str, str, str]:
        elementary = self.rng.choice(cluster.elementaries)
        return elementary, cluster.feeder[elementary], cluster.high

    def household(self) -> HouseholdPlan:
        rng = self.rng
        families = [self.family()]
        if rng.random() < SHARE_MULTI_FAMILY:
            families.append(self.family())
        cluster = self.layout.clusters[int(self.cluster_pool.pick(rng))]
        zone = self._zone(cluster)
        homeless = rng.random() < SHARE_HOMELESS

        # Address history: most stayed put; some moved once or twice; a few moved during this school year.
        moves = rng.choices([0, 1, 2], weights=[77, 18, 5])[0]
        if homeless:
            moves = max(1, moves)
        in_year_move = moves > 0 and rng.random() < (0.5 if homeless else 0.15)
        from_outside = in_year_move and rng.random() < 0.3
        previous_zone = None
        moved_on: date | None = None  # set for a move during this school year
        addresses: list[AddressPlan] = []
        if moves == 0:
            start = _random_day(rng, date(2008, 1, 1), date(2026, 8, 15))
            addresses.append(self._address(cluster.town, start, None))
        else:
            if in_year_move:
                last_move = moved_on = self._in_year_day(FIRST_DAY + timedelta(days=7))
            else:
                last_move = _random_day(rng, date(2014, 1, 1), date(2026, 8, 20))
            dates = [last_move]
            for _ in range(moves - 1):
                dates.insert(0, dates[0] - timedelta(days=rng.randrange(200, 2200)))
            first_start = dates[0] - timedelta(days=rng.randrange(300, 3000))
            starts = [first_start, *dates]
            towns = self.layout.towns
            for i in range(moves):
                if in_year_move and i == moves - 1:
                    if from_outside:
                        town = towns[self.scale.clusters + rng.randrange(len(towns) - self.scale.clusters)]
                    else:
                        others = [c for c in self.layout.clusters if c is not cluster] or [cluster]
                        old_cluster = rng.choice(others)
                        town = old_cluster.town
                        previous_zone = self._zone(old_cluster)
                else:
                    town = rng.choice(towns)
                addresses.append(self._address(town, starts[i], starts[i + 1] - timedelta(days=1)))
            kind = "home"
            if homeless:
                kind = rng.choices(["shelter", "temporary"], weights=[35, 65])[0]
            addresses.append(self._address(cluster.town, last_move, None, kind))
        current = addresses[-1]
        if rng.random() < 0.7:
            current.verified_on = min(max(current.start_date, FIRST_DAY - timedelta(days=20))
                                      + timedelta(days=rng.randrange(0, 25)), self.as_of)
        addresses.reverse()  # newest first, as the model orders them

        guardians: list[GuardianPlan] = []
        students: list[StudentPlan] = []
        labels: list[str] = []
        for f_index, (adults, links, children, _group, label) in enumerate(families):
            labels.append(label)
            index = {}
            for adult in adults:
                if id(adult) not in index:
                    index[id(adult)] = len(guardians)
                    guardians.append(adult.guardian)
            doubled_up = f_index > 0 and rng.random() < 0.3  # the second family lives doubled-up
            for c_index, child in enumerate(children):
                order = 0
                for adult, params in links:
                    only = params["only"]
                    if only is not None and c_index not in only:
                        continue
                    order += 1
                    child.links.append(LinkPlan(
                        guardian=index[id(adult)], relationship=params["relationship"],
                        has_custody=params["has_custody"], lives_with=params["lives_with"],
                        emergency_contact=params["emergency_contact"] and not params["no_contact"],
                        receives_mail=params["receives_mail"], contact_order=order, no_contact=params["no_contact"]))
                child.homeless = homeless or doubled_up
                self._enroll(child, zone, previous_zone, moved_on, from_outside)
                students.append(child)
        label = " / ".join(dict.fromkeys(labels))
        phone = places.phone(rng) if rng.random() < 0.6 else ""
        return HouseholdPlan(label=f"{label} household", phone=phone, addresses=addresses, guardians=guardians,
                             students=students)

    def _school_for(self, grade: str, zone: tuple[str, str, str]) -> str:
        index = grade_index(grade)
        return zone[0] if index <= 5 else zone[1] if index <= 8 else zone[2]

    def _enroll(self, child: StudentPlan, zone, previous_zone, moved_on: date | None, from_outside: bool) -> None:
        rng = self.rng
        grade = child.grade
        layout = self.layout
        if layout.specials and rng.random() < SHARE_SPECIAL:
            child.has_iep, child.has_504 = True, False
            child.enrollments.append(EnrollmentPlan(rng.choice(layout.specials), FIRST_DAY, None, grade,
                                                    "E-CONT", ""))
            return
        home = self._school_for(grade, zone)
        if moved_on is not None and from_outside:
            entry = _school_day(moved_on + timedelta(days=rng.randrange(1, 6)))
            child.enrollments.append(EnrollmentPlan(home, entry, None, grade, "E-NEW", ""))
            return
        if moved_on is not None and previous_zone is not None:
            old = self._school_for(grade, previous_zone)
            exit_day = _previous_school_day(moved_on)
            if old != home and exit_day >= FIRST_DAY:
                entry = _school_day(moved_on + timedelta(days=rng.randrange(0, 4)))
                child.enrollments.append(EnrollmentPlan(home, entry, None, grade, "E-TRANS", ""))
                child.enrollments.append(EnrollmentPlan(old, FIRST_DAY, exit_day, grade, "E-CONT", "W-TRANS"))
                return
        if layout.alternatives and grade_index(grade) >= 6 and rng.random() < SHARE_ALTERNATIVE:
            exit_day = self._in_year_day(FIRST_DAY + timedelta(days=14))
            entry = _school_day(exit_day + timedelta(days=1))
            child.enrollments.append(EnrollmentPlan(rng.choice(layout.alternatives), entry, None, grade,
                                                    "E-PLACE", ""))
            child.enrollments.append(EnrollmentPlan(home, FIRST_DAY, exit_day, grade, "E-CONT", "W-PLACE"))
            return
        child.enrollments.append(EnrollmentPlan(home, FIRST_DAY, None, grade, "E-CONT", ""))


def _random_day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _school_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _previous_school_day(day: date) -> date:
    day -= timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def plan_households(layout: DistrictLayout, scale: Scale, seed: int, as_of: date = AS_OF) -> Iterator[HouseholdPlan]:
    """Households until the scale's student count is reached exactly (the last one trimmed to fit)."""
    maker = FamilyMaker(layout, scale, seed, as_of)
    made = 0
    while made < scale.students:
        household = maker.household()
        room = scale.students - made
        if len(household.students) > room:
            _trim(household, room)
        if not household.students:
            continue
        made += len(household.students)
        yield household


def _trim(household: HouseholdPlan, keep: int) -> None:
    household.students = household.students[:keep]
    used = sorted({link.guardian for s in household.students for link in s.links})
    remap = {old: new for new, old in enumerate(used)}
    household.guardians = [household.guardians[i] for i in used]
    for s in household.students:
        for link in s.links:
            link.guardian = remap[link.guardian]
