"""Shared set-up of the hotline tests."""

from hotline import actions
from hotline.taxonomy import HarmType, Source


def make_report(urls=("https://bad.example.com/a",), *, country="AL", child=None, **extra):
    """A public report through the real action; returns (report, token)."""
    report, _created = actions.create_report(
        country=country,
        harm_type=extra.pop("harm_type", HarmType.CSAM),
        urls=list(urls),
        source=extra.pop("source", Source.WEB_FORM),
        reporter_is_child=child,
        **extra,
    )
    return report, actions.status_token_for(report)


def report_body(**overrides) -> dict:
    body = {
        "country": "AL",
        "harm_type": "csam",
        "urls": ["https://bad.example.com/a"],
        "where_seen": "a chat app",
        "description": "<b>seen</b> yesterday",
        "reporter_is_child": True,
        "age_band": "13_15",
        "contact_email": "",
        "consent_to_contact": False,
    }
    body.update(overrides)
    return body
