"""`python -m bench.speech_choice`: which speech synthesiser makes words a recogniser hears.

Each candidate speaks the same sentences; each sentence goes through what a media stream does
to it (8 kHz, μ-law and back) and PocketSphinx (the recogniser the tests use, model from its
wheel) transcribes it. Printed per candidate: words recognised right (in order, by a longest
common subsequence against the sentence), and the time to synthesise one sentence. The numbers
behind the choice in docs/streams.md ("Speech"). Needs the test extras and the programs.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from array import array

from ringback.media.decode import decode_audio
from ringback.media.pcmu import decode, encode

SENTENCES = (
    "please call me back tomorrow",
    "i would like to speak to an agent",
    "my account number is seven four two",
    "cancel my order please",
    "yes that is correct",
    "no thank you",
    "what time do you open on monday",
    "i want to pay my bill",
    "transfer me to sales",
    "the package never arrived",
)
CANDIDATES = {
    "flite kal (8 kHz diphone)": ["flite", "-voice", "kal", "-o", "/dev/stdout", "-t"],
    "flite slt (16 kHz clustergen)": ["flite", "-voice", "slt", "-o", "/dev/stdout", "-t"],
    "flite rms (16 kHz clustergen)": ["flite", "-voice", "rms", "-o", "/dev/stdout", "-t"],
    "flite awb (16 kHz clustergen)": ["flite", "-voice", "awb", "-o", "/dev/stdout", "-t"],
    "espeak-ng en-us": ["espeak-ng", "-v", "en-us", "--stdout", "--"],
    "espeak-ng en-us+f3": ["espeak-ng", "-v", "en-us+f3", "--stdout", "--"],
}


def common_words(said: list[str], heard: list[str]) -> int:
    """Length of the longest common subsequence of two word lists."""
    table = [[0] * (len(heard) + 1) for _ in range(len(said) + 1)]
    for i, a in enumerate(said):
        for j, b in enumerate(heard):
            table[i + 1][j + 1] = (
                table[i][j] + 1 if a == b else max(table[i][j + 1], table[i + 1][j])
            )
    return table[-1][-1]


def main() -> None:
    from tests.streams.recognise import recognise

    for name, command in CANDIDATES.items():
        if shutil.which(command[0]) is None:
            print(f"{name:32} not installed")
            continue
        right = total = 0
        seconds = 0.0
        for sentence in SENTENCES:
            started = time.perf_counter()
            wav = subprocess.run([*command, sentence], capture_output=True, check=True).stdout
            audio = decode_audio(wav, 0.0)
            seconds += time.perf_counter() - started
            assert audio is not None
            samples = array("h")
            samples.frombytes(audio)
            heard = recognise(decode(encode(samples)))
            right += common_words(sentence.split(), heard.split())
            total += len(sentence.split())
        print(
            f"{name:32} {right}/{total} words ({100 * right / total:.0f} %), "
            f"{1000 * seconds / len(SENTENCES):.0f} ms a sentence"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
