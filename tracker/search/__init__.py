"""Search across proposals, sections and contributions, showing only what the reader may see."""
