"""flask-wtf forms and their validators: short French messages that say what to do."""
