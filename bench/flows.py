"""The call flows the benchmarks run: BXML by path, and the far end that plays along."""

from __future__ import annotations

from typing import Any

# Figure 3: an IVR call of about 100 s. Prompts, a menu whose first digit times out once, a
# recorded message ended by silence, a redirect, a goodbye; the app answers every webhook.
IVR_ROUTES = {
    "/answer": (
        "<Response>"
        "<SpeakSentence>Thank you for calling the benchmark line. Please listen carefully,"
        " as our menu options have changed.</SpeakSentence>"
        '<Pause duration="3"/>'
        '<Gather gatherUrl="/menu" maxDigits="1" firstDigitTimeout="10" repeatCount="2">'
        "<SpeakSentence>For sales press one. For support press two.</SpeakSentence>"
        "</Gather>"
        "</Response>"
    ),
    "/menu": (
        "<Response>"
        "<SpeakSentence>Please leave a message after the tone.</SpeakSentence>"
        '<Record recordCompleteUrl="/recorded" maxDuration="60" silenceTimeout="5"/>'
        "</Response>"
    ),
    "/recorded": '<Response><Redirect redirectUrl="/goodbye"/></Response>',
    "/goodbye": (
        "<Response>"
        "<SpeakSentence>Thank you. Your message will be answered within one day.</SpeakSentence>"
        '<Pause duration="20"/>'
        "<SpeakSentence>Goodbye.</SpeakSentence>"
        "<Hangup/>"
        "</Response>"
    ),
}

# The caller lets the first menu prompt time out, presses 2 the second time, then speaks a
# 30-second message and falls silent until the recording stops.
IVR_PHONE: dict[str, Any] = {
    "steps": [
        {"waitFor": "gather"},
        {"wait": 20},
        {"press": "2"},
        {"waitFor": "record"},
        {"say": "this is a long message about my order", "duration": 30},
    ]
}

# Figure 2: the shortest flow.
HANGUP_ROUTES = {"/answer": "<Response><Hangup/></Response>"}

# Figure 4: calls held in a long pause.
PAUSE_ROUTES = {"/answer": '<Response><Pause duration="3600"/></Response>'}

# Figure 5: each call alternates an immediate redirect (whose reply is timed at the app) and a
# 2-second pause, so 1,000 calls bring about 1,000 webhooks a second.
LATENCY_PAUSE_S = 2
LATENCY_ROUTES = {
    "/answer": '<Response><Redirect redirectUrl="/b"/></Response>',
    "/a": '<Response><Redirect redirectUrl="/b"/></Response>',
    "/b": f'<Response><Pause duration="{LATENCY_PAUSE_S}"/><Redirect redirectUrl="/a"/></Response>',
}
LATENCY_TIMED = ("/answer", "/a")
