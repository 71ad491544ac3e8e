"""Stage 1, ingest: a raw export file in, an :class:`Export` (data with raw codes + metadata) out.

``read.py`` recognises the file and builds the :class:`Export`; ``binary.py`` reads SPSS, Stata
and SAS files through pyreadstat after ``headers.py`` has walked their structure (a damaged file
is read in a separate process, so a crash of the C reader cannot take the kernel with it);
``text.py`` decodes and splits delimited text, checking every row against the header;
``zipped.py`` unpacks zip downloads and ``.xlsx`` workbooks; ``platforms.py`` recognises the
platform layout (Qualtrics, SurveyMonkey, REDCap, Google Forms, plain CSV); ``limits.py`` holds
the size limits (``survey_tools.ingest.limits.LIMITS``) every read is held to.

May import: ``survey_tools.errors`` only.
"""

from .read import Export, ExportMeta, read_export

__all__ = ["Export", "ExportMeta", "read_export"]
