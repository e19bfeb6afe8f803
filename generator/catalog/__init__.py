"""The catalog: contributed YAML entries and vocabularies, loaded with their lines and validated.

    loading.py     safe YAML that keeps the line of every key and value
    models.py      the entry schema (pydantic), declared once; urls.py and slugs.py its rules
    validation.py  every problem at once, located; the rules across entries

Exports `load_catalog` (data folder → `Catalog`) and the `Community` model. Imports only the
shared core (`generator.errors`, `generator.forking`).
"""

from generator.catalog.models import Community
from generator.catalog.validation import Catalog, load_catalog

__all__ = ["Catalog", "Community", "load_catalog"]
