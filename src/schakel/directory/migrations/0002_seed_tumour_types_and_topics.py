"""Seed the tumour groups Dutch oncology networks use, and the topics GPs ask about."""

from django.db import migrations

# (code, Dutch name, English name, ICD-10 codes)
TUMOUR_TYPES = [
    ("borstkanker", "Borstkanker", "Breast cancer", "C50, D05"),
    ("longkanker", "Longkanker", "Lung cancer", "C33–C34, C45"),
    ("darmkanker", "Darmkanker", "Colorectal cancer", "C18–C21"),
    ("prostaatkanker", "Prostaatkanker", "Prostate cancer", "C61"),
    (
        "urologisch",
        "Blaas-, nier- en urotheelkanker",
        "Bladder, kidney and urothelial cancer",
        "C64–C68",
    ),
    ("zaadbalkanker", "Zaadbalkanker", "Testicular cancer", "C62"),
    ("slokdarm-maag", "Slokdarm- en maagkanker", "Oesophageal and gastric cancer", "C15–C16"),
    (
        "hpb",
        "Alvleesklier-, lever- en galwegkanker",
        "Pancreatic, liver and biliary cancer",
        "C22–C25",
    ),
    ("gynaecologisch", "Gynaecologische kanker", "Gynaecological cancer", "C51–C58"),
    ("hoofd-hals", "Hoofd-halskanker", "Head and neck cancer", "C00–C14, C30–C32"),
    ("huidkanker", "Melanoom en huidkanker", "Melanoma and skin cancer", "C43–C44"),
    ("hersentumoren", "Hersentumoren", "Brain tumours", "C70–C72"),
    ("hematologie", "Hematologische kanker", "Haematological cancer", "C81–C96"),
    ("sarcomen", "Sarcomen", "Sarcoma", "C40–C41, C46–C49"),
    ("schildklier", "Schildklierkanker", "Thyroid cancer", "C73"),
    ("neuro-endocrien", "Neuro-endocriene tumoren", "Neuroendocrine tumours", "C7A, C74–C75"),
    ("onbekende-primaire", "Onbekende primaire tumor", "Cancer of unknown primary", "C77–C80"),
]

# (code, Dutch name, English name)
TOPICS = [
    ("behandeling", "Vragen over de behandeling", "Questions about the treatment"),
    ("bijwerkingen", "Bijwerkingen tijdens behandeling", "Side effects during treatment"),
    ("spoed", "Acute problemen tijdens behandeling", "Urgent problems during treatment"),
    ("uitslagen", "Uitslagen", "Results"),
    ("medicatie", "Medicatie", "Medication"),
    ("verwijzing", "Verwijzing", "Referral"),
    ("mdo-inbreng", "Inbreng voor het MDO", "Input for the MDO"),
    ("palliatief", "Palliatieve zorg", "Palliative care"),
    ("nazorg", "Nazorg", "Aftercare"),
    ("psychosociaal", "Psychosociale ondersteuning", "Psychosocial support"),
    ("overdracht", "Overdracht naar huisarts", "Handover to the GP"),
]


def seed(apps, schema_editor):
    TumourType = apps.get_model("directory", "TumourType")
    ContactTopic = apps.get_model("directory", "ContactTopic")
    for order, (code, name, name_en, icd10) in enumerate(TUMOUR_TYPES, start=1):
        TumourType.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "icd10": icd10, "sort_order": order * 10},
        )
    for order, (code, name, name_en) in enumerate(TOPICS, start=1):
        ContactTopic.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_directory_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
