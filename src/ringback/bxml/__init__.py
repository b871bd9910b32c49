"""BXML, the verb language: parse safely, validate, render."""
