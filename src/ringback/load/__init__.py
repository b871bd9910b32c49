"""`ringback load`: calls on the real clock against an app, measured (histogram, report, runner)."""
