"""Stage 2, cleaning: an :class:`~survey_tools.ingest.Export` and a codebook in, a
:class:`CleanSurvey` (canonical data, log, quality flags) out.

``codebook.py`` defines and drafts codebooks, ``clean.py`` applies them, ``pay.py`` parses pay
typed as text, ``redact.py`` removes personal data from open answers and hashes identifiers,
``aapor.py`` computes AAPOR outcome rates.

May import: ``survey_tools.errors`` and ``survey_tools.ingest``.
"""

from .clean import CleanSurvey, clean, read_clean
from .codebook import Codebook

__all__ = ["CleanSurvey", "Codebook", "clean", "read_clean"]
