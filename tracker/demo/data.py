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
        "lead": "University Hospitals Birmingham NHS Foundation Trust",
        "owner": "staff@example.org",
        "funding_ask": 6_200_000,
        "partners": ["University of Birmingham", "Precision Diagnostics Ltd", "Health Innovation West Midlands"],
        "summary": "A trusted research environment and diagnostics pipeline for the region's health data.",
    },
    {
        "title": "Net Zero Advanced Manufacturing Testbed",
        "lead": "Manufacturing Technology Centre",
        "owner": "james.patel@example.org",
        "funding_ask": 5_400_000,
        "partners": ["University of Warwick", "Black Country Composites Ltd", "Energy Systems Catapult"],
        "summary": "Shared test facilities that help manufacturers cut energy use and adopt low-carbon materials.",
    },
    {
        "title": "MedTech Device Scale-up Programme",
        "lead": "Aston University",
        "owner": "sarah.ahmed@example.org",
        "funding_ask": 3_900_000,
        "partners": ["MedDevice Works Ltd", "Keele University", "Birmingham City University"],
        "summary": "Design-for-manufacture support that helps device makers reach regulatory approval and volume.",
    },
    {
        "title": "Hydrogen for Heavy Industry Demonstrator",
        "lead": "Coventry University",
        "owner": "james.patel@example.org",
        "funding_ask": 4_100_000,
        "partners": ["Greenfield Hydrogen Ltd", "Energy Systems Catapult", "Tyseley Energy Park Ltd"],
        "summary": "Demonstrating hydrogen fuel switching for the region's foundries and forges.",
    },
]
