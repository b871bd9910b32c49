"""One v1 command in, the module that performs it (`commands` for calls, `rooms` for the rest)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ringback import bxml
from ringback.engine.v1 import bridges, commands, rooms
from ringback.engine.v1 import requests as r

if TYPE_CHECKING:
    from ringback.engine.core import Engine


def perform(engine: Engine, command: r.Command) -> None:
    """Carry out one v1 command (V1StateError when it does not fit)."""
    match command:
        case r.PlaceCall(bridge_id=bridge_id):
            if bridge_id is not None:
                bridges.bridge(engine, bridge_id)  # 404 before anything is placed
            commands.place_call(engine, command)
            if bridge_id is not None:
                call, v1 = commands.leg(engine, command.call_id)
                v1.on_answer.append(lambda: bridges.join_bridge(engine, bridge_id, call))
        case r.ReceiveCall():
            commands.receive_call(engine, command)
        case r.UpdateCall():
            commands.update_call(engine, command)
        case r.PlayAudio(call_id=call_id, audio=audio):
            call = commands.active_call(engine, call_id)
            if call.run is not None and isinstance(call.run.verb, bxml.Conference | bxml.Bridge):
                rooms.call_audio_in_place(engine, call, audio)
            else:
                commands.play_audio(engine, call, audio)
        case r.SendDigits(call_id=call_id, digits=digits):
            commands.send_digits(engine, call_id, digits)
        case r.StartGather():
            commands.start_gather(engine, command)
        case r.StopGather(call_id=call_id, gather_id=gather_id):
            commands.stop_gather(engine, engine.call(call_id), gather_id)
        case r.Transcribe():
            commands.transcribe(engine, command)
        case r.CreateConference():
            rooms.create_conference(engine, command)
        case r.UpdateConference():
            rooms.update_conference(engine, command)
        case r.ConferenceAudio():
            rooms.conference_audio(engine, command)
        case r.AddMember():
            rooms.add_member(engine, command)
        case r.UpdateMember():
            rooms.update_member(engine, command)
        case r.MemberAudio():
            rooms.member_audio(engine, command)
        case r.CreateBridge():
            bridges.create_bridge(engine, command)
        case r.UpdateBridge():
            bridges.update_bridge(engine, command)
        case r.BridgeAudio():
            bridges.bridge_audio(engine, command)
