# ruff: noqa: E501
"""One invalid document per rule of spec §4.3 / §4.6, each with its exact message and position."""

from __future__ import annotations

import pytest

from ringback.bxml import BxmlError, BxmlInvalidError, check, parse
from ringback.bxml.attributes import VOICES

CONFERENCE_ONLY = (
    "PauseRecording, PlayAudio, ResumeRecording, SpeakSentence, StartRecording, StopRecording"
)
SSML_LIST = "<break>, <emphasis>, <lang>, <p>, <phoneme>, <prosody>, <s>, <say-as>, <sub>"


def doc(body: str) -> str:
    """`body` as the second line of a <Response>: a verb written first starts at line 2, col 3."""
    return f"<Response>\n  {body}\n</Response>"


PROMPTS_21 = "<SpeakSentence>hi</SpeakSentence>" * 21
PARAMS_13 = '<StreamParam name="a" value="b"/>' * 13
CUSTOM_13 = '<CustomParam name="a" value="b"/>' * 13
NUMBERS_9 = "<PhoneNumber>+15551112222</PhoneNumber>" * 9

# fmt: off
INVALID: list[tuple[str, str, str, str, int, int]] = [  # (id, context, document, message, line, column)
    ('root', 'call', '<Reply/>', 'the root element must be <Response> or <Bxml>, got <Reply>', 1, 1),
    ('root-attribute', 'call', '<Response lang="en"/>', '<Response> takes no attributes, got lang', 1, 1),
    ('text-outside-verbs', 'call', '<Response>\n hello <Hangup/></Response>', "<Response> has text 'hello' outside any verb", 1, 1),
    ('unknown-verb', 'call', doc('<Gathr/>'), '<Gathr> is not a BXML verb; did you mean <Gather>?', 2, 3),
    ('unknown-verb-case', 'call', doc('<speaksentence>hi</speaksentence>'), '<speaksentence> is not a BXML verb; did you mean <SpeakSentence>?', 2, 3),
    ('unknown-verb-no-guess', 'call', doc('<Dance/>'), '<Dance> is not a BXML verb', 2, 3),
    ('nested-at-top', 'call', doc('<PhoneNumber>+15551112222</PhoneNumber>'), '<PhoneNumber> belongs inside <Transfer>, not directly in <Response>', 2, 3),
    ('sipuri-at-top', 'call', '<Bxml><SipUri>sip:a@b</SipUri></Bxml>', '<SipUri> belongs inside <Transfer> or <Refer>, not directly in <Bxml>', 1, 7),
    ('typo-attribute', 'call', doc('<Gather gatherURL="/g"/>'), '<Gather> has no attribute gatherURL; did you mean gatherUrl?', 2, 3),
    ('snake-attribute', 'call', doc('<Record record_complete_url="/r"/>'), '<Record> has no attribute record_complete_url; did you mean recordCompleteUrl?', 2, 3),
    ('misspelt-attribute', 'call', doc('<Gather maxDigit="3"/>'), '<Gather> has no attribute maxDigit; did you mean maxDigits?', 2, 3),
    ('unknown-attribute', 'call', doc('<Pause length="3"/>'), '<Pause> has no attribute length', 2, 3),
    ('attribute-on-bare-verb', 'call', doc('<Hangup now="true"/>'), '<Hangup> takes no attributes, got now', 2, 3),
    ('bad-enum', 'call', doc('<Record fileFormat="ogg"/>'), "<Record> fileFormat must be one of wav, mp3, got 'ogg'", 2, 3),
    ('bad-tracks', 'call', doc('<StartStream destination="wss://x" tracks="all"/>'), "<StartStream> tracks must be one of inbound, outbound, both, got 'all'", 2, 3),
    ('bad-diversion', 'call', doc('<Forward to="+15551112222" diversionReason="busy"/>'), "<Forward> diversionReason must be one of unknown, user-busy, no-answer, unavailable, unconditional, time-of-day, do-not-disturb, deflection, follow-me, out-of-service, away, got 'busy'", 2, 3),
    ('bad-voice', 'call', doc('<SpeakSentence voice="hal">hi</SpeakSentence>'), f"<SpeakSentence> voice must be a known voice ({', '.join(VOICES)}), got 'hal'", 2, 3),
    ('bad-gender', 'call', doc('<SpeakSentence gender="robot">hi</SpeakSentence>'), "<SpeakSentence> gender must be one of male, female, got 'robot'", 2, 3),
    ('bad-whole-number', 'call', doc('<Gather maxDigits="many"/>'), "<Gather> maxDigits must be a whole number, got 'many'", 2, 3),
    ('fraction-for-count', 'call', doc('<Gather repeatCount="1.5"/>'), "<Gather> repeatCount must be a whole number, got '1.5'", 2, 3),
    ('bad-seconds', 'call', doc('<Pause duration="1s"/>'), "<Pause> duration must be a number of seconds, got '1s'", 2, 3),
    ('bad-milliseconds', 'call', doc('<SendDtmf toneDuration="fast">1</SendDtmf>'), "<SendDtmf> toneDuration must be a number of milliseconds, got 'fast'", 2, 3),
    ('nan', 'call', doc('<Pause duration="nan"/>'), "<Pause> duration must be a number of seconds, got 'nan'", 2, 3),
    ('infinite', 'call', doc('<Pause duration="1e999"/>'), '<Pause> duration must be 0.1–86400, got 1e999', 2, 3),
    ('max-digits-range', 'call', doc('<Gather maxDigits="80"/>'), '<Gather> maxDigits must be 1–50, got 80', 2, 3),
    ('max-digits-zero', 'call', doc('<Gather maxDigits="0"/>'), '<Gather> maxDigits must be 1–50, got 0', 2, 3),
    ('inter-digit-range', 'call', doc('<Gather interDigitTimeout="0.5"/>'), '<Gather> interDigitTimeout must be 1–60, got 0.5', 2, 3),
    ('first-digit-range', 'call', doc('<Gather firstDigitTimeout="61"/>'), '<Gather> firstDigitTimeout must be 0–60, got 61', 2, 3),
    ('pause-range', 'call', doc('<Pause duration="0.05"/>'), '<Pause> duration must be 0.1–86400, got 0.05', 2, 3),
    ('ring-range', 'call', doc('<Ring duration="86401"/>'), '<Ring> duration must be 0.1–86400, got 86401', 2, 3),
    ('record-range', 'call', doc('<Record maxDuration="10801"/>'), '<Record> maxDuration must be 1–10800, got 10801', 2, 3),
    ('silence-range', 'call', doc('<Record silenceTimeout="-1"/>'), '<Record> silenceTimeout must be 0–10800, got -1', 2, 3),
    ('transfer-timeout-range', 'call', doc('<Transfer callTimeout="301"><PhoneNumber>+15551112222</PhoneNumber></Transfer>'), '<Transfer> callTimeout must be 1–300, got 301', 2, 3),
    ('forward-timeout-range', 'call', doc('<Forward to="+15551112222" callTimeout="0"/>'), '<Forward> callTimeout must be 1–300, got 0', 2, 3),
    ('conference-timeout-range', 'call', doc('<Conference callbackTimeout="30">c</Conference>'), '<Conference> callbackTimeout must be 1–25, got 30', 2, 3),
    ('tone-range', 'call', doc('<SendDtmf toneInterval="5001">1</SendDtmf>'), '<SendDtmf> toneInterval must be 50–5000, got 5001', 2, 3),
    ('bad-bool', 'call', doc('<Ring answerCall="yes"/>'), "<Ring> answerCall must be true or false, got 'yes'", 2, 3),
    ('bad-method', 'call', doc('<Redirect redirectUrl="/r" redirectMethod="PUT"/>'), "<Redirect> redirectMethod must be GET or POST, got 'PUT'", 2, 3),
    ('empty-url', 'call', doc('<Gather gatherUrl=" "/>'), '<Gather> gatherUrl must not be empty', 2, 3),
    ('tag-too-long', 'call', doc(f'<Gather tag="{"x" * 257}"/>'), '<Gather> tag must be at most 256 characters, got 257', 2, 3),
    ('terminating-digits', 'call', doc('<Gather terminatingDigits="#x"/>'), "<Gather> terminatingDigits may only contain 0-9, * and #, got '#x'", 2, 3),
    ('caller-id', 'call', doc('<Transfer transferCallerId="5551234"><PhoneNumber>+15551112222</PhoneNumber></Transfer>'), "<Transfer> transferCallerId must be an E.164 number (+15551234567) or one of Restricted, Anonymous, Private, Unavailable, got '5551234'", 2, 3),
    ('display-name', 'call', doc('<Transfer transferCallerDisplayName="a&#127;b"><PhoneNumber>+15551112222</PhoneNumber></Transfer>'), '<Transfer> transferCallerDisplayName must not contain control characters', 2, 3),
    ('forward-to', 'call', doc('<Forward to="desk"/>'), "<Forward> to must be an E.164 number or a sip: URI, got 'desk'", 2, 3),
    ('uui', 'call', doc('<Forward to="+15551112222" uui="abc"/>'), "<Forward> uui must look like DATA;encoding=base64 (or jwt), got 'abc'", 2, 3),
    ('typo-alias-twice', 'call', doc('<Record recordCompleteFallback_url="/a" recordCompleteFallbackUrl="/b"/>'), '<Record> has both recordCompleteFallback_url and recordCompleteFallbackUrl; they are the same attribute', 2, 3),
    ('redirect-url', 'call', doc('<Redirect/>'), '<Redirect> requires the redirectUrl attribute', 2, 3),
    ('stream-destination', 'call', doc('<StartStream name="s"/>'), '<StartStream> requires the destination attribute', 2, 3),
    ('forward-to-missing', 'call', doc('<Forward/>'), '<Forward> requires the to attribute', 2, 3),
    ('dtmf-url', 'call', doc('<StartGather/>'), '<StartGather> requires the dtmfUrl attribute', 2, 3),
    ('stop-stream-name', 'call', doc('<StopStream/>'), '<StopStream> requires the name attribute', 2, 3),
    ('stream-param-value', 'call', doc('<StartStream destination="wss://x">\n    <StreamParam name="a"/></StartStream>'), '<StreamParam> requires the value attribute', 3, 5),
    ('empty-speak', 'call', doc('<SpeakSentence>  </SpeakSentence>'), '<SpeakSentence> needs text to speak', 2, 3),
    ('speak-only-break', 'call', doc('<SpeakSentence><break time="1s"/></SpeakSentence>'), '<SpeakSentence> needs text to speak', 2, 3),
    ('play-audio-url', 'call', doc('<PlayAudio/>'), '<PlayAudio> needs the audio URL as its text', 2, 3),
    ('bridge-call-id', 'call', doc('<Bridge> </Bridge>'), '<Bridge> needs the call id as its text', 2, 3),
    ('endpoint-id', 'call', doc('<Connect><Endpoint/></Connect>'), '<Endpoint> needs the endpoint id as its text', 2, 12),
    ('conference-name-missing', 'call', doc('<Conference/>'), '<Conference> needs the conference name as its text', 2, 3),
    ('conference-name-chars', 'call', doc('<Conference>my conf</Conference>'), "<Conference> conference name may only contain letters, digits, '-', '_' and '.', got 'my conf'", 2, 3),
    ('conference-name-long', 'call', doc(f'<Conference>{"c" * 101}</Conference>'), '<Conference> conference name must be at most 100 characters, got 101', 2, 3),
    ('conference-two-names', 'call', doc('<Conference name="a">b</Conference>'), "<Conference> is named both 'b' (text) and 'a'", 2, 3),
    ('send-dtmf-empty', 'call', doc('<SendDtmf/>'), '<SendDtmf> needs the digits as its text', 2, 3),
    ('send-dtmf-chars', 'call', doc('<SendDtmf>12x</SendDtmf>'), "<SendDtmf> digits may only contain 0-9 * # a-d A-D , w W, got 'x' in '12x'", 2, 3),
    ('send-dtmf-length', 'call', doc(f'<SendDtmf>{"1" * 51}</SendDtmf>'), '<SendDtmf> digits must be at most 50 characters, got 51', 2, 3),
    ('phone-number', 'call', doc('<Transfer><PhoneNumber>555-1234</PhoneNumber></Transfer>'), "<PhoneNumber> number must be an E.164 number like +15551234567, got '555-1234'", 2, 13),
    ('sip-uri', 'call', doc('<Transfer><SipUri>a@b.com</SipUri></Transfer>'), "<SipUri> SIP URI must be a SIP URI like sip:user@example.com, got 'a@b.com'", 2, 13),
    ('text-in-bare-verb', 'call', doc('<Hangup>now</Hangup>'), "<Hangup> takes no text, got 'now'", 2, 3),
    ('text-in-gather', 'call', doc('<Gather>Press 1</Gather>'), "<Gather> takes no text, got 'Press 1'", 2, 3),
    ('child-in-leaf-verb', 'call', doc('<Pause><Hangup/></Pause>'), '<Pause> cannot contain <Hangup>', 2, 10),
    ('transfer-answer-bridge', 'transferAnswer', doc('<Bridge>c-1</Bridge>'), '<Bridge> is not allowed in transferAnswer BXML', 2, 3),
    ('transfer-answer-conference', 'transferAnswer', doc('<Conference>c</Conference>'), '<Conference> is not allowed in transferAnswer BXML', 2, 3),
    ('transfer-answer-forward', 'transferAnswer', doc('<Forward to="+15551112222"/>'), '<Forward> is not allowed in transferAnswer BXML', 2, 3),
    ('transfer-answer-transfer', 'transferAnswer', doc('<Transfer><PhoneNumber>+15551112222</PhoneNumber></Transfer>'), '<Transfer> is not allowed in transferAnswer BXML', 2, 3),
    ('conference-gather', 'conference', doc('<Gather/>'), f'<Gather> is not allowed in conference BXML; it allows only {CONFERENCE_ONLY}', 2, 3),
    ('conference-hangup', 'conference', doc('<Hangup/>'), f'<Hangup> is not allowed in conference BXML; it allows only {CONFERENCE_ONLY}', 2, 3),
    ('gather-child', 'call', doc('<Gather><Hangup/></Gather>'), '<Gather> can only contain <SpeakSentence>/<PlayAudio>, not <Hangup>', 2, 11),
    ('gather-21-prompts', 'call', doc(f'<Gather>{PROMPTS_21}</Gather>'), '<Gather> allows at most 20 nested <SpeakSentence>/<PlayAudio>, got 21', 2, 3),
    ('gather-repeat-product', 'call', doc('<Gather repeatCount="7"><PlayAudio>a.wav</PlayAudio><PlayAudio>a.wav</PlayAudio><PlayAudio>a.wav</PlayAudio></Gather>'), '<Gather> repeatCount × nested prompts must be at most 20, got 7 × 3 = 21', 2, 3),
    ('transfer-none', 'call', doc('<Transfer/>'), '<Transfer> needs 1–8 <PhoneNumber>/<SipUri>, got 0', 2, 3),
    ('transfer-nine', 'call', doc(f'<Transfer>{NUMBERS_9}</Transfer>'), '<Transfer> needs 1–8 <PhoneNumber>/<SipUri>, got 9', 2, 3),
    ('transfer-child', 'call', doc('<Transfer><SpeakSentence>hi</SpeakSentence></Transfer>'), '<Transfer> can only contain <PhoneNumber>/<SipUri>, not <SpeakSentence>', 2, 13),
    ('stream-params', 'call', doc(f'<StartStream destination="wss://x">{PARAMS_13}</StartStream>'), '<StartStream> allows at most 12 nested <StreamParam>, got 13', 2, 3),
    ('custom-params', 'call', doc(f'<StartTranscription>{CUSTOM_13}</StartTranscription>'), '<StartTranscription> allows at most 12 nested <CustomParam>, got 13', 2, 3),
    ('refer-none', 'call', doc('<Refer referCompleteUrl="/r"/>'), '<Refer> needs exactly one <SipUri>, got 0', 2, 3),
    ('refer-two', 'call', doc('<Refer><SipUri>sip:a@b</SipUri><SipUri>sip:c@d</SipUri></Refer>'), '<Refer> needs exactly one <SipUri>, got 2', 2, 3),
    ('refer-sip-attributes', 'call', doc('<Refer><SipUri uui="a;encoding=jwt">sip:a@b</SipUri></Refer>'), '<SipUri> inside <Refer> takes no attributes, got uui', 2, 10),
    ('connect-child', 'call', doc('<Connect><PhoneNumber>+15551112222</PhoneNumber></Connect>'), '<Connect> can only contain <Endpoint>, not <PhoneNumber>', 2, 12),
    ('connect-none', 'call', doc('<Connect eventCallbackUrl="/e"/>'), '<Connect> needs at least 1 <Endpoint>, got 0', 2, 3),
    ('ssml-element', 'call', doc('<SpeakSentence>Hi <audio src="x"/></SpeakSentence>'), f'<SpeakSentence> cannot contain <audio>; the SSML it allows: {SSML_LIST}', 2, 21),
    ('ssml-verb-inside', 'call', doc('<SpeakSentence>Hi <Pause/></SpeakSentence>'), f'<SpeakSentence> cannot contain <Pause>; the SSML it allows: {SSML_LIST}', 2, 21),
    ('ssml-break-long', 'call', doc('<SpeakSentence>Hi <break time="11s"/></SpeakSentence>'), "<SpeakSentence> SSML <break> time must be at most 10s, got '11s'", 2, 21),
    ('ssml-break-format', 'call', doc('<SpeakSentence>Hi <break time="soon"/></SpeakSentence>'), "<SpeakSentence> SSML <break> time must look like 500ms or 2s, got 'soon'", 2, 21),
    ('ssml-break-strength', 'call', doc('<SpeakSentence>Hi <break strength="huge"/></SpeakSentence>'), "<SpeakSentence> SSML <break> strength must be one of none, x-weak, weak, medium, strong, x-strong, got 'huge'", 2, 21),
    ('ssml-attribute', 'call', doc('<SpeakSentence><prosody speed="slow">Hi</prosody></SpeakSentence>'), '<SpeakSentence> SSML <prosody> has no attribute speed (known: pitch, rate, volume)', 2, 18),
    ('ssml-required', 'call', doc('<SpeakSentence><sub>WWW</sub></SpeakSentence>'), '<SpeakSentence> SSML <sub> requires alias', 2, 18),
    ('ssml-emphasis', 'call', doc('<SpeakSentence><emphasis level="max">Hi</emphasis></SpeakSentence>'), "<SpeakSentence> SSML <emphasis> level must be one of strong, moderate, none, reduced, got 'max'", 2, 18),
]
# fmt: on


@pytest.mark.parametrize(
    ("context", "text", "message", "line", "column"),
    [row[1:] for row in INVALID],
    ids=[row[0] for row in INVALID],
)
def test_parsing_errors_invalid_document_fails_with_exact_message(
    context: str, text: str, message: str, line: int, column: int
) -> None:
    """Each invalid document raises BxmlInvalidError with the exact message, line and column."""
    with pytest.raises(BxmlInvalidError) as caught:
        parse(text, context=context)
    assert (caught.value.message, caught.value.line, caught.value.column) == (message, line, column)
    assert check(text, context=context)[0].message == message


def test_parsing_errors_str_names_line_column_verb_and_problem() -> None:
    """str(error) is `line L, col C: message` and the error names the verb."""
    with pytest.raises(BxmlInvalidError) as caught:
        parse('<?xml version="1.0"?>\n<Response>\n    <Gather maxDigits="80"/>\n</Response>')
    assert str(caught.value) == "line 3, col 5: <Gather> maxDigits must be 1–50, got 80"
    assert caught.value.verb == "Gather"


def test_parsing_errors_check_reports_every_error_in_document_order() -> None:
    """check() keeps going after the first error and lists them all, in order."""
    text = doc(
        '<Gather gatherURL="/g" maxDigits="80"><Hangup/></Gather>\n'
        "  <Redirect/>\n"
        '  <Pause duration="0"/>'
    )
    found = [(e.line, e.column, e.message) for e in check(text)]
    assert found == [
        (2, 3, "<Gather> has no attribute gatherURL; did you mean gatherUrl?"),
        (2, 3, "<Gather> maxDigits must be 1–50, got 80"),
        (2, 41, "<Gather> can only contain <SpeakSentence>/<PlayAudio>, not <Hangup>"),
        (3, 3, "<Redirect> requires the redirectUrl attribute"),
        (4, 3, "<Pause> duration must be 0.1–86400, got 0"),
    ]
    assert all(isinstance(e, BxmlInvalidError) for e in found_errors(text))


def found_errors(text: str) -> list[BxmlError]:
    """check() as a list, for type assertions."""
    return check(text)


def test_parsing_errors_valid_document_checks_clean() -> None:
    """check() of a valid document is the empty list."""
    assert check(doc('<Gather gatherUrl="/g"><SpeakSentence>Hi</SpeakSentence></Gather>')) == []


def test_parsing_errors_unknown_context_is_a_caller_bug() -> None:
    """An unknown context name is a programming error (ValueError), not a document error."""
    with pytest.raises(ValueError, match="unknown BXML context 'bridge'"):
        check("<Response/>", context="bridge")
