"""Walking the journey with Django's test client."""

from __future__ import annotations

from typing import Any

ABOUT = {
    "organisation": None,
    "sector": "council",
    "role_level": "frontline",
    "uses_services": "no",
}
VOICE = {"item_YV1": "4", "item_YV2": "DK", "comment": "Young people are heard."}
JOINT: dict[str, str] = {}
BENEFITS = {"benefits": ["better_coordination"]}
BARRIERS = {"barrier_short_term_funding": "3"}


def step_urls(base: str) -> dict[str, str]:
    """``base`` is /i/<token> or /r/resume/<token>, without the final slash."""
    return {
        "start": f"{base}/start/",
        "about-you": f"{base}/about-you/",
        "voice": f"{base}/theme/voice/",
        "joint_work": f"{base}/theme/joint_work/",
        "benefits": f"{base}/benefits/",
        "barriers": f"{base}/barriers/",
        "check-answers": f"{base}/check-answers/",
    }


def walk(
    client,
    base: str,
    *,
    organisation_pk: int | None = None,
    wording: str = "",
    about: dict[str, Any] | None = None,
    voice: dict[str, Any] | None = None,
    joint: dict[str, Any] | None = None,
    start: bool = True,
) -> dict[str, str]:
    """Save every step up to check answers, asserting each redirects to the next."""
    urls = step_urls(base)
    about = dict(ABOUT if about is None else about)
    if organisation_pk is not None:
        about["organisation"] = str(organisation_pk)
    about = {k: v for k, v in about.items() if v is not None}
    sequence = [
        ("start", {"wording": wording} if wording else {}, "about-you"),
        ("about-you", about, "voice"),
        ("voice", VOICE if voice is None else voice, "joint_work"),
        ("joint_work", JOINT if joint is None else joint, "benefits"),
        ("benefits", BENEFITS, "barriers"),
        ("barriers", BARRIERS, "check-answers"),
    ]
    if not start:
        sequence = sequence[1:]
    for step, data, following in sequence:
        response = client.post(urls[step], data)
        assert response.status_code == 302, (step, response.status_code)
        assert response["Location"] == urls[following], (step, response["Location"])
    return urls
