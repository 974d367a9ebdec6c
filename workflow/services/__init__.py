"""Units of work: each public function is one transaction of the engine (fire a transition,
write a proposal, run a meeting, import a Vorlage, …), called alike by the API, the web UI, the
CLI and the demo."""
