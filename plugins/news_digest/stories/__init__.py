"""Stories, not copies: the pure core behind the story, topic and source pages.

- ``normalise``: a headline's matching key;
- ``match``: headlines and lead titles clustered into stories, with stable ids;
- ``scrapes``: repeated scrapes of one page as one lead with its versions;
- ``places``: countries and major cities named in a title;
- ``timeline``: a story over time, "developing" stories and a sparkline.

Plain Python: it imports nothing of Pelican, Jinja or the settings, and of this package
only ``parse``.
"""
