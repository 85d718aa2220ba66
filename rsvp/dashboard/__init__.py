"""The organiser's web dashboard: events, invitees, imports, sending and exports."""
