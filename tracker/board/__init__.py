"""Board review: rounds of board members' decisions on a proposal."""
