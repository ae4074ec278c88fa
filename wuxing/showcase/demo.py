"""This app's part of the demo office, loaded by wuxing.org.demo after the organisation and campaigns."""


def load(*, office, say):
    """Add demo data for `office`; `say` prints a progress line."""
