"""What people read: the rendered report and the trace of why a rule fired or not."""
