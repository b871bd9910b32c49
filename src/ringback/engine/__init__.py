"""The call engine: a sans-IO interpreter of calls and BXML. Facts in, actions out."""
