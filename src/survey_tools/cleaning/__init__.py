"""Stage 2, cleaning: an :class:`~survey_tools.ingest.Export` and a codebook in, a
:class:`CleanSurvey` (canonical data, log, quality flags) out.

``codebook.py`` defines codebooks and drafts them with ``drafting.py`` (types, non-answer
labels, missing codes and ranges, ordered scales read from the data); ``clean.py`` applies them:
``columns.py`` cleans each variable and accounts for every value made missing, ``quality.py``
sets the completion status and the quality flags; ``pay.py`` parses pay typed as text,
``redact.py`` removes personal data from open answers (roll names and other people's names in
``redact_names.py``, contact details, addresses and IDs in ``redact_patterns.py``) and hashes
identifiers, ``aapor.py``
computes AAPOR response rates (the one place RR1 and RR2 are computed).

Module order (no cycles): drafting -> codebook -> aapor -> quality, columns -> clean.

May import: ``survey_tools.errors`` and ``survey_tools.ingest``.
"""

from .clean import CleanSurvey, clean, read_clean
from .codebook import Codebook
from .redact import hash_roll, redact

__all__ = ["CleanSurvey", "Codebook", "clean", "hash_roll", "read_clean", "redact"]
