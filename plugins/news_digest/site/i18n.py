"""The theme's words through Jinja's i18n extension.

Every template string is written ``{{ _("More headlines") }}``. This module makes sure the
extension is on every generator's environment, and installs English (the strings as
written) when no other plugin has installed translations, so ``_`` always exists.
"""

from __future__ import annotations

from typing import Any

from jinja2.ext import InternationalizationExtension

I18N_EXTENSION = "jinja2.ext.i18n"


def install_translations(env: Any) -> None:
    """Add the i18n extension to ``env`` and, unless another plugin (i18n_subsites, say)
    already installed translations, install the untranslated strings."""
    if InternationalizationExtension.identifier not in env.extensions:
        env.add_extension(I18N_EXTENSION)
    if "gettext" not in env.globals:
        env.install_null_translations(newstyle=True)
