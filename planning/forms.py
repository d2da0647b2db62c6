"""The plan form: a city's answers, read from the query string so a plan's address carries them.

Bad values never reach the rules: each gets a message next to its field. Names typed under
"other" that the directory's lists already hold are matched to them; the rest are echoed.
"""

import re

from django import forms
from django.http import QueryDict
from django.utils.formats import number_format
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from departments.models import SizeBand
from departments.states import State

from .rules import NO, YES, Answers, Concern, Existing

MAX_POPULATION = 20_000_000  # more than twice New York City's
MAX_TYPED_LENGTH = 200
MAX_TYPED_NAMES = 10


class PopulationField(forms.IntegerField):
    """A whole number, forgiving the thousands separators people type (12,000 or 12 000)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[,\s_\u00a0\u202f]", "", value)
        return super().to_python(value)


class StateField(forms.ChoiceField):
    def to_python(self, value):
        return super().to_python(value).strip().upper()


class OptionsField(forms.MultipleChoiceField):
    """Several choices from a list; repeats are dropped, and an unknown value is named in the error."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, unknown_message, **kwargs):
        super().__init__(required=False, **kwargs)
        self.unknown_message = unknown_message

    def to_python(self, value):
        values = [str(item).strip() for item in super().to_python(value)]
        return list(dict.fromkeys(item for item in values if item))

    def validate(self, value):
        for item in value:
            if not self.valid_value(item):
                raise forms.ValidationError(
                    self.unknown_message, code="invalid_choice", params={"value": Truncator(item).chars(40)}
                )


def existing_field(item):
    return forms.ChoiceField(
        label=item.label,
        choices=[(YES, _("Yes")), (NO, _("No")), ("", _("Not sure"))],
        required=False,
        initial="",
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose yes, no or not sure.")},
    )


def typed_names(text):
    """The names typed in an "other" box: split at commas or semicolons, repeats dropped."""
    names = {}
    for name in re.split(r"[,;\n]+", text):
        name = " ".join(name.split())
        if name and name.casefold() not in names:
            names[name.casefold()] = name
    return list(names.values())


class PlanForm(forms.Form):
    size = forms.ChoiceField(
        label=_("How big is your city?"),
        choices=[*SizeBand.choices, ("", _("Not sure"))],
        required=False,
        initial="",
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the sizes, or “Not sure”.")},
    )
    population = PopulationField(
        label=_("Or type its population"),
        required=False,
        min_value=1,
        max_value=MAX_POPULATION,
        help_text=_("A whole number, such as 12,000. It decides the size for you."),
        error_messages={
            "invalid": _("Type the population as a whole number, such as 12,000."),
            "min_value": _("The population must be at least 1."),
            "max_value": _("That is more people than any U.S. city has. Check the number."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 12}),
    )
    state = StateField(
        label=_("State"),
        choices=[("", _("Choose a state")), *State.choices],
        required=False,
        help_text=_("To check your plan against its law, and to find departments in your part of the country."),
        error_messages={"invalid_choice": _("Choose a state from the list.")},
    )
    community = OptionsField(
        label=_("Immigrant communities in your city"),
        unknown_message=_(
            "“%(value)s” is not in the directory's list of communities, so the form below leaves it out. "
            "If it is a community in your city, type it under “Other communities”."
        ),
    )
    other_communities = forms.CharField(
        label=_("Other communities"),
        required=False,
        max_length=MAX_TYPED_LENGTH,
        help_text=_("Separate them with commas. The plan lists them, but the directory has no practices to match."),
    )
    language = OptionsField(
        label=_("Languages residents speak"),
        unknown_message=_(
            "“%(value)s” is not in the directory's list of languages, so the form below leaves it out. "
            "If residents speak it, type it under “Other languages”."
        ),
    )
    other_languages = forms.CharField(
        label=_("Other languages"),
        required=False,
        max_length=MAX_TYPED_LENGTH,
        help_text=_("Separate them with commas. The plan lists them, but the directory has no practices to match."),
    )
    interpreters = existing_field(Existing.INTERPRETERS)
    liaison = existing_field(Existing.LIAISON)
    status_policy = existing_field(Existing.STATUS_POLICY)
    advisory_group = existing_field(Existing.ADVISORY_GROUP)
    outreach_events = existing_field(Existing.OUTREACH_EVENTS)
    partnerships = existing_field(Existing.PARTNERSHIPS)
    concern = OptionsField(
        label=_("What worries you most?"),
        choices=Concern.choices,
        unknown_message=_("“%(value)s” is not one of the worries listed, so the form below leaves it out."),
    )

    SINGLE_VALUED = ["size", "population", "state", *Existing.values]
    MAX_LENGTH_MESSAGE = _("Keep this under %(limit)s characters.")

    def __init__(self, data=None, *, options, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(data, **kwargs)
        self.fields["community"].choices = options["community"]
        self.fields["language"].choices = options["language"]
        for name in ["other_communities", "other_languages"]:
            self.fields[name].error_messages["max_length"] = self.MAX_LENGTH_MESSAGE % {"limit": MAX_TYPED_LENGTH}

    @property
    def existing_fields(self):
        return [self[item] for item in Existing.values]

    @property
    def error_list(self):
        """[(anchor, label, message)] for the summary at the top: each links to its field's first input."""
        summary = []
        for name, messages in self.errors.items():
            field = self[name]
            grouped = getattr(field.field.widget, "input_type", "") in {"radio", "checkbox"}
            anchor = f"{field.auto_id}_0" if grouped else field.auto_id
            summary += [(anchor, field.label, message) for message in messages]
        return summary

    def clean(self):
        cleaned = super().clean()
        getlist = getattr(self.data, "getlist", None)
        for name in self.SINGLE_VALUED:
            if getlist and len({value.strip() for value in getlist(name)}) > 1:
                self.add_error(name, _("The link gives more than one answer here. Choose one."))
        population, size = cleaned.get("population"), cleaned.get("size")
        if population is not None and size and SizeBand.for_population(population) != size:
            self.add_error(
                "population",
                _(
                    "A population of %(population)s is in the “%(band)s” size, but you chose “%(chosen)s”. "
                    "Change one, or leave one empty."
                )
                % {
                    "population": number_format(population, force_grouping=True),
                    "band": SizeBand.for_population(population).label,
                    "chosen": SizeBand(size).label,
                },
            )
        for chosen, typed in [("community", "other_communities"), ("language", "other_languages")]:
            if chosen in cleaned and typed in cleaned:
                cleaned[chosen], cleaned[typed] = self._match_typed(chosen, cleaned[chosen], cleaned[typed])
        return cleaned

    def _match_typed(self, name, chosen, typed):
        """Move typed names the list already holds (by name or code, any case) to the chosen ones."""
        known = {}
        for value, label in self.fields[name].choices:
            known[str(value).casefold()] = value
            known[str(label).casefold()] = value
        chosen, others = list(chosen), []
        for typed_name in typed_names(typed)[:MAX_TYPED_NAMES]:
            value = known.get(typed_name.casefold())
            if value is None:
                others.append(typed_name)
            elif value not in chosen:
                chosen.append(value)
        return chosen, others

    def answers(self):
        """The cleaned answers, for the rules; call after is_valid()."""
        data = self.cleaned_data
        return Answers(
            size=data["size"],
            population=data["population"],
            state=data["state"],
            communities=tuple(data["community"]),
            languages=tuple(data["language"]),
            other_communities=tuple(data["other_communities"]),
            other_languages=tuple(data["other_languages"]),
            existing={item: data[item] for item in Existing.values if data[item]},
            concerns=tuple(value for value in Concern.values if value in data["concern"]),
        )


def answers_query(answers):
    """The plan's address, from its answers: only what was given, always in the same order."""
    query = QueryDict(mutable=True)
    if answers.size:
        query["size"] = answers.size
    if answers.population is not None:
        query["population"] = str(answers.population)
    if answers.state:
        query["state"] = answers.state
    query.setlist("community", list(answers.communities))
    if answers.other_communities:
        query["other_communities"] = ", ".join(answers.other_communities)
    query.setlist("language", list(answers.languages))
    if answers.other_languages:
        query["other_languages"] = ", ".join(answers.other_languages)
    for item in Existing.values:
        if item in answers.existing:
            query[item] = answers.existing[item]
    query.setlist("concern", list(answers.concerns))
    for name in ["community", "language", "concern"]:
        if not query.getlist(name):
            del query[name]
    return query
