"""Each use case through each of its callers: the dashboard, the CLI, the imports."""

from tests.dashboard.conftest import (  # noqa: F401  (fixtures shared with the dashboard's tests)
    background_deliveries_finish,
    fresh_g_per_request,
    organiser,
    organiser_client,
)
