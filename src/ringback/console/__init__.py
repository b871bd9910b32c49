"""The web console: what the platform is doing, in a browser, served by `ringback serve` at `/`.

One more edge beside the REST and control APIs (DESIGN.md): its pages read what the control API
reads, and each links to that JSON. Pages are Jinja2 templates rendered on the server, with one
small script for the live parts (server-sent events from `live.py`) and no build step; the
files ship inside the package, so the console works offline. Modules: `pages` (calls, a call,
conferences, recordings' audio), `act` (forms that place calls and drive the clock), `live`
(the event stream), `waterfall` (a timeline's geometry, pure), `highlight` (body colouring);
`site` holds what they share and `console_routes`, which the app mounts.
"""
