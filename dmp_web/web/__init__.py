"""Flask blueprints, one per area; views stay thin and call the domain."""
