"""What a visitor typed, as a notice may show it back."""


def as_typed(value, limit=60):
    """``value`` cut to ``limit`` characters, without the control characters (a NUL, say) that escaping
    leaves in the page."""
    return "".join(char for char in value if char.isprintable())[:limit]
