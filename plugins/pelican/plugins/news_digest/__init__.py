"""news_digest as a Pelican namespace plugin.

Installed with the ``news-digest`` package, this module makes the plugin one of Pelican's
``pelican.plugins`` namespace plugins: a site with ``PLUGINS = ["news_digest"]`` (or no
``PLUGINS`` at all) finds it without ``PLUGIN_PATHS``. The plugin's code is the
``news_digest`` package; this module only hands Pelican its ``register``, so the plugin is
imported under one name whichever way it is loaded.
"""

from news_digest import register, theme_path

__all__ = ["register", "theme_path"]
