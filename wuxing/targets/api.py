"""This app's part of /api/v1/."""

urlpatterns = []


def register(router):
    """Register this app's viewsets on the shared API router."""
