"""Media handling for role-model portraits: photos now, video probing and rendering later."""
