"""A plan as a file to keep: a CSV checklist for a spreadsheet, or the whole plan as Markdown."""

import csv
import io

from django.http import HttpResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from curation.spreadsheets import neutralised
from sources.dates import readable_date

from .templatetags.plan_tags import signed

LEGAL_ADVICE = gettext_lazy(
    "These laws change often, and courts block parts of them. Before a recommendation goes to council, ask your "
    "city attorney to confirm the law in force today, bills still pending and any court orders."
)
PROVENANCE = gettext_lazy(
    "These recommendations are compiled by this directory from cited public guidance; they are not "
    "quoted from the National League of Cities' report. The order comes from this directory's rules "
    "applied to your answers."
)
MARKDOWN_SPECIAL = str.maketrans({char: f"\\{char}" for char in "\\`*_[]<>|#"})


def markdown_safe(value):
    """Plain text that Markdown shows as written, on one line."""
    return " ".join(str(value).split()).translate(MARKDOWN_SPECIAL)


def reasons_text(match):
    return " ".join(f"{reason.text} ({signed(reason.points)})" for reason in match.reasons)


def law_text(match, absolute):
    """'Limited by state law: Texas SB 4 (2017) bans ... (address). Parts of this ...' for a cell."""
    if not match.law_marks:
        return ""
    marks = " ".join(f"{mark.law} {mark.does} ({absolute(mark.url)}). {mark.consequence}" for mark in match.law_marks)
    return f"{match.law_kind_label}: {marks}"


def state_law_lines(plan, absolute):
    """The plan's opening on state law, as Markdown lines."""
    md = markdown_safe
    entry = plan.state_law
    state = entry.name if entry else plan.answers.state_label
    lines = [f"## {md(_('State law in %(state)s') % {'state': state} if state else _('State law'))}", ""]
    if entry is None and state:
        text = _(
            "This directory has no summary of %(state)s's law yet, so no recommendation below is checked against "
            "it. State law may require or forbid some of them: ask your city attorney before any goes to council."
        ) % {"state": state}
        return [*lines, md(text), ""]
    if entry is None:
        text = _(
            "You did not say which state your city is in. State law decides whether some of these recommendations "
            "are allowed: see the law in your state."
        )
        return [*lines, f"{md(text)} <{absolute(reverse('statelaw:list'))}>", ""]
    lines += [f"**{md(entry.get_stance_display())}.** {md(entry.summary)}", ""]
    duties = [
        (_("Local police must"), entry.must_list),
        (_("Local police and their city must not"), entry.must_not_list),
    ]
    for title, items in duties:
        if items:
            lines += [f"{md(title)}:", "", *[f"- {md(item)}" for item in items], ""]
    checked = _("Law researched on %(date)s") % {"date": date_format(entry.checked_on, "j F Y")}
    if entry.sources_through:
        checked += _(", in sources dated up to %(through)s") % {"through": readable_date(entry.sources_through)}
    lines += [f"**{md(_('Not legal advice.'))}** {md(LEGAL_ADVICE)} {md(checked)}.", ""]
    lines += [f"{md(_('Laws, court rulings and sources'))}: <{absolute(entry.get_absolute_url())}>", ""]
    return lines


def law_lines(match, absolute):
    md = markdown_safe
    if not match.law_marks:
        return []
    lines = [f"**{md(match.law_kind_label)}.**"]
    lines += [
        f"- [{md(mark.law)}]({absolute(mark.url)}) {md(mark.does)}. {md(mark.consequence)}" for mark in match.law_marks
    ]
    return [*lines, ""]


def filename(plan, extension):
    parts = ["public-safety-plan", plan.answers.size_band or "", plan.answers.state.lower()]
    return slugify("-".join(part for part in parts if part)) + f".{extension}"


def download(content, content_type, name):
    return HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": content_disposition_header(as_attachment=True, filename=name)},
    )


def as_csv(plan, absolute):
    """One row per first step, with a blank "Done" column to tick in a spreadsheet."""
    buffer = io.StringIO()
    # The byte-order mark tells spreadsheet software the file is UTF-8.
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("Step"),
            _("Done"),
            _("Recommendation"),
            _("Action"),
            _("Why it is suggested"),
            _("Practices that show it"),
            _("Compiled from"),
            _("Read more"),
            _("State law"),
        ]
    )
    matches = {match.item.pk: match for match in plan.start_here}
    examples = {match.item.pk: examples for match, examples in plan.start_here_with_examples}
    for number, recommendation, action in plan.checklist:
        shown = "; ".join(
            f"{example.practice.department.place}: {example.practice.title} "
            + (f"({example.status_now}) " if example.status_now else "")
            + f"({absolute(example.practice.get_absolute_url())})"
            for example in examples[recommendation.pk]
        )
        sources = "; ".join(
            f"{source.title} ({source.url})" if source.url else source.title for source in recommendation.sources.all()
        )
        row = [
            number,
            "",
            recommendation.title,
            action,
            reasons_text(matches[recommendation.pk]),
            shown,
            sources,
            absolute(recommendation.get_absolute_url()),
            law_text(matches[recommendation.pk], absolute),
        ]
        writer.writerow([neutralised(str(cell)) for cell in row])
    # What state law rules out: no step to tick, but the warning travels with the checklist.
    for match in plan.ruled_out:
        row = [
            "",
            "",
            match.item.title,
            "",
            "",
            "",
            "",
            absolute(match.item.get_absolute_url()),
            law_text(match, absolute),
        ]
        writer.writerow([neutralised(str(cell)) for cell in row])
    return download(buffer.getvalue(), "text/csv; charset=utf-8", filename(plan, "csv"))


def as_markdown(plan, absolute, share_url):
    md = markdown_safe
    lines = [f"# {md(_('A starting plan for public-safety outreach to immigrant residents'))}", ""]
    lines += [md(_("Made with the Immigrant Public-Safety Practices directory. Open or change this plan:")), ""]
    lines += [f"<{share_url}>", ""]
    lines += state_law_lines(plan, absolute)

    lines += [f"## {md(_('Where to start: a checklist'))}", ""]
    lines += [md(PROVENANCE), ""]
    for position, (match, examples) in enumerate(plan.start_here_with_examples, start=1):
        recommendation = match.item
        lines += [f"### {position}. {md(recommendation.title)}", ""]
        if match.covers:
            lines += [f"{md(_('First step for'))} {md('; '.join(str(label) for label in match.covers))}.", ""]
        lines += law_lines(match, absolute)
        lines += [f"- [ ] {md(action)}" for action in recommendation.action_list]
        lines.append("")
        if match.reasons:
            lines.append(f"{md(_('Why it is suggested'))}:")
            lines += [f"- {md(reason.text)} ({signed(reason.points)})" for reason in match.reasons]
            lines.append("")
        if examples:
            lines.append(f"{md(_('Practices that show it'))}:")
            lines += [
                f"- [{md(example.practice.department.place)}: {md(example.practice.title)}]"
                f"({absolute(example.practice.get_absolute_url())})"
                + (f" ({md(example.status_now)})" if example.status_now else "")
                + f": {md(example.link.note)}"
                for example in examples
            ]
            lines.append("")
        sources = [
            f"{md(source.title)} (<{source.url}>)" if source.url else md(source.title)
            for source in recommendation.sources.all()
        ]
        lines += [f"{md(_('Compiled from'))}: {'; '.join(sources)}", ""]
    if plan.ruled_out:
        lines += [f"## {md(_('Ruled out by state law'))}", ""]
        lines += [md(_("A city in your state may not adopt these as written; they are not in your first steps.")), ""]
        for match in plan.ruled_out:
            lines += [f"### [{md(match.item.title)}]({absolute(match.item.get_absolute_url())})", ""]
            lines += law_lines(match, absolute)

    lines += [f"## {md(_('Departments like yours'))}", ""]
    for position, match in enumerate([*plan.similar_departments, *plan.also_close], start=1):
        department = match.item.department
        name = f" ({md(department.name)})" if department.name else ""
        lines.append(f"{position}. **{md(department.city)}, {md(department.get_state_display())}**{name}")
        lines += [f"   - {md(reason.text)} ({signed(reason.points)})" for reason in match.reasons]
        lines += [
            f"   - {md(_('Practice'))}: [{md(practice.title)}]({absolute(practice.get_absolute_url())})"
            for practice in department.practices.all()
        ]
    if not plan.similar_departments:
        lines.append(md(_("None of the profiled departments shares your answers yet.")))

    lines.append("")
    if plan.also_consider:
        lines += [f"## {md(_('Also worth a look'))}", ""]
        for match in plan.also_consider:
            lines.append(
                f"- [{md(match.item.title)}]({absolute(match.item.get_absolute_url())}): {md(reasons_text(match))}"
            )
            if match.law_marks:
                lines.append(f"  {md(law_text(match, absolute))}")
        lines.append("")
    if plan.law_also:
        lines += [f"## {md(_('Also bound up with state law'))}", ""]
        for match in plan.law_also:
            lines.append(f"- [{md(match.item.title)}]({absolute(match.item.get_absolute_url())})")
            lines.append(f"  {md(law_text(match, absolute))}")
        lines.append("")
    if plan.less_urgent:
        lines += [f"## {md(_('Less urgent for you'))}", ""]
        lines += [f"- {md(match.item.title)}: {md(reasons_text(match))}" for match in plan.less_urgent]
        lines.append("")
    lines += [f"## {md(_('Your answers'))}", ""]
    lines += [f"- **{md(question)}:** {md(answer)}" for question, answer in plan.summary()]
    lines += ["", f"{md(_('All recommendations'))}: <{absolute(reverse('practices:recommendations'))}>"]
    return download("\n".join(lines) + "\n", "text/markdown; charset=utf-8", filename(plan, "md"))
