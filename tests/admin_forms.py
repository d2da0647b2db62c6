"""Helpers for driving admin forms the way a browser does: read a change form, post it back edited."""

from django.urls import reverse


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def posted(value):
    """A form value as a browser posts it: related objects by primary key."""
    if isinstance(value, (list, tuple)):
        return [getattr(item, "pk", item) for item in value]
    return getattr(value, "pk", value)


def form_data(response):
    """What a browser would post back for the admin form in ``response``, main form and inlines."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = posted(value)
    for formset in response.context.get("inline_admin_formsets", []):
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
        for inline_form in formset.formset.forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is None or value is False:
                    continue
                data[f"{inline_form.prefix}-{name}"] = "on" if value is True else posted(value)
    return data


def inline_prefix(response, model):
    """The form prefix of the inline formset for ``model`` in a change form ``response``."""
    for formset in response.context["inline_admin_formsets"]:
        if formset.formset.model is model:
            return formset.formset.prefix
    raise LookupError(model)


def error_text(response):
    """The non-field errors shown on an admin form, as one string."""
    form = response.context["adminform"].form
    return " ".join(form.non_field_errors())
