"""Reading the network: directory lists, coverage lookups, a centre's members."""

from django.db import connection
from django.db.models import Prefetch, QuerySet

from network.models import Centre, CentreService, Country, Coverage, Membership, Service


def directory_centres() -> QuerySet[Centre]:
    """Every active centre listed in the directory, with its services (two queries)."""
    return (
        Centre.objects.filter(is_active=True, listed_in_directory=True)
        .select_related("country")
        .prefetch_related("services")
        .order_by("country__name", "name")
    )


def public_help_by_country() -> list[dict]:
    """For each network country: the helpline and hotline that serve it, as the public sees them."""
    countries = Country.objects.filter(in_network=True).order_by("name")
    coverage = (
        Coverage.objects.filter(service__in=[Service.HELPLINE, Service.HOTLINE])
        .select_related("centre", "centre__country")
        .prefetch_related(Prefetch("centre__services", queryset=CentreService.objects.filter(is_public=True)))
    )
    by_country: dict = {}
    for item in coverage:
        public = {s.service: s for s in item.centre.services.all()}
        by_country.setdefault(item.country_id, {})[item.service] = {
            "coverage": item,
            "centre": item.centre,
            "service": public.get(item.service),
        }
    return [
        {
            "country": country,
            "helpline": by_country.get(country.pk, {}).get(Service.HELPLINE),
            "hotline": by_country.get(country.pk, {}).get(Service.HOTLINE),
        }
        for country in countries
    ]


def covering_centre(country_code: str, service: str) -> Centre | None:
    """The centre that handles ``service`` for the country, or None if nobody does yet."""
    item = Coverage.objects.select_related("centre").filter(country__code=country_code.upper(), service=service).first()
    return item.centre if item else None


def covering_centre_id(country_code: str, service: str):
    """The id of the centre that handles ``service`` for the country, or None.

    The public intake asks this on every submission: one plain statement, no query to compile.
    """
    with connection.cursor() as cursor:
        cursor.execute(*covering_centre_statement(country_code, service))
        row = cursor.fetchone()
    return centre_id_from_db(row[0]) if row else None


def covering_centre_statement(country_code: str, service: str) -> tuple[str, list]:
    """SELECT of the covering centre's id (no row if none): alone, or as a subquery of a larger statement."""
    coverage, country = Coverage._meta.db_table, Country._meta.db_table
    sql = (
        f"SELECT c.centre_id FROM {coverage} c JOIN {country} k ON k.id = c.country_id "  # noqa: S608 - our tables
        "WHERE k.code = %s AND c.service = %s LIMIT 1"
    )
    return sql, [country_code.upper(), service]


def centre_id_from_db(value):
    return None if value is None else Coverage._meta.get_field("centre").to_python(value)


def members_of(centre: Centre) -> QuerySet[Membership]:
    return Membership.objects.filter(centre=centre).select_related("user").order_by("user__email", "role")
