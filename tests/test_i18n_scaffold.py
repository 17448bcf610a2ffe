"""The theme's strings go through Jinja's i18n extension (``site/i18n.py``)."""

from __future__ import annotations

import gettext

from jinja2 import Environment
from jinja2.ext import InternationalizationExtension
from news_digest.site.i18n import I18N_EXTENSION, install_translations


def test_install_adds_the_extension_and_english():
    env = Environment()
    install_translations(env)
    assert InternationalizationExtension.identifier in env.extensions
    assert env.from_string('{{ _("More headlines") }}').render() == "More headlines"


def test_translations_installed_by_another_plugin_are_kept():
    class German(gettext.NullTranslations):
        def gettext(self, message):
            return {"More headlines": "Weitere Schlagzeilen"}.get(message, message)

    env = Environment(extensions=[I18N_EXTENSION])
    env.install_gettext_translations(German(), newstyle=True)
    install_translations(env)
    assert env.from_string('{{ _("More headlines") }}').render() == "Weitere Schlagzeilen"
