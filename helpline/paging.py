"""Paging without a total: counting 200,000 contacts costs more than showing fifty of them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

PAGE_SIZE = 50


@dataclass
class Page:
    """One page of a list, with neighbours but no total."""

    items: list
    number: int
    has_next: bool

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def page_of(queryset: QuerySet, number: str | None, size: int = PAGE_SIZE) -> Page:
    """The requested page (1 for anything unreadable); one query, one row more than shown."""
    try:
        page = max(1, min(int(number or 1), 10_000))
    except ValueError:
        page = 1
    start = (page - 1) * size
    rows = list(queryset[start : start + size + 1])
    return Page(items=rows[:size], number=page, has_next=len(rows) > size)
