"""Fictional Dutch names and places for the demo region. Combinations, never real people."""

GIVEN_NAMES = [
    "Anna", "Bram", "Carla", "Daan", "Eva", "Femke", "Gert", "Hanneke", "Ingrid", "Jeroen",
    "Karin", "Lars", "Marieke", "Niels", "Olga", "Pieter", "Quinten", "Renske", "Sander", "Thijs",
    "Ursula", "Vera", "Willem", "Yvonne", "Zoë", "Arjen", "Bas", "Charlotte", "Dirk", "Esther",
    "Floor", "Gijs", "Hester", "Iris", "Joost", "Kees", "Lieke", "Maarten", "Noor", "Otto",
    "Petra", "Roos", "Sjoerd", "Tessa", "Ties", "Vincent", "Wendy", "Yara", "Fatima", "Mohamed",
    "Priya", "Sanne", "Emre", "Ayşe", "Koen", "Mila", "Ruben", "Sophie", "Hugo", "Lotte",
]

# (voorvoegsel, family name)
FAMILY_NAMES = [
    ("", "Jansen"), ("de", "Vries"), ("van den", "Berg"), ("van", "Dijk"), ("", "Bakker"),
    ("", "Visser"), ("", "Smit"), ("", "Meijer"), ("de", "Boer"), ("", "Mulder"),
    ("de", "Groot"), ("", "Bos"), ("", "Vos"), ("", "Peters"), ("", "Hendriks"),
    ("van", "Leeuwen"), ("", "Dekker"), ("", "Brouwer"), ("de", "Wit"), ("", "Dijkstra"),
    ("", "Smits"), ("de", "Graaf"), ("van der", "Meer"), ("van der", "Linden"), ("", "Kok"),
    ("", "Jacobs"), ("de", "Haan"), ("", "Vermeulen"), ("van den", "Heuvel"), ("van der", "Veen"),
    ("van den", "Broek"), ("de", "Bruijn"), ("de", "Jong"), ("van", "Beek"), ("", "Willems"),
    ("van", "Vliet"), ("ter", "Horst"), ("op de", "Kamp"), ("", "Yilmaz"), ("", "Çelik"),
    ("", "Hoekstra"), ("", "Postma"), ("in 't", "Veld"), ("van", "Wijk"), ("", "Koster"),
    ("", "Prins"), ("", "Blom"), ("", "Huisman"), ("", "Kramer"), ("van der", "Heijden"),
]

# Fictional towns ("-stede", "-vliet"...), so no hospital or practice is a real one.
PLACES = [
    "Duinstede", "Rijnvliet", "Veenoord", "Lindeburg", "Leyvaert", "Zilverhaven", "Oosterkamp",
    "Bloemwijk", "Westerdam", "Heideveen", "Kreekmond", "Polderhof", "Wilgenrode", "Moerveld",
    "Eikenhorst", "Zandhoven", "Dijkzicht", "Beekdal", "Molenwaard", "Sluisoord",
]

HOSPITAL_PATTERNS = [
    "Ziekenhuis {place}",
    "Medisch Centrum {place}",
    "{place} Gasthuis",
    "Streekziekenhuis {place}",
    "Academisch Centrum {place}",
]

PRACTICE_PATTERNS = [
    "Huisartsenpraktijk {place}",
    "Gezondheidscentrum {place}-{part}",
    "Huisartsen {place} {part}",
    "Praktijk De {tree}",
]
PRACTICE_PARTS = ["Noord", "Zuid", "Oost", "West", "Centrum", "Haven", "Dorp", "Park"]
TREES = ["Linde", "Eik", "Beuk", "Wilg", "Esdoorn", "Berk", "Kastanje", "Iep", "Populier", "Hazelaar"]
STREETS = ["Dorpsstraat", "Kerkweg", "Molenlaan", "Stationsplein", "Havenkade", "Lindelaan",
           "Schoolstraat", "Beukenweg", "Julianalaan", "Marktplein"]
