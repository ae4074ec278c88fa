"""Every page of supervision as anonymous, outsider and insider (pages are added with their features)."""

COVERED: set[str] = set()
