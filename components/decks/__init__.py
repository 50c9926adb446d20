"""decks."""
