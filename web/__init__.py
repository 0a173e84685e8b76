"""The web service: a second shell over the same library as the CLI (see ``app.py``)."""
