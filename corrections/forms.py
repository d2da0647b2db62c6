from django import forms
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from .models import CorrectionSuggestion


class CorrectionSuggestionForm(forms.ModelForm):
    # Left empty by people; filled in by bots that complete every field.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    class Meta:
        model = CorrectionSuggestion
        fields = ["page", "message", "evidence_url", "email"]
        widgets = {
            "page": forms.HiddenInput,
            "message": forms.Textarea(attrs={"rows": 6, "maxlength": 5000}),
        }
        help_texts = {
            "message": _(
                "Which fact is wrong, out of date or missing, and what it should say. If your source is in print "
                "(a newspaper, a report), name it here."
            ),
            "evidence_url": _("A link to the source that shows it, if you have one."),
        }

    def clean_page(self):
        page = self.cleaned_data["page"]
        # Only paths on this site: never an outside address a curator (or the redirect) might follow.
        on_this_site = page.startswith("/") and url_has_allowed_host_and_scheme(page, allowed_hosts=set())
        return page if on_this_site else ""

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("Please leave this field empty."))
        return ""
