"""The project's URLs plus, only when SICNET_BENCH_BASELINE=1, a baseline that inserts one bare row."""

import os

from django.db import connection
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sicnet.urls import urlpatterns as project_urlpatterns

BASELINE_TABLE = "bench_intake_baseline"


@csrf_exempt
@require_POST
def baseline(request):
    """What any intake must at least do: parse a request, write one row, answer JSON."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {BASELINE_TABLE} (body) VALUES (%s) RETURNING id", [request.body.decode()])
        (row_id,) = cursor.fetchone()
    return JsonResponse({"id": row_id}, status=201)


urlpatterns = list(project_urlpatterns)
if os.environ.get("SICNET_BENCH_BASELINE") == "1":
    urlpatterns.insert(0, path("bench/baseline", baseline))
