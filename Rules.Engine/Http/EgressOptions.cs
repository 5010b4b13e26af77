namespace Rules.Engine.Http;

/// <summary>
/// The server's part of the egress policy (Rules:Egress:Allow:0=..., Rules:Egress:RecordResponses=true): entries added to
/// every rule set's own "egress" list, and whether decision records keep response bodies. See docs/operations.md.
/// </summary>
public sealed class EgressOptions
{
    /// <summary>Entries every rule set may call, in addition to its rules.json "egress" (same syntax).</summary>
    public List<string> Allow { get; set; } = [];

    /// <summary>Keep each call's response body in the outcome and decision log, so replay can answer from it. Off: bodies may hold personal data.</summary>
    public bool RecordResponses { get; set; }
}
