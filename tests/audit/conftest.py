"""The audit log's tests use the dashboard's logged-in organiser."""

from tests.dashboard.conftest import (  # noqa: F401  (fixtures)
    background_deliveries_finish,
    fresh_g_per_request,
    organiser,
    organiser_client,
)
