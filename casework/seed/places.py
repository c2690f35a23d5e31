"""Invented places for the synthetic district: towns, streets, school names, fictional phone numbers.

Town and street names are generic English compounds made up for the seed; ZIP codes are drawn from
the 20xxx/21xxx ranges Maryland uses, and phone numbers from the 555-0100..0199 block reserved for
fiction, so nothing points at a real home.
"""

from __future__ import annotations

TOWN_ROOTS = [
    "Amber", "Ash", "Birch", "Bramble", "Briar", "Cedar", "Clover", "Copper", "Crane", "Dove", "Elm", "Fern",
    "Fox", "Glen", "Hart", "Hazel", "Heron", "Holly", "Ivy", "Juniper", "Kestrel", "Lark", "Linden", "Maple",
    "Meadow", "Mill", "Moss", "Oak", "Osprey", "Pine", "Quail", "Raven", "Rowan", "Sage", "Sparrow", "Stone",
    "Thorn", "Tulip", "Willow", "Wren", "Yarrow", "Alder", "Bay", "Clay", "Deer", "Falcon", "Larch", "Orchard",
]
TOWN_SUFFIXES = [
    "vale", "field", "brook", "wood", "mere", "ford", "ton", " Springs", " Heights", " Crossing", " Park",
    " Mill", " Village", " Ridge", "haven", " Hollow", " Station", "bury", " Falls", "croft",
]

STREET_ROOTS = [
    "Amberleaf", "Ashcombe", "Bellflower", "Bramblewood", "Briarcliff", "Candlewood", "Chestnut Glen",
    "Copperleaf", "Crestmoor", "Dovecote", "Elderberry", "Fawn Meadow", "Fieldstone", "Foxglove", "Gablestone",
    "Hawthorn", "Heron Pond", "Hickory Knoll", "Juniper Hill", "Kettle Creek", "Lantern", "Larkspur",
    "Meadowlark", "Millrace", "Mossy Bank", "Orchard Gate", "Owl Creek", "Partridge Hill", "Pebble Brook",
    "Quail Run", "Ridgeview", "Sassafras", "Silver Birch", "Sparrow Hawk", "Stillwater", "Sycamore Bend",
    "Thistledown", "Timberline", "Tulip Grove", "Weatherstone", "Whisper Pine", "Wild Cherry", "Windmill",
    "Wrenfield", "Aspen Hollow", "Bluebell", "Cobblestone", "Dogwood Trace", "Evergreen Knoll", "Firefly",
    "Goldfinch", "Harvest Moon", "Indigo", "Jasmine Court", "Kingfisher", "Lilac Ridge", "Marigold",
    "Northwind", "Oak Shadow", "Periwinkle", "Quarry Stone", "Red Maple", "Saddlebrook", "Tanglewood",
    "Upland", "Valley Mist", "Walnut Grove", "Yellowwood", "Zephyr", "Blue Heron", "Cardinal", "Deer Path",
    "Emberly", "Forest Edge", "Glenhaven", "Honeysuckle", "Ironwood", "Juniper Berry", "Laurel Oak",
    "Mapleshade", "Nightingale", "Old Farm", "Pinecone", "Riverbend", "Stoneybrook", "Trillium", "Verbena",
    "Whippoorwill", "Winterberry", "Autumn Leaf", "Buttercup", "Chickadee", "Driftwood", "Eastgate",
]
STREET_TYPES = [
    ("Road", 8), ("Lane", 8), ("Drive", 10), ("Court", 7), ("Way", 5), ("Terrace", 4), ("Place", 4),
    ("Circle", 3), ("Avenue", 5), ("Street", 5), ("Trail", 2), ("Parkway", 1), ("Boulevard", 1),
]

SCHOOL_PREFIXES = [
    "Amberleaf", "Birchmere", "Brookside", "Clearwater", "Copper Ridge", "Deerfield",
    "Eastbrook", "Fairmeadow", "Fox Hollow", "Glenwood Park", "Hawthorn", "Heron Bay", "Hollybrook",
    "Ivy Lane", "Juniper Hill", "Kestrel Point", "Lakeside", "Larkspur", "Linden Grove", "Maple Run",
    "Meadowbrook", "Millstream", "Northfield", "Oak Hollow", "Orchard Hill", "Pine Crest", "Quail Creek",
    "Ridgecrest", "Riverside", "Sandy Ford", "Sunnyfield", "Sycamore",
    "Thornfield", "Timber Ridge", "Tulip Hill", "Valleybrook", "Whispering Pines", "Willow Creek",
    "Windmill Hill", "Wren Meadow", "Yarrow Glen", "Alder Creek", "Bayberry", "Bluestone", "Cloverleaf",
    "Deer Run", "Elmhurst", "Falcon Ridge", "Foxfield", "Goldenrod", "Greenbriar", "Hickory Grove",
    "Hunters Glen", "Kingsbrook", "Laurel Glen",
    "Marble Hill", "Mill Pond", "Misty Meadow", "Northgate", "Old Mill", "Osprey Point",
    "Pebble Creek", "Pleasant View", "Poplar Grove", "Rosewood", "Sandstone",
    "Shadow Oak", "Sparrow Glen", "Spring Meadow", "Stony Point", "Sweetbay", "Tall Oaks",
    "Three Rivers", "Twin Brooks", "Walnut Hill", "Waterford", "White Oak Run", "Wildflower",
    "Willowbrook", "Winding Creek", "Woodland", "Cherry Hill", "Chestnut Ridge", "Dogwood",
    "Eagle Crest", "Fern Hollow", "Forest Knoll", "Garden Gate", "Harvest Hill",
    "Heritage Oaks", "Honey Brook", "Ivy Bridge", "Kettle Run", "Lantern Hill", "Magnolia", "Meadowlark",
    "Mossy Glen", "Nightingale", "Orchard Park", "Partridge Run", "Pine Hollow", "Quarry Hill", "Raven Rock",
    "Red Fox", "Ridgeway", "Saddle Brook", "Silver Birch", "Starlight", "Stillmeadow",
    "Sunrise Ridge", "Thistle Glen", "Timberwood", "Trillium", "Wheatfield",
    "Wildwood", "Windy Hill", "Woodcrest", "Bramble Hill", "Cobble Creek", "Dove Hollow", "Emerald Park",
    "Foxglove", "Golden Meadow", "Hazelwood", "Holly Ridge", "Juniper Glen", "Kingfisher", "Lilac Hill",
    "Maplewood", "Mulberry", "Northwind", "Oak Meadow", "Peach Orchard", "Pinewood", "Quiet Waters",
    "Rolling Hills", "Sassafras", "Sycamore Glen", "Tanglewood",
    "Twin Oaks", "Walnut Creek", "Whitetail", "Wintergreen", "Aspen Ridge", "Beech Hill", "Briar Patch",
    "Candlewood", "Cardinal Hill", "Cedar Knoll", "Clover Hill", "Crestview", "Dogwood Glen", "Elm Ridge",
    "Fairway Oaks", "Fieldstone", "Harbor Light", "Heather Ridge", "Hidden Creek", "Kettle Pond",
    "Laurel Ridge", "Millbrook", "Mossbrook", "Oakridge", "Orchard Glen",
    "Pebble Hill", "Pine Knoll", "Ridgefield", "River Oaks", "Shadywood", "Spring Hill",
    "Summerfield", "Sunset Ridge", "Timber Creek", "Valley View", "Westwood", "Willow Glen",
]

ALTERNATIVE_NAMES = [
    "Pathways Alternative Program", "Horizon Academy", "Bridges Evening High School Program",
    "Crossroads Alternative Learning Center", "Compass Academy", "Gateway Re-engagement Program",
]
SPECIAL_NAMES = [
    "Stillwater Center", "Brightpath School", "Maplewood Learning Center", "Lighthouse School",
    "Cedar Harbor Center",
]


def phone(rng) -> str:
    """A fictional number: 555-0100 through 555-0199 is reserved for fiction in every area code."""
    return f"{rng.choice(('301', '240'))}-555-01{rng.randrange(100):02d}"


def zip_codes(rng, count: int) -> list[str]:
    """Distinct 5-digit ZIPs in the 20xxx/21xxx ranges (no meaning attached to which)."""
    return [f"{n:05d}" for n in rng.sample(range(20600, 21999), count)]


def town_names(rng, count: int) -> list[str]:
    names: list[str] = []
    roots = list(TOWN_ROOTS)
    rng.shuffle(roots)
    suffixes = list(TOWN_SUFFIXES)
    i = 0
    while len(names) < count:
        root = roots[i % len(roots)]
        suffix = suffixes[(i * 7 + i // len(roots)) % len(suffixes)]
        name = f"{root}{suffix}"
        if name not in names:
            names.append(name)
        i += 1
    return names
