"""Engagement figures from the social networks: reading their analytics exports."""
