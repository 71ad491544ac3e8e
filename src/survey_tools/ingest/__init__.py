"""Stage 1, ingest: a raw export file in, an :class:`Export` (data with raw codes + metadata) out.

``read.py`` recognises the file and reads binary formats (SPSS, Stata, SAS) through pyreadstat;
``platforms.py`` reads text and Excel exports and recognises their platform layout (Qualtrics,
SurveyMonkey, REDCap, Google Forms, plain CSV).

May import: ``survey_tools.errors`` only.
"""

from .read import Export, ExportMeta, read_export

__all__ = ["Export", "ExportMeta", "read_export"]
