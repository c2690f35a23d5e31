"""Name material for the synthetic district, by language group.

Every person the seed makes is an invented combination of common given names and surnames; none is a
real student or family. Names keep the diacritics their language uses (García, Nguyễn, Françoise,
Müller, Zoë) because search is accent-insensitive and the demo has to show it; some families are
recorded without them (García vs Garcia), as real SIS data is.

Lists are ordered from most to least common; `weighted()` turns the order into Zipf-like weights,
or a list can carry explicit weights as (name, weight) pairs.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate

_SPECIAL = str.maketrans({"đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss"})


@lru_cache(maxsize=65536)
def plain(text: str) -> str:
    """'Nguyễn Thị Đào' -> 'Nguyen Thi Dao': how a name looks when typed into a SIS without accents."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def has_accent(text: str) -> bool:
    return plain(text) != text


class Pool:
    """Weighted choice from a fixed list, drawing from the caller's Random (never the global one)."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, items, *, zipf: float = 0.8, offset: float = 3.0):
        names: list[str] = []
        weights: list[float] = []
        for i, item in enumerate(items):
            if isinstance(item, tuple):
                names.append(item[0])
                weights.append(float(item[1]))
            else:
                names.append(item)
                weights.append(1.0 / (i + offset) ** zipf)
        self.items = names
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]

    def pick(self, rng) -> str:
        return self.items[bisect(self.cum, rng.random() * self.total)]

    def __contains__(self, name: str) -> bool:
        return name in self.items


@dataclass
class Group:
    """A language group: the names a family draws from and the language it may speak at home."""

    code: str
    language: str  # the home language other than English
    weight: float  # share of the district's families
    surnames: Pool
    female: Pool
    male: Pool
    adult_female: Pool | None = None
    adult_male: Pool | None = None
    elder_female: Pool | None = None
    elder_male: Pool | None = None
    english_at_home: float = 0.3  # share of families who report English as the home language
    accents_dropped: float = 0.0  # share of families whose names were entered without diacritics
    mother_keeps_surname: float = 0.2
    two_surnames: float = 0.0  # children carry both parents' surnames (Spanish usage)
    hyphenated: float = 0.03
    patronymic: bool = False  # the child's last name is the father's given name (Ethiopian usage)
    middle_name: float = 0.5
    middle_female: Pool | None = None
    middle_male: Pool | None = None
    preferred: float = 0.03  # share of students with a preferred name
    preferred_female: Pool | None = None
    preferred_male: Pool | None = None
    nicknames: dict[str, str] = field(default_factory=dict)
    surname_language: dict[str, str] = field(default_factory=dict)  # surnames tied to another language

    def adult(self, sex: str) -> Pool:
        if sex == "F":
            return self.adult_female or self.female
        return self.adult_male or self.male

    def elder(self, sex: str) -> Pool:
        if sex == "F":
            return self.elder_female or self.adult(sex)
        return self.elder_male or self.adult(sex)

    def child(self, sex: str) -> Pool:
        return self.female if sex == "F" else self.male

    def language_for(self, surname: str) -> str:
        return self.surname_language.get(plain(surname).split("-")[0].split(" ")[0], self.language)


ENGLISH_PREFERRED_F = Pool(["Grace", "Jenny", "Christine", "Vivian", "Tiffany", "Kelly", "Esther", "Joy", "Amy",
                            "Sarah", "Michelle", "Helen", "Cindy", "Angela", "Irene"])
ENGLISH_PREFERRED_M = Pool(["Kevin", "Daniel", "Tony", "Andrew", "Peter", "Justin", "Eric", "Paul", "Andy",
                            "David", "Eugene", "Jason", "Brian", "Steven", "Henry"])

ENGLISH = Group(
    code="english", language="English", weight=38, english_at_home=1.0,
    surnames=Pool([
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Davis", "Miller", "Wilson", "Moore", "Taylor",
        "Anderson", "Thomas", "Jackson", "White", "Harris", "Martin", "Thompson", "Robinson", "Clark", "Lewis",
        "Walker", "Young", "Allen", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill",
        "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans", "Turner", "Parker", "Collins",
        "Edwards", "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Morgan", "Cooper", "Peterson", "Reed",
        "Bailey", "Bell", "Kelly", "Howard", "Ward", "Cox", "Richardson", "Wood", "Watson", "Brooks", "Bennett",
        "Gray", "James", "Hughes", "Price", "Sanders", "Myers", "Long", "Ross", "Foster", "Powell", "Jenkins",
        "Perry", "Russell", "Sullivan", "Fisher", "Henderson", "Coleman", "Simmons", "Patterson", "Jordan",
        "Reynolds", "Hamilton", "Graham", "Wallace", "Washington", "Butler", "Barnes", "Hayes", "Gardner",
        "Garner", "Garrett", "Garland", "O'Brien", "O'Connor", "McCarthy", "MacDonald", "Gallagher", "Schwartz",
        "Lindqvist", "Kowalski", "Novak", "Rossi", "Okafor", "Mensah", "Boateng", "Adeyemi", "Greenberg",
        "Goldstein", "Kaplan", "Whitfield", "Ashby", "Pemberton", "Thornton", "Holloway", "Merriweather",
        "St. Clair", "Van Buren", "Dupree", "Fairbanks",
    ]),
    female=Pool([
        "Olivia", "Emma", "Charlotte", "Amelia", "Ava", "Sophia", "Mia", "Isabella", "Evelyn", "Harper", "Abigail",
        "Emily", "Elizabeth", "Madison", "Avery", "Ella", "Scarlett", "Grace", "Chloe", "Zoë", "Lily", "Aubrey",
        "Hannah", "Addison", "Natalie", "Leah", "Savannah", "Brooklyn", "Claire", "Skylar", "Nora", "Hazel",
        "Aaliyah", "Kennedy", "Jasmine", "Imani", "Destiny", "Makayla", "Renée", "Layla", "Sydney", "Riley",
        "Kayla", "Jada", "Nevaeh", "Caroline", "Margaret", "Katherine", "Sarah", "Rebecca", "Rachel", "Naomi",
        "Zoe", "Chloë", "Amara", "Nia", "Maya", "Ruby", "Eleanor", "Josephine", "Sadie", "Quinn",
    ]),
    male=Pool([
        "Liam", "Noah", "Oliver", "Elijah", "James", "William", "Benjamin", "Lucas", "Henry", "Alexander",
        "Mason", "Michael", "Ethan", "Daniel", "Jacob", "Logan", "Jackson", "Levi", "Sebastian", "Jack", "Owen",
        "Samuel", "Wyatt", "John", "David", "Joseph", "Carter", "Isaiah", "Jayden", "Josiah", "Caleb",
        "Christopher", "Andrew", "Anthony", "Joshua", "Nathan", "Ryan", "Aiden", "Dylan", "Tyler", "Brandon",
        "Jordan", "Cameron", "Malik", "Darnell", "DeShawn", "Jamal", "Marcus", "Xavier", "Thomas", "Charles",
        "Matthew", "Zachary", "Isaac", "Micah", "Ezra", "Theodore", "Miles", "Elias", "Kofi",
    ]),
    adult_female=Pool([
        "Jennifer", "Jessica", "Ashley", "Amanda", "Sarah", "Stephanie", "Nicole", "Melissa", "Elizabeth",
        "Michelle", "Kimberly", "Lauren", "Megan", "Rachel", "Heather", "Amy", "Angela", "Tamika", "Latoya",
        "Erin", "Kristen", "Danielle", "Katherine", "Christina", "Rebecca", "Allison", "Monique", "Ebony",
        "Tiffany", "Courtney", "Andrea", "Renée", "Brianna", "Whitney", "Kelly", "Emily", "Jasmine", "Crystal",
    ]),
    adult_male=Pool([
        "Michael", "Christopher", "Matthew", "Joshua", "David", "James", "Daniel", "Robert", "John", "Joseph",
        "Andrew", "Ryan", "Brandon", "Jason", "Justin", "William", "Jonathan", "Brian", "Kevin", "Eric",
        "Derrick", "Marcus", "Terrence", "Anthony", "Timothy", "Jeremy", "Adam", "Nathan", "Aaron", "Travis",
        "Kwame", "Darius", "Gregory", "Patrick", "Sean", "Corey", "Jamal", "André",
    ]),
    elder_female=Pool(["Linda", "Patricia", "Barbara", "Deborah", "Sharon", "Gloria", "Carol", "Brenda",
                       "Donna", "Cynthia", "Denise", "Pamela", "Diane", "Yvonne", "Beverly", "Loretta",
                       "Bernice", "Geraldine"]),
    elder_male=Pool(["Robert", "Larry", "Gary", "Ronald", "Dennis", "Earl", "Walter", "Kenneth", "Harold",
                     "Raymond", "Willie", "Clarence", "Leon", "Curtis", "Douglas", "Roger"]),
    mother_keeps_surname=0.15, hyphenated=0.04, middle_name=0.7,
    middle_female=Pool(["Grace", "Marie", "Rose", "Elizabeth", "Anne", "Lynn", "Jane", "Nicole", "Mae", "Joy",
                        "Renée", "Louise"]),
    middle_male=Pool(["James", "Michael", "Lee", "Alexander", "Thomas", "Joseph", "David", "Ray", "Allen",
                      "Edward", "Christopher", "John"]),
    preferred=0.08,
    nicknames={"Alexander": "Alex", "Elizabeth": "Liz", "Katherine": "Katie", "Benjamin": "Ben",
               "William": "Will", "Samuel": "Sam", "Christopher": "Chris", "Margaret": "Maggie",
               "Nathan": "Nate", "Joseph": "Joey", "Matthew": "Matt", "Anthony": "Tony", "Rebecca": "Becca",
               "Jacob": "Jake", "Theodore": "Teddy", "Zachary": "Zack", "Abigail": "Abby", "Josephine": "Josie",
               "Madison": "Maddie", "Michael": "Mikey", "Isabella": "Bella", "Eleanor": "Nell",
               "Olivia": "Liv", "Daniel": "Danny", "Andrew": "Drew", "Caroline": "Carrie"},
)

SPANISH = Group(
    code="spanish", language="Spanish", weight=27, english_at_home=0.22, accents_dropped=0.3,
    surnames=Pool([
        "García", "Hernández", "Rodríguez", "Martínez", "López", "González", "Pérez", "Sánchez", "Ramírez",
        "Cruz", "Flores", "Rivera", "Gómez", "Díaz", "Reyes", "Morales", "Torres", "Gutiérrez", "Ortiz",
        "Chávez", "Ramos", "Mendoza", "Ruiz", "Álvarez", "Castillo", "Jiménez", "Vásquez", "Romero", "Herrera",
        "Medina", "Aguilar", "Vargas", "Guzmán", "Castro", "Méndez", "Muñoz", "Rojas", "Contreras", "Salazar",
        "Ortega", "Delgado", "Guerrero", "Estrada", "Núñez", "Figueroa", "Cortés", "Benítez", "Argueta",
        "Portillo", "Escobar", "Orellana", "Quintanilla", "Ayala", "Velásquez", "Cabrera", "Molina", "Fuentes",
        "Campos", "Márquez", "Villalobos", "Zelaya", "Amaya", "Serrano", "Peña", "Ibáñez", "Calderón", "León",
        "Rosales", "Solís", "Bonilla", "Lara", "Montoya", "Barrientos", "Quiñónez", "Garay", "Garza",
    ]),
    female=Pool([
        "María", "Sofía", "Valentina", "Camila", "Isabella", "Lucía", "Daniela", "Gabriela", "Ximena", "Mariana",
        "Valeria", "Natalia", "Andrea", "Fernanda", "Alejandra", "Paola", "Jimena", "Abril", "Renata", "Ana",
        "Génesis", "Yesenia", "Karla", "Adriana", "Belén", "Dayana", "Nayeli", "Itzel", "Marisol", "Guadalupe",
        "Leticia", "Rocío", "Inés", "Mónica", "Verónica", "Raquel", "Emely", "Allison", "Ashley", "Jazmín",
    ]),
    male=Pool([
        "José", "Juan", "Luis", "Carlos", "Jesús", "Miguel", "Ángel", "Diego", "Mateo", "Santiago", "Sebastián",
        "Alejandro", "Daniel", "David", "Emiliano", "Joaquín", "Andrés", "Adrián", "Fernando", "Jorge",
        "Ricardo", "Óscar", "Héctor", "Rubén", "Iván", "Julián", "Nicolás", "Tomás", "Cristian", "Kevin",
        "Brayan", "Edwin", "Wilmer", "Elías", "Josué", "Rafael", "Raúl", "Efraín", "Germán", "Samuel",
    ]),
    adult_female=Pool(["María", "Ana", "Rosa", "Carmen", "Blanca", "Marta", "Juana", "Gloria", "Sandra",
                       "Claudia", "Patricia", "Verónica", "Yolanda", "Lorena", "Silvia", "Elena", "Maribel",
                       "Ingrid", "Reina", "Dolores", "Sonia", "Marisol", "Iris", "Mirna"]),
    adult_male=Pool(["José", "Juan", "Carlos", "Luis", "Francisco", "Manuel", "Pedro", "Jorge", "Santos",
                     "Wilfredo", "Mario", "Víctor", "Ramón", "Óscar", "Nelson", "Roberto", "Julio", "René",
                     "Hugo", "Marvin", "Edgar", "Álvaro", "Rigoberto", "Efraín"]),
    mother_keeps_surname=0.9, two_surnames=0.22, hyphenated=0.12, middle_name=0.3,
    middle_female=Pool(["José", "Guadalupe", "Fernanda", "Isabel", "del Carmen", "Victoria", "Elena", "Alejandra"]),
    middle_male=Pool(["Antonio", "José", "Alejandro", "Manuel", "Eduardo", "Alberto", "Ángel", "Javier"]),
    preferred=0.02, nicknames={"Alejandro": "Alex", "Guadalupe": "Lupe", "Jesús": "Chuy", "Francisco": "Paco",
                               "Alejandra": "Ale", "Fernanda": "Fer"},
)

VIETNAMESE = Group(
    code="vietnamese", language="Vietnamese", weight=3, english_at_home=0.25, accents_dropped=0.5,
    surnames=Pool([("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 5),
                   ("Phan", 4), ("Vũ", 4), ("Võ", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2), ("Ngô", 2),
                   ("Dương", 1), ("Lý", 1)]),
    female=Pool(["Linh", "Ngọc", "Hương", "Thảo", "Trang", "Anh", "Mai", "Lan", "Hạnh", "Thủy", "Vy", "Quỳnh",
                 "Hà", "Phương", "My", "Nhi", "Yến", "Uyên", "Thư", "Khánh"]),
    male=Pool(["Minh", "Huy", "Tuấn", "Dũng", "Đức", "Khoa", "Long", "Nam", "Phúc", "Quang", "Thành", "Trung",
               "Bảo", "Hiếu", "Khang", "Việt", "Tâm", "Hải", "Sơn", "Thắng"]),
    mother_keeps_surname=0.95, middle_name=0.85,
    middle_female=Pool(["Thị", "Ngọc", "Thanh", "Minh", "Bảo", "Gia", "Hoàng"]),
    middle_male=Pool(["Văn", "Minh", "Gia", "Hoàng", "Quốc", "Đức", "Thanh"]),
    preferred=0.18, preferred_female=ENGLISH_PREFERRED_F, preferred_male=ENGLISH_PREFERRED_M,
)

KOREAN = Group(
    code="korean", language="Korean", weight=3, english_at_home=0.3,
    surnames=Pool([("Kim", 21), ("Lee", 15), ("Park", 8), ("Choi", 5), ("Jung", 4), ("Kang", 2), ("Cho", 2),
                   ("Yoon", 2), ("Jang", 2), ("Lim", 2), ("Han", 1), ("Oh", 1), ("Seo", 1), ("Shin", 1),
                   ("Kwon", 1), ("Hwang", 1), ("Ahn", 1), ("Song", 1), ("Yoo", 1), ("Hong", 1)]),
    female=Pool(["Ji-woo", "Seo-yeon", "Min-seo", "Ha-eun", "Soo-ah", "Ye-jin", "Ji-min", "Eun-ji", "Yuna",
                 "Da-eun", "Su-bin", "Hye-won", "Chae-won", "Ji-yoo", "Seo-ah", "Na-yeon"]),
    male=Pool(["Min-jun", "Seo-jun", "Do-yun", "Ha-jun", "Ji-ho", "Jun-woo", "Hyun-woo", "Ji-hoon", "Sung-min",
               "Tae-yang", "Dong-hyun", "Joon", "Jae-won", "Min-ho", "Woo-jin", "Eun-woo"]),
    mother_keeps_surname=0.9, middle_name=0.02,
    preferred=0.3, preferred_female=ENGLISH_PREFERRED_F, preferred_male=ENGLISH_PREFERRED_M,
)

CHINESE = Group(
    code="chinese", language="Chinese (Mandarin)", weight=5, english_at_home=0.3,
    surnames=Pool([("Wang", 9), ("Li", 9), ("Zhang", 8), ("Liu", 6), ("Chen", 6), ("Yang", 4), ("Huang", 3),
                   ("Zhao", 3), ("Wu", 3), ("Zhou", 3), ("Xu", 2), ("Sun", 2), ("Ma", 2), ("Zhu", 2), ("Hu", 2),
                   ("Guo", 2), ("He", 2), ("Lin", 2), ("Luo", 1), ("Zheng", 1), ("Chan", 2), ("Wong", 2),
                   ("Leung", 1), ("Cheung", 1), ("Lau", 1)]),
    female=Pool(["Mei", "Xinyi", "Yutong", "Zihan", "Jiayi", "Yiling", "Shuang", "Hui", "Qian", "Ying",
                 "Xiaoyu", "Ruoxi", "Emily", "Grace", "Angela", "Chloe", "Sophia", "Michelle"]),
    male=Pool(["Hao", "Wei", "Jun", "Yichen", "Haoran", "Zihao", "Junjie", "Tian", "Zhiwei", "Ming", "Bo",
               "Jian", "Kai", "Rui", "Eric", "Kevin", "Jason", "Ethan"]),
    adult_female=Pool(["Li", "Hong", "Yan", "Jing", "Xiaoling", "Hui", "Ping", "Fang", "Lin", "Min", "Wendy",
                       "Helen", "Lily"]),
    adult_male=Pool(["Wei", "Jian", "Yong", "Jun", "Gang", "Lei", "Qiang", "Tao", "Feng", "Ming", "Peter",
                     "David", "Tony"]),
    mother_keeps_surname=0.85, middle_name=0.25,
    middle_female=Pool(["Xinyi", "Yutong", "Mei", "Jiayi", "Ruoxi"]),
    middle_male=Pool(["Haoran", "Zihao", "Yichen", "Junjie", "Tian"]),
    preferred=0.2, preferred_female=ENGLISH_PREFERRED_F, preferred_male=ENGLISH_PREFERRED_M,
    surname_language={"Chan": "Chinese (Cantonese)", "Wong": "Chinese (Cantonese)", "Leung": "Chinese (Cantonese)",
                      "Cheung": "Chinese (Cantonese)", "Lau": "Chinese (Cantonese)"},
)

_ETHIOPIAN_MEN = [
    "Abebe", "Tesfaye", "Dawit", "Yonas", "Bereket", "Henok", "Mekonnen", "Girma", "Tadesse", "Haile",
    "Kebede", "Alemayehu", "Solomon", "Biniam", "Nahom", "Eyob", "Natnael", "Kaleb", "Yohannes", "Mulugeta",
    "Getachew", "Tewodros", "Fitsum", "Abel", "Daniel", "Samuel", "Elias", "Amanuel",
]
AMHARIC = Group(
    code="amharic", language="Amharic", weight=4, english_at_home=0.25, patronymic=True,
    surnames=Pool(_ETHIOPIAN_MEN),
    female=Pool(["Selam", "Hanna", "Meron", "Bethlehem", "Tigist", "Mahlet", "Hiwot", "Rahel", "Liya", "Eden",
                 "Saron", "Tsion", "Meskerem", "Feven", "Kidist", "Yordanos", "Hermela", "Ruth", "Blen", "Soliyana"]),
    male=Pool(_ETHIOPIAN_MEN),
    adult_female=Pool(["Almaz", "Tigist", "Meseret", "Aster", "Birtukan", "Senait", "Hirut", "Mulu", "Genet",
                       "Selamawit", "Frehiwot", "Helen", "Marta", "Azeb"]),
    mother_keeps_surname=1.0, middle_name=0.0, preferred=0.02,
)

HAITIAN = Group(
    code="haitian", language="Haitian Creole", weight=2, english_at_home=0.35, accents_dropped=0.3,
    surnames=Pool([
        "Jean-Baptiste", "Pierre", "Joseph", "Louis", "Charles", "Jean-Louis", "Saint-Fleur", "Désir", "Étienne",
        "Dorsainvil", "Célestin", "Augustin", "Toussaint", "Michel", "Baptiste", "François", "Jean-Pierre",
        "Georges", "Alexis", "Delva", "Noël", "Hyppolite",
    ]),
    female=Pool(["Widline", "Fabiola", "Guerline", "Roseline", "Nadège", "Mélissa", "Stéphanie", "Daphney",
                 "Kettia", "Judith", "Fabienne", "Esther", "Nathalie", "Sherline", "Christelle", "Naïka"]),
    male=Pool(["Wilner", "Frantz", "Jérôme", "Stéphane", "Réginald", "Kervens", "Wisly", "Jean", "Ricardo",
               "Emmanuel", "Woodley", "Jonathan", "Schneider", "Fritz", "Ronald", "Junior"]),
    mother_keeps_surname=0.35, hyphenated=0.02, middle_name=0.3,
    middle_female=Pool(["Marie", "Rose", "Nadège", "Christelle"]),
    middle_male=Pool(["Jean", "Pierre", "Junior", "Emmanuel"]),
)

FRENCH = Group(
    code="french", language="French", weight=2, english_at_home=0.3, accents_dropped=0.25,
    surnames=Pool([
        "Diallo", "Traoré", "Koné", "Camara", "Touré", "Ndiaye", "Mbemba", "Kouassi", "Diop", "Sow",
        "Lefèvre", "Dupont", "Bernard", "Moreau", "Lambert", "Fontaine", "Girard", "Bélanger", "Côté",
        "Lévesque", "Mercier", "Rousseau",
    ]),
    female=Pool(["Françoise", "Aïssatou", "Fatoumata", "Mariama", "Chloé", "Inès", "Léa", "Manon", "Camille",
                 "Océane", "Noémie", "Émilie", "Bérénice", "Awa", "Hélène", "Maëlle", "Anaïs", "Clémence"]),
    male=Pool(["Mamadou", "Moussa", "Ibrahima", "Théo", "Louis", "Hugo", "Mathis", "Noé", "Émile", "Gaël",
               "Amadou", "Ousmane", "Jérémie", "Raphaël", "Loïc", "Benoît", "Cédric", "Yannick"]),
    adult_female=Pool(["Françoise", "Aminata", "Fatoumata", "Mariam", "Nathalie", "Sylvie", "Isabelle",
                       "Aïcha", "Véronique", "Brigitte", "Céline", "Kadiatou"]),
    adult_male=Pool(["Mamadou", "Abdoulaye", "Ibrahima", "Jean-Marc", "Olivier", "Stéphane", "Pascal",
                     "Boubacar", "Sébastien", "Thierry", "Alassane", "François"]),
    mother_keeps_surname=0.5, middle_name=0.2,
    middle_female=Pool(["Marie", "Aminata", "Claire", "Sophie"]),
    middle_male=Pool(["Jean", "Marc", "Alassane", "Pierre"]),
)

ARABIC = Group(
    code="arabic", language="Arabic", weight=3, english_at_home=0.25,
    surnames=Pool([
        "Hassan", "Ibrahim", "Mahmoud", "Haddad", "Khalil", "Saleh", "Nasser", "Abdullah", "Al-Sayed", "El-Amin",
        "Mansour", "Youssef", "Khoury", "Aziz", "Farah", "Hamdan", "Suleiman", "Al-Masri", "Abdelrahman",
        "Darwish", "Othman", "Bakr", "Al-Hashimi", "Nassar",
    ]),
    female=Pool(["Fatima", "Aisha", "Mariam", "Layla", "Noor", "Yasmin", "Salma", "Hana", "Rania", "Amira",
                 "Zainab", "Lina", "Sara", "Huda", "Dina", "Rawan", "Jana", "Malak"]),
    male=Pool(["Mohammed", "Ahmed", "Omar", "Ali", "Yusuf", "Ibrahim", "Khaled", "Hamza", "Karim", "Tariq",
               "Mustafa", "Zayd", "Adam", "Bilal", "Samir", "Rami", "Yazan", "Ayman"]),
    mother_keeps_surname=0.7, middle_name=0.15,
    middle_female=Pool(["Fatima", "Noor", "Mariam"]),
    middle_male=Pool(["Mohammed", "Ahmed", "Ali"]),
)

SOUTH_ASIAN = Group(
    code="south_asian", language="Hindi", weight=4, english_at_home=0.35,
    surnames=Pool([
        "Patel", "Shah", "Sharma", "Singh", "Kumar", "Gupta", "Reddy", "Rao", "Iyer", "Mehta", "Desai", "Joshi",
        "Khan", "Ahmed", "Malik", "Qureshi", "Siddiqui", "Hussain", "Mirza", "Agarwal", "Bhatt", "Nair",
        "Menon", "Verma", "Chowdhury", "Iqbal", "Kapoor", "Banerjee",
    ]),
    female=Pool(["Aanya", "Ananya", "Diya", "Priya", "Isha", "Kavya", "Saanvi", "Aditi", "Riya", "Meera",
                 "Nisha", "Anika", "Ayesha", "Sana", "Zara", "Hira", "Myra", "Tara"]),
    male=Pool(["Aarav", "Vihaan", "Arjun", "Rohan", "Aditya", "Krishna", "Ishaan", "Sai", "Dev", "Rahul",
               "Vikram", "Aryan", "Ayaan", "Zain", "Imran", "Faisal", "Hamza", "Kabir"]),
    adult_female=Pool(["Priya", "Sunita", "Anjali", "Pooja", "Neha", "Kavita", "Deepa", "Lakshmi", "Farah",
                       "Nazia", "Shabnam", "Rekha", "Divya", "Swati"]),
    adult_male=Pool(["Rajesh", "Sanjay", "Amit", "Vijay", "Suresh", "Ramesh", "Anil", "Manoj", "Tariq", "Imran",
                     "Asif", "Naveen", "Prakash", "Arvind"]),
    mother_keeps_surname=0.15, middle_name=0.2,
    middle_female=Pool(["Devi", "Kumari", "Rani"]),
    middle_male=Pool(["Kumar", "Raj", "Prasad"]),
    preferred=0.03, nicknames={"Krishna": "Krish", "Aditya": "Adi", "Ananya": "Anu", "Vikram": "Vik"},
    surname_language={
        "Khan": "Urdu", "Ahmed": "Urdu", "Malik": "Urdu", "Qureshi": "Urdu", "Siddiqui": "Urdu", "Hussain": "Urdu",
        "Mirza": "Urdu", "Iqbal": "Urdu", "Reddy": "Telugu", "Rao": "Telugu", "Iyer": "Tamil", "Nair": "Malayalam",
        "Menon": "Malayalam", "Patel": "Gujarati", "Shah": "Gujarati", "Desai": "Gujarati", "Mehta": "Gujarati",
        "Chowdhury": "Bengali", "Banerjee": "Bengali",
    },
)

PORTUGUESE = Group(
    code="portuguese", language="Portuguese", weight=2, english_at_home=0.25, accents_dropped=0.3,
    surnames=Pool([
        "Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Rodrigues", "Almeida", "Nascimento", "Lima",
        "Araújo", "Fernandes", "Carvalho", "Gonçalves", "Ribeiro", "Conceição", "Magalhães", "Simões", "Leão",
        "Barbosa", "Gomes", "Monteiro",
    ]),
    female=Pool(["Ana", "Júlia", "Beatriz", "Larissa", "Letícia", "Gabriela", "Luíza", "Mariana", "Giovanna",
                 "Lívia", "Thaís", "Bárbara", "Vitória", "Isadora", "Manuela", "Heloísa"]),
    male=Pool(["João", "Pedro", "Lucas", "Gabriel", "Matheus", "Thiago", "Rafael", "Gustavo", "Felipe", "Caio",
               "Vinícius", "Antônio", "Luís", "Otávio", "Davi", "Bernardo"]),
    mother_keeps_surname=0.4, hyphenated=0.02, middle_name=0.4,
    middle_female=Pool(["Maria", "Clara", "Luíza", "Vitória"]),
    middle_male=Pool(["Henrique", "Eduardo", "Augusto", "José"]),
)

GERMAN = Group(
    code="german", language="German", weight=1, english_at_home=0.7,
    surnames=Pool(["Müller", "Schröder", "Schäfer", "Weiß", "Köhler", "Günther", "Krüger", "Schmidt",
                   "Fischer", "Wagner", "Becker", "Hoffmann", "Zimmermann", "Braun", "Jäger", "Vogel"]),
    female=Pool(["Anna", "Lena", "Leonie", "Charlotte", "Mia", "Hannah", "Zoë", "Greta", "Frieda", "Lotte",
                 "Jule", "Marlene"]),
    male=Pool(["Lukas", "Jonas", "Felix", "Maximilian", "Noah", "Paul", "Jakob", "Sören", "Björn", "Matthias",
               "Niklas", "Jörg"]),
    mother_keeps_surname=0.1, middle_name=0.4,
    middle_female=Pool(["Sophie", "Marie", "Luise"]),
    middle_male=Pool(["Johannes", "Alexander", "Friedrich"]),
)

GROUPS: list[Group] = [ENGLISH, SPANISH, VIETNAMESE, KOREAN, CHINESE, AMHARIC, HAITIAN, FRENCH, ARABIC,
                       SOUTH_ASIAN, PORTUGUESE, GERMAN]
GROUP_POOL = Pool([(g.code, g.weight) for g in GROUPS])
BY_CODE = {g.code: g for g in GROUPS}

# Languages each group's families may report at home (English, the group's own, or a surname-specific one).
LANGUAGES_OF_GROUP: dict[str, set[str]] = {
    g.code: {"English", g.language, *g.surname_language.values()} for g in GROUPS
}
