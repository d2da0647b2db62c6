"""Add a deterministic synthetic directory on top of the real one, to measure the site at scale.

Synthetic rows are published and look like real ones (facts, sources, tags, communities,
languages, example practices for recommendations), so every public page has work to do. Their
slugs and keys start with "synthetic-". Meant for scratch databases: `make bench` and the tests.
"""

import random
import sys
import time
from itertools import accumulate

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from departments.models import Department, DepartmentKind
from departments.states import State
from practices import search_text
from practices.models import (
    Community,
    Fact,
    FactSection,
    Language,
    Practice,
    PracticeCommunity,
    PracticeKind,
    PracticeLanguage,
    Recommendation,
    RecommendationExample,
    StrategyArea,
)
from practices.models.choices import OWN_PLACE_SECTIONS
from sources.models import Source, SourceKind

PREFIX = "synthetic-"
CHUNK = 2000  # practices built (and held in memory) at a time
EXAMPLES_PER_RECOMMENDATION = 3

WORDS = (
    "interpreter liaison outreach community academy council refugee trust language patrol officer youth school "
    "church mosque temple clinic hotline radio newspaper festival soccer league mentoring translation bilingual "
    "volunteer neighborhood substation storefront training cultural victim advocate domestic violence housing "
    "tenant landlord driver license traffic safety fraud scam workshop citizenship class library museum market "
    "business owner restaurant worker labor wage theft consulate embassy visa status policy sheriff jail detainer "
    "federal local enforcement complaint review board survey meeting forum town hall newsletter card brochure "
    "video website social media leader elder parent student teacher nurse doctor faith coalition partner grant "
    "funding budget staff recruitment hiring diversity promotion exam mentor chief captain sergeant detective "
    "unit team program project initiative service center office desk line phone text app night weekend summer"
).split()
# Text is mostly filler words with a Zipf distribution, like real prose, and one word in ten is
# topical, so that searching a topical word finds a realistic few percent of the practices.
SYLLABLES = [consonant + vowel for consonant in "bdfgklmnprstvz" for vowel in "aeiou"]
TOPICAL_SHARE = 0.1
FILLER_WORDS = 4000
CITY_STARTS = "Maple Cedar River Lake Spring Oak Pine Green Fair Clear Stone Red Silver Mill Bridge North South".split()
CITY_ENDS = "ton ville field ford wood dale port view brook haven burg mont side crest falls".split()
PUBLISHERS = ["City Police Department", "County Gazette", "State Justice Institute", "Community Radio", "University"]


# Facts "since the report" and costs have rules of their own (what it shows; figure and year).
SECTIONS = [section for section in FactSection.values if section not in OWN_PLACE_SECTIONS]


class Command(BaseCommand):
    help = "Add a deterministic synthetic directory (published, with facts and sources) for benchmarks and tests."

    def add_arguments(self, parser):
        parser.add_argument("--departments", type=int, default=2000, help="Departments to add (default 2000).")
        parser.add_argument("--practices", type=int, default=20000, help="Practices to add (default 20000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed builds the same rows.")
        parser.add_argument("--clear", action="store_true", help="First delete synthetic rows from an earlier run.")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="Do not ask to confirm."
        )

    def handle(self, *args, departments, practices, seed, clear, interactive, **options):
        if departments < 1 or practices < 0:
            raise CommandError("Give at least one department and no negative number of practices.")
        if not PracticeKind.objects.exists() or not Source.objects.exists():
            raise CommandError("Load the directory first (python manage.py seed): the synthetic rows reuse its tags.")
        if Practice.objects.filter(slug__startswith=PREFIX).exists() and not clear:
            raise CommandError("This database already holds synthetic rows. Add --clear to replace them.")
        if interactive:
            name = connection.settings_dict["NAME"]
            self.stderr.write(
                f"This adds {practices} published synthetic practices to the database {name}. "
                "Only do this on a scratch database."
            )
            if input("Type 'yes' to continue: ").strip().lower() != "yes":
                raise CommandError("Cancelled; nothing was changed.")
        started = time.monotonic()
        with transaction.atomic():
            if clear:
                self.clear()
            Builder(random.Random(seed), self.progress).build(departments, practices)
        counts = ", ".join(
            f"{model.objects.filter(**{field + '__startswith': PREFIX}).count()} {model._meta.verbose_name_plural}"
            for model, field in [(Department, "slug"), (Practice, "slug"), (Source, "key")]
        )
        self.stdout.write(
            self.style.SUCCESS(f"Built the synthetic directory in {time.monotonic() - started:.0f} s: {counts}.")
        )

    def clear(self):
        RecommendationExample.objects.filter(practice__slug__startswith=PREFIX).delete()
        Practice.objects.filter(slug__startswith=PREFIX).delete()
        Department.objects.filter(slug__startswith=PREFIX).delete()
        Source.objects.filter(key__startswith=PREFIX).delete()

    def progress(self, label, done, total):
        width = 30
        filled = width * done // max(total, 1)
        line = f"{label:<28} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        if sys.stdout.isatty():
            self.stdout.write(f"\r{line}", ending="\n" if done >= total else "")
            self.stdout.flush()
        elif done >= total:
            self.stdout.write(line)


class Builder:
    def __init__(self, rng, progress):
        self.rng = rng
        self.progress = progress
        self.kinds = list(PracticeKind.objects.order_by("pk"))
        self.areas = list(StrategyArea.objects.order_by("pk"))
        self.communities = list(Community.objects.order_by("pk"))
        self.languages = list(Language.objects.order_by("pk"))
        filler = sorted({a + b + c for a in SYLLABLES for b in SYLLABLES for c in ("", "n", "r", "s")})
        self.filler = rng.sample(filler, FILLER_WORDS)
        self.filler_cum_weights = list(accumulate(1 / rank for rank in range(1, FILLER_WORDS + 1)))

    def words(self, low, high, topical=TOPICAL_SHARE):
        count = self.rng.randint(low, high)
        filler = self.rng.choices(self.filler, cum_weights=self.filler_cum_weights, k=count)
        return " ".join(self.rng.choice(WORDS) if self.rng.random() < topical else word for word in filler)

    def sentence(self, low, high):
        return self.words(low, high).capitalize() + "."

    def build(self, n_departments, n_practices):
        self.sources = self.build_sources(max(10, n_practices // 4))
        departments = self.build_departments(n_departments)
        built = []
        for start in range(0, n_practices, CHUNK):
            built += self.build_practices(departments, start, min(start + CHUNK, n_practices))
            self.progress("Practices, facts and tags", len(built), n_practices)
        self.build_examples(built)

    def build_sources(self, count):
        kinds = SourceKind.values
        sources = [
            Source(
                key=f"{PREFIX}source-{i}",
                title=f"Synthetic source {i}: {self.words(3, 8, topical=0.5)}",
                publisher=self.rng.choice(PUBLISHERS),
                author="" if self.rng.random() < 0.5 else f"Author {i}",
                date=str(self.rng.randint(1995, 2024)),
                url=f"https://example.org/synthetic/{i}",
                kind=self.rng.choice(kinds),
            )
            for i in range(count)
        ]
        created = Source.objects.bulk_create(sources, batch_size=1000)
        self.progress("Sources", count, count)
        return created

    def build_departments(self, count):
        states, kinds = State.values, DepartmentKind.values
        departments = []
        for i in range(count):
            city = f"{self.rng.choice(CITY_STARTS)}{self.rng.choice(CITY_ENDS)}"
            has_population = self.rng.random() < 0.9
            departments.append(
                Department(
                    slug=f"{PREFIX}{i}",
                    name="" if self.rng.random() < 0.1 else f"{city} Police Department",
                    kind=self.rng.choice(kinds),
                    city=city,
                    state=self.rng.choice(states),
                    latitude=round(self.rng.uniform(25, 49), 6),
                    longitude=round(self.rng.uniform(-124, -67), 6),
                    website=f"https://example.org/departments/{i}",
                    city_population=int(10 ** self.rng.uniform(3.5, 6.9)) if has_population else None,
                    city_population_year=self.rng.randint(2000, 2020) if has_population else None,
                    city_population_source=self.rng.choice(self.sources) if has_population else None,
                    foreign_born_share=f"{self.rng.uniform(1, 45):.1f}%",
                    foreign_born_share_year=self.rng.randint(2000, 2020),
                    foreign_born_share_source=self.rng.choice(self.sources),
                )
            )
        created = Department.objects.bulk_create(departments, batch_size=1000)
        self.progress("Departments", count, count)
        return created

    def build_practices(self, departments, start, stop):
        # Search text is rebuilt once per chunk, when the practices and all their links exist (some links
        # are bulk-created through their tables, which send no signal of their own).
        with search_text.batched():
            return self._build_practices(departments, start, stop)

    def _build_practices(self, departments, start, stop):
        rng = self.rng
        practices = []
        for i in range(start, stop):
            has_year = rng.random() < 0.6
            practices.append(
                Practice(
                    slug=f"{PREFIX}{i}",
                    title=f"{self.words(2, 5, 0.6).title()} {rng.choice(['Program', 'Initiative', 'Unit', 'Project'])}",
                    other_names=self.words(2, 4, 0.6).title() if rng.random() < 0.2 else "",
                    department=rng.choice(departments),
                    year_started=rng.randint(1985, 2024) if has_year else None,
                    year_started_source=rng.choice(self.sources) if has_year else None,
                    summary=" ".join(self.sentence(8, 20) for _ in range(rng.randint(2, 4))),
                    caveat=self.sentence(8, 16) if rng.random() < 0.1 else "",
                    contact_title=f"{self.words(1, 2, 1).title()} Liaison" if rng.random() < 0.3 else "",
                    # A few drafts, so that pages keep filtering what the public sees.
                    status=Practice.Status.DRAFT if rng.random() < 0.05 else Practice.Status.PUBLISHED,
                )
            )
        practices = Practice.objects.bulk_create(practices, batch_size=1000)
        kind_links, area_links, community_links, language_links, facts = [], [], [], [], []
        for practice in practices:
            for kind in rng.sample(self.kinds, rng.randint(1, 3)):
                kind_links.append(Practice.kinds.through(practice=practice, practicekind=kind))
            for area in rng.sample(self.areas, rng.randint(0, 2)):
                area_links.append(Practice.areas.through(practice=practice, strategyarea=area))
            for community in rng.sample(self.communities, rng.randint(0, 3)):
                community_links.append(
                    PracticeCommunity(practice=practice, community=community, source=rng.choice(self.sources))
                )
            for language in rng.sample(self.languages, rng.randint(0, 3)):
                language_links.append(
                    PracticeLanguage(practice=practice, language=language, source=rng.choice(self.sources))
                )
            for position in range(rng.randint(3, 8)):
                section = rng.choice(SECTIONS)
                facts.append(
                    Fact(
                        practice=practice,
                        section=section,
                        position=position,
                        year=rng.randint(1990, 2024) if section == FactSection.TIMELINE else None,
                        heading=self.words(1, 3, 0.5).title() if rng.random() < 0.3 else "",
                        text=self.sentence(10, 35),
                        source=rng.choice(self.sources),
                    )
                )
        Practice.kinds.through.objects.bulk_create(kind_links, batch_size=1000)
        Practice.areas.through.objects.bulk_create(area_links, batch_size=1000)
        PracticeCommunity.objects.bulk_create(community_links, batch_size=1000)
        PracticeLanguage.objects.bulk_create(language_links, batch_size=1000)
        facts = Fact.objects.bulk_create(facts, batch_size=1000)
        also_cited = [
            Fact.additional_sources.through(fact=fact, source=rng.choice(self.sources))
            for fact in facts
            if rng.random() < 0.15
        ]
        Fact.additional_sources.through.objects.bulk_create(also_cited, batch_size=1000, ignore_conflicts=True)
        return practices

    def build_examples(self, practices):
        published = [practice for practice in practices if practice.status == Practice.Status.PUBLISHED]
        if not published:
            return
        examples = [
            RecommendationExample(
                recommendation=recommendation,
                practice=practice,
                note=self.sentence(8, 16),
                source=self.rng.choice(self.sources),
                position=100 + position,
            )
            for recommendation in Recommendation.objects.order_by("pk")
            for position, practice in enumerate(
                self.rng.sample(published, min(EXAMPLES_PER_RECOMMENDATION, len(published)))
            )
        ]
        RecommendationExample.objects.bulk_create(examples)
        self.progress("Recommendation examples", len(examples), len(examples))
