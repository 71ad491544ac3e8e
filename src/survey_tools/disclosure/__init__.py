"""Stage 6, disclosure: estimate and count tables in, tables safe to publish out.

``suppress.py`` holds :func:`suppress` and its :class:`Suppressed` result (primary rules,
display table, information loss); ``complementary.py`` chooses the complementary cells;
``audit.py`` is the intruder's linear-programming audit every table passes before it is
returned; ``magnitude.py`` the (n, k) dominance rule for pay and earnings;
``reliability.py`` the NCHS-style reliability flags of estimates; ``kanonymity.py`` the
k-anonymity check and the guard run before any respondent-level extract is written;
``publish.py`` the one rule (disclosure control, then reliability) by which every report table
and figure decides which estimates it shows, and how both print a base.

May import: ``survey_tools.errors`` and ``survey_tools.design``; never models, exposure or
report.
"""

from .audit import audit
from .kanonymity import (
    GUILD_QUASI_IDENTIFIERS,
    KAnonymity,
    k_anonymity,
    require_k_anonymity,
    write_extract,
)
from .magnitude import dominance_share, dominated
from .publish import base_text, screen_estimates
from .reliability import CAUTION, UNRELIABLE, flag_reliability
from .suppress import DASH, Suppressed, suppress

__all__ = [
    "CAUTION",
    "DASH",
    "GUILD_QUASI_IDENTIFIERS",
    "UNRELIABLE",
    "KAnonymity",
    "Suppressed",
    "audit",
    "base_text",
    "dominance_share",
    "dominated",
    "flag_reliability",
    "k_anonymity",
    "require_k_anonymity",
    "screen_estimates",
    "suppress",
    "write_extract",
]
