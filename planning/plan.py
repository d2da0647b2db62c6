"""A city's starting plan: its answers run through planning/rules.py over the directory's content.

Building one costs a fixed number of queries whatever the directory's size: departments and their
published practices (2), the communities and languages those practices name (1), the
recommendations with their area, sources and public examples (3), and, when a state is given,
its published law with its laws and rulings (3).
"""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Value
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from departments.models import Department
from practices.models import Practice, PracticeCommunity, PracticeLanguage, Recommendation, RecommendationExample
from statelaw.models import StateEntry

from . import rules
from .rules import Concern, Existing

# The statuses a plan mentions next to an example: a city should know before it follows one.
WORTH_SAYING = {Practice.CurrentStatus.ENDED, Practice.CurrentStatus.RECAST, Practice.CurrentStatus.NO_TRACE}


@dataclass
class Example:
    """A published practice that shows a recommendation working, and whether its department is like the city."""

    link: RecommendationExample
    like_yours: bool

    @property
    def practice(self):
        return self.link.practice

    @property
    def status_now(self):
        """What became of the program when it did not simply carry on: ended, recast or no recent trace."""
        if self.practice.current_status in WORTH_SAYING:
            return self.practice.current_status_label
        return ""


def department_profiles():
    """The profiled departments with published practices, as the rules compare them."""
    published = Practice.objects.published()
    departments = Department.objects.public().with_published_practices()
    # Who the published practices serve, communities and languages read in one query.
    served = PracticeCommunity.objects.filter(practice__in=published).annotate(facet=Value("community"))
    spoken = PracticeLanguage.objects.filter(practice__in=published).annotate(facet=Value("language"))
    rows = (
        served.values_list("facet", "practice__department_id", "community__slug")
        .order_by()
        .union(spoken.values_list("facet", "practice__department_id", "language__code").order_by(), all=True)
        .order_by()
    )
    communities, languages = {}, {}
    for facet, department_id, key in rows:
        (communities if facet == "community" else languages).setdefault(department_id, set()).add(key)
    return [
        rules.DepartmentProfile(
            department=department,
            size_band=department.size_band,
            state=department.state,
            city=department.city,
            communities=frozenset(communities.get(department.pk, ())),
            languages=frozenset(languages.get(department.pk, ())),
        )
        for department in departments
    ]


def recommendations_in_directory_order():
    return list(
        Recommendation.objects.select_related("area")
        .with_public_examples()
        .order_by("area__position", "position", "title")
    )


class Plan:
    department_weights = rules.DEPARTMENT_WEIGHTS
    recommendation_weights = rules.RECOMMENDATION_WEIGHTS

    def __init__(self, answers, *, options):
        self.answers = answers
        self.names = {"community": dict(options["community"]), "language": dict(options["language"])}

    # State law

    @cached_property
    def state_law(self):
        """The state's published law, with the laws and rulings the rules read; None if there is none."""
        if not self.answers.state:
            return None
        return StateEntry.objects.published().with_effects().filter(state=self.answers.state).first()

    @cached_property
    def law_counts(self):
        """How many recommendations state law rules out, limits and already requires."""
        counts = dict.fromkeys(rules.LawKind.values, 0)
        for match in self.ranked_recommendations:
            if match.law_kind:
                counts[match.law_kind] += 1
        return counts

    @cached_property
    def ruled_out(self):
        """What state law rules out: listed apart, with its law, and never in any other list."""
        return [match for match in self.ranked_recommendations if match.ruled_out]

    @cached_property
    def allowed_recommendations(self):
        """The ranked recommendations that state law does not rule out, in rank order."""
        return [match for match in self.ranked_recommendations if not match.ruled_out]

    # Departments like yours

    @cached_property
    def ranked_departments(self):
        return rules.rank_departments(self.answers, department_profiles(), self.names)

    @cached_property
    def _close_departments(self):
        return rules.close_departments(self.answers, self.ranked_departments)

    @property
    def similar_departments(self):
        return self._close_departments[0]

    @property
    def also_close(self):
        """Departments in the city's state or serving its communities that the top five leave out."""
        return self._close_departments[1]

    # Where to start

    @cached_property
    def ranked_recommendations(self):
        ranked = rules.rank_recommendations(self.answers, recommendations_in_directory_order())
        marks = rules.law_marks(self.state_law.authorities()) if self.state_law else {}
        for match in ranked:
            match.law_marks = marks.get(match.item.slug, [])
        return ranked

    @cached_property
    def is_general(self):
        """True when no answer makes any recommendation more urgent: the plan then starts in every area."""
        return not any(match.points > 0 for match in self.ranked_recommendations)

    @cached_property
    def start_here(self):
        if self.is_general:
            return rules.general_start(self.allowed_recommendations)
        return rules.start_here(self.answers, self.allowed_recommendations)

    @cached_property
    def also_consider(self):
        chosen = {id(match) for match in self.start_here}
        return [match for match in self.allowed_recommendations if match.points > 0 and id(match) not in chosen]

    @cached_property
    def less_urgent(self):
        return [match for match in self.allowed_recommendations if match.points < 0]

    @cached_property
    def law_also(self):
        """Recommendations state law limits or already requires that no other list shows (the answers leave
        them neutral): listed so that every recommendation the law marks is in the plan with its law."""
        shown = {id(match) for match in [*self.start_here, *self.also_consider, *self.less_urgent]}
        return [match for match in self.allowed_recommendations if match.law_marks and id(match) not in shown]

    @property
    def not_shown_count(self):
        lists = (self.start_here, self.also_consider, self.less_urgent, self.law_also, self.ruled_out)
        return len(self.ranked_recommendations) - sum(len(shown) for shown in lists)

    @cached_property
    def _department_points(self):
        return {match.item.department.pk: match.points for match in self.ranked_departments}

    def examples(self, recommendation):
        """The recommendation's public examples, departments most like the city first."""
        points = self._department_points
        similar = {match.item.department.pk for match in self.similar_departments}
        links = sorted(
            recommendation.public_examples,
            key=lambda link: (-points.get(link.practice.department_id, 0), link.position, link.pk),
        )
        return [Example(link, link.practice.department_id in similar) for link in links]

    @cached_property
    def start_here_with_examples(self):
        return [(match, self.examples(match.item)) for match in self.start_here]

    @cached_property
    def checklist(self):
        """[(step number, recommendation, action)]: the first steps, in the plan's order."""
        steps = []
        for match in self.start_here:
            for action in match.item.action_list:
                steps.append((len(steps) + 1, match.item, action))
        return steps

    # The answers, in words

    def summary(self):
        """[(question, answer)] in plain words, for the page, the handout and the downloads."""
        answers = self.answers
        not_given = _("Not given")
        if answers.size_band and answers.population is not None:
            size = _("%(band)s (population %(population)s)") % {
                "band": answers.size_band.label,
                "population": number_format(answers.population, force_grouping=True),
            }
        else:
            size = answers.size_band.label if answers.size_band else not_given
        if answers.state:
            state = answers.state_label
            if answers.region:
                state = _("%(state)s (%(region)s)") % {"state": state, "region": answers.region.label}
        else:
            state = not_given
        rows = [(_("City size"), size), (_("State"), state)]
        for name, chosen, typed, title in [
            ("community", answers.communities, answers.other_communities, _("Communities")),
            ("language", answers.languages, answers.other_languages, _("Languages")),
        ]:
            parts = [", ".join(self.names[name].get(value, value) for value in chosen)] if chosen else []
            if typed:
                parts.append(
                    _("also %(names)s (not in the directory's list, so not matched)") % {"names": ", ".join(typed)}
                )
            rows.append((title, "; ".join(parts) or not_given))
        have = [str(item.label) for item in Existing if answers.has(item)]
        lack = [str(item.label) for item in Existing if answers.lacks(item)]
        unsure = [str(item.label) for item in Existing if item.value not in answers.existing]
        rows.append((_("Already in place"), "; ".join(have) or _("None said")))
        rows.append((_("Not in place"), "; ".join(lack) or _("None said")))
        if unsure:
            rows.append((_("Not sure or not answered"), "; ".join(unsure)))
        worries = [str(concern.label) for concern in Concern if concern.value in answers.concerns]
        rows.append((_("Worries"), "; ".join(worries) or _("None chosen")))
        return rows
