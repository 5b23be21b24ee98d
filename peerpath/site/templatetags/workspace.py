from typing import Any

from django import template
from django.urls import reverse

from peerpath.core import policy
from peerpath.programs.models import Program
from peerpath.site.workspace import STAGES, stage_of, waiting_counts

register = template.Library()


def _program_on_page(context: template.Context) -> Program | None:
    """The program a page is about: given directly, or through the round, application or event shown."""
    program = context.get("program")
    if isinstance(program, Program):
        return program
    for key, path in (("round", "cohort.program"), ("application", "cohort.program"), ("event", "program")):
        obj = context.get(key)
        for attribute in path.split(".") if obj is not None else []:
            obj = getattr(obj, attribute, None)
        if isinstance(obj, Program):
            return obj
    return None


def _stages(context: template.Context, with_counts: bool) -> tuple[Program | None, list[dict[str, Any]]]:
    """The stages and links this person may use for the program on the page (none if they may not)."""
    program = _program_on_page(context)
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(program, Program) or user is None or not user.is_authenticated:
        return None, []
    if not policy.can(user, "oversee", program):
        return None, []
    match = getattr(request, "resolver_match", None)
    url_name = match.url_name if match else None
    current = stage_of(url_name)
    if current is None:
        return None, []  # not a page of the workspace (the public page, joining)
    can_manage = policy.can(user, "manage", program)
    counts = waiting_counts(program) if with_counts else {}
    stages = []
    for stage in STAGES:
        links = [
            {
                "label": link.label,
                "url": reverse(link.url_name, args=[program.pk, link.role] if link.role else [program.pk]),
                "current": link.url_name == url_name
                and (not link.role or link.role == (match.kwargs.get("role") if match else None)),
            }
            for link in stage.links
            if can_manage or not link.manage_only
        ]
        if links:
            stages.append(
                {
                    "key": stage.key,
                    "label": stage.label,
                    "url": links[0]["url"],
                    "current": stage is current,
                    "links": links,
                    "count": counts.get(stage.key, 0),
                    "count_label": stage.count_label,
                }
            )
    return program, stages


@register.inclusion_tag("site/program_workspace.html", takes_context=True)
def program_workspace(context: template.Context) -> dict[str, Any]:
    """The persistent sub-navigation: the stages, their counts and the current stage's pages."""
    program, stages = _stages(context, with_counts=True)
    current = next((stage for stage in stages if stage["current"]), None)
    return {"program": program, "stages": stages if current else [], "current": current}


@register.inclusion_tag("site/program_stage_map.html", takes_context=True)
def program_stage_map(context: template.Context) -> dict[str, Any]:
    """Every page of every stage, grouped: the overview's map of the program."""
    program, stages = _stages(context, with_counts=False)
    return {"program": program, "stages": stages}
