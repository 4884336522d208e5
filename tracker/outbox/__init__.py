"""Email through an outbox: written in the event's transaction, sent later with retries."""
