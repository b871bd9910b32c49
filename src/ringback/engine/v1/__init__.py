"""v1 ("Catapult") calls on the engine: commands performed with shared machinery, v1 reports.

`requests` holds the commands the v1 REST API sends, `commands` performs them, `leg` is a v1
call's state and the observer that sends its v1 events (`ringback.events_v1`).
"""
