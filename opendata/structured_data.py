"""schema.org descriptions (JSON-LD) of practices, departments and the dataset, for search engines.

Written into the page as a data block (<script type="application/ld+json">), which browsers never
run, so the Content-Security-Policy needs no nonce for it and the page stays cacheable. Only what
the page itself states goes in: an agency no source confirms is left out, not named.
"""

import json
import re

from django.utils.safestring import mark_safe

from .citations import PUBLISHER
from .formats import LICENSE

# As django.utils.html.json_script escapes: nothing in the data can close the script element. Quotes
# inside strings are written as escapes too, so no stored text appears in the page as a raw quote.
JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026", ord("'"): "\\u0027"}

ESCAPED_QUOTE = re.compile(r'(?<!\\)((?:\\\\)*)\\"')


def json_ld(data):
    text = json.dumps({"@context": "https://schema.org", **data}, ensure_ascii=False, default=str)
    # An escaped quote (a backslash run of odd length before it) becomes \u0022; an escaped backslash stays.
    text = ESCAPED_QUOTE.sub(r"\1\\u0022", text.translate(JSON_ESCAPES))
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


def publisher(site):
    return {"@type": "Organization", "name": PUBLISHER, "url": site}


def place(department):
    data = {
        "@type": "Place",
        "name": f"{department.city}, {department.get_state_display()}",
        "address": {
            "@type": "PostalAddress",
            "addressLocality": department.city,
            "addressRegion": department.state,
            "addressCountry": "US",
        },
    }
    if department.latitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(department.latitude),
            "longitude": float(department.longitude),
        }
    return data


def agency(department, url):
    if not department.name:
        return None
    data = {"@type": "GovernmentOrganization", "name": department.name, "url": url, "location": place(department)}
    if department.website:
        data["sameAs"] = department.website
    return data


def practice_data(practice, url, site, department_url, sources):
    department = practice.department
    data = {
        "@type": "Article",
        "headline": practice.title,
        "name": practice.title,
        "description": practice.summary,
        "url": url,
        "mainEntityOfPage": url,
        "dateCreated": practice.created.isoformat(),
        "dateModified": practice.updated.isoformat(),
        "inLanguage": "en",
        "isAccessibleForFree": True,
        "license": LICENSE["path"],
        "publisher": publisher(site),
        "spatialCoverage": place(department),
        "keywords": [kind.name for kind in practice.kinds.all()],
        "citation": [source.url or source.title for source in sources],
    }
    about = agency(department, department_url)
    if about:
        data["about"] = about
    if practice.other_names_list:
        data["alternativeHeadline"] = "; ".join(practice.other_names_list)
    return data


def department_data(department, url, site):
    return agency(department, url) or {**place(department), "url": url}


def dataset_data(package, page_url, archive_url, site):
    return {
        "@type": "Dataset",
        "name": package["title"],
        "description": package["description"],
        "url": page_url,
        "version": package["version"],
        "dateModified": package["created"],
        "keywords": package["keywords"],
        "license": LICENSE["path"],
        "isAccessibleForFree": True,
        "creator": publisher(site),
        "spatialCoverage": {"@type": "Place", "name": "United States"},
        "distribution": [
            {"@type": "DataDownload", "encodingFormat": "application/zip", "contentUrl": archive_url},
        ],
    }
