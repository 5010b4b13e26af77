using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;

namespace Rules.Engine.Testing;

/// <summary>
/// One test case: a login (base merged with the case's overrides) and what its outcome must contain.
/// <see cref="Configuration"/> holds the case's overrides of rules.json's configuration, if any; <see cref="Http"/> the
/// fixtures that answer its rules' HTTP calls (none: every call fails the case).
/// </summary>
public sealed record RuleTestCase(
    string Name,
    string File,
    int Line,
    LoginTransaction Transaction,
    TestExpectation Expect,
    IReadOnlyDictionary<string, string>? Configuration = null,
    IReadOnlyList<Http.HttpFixture>? Http = null)
{
    /// <summary>What <c>--run REGEX</c> matches and reports print: the case file's name without .json, a slash, the case's name.</summary>
    public string Id => $"{Path.GetFileNameWithoutExtension(File)}/{Name}";

    /// <summary><c>file:line</c> of the case, for messages that point the author at it.</summary>
    public string Location => $"{File}:{Line}";

    /// <summary>When set, the login must redirect first; this is the /continue request, and "expect" is about the final outcome.</summary>
    public ContinueStep? Continue { get; init; }
}

/// <summary>The query and form body a browser brings back to /continue; the redirect's <c>state</c> is added to the query unless given.</summary>
public sealed record ContinueStep(JsonObject Query, JsonObject Body);

/// <summary>A test-case file that cannot be read; the message starts with <c>file:line</c>.</summary>
/// <param name="message">What is wrong and where.</param>
public sealed class TestCaseFormatException(string message) : Exception(message);
