"""Sound and voice cues: verdicts to sound events (cues), events to PCM (synth), delivery (vision/ui/live_sound)."""
