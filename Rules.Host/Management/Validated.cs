using Rules.Host.Errors;

namespace Rules.Host.Management;

/// <summary>A validation result as data: the value, or the Auth0 error to answer with.</summary>
public sealed record Validated<T>(T? Value, Auth0Error? Error)
{
    public bool IsError => Error is not null;

    public static implicit operator Validated<T>(T value) => new(value, null);

    public static implicit operator Validated<T>(Auth0Error error) => new(default, error);
}
