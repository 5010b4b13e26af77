
namespace Rules.Host.Errors;

/// <summary>A validated value, or the Auth0 error to answer with: for validators that learn nothing else worth keeping on a refusal.</summary>
public sealed record Validated<T> : ValidationResult<Auth0Error>
{
    public Validated(T? value, Auth0Error? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; init; }

    public static implicit operator Validated<T>(T value) => new(value, null);

    public static implicit operator Validated<T>(Auth0Error error) => new(default, error);
}
