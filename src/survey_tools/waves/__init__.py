"""Stage 4, waves: survey waves in, change and trend out.

``crosswalk.py`` reads and checks the crosswalk (per variable and wave: the source variable, a
recode onto common codes, comparability ``same`` / ``recoded`` / ``caveat`` / ``break``) and
harmonises a wave's cleaned data with it; ``link.py`` links members across waves on the salted
member key (linked, joined, lapsed); ``joint.py`` linearises every wave with its own calibration
residuals and the member as the variance cluster; ``change.py`` holds :func:`compare_waves`,
``trend.py`` trends over three or more waves and gross flows of linked members, ``describe.py``
the memo's sentences about change.

May import: ``survey_tools.errors``, ``survey_tools.files``, ``survey_tools.cleaning`` and
``survey_tools.design``; never a later stage.
"""

from .change import bh_qvalues, compare_waves
from .crosswalk import COMPARABILITY, Crosswalk
from .describe import describe_change
from .link import Links, link_waves, with_member_key
from .trend import Trend, gross_flows, trend

__all__ = [
    "COMPARABILITY",
    "Crosswalk",
    "Links",
    "Trend",
    "bh_qvalues",
    "compare_waves",
    "describe_change",
    "gross_flows",
    "link_waves",
    "trend",
    "with_member_key",
]
