"""The organiser fixtures of the dashboard's tests serve the login tests too."""

from tests.dashboard.conftest import (  # noqa: F401
    background_deliveries_finish,
    fresh_g_per_request,
    organiser,
    organiser_client,
)
