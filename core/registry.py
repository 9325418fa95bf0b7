"""What apps bring to the shell, registered from their ``AppConfig.ready()``: core knows no app.

- **Navigation** (``register_navigation``): a URL name, a translated label, an order and a section.
  Who sees an entry is *derived from the view it leads to*: the URL name is resolved to its view and
  the ``required_permissions`` that ``core.access.permission_required`` put on it decide, so the
  menu and the view cannot disagree. ``visible`` adds a finer test for views that refuse more.
- **Dashboard widgets** (``register_widget``): a small function of the request returning a
  template name and its context (or None: nothing to show), the permission code it needs, an order.
- **Header alerts** (``register_header_alert``): a count shown in every staff page's header (the
  supervisor's unacknowledged urgent alerts), so what cannot wait is never missed.
- **Figures providers** (``register_figures``): per app, a callable giving its figures for a centre
  and a period, and what they are; the statistics app reads them from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.urls import resolve, reverse

from core.access import permissions_of

# --- Navigation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: Any  # a lazy translation
    order: int = 100
    section: str = ""
    visible: Callable[[Any], bool] | None = None


_navigation: dict[str, NavEntry] = {}


def register_navigation(
    url_name: str, label: Any, *, order: int = 100, section: str = "", visible: Callable[[Any], bool] | None = None
) -> None:
    """Add a menu entry; registering the same URL name again replaces it (ready() may run twice)."""
    _navigation[url_name] = NavEntry(url_name, label, order, section, visible)


@cache
def required_permissions(url_name: str) -> tuple[str, ...]:
    """The codes the view behind ``url_name`` asks for (any one will do); () for every signed-in user."""
    view = resolve(reverse(url_name)).func
    return tuple(getattr(view, "required_permissions", ()))


def can_open(user, url_name: str, codes: set[str] | None = None) -> bool:
    """Whether ``user`` passes the permission check of the view behind ``url_name``."""
    required = required_permissions(url_name)
    if not required:
        return bool(getattr(user, "is_authenticated", False))
    codes = permissions_of(user) if codes is None else codes
    return bool(codes.intersection(required))


def navigation_entries() -> list[NavEntry]:
    return sorted(_navigation.values(), key=lambda entry: (entry.order, entry.url_name))


def navigation_for(user) -> list[dict]:
    """The entries ``user`` can open, in order: url, label, URL name and section."""
    if not getattr(user, "is_authenticated", False):
        return []
    codes = permissions_of(user)
    return [
        {"url": reverse(entry.url_name), "label": entry.label, "name": entry.url_name, "section": entry.section}
        for entry in navigation_entries()
        if can_open(user, entry.url_name, codes) and (entry.visible is None or entry.visible(user))
    ]


# --- Dashboard widgets --------------------------------------------------------------------------

WidgetContent = tuple[str, dict]


@dataclass(frozen=True)
class Widget:
    name: str
    render: Callable[[Any], WidgetContent | None]
    permissions: tuple[str, ...]  # any one of them will do
    order: int = 100


_widgets: dict[str, Widget] = {}


def register_widget(
    name: str,
    render: Callable[[Any], WidgetContent | None],
    *,
    permission: str | tuple[str, ...],
    order: int = 100,
) -> None:
    """Add a dashboard widget, shown to holders of ``permission`` (a code, or codes any of which
    will do) when ``render`` has something to show. ``order``: lower first (below 10: cannot wait)."""
    codes = (permission,) if isinstance(permission, str) else tuple(permission)
    _widgets[name] = Widget(name, render, codes, order)


def widgets() -> list[Widget]:
    return sorted(_widgets.values(), key=lambda widget: (widget.order, widget.name))


def widgets_for(request) -> list[dict]:
    """The rendered widgets of the user's dashboard: name, template and context, in order."""
    codes = permissions_of(request.user)
    shown = []
    for widget in widgets():
        if not codes.intersection(widget.permissions):
            continue
        content = widget.render(request)
        if content is not None:
            template, context = content
            shown.append({"name": widget.name, "template": template, "context": context})
    return shown


# --- Header alerts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeaderAlert:
    name: str
    count: Callable[[Any], int]
    label: Callable[[int], str]  # the count in words: ngettext
    url_name: str
    permission: str
    order: int = 100


_header_alerts: dict[str, HeaderAlert] = {}


def register_header_alert(
    name: str,
    count: Callable[[Any], int],
    *,
    label: Callable[[int], str],
    url_name: str,
    permission: str,
    order: int = 100,
) -> None:
    """A count shown in the header of every staff page to whoever holds ``permission``."""
    _header_alerts[name] = HeaderAlert(name, count, label, url_name, permission, order)


def header_alerts_for(user) -> list[dict]:
    """The non-zero header alerts of ``user``: one count query per alert they may see, none else."""
    if not getattr(user, "is_authenticated", False):
        return []
    codes = permissions_of(user)
    shown = []
    for alert in sorted(_header_alerts.values(), key=lambda a: (a.order, a.name)):
        if alert.permission not in codes:
            continue
        count = alert.count(user)
        if count:
            shown.append(
                {"name": alert.name, "count": count, "label": alert.label(count), "url": reverse(alert.url_name)}
            )
    return shown


# --- Figures providers --------------------------------------------------------------------------


@dataclass(frozen=True)
class FiguresProvider:
    """An app's figures for one centre and a period: ``provide(centre, start, end) -> dict``.

    Counts and durations only, never a record; the caller has already checked the aggregate scope.
    """

    name: str
    provide: Callable[..., dict]
    description: Any
    figures: tuple[tuple[str, Any], ...] = ()  # (key in the returned dict, what it is)


_figures: dict[str, FiguresProvider] = {}


def register_figures(
    name: str, provide: Callable[..., dict], *, description: Any, figures: tuple[tuple[str, Any], ...] = ()
) -> None:
    _figures[name] = FiguresProvider(name, provide, description, figures)


def figures_providers() -> dict[str, FiguresProvider]:
    return dict(sorted(_figures.items()))
