from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StateLawConfig(AppConfig):
    name = "statelaw"
    verbose_name = _("State law on local cooperation with federal immigration enforcement")
