namespace Rules.Engine.Pipeline;

/// <summary>
/// What the host puts in the <c>auth0</c> global for one login, beside <c>auth0.users</c>: <c>auth0.domain</c>,
/// <c>auth0.baseUrl</c> and <c>auth0.accessToken</c> (a Management API token for the host's own API), so rules written
/// as <c>new ManagementClient({ domain: auth0.domain, token: auth0.accessToken })</c> find them. The token is made only
/// when a rule first reads it, once per login, so logins whose rules never read it cost nothing. Without an instance
/// (rules eval, test, replay) the three read as undefined. The engine knows nothing of how the token is made.
/// </summary>
public sealed class Auth0Globals(string domain, string baseUrl, Func<string?> accessToken)
{
    private string? _token;
    private bool _made;

    /// <summary>What rules read as <c>auth0.domain</c>: the host's domain name, without a scheme.</summary>
    public string Domain => domain;

    /// <summary>What rules read as <c>auth0.baseUrl</c>: the host's base URL.</summary>
    public string BaseUrl => baseUrl;

    /// <summary>The token, made on first read (null when the host grants none).</summary>
    public string? AccessToken
    {
        get
        {
            if (!_made)
            {
                _made = true;
                _token = accessToken();
            }
            return _token;
        }
    }

    /// <summary>The token if a rule read it during this login, else null: what log lines must not carry.</summary>
    public string? IssuedToken => _made ? _token : null;
}
