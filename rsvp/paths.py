"""Where templates and migrations live: beside the package in a checkout, inside it in a wheel."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """Return the directory ``name`` shipped in the wheel, or the repository's top-level one."""
    inside = PACKAGE_DIR / name
    if inside.is_dir():
        return inside
    return PACKAGE_DIR.parent / name


TEMPLATES_DIR = resource_dir("templates")
MIGRATIONS_DIR = resource_dir("migrations")
