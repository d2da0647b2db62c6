"""sitemap.xml: the public pages, each practice, department and state-law entry with the date it last changed."""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.db.models import Max, Q
from django.urls import reverse

from departments.models import Department
from pagecache.middleware import cache_public_page
from practices.models import Practice
from statelaw.models import StateEntry


class PagesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return [
            "home",
            "practices:list",
            "departments:list",
            "practices:recommendations",
            "statelaw:list",
            "practices:glossary",
            "planning:plan",
            "about",
            "opendata:data",
            "api_docs",
        ]

    def location(self, item):
        return reverse(item)


class PracticeSitemap(Sitemap):
    changefreq = "monthly"
    # Sitemaps split at 50,000 addresses; the query reads only what the file needs.
    limit = 50_000

    def items(self):
        return Practice.objects.published().only("slug", "updated").order_by("pk")

    def lastmod(self, practice):
        return practice.updated


class DepartmentSitemap(Sitemap):
    changefreq = "monthly"
    limit = 50_000

    def items(self):
        # A department's page also shows its practices: it changed when either did.
        published = Q(practices__status=Practice.Status.PUBLISHED)
        return (
            Department.objects.public()
            .annotate(practices_updated=Max("practices__updated", filter=published))
            .only("slug", "updated")
            .order_by("pk")
        )

    def lastmod(self, department):
        return max(filter(None, [department.updated, department.practices_updated]))


class StateEntrySitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return StateEntry.objects.published().only("state", "updated").order_by("state")

    def lastmod(self, entry):
        return entry.updated


SITEMAPS = {
    "pages": PagesSitemap,
    "practices": PracticeSitemap,
    "departments": DepartmentSitemap,
    "state-laws": StateEntrySitemap,
}


@cache_public_page
def sitemap_xml(request):
    return sitemap(request, sitemaps=SITEMAPS)
