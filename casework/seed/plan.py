"""The synthetic district as plain data, before any database write.

Everything here is a pure function of (scale, seed, as_of): one `random.Random` per stream (schools,
staff, families), never the global generator, never the clock, never a set's iteration order. The
writer (`casework.seed.writer`) turns the plan into rows; tests compare plans to check determinism.

The district is laid out in clusters, the way Maryland county systems assign schools: each high
school has one or two middle schools fed by a handful of elementary schools. A household lives in
one cluster's town and its children attend the cluster's schools for their grade, so siblings are
often at different schools. Alternative programs take grades 6-12 by placement; special schools
serve every grade.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from . import names as nm
from . import places

SCHOOL_YEAR = "2026-27"
FIRST_DAY = date(2026, 8, 31)  # first day of school, 2026-27
AGE_CUTOFF = date(2026, 9, 1)  # Maryland: kindergarten at 5 by September 1
AS_OF = date(2026, 11, 13)  # the data snapshot: in-year moves, transfers and placements happen before it

GRADES = ["PK", "KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"]
ELEMENTARY, MIDDLE, HIGH, ALTERNATIVE, SPECIAL = "elementary", "middle", "high", "alternative", "special"
LEVEL_GRADES: dict[str, set[str]] = {
    ELEMENTARY: set(GRADES[:7]),
    MIDDLE: set(GRADES[7:10]),
    HIGH: set(GRADES[10:]),
    ALTERNATIVE: set(GRADES[7:]),
    SPECIAL: set(GRADES),
}


def grade_code(index: int) -> str:
    """-1 -> 'PK', 0 -> 'KG', 1..12 -> '01'..'12'."""
    return GRADES[index + 1]


def grade_index(code: str) -> int:
    return GRADES.index(code) - 1


def nominal_age(code: str) -> int:
    """Age on September 1 of a student on track for the grade (KG: 5)."""
    return grade_index(code) + 5


def age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


@dataclass(frozen=True)
class Scale:
    name: str
    students: int
    clusters: int  # = high schools
    elementary: int
    middle: int
    alternative: int
    special: int
    ppws: int
    supervisors: int = 1
    out_of_area_towns: int = 2

    @property
    def high(self) -> int:
        return self.clusters


SCALES = {
    "demo": Scale("demo", students=3_000, clusters=2, elementary=7, middle=2, alternative=1, special=0, ppws=3,
                  supervisors=1, out_of_area_towns=2),
    "district": Scale("district", students=160_000, clusters=26, elementary=135, middle=40, alternative=4,
                      special=3, ppws=120, supervisors=4, out_of_area_towns=8),
}


# --- plain records -----------------------------------------------------------------------------------


@dataclass(slots=True)
class SchoolPlan:
    code: str
    name: str
    level: str
    street: str
    city: str
    postal_code: str
    phone: str
    cluster: int | None  # None for alternative and special schools


@dataclass(slots=True)
class Town:
    name: str
    zips: list[str]


@dataclass(slots=True)
class Cluster:
    number: int
    town: Town
    high: str
    middles: list[str]
    elementaries: list[str]
    feeder: dict[str, str]  # elementary code -> middle code


@dataclass(slots=True)
class StaffPlan:
    username: str
    first_name: str
    last_name: str
    title: str
    role: str
    schools: list[str]  # codes; empty = district-wide


@dataclass(slots=True)
class AddressPlan:
    address_type: str
    street: str
    unit: str
    city: str
    postal_code: str
    start_date: date
    end_date: date | None
    verified_on: date | None


@dataclass(slots=True)
class GuardianPlan:
    first_name: str
    last_name: str
    in_household: bool
    phone: str
    alt_phone: str
    email: str
    preferred_language: str
    needs_interpreter: bool


@dataclass(slots=True)
class LinkPlan:
    guardian: int  # index into HouseholdPlan.guardians
    relationship: str
    has_custody: bool
    lives_with: bool
    emergency_contact: bool
    receives_mail: bool
    contact_order: int
    no_contact: bool


@dataclass(slots=True)
class EnrollmentPlan:
    school: str  # code
    entry_date: date
    exit_date: date | None
    grade: str
    entry_code: str
    exit_code: str


@dataclass(slots=True)
class StudentPlan:
    district_id: str
    state_id: str
    first_name: str
    middle_name: str
    last_name: str
    suffix: str
    preferred_name: str
    date_of_birth: date
    sex: str
    grade: str
    home_language: str
    has_iep: bool
    has_504: bool
    english_learner: bool
    homeless: bool
    enrollments: list[EnrollmentPlan] = field(default_factory=list)
    links: list[LinkPlan] = field(default_factory=list)


@dataclass(slots=True)
class HouseholdPlan:
    label: str
    phone: str
    addresses: list[AddressPlan]
    guardians: list[GuardianPlan]
    students: list[StudentPlan]


@dataclass
class DistrictLayout:
    schools: list[SchoolPlan]
    towns: list[Town]  # cluster towns first, then out-of-area towns
    clusters: list[Cluster]
    alternatives: list[str]
    specials: list[str]


# --- schools -----------------------------------------------------------------------------------------


def _spread(total: int, parts: int, rng: random.Random, minimum: int = 1) -> list[int]:
    """Split `total` into `parts` counts of at least `minimum`, as evenly as possible, extras at random."""
    base = max(minimum, total // parts)
    counts = [base] * parts
    extra = total - base * parts
    order = list(range(parts))
    rng.shuffle(order)
    for i in range(max(0, extra)):
        counts[order[i % parts]] += 1
    return counts


def _school_names(rng: random.Random):
    prefixes = list(places.SCHOOL_PREFIXES)
    rng.shuffle(prefixes)
    round_ = 0
    while True:
        for prefix in prefixes:
            yield prefix if round_ == 0 else f"{('North', 'South', 'East', 'West')[round_ % 4]} {prefix}"
        round_ += 1


def street_address(rng: random.Random) -> str:
    root = rng.choice(places.STREET_ROOTS)
    kind = _STREET_TYPES.pick(rng)
    return f"{rng.randrange(100, 19999)} {root} {kind}"


_STREET_TYPES = nm.Pool(places.STREET_TYPES)


def plan_layout(scale: Scale, seed: int) -> DistrictLayout:
    rng = random.Random(f"casework-seed:{seed}:schools")
    town_count = scale.clusters + scale.out_of_area_towns
    town_names = places.town_names(rng, town_count)
    zips = places.zip_codes(rng, town_count * 2)
    towns = [Town(name, [zips[2 * i], zips[2 * i + 1]] if i % 3 == 0 else [zips[2 * i]])
             for i, name in enumerate(town_names)]
    name_iter = _school_names(rng)
    middles_per = _spread(scale.middle, scale.clusters, rng)
    elems_per = _spread(scale.elementary, scale.clusters, rng)

    schools: list[SchoolPlan] = []
    clusters: list[Cluster] = []

    def add(code: str, name: str, level: str, town: Town, cluster: int | None) -> None:
        schools.append(SchoolPlan(code=code, name=name, level=level, street=street_address(rng), city=town.name,
                                  postal_code=rng.choice(town.zips), phone=places.phone(rng), cluster=cluster))

    for c in range(scale.clusters):
        number = c + 1
        town = towns[c]
        high = f"{number:02d}01"
        add(high, f"{town.name} High School", HIGH, town, number)
        middles = []
        for m in range(middles_per[c]):
            code = f"{number:02d}{m + 2:02d}"
            add(code, f"{next(name_iter)} Middle School", MIDDLE, town, number)
            middles.append(code)
        elementaries = []
        for e in range(elems_per[c]):
            code = f"{number:02d}{e + 10:02d}"
            add(code, f"{next(name_iter)} Elementary School", ELEMENTARY, town, number)
            elementaries.append(code)
        feeder = {code: middles[i % len(middles)] for i, code in enumerate(elementaries)}
        clusters.append(Cluster(number, town, high, middles, elementaries, feeder))

    alternatives = []
    for a in range(scale.alternative):
        code = f"90{a + 1:02d}"
        name = places.ALTERNATIVE_NAMES[a % len(places.ALTERNATIVE_NAMES)]
        if a >= len(places.ALTERNATIVE_NAMES):
            name = f"{name} {a // len(places.ALTERNATIVE_NAMES) + 1}"
        add(code, name, ALTERNATIVE, towns[rng.randrange(scale.clusters)], None)
        alternatives.append(code)
    specials = []
    for s in range(scale.special):
        code = f"95{s + 1:02d}"
        name = places.SPECIAL_NAMES[s % len(places.SPECIAL_NAMES)]
        if s >= len(places.SPECIAL_NAMES):
            name = f"{name} {s // len(places.SPECIAL_NAMES) + 1}"
        add(code, name, SPECIAL, towns[rng.randrange(scale.clusters)], None)
        specials.append(code)
    return DistrictLayout(schools, towns, clusters, alternatives, specials)


# --- staff -------------------------------------------------------------------------------------------


def _username(first: str, last: str, taken: set[str]) -> str:
    base = "".join(ch for ch in nm.plain(first[:1] + last).lower() if ch.isalnum()) or "staff"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}{n}"
    taken.add(name)
    return name


def plan_staff(layout: DistrictLayout, scale: Scale, seed: int, *, taken: set[str] | None = None) -> list[StaffPlan]:
    """A principal for every school, the PPWs (each covering a set of schools), PPS supervisors.

    `taken` holds usernames already in the database; the plan avoids them (and adds its own)."""
    rng = random.Random(f"casework-seed:{seed}:staff")
    taken = set() if taken is None else taken

    def person(title: str, role: str, schools: list[str]) -> StaffPlan:
        group = nm.BY_CODE[nm.GROUP_POOL.pick(rng)]
        sex = "F" if rng.random() < 0.62 else "M"
        first = group.adult(sex).pick(rng)
        last = group.surnames.pick(rng)
        return StaffPlan(_username(first, last, taken), first, last, title, role, schools)

    staff: list[StaffPlan] = []
    for school in layout.schools:
        title = "Program Director" if school.level in (ALTERNATIVE, SPECIAL) else "Principal"
        staff.append(person(title, "school_admin", [school.code]))

    # PPWs: alternative and special schools share a few; the rest split the clusters' schools.
    placement = layout.alternatives + layout.specials
    placement_ppws = (len(placement) + 3) // 4 if placement else 0
    cluster_ppws = max(scale.clusters, scale.ppws - placement_ppws)
    sizes = [1 + len(c.middles) + len(c.elementaries) for c in layout.clusters]
    share = _largest_remainder(cluster_ppws, sizes)
    for cluster, count in zip(layout.clusters, share, strict=True):
        codes = [cluster.high, *cluster.middles, *cluster.elementaries]
        for chunk in _chunks(codes, count):
            staff.append(person("Pupil Personnel Worker", "ppw", chunk))
    for chunk in _chunks(placement, placement_ppws):
        staff.append(person("Pupil Personnel Worker", "ppw", chunk))
    for _ in range(scale.supervisors):
        staff.append(person("PPS Supervisor", "supervisor", []))
    return staff


def _largest_remainder(total: int, sizes: list[int]) -> list[int]:
    whole = sum(sizes)
    raw = [total * s / whole for s in sizes]
    counts = [max(1, int(r)) for r in raw]
    order = sorted(range(len(sizes)), key=lambda i: (-(raw[i] - int(raw[i])), i))
    i = 0
    while sum(counts) < total:
        counts[order[i % len(order)]] += 1
        i += 1
    return [min(c, s) for c, s in zip(counts, sizes, strict=True)]


def _chunks(items: list[str], count: int) -> list[list[str]]:
    if count <= 0 or not items:
        return []
    count = min(count, len(items))
    size, extra = divmod(len(items), count)
    out, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        out.append(items[start:end])
        start = end
    return out
