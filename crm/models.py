"""Imports every domain's models so SQLAlchemy (and Alembic) know the whole schema."""

from crm.audit import models as audit_models  # noqa: F401
from crm.auth import models as auth_models  # noqa: F401
from crm.contacts import models as contact_models  # noqa: F401
from crm.contacts import search as contact_search  # noqa: F401  (search index DDL events)
from crm.digest import models as digest_models  # noqa: F401
from crm.interactions import models as interaction_models  # noqa: F401
from crm.jobs import models as job_models  # noqa: F401
from crm.monitoring import models as monitoring_models  # noqa: F401
from crm.releases import models as release_models  # noqa: F401
