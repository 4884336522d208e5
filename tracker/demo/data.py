"""The demo West Midlands programme, from the public record in DOMAIN.md.

Organisations that are public bodies are real names; the businesses and every person are
invented for the demo.
"""

from datetime import date
from decimal import Decimal

PEOPLE = [
    # email, name, role, organisation
    ("admin@example.org", "Priya Shah", "admin", "West Midlands Combined Authority"),
    ("staff@example.org", "Tom Hughes", "staff", "West Midlands Combined Authority"),
    ("expert@example.org", "Dr Amara Okafor", "expert", "University of Birmingham"),
    ("board@example.org", "Helen Clarke", "board", None),
    ("sarah.ahmed@example.org", "Sarah Ahmed", "staff", "West Midlands Combined Authority"),
    ("james.patel@example.org", "James Patel", "staff", "West Midlands Combined Authority"),
    ("rachel.green@example.org", "Rachel Green", "admin", "West Midlands Combined Authority"),
    ("david.lin@example.org", "Prof David Lin", "expert", "Aston University"),
    ("fiona.walsh@example.org", "Dr Fiona Walsh", "expert", "University Hospitals Birmingham NHS Foundation Trust"),
    ("mark.davies@example.org", "Mark Davies", "expert", "Manufacturing Technology Centre"),
    ("nadia.hussain@example.org", "Nadia Hussain", "expert", "Midlands BioCarbon Ltd"),
    ("kwame.mensah@example.org", "Dr Kwame Mensah", "expert", "Energy Systems Catapult"),
    ("lucy.turner@example.org", "Lucy Turner", "expert", "Health Innovation West Midlands"),
    ("sam.oconnor@example.org", "Sam O'Connor", "expert", "Black Country Composites Ltd"),
    ("hannah.wright@example.org", "Dr Hannah Wright", "expert", "Birmingham Women's and Children's NHS Foundation Trust"),
    ("gurinder.singh@example.org", "Gurinder Singh", "board", None),
    ("claire.robinson@example.org", "Claire Robinson", "board", None),
    ("owen.price@example.org", "Owen Price", "board", None),
]

ORGANISATIONS = [
    ("West Midlands Combined Authority", "public_sector_or_charity"),
    ("Innovate UK", "public_sector_or_charity"),
    ("University of Birmingham", "university"),
    ("Aston University", "university"),
    ("University of Warwick", "university"),
    ("Coventry University", "university"),
    ("Birmingham City University", "university"),
    ("Keele University", "university"),
    ("University Hospitals Birmingham NHS Foundation Trust", "nhs_body"),
    ("Birmingham Women's and Children's NHS Foundation Trust", "nhs_body"),
    ("Health Innovation West Midlands", "public_sector_or_charity"),
    ("Birmingham Health Partners", "public_sector_or_charity"),
    ("Manufacturing Technology Centre", "rto"),
    ("Energy Systems Catapult", "rto"),
    ("Midlands BioCarbon Ltd", "business"),
    ("Precision Diagnostics Ltd", "business"),
    ("Black Country Composites Ltd", "business"),
    ("MedDevice Works Ltd", "business"),
    ("Greenfield Hydrogen Ltd", "business"),
    ("Tyseley Energy Park Ltd", "business"),
]

SECTORS = [
    ("Health tech and life sciences", "sector", "Data, diagnostics and digital health"),
    ("Medtech", "sector", "Medical devices and their manufacture"),
    ("Precision engineering and modern manufacturing", "sector", "Advanced manufacturing and materials"),
    ("Clean tech", "sector", "Low-carbon energy, materials and processes"),
    ("Digital", "sector", "Software, data and connectivity"),
    ("Sustainability", "theme", "Environmental benefit across sectors"),
    ("Skills", "theme", "Training and talent for the region"),
    ("Inclusive growth", "theme", "Benefits shared across the region's communities"),
]

PROGRAMME = {
    "name": "West Midlands Innovation Accelerator 2022",
    "funder": "Innovate UK",
    "region": "West Midlands",
    "description": (
        "One of three pilot Innovation Accelerators from the 2022 Levelling Up White Paper. "
        "The combined authority received 60 expressions of interest, of which 35 went on to "
        "full proposals.\n\nRegional priorities: **HealthTech and MedTech** (data, diagnostics, "
        "digital health, devices) and **CleanTech**, with sustainability across both."
    ),
    "total_pot": 33_000_000,
    "assessment_threshold": Decimal("70"),
    "board_quorum": 3,
    "opens_on": date(2022, 6, 1),
    "eoi_deadline": date(2022, 7, 29),
    "full_proposal_deadline": date(2022, 11, 30),
    "panel_date": date(2023, 1, 24),
    "announcement_date": date(2023, 3, 15),
}

PROPOSALS = [
    {
        "title": "West Midlands Health Tech Innovation Accelerator",
        "stage": "funded",
        "days_in_stage": 120,
        "priorities": [("Health tech and life sciences", 60), ("Medtech", 30), ("Inclusive growth", 10)],
        "assessors": [(82, True), (79, True), (85, True), (80, True), (77, True)],
        "clarification": (
            "How will SMEs outside Birmingham reach the clinical test beds?",
            "Through satellite clinics in Coventry and Wolverhampton, and a travel fund for SMEs.",
        ),
        "lead": "Birmingham Health Partners",
        "owner": "staff@example.org",
        "funding_ask": 14_500_000,
        "partners": [
            "University of Birmingham", "Aston University", "University of Warwick",
            "University Hospitals Birmingham NHS Foundation Trust",
            "Birmingham Women's and Children's NHS Foundation Trust",
            "Health Innovation West Midlands", "Precision Diagnostics Ltd", "MedDevice Works Ltd",
        ],
        "summary": (
            "A regional accelerator that takes health technologies from the region's universities "
            "and NHS trusts into clinical use and to market.\n\n"
            "* Clinical test beds in two NHS trusts\n* Data and diagnostics support for SMEs\n"
            "* A route to NHS adoption for proven products"
        ),
    },
    {
        "title": "Biochar Clean Tech Accelerator",
        "stage": "funded",
        "days_in_stage": 95,
        "priorities": [("Clean tech", 80), ("Sustainability", 20)],
        "assessors": [(76, True), (74, True), (78, True)],
        "lead": "Midlands BioCarbon Ltd",
        "owner": "sarah.ahmed@example.org",
        "funding_ask": 1_800_000,
        "partners": ["University of Birmingham", "Tyseley Energy Park Ltd"],
        "summary": (
            "Scaling biochar production from the region's green waste, locking away carbon and "
            "supplying low-carbon materials to construction and agriculture."
        ),
    },
    {
        "title": "Precision Diagnostics and Digital Health Data Hub",
        "stage": "not_funded",
        "days_in_stage": 60,
        "priorities": [("Health tech and life sciences", 70), ("Digital", 30)],
        # 70.8% on average, above the threshold, but 3 of 5 assessors said do not fund.
        "assessors": [(74, True), (68, False), (70, False), (72, True), (70, False)],
        "lead": "University Hospitals Birmingham NHS Foundation Trust",
        "owner": "staff@example.org",
        "funding_ask": 6_200_000,
        "partners": ["University of Birmingham", "Precision Diagnostics Ltd", "Health Innovation West Midlands"],
        "summary": "A trusted research environment and diagnostics pipeline for the region's health data.",
    },
    {
        "title": "Net Zero Advanced Manufacturing Testbed",
        "stage": "under_assessment",
        "days_in_stage": 24,
        "priorities": [("Precision engineering and modern manufacturing", 60), ("Clean tech", 40)],
        # Three of its assessors have reported, below the 70% threshold so far.
        "assessors": [(66, False), (64, False), (69, True)],
        "lead": "Manufacturing Technology Centre",
        "owner": "james.patel@example.org",
        "funding_ask": 5_400_000,
        "partners": ["University of Warwick", "Black Country Composites Ltd", "Energy Systems Catapult"],
        "summary": "Shared test facilities that help manufacturers cut energy use and adopt low-carbon materials.",
    },
    {
        "title": "MedTech Device Scale-up Programme",
        "stage": "board_review",
        "days_in_stage": 6,
        "priorities": [("Medtech", 80), ("Skills", 20)],
        "board": [("board@example.org", "endorse", "A clear route to market."),
                  ("claire.robinson@example.org", "request_changes",
                   "The costs section needs a breakdown by partner.")],
        "lead": "Aston University",
        "owner": "sarah.ahmed@example.org",
        "funding_ask": 3_900_000,
        "partners": ["MedDevice Works Ltd", "Keele University", "Birmingham City University"],
        "summary": "Design-for-manufacture support that helps device makers reach regulatory approval and volume.",
    },
    {
        "title": "Hydrogen for Heavy Industry Demonstrator",
        "stage": "co_creation",
        "days_in_stage": 33,
        "priorities": [("Clean tech", 70), ("Precision engineering and modern manufacturing", 30)],
        "lead": "Coventry University",
        "owner": "james.patel@example.org",
        "funding_ask": 4_100_000,
        "partners": ["Greenfield Hydrogen Ltd", "Energy Systems Catapult", "Tyseley Energy Park Ltd"],
        "summary": "Demonstrating hydrogen fuel switching for the region's foundries and forges.",
    },
    {
        "title": "Inclusive Innovation Skills Pathway",
        "lead": "Birmingham City University",
        "owner": "staff@example.org",
        "funding_ask": 1_200_000,
        "partners": ["Coventry University", "Health Innovation West Midlands"],
        "summary": "Work-based routes into the region's innovation jobs for people from its most deprived wards.",
        "stage": "draft",
        "days_in_stage": 12,
        "priorities": [],
    },
]

BOARD_ENDORSERS = ["board@example.org", "gurinder.singh@example.org", "claire.robinson@example.org"]

# A paragraph per section, written for any of the demo proposals.
SECTION_TEXT = {
    "summary": "{title} is led by {lead} with {partners} partners. {summary}",
    "need": (
        "The West Midlands has strong research in this field but too few products reach use in "
        "the region. Firms tell us the gap is access to test facilities, specialist advice and "
        "early customers. {title} closes that gap."
    ),
    "approach": (
        "We will run three open calls a year. Each successful firm gets access to facilities, a "
        "named technical lead at {lead}, and a route to a first customer."
    ),
    "team": (
        "{lead} leads, with {partners} partners bringing facilities, clinical or industrial "
        "expertise and links to investors. A programme board meets monthly."
    ),
    "market": (
        "Demand is proven: 60 firms replied to our expression of interest. The national market "
        "for these products grows by about 8% a year."
    ),
    "outcomes": (
        "By March 2025: 40 firms supported, 12 new products on the market, 150 jobs created or "
        "safeguarded, and £20m of private investment raised."
    ),
    "wider_impacts": (
        "Work is placed in the region's most deprived wards where we can; every project reports "
        "on carbon, skills and inclusion."
    ),
    "project_management": (
        "A programme manager at {lead} reports to the combined authority each quarter against "
        "agreed milestones, with a risk register reviewed monthly."
    ),
    "risks": (
        "The main risks are slow recruitment of firms, delays in equipment and partners leaving. "
        "Each has an owner and a mitigation in the risk register."
    ),
    "additionality": (
        "Without this funding the facilities would stay closed to small firms; no other "
        "programme offers this mix of access and advice in the region."
    ),
    "costs": (
        "We ask for {ask}: 60% for facilities and staff, 30% for grants to firms, 10% for "
        "programme management. Partners add 25% in kind."
    ),
    "co_creation": (
        "The proposal was shaped with the Virtual Innovators Team, two workshops with firms and "
        "comments from NHS and university partners."
    ),
}
