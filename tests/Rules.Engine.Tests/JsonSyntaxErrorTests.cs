using Rules.Engine.Pipeline;

namespace Rules.Engine.Tests;

/// <summary>A malformed transaction is reported as a rule author reads it: line, column, and what was unexpected.</summary>
public sealed class JsonSyntaxErrorTests
{
    [Theory]
    [InlineData("{ \"user\": ", "t.json:1:11: not valid JSON: unexpected end of input: a { or [ is still open (a closing } or ] is missing)")]
    [InlineData("", "t.json:1:1: not valid JSON: unexpected end of input: a value was expected")]
    [InlineData("{ \"user\": {}", "t.json:1:13: not valid JSON: unexpected end of input: a { or [ is still open (a closing } or ] is missing)")]
    [InlineData("{\n  \"user\": {},\n  \"context\": { oops }\n}", "t.json:3:16: not valid JSON: unexpected 'o': a property name in double quotes was expected (names must be quoted)")]
    [InlineData("{ \"user\": { \"a\": 1 \"b\": 2 } }", "t.json:1:20: not valid JSON: unexpected '\"': a ',' or a closing } or ] was expected after the value")]
    [InlineData("{ \"user\" { } }", "t.json:1:10: not valid JSON: unexpected '{': a ':' was expected after the property name")]
    [InlineData("{ \"user\": { \"email\": 'a@b' } }", "t.json:1:22: not valid JSON: unexpected ''': a value was expected (a \"string\", a number, true, false, null, { or [)")]
    [InlineData("{ \"user\": { \"name\": \"Zoë\", \"x\": True } }", "t.json:1:33: not valid JSON: unexpected 'T': a value was expected (a \"string\", a number, true, false, null, { or [)")]
    [InlineData("{ \"user\": \"abc", "t.json:1:15: not valid JSON: unexpected end of input inside a string (a closing \" is missing)")]
    [InlineData("{} x", "t.json:1:4: not valid JSON: unexpected 'x' after the end of the JSON value")]
    public void Says_where_and_what_in_plain_words(string json, string expected)
    {
        var error = Assert.Throws<TransactionFormatException>(() => TransactionJson.Parse(json, "t.json"));

        error.Message.Split('\n')[0].Should().Be(expected);
        error.Message.Should().NotContain("depth").And.NotContain("BytePositionInLine").And.NotContain("payload");
    }

    [Fact]
    public void Shows_the_line_with_a_caret_under_the_column()
    {
        var error = Assert.Throws<TransactionFormatException>(() => TransactionJson.Parse("{\n  \"context\": { oops }\n}", "t.json"));

        error.Message.Split('\n').Skip(1).Should().Equal("    \"context\": { oops }", "                 ^");
    }
}
