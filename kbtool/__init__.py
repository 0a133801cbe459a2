"""kbtool: author, check, review, search and publish a clinician-reviewed patient knowledge base."""

__version__ = "0.1.0"
