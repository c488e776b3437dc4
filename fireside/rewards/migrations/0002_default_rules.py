from django.db import migrations

RULES = [
    ("accepted_answer", 15, "An answer of theirs was accepted."),
    ("helpful_reaction", 5, "Another member marked their post helpful."),
    ("idea_shipped", 25, "An idea they authored or shaped shipped."),
    ("helped_member", 10, "Another member thanked them for their help."),
    ("staff_award", 0, "Points staff give by hand (the amount is chosen each time)."),
]
BADGES = [
    ("first-answer", "First answer", "Had an answer accepted.", "accepted_answers", 1),
    ("problem-solver", "Problem solver", "Had ten answers accepted.", "accepted_answers", 10),
    ("helpful", "Helpful", "Marked helpful by other members five times.", "helpful_reactions", 5),
    ("idea-shipped", "Idea shipped", "An idea they shaped shipped.", "ideas_shipped", 1),
    ("thanked", "Thanked", "Received three thank-you notes.", "thanks_received", 3),
    ("century", "Century", "Earned 100 points.", "points", 100),
    ("community-hero", "Community hero", "Given by staff for outstanding help.", "manual", 1),
]


def add(apps, schema_editor):
    PointRule = apps.get_model("rewards", "PointRule")
    Badge = apps.get_model("rewards", "Badge")
    for kind, points, description in RULES:
        PointRule.objects.get_or_create(kind=kind, defaults={"points": points,
                                                             "description": description})
    for slug, name, description, rule, threshold in BADGES:
        Badge.objects.get_or_create(slug=slug, defaults={
            "name": name, "description": description, "rule": rule, "threshold": threshold})


class Migration(migrations.Migration):
    dependencies = [("rewards", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
