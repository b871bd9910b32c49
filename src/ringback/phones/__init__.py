"""The far end of a call: phone scripts, as data the engine consults."""
