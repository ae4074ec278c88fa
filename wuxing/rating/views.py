"""Pages of the rating: readiness, self-evaluation, review queues, publicity, naming and certificates."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect


@login_required
def home(request):
    return redirect("/")
