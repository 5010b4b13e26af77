using System.Diagnostics.CodeAnalysis;

namespace Rules.Host.Errors;

/// <summary>What a validator found wrong: a machine-readable code and a sentence written for the caller.</summary>
public interface IValidationError
{
    /// <summary>The code a client can act on: <c>invalid_request</c>, <c>access_denied</c>, <c>invalid_body</c>, ...</summary>
    string Code { get; }

    string Description { get; }
}

/// <summary>
/// The one shape of every request validator's answer in the host, after IdentityServer's: data, never an exception.
/// <see cref="IsError"/>, <see cref="Error"/> (typed by how the endpoint answers: Auth0's error JSON for the Management
/// and impersonation APIs, an OAuth error for /authorize, /oauth/token and links) and <see cref="ErrorDescription"/>.
/// Each validator's result adds what it validated and what its caller needs to answer or audit a refusal.
/// </summary>
public abstract record ValidationResult<TError> where TError : class, IValidationError
{
    public TError? Error { get; init; }

    [MemberNotNullWhen(true, nameof(Error))]
    public bool IsError => Error is not null;

    public string? ErrorDescription => Error?.Description;
}
