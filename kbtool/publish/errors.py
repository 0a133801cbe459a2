"""The one error type of the publishing pipeline: its message says what went wrong and what to do
about it."""


class PublishError(Exception):
    """The site could not be built; nothing in the output folder was changed."""
