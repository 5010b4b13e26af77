namespace Rules.Engine.Pipeline;

/// <summary>
/// A login suspended by a rule: the browser goes to <paramref name="Url"/> (already checked: absolute https, or http to
/// localhost) with <paramref name="State"/> added, and the login resumes when the browser brings that state to /continue.
/// The state is made by the engine so that <c>api.redirect.encodeToken</c> can sign it into a token before the host
/// sees the outcome; it is a one-time secret and is never written to the outcome's JSON.
/// </summary>
public sealed record RedirectRequest(string Url, string State);
