"""Query helpers that know no domain."""

from django.db import models


def prefix_q(q: models.Q, prefix: str) -> models.Q:
    """The same condition seen through a relation (`office__`, `branch__`, …)."""
    children = []
    for child in q.children:
        if isinstance(child, models.Q):
            children.append(prefix_q(child, prefix))
        else:
            key, value = child
            children.append((prefix + key, value))
    new = models.Q()
    new.connector, new.negated, new.children = q.connector, q.negated, children
    return new
