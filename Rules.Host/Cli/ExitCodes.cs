namespace Rules.Host.Cli;

/// <summary>Exit codes shared by every verb: documented in the README and in each verb's help.</summary>
public static class ExitCodes
{
    /// <summary>Success; for <c>eval</c>, the login was allowed.</summary>
    public const int Ok = 0;

    /// <summary>The check found errors, or the login was denied.</summary>
    public const int Failed = 1;

    /// <summary>Bad input: a missing directory, malformed JSON, unknown options.</summary>
    public const int BadInput = 2;

    /// <summary>An unexpected failure inside rules itself; never used for a denial.</summary>
    public const int InternalError = 3;

    /// <summary><c>eval</c>: a rule suspended the login with a redirect (neither allowed nor denied yet).</summary>
    public const int Redirected = 4;
}
