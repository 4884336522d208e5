"""Regional prioritisation: weighted criteria, scores by staff and board members, the ranking."""
