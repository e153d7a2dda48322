"""Demo role models: about forty fictional people, photos drawn in code, consents of every state."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date, timedelta

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import Engine, select

from campaigns import catalogue, consent
from campaigns.auth import Actor
from campaigns.db import read_only, transaction
from campaigns.models import Appearance, RoleModel
from campaigns.storage import MediaStore

PROGRAMMES = (
    "Web developer",
    "Data analyst",
    "Cybersecurity technician",
    "Cloud & DevOps engineer",
    "UX designer",
    "IT support technician",
)
WOMEN = (
    "Amina Diallo", "Sophie Martin", "Leïla Benali", "Chloé Dubois", "Fatou Ndiaye",
    "Camille Laurent", "Yasmine Haddad", "Inès Moreau", "Aurélie Petit", "Nadia Kaci",
    "Emma Roux", "Sarah Cohen", "Mei Lin", "Priya Raman", "Grace Okafor",
    "Hannah Clarke", "Olivia Bennett", "Maria Gonzalez", "Aisha Rahman", "Julie Fontaine",
    "Zoé Garnier", "Lucie Bernard", "Salma Idrissi", "Claire Mercier", "Rokia Traoré",
    "Nora Schmidt",
)  # fmt: skip
MEN = (
    "Karim Mansour", "Thomas Leroy", "Ibrahim Sow", "Julien Faure", "David Nguyen",
    "Omar Farouk", "Lucas Girard", "Samuel Mensah", "Ahmed Yilmaz", "Pierre Lambert",
    "James Walker", "Marcus Brown", "Hugo Chevalier", "Rafael Santos",
)  # fmt: skip
STORIES = {
    "disability": "Lost most of her hearing at 30 and retrained online, with captions everywhere.",
    "age": "Changed careers at 47 after twenty years in retail.",
    "education": "Left school at 16 and thought code was not for people like her.",
    "gender_stereotypes": "Was told at school that computing was for boys.",
    "career_change": "Went from nursing to data analysis in eighteen months.",
    "other": "Arrived in France as a refugee and rebuilt a career from scratch.",
}
PALETTE = (
    (0, 95, 115), (10, 147, 150), (0, 109, 119), (187, 62, 3), (202, 103, 2),
    (174, 32, 18), (155, 34, 38), (61, 64, 91), (42, 111, 151), (106, 76, 147),
)  # fmt: skip
PROOF_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass(frozen=True, slots=True)
class DemoPerson:
    """One demo person and the consent story that goes with them."""

    profile: catalogue.ProfileInput
    consent_state: str  # valid, expiring, expired, withdrawn, none, draft
    appearances: int
    recent_appearances: int


def demo_photo(name: str, colour: tuple[int, int, int], size: int = 480) -> bytes:
    """A portrait placeholder: initials on a coloured disc, as a JPEG."""
    image = Image.new("RGB", (size, size), (245, 243, 238))
    draw = ImageDraw.Draw(image)
    draw.ellipse((size * 0.08, size * 0.08, size * 0.92, size * 0.92), fill=colour)
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    font = ImageFont.load_default(size=size // 3)
    draw.text((size / 2, size / 2), initials, fill=(255, 255, 255), font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def demo_people(seed: int = 7) -> list[DemoPerson]:
    """The demo cast, the same every time."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    states = ["valid"] * 24 + ["expiring"] * 5 + ["expired"] * 4 + ["withdrawn"] * 2
    states += ["none"] * 3 + ["draft"] * 2
    rng.shuffle(states)
    kinds = ["student"] * 14 + ["alumni"] * 10 + ["apprentice"] * 5 + ["instructor"] * 8
    kinds += ["mentor"] * 3
    rng.shuffle(kinds)
    people: list[DemoPerson] = []
    for index, name in enumerate(WOMEN + MEN):
        woman = name in WOMEN
        kind = kinds[index]
        categories = ["woman_in_tech"] if woman else []
        barriers: list[str] = ["gender_stereotypes"] if woman and rng.random() < 0.5 else []
        disability = rng.random() < 0.35
        if disability:
            categories.append("disability")
            barriers.append("disability")
        for category, barrier, chance in (
            ("career_changer", "age", 0.25),
            ("low_qualification", "education", 0.2),
            ("former_jobseeker", "career_change", 0.25),
            ("disadvantaged_area", "other", 0.15),
            ("refugee", "other", 0.06),
        ):
            if rng.random() < chance:
                categories.append(category)
                barriers.append(barrier)
        barriers = list(dict.fromkeys(barriers)) or ["career_change"]
        first = name.split()[0]
        slug = name.lower().replace(" ", ".").encode("ascii", "ignore").decode()
        programme = PROGRAMMES[index % len(PROGRAMMES)]
        profile = catalogue.ProfileInput(
            full_name=name,
            kind=kind,
            email=f"{slug}@demo.example.org",
            preferred_name=first,
            pronouns="she/her" if woman else "he/him",
            phone=f"+33 6 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} 00",
            country="GB" if name in ("Hannah Clarke", "Olivia Bennett", "James Walker") else "FR",
            time_zone="Europe/London"
            if name in ("Hannah Clarke", "James Walker")
            else "Europe/Paris",
            languages=("French", "English") if rng.random() < 0.6 else ("French",),
            programmes=(programme,),
            cohort=f"{rng.choice((2023, 2024, 2025))}-{rng.choice(('spring', 'autumn'))}",
            employer="Groupe Horizon" if kind == "apprentice" else "",
            availability=rng.choice(("Weekday evenings", "Fridays", "Any afternoon", "")),
            accessibility_needs=(
                rng.choice(("Sign-language interpreter", "Step-free access", "Quiet room"))
                if disability
                else ""
            ),
            categories=tuple(categories),
            barriers=tuple(barriers),
            bio=" ".join(STORIES[b] for b in barriers[:2]).replace(
                "her", "her" if woman else "his"
            ),
            tags=tuple(
                rng.sample(
                    (
                        "portrait",
                        "interview",
                        "bootcamp",
                        "remote",
                        "mentoring",
                        "first job",
                        "apprenticeship",
                    ),
                    2,
                )
            ),
            disability_details=(
                "Hard of hearing since 2019; prefers captions and written questions."
                if disability and rng.random() < 0.5
                else ""
            ),
            disability_explicit_consent=disability,
        )
        featured = rng.choice((0, 1, 2, 3, 5))
        recent = 4 if index in (1, 4) else 0
        people.append(DemoPerson(profile, states[index], featured, recent))
    return people


# Agreed to every network but TikTok: the demo's posts show what that blocks.
NO_TIKTOK = frozenset({"Karim Mansour"})
ALL_CHANNELS = ("instagram", "linkedin", "youtube", "facebook", "website", "tiktok")


def _consent_for(
    state: str, today: date, special: bool, name: str = ""
) -> tuple[consent.ConsentInput, bool]:
    signed = today - timedelta(days=300)
    expires = {
        "valid": today + timedelta(days=400),
        "expiring": today + timedelta(days=12),
        "expired": today - timedelta(days=20),
        "withdrawn": today + timedelta(days=200),
        "draft": today + timedelta(days=365),
    }[state]
    media = ["photo", "video", "voice", "name", "story"] + (
        ["disability_mention"] if special else []
    )
    data = consent.ConsentInput(
        channels=tuple(c for c in ALL_CHANNELS if not (c == "tiktok" and name in NO_TIKTOK)),
        uses=("organic", "internal"),
        media=tuple(media),
        signed_on=signed,
        valid_from=signed,
        expires_on=expires,
        text_version="Image-rights form v3 (2025)",
        collected_by="Communications team",
        method="e-form",
        special_category=special,
        special_category_wording=(
            "I explicitly agree that my disability may be mentioned in posts about me."
            if special
            else ""
        ),
    )
    return data, state != "draft"


def load_demo_people(db: Engine, store: MediaStore, actor: Actor, today: date) -> int:
    """Create the demo role models that are not there yet; returns how many were added."""
    with read_only(db) as session:
        existing = set(session.scalars(select(RoleModel.email).where(RoleModel.email.is_not(None))))
    created = 0
    for index, person in enumerate(demo_people()):
        if person.profile.email in existing:
            continue
        pid = catalogue.create_role_model(db, actor, person.profile)
        catalogue.set_photo(
            db,
            store,
            actor,
            pid,
            demo_photo(person.profile.full_name, PALETTE[index % len(PALETTE)]),
            "portrait.jpg",
            f"Portrait placeholder of {person.profile.full_name}, initials on a coloured disc.",
        )
        if person.consent_state != "none":
            special = "disability" in person.profile.categories
            data, with_proof = _consent_for(
                person.consent_state, today, special, person.profile.full_name
            )
            proof = consent.Proof("consent-form.pdf", PROOF_PDF) if with_proof else None
            consent.record_consent(db, store, actor, pid, data, proof)
        with transaction(db) as session:
            for n in range(person.appearances):
                day = today - timedelta(days=40 + 45 * n)
                session.add(
                    Appearance(
                        role_model_id=pid,
                        featured_on=day,
                        channel=("instagram", "linkedin", "youtube")[n % 3],
                        title=f"{person.profile.preferred_name}'s story",
                        url=f"https://social.example.org/post/{pid}-{n}",
                    )
                )
            for n in range(person.recent_appearances):
                session.add(
                    Appearance(
                        role_model_id=pid,
                        featured_on=today - timedelta(days=3 + 5 * n),
                        channel=("instagram", "tiktok", "linkedin", "facebook")[n % 4],
                        title=f"{person.profile.preferred_name} in our spring series",
                        url=f"https://social.example.org/post/{pid}-recent-{n}",
                    )
                )
        if person.consent_state == "withdrawn":
            consent.withdraw_consent(
                db, actor, pid, today - timedelta(days=5), "e-mail", "Asked to stop all use."
            )
        created += 1
    return created
