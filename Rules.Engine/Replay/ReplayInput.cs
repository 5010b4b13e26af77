namespace Rules.Engine.Replay;

/// <summary>One unparsed record: the text of a JSONL line (or a whole .json file) and where it came from.</summary>
public readonly record struct ReplayInput(string Source, long Line, string Text);
