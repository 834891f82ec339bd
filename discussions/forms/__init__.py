"""Forms validate input; the services do the work. Split by feature."""
