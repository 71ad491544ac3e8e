"""Stage 7, comments: redacted open comments in; themes, weighted theme shares and safe quotes out.

``themes.py`` reads and tests a theme codebook (YAML: phrases, wildcards, co-occurrence,
exclusions, negation, examples); ``code.py`` codes comments into a boolean theme matrix with
an audit of matched spans; ``shares.py`` turns the matrix into weighted theme shares by group,
among commenters and among all members, as full-design domain estimates through disclosure
control; ``agreement.py`` compares staff coding with the rules (Cohen's kappa,
Krippendorff's alpha, precision and recall) and writes and reads the coding sheet;
``suggest.py`` drafts themes (TF-IDF and NMF, exploratory only); ``quotes.py`` picks quotes
that stand for a theme and cannot identify their author. Nothing here touches the network.

May import: ``survey_tools.errors``, ``survey_tools.files``, ``cleaning`` (the redaction
detectors and name lists), ``design`` and ``disclosure``; never report.
"""

from .agreement import agreement, coding_sheet, read_coding_sheet, write_coding_sheet
from .code import audit_comments, code_comments, commented
from .quotes import pick_quotes
from .shares import SELECTIVE_NOTE, theme_shares
from .suggest import suggest_themes
from .themes import Theme, Themes, read_themes

__all__ = [
    "SELECTIVE_NOTE",
    "Theme",
    "Themes",
    "agreement",
    "audit_comments",
    "code_comments",
    "coding_sheet",
    "commented",
    "pick_quotes",
    "read_coding_sheet",
    "read_themes",
    "suggest_themes",
    "theme_shares",
    "write_coding_sheet",
]
